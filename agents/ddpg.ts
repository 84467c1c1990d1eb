/**
 * DDPG: deep deterministic policy gradient (Lillicrap et al., "Continuous
 * control with deep reinforcement learning", ICLR 2016), the learner of Firm,
 * the RL baseline of FaaSConf (paper 000, §5.1.3: "It uses Deep Deterministic
 * Policy Gradient (DDPG) to dynamically adjust the resources of functions").
 * CLI name `ddpg`.
 *
 * Read it top to bottom: the options (each default says where it comes from),
 * the networks, the algorithm (`act`, `observe`, `update`), checkpoints and
 * the factory.
 *
 * Semantics follow Stable-Baselines3's DDPG (TD3 with one critic, no policy
 * delay and no target-policy smoothing): a deterministic actor μ(s) with a
 * tanh output scaled onto the Box bounds, a critic Q(s, a) fed the
 * concatenated observation and action (in the actor's [-1, 1] scale), target
 * copies of both that follow by Polyak averaging θ' ← τθ + (1 − τ)θ' after
 * every gradient step; uniformly random actions for the first
 * `learningStarts` steps, then μ(s) plus Gaussian (or Ornstein–Uhlenbeck)
 * noise clipped to the bounds; every `trainFreq` environment steps
 * `gradientSteps` minibatch updates of
 *
 *   critic: minimise (Q(s, a) − y)², y = r + γ (1 − terminated) Q'(s', μ'(s'))
 *   actor:  maximise Q(s, μ(s))
 *
 * A truncated (time-limit) step bootstraps; only a terminated one does not.
 * On a ParallelEnv DDPG controls every agent at once through `CentralizedEnv`
 * (the joint Box action), as Firm configures all functions with one agent.
 *
 * All randomness (weights, exploration noise, replay sampling) comes from
 * `Rng` streams forked from the seed: the same seed gives the same actions and
 * losses.
 */
import { isParallelEnv, type AnyEnv, type Env } from '../src/core/env.js';
import { ConfigError, quote } from '../src/core/errors.js';
import { Rng } from '../src/core/rng.js';
import { singleView } from '../src/core/wrappers/centralized-env.js';
import { Box } from '../src/spaces/box.js';
import { flatdim, flatten } from '../src/spaces/flatten.js';
import type { Space } from '../src/spaces/space.js';
import { CheckpointError, loadCheckpoint, saveCheckpoint } from '../src/nn/checkpoint.js';
import type { Noise } from '../src/nn/noise.js';
import { initTf, tf } from '../src/nn/tf.js';
import { VariableAdam, type AdamState } from '../src/nn/adam.js';
import { ActMirror } from '../src/nn/act-mirror.js';
import { Tape } from '../src/nn/dense.js';
import { ParamSet } from '../src/nn/params.js';
import { polyakParams, polyakVariables } from '../src/nn/polyak.js';
import {
  ActionScaler, ColumnReplay, actorCriticFields, boxActionRefusal, makeNoise, noiseState, restoreNoiseState,
  restoreVariables,
} from './actor-critic-common.js';
import { StackedMlp } from './actor-critic-nets.js';
import type { ActOptions, Agent, AgentFactory, Losses, SingleTransition } from './agent.js';
import { options, parseOptions, type z } from './option-fields.js';
import { registerAgent } from './registry.js';

// ================================================================ OPTIONS

/** The options of DDPG (`--set key=value`, zoo files): type, bounds, default and its source per field. */
export const DDPG_SCHEMA = options(actorCriticFields({
  hidden: [400, 300],
  activation: 'relu',
  actorLearningRate: 0.001,
  criticLearningRate: 0.001,
  batchSize: 256,
  gamma: 0.99,
  tau: 0.005,
  bufferSize: 1_000_000,
  learningStarts: 100,
  trainFreq: 1,
  gradientSteps: 1,
  noise: 'normal',
  noiseSigma: 0.1,
  noiseTheta: 0.15,
  maxGradNorm: 0,
}, {
  hidden: 'Lillicrap et al. §7; SB3 TD3/DDPG MlpPolicy',
  activation: 'Lillicrap et al. §7; SB3',
  actorLearningRate: 'SB3 DDPG learning_rate (Lillicrap et al. used 1e-4)',
  criticLearningRate: 'SB3 DDPG; Lillicrap et al. §7',
  batchSize: 'SB3 ≥ 2.0 (Lillicrap et al. used 64)',
  gamma: 'Lillicrap et al. §7; SB3',
  tau: 'SB3 (Lillicrap et al. used 0.001)',
  bufferSize: 'Lillicrap et al. §7; SB3',
  learningStarts: 'SB3',
  trainFreq: 'SB3',
  gradientSteps: 'SB3',
  noise: 'SB3 docs and rl-zoo; Fujimoto et al. 2018 found it as good as OU',
  noiseSigma: 'SB3 docs, rl-zoo Pendulum (Lillicrap et al.\'s OU used 0.2)',
  noiseTheta: 'Lillicrap et al. §7',
  maxGradNorm: 'SB3 DDPG does not clip',
}));

/** What `new DDPG(env, options)` accepts: any subset of the fields. */
export type DDPGOptions = z.input<typeof DDPG_SCHEMA>;
/** Every option, resolved. */
export type DDPGHyperparameters = z.output<typeof DDPG_SCHEMA>;

export const DDPG_DEFAULTS: Readonly<DDPGHyperparameters> = Object.freeze(DDPG_SCHEMA.parse({}));

/** Merge `options` over the defaults and validate every field; one `ConfigError` lists every bad field with its value. */
export function resolveDDPGOptions(options: DDPGOptions | Record<string, unknown> = {}): DDPGHyperparameters {
  return parseOptions(DDPG_SCHEMA, options, 'ddpg', 'options');
}

// ================================================================ SPACES


/** Why DDPG cannot run on `env`, or null. */
export function ddpgSupports(env: AnyEnv): string | null {
  let view: Env<unknown, unknown>;
  try {
    view = singleView(env);
  } catch (err) {
    return `ddpg cannot view this environment as a single agent: ${(err as Error).message}`;
  }
  const why = boxActionRefusal('ddpg', view.actionSpace, isParallelEnv(env) ? ' (the joint action of the parallel env)' : '');
  if (why) return why;
  try {
    flatdim(view.observationSpace);
  } catch (err) {
    return `ddpg needs a flattenable observation space: ${(err as Error).message}`;
  }
  return null;
}

// ================================================================ ALGO LOGIC

type Column = 'obs' | 'action' | 'reward' | 'nextObs' | 'done';

/** A minibatch as flat row-major arrays. */
export interface DdpgBatch {
  size: number;
  obs: Float32Array;
  nextObs: Float32Array;
  action: Float32Array;
  reward: Float32Array;
  done: Float32Array;
}

/** Rows [a_k, b_k] of `a` [rows, aw] and `b` [rows, bw]. */
function concatRows(a: Float32Array, aw: number, b: Float32Array, bw: number, rows: number): Float32Array {
  const out = new Float32Array(rows * (aw + bw));
  for (let k = 0; k < rows; k++) {
    out.set(a.subarray(k * aw, (k + 1) * aw), k * (aw + bw));
    out.set(b.subarray(k * bw, (k + 1) * bw), k * (aw + bw) + aw);
  }
  return out;
}

export class DDPG implements Agent {
  readonly name = 'ddpg';
  readonly kind = 'single' as const;
  readonly hyperparameters: DDPGHyperparameters;
  readonly observationDim: number;
  readonly actionDim: number;
  /** μ(s): observation → tanh action in [-1, 1]. */
  readonly actor: StackedMlp;
  /** Q(s, a): [observation, action in [-1, 1]] → value. */
  readonly critic: StackedMlp;
  readonly actorTarget: StackedMlp;
  readonly criticTarget: StackedMlp;
  /** Environment steps observed (SB3's num_timesteps). */
  numTimesteps = 0;
  /** Minibatch updates done. */
  numGradientSteps = 0;

  /**
   * The update path: `true` (the default) computes losses and gradients by
   * hand (`DenseStack`, src/nn/dense.ts), `false` through tfjs's automatic
   * differentiation (the reference the tests compare it with). Both feed the
   * same Adam (`VariableAdam`) and Polyak averaging.
   */
  fastPath = true;

  private readonly actorOptimizer: VariableAdam;
  private readonly criticOptimizer: VariableAdam;
  /** Online and target parameters as flat vectors, for Polyak averaging. */
  private readonly onlineParams: ParamSet;
  private readonly targetParams: ParamSet;
  private readonly envId: string | null;
  private readonly obsSpace: Space<unknown>;
  private readonly actionSpace: Box;
  private readonly scaler: ActionScaler;
  private readonly replay: ColumnReplay<Column>;
  private readonly noise: Noise | null;
  private readonly exploreRng: Rng;
  private readonly replayRng: Rng;
  private readonly actorVars: tf.Variable[];
  private readonly criticVars: tf.Variable[];
  private readonly obsRow: Float32Array;
  /** The actor for acting: a copy of its optimizer's parameters run without tfjs (src/nn/act-mirror.ts), reloaded after each update. */
  private readonly actNet: ActMirror;
  private readonly actOffsets: number[];
  private disposed = false;

  /** Build a DDPG for `env` (call `await initTf()` first, or use `DDPG.create`). */
  constructor(env: AnyEnv, options: DDPGOptions | Record<string, unknown> = {}, readonly seed = 0) {
    const why = ddpgSupports(env);
    if (why) throw new ConfigError(why);
    if (!Number.isSafeInteger(seed) || seed < 0) throw new ConfigError(`ddpg seed must be a non-negative safe integer, got ${quote(seed)}`);
    const hp = resolveDDPGOptions(options);
    this.hyperparameters = hp;
    const view = singleView(env);
    this.envId = env.spec?.id ?? null;
    this.obsSpace = view.observationSpace;
    this.actionSpace = view.actionSpace as Box;
    this.scaler = new ActionScaler(this.actionSpace);
    this.observationDim = flatdim(this.obsSpace);
    this.actionDim = this.actionSpace.size;

    const root = new Rng(seed);
    const initRng = root.fork();
    this.exploreRng = root.fork();
    this.replayRng = root.fork();

    // Plain MLPs (`StackedMlp` with one agent), whose backward pass is fast on tfjs-wasm.
    const net = (name: string, input: number, output: number, outputActivation: 'tanh' | 'linear'): StackedMlp =>
      new StackedMlp({ agents: 1, shared: true, input, hidden: hp.hidden, output, activation: hp.activation, outputActivation, name }, initRng);
    this.actor = net('actor', this.observationDim, this.actionDim, 'tanh');
    this.critic = net('critic', this.observationDim + this.actionDim, 1, 'linear');
    this.actorTarget = net('actor_target', this.observationDim, this.actionDim, 'tanh');
    this.criticTarget = net('critic_target', this.observationDim + this.actionDim, 1, 'linear');
    polyakVariables(this.actorTarget.variables, this.actor.variables, 1);
    polyakVariables(this.criticTarget.variables, this.critic.variables, 1);
    this.actorVars = this.actor.variables;
    this.criticVars = this.critic.variables;
    this.actorOptimizer = new VariableAdam(this.actorVars, hp.actorLearningRate, hp.maxGradNorm);
    this.criticOptimizer = new VariableAdam(this.criticVars, hp.criticLearningRate, hp.maxGradNorm);
    this.onlineParams = new ParamSet([...this.actorVars, ...this.criticVars]);
    this.targetParams = new ParamSet([...this.actorTarget.variables, ...this.criticTarget.variables]);

    this.replay = new ColumnReplay<Column>({ obs: this.observationDim, action: this.actionDim, reward: 1, nextObs: this.observationDim, done: 1 }, hp.bufferSize);
    this.noise = makeNoise(hp.noise, this.actionDim, hp.noiseSigma, hp.noiseTheta);
    this.obsRow = new Float32Array(this.observationDim);
    this.actNet = ActMirror.ofStack(this.actor.dense());
    this.actOffsets = ActMirror.stackOffsets(this.actor.dense()); // the actor optimizer's layout: one weight group, kernel then bias per layer
    this.actNet.load(this.actorOptimizer.adam.theta, this.actOffsets);
  }

  /** `await initTf()`, then construct. */
  static async create(env: AnyEnv, options: DDPGOptions | Record<string, unknown> = {}, seed = 0): Promise<DDPG> {
    await initTf();
    return new DDPG(env, options, seed);
  }

  /** Observation → flat float row (written into `out`). */
  private flatObs(obs: unknown, out: Float32Array): Float32Array {
    if (this.obsSpace instanceof Box) {
      const list = obs as ArrayLike<number>;
      if (list.length !== this.observationDim) throw new ConfigError(`ddpg: observation has ${list.length} numbers, expected ${this.observationDim}`);
      for (let i = 0; i < this.observationDim; i++) out[i] = list[i] as number;
    } else out.set(flatten(this.obsSpace, obs));
    return out;
  }

  /** μ(obs) in the actor's [-1, 1] scale (a new array), computed without tfjs. */
  private policy(obs: unknown): Float32Array {
    const row = this.flatObs(obs, this.obsRow);
    // Actor weights given new data outside an update (load, assign) reach the optimizer's vector, then the mirror.
    if (this.actorOptimizer.params.pull()) this.actNet.load(this.actorOptimizer.adam.theta, this.actOffsets);
    return this.actNet.forward(row).slice();
  }

  async act(obs: unknown, opts: ActOptions): Promise<number[]> {
    if (!opts.explore) return this.scaler.toEnv(this.policy(obs));
    // SB3: uniformly random actions until learning starts, then μ(s) + noise, clipped.
    if (this.numTimesteps < this.hyperparameters.learningStarts) return this.actionSpace.sample(this.exploreRng);
    const u = this.policy(obs);
    if (this.noise) {
      const eps = this.noise.sample(this.exploreRng);
      for (let i = 0; i < this.actionDim; i++) u[i] = (u[i] as number) + (eps[i] as number);
    }
    return this.scaler.toEnv(u);
  }

  observe(transition: SingleTransition): void {
    const t = transition;
    this.replay.add((column, view) => {
      if (column === 'obs') this.flatObs(t.obs, view);
      else if (column === 'nextObs') this.flatObs(t.nextObs, view);
      else if (column === 'action') this.scaler.fromEnv(t.action as ArrayLike<number>, view);
      else if (column === 'reward') view[0] = t.reward;
      else view[0] = t.terminated ? 1 : 0; // a truncated episode bootstraps from nextObs
    });
    this.numTimesteps++;
    if (t.terminated || t.truncated) this.noise?.reset();
  }

  async update(): Promise<Losses | null> {
    const hp = this.hyperparameters;
    if (!(this.numTimesteps > hp.learningStarts && this.numTimesteps % hp.trainFreq === 0 && this.replay.size > 0)) return null;
    let critic = 0, actor = 0;
    for (let g = 0; g < hp.gradientSteps; g++) {
      const [c, a] = this.gradientStep();
      critic += c;
      actor += a;
    }
    this.actNet.load(this.actorOptimizer.adam.theta, this.actOffsets); // once per update, so acting right after it pays nothing
    return { critic: critic / hp.gradientSteps, actor: actor / hp.gradientSteps };
  }

  /** One minibatch update of critic and actor, then the soft target update; returns [critic loss, actor loss]. */
  private gradientStep(): [number, number] {
    const batch = this.sampleBatch(this.replay.sampleIndices(this.hyperparameters.batchSize, this.replayRng));
    const path = this.fastPath ? 'fast' : 'reference';
    const critic = this.criticGradients(batch, path);
    this.criticOptimizer.update();
    const actor = this.actorGradients(batch, path); // with the critic just updated, as SB3
    this.actorOptimizer.update();
    polyakParams(this.targetParams, this.onlineParams, this.hyperparameters.tau);
    this.numGradientSteps++;
    return [critic, actor];
  }

  /** Replay rows `idx` as flat arrays. */
  sampleBatch(idx: Int32Array): DdpgBatch {
    return {
      size: idx.length,
      obs: this.replay.gather('obs', idx),
      nextObs: this.replay.gather('nextObs', idx),
      action: this.replay.gather('action', idx),
      reward: this.replay.gather('reward', idx),
      done: this.replay.gather('done', idx),
    };
  }

  /**
   * The critic's loss mean (Q(s, a) − y)², y = r + γ (1 − done) Q'(s', μ'(s')),
   * and its gradient (into the critic optimizer's `grad`, returned with it).
   */
  criticGradients(b: DdpgBatch, path: 'fast' | 'reference'): number {
    const hp = this.hyperparameters;
    const B = b.size, dim = this.observationDim, adim = this.actionDim;
    if (path === 'reference') {
      return tf.tidy(() => {
        const obs = tf.tensor3d(b.obs, [1, B, dim]);
        const nextObs = tf.tensor3d(b.nextObs, [1, B, dim]);
        const action = tf.tensor3d(b.action, [1, B, adim]);
        const reward = tf.tensor3d(b.reward, [1, B, 1]);
        const notDone = tf.scalar(1).sub(tf.tensor3d(b.done, [1, B, 1]));
        const nextQ = this.criticTarget.apply(tf.concat([nextObs, this.actorTarget.apply(nextObs)], 2));
        const y = reward.add(notDone.mul(nextQ).mul(hp.gamma));
        const { value, grads } = tf.variableGrads(() => this.critic.apply(tf.concat([obs, action], 2)).sub(y).square().mean() as tf.Scalar, this.criticVars);
        this.criticOptimizer.params.gradsInto(grads, this.criticOptimizer.grad);
        return value.dataSync()[0] as number;
      });
    }
    const nextA = this.actorTarget.dense().forward(b.nextObs, B);
    const nextQ = this.criticTarget.dense().forward(concatRows(b.nextObs, dim, nextA, adim, B), B);
    const tape = new Tape();
    const q = this.critic.dense().forward(concatRows(b.obs, dim, b.action, adim, B), B, { tape });
    const dq = new Float32Array(B);
    let loss = 0;
    for (let k = 0; k < B; k++) {
      const y = (b.reward[k] as number) + (1 - (b.done[k] as number)) * (nextQ[k] as number) * hp.gamma;
      const td = (q[k] as number) - y;
      loss += td * td;
      dq[k] = (2 * td) / B;
    }
    this.critic.dense().backward(tape, dq, this.criticOptimizer.grad);
    return loss / B;
  }

  /** The actor's loss −mean Q(s, μ(s)) and its gradient (into the actor optimizer's `grad`). */
  actorGradients(b: DdpgBatch, path: 'fast' | 'reference'): number {
    const B = b.size, dim = this.observationDim, adim = this.actionDim;
    if (path === 'reference') {
      return tf.tidy(() => {
        const obs = tf.tensor3d(b.obs, [1, B, dim]);
        const { value, grads } = tf.variableGrads(() => this.critic.apply(tf.concat([obs, this.actor.apply(obs)], 2)).mean().neg() as tf.Scalar, this.actorVars);
        this.actorOptimizer.params.gradsInto(grads, this.actorOptimizer.grad);
        return value.dataSync()[0] as number;
      });
    }
    const actorTape = new Tape(), criticTape = new Tape();
    const a = this.actor.dense().forward(b.obs, B, { tape: actorTape });
    const q = this.critic.dense().forward(concatRows(b.obs, dim, a, adim, B), B, { tape: criticTape });
    let loss = 0;
    for (let k = 0; k < B; k++) loss -= q[k] as number;
    const dInput = new Float32Array(B * (dim + adim));
    this.critic.dense().backward(criticTape, new Float32Array(B).fill(-1 / B), null, dInput);
    const da = new Float32Array(B * adim);
    for (let k = 0; k < B; k++) for (let i = 0; i < adim; i++) da[k * adim + i] = dInput[k * (dim + adim) + dim + i] as number;
    this.actor.dense().backward(actorTape, da, this.actorOptimizer.grad);
    return loss / B;
  }

  /** The flat gradients the last `criticGradients`/`actorGradients` calls wrote (copies; tests compare the two paths). */
  lastGradients(): { critic: Float32Array; actor: Float32Array } {
    return { critic: this.criticOptimizer.grad.slice(), actor: this.actorOptimizer.grad.slice() };
  }

  // ================================================================ CHECKPOINTS

  /** Actor, critic, both targets, both Adam states, hyperparameters, counters, Rng and noise states, and the replay buffer (a resumed run continues exactly). */
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
        exploreRng: this.exploreRng.getState(),
        replayRng: this.replayRng.getState(),
        noise: noiseState(this.noise),
        actorOptimizerStep: this.actorOptimizer.step,
        criticOptimizerStep: this.criticOptimizer.step,
        replay: replay.state,
      },
      groups: {
        replay: replay.entries,
        actor: this.actor.named(),
        critic: this.critic.named(),
        actor_target: this.actorTarget.named(),
        critic_target: this.criticTarget.named(),
        actor_optimizer: this.actorOptimizer.group(),
        critic_optimizer: this.criticOptimizer.group(),
      },
    });
  }

  async load(dir: string): Promise<void> {
    const ckpt = loadCheckpoint(dir);
    const { manifest } = ckpt;
    if (manifest.agent !== this.name) throw new CheckpointError(`${ckpt.path} holds a ${quote(manifest.agent)} checkpoint, not ddpg`);
    const extra = manifest.extra as Record<string, unknown>;
    if (extra.observationDim !== this.observationDim) {
      throw new CheckpointError(`${ckpt.path}: trained on observations of ${quote(extra.observationDim)} numbers, this environment has ${this.observationDim}`);
    }
    if (JSON.stringify(extra.actionSpace) !== JSON.stringify(this.actionSpace.toJSON())) {
      throw new CheckpointError(`${ckpt.path}: trained on action space ${quote(extra.actionSpace)}, this environment has ${this.actionSpace.toString()}`);
    }
    for (const key of ['hidden', 'activation'] as const) {
      if (JSON.stringify(manifest.hyperparameters[key]) !== JSON.stringify(this.hyperparameters[key])) {
        throw new CheckpointError(`${ckpt.path}: checkpoint has ${key} ${quote(manifest.hyperparameters[key])}, this agent ${quote(this.hyperparameters[key])}`);
      }
    }
    restoreVariables(this.actor.variables, ckpt.groups.actor, 'actor');
    restoreVariables(this.critic.variables, ckpt.groups.critic, 'critic');
    restoreVariables(this.actorTarget.variables, ckpt.groups.actor_target, 'actor_target');
    restoreVariables(this.criticTarget.variables, ckpt.groups.critic_target, 'critic_target');
    this.actorOptimizer.restore(ckpt.groups.actor_optimizer, extra.actorOptimizerStep, 'actor_optimizer');
    this.criticOptimizer.restore(ckpt.groups.critic_optimizer, extra.criticOptimizerStep, 'critic_optimizer');
    this.numTimesteps = extra.numTimesteps as number;
    this.numGradientSteps = extra.numGradientSteps as number;
    this.exploreRng.setState(extra.exploreRng as number[]);
    this.replayRng.setState(extra.replayRng as number[]);
    restoreNoiseState(this.noise, extra.noise);
    // Checkpoints from before the buffer was saved leave it empty.
    if (ckpt.groups.replay && extra.replay) this.replay.restore(ckpt.groups.replay, extra.replay as { size: number; next: number });
  }

  /** Both Adam states as plain arrays (tests compare them across save/load). */
  optimizerStates(): { actor: ReturnType<VariableAdam['values']>; critic: ReturnType<VariableAdam['values']> } {
    return { actor: this.actorOptimizer.values(), critic: this.criticOptimizer.values() };
  }

  /** Both Adam states (step counts and moments, copies), for checkpoints. */
  exportOptimizerState(): { actor: AdamState; critic: AdamState } {
    return { actor: this.actorOptimizer.exportState(), critic: this.criticOptimizer.exportState() };
  }

  importOptimizerState(state: { actor: AdamState; critic: AdamState }): void {
    this.actorOptimizer.importState(state.actor, 'actor_optimizer');
    this.criticOptimizer.importState(state.critic, 'critic_optimizer');
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const m of [this.actor, this.critic, this.actorTarget, this.criticTarget]) m.dispose();
    this.actorOptimizer.dispose();
    this.criticOptimizer.dispose();
  }
}

// ================================================================ FACTORY

export const ddpgFactory: AgentFactory = {
  name: 'ddpg',
  kind: 'single',
  description: 'DDPG (Lillicrap et al. 2016; the Firm baseline of FaaSConf §5.1.3) for bounded Box actions, SB3 defaults',
  supports: ddpgSupports,
  create: (env, options, seed) => DDPG.create(env, options, seed),
};

registerAgent(ddpgFactory);
