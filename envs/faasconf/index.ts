import type { EnvSpec } from '../../src/registry/registry.js';
import { FAASCONF_WORKFLOWS, type FaaSConfConfigInput, type FaaSConfWorkflow } from './config.js';
import { FaaSConfEnv } from './faasconf-env.js';

export { FaaSConfEnv } from './faasconf-env.js';
export { actionToConfig, configToAction, configChanges, type FunctionConfig } from './actions.js';
export {
  ML_RANGES,
  WEB_RANGES,
  WORKFLOWS,
  faasconfSchema,
  type FaaSConfWorkflow,
} from './config.js';
export { faasconfReward, maxWindowCostUsd, qosMet } from './reward.js';
export { dynamicUsers } from './workload.js';
export { benchFaasconfSteps } from './bench.js';

const DESCRIPTIONS: Record<FaaSConfWorkflow, string> = {
  Sequential: 'Configure CPU, memory, replicas and concurrency of a 5-function sequential ML workflow for least cost under QoS (FaaSConf, one agent per function)',
  Parallel: 'Configure CPU, memory, replicas and concurrency of a 6-function fan-out/join ML workflow for least cost under QoS (FaaSConf, one agent per function)',
  Branch: 'Configure CPU, memory, replicas and concurrency of a 7-function branching ML workflow for least cost under QoS (FaaSConf, one agent per function)',
  TrainTicket: 'Configure CPU, memory, replicas and concurrency of the 12-function TrainTicket ticket search for least cost under QoS (FaaSConf, one agent per function)',
};

function spec(workflow: FaaSConfWorkflow): EnvSpec<FaaSConfConfigInput> {
  return {
    id: `FaaSConf-${workflow}-v0`,
    kind: 'parallel',
    entryPoint: (config) => new FaaSConfEnv(workflow, config),
    // 30 min of 30 s windows; the azure-dynamic workload replays its whole 85-minute trace (170 windows, §5.2.2).
    maxEpisodeSteps: (config) => ((config as { workload?: unknown } | undefined)?.workload === 'azure-dynamic' ? 170 : 60),
    description: DESCRIPTIONS[workflow],
  };
}

/** The faasconf environments (registered into the default registry by envs/index.ts). */
export const faasconfSpecs: EnvSpec<never>[] = FAASCONF_WORKFLOWS.map(spec) as EnvSpec<never>[];
