import type { EnvSpec } from '../../src/registry/registry.js';

/** CartPole-v1 and Pendulum-v1 (filled in by envs/classic/cartpole.ts and pendulum.ts). */
export const classicSpecs: EnvSpec<never>[] = [];
