import type { EnvSpec } from '../../src/registry/registry.js';
import { STEPCONF_IDS, type StepconfConfig } from './config.js';
import { workflowGraph } from './critical-path.js';
import { STEPCONF_WORKFLOWS, stepconfFragment, type StepconfWorkflow } from './scenario.js';
import { StepConfEnv } from './stepconf-env.js';

export { StepConfEnv, makeStepConfDag16, makeStepConfMl, makeStepConfVideo } from './stepconf-env.js';
export {
  DEFAULT_SLO_SECONDS, PAPER_MEMORY_SIZES_MB, STEPCONF_IDS, parseStepconfConfig, stepconfSchema,
  type StepconfConfig, type StepconfSchema, type StepconfSettings,
} from './config.js';
export {
  distQuantile, expectedPhases, instanceSpeed, instanceThreads, longestPathsToSink, normalQuantile, vcpus, workflowGraph,
  type StepConfig, type WorkflowGraph,
} from './critical-path.js';
export { FEATURES, TIME_CLIP, featureIndex, observe, type FeatureName, type ObservationInput } from './observation.js';
export { profileSamples, type ProfileOptions, type ProfileSample, type ProfileTarget } from './profiling.js';
export { prewarmCostUsd, reportsCostUsd, sloMet, sloPenaltyUsd, stepCostUsd, stepReward, type SloPenaltyWeights } from './reward.js';
export { NOMINAL_JOBS, STEPCONF_WORKFLOWS, episodeScenario, stepconfFragment, type StepconfWorkflow } from './scenario.js';

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
