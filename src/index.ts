/**
 * faasgym: Gym-compatible reinforcement-learning environments for serverless
 * (FaaS) resource management. This module is the package root:
 * `import { make, Box, checkEnv } from 'faasgym'`.
 */
export type {
  Env,
  ParallelEnv,
  AnyEnv,
  Info,
  ResetOptions,
  ResetResult,
  StepResult,
  ParallelResetResult,
  ParallelStepResult,
  EnvSpecInfo,
} from './core/env.js';
export { isParallelEnv } from './core/env.js';
export { BaseEnv } from './core/base-env.js';
export { BaseParallelEnv } from './core/base-parallel-env.js';
export { Rng, entropySeed } from './core/rng.js';
export {
  FaasgymError,
  InvalidActionError,
  ResetNeededError,
  ConfigError,
  SpaceError,
  BackendError,
} from './core/errors.js';
export * from './core/wrappers/index.js';
export * from './spaces/index.js';
export { registry, register, make, makeEnv, makeParallel, Registry, parseEnvId, type EnvSpec, type MakeOptions } from './registry/index.js';
export { checkEnv, checkParallelEnv, formatReport, SINGLE_RULES, PARALLEL_RULES, type CheckReport, type CheckOptions, type CheckFailure } from './registry/checker.js';
export { version } from './version.js';
