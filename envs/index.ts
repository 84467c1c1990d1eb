import type { EnvSpec } from '../src/registry/registry.js';
import { classicSpecs } from './classic/index.js';

/** Every environment faasgym ships, registered into the default registry on import. */
export const builtinSpecs: EnvSpec<never>[] = [...classicSpecs] as EnvSpec<never>[];
