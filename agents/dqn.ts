/**
 * DQN: deep Q-learning with experience replay and a target network
 * (Mnih et al., "Human-level control through deep reinforcement learning",
 * Nature 2015), as Darly (paper 004, §4.3 and §4.5) uses it through
 * Stable-Baselines3. CLI name `dqn`.
 *
 * Read it top to bottom: the options (each default says where it comes from),
 * then the algorithm (`act`, `observe`, `update`), then checkpoints and the
 * factory. The action coding (Discrete and MultiDiscrete) is in
 * `dqn-coding.ts`, the tfjs Q-network of the reference path in `dqn-network.ts`.
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
import type { AnyEnv } from '../src/core/env.js';
import { ConfigError, quote } from '../src/core/errors.js';
import { Rng } from '../src/core/rng.js';
import { Box } from '../src/spaces/box.js';
import { Discrete } from '../src/spaces/discrete.js';
import { flatdim, flatten } from '../src/spaces/flatten.js';
import { MultiDiscrete } from '../src/spaces/multi-discrete.js';
import type { Space } from '../src/spaces/space.js';
import { CheckpointError, loadCheckpoint, modelGroup, restoreModel, saveCheckpoint } from '../src/nn/checkpoint.js';
import { FlatAdam, restoreAdamState, type AdamState } from '../src/nn/adam.js';
import { DenseStack, Tape } from '../src/nn/dense.js';
import { updateTarget } from '../src/nn/mlp.js';
import { ParamSet } from '../src/nn/params.js';
import { ActMirror } from '../src/nn/act-mirror.js';
import { ReplayBuffer, type Batch, type ReplayState } from '../src/nn/replay.js';
import { constantSchedule, linearSchedule, type Schedule } from '../src/nn/schedule.js';
import { initTf, tf } from '../src/nn/tf.js';
import type { ActOptions, Agent, AgentFactory, Losses, SingleTransition } from './agent.js';
import { actionCoding, dqnSupports, type ActionCoding } from './dqn-coding.js';
import { RunningStats } from '../src/core/running-mean-std.js';
import { singleView } from '../src/core/wrappers/centralized-env.js';
import { buildQNetwork, qHeads } from './dqn-network.js';
import { registerAgent } from './registry.js';
import { batchSize, boolean, bufferSize, gamma, gradientSteps, hidden, learningRate, maxGradNorm, number, oneOf, options, parseOptions, steps, tau, unit, type z } from './option-fields.js';

// ================================================================ OPTIONS

/** The options of DQN: type, bounds, default and its source per field (`--set key=value`, zoo files). */
export const DQN_SCHEMA = options({
  hidden: hidden([256, 128, 64], { allowEmpty: true, doc: 'hidden layer widths of the Q-network', source: 'Darly §4.5: "three hidden layers with 256, 128, and 64 features"' }),
  activation: oneOf({ values: ['relu', 'tanh', 'sigmoid', 'linear', 'elu'] as const, default: 'relu', doc: 'hidden activation', source: 'Darly §4.5' }),
  init: oneOf({ values: ['torch', 'he'] as const, default: 'torch', doc: '`torch`: kernels and biases from U(±1/√fan_in), PyTorch\'s `nn.Linear` default that SB3 (and so Darly) trains from; `he`: He/Glorot-uniform kernels with zero biases (on CartPole `torch` learns markedly more stably here)', source: 'SB3' }),
  learningRate: learningRate(0.0025, { source: 'Darly §4.5' }),
  learningRateSchedule: oneOf({ values: ['constant', 'linear'] as const, default: 'constant', doc: '`linear`: the learning rate decays linearly to 0 at `totalSteps` (rl-zoo\'s `lin_<lr>`), which keeps the final policy from drifting', source: 'SB3 DQN' }),
  batchSize: batchSize(32, { source: 'Darly §4.5' }),
  gamma: gamma(0.99, { source: 'Darly §4.5' }),
  bufferSize: bufferSize(1_000_000, { doc: 'replay capacity in transitions (capped at `totalSteps`, which it can never exceed in one run)', source: 'Darly §4.5: 10^6' }),
  targetUpdateInterval: steps(60, 1, { doc: 'copy the online network into the target every this many environment steps', source: 'Darly §4.5' }),
  tau: tau(1, { source: 'SB3 DQN' }),
  learningStarts: steps(100, 0, { doc: 'environment steps of uniformly random actions before learning starts', source: 'SB3 DQN, which Darly used' }),
  trainFreq: steps(4, 1, { doc: 'train every this many environment steps', source: 'SB3 DQN' }),
  gradientSteps: gradientSteps(1, { source: 'SB3 DQN' }),
  explorationInitialEps: unit(1, { doc: 'ε at the start of the schedule', source: 'SB3 DQN' }),
  explorationFinalEps: unit(0.05, { doc: 'ε after the schedule', source: 'SB3 DQN' }),
  explorationFraction: unit(0.1, { doc: 'fraction of `totalSteps` over which ε decays linearly', source: 'SB3 DQN' }),
  totalSteps: steps(100_000, 1, { doc: 'the training budget in environment steps that `explorationFraction` (and the prioritised-replay β annealing) refer to; `faasgym train` sets it to `--steps`' }),
  loss: oneOf({ values: ['huber', 'mse'] as const, default: 'huber', doc: 'TD loss: Huber (smooth L1, δ = 1) or squared error (Darly\'s Algorithm 1 writes the square)', source: 'SB3 DQN smooth_l1_loss' }),
  maxGradNorm: maxGradNorm(10, { source: 'SB3 DQN max_grad_norm' }),
  exploration: oneOf({ values: ['joint', 'per-head'] as const, default: 'joint', doc: 'how ε-greedy explores a MultiDiscrete action coded `factored`: `joint` replaces the whole action by a uniform sample with probability ε (SB3); `per-head` draws each head\'s action at random with probability ε independently, keeping the other heads greedy (action-branching DQN); on Autoscale-Vertical-v0 joint exploration random-walks all nine functions at once, so the cost of CPU never shows in the rewards', source: 'SB3 DQN (joint)' }),
  doubleQ: boolean({ default: false, doc: 'Double DQN: the online network picks the next action, the target network values it', source: 'Darly: plain DQN' }),
  dueling: boolean({ default: false, doc: 'dueling head: Q = V + A − mean(A)', source: 'Darly: plain DQN' }),
  multiDiscrete: oneOf({ values: ['flatten', 'factored'] as const, default: 'flatten', doc: 'MultiDiscrete coding (see the module doc)' }),
  prioritizedReplay: boolean({ default: false, doc: 'proportional prioritised replay' }),
  priorityAlpha: unit(0.6, { gt0: true, doc: 'priority exponent α', source: 'Schaul et al. 2016, proportional variant' }),
  priorityBeta: unit(0.4, { doc: 'initial importance-sampling exponent β, annealed linearly to 1 over `totalSteps`', source: 'Schaul et al. 2016' }),
  priorityEps: number({ default: 1e-6, gt: 0, max: 1, maxWhy: 'added to |δ| (of order 1) to form a priority: beyond 1 it swamps the TD errors', doc: 'added to |δ| to form a priority' }),
  normalizeObservations: boolean({ default: false, doc: 'normalise observations by running mean and variance (updated on observed transitions)' }),
  observationClip: number({ default: 10, gt: 0, max: 1e6, maxWhy: 'normalised observations beyond 10⁶ standard deviations are not clipped by anything smaller', doc: 'clip normalised observations to ±this', source: 'SB3 VecNormalize clip_obs' }),
});

/** What `new DQN(env, options)` accepts: any subset of the fields. */
export type DQNOptions = z.input<typeof DQN_SCHEMA>;
/** Every option, resolved. */
export type DQNHyperparameters = z.output<typeof DQN_SCHEMA>;

/** The defaults (the schema parsed from nothing). */
export const DQN_DEFAULTS: Readonly<DQNHyperparameters> = Object.freeze(DQN_SCHEMA.parse({}));

/** Merge `options` over the defaults and validate every field; one `ConfigError` lists every bad field with its value. */
export function resolveDQNOptions(options: DQNOptions | Record<string, unknown> = {}): DQNHyperparameters {
  return parseOptions(DQN_SCHEMA, options, 'dqn', 'options');
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

  /**
   * The update path: `true` (the default) computes the loss and its gradient
   * by hand (`DenseStack`, src/nn/dense.ts), `false` through tfjs's automatic
   * differentiation (the reference the tests compare it with). Both feed the
   * same clipping and Adam (`FlatAdam`).
   */
  fastPath = true;

  /** Adam (PyTorch's ε = 1e-8) over the online network's parameters as one flat vector. */
  private readonly optimizer: FlatAdam;
  private readonly params: ParamSet;
  private readonly onlineNet: DenseStack;
  private readonly targetNet: DenseStack;
  /** The online network for acting: a copy of the optimizer's parameters run without tfjs (src/nn/act-mirror.ts), reloaded after each update. */
  private readonly actNet: ActMirror;
  private readonly actOffsets: number[];
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
    this.optimizer = new FlatAdam(this.trainable.reduce((a, v) => a + v.size, 0));
    this.params = new ParamSet(this.trainable, this.optimizer.theta);
    this.onlineNet = DenseStack.fromModel(this.online);
    this.targetNet = DenseStack.fromModel(this.target);
    this.actNet = ActMirror.ofStack(this.onlineNet);
    this.actOffsets = ActMirror.stackOffsets(this.onlineNet);
    this.actNet.load(this.optimizer.theta, this.actOffsets);

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
    // Weights given new data outside an update (load, setWeights) reach the optimizer's vector, then the mirror.
    if (this.params.pull()) this.actNet.load(this.optimizer.theta, this.actOffsets);
    // The forward pass without tfjs (the same float32 bits as the tfjs-wasm one); heads (and the dueling combination, as qHeads does it) in JavaScript.
    const raw = this.actNet.forward(row);
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
      this.actNet.load(this.optimizer.theta, this.actOffsets); // once per update, so acting right after it pays nothing
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
    const batch: Batch = this.replay.sample(hp.batchSize, this.replayRng, this.beta(this.numTimesteps));
    if (this.obsStats) {
      this.obsStats.normalize(batch.obs, batch.size, hp.observationClip);
      this.obsStats.normalize(batch.nextObs, batch.size, hp.observationClip);
    }
    const { loss, tdAbs } = this.gradients(batch, this.fastPath ? 'fast' : 'reference');
    this.optimizer.update(this.learningRate(this.numTimesteps), hp.maxGradNorm);
    this.params.push();
    if (tdAbs) this.replay.updatePriorities(batch.indices, tdAbs, hp.priorityEps);
    this.numGradientSteps++;
    return loss;
  }

  /**
   * The loss of `batch` (observations already normalised) and its gradient
   * with respect to the online parameters, written into the optimizer's flat
   * gradient (`grad`, returned; laid out as `online.trainableWeights`), by the
   * hand-written fast path or by tfjs's automatic differentiation. Also the
   * mean |TD error| per row when replay is prioritised.
   */
  gradients(batch: Batch, path: 'fast' | 'reference'): { loss: number; grad: Float32Array; tdAbs: Float32Array | null } {
    this.params.pull(); // weights given new data since the last step (load, setWeights)
    const r = path === 'fast' ? this.fastGradients(batch) : this.referenceGradients(batch);
    return { ...r, grad: this.optimizer.grad };
  }

  /**
   * TD target y = r + γ (1 − done) · mean_d Q'_d(s', a*_d), a*_d by the target
   * net (DQN) or the online net (double DQN); per-head losses (Huber δ = 1 or
   * squared) averaged over heads, weighted by the importance weights and
   * averaged over the batch. Forward passes through `DenseStack`; the loss and
   * ∂loss/∂(network output) in JavaScript; then the hand-written backward pass.
   */
  private fastGradients(batch: Batch): { loss: number; tdAbs: Float32Array | null } {
    const hp = this.hyperparameters;
    const B = batch.size, D = this.heads.length, dueling = hp.dueling;
    const O = this.onlineNet.outputs;
    const nextTarget = this.targetNet.forward(batch.nextObs, B);
    const nextOnline = hp.doubleQ ? this.onlineNet.forward(batch.nextObs, B) : null;
    const tape = new Tape();
    const raw = this.onlineNet.forward(batch.obs, B, { tape });
    // Head d's Q-values are raw[k·O + at_d + a] (dueling: V + A − mean(A), with V = raw[k·O]).
    const starts: number[] = [];
    let at = dueling ? 1 : 0;
    for (const n of this.heads) {
      starts.push(at);
      at += n;
    }
    const meanAdv = (q: Float32Array, k: number, d: number): number => {
      let sum = 0;
      const n = this.heads[d] as number, base = k * O + (starts[d] as number);
      for (let a = 0; a < n; a++) sum += q[base + a] as number;
      return sum / n;
    };
    const headQ = (q: Float32Array, k: number, d: number, a: number, mean: number): number =>
      dueling ? (q[k * O] as number) + ((q[k * O + (starts[d] as number) + a] as number) - mean) : (q[k * O + (starts[d] as number) + a] as number);
    const dRaw = new Float32Array(B * O);
    const tdAbs = hp.prioritizedReplay ? new Float32Array(B) : null;
    let loss = 0, qMax = 0;
    for (let k = 0; k < B; k++) {
      let nextValue = 0;
      for (let d = 0; d < D; d++) {
        const n = this.heads[d] as number;
        const meanT = dueling ? meanAdv(nextTarget, k, d) : 0;
        let best = 0;
        if (nextOnline) {
          const meanO = dueling ? meanAdv(nextOnline, k, d) : 0;
          for (let a = 1; a < n; a++) if (headQ(nextOnline, k, d, a, meanO) > headQ(nextOnline, k, d, best, meanO)) best = a;
          nextValue += headQ(nextTarget, k, d, best, meanT);
        } else {
          let max = headQ(nextTarget, k, d, 0, meanT);
          for (let a = 1; a < n; a++) max = Math.max(max, headQ(nextTarget, k, d, a, meanT));
          nextValue += max;
        }
      }
      const y = (batch.reward[k] as number) + (1 - (batch.done[k] as number)) * (nextValue / D) * hp.gamma;
      qMax = Math.max(qMax, Math.abs(nextValue / D));
      const w = (batch.weights[k] as number) / (B * D);
      let rowLoss = 0, rowAbs = 0;
      for (let d = 0; d < D; d++) {
        const n = this.heads[d] as number;
        const mean = dueling ? meanAdv(raw, k, d) : 0;
        const a = batch.action[k * D + d] as number;
        const td = headQ(raw, k, d, a, mean) - y;
        const abs = Math.abs(td);
        rowAbs += abs;
        let g: number;
        if (hp.loss === 'huber') {
          rowLoss += abs < 1 ? 0.5 * td * td : abs - 0.5;
          g = Math.max(-1, Math.min(1, td)) * w;
        } else {
          rowLoss += td * td;
          g = 2 * td * w;
        }
        const base = k * O + (starts[d] as number);
        if (dueling) {
          dRaw[k * O] = (dRaw[k * O] as number) + g;
          for (let j = 0; j < n; j++) dRaw[base + j] = (dRaw[base + j] as number) - g / n;
        }
        dRaw[base + a] = (dRaw[base + a] as number) + g;
      }
      loss += (rowLoss / D) * (batch.weights[k] as number);
      if (tdAbs) tdAbs[k] = rowAbs / D;
    }
    this.onlineNet.backward(tape, dRaw, this.optimizer.grad);
    this.lastQMax = qMax;
    return { loss: loss / B, tdAbs };
  }

  /** The same loss and gradient through tfjs's automatic differentiation (the reference path). */
  private referenceGradients(batch: Batch): { loss: number; tdAbs: Float32Array | null } {
    const hp = this.hyperparameters;
    const B = batch.size, D = this.heads.length, dim = this.observationDim;
    let tdAbs: tf.Tensor | null = null;
    let qMax: tf.Tensor | null = null;
    const loss = tf.tidy(() => {
      const obs = tf.tensor2d(batch.obs, [B, dim]);
      const nextObs = tf.tensor2d(batch.nextObs, [B, dim]);
      const actions = tf.tensor2d(batch.action, [B, D]).toInt();
      const reward = tf.tensor1d(batch.reward);
      const notDone = tf.scalar(1).sub(tf.tensor1d(batch.done));
      const weights = tf.tensor1d(batch.weights);

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
      this.params.gradsInto(grads, this.optimizer.grad);
      return value;
    });
    const lossValue = loss.dataSync()[0] as number;
    loss.dispose();
    let abs: Float32Array | null = null;
    if (qMax) {
      const t = qMax as tf.Tensor;
      this.lastQMax = t.dataSync()[0] as number;
      t.dispose();
    }
    if (tdAbs) {
      const t = tdAbs as tf.Tensor;
      abs = Float32Array.from(t.dataSync());
      t.dispose();
    }
    return { loss: lossValue, tdAbs: abs };
  }

  // ================================================================ CHECKPOINTS

  /** Online and target weights, Adam state, hyperparameters, counters, ε and Rng states, normalisation statistics and the replay buffer (a resumed run continues exactly). */
  async save(dir: string): Promise<string> {
    const replay = this.replay.snapshot();
    return saveCheckpoint(dir, {
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
          replay: replay.state,
          optimizerStep: this.optimizer.step,
        },
        groups: { online: modelGroup(this.online), target: modelGroup(this.target), optimizer: this.optimizer.group(), replay: replay.entries },
      });
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
    restoreAdamState(this.optimizer, ckpt.groups.optimizer, extra.optimizerStep);
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
    // Checkpoints from before the buffer was saved leave it empty.
    if (ckpt.groups.replay && extra.replay) this.replay.restore(ckpt.groups.replay, extra.replay as ReplayState);
  }

  /** Adam's state as plain arrays (tests compare it across save/load). */
  async optimizerState(): Promise<{ name: string; values: number[] }[]> {
    const { step, m, v } = this.optimizer.values();
    return [{ name: 'step', values: [step] }, { name: 'm', values: m }, { name: 'v', values: v }];
  }

  /** The Adam state (step count and moments, copies), for checkpoints. */
  exportOptimizerState(): AdamState {
    return this.optimizer.exportState();
  }

  importOptimizerState(state: AdamState): void {
    this.optimizer.importState(state);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.online.dispose();
    this.target.dispose();
    this.onlineNet.dispose();
    this.targetNet.dispose();
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
