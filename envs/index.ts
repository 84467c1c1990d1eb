import type { EnvSpec } from '../src/registry/registry.js';
import { autoscaleSpecs } from './autoscale/index.js';
import { classicSpecs } from './classic/index.js';
import { darlySpecs } from './darly/index.js';
import { faasconfSpecs } from './faasconf/index.js';
import { faasrankSpecs } from './faasrank/index.js';
import { stepconfSpecs } from './stepconf/index.js';

/** Every environment faasgym ships, registered into the default registry on import. */
export const builtinSpecs: EnvSpec<never>[] = [
  ...classicSpecs,
  ...faasconfSpecs,
  ...stepconfSpecs,
  ...autoscaleSpecs,
  ...faasrankSpecs,
  ...darlySpecs,
] as EnvSpec<never>[];

// The environments' step-rate benchmarks, for `faasgym bench sim` (src/ reaches envs/ only through this file).
export { benchFaasconfSteps, FAASCONF_STEPS_TARGET } from './faasconf/bench.js';
export { benchFaasrankSteps, FAASRANK_STEPS_TARGET } from './faasrank/bench.js';

// The environments' option schemas, for the generated docs tables (src/experiment/docs-options.ts).
export { HORIZONTAL_SCHEMA, VERTICAL_SCHEMA } from './autoscale/config.js';
export { DARLY_SCHEMA } from './darly/config.js';
export { faasconfSchema } from './faasconf/config.js';
export { FAASRANK_SCHEMA } from './faasrank/config.js';
export { stepconfSchema } from './stepconf/config.js';
export { CARTPOLE_SCHEMA } from './classic/cartpole.js';
export { PENDULUM_SCHEMA } from './classic/pendulum.js';

// Backends by kind, so the twin can capture the scenario an environment id simulates (src/experiment/env-scenario.ts).
export { registerBackend } from './common/backend.js';
