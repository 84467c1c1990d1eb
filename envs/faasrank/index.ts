import type { EnvSpec } from '../../src/registry/registry.js';
import { FAASRANK_ID, type FaaSRankConfig } from './config.js';
import { FaaSRankEnv } from './faasrank-env.js';

export { FaaSRankEnv } from './faasrank-env.js';
export { FAASRANK_SCHEMA } from './config.js';
export {
  FEATURES_PER_INVOKER,
  FUNCTION_FEATURES,
  INVOKER_FEATURE,
  faasrankLayout,
} from './features.js';
export { faasrankReward, rewardFromIntegral } from './reward.js';
export { leastConnections, randomValid } from './policies.js';
export { FAASRANK_FUNCTIONS, workloadLoads } from './scenario.js';
export { benchFaasrankSteps } from './bench.js';

/** Long enough for any Table III workload (at most 408 invocations, one step each); the episode terminates when all have finished. */
const MAX_EPISODE_STEPS = 10_000;

const faasrankSpec: EnvSpec<FaaSRankConfig> = {
  id: FAASRANK_ID,
  kind: 'single',
  entryPoint: (config) => new FaaSRankEnv(config),
  maxEpisodeSteps: MAX_EPISODE_STEPS,
  description: 'Route each arriving invocation to one of a variable set of OpenWhisk invokers (Table II functions, Table III Azure-shaped workloads) to minimise average completion time; reward −Δt·in-flight (FaaSRank, 003 §III–§VI)',
};

/** The faasrank environments (registered into the default registry by envs/index.ts). */
export const faasrankSpecs: EnvSpec<never>[] = [faasrankSpec] as EnvSpec<never>[];
