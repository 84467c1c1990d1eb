import type { EnvSpec } from '../../src/registry/registry.js';
import { makeHorizontal, makeVertical } from './autoscale-env.js';
import { HORIZONTAL_ID, VERTICAL_ID, type HorizontalConfig, type VerticalConfig } from './config.js';

export { AutoscaleEnv, makeHorizontal, makeVertical } from './autoscale-env.js';
export {
  AUTOSCALE_FUNCTIONS,
  DEFAULT_SLA_MS,
  HORIZONTAL_ID,
  HORIZONTAL_SCHEMA,
  VERTICAL_ID,
  VERTICAL_SCHEMA,
} from './config.js';
export { FEATURES_PER_FUNCTION, featureIndex } from './observation.js';
export { autoscaleReward } from './reward.js';
export { thresholdPolicy } from './threshold-policy.js';

/** Episodes of 100 steps of 10 s: five times the ~20 steps the paper's vertical scaler needed to converge (002 §4.1). */
const MAX_EPISODE_STEPS = 100;

const verticalSpec: EnvSpec<VerticalConfig> = {
  id: VERTICAL_ID,
  kind: 'single',
  entryPoint: (config) => makeVertical(config),
  maxEpisodeSteps: MAX_EPISODE_STEPS,
  description: 'Raise, keep or lower the CPU limit of each of the 9 vSwarm online-shop functions every 10 s under per-function p90 SLAs (002 §3.3–§4)',
};

const horizontalSpec: EnvSpec<HorizontalConfig> = {
  id: HORIZONTAL_ID,
  kind: 'single',
  entryPoint: (config) => makeHorizontal(config),
  maxEpisodeSteps: MAX_EPISODE_STEPS,
  description: 'Add, keep or remove a replica of each of the 9 vSwarm online-shop functions every 10 s under per-function p90 SLAs (002 §3.3–§4)',
};

/** The autoscale environments (registered into the default registry by envs/index.ts). */
export const autoscaleSpecs: EnvSpec<never>[] = [verticalSpec, horizontalSpec] as EnvSpec<never>[];
