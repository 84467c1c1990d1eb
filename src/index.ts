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
export { registry, register, make, makeEnv, makeParallel, Registry, parseEnvId, type EnvSpec, type MakeOptions, type ParsedId } from './registry/index.js';
export { checkEnv, checkParallelEnv, formatReport, SINGLE_RULES, PARALLEL_RULES, type CheckReport, type CheckOptions, type CheckFailure } from './registry/checker.js';
export { version } from './version.js';

// The Cluster seam and the embedded simulator.
export type {
  Cluster,
  ClusterSnapshot,
  ConfigChange,
  ApplyResult,
  WindowSpec,
  NodeInfo,
  FunctionState,
  ReplicaInfo,
  FunctionMetrics,
  NodeMetrics,
  WorkflowMetrics,
  LatencyStats,
  PcmCounters,
  CostBreakdown,
  ResourceSpec,
  ScalingMode,
  OverflowPolicy,
} from './cluster/types.js';
export { SimCluster, type SimClusterOptions } from './cluster/sim/sim-cluster.js';
export { resolveScenario, loadScenarioFile, overrideScenario, isResolvedScenario } from './cluster/sim/scenario.js';
export { DEFAULT_CONTENTION } from './cluster/sim/spec.js';
export type {
  ScenarioSpec,
  ResolvedScenario,
  SimNodeSpec,
  SimFunctionSpec,
  SimWorkflowSpec,
  SimStageSpec,
  LoadSpec,
  StressSpec,
} from './cluster/sim/spec.js';
export { interferenceSlowdown } from './cluster/sim/interference.js';
export { pcmCounters, cpuTimes } from './cluster/sim/pcm.js';
export {
  provisionedCostUsd,
  totalProvisionedCostUsd,
  lambdaCostUsd,
  darlyResourceTerm,
  darlyReward,
  AZURE_PREMIUM_PRICES,
  AWS_LAMBDA_X86_PRICES,
} from './cluster/cost.js';
export * from './workloads/index.js';

// Learner machinery.
export { train, evaluate, type TrainOptions, type TrainResult, type EvaluationResult, type Progress } from './experiment/train.js';
export { initTf, tf, type TfBackend } from './nn/tf.js';
export { ReplayBuffer, type Batch, type Transition, type ReplayOptions } from './nn/replay.js';
export { RolloutBuffer, type RolloutStep } from './nn/rollout.js';
export { GaussianNoise, OrnsteinUhlenbeckNoise, type Noise } from './nn/noise.js';
export { linearSchedule, exponentialSchedule, constantSchedule, type Schedule } from './nn/schedule.js';
export { mlp, updateTarget, clipByGlobalNorm, type MlpOptions } from './nn/mlp.js';
export { seedWeights } from './nn/init.js';
export { saveCheckpoint, loadCheckpoint, CheckpointError, type CheckpointManifest } from './nn/checkpoint.js';
