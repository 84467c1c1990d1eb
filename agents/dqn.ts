/**
 * DQN: deep Q-learning with experience replay and a target network
 * (Mnih et al., "Human-level control through deep reinforcement learning",
 * Nature 2015), as Darly (paper 004, §4.3 and §4.5) uses it through
 * Stable-Baselines3. CLI name `dqn`.
 *
 * Read it top to bottom: the options (each default says where it comes from),
 * the action coding (Discrete and MultiDiscrete), the Q-network, then the
 * algorithm (`act`, `observe`, `update`), then checkpoints and the factory.
 *
 * Options beyond the 2015 algorithm: double DQN (van Hasselt et al. 2016),
 * a dueling head (Wang et al. 2016), Huber or squared loss, proportional
 * prioritised replay (Schaul et al. 2016), gradient clipping by global norm,
 * and running observation normalisation.
 *
 * MultiDiscrete actions (`multiDiscrete`):
 * - `'flatten'`: one Q head over the product of `nvec` (action index in
 *   row-major order, dimension 0 most significant). Exact, but the head grows
 *   as the product; refused above 65,536 joint actions.
 * - `'factored'`: one Q head per dimension over a shared torso (action
 *   branching, Tavakoli et al., "Action Branching Architectures for Deep RL",
 *   AAAI 2018). The greedy action takes each head's argmax independently; every
 *   head regresses onto one shared target, `r + γ · mean_d Q_d'(s', a_d*)`, the
 *   mean over heads of the next state's (double or plain) head values, and the
 *   loss is the mean over heads. With `dueling` the heads share one state value.
 *
 * Semantics follow Stable-Baselines3's DQN: uniformly random actions for the
 * first `learningStarts` steps, then ε-greedy with ε decaying linearly over
 * `explorationFraction · totalSteps` steps; every `trainFreq` environment steps
 * (once past `learningStarts`) `gradientSteps` minibatch updates; the target
 * network follows the online one every `targetUpdateInterval` environment steps;
 * a truncated (time-limit) step bootstraps, only a terminated one does not;
 * weights start as PyTorch initialises them (`init: 'torch'`). A ParallelEnv is
 * seen through `CentralizedEnv` (concatenated observations, joint action).
 *
 * All randomness (weights, exploration, replay sampling) comes from `Rng`
 * streams forked from the seed: the same seed gives the same actions and losses.
 */
import { isParallelEnv, type AnyEnv, type Env, type ParallelEnv } from '../src/core/env.js';
import { ConfigError, quote } from '../src/core/errors.js';
import { Rng } from '../src/core/rng.js';
import { CentralizedEnv } from '../src/core/wrappers/centralized-env.js';
import { Box } from '../src/spaces/box.js';
import { Discrete } from '../src/spaces/discrete.js';
import { flatdim, flatten } from '../src/spaces/flatten.js';
import { MultiDiscrete } from '../src/spaces/multi-discrete.js';
import type { Space } from '../src/spaces/space.js';
import { CheckpointError, loadCheckpoint, modelGroup, optimizerGroup, restoreModel, restoreOptimizer, saveCheckpoint } from '../src/nn/checkpoint.js';
import { clipByGlobalNorm, mlp, mlpForward, mlpPredict, updateTarget, type Activation } from '../src/nn/mlp.js';
import { mlpPredictRelease } from '../src/nn/mlp-predict.js';
import { ReplayBuffer, type Batch } from '../src/nn/replay.js';
import { constantSchedule, linearSchedule, type Schedule } from '../src/nn/schedule.js';
import { initTf, tf } from '../src/nn/tf.js';
import type { ActOptions, Agent, AgentFactory, Losses, SingleTransition } from './agent.js';
import { registerAgent } from './registry.js';

// ================================================================ OPTIONS

export interface DQNOptions {
  /** Hidden layer widths of the Q-network. @default [256, 128, 64] (Darly §4.5: "three hidden layers with 256, 128, and 64 features") */
  hidden?: readonly number[];
  /** Hidden activation. @default 'relu' (Darly §4.5) */
  activation?: Activation;
  /**
   * Weight initialisation: `'torch'` draws kernels and biases from U(±1/√fan_in), PyTorch's
   * `nn.Linear` default that SB3 (and so Darly) trains from; `'he'` is `mlp`'s He/Glorot-uniform
   * kernels with zero biases. @default 'torch' (SB3's networks; on CartPole it learns markedly
   * more stably here than 'he')
   */
  init?: 'torch' | 'he';
  /** Adam learning rate. @default 0.0025 (Darly §4.5) */
  learningRate?: number;
  /** `'linear'`: the learning rate decays linearly to 0 at `totalSteps` (rl-zoo's `lin_<lr>`), which keeps the final policy from drifting. @default 'constant' (SB3 DQN) */
  learningRateSchedule?: 'constant' | 'linear';
  /** Minibatch size. @default 32 (Darly §4.5) */
  batchSize?: number;
  /** Discount factor γ. @default 0.99 (Darly §4.5) */
  gamma?: number;
  /** Replay capacity in transitions (capped at `totalSteps`, which it can never exceed in one run). @default 1_000_000 (Darly §4.5: 10^6) */
  bufferSize?: number;
  /** Copy the online network into the target every this many environment steps. @default 60 (Darly §4.5) */
  targetUpdateInterval?: number;
  /** Target update factor: 1 is a hard copy, below 1 Polyak averaging θ' ← τθ + (1 − τ)θ'. @default 1 (SB3 DQN) */
  tau?: number;
  /** Environment steps of uniformly random actions before learning starts. @default 100 (SB3 DQN, which Darly used) */
  learningStarts?: number;
  /** Train every this many environment steps. @default 4 (SB3 DQN) */
  trainFreq?: number;
  /** Minibatch updates per training round. @default 1 (SB3 DQN) */
  gradientSteps?: number;
  /** ε at the start of the schedule. @default 1 (SB3 DQN) */
  explorationInitialEps?: number;
  /** ε after the schedule. @default 0.05 (SB3 DQN) */
  explorationFinalEps?: number;
  /**
   * How ε-greedy explores a MultiDiscrete action coded `'factored'`: `'joint'` replaces the whole action by a
   * uniform sample with probability ε (SB3); `'per-head'` draws each head's action at random with probability ε,
   * independently, and keeps the other heads greedy (an action-branching DQN's exploration). With many heads
   * joint exploration moves every element at once: on Autoscale-Vertical-v0 nine functions random-walk and
   * some function almost always sits below its SLA, so the cost of CPU never shows in the rewards. @default 'joint'
   */
  exploration?: 'joint' | 'per-head';
  /** Fraction of `totalSteps` over which ε decays linearly. @default 0.1 (SB3 DQN) */
  explorationFraction?: number;
  /** The training budget in environment steps that `explorationFraction` (and the prioritised-replay β annealing) refer to; `faasgym train` sets it to `--steps`. @default 100_000 */
  totalSteps?: number;
  /** TD loss: Huber (smooth L1, δ = 1) or squared error. @default 'huber' (SB3 DQN's smooth_l1_loss; Darly's Algorithm 1 writes the square) */
  loss?: 'huber' | 'mse';
  /** Clip gradients to this global norm (0: no clipping). @default 10 (SB3 DQN max_grad_norm) */
  maxGradNorm?: number;
  /** Double DQN: the online network picks the next action, the target network values it. @default false (Darly: plain DQN) */
  doubleQ?: boolean;
  /** Dueling head: Q = V + A − mean(A). @default false (Darly: plain DQN) */
  dueling?: boolean;
  /** MultiDiscrete coding (see the module doc). @default 'flatten' */
  multiDiscrete?: 'flatten' | 'factored';
  /** Proportional prioritised replay. @default false */
  prioritizedReplay?: boolean;
  /** Priority exponent α. @default 0.6 (Schaul et al. 2016, proportional variant) */
  priorityAlpha?: number;
  /** Initial importance-sampling exponent β, annealed linearly to 1 over `totalSteps`. @default 0.4 (Schaul et al. 2016) */
  priorityBeta?: number;
  /** Added to |δ| to form a priority. @default 1e-6 */
  priorityEps?: number;
  /** Normalise observations by running mean and variance (updated on observed transitions). @default false */
  normalizeObservations?: boolean;
  /** Clip normalised observations to ±this. @default 10 (SB3 VecNormalize clip_obs) */
  observationClip?: number;
}

/** Every option, resolved. */
export type DQNHyperparameters = { -readonly [K in keyof DQNOptions]-?: NonNullable<DQNOptions[K]> } & { hidden: number[] };

export const DQN_DEFAULTS: Readonly<DQNHyperparameters> = Object.freeze({
  hidden: [256, 128, 64],
  activation: 'relu',
  init: 'torch',
  learningRate: 0.0025,
  learningRateSchedule: 'constant',
  batchSize: 32,
  gamma: 0.99,
  bufferSize: 1_000_000,
  targetUpdateInterval: 60,
  tau: 1,
  learningStarts: 100,
  trainFreq: 4,
  gradientSteps: 1,
  explorationInitialEps: 1,
  explorationFinalEps: 0.05,
  explorationFraction: 0.1,
  exploration: 'joint',
  totalSteps: 100_000,
  loss: 'huber',
  maxGradNorm: 10,
  doubleQ: false,
  dueling: false,
  multiDiscrete: 'flatten',
  prioritizedReplay: false,
  priorityAlpha: 0.6,
  priorityBeta: 0.4,
  priorityEps: 1e-6,
  normalizeObservations: false,
  observationClip: 10,
}) as DQNHyperparameters;

const ACTIVATIONS: readonly Activation[] = ['relu', 'tanh', 'sigmoid', 'linear', 'elu'];
/** Largest joint action count `multiDiscrete: 'flatten'` accepts. */
export const MAX_FLAT_ACTIONS = 65_536;

/** Merge `options` over the defaults and validate every field; messages quote the bad value. */
export function resolveDQNOptions(options: DQNOptions | Record<string, unknown> = {}): DQNHyperparameters {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new ConfigError(`dqn options must be an object, got ${quote(options)}`);
  const known = Object.keys(DQN_DEFAULTS);
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new ConfigError(`unknown dqn option ${quote(key)} (known: ${known.join(', ')})`);
  }
  const o = { ...DQN_DEFAULTS, ...(options as Record<string, unknown>) } as Record<string, unknown>;
  const bad = (key: string, what: string): never => {
    throw new ConfigError(`dqn option ${key} must be ${what}, got ${quote(o[key])}`);
  };
  const int = (key: string, min: number): number => {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) bad(key, min === 0 ? 'a non-negative integer' : `an integer >= ${min}`);
    return v as number;
  };
  const num = (key: string, ok: (v: number) => boolean, what: string): number => {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) bad(key, what);
    return v as number;
  };
  const bool = (key: string): boolean => {
    if (typeof o[key] !== 'boolean') bad(key, 'true or false');
    return o[key] as boolean;
  };
  const oneOf = <T extends string>(key: string, values: readonly T[]): T => {
    if (!values.includes(o[key] as T)) bad(key, `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`);
    return o[key] as T;
  };
  const hidden = o.hidden;
  if (!Array.isArray(hidden) || hidden.some((h) => typeof h !== 'number' || !Number.isSafeInteger(h) || h < 1)) bad('hidden', 'an array of positive integers');
  const r: DQNHyperparameters = {
    hidden: [...(hidden as number[])],
    activation: oneOf('activation', ACTIVATIONS),
    init: oneOf('init', ['torch', 'he'] as const),
    learningRate: num('learningRate', (v) => v > 0, 'a number > 0'),
    learningRateSchedule: oneOf('learningRateSchedule', ['constant', 'linear'] as const),
    batchSize: int('batchSize', 1),
    gamma: num('gamma', (v) => v >= 0 && v <= 1, 'a number in [0, 1]'),
    bufferSize: int('bufferSize', 1),
    targetUpdateInterval: int('targetUpdateInterval', 1),
    tau: num('tau', (v) => v > 0 && v <= 1, 'a number in (0, 1]'),
    learningStarts: int('learningStarts', 0),
    trainFreq: int('trainFreq', 1),
    gradientSteps: int('gradientSteps', 1),
    explorationInitialEps: num('explorationInitialEps', (v) => v >= 0 && v <= 1, 'a number in [0, 1]'),
    explorationFinalEps: num('explorationFinalEps', (v) => v >= 0 && v <= 1, 'a number in [0, 1]'),
    explorationFraction: num('explorationFraction', (v) => v >= 0 && v <= 1, 'a number in [0, 1]'),
    exploration: oneOf('exploration', ['joint', 'per-head'] as const),
    totalSteps: int('totalSteps', 1),
    loss: oneOf('loss', ['huber', 'mse'] as const),
    maxGradNorm: num('maxGradNorm', (v) => v >= 0, 'a number >= 0 (0: no clipping)'),
    doubleQ: bool('doubleQ'),
    dueling: bool('dueling'),
    multiDiscrete: oneOf('multiDiscrete', ['flatten', 'factored'] as const),
    prioritizedReplay: bool('prioritizedReplay'),
    priorityAlpha: num('priorityAlpha', (v) => v > 0 && v <= 1, 'a number in (0, 1]'),
    priorityBeta: num('priorityBeta', (v) => v >= 0 && v <= 1, 'a number in [0, 1]'),
    priorityEps: num('priorityEps', (v) => v > 0, 'a number > 0'),
    normalizeObservations: bool('normalizeObservations'),
    observationClip: num('observationClip', (v) => v > 0, 'a number > 0'),
  };
  return r;
}

// ================================================================ SPACES AND ACTION CODING

/** The single-agent view DQN acts on: the env itself, or `CentralizedEnv` over a ParallelEnv. */
function singleView(env: AnyEnv): Env<unknown, unknown> {
  return (isParallelEnv(env) ? new CentralizedEnv(env as ParallelEnv<string, unknown, unknown>) : env) as Env<unknown, unknown>;
}

/** Why DQN cannot run on `env`, or null. */
export function dqnSupports(env: AnyEnv): string | null {
  let view: Env<unknown, unknown>;
  try {
    view = singleView(env);
  } catch (err) {
    return `dqn cannot view this environment as a single agent: ${(err as Error).message}`;
  }
  const space = view.actionSpace;
  if (!(space instanceof Discrete) && !(space instanceof MultiDiscrete)) {
    return `dqn needs a Discrete or MultiDiscrete action space, got ${(space as Space<unknown>).type ?? String(space)}${isParallelEnv(env) ? ' (the joint action of the parallel env)' : ''}`;
  }
  try {
    flatdim(view.observationSpace);
  } catch (err) {
    return `dqn needs a flattenable observation space: ${(err as Error).message}`;
  }
  return null;
}

/**
 * How env actions map to Q heads: `heads[d]` actions in head d; a replay row
 * stores one index per head.
 */
interface ActionCoding {
  heads: number[];
  /** Env action → head indices (written into `out`). */
  encode(action: unknown, out: Float32Array): void;
  /** Head indices → env action. */
  decode(indices: ArrayLike<number>): number | number[];
}

function actionCoding(space: Discrete | MultiDiscrete, mode: 'flatten' | 'factored'): ActionCoding {
  if (space instanceof Discrete) {
    return {
      heads: [space.n],
      encode: (a, out) => void (out[0] = (a as number) - space.start),
      decode: (idx) => (idx[0] as number) + space.start,
    };
  }
  const { nvec, start } = space;
  if (mode === 'factored') {
    return {
      heads: [...nvec],
      encode: (a, out) => nvec.forEach((_, d) => void (out[d] = ((a as ArrayLike<number>)[d] as number) - (start[d] as number))),
      decode: (idx) => nvec.map((_, d) => (idx[d] as number) + (start[d] as number)),
    };
  }
  const total = nvec.reduce((a, b) => a * b, 1);
  if (total > MAX_FLAT_ACTIONS) {
    throw new ConfigError(`dqn multiDiscrete "flatten" would need one head over ${total} joint actions (nvec ${quote(nvec)}; limit ${MAX_FLAT_ACTIONS}): use multiDiscrete "factored"`);
  }
  // Row-major strides: dimension 0 is the most significant digit.
  const strides = nvec.map((_, d) => nvec.slice(d + 1).reduce((a, b) => a * b, 1));
  return {
    heads: [total],
    encode: (a, out) => {
      let index = 0;
      nvec.forEach((_, d) => (index += (((a as ArrayLike<number>)[d] as number) - (start[d] as number)) * (strides[d] as number)));
      out[0] = index;
    },
    decode: (idx) => nvec.map((n, d) => Math.floor((idx[0] as number) / (strides[d] as number)) % n + (start[d] as number)),
  };
}

/** Running mean and variance per observation element (Welford), for normalisation. */
class RunningStats {
  count = 0;
  readonly mean: Float64Array;
  readonly m2: Float64Array;
  constructor(readonly dim: number) {
    this.mean = new Float64Array(dim);
    this.m2 = new Float64Array(dim);
  }
  update(x: ArrayLike<number>): void {
    this.count++;
    for (let i = 0; i < this.dim; i++) {
      const v = x[i] as number;
      const delta = v - (this.mean[i] as number);
      this.mean[i] = (this.mean[i] as number) + delta / this.count;
      this.m2[i] = (this.m2[i] as number) + delta * (v - (this.mean[i] as number));
    }
  }
  /** Normalise `rows` rows of `x` in place, clipped to ±clip. */
  normalize(x: Float32Array, rows: number, clip: number): void {
    if (this.count < 2) return;
    for (let i = 0; i < this.dim; i++) {
      const mu = this.mean[i] as number;
      const inv = 1 / Math.sqrt((this.m2[i] as number) / this.count + 1e-8);
      for (let r = 0; r < rows; r++) {
        const k = r * this.dim + i;
        x[k] = Math.max(-clip, Math.min(clip, ((x[k] as number) - mu) * inv));
      }
    }
  }
}

// ================================================================ Q-NETWORK

/**
 * The Q-network is a plain MLP whose output row holds, per head, one value per
 * action (or, with `dueling`, one state value followed by every head's
 * advantages). `qHeads` turns that row into one Q tensor per head.
 */
function buildQNetwork(obsDim: number, heads: number[], hp: DQNHyperparameters, name: string, rng: Rng): tf.Sequential {
  const outputs = heads.reduce((a, b) => a + b, 0) + (hp.dueling ? 1 : 0);
  const model = mlp({ input: obsDim, hidden: hp.hidden, output: outputs, activation: hp.activation, name }, rng);
  if (hp.init === 'torch') torchInit(model, rng);
  return model;
}

/** PyTorch's `nn.Linear` initialisation: kernel and bias from U(−1/√fan_in, 1/√fan_in), drawn from `rng`. */
function torchInit(model: tf.LayersModel, rng: Rng): void {
  for (const layer of model.layers) {
    const weights = layer.getWeights();
    if (weights.length === 0) continue;
    const limit = 1 / Math.sqrt((weights[0] as tf.Tensor).shape[0] as number);
    const next = weights.map((w) => {
      const values = new Float32Array(w.size);
      for (let i = 0; i < values.length; i++) values[i] = rng.uniform(-limit, limit);
      return tf.tensor(values, w.shape);
    });
    layer.setWeights(next);
    for (const t of next) t.dispose();
  }
}

function qHeads(model: tf.LayersModel, x: tf.Tensor2D, heads: number[], dueling: boolean): tf.Tensor2D[] {
  const raw = mlpForward(model, x);
  if (!dueling) return heads.length === 1 ? [raw] : tf.split(raw, heads, 1);
  const value = raw.slice([0, 0], [-1, 1]);
  const advantages = raw.slice([0, 1], [-1, -1]);
  const parts = heads.length === 1 ? [advantages] : tf.split(advantages, heads, 1);
  return parts.map((a) => value.add(a.sub(a.mean(1, true))) as tf.Tensor2D);
}

// ================================================================ ALGO LOGIC

export class DQN implements Agent {
  readonly name = 'dqn';
  readonly kind = 'single' as const;
  readonly hyperparameters: DQNHyperparameters;
  readonly observationDim: number;
  /** Actions per Q head (one head unless MultiDiscrete is factored). */
  readonly heads: number[];
  readonly online: tf.Sequential;
  readonly target: tf.Sequential;
  /** Environment steps observed (SB3's num_timesteps). */
  numTimesteps = 0;
  /** Minibatch updates done. */
  numGradientSteps = 0;
  /** The current ε of ε-greedy exploration. */
  explorationRate: number;

  private optimizer: tf.Optimizer;
  private readonly envId: string | null;
  private readonly obsSpace: Space<unknown>;
  private readonly actionSpace: Discrete | MultiDiscrete;
  private readonly coding: ActionCoding;
  private readonly replay: ReplayBuffer;
  private readonly obsStats: RunningStats | null;
  private readonly epsilon: Schedule;
  private readonly learningRate: Schedule;
  private readonly beta: Schedule;
  private readonly exploreRng: Rng;
  private readonly replayRng: Rng;
  private readonly trainable: tf.Variable[];
  // Reused scratch arrays (no allocation per step).
  private readonly obsRow: Float32Array;
  private readonly nextObsRow: Float32Array;
  private readonly actionRow: Float32Array;
  private disposed = false;

  /** Build a DQN for `env` (call `await initTf()` first, or use `DQN.create`). */
  constructor(env: AnyEnv, options: DQNOptions | Record<string, unknown> = {}, readonly seed = 0) {
    const why = dqnSupports(env);
    if (why) throw new ConfigError(why);
    if (!Number.isSafeInteger(seed) || seed < 0) throw new ConfigError(`dqn seed must be a non-negative safe integer, got ${quote(seed)}`);
    const hp = resolveDQNOptions(options);
    this.hyperparameters = hp;
    const view = singleView(env);
    this.envId = env.spec?.id ?? null;
    this.obsSpace = view.observationSpace;
    this.actionSpace = view.actionSpace as Discrete | MultiDiscrete;
    this.coding = actionCoding(this.actionSpace, hp.multiDiscrete);
    this.heads = this.coding.heads;
    this.observationDim = flatdim(this.obsSpace);

    const root = new Rng(seed);
    const initRng = root.fork();
    this.exploreRng = root.fork();
    this.replayRng = root.fork();

    this.online = buildQNetwork(this.observationDim, this.heads, hp, 'q', initRng);
    this.target = buildQNetwork(this.observationDim, this.heads, hp, 'q_target', initRng);
    updateTarget(this.target, this.online);
    this.trainable = this.online.trainableWeights.map((w) => w.read() as tf.Variable);
    this.optimizer = tf.train.adam(hp.learningRate);

    this.replay = new ReplayBuffer({
      capacity: Math.min(hp.bufferSize, hp.totalSteps),
      obsDim: this.observationDim,
      actionDim: this.heads.length,
      alpha: hp.prioritizedReplay ? hp.priorityAlpha : 0,
    });
    this.obsStats = hp.normalizeObservations ? new RunningStats(this.observationDim) : null;
    this.epsilon = linearSchedule(hp.explorationInitialEps, hp.explorationFinalEps, hp.explorationFraction * hp.totalSteps);
    this.learningRate = hp.learningRateSchedule === 'linear' ? linearSchedule(hp.learningRate, 0, hp.totalSteps) : constantSchedule(hp.learningRate);
    this.beta = linearSchedule(hp.priorityBeta, 1, hp.totalSteps);
    this.explorationRate = this.epsilon(0);
    this.obsRow = new Float32Array(this.observationDim);
    this.nextObsRow = new Float32Array(this.observationDim);
    this.actionRow = new Float32Array(this.heads.length);
  }

  /** `await initTf()`, then construct. */
  static async create(env: AnyEnv, options: DQNOptions | Record<string, unknown> = {}, seed = 0): Promise<DQN> {
    await initTf();
    return new DQN(env, options, seed);
  }

  /** Observation → flat float row (`out`), without normalisation. */
  private flatObs(obs: unknown, out: Float32Array): Float32Array {
    if (this.obsSpace instanceof Box) {
      const list = obs as ArrayLike<number>;
      if (list.length !== this.observationDim) throw new ConfigError(`dqn: observation has ${list.length} numbers, expected ${this.observationDim}`);
      for (let i = 0; i < this.observationDim; i++) out[i] = list[i] as number;
    } else out.set(flatten(this.obsSpace, obs));
    return out;
  }

  /** Q-values of one observation, one array per head (greedy-action diagnostics and tests). */
  qValues(obs: unknown): Float32Array[] {
    const row = this.flatObs(obs, this.obsRow);
    this.obsStats?.normalize(row, 1, this.hyperparameters.observationClip);
    // One fused forward pass, read back once; heads (and the dueling combination, as qHeads does it) in JavaScript.
    const raw = mlpPredict(this.online, row, 1);
    const out: Float32Array[] = [];
    let at = this.hyperparameters.dueling ? 1 : 0;
    for (const n of this.heads) {
      const q = raw.slice(at, at + n);
      at += n;
      if (this.hyperparameters.dueling) {
        let mean = 0;
        for (let i = 0; i < n; i++) mean += q[i] as number;
        mean = Math.fround(mean / n);
        const v = raw[0] as number;
        for (let i = 0; i < n; i++) q[i] = v + ((q[i] as number) - mean);
      }
      out.push(q);
    }
    return out;
  }

  async act(obs: unknown, opts: ActOptions): Promise<number | number[]> {
    if (opts.explore) {
      // SB3: uniformly random actions until learning starts, then ε-greedy.
      if (this.numTimesteps < this.hyperparameters.learningStarts) return this.actionSpace.sample(this.exploreRng);
      if (this.hyperparameters.exploration === 'per-head' && this.heads.length > 1) {
        const greedy = this.greedyHeads(obs);
        return this.coding.decode(greedy.map((a, d) => (this.exploreRng.random() < this.explorationRate ? this.exploreRng.integer(0, this.heads[d] as number) : a)));
      }
      if (this.exploreRng.random() < this.explorationRate) return this.actionSpace.sample(this.exploreRng);
    }
    return this.coding.decode(this.greedyHeads(obs));
  }

  /** argmax per head; ties go to the lowest index, as tf.argMax and torch.argmax do. */
  private greedyHeads(obs: unknown): number[] {
    return this.qValues(obs).map((q) => {
      let best = 0;
      for (let i = 1; i < q.length; i++) if ((q[i] as number) > (q[best] as number)) best = i;
      return best;
    });
  }

  observe(transition: SingleTransition): void {
    const t = transition;
    this.coding.encode(t.action, this.actionRow);
    const obs = this.flatObs(t.obs, this.obsRow);
    this.obsStats?.update(obs);
    this.replay.add({
      obs,
      action: this.actionRow,
      reward: t.reward,
      nextObs: this.flatObs(t.nextObs, this.nextObsRow),
      terminated: t.terminated, // a truncated episode bootstraps from nextObs
    });
    this.numTimesteps++;
    this.explorationRate = this.epsilon(this.numTimesteps);
  }

  async update(): Promise<Losses | null> {
    const hp = this.hyperparameters;
    let losses: Losses | null = null;
    if (this.numTimesteps > hp.learningStarts && this.numTimesteps % hp.trainFreq === 0 && this.replay.size > 0) {
      let sum = 0;
      for (let g = 0; g < hp.gradientSteps; g++) sum += this.gradientStep();
      // qMax: the largest |TD target bootstrap| of the last minibatch, for the training loop's divergence check.
      losses = { q: sum / hp.gradientSteps, qMax: this.lastQMax };
    }
    if (this.numTimesteps % hp.targetUpdateInterval === 0) updateTarget(this.target, this.online, hp.tau);
    return losses;
  }

  /** max |Q'(s', a*)| over the last minibatch's next states (the target net's bootstrap). */
  private lastQMax = 0;

  /** One minibatch update of the online network; returns the loss. */
  private gradientStep(): number {
    const hp = this.hyperparameters;
    const B = hp.batchSize, D = this.heads.length, dim = this.observationDim;
    const batch: Batch = this.replay.sample(B, this.replayRng, this.beta(this.numTimesteps));
    // tfjs's Adam reads its (protected) learningRate field on every step.
    (this.optimizer as unknown as { learningRate: number }).learningRate = this.learningRate(this.numTimesteps);
    if (this.obsStats) {
      this.obsStats.normalize(batch.obs, B, hp.observationClip);
      this.obsStats.normalize(batch.nextObs, B, hp.observationClip);
    }
    let tdAbs: tf.Tensor | null = null;
    let qMax: tf.Tensor | null = null;
    const loss = tf.tidy(() => {
      const obs = tf.tensor2d(batch.obs, [B, dim]);
      const nextObs = tf.tensor2d(batch.nextObs, [B, dim]);
      const actions = tf.tensor2d(batch.action, [B, D]).toInt();
      const reward = tf.tensor1d(batch.reward);
      const notDone = tf.scalar(1).sub(tf.tensor1d(batch.done));
      const weights = tf.tensor1d(batch.weights);

      // TD target y = r + γ (1 − done) · mean_d Q'_d(s', a*_d), a*_d by the target net (DQN) or the online net (double DQN).
      const nextTarget = qHeads(this.target, nextObs, this.heads, hp.dueling);
      const nextOnline = hp.doubleQ ? qHeads(this.online, nextObs, this.heads, hp.dueling) : null;
      const nextValues = nextTarget.map((qt, d) => {
        if (!nextOnline) return qt.max(1);
        const best = (nextOnline[d] as tf.Tensor2D).argMax(1);
        return qt.mul(tf.oneHot(best, this.heads[d] as number)).sum(1);
      });
      const nextValue = D === 1 ? (nextValues[0] as tf.Tensor1D) : tf.stack(nextValues, 1).mean(1);
      qMax = tf.keep(nextValue.abs().max());
      const y = reward.add(notDone.mul(nextValue).mul(hp.gamma)) as tf.Tensor1D;

      const { value, grads } = tf.variableGrads(() => {
        const q = qHeads(this.online, obs, this.heads, hp.dueling);
        const actionCols = D === 1 ? [actions] : tf.split(actions, D, 1);
        const qTaken = q.map((qd, d) => qd.mul(tf.oneHot((actionCols[d] as tf.Tensor2D).reshape([B]) as tf.Tensor1D, this.heads[d] as number)).sum(1));
        const td = (D === 1 ? (qTaken[0] as tf.Tensor1D).expandDims(1) : tf.stack(qTaken, 1)).sub(y.expandDims(1)) as tf.Tensor2D; // [B, D]
        if (hp.prioritizedReplay) tdAbs = tf.keep(td.abs().mean(1));
        // Huber (δ = 1): ½·min(|td|, 1)² + (|td| − min(|td|, 1)), i.e. ½td² inside ±1, |td| − ½ outside.
        const abs = td.abs();
        const inside = tf.minimum(abs, 1);
        const elementwise = hp.loss === 'huber' ? inside.square().mul(0.5).add(abs.sub(inside)) : td.square();
        return elementwise.mean(1).mul(weights).mean() as tf.Scalar;
      }, this.trainable);
      this.optimizer.applyGradients(clipByGlobalNorm(grads, hp.maxGradNorm));
      return value;
    });
    const lossValue = loss.dataSync()[0] as number;
    loss.dispose();
    if (qMax) {
      const t = qMax as tf.Tensor;
      this.lastQMax = t.dataSync()[0] as number;
      t.dispose();
    }
    if (tdAbs) {
      const t = tdAbs as tf.Tensor;
      this.replay.updatePriorities(batch.indices, t.dataSync(), hp.priorityEps);
      t.dispose();
    }
    this.numGradientSteps++;
    return lossValue;
  }

  // ================================================================ CHECKPOINTS

  /** Online and target weights, Adam state, hyperparameters, counters, ε and Rng states, normalisation statistics. The replay buffer is not saved. */
  async save(dir: string): Promise<string> {
    const optimizer = await optimizerGroup(this.optimizer);
    try {
      return await saveCheckpoint(dir, {
        agent: this.name,
        env: this.envId,
        hyperparameters: { ...this.hyperparameters },
        extra: {
          seed: this.seed,
          observationDim: this.observationDim,
          actionSpace: this.actionSpace.toJSON(),
          numTimesteps: this.numTimesteps,
          numGradientSteps: this.numGradientSteps,
          explorationRate: this.explorationRate,
          exploreRng: this.exploreRng.getState(),
          replayRng: this.replayRng.getState(),
          obsStats: this.obsStats ? { count: this.obsStats.count, mean: Array.from(this.obsStats.mean), m2: Array.from(this.obsStats.m2) } : null,
        },
        groups: { online: modelGroup(this.online), target: modelGroup(this.target), optimizer },
      });
    } finally {
      // tfjs creates the iteration counter afresh for getWeights(); saveCheckpoint frees it once written,
      // this frees it when the save failed first (disposing twice is a no-op).
      for (const w of optimizer) if (w.name === 'iter') w.tensor.dispose();
    }
  }

  async load(dir: string): Promise<void> {
    const ckpt = loadCheckpoint(dir);
    const { manifest } = ckpt;
    if (manifest.agent !== this.name) throw new CheckpointError(`${ckpt.path} holds a ${quote(manifest.agent)} checkpoint, not dqn`);
    const extra = manifest.extra as Record<string, unknown>;
    if (extra.observationDim !== this.observationDim) {
      throw new CheckpointError(`${ckpt.path}: trained on observations of ${quote(extra.observationDim)} numbers, this environment has ${this.observationDim}`);
    }
    if (JSON.stringify(extra.actionSpace) !== JSON.stringify(this.actionSpace.toJSON())) {
      throw new CheckpointError(`${ckpt.path}: trained on action space ${quote(extra.actionSpace)}, this environment has ${this.actionSpace.toString()}`);
    }
    for (const key of ['hidden', 'dueling', 'multiDiscrete', 'activation'] as const) {
      if (JSON.stringify(manifest.hyperparameters[key]) !== JSON.stringify(this.hyperparameters[key])) {
        throw new CheckpointError(`${ckpt.path}: checkpoint has ${key} ${quote(manifest.hyperparameters[key])}, this agent ${quote(this.hyperparameters[key])}`);
      }
    }
    restoreModel(this.online, ckpt.groups.online, 'online');
    restoreModel(this.target, ckpt.groups.target, 'target');
    // A fresh optimizer receives the saved moments (tfjs's setWeights does not free the old ones).
    this.optimizer.dispose();
    this.optimizer = tf.train.adam(this.hyperparameters.learningRate);
    await restoreOptimizer(this.optimizer, ckpt.groups.optimizer);
    this.numTimesteps = extra.numTimesteps as number;
    this.numGradientSteps = extra.numGradientSteps as number;
    this.explorationRate = extra.explorationRate as number;
    this.exploreRng.setState(extra.exploreRng as number[]);
    this.replayRng.setState(extra.replayRng as number[]);
    const stats = extra.obsStats as { count: number; mean: number[]; m2: number[] } | null;
    if (this.obsStats && stats) {
      this.obsStats.count = stats.count;
      this.obsStats.mean.set(stats.mean);
      this.obsStats.m2.set(stats.m2);
    }
  }

  /** Adam's state as plain arrays (tests compare it across save/load). */
  async optimizerState(): Promise<{ name: string; values: number[] }[]> {
    const weights = await this.optimizer.getWeights();
    const out = weights.map((w) => ({ name: w.name, values: Array.from(w.tensor.dataSync()) }));
    for (const w of weights) if (w.name === 'iter') w.tensor.dispose();
    return out;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    mlpPredictRelease(this.online);
    this.online.dispose();
    this.target.dispose();
    this.optimizer.dispose();
  }
}

// ================================================================ FACTORY

/** `trainingBudgetOption`: `faasgym train` fills `totalSteps` with `--steps` (see src/experiment/training-run.ts). */
export const dqnFactory: AgentFactory = {
  name: 'dqn',
  kind: 'single',
  description: 'DQN (Darly §4.5 defaults) with optional double, dueling, prioritised replay; Discrete and MultiDiscrete actions',
  supports: dqnSupports,
  create: (env, options, seed) => DQN.create(env, options, seed),
  trainingBudgetOption: 'totalSteps',
};

registerAgent(dqnFactory);
