import type { EnvSpec } from '../../src/registry/registry.js';
import { STEPCONF_IDS, type StepconfConfig } from './config.js';
import { workflowGraph } from './critical-path.js';
import { STEPCONF_WORKFLOWS, stepconfFragment, type StepconfWorkflow } from './scenario.js';
import { StepConfEnv } from './stepconf-env.js';

export { StepConfEnv } from './stepconf-env.js';
export {
  STEPCONF_IDS,
  stepconfSchema,
} from './config.js';
export {
  expectedPhases,
  longestPathsToSink,
  normalQuantile,
  workflowGraph,
} from './critical-path.js';
export { FEATURES, featureIndex } from './observation.js';
export { profileSamples, type ProfileSample } from './profiling.js';
export { sloMet, sloPenaltyUsd, stepCostUsd, stepReward } from './reward.js';

const DESCRIPTIONS: Record<StepconfWorkflow, string> = {
  ML: 'three Preprocess → Train → Merge pipelines (9 steps)',
  Video: 'video processing, pull frame → three two-step chains → merge frame (8 steps)',
  DAG16: 'a 16-step DAG of is-prime tasks of four difficulties',
};

function spec(workflow: StepconfWorkflow): EnvSpec<StepconfConfig> {
  const steps = workflowGraph(stepconfFragment(workflow).workflow).stages.length;
  return {
    id: STEPCONF_IDS[workflow],
    kind: 'single',
    entryPoint: (config) => new StepConfEnv(workflow, config),
    // One env.step per workflow step; twice that is never reached (a limit that coincided with the terminal step would also flag it truncated).
    maxEpisodeSteps: 2 * steps,
    description: `Set memory, inter- and intra-function parallelism of each ready step of ${DESCRIPTIONS[workflow]} under an end-to-end SLO; reward −cost (§3.5) − SLO penalty (001 §3–§5)`,
  };
}

/** The stepconf environments (registered into the default registry by envs/index.ts). */
export const stepconfSpecs: EnvSpec<never>[] = STEPCONF_WORKFLOWS.map(spec) as EnvSpec<never>[];
