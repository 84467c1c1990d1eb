import type { EnvSpec } from '../../src/registry/registry.js';

/** The darly environments (registered into the default registry by envs/index.ts). */
export const darlySpecs: EnvSpec<never>[] = [];
