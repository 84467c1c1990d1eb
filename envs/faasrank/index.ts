import type { EnvSpec } from '../../src/registry/registry.js';

/** The faasrank environments (registered into the default registry by envs/index.ts). */
export const faasrankSpecs: EnvSpec<never>[] = [];
