import type { EnvSpec } from '../../src/registry/registry.js';

/** The autoscale environments (registered into the default registry by envs/index.ts). */
export const autoscaleSpecs: EnvSpec<never>[] = [];
