import type { EnvSpec } from '../../src/registry/registry.js';

/** The stepconf environments (registered into the default registry by envs/index.ts). */
export const stepconfSpecs: EnvSpec<never>[] = [];
