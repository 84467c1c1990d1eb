import type { EnvSpec } from '../../src/registry/registry.js';

/** The faasconf environments (registered into the default registry by envs/index.ts). */
export const faasconfSpecs: EnvSpec<never>[] = [];
