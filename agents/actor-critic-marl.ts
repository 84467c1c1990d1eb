/**
 * The deterministic multi-agent actor-critic family of FaaSConf (paper 000,
 * §4.1–§4.2): MADDPG, mean-field and attention mean-field differ only in
 * what each agent's actor and critic see, so they share this one learner.
 * Each variant's file (`maddpg.ts`, `meanfield.ts`, `attmf.ts`) documents its
 * algorithm and defaults and registers its factory.
 *
 * Common to all (centralised training, decentralised execution):
 * - one deterministic actor per agent, π_j(actor input_j) → tanh action in
 *   [-1, 1], scaled onto the agent's Box bounds; one critic per agent,
 *   Q_j(critic input_j) → value, regressed on the agent's own reward r_j;
 * - target copies of every network (attention modules included), following
 *   by Polyak averaging θ' ← τθ + (1 − τ)θ' after every gradient step;
 * - critic loss (Q_j − y_j)², y_j = r_j + γ (1 − terminated_j) Q'_j(s', a')
 *   with a' = π'(s') for every agent (eq. 3);
 * - actor loss −Q_j with agent j's action replaced by π_j(s_j) and the other
 *   agents' actions as sampled from the replay (eq. 4);
 * - uniformly random actions for the first `learningStarts` steps, then π(s)
 *   plus Gaussian (or Ornstein–Uhlenbeck) noise in the [-1, 1] scale, clipped.
 *
 * What each agent's actor and critic see is the variant's `MarlStrategy`
 * (actor-critic-marl-strategy.ts), defined in the variant's own file:
 * - `maddpg.ts`:    critic (global state, a_1 … a_n); actor s_j.
 * - `meanfield.ts`: critic (s_j, a_j, ā_j), ā_j = mean of a_k over N^j (eq. 5); actor s_j.
 * - `attmf.ts`:     critic (s_j, s̃_j, a_j, ã_j), actor (s_j, ŝ_j), means
 *                   weighted by attention over the neighbours (eqs. 6–9).
 * N^j are agent j's neighbours in the adjacency (all other agents by default).
 *
 * Shapes: agents' observations and actions are zero-padded to the largest
 * agent's sizes D and M and stacked agent-major, `[N, batch, D]`, so every
 * agent's network runs in one batched op per layer (`StackedMlp`); with
 * parameter sharing one set of weights serves all agents.
 */
import type { AnyEnv, ParallelEnv } from '../src/core/env.js';
import { isParallelEnv } from '../src/core/env.js';
import { ConfigError, quote } from '../src/core/errors.js';
import { Rng } from '../src/core/rng.js';
import { SingleAgentAsParallel } from '../src/core/wrappers/single-as-parallel.js';
import { Box } from '../src/spaces/box.js';
import { flatdim, flatten } from '../src/spaces/flatten.js';
import type { Space } from '../src/spaces/space.js';
import { AgentAttention, adjacencyMatrix, adjacencyTensor } from '../src/nn/attention.js';
import { CheckpointError, loadCheckpoint, saveCheckpoint, type GroupEntry } from '../src/nn/checkpoint.js';
import type { Noise } from '../src/nn/noise.js';
import { initTf, tf } from '../src/nn/tf.js';
import { VariableAdam, type AdamState } from '../src/nn/adam.js';
import { ParamSet } from '../src/nn/params.js';
import { polyakParams, polyakVariables } from '../src/nn/polyak.js';
import { ActionScaler, ColumnReplay, boxActionRefusal, makeNoise, noiseState, restoreNoiseState, restoreVariables } from './actor-critic-common.js';
import { MarlActors } from './actor-critic-marl-act.js';
import { MarlFastPath, type MarlBatch } from './actor-critic-marl-fast.js';
import type { MarlNetworks, MarlStrategy, MarlStrategyFactory, MarlVariant } from './actor-critic-marl-strategy.js';
import type { MarlHyperparameters } from './actor-critic-marl-options.js';
import { StackedMlp } from './actor-critic-nets.js';
import type { ActOptions, Agent, Losses, MultiTransition } from './agent.js';

// ================================================================ SPACES

/** The parallel view a multi agent acts on: the env itself, or `SingleAgentAsParallel` over an Env. */
export function parallelView(env: AnyEnv): ParallelEnv<string, unknown, unknown> {
  return (isParallelEnv(env) ? env : new SingleAgentAsParallel(env)) as ParallelEnv<string, unknown, unknown>;
}

/** Why a variant cannot run on `env`, or null. */
export function marlSupports(strategy: MarlStrategyFactory, env: AnyEnv): string | null {
  const variant = strategy.name;
  const view = parallelView(env);
  if (view.possibleAgents.length === 0) return `${variant} needs at least one agent`;
  for (const id of view.possibleAgents) {
    const why = boxActionRefusal(variant, view.actionSpace(id), ` for agent ${quote(id)}`);
    if (why) return why;
    try {
      flatdim(view.observationSpace(id));
    } catch (err) {
      return `${variant} needs flattenable observation spaces; agent ${quote(id)}: ${(err as Error).message}`;
    }
  }
  if (strategy.usesAdjacency && view.adjacency) {
    try {
      adjacencyMatrix(view.adjacency(), view.possibleAgents.length);
    } catch (err) {
      return `${variant}: the env's adjacency() is unusable: ${(err as Error).message}`;
    }
  }
  return null;
}

type Column = 'obs' | 'action' | 'reward' | 'nextObs' | 'done' | 'live' | 'state' | 'nextState';

// ================================================================ ALGO LOGIC

export abstract class MultiAgentActorCritic implements Agent {
  abstract readonly name: MarlVariant;
  readonly kind = 'multi' as const;
  readonly hyperparameters: MarlHyperparameters & { shareParameters: boolean };
  /** Agent ids, in the env's `possibleAgents` order (row j of every stacked tensor). */
  readonly agentIds: readonly string[];
  readonly obsDims: readonly number[];
  readonly actionDims: readonly number[];
  /** Padded per-agent observation and action sizes. */
  readonly obsDim: number;
  readonly actionDim: number;
  /** Size of the global state fed to MADDPG's critics (0 for the mean-field variants or without `env.state()`). */
  readonly globalStateDim: number;
  /** Neighbour matrix used by the mean-field variants (diagonal zeroed). */
  readonly adjacency: number[][];
  readonly online: MarlNetworks;
  readonly target: MarlNetworks;
  /** Environment steps observed. */
  numTimesteps = 0;
  /** Minibatch updates done. */
  numGradientSteps = 0;

  /**
   * The update path: `true` (the default) is `MarlFastPath`
   * (actor-critic-marl-fast.ts), `false` tfjs's automatic differentiation
   * (the reference the tests compare it with). Both feed the same Adam and
   * Polyak averaging.
   */
  fastPath = true;

  private readonly actorOptimizer: VariableAdam;
  private readonly criticOptimizer: VariableAdam;
  private readonly fast: MarlFastPath;
  /** The online actors for acting without tfjs (actor-critic-marl-act.ts), reloaded after each update. */
  private readonly actors: MarlActors;
  /** Every online and target variable as flat vectors, for Polyak averaging. */
  private readonly onlineParams: ParamSet;
  private readonly targetParams: ParamSet;
  private readonly variant: MarlVariant;
  /** What this variant's actors and critics see. */
  private readonly strategy: MarlStrategy;
  private readonly envId: string | null;
  private readonly obsSpaces: Space<unknown>[];
  private readonly actionSpaces: Box[];
  private readonly scalers: ActionScaler[];
  private readonly replay: ColumnReplay<Column>;
  private readonly noise: Noise | null;
  private readonly exploreRng: Rng;
  private readonly replayRng: Rng;
  private readonly actorVars: tf.Variable[];
  private readonly criticVars: tf.Variable[];
  // Constant tensors.
  private readonly adjacencyT: tf.Tensor2D;
  /** [N, 1, M]: 1 on each agent's real action elements (padding masks). */
  private readonly actionMaskT: tf.Tensor3D | null;
  private readonly idsT: tf.Tensor3D;
  private disposed = false;

  protected constructor(factory: MarlStrategyFactory, env: AnyEnv, hp: MarlHyperparameters, readonly seed: number) {
    const variant = factory.name;
    const why = marlSupports(factory, env);
    if (why) throw new ConfigError(why);
    if (!Number.isSafeInteger(seed) || seed < 0) throw new ConfigError(`${variant} seed must be a non-negative safe integer, got ${quote(seed)}`);
    this.variant = variant;
    const view = parallelView(env);
    this.envId = env.spec?.id ?? null;
    this.agentIds = [...view.possibleAgents];
    const N = this.agentIds.length;
    this.obsSpaces = this.agentIds.map((id) => view.observationSpace(id));
    this.actionSpaces = this.agentIds.map((id) => view.actionSpace(id) as Box);
    this.scalers = this.actionSpaces.map((s) => new ActionScaler(s));
    this.obsDims = this.obsSpaces.map((s) => flatdim(s));
    this.actionDims = this.actionSpaces.map((s) => s.size);
    this.obsDim = Math.max(...this.obsDims);
    this.actionDim = Math.max(...this.actionDims);
    const uniform = this.obsDims.every((d) => d === this.obsDim) && this.actionDims.every((m) => m === this.actionDim);
    if (hp.shareParameters === true && !uniform) {
      throw new ConfigError(`${variant}: options.shareParameters: expected false or "auto" when the agents' spaces differ (observation sizes ${quote(this.obsDims)}, action sizes ${quote(this.actionDims)}), got true`);
    }
    this.hyperparameters = { ...hp, shareParameters: hp.shareParameters === 'auto' ? uniform : hp.shareParameters };
    const share = this.hyperparameters.shareParameters;

    // The global state for centralised critics (MADDPG's), when the variant asks for one.
    const stateDim = factory.globalStateDim(view, hp.useGlobalState);
    this.globalStateDim = stateDim;

    const adj = factory.usesAdjacency && view.adjacency ? view.adjacency() : this.agentIds.map((_, j) => this.agentIds.map((__, k) => (j === k ? 0 : 1)));
    this.adjacency = adj.map((row, j) => row.map((v, k) => (j === k ? 0 : v)));

    const root = new Rng(seed);
    const initRng = root.fork();
    this.exploreRng = root.fork();
    this.replayRng = root.fork();

    const D = this.obsDim, M = this.actionDim, ids = hp.agentIds ? N : 0;
    this.adjacencyT = adjacencyTensor(this.adjacency, N);
    this.strategy = factory.create({
      agents: N, obsDim: D, actionDim: M, globalStateDim: stateDim,
      adjacency: Float32Array.from(this.adjacency.flat()), adjacencyT: this.adjacencyT,
    });
    const actorIn = this.strategy.actorWidth + ids;
    const criticIn = this.strategy.criticWidth + ids;
    const attention = (): AgentAttention | null => (factory.attention ? new AgentAttention({ stateDim: D, keyDim: hp.attentionDim as number, agents: N, shared: share }, initRng) : null);
    const build = (suffix: string): MarlNetworks => ({
      actor: new StackedMlp({ agents: N, shared: share, input: actorIn, hidden: hp.hidden, output: M, activation: hp.activation, outputActivation: 'tanh', name: `actor${suffix}` }, initRng),
      critic: new StackedMlp({ agents: N, shared: share, input: criticIn, hidden: hp.hidden, output: 1, activation: hp.activation, outputActivation: 'linear', name: `critic${suffix}` }, initRng),
      actorAttention: attention(),
      criticAttention: attention(),
    });
    this.online = build('');
    this.target = build('_target');
    polyakVariables(netVariables(this.target), netVariables(this.online), 1);
    this.actorVars = [...this.online.actor.variables, ...(this.online.actorAttention?.variables ?? [])];
    this.criticVars = [...this.online.critic.variables, ...(this.online.criticAttention?.variables ?? [])];
    this.actorOptimizer = new VariableAdam(this.actorVars, hp.actorLearningRate, hp.maxGradNorm);
    this.criticOptimizer = new VariableAdam(this.criticVars, hp.criticLearningRate, hp.maxGradNorm);
    this.onlineParams = new ParamSet(netVariables(this.online));
    this.targetParams = new ParamSet(netVariables(this.target));

    const mask = new Float32Array(N * M);
    this.actionDims.forEach((m, j) => mask.fill(1, j * M, j * M + m));
    this.actionMaskT = uniform ? null : tf.tensor3d(mask, [N, 1, M]);
    this.idsT = tf.tidy(() => tf.eye(N).reshape([N, 1, N]) as tf.Tensor3D);

    const columns: Record<Column, number> = { obs: N * D, action: N * M, reward: N, nextObs: N * D, done: N, live: N, state: stateDim, nextState: stateDim };
    this.replay = new ColumnReplay<Column>(columns, hp.bufferSize);
    this.noise = makeNoise(hp.noise, N * M, hp.noiseSigma, hp.noiseTheta);
    this.fast = new MarlFastPath({ agents: N, obsDim: D, actionDim: M, agentIds: hp.agentIds, actionMask: uniform ? null : mask }, this.strategy);
    this.actors = new MarlActors(this.online.actor, this.actorOptimizer, uniform ? null : mask);
  }

  /** `await initTf()` first; the variants' `create` do. */
  protected static async ready(): Promise<void> {
    await initTf();
  }

  // ---------------------------------------------------------------- inputs

  /** Append the one-hot agent index when `agentIds` is on. */
  private withIds(x: tf.Tensor3D): tf.Tensor3D {
    if (!this.hyperparameters.agentIds) return x;
    const b = x.shape[1];
    return tf.concat([x, b === 1 ? this.idsT : tf.tile(this.idsT, [1, b, 1])], 2) as tf.Tensor3D;
  }

  /** Actor input [N, B, ·] from observations [N, B, D]: the variant's, then the agent id. */
  private actorInput(nets: MarlNetworks, obs: tf.Tensor3D): tf.Tensor3D {
    return this.withIds(this.strategy.actorInput(nets, obs));
  }

  /** Actions [N, B, M] of `nets`' actors (padding zeroed). */
  private policy(nets: MarlNetworks, obs: tf.Tensor3D): tf.Tensor3D {
    const a = nets.actor.apply(this.actorInput(nets, obs));
    return this.actionMaskT ? (a.mul(this.actionMaskT) as tf.Tensor3D) : a;
  }

  /**
   * Critic input [N, B, ·]: the variant's, agent j's own action from `own`,
   * everybody else's (or the neighbours' means) from `others`, both
   * [N, B, M]; `global` [B, G] is the global state (MADDPG's); then the agent id.
   */
  private criticInput(nets: MarlNetworks, obs: tf.Tensor3D, own: tf.Tensor3D, others: tf.Tensor3D, global: tf.Tensor2D | null): tf.Tensor3D {
    return this.withIds(this.strategy.criticInput(nets, obs, own, others, global));
  }

  // ---------------------------------------------------------------- acting

  /** Observations of the agents in `obs` as [N, 1, D] (absent agents: zeros); fills `live`. */
  private obsRows(obs: Record<string, unknown>, out: Float32Array, live?: Float32Array): void {
    const D = this.obsDim;
    this.agentIds.forEach((id, j) => {
      const o = obs[id];
      if (o === undefined) return;
      if (live) live[j] = 1;
      const d = this.obsDims[j] as number;
      const space = this.obsSpaces[j] as Space<unknown>;
      const list: ArrayLike<number> = space instanceof Box ? (o as ArrayLike<number>) : flatten(space, o);
      if (list.length !== d) throw new ConfigError(`${this.variant}: agent ${quote(id)}'s observation has ${list.length} numbers, expected ${d}`);
      for (let i = 0; i < d; i++) out[j * D + i] = list[i] as number;
    });
  }

  /** Every agent's π(s) in [-1, 1], agent-major [N · M]. */
  policyActions(obs: Record<string, unknown>): Float32Array {
    const N = this.agentIds.length;
    const rows = new Float32Array(N * this.obsDim);
    this.obsRows(obs, rows);
    if (this.fastPath) return this.actors.policy(this.fast.actorInput(this.online, rows, 1).x);
    return tf.tidy(() => this.policy(this.online, tf.tensor3d(rows, [N, 1, this.obsDim])).dataSync() as Float32Array);
  }

  async act(obs: unknown, opts: ActOptions): Promise<Record<string, number[]>> {
    const record = obs as Record<string, unknown>;
    const out: Record<string, number[]> = {};
    const M = this.actionDim;
    if (opts.explore && this.numTimesteps < this.hyperparameters.learningStarts) {
      this.agentIds.forEach((id, j) => {
        if (id in record) out[id] = (this.actionSpaces[j] as Box).sample(this.exploreRng);
      });
      return out;
    }
    const u = this.policyActions(record);
    if (opts.explore && this.noise) {
      const eps = this.noise.sample(this.exploreRng);
      for (let i = 0; i < u.length; i++) u[i] = (u[i] as number) + (eps[i] as number);
    }
    this.agentIds.forEach((id, j) => {
      if (id in record) out[id] = (this.scalers[j] as ActionScaler).toEnv(u, j * M);
    });
    return out;
  }

  observe(transition: MultiTransition): void {
    const t = transition;
    const M = this.actionDim;
    if (this.globalStateDim > 0 && (!t.state || !t.nextState)) throw new ConfigError(`${this.variant}: the transition has no global state (the env has state(), so the driver must pass state and nextState)`);
    this.replay.add((column, view) => {
      switch (column) {
        case 'obs':
          return this.obsRows(t.obs, view);
        case 'nextObs':
          return this.obsRows(t.nextObs, view);
        case 'live':
          return this.agentIds.forEach((id, j) => void (view[j] = id in t.obs && id in t.actions ? 1 : 0));
        case 'action':
          return this.agentIds.forEach((id, j) => {
            const a = t.actions[id];
            if (a !== undefined) (this.scalers[j] as ActionScaler).fromEnv(a as ArrayLike<number>, view, j * M);
          });
        case 'reward':
          return this.agentIds.forEach((id, j) => void (view[j] = t.rewards[id] ?? 0));
        case 'done':
          return this.agentIds.forEach((id, j) => void (view[j] = t.terminations[id] ? 1 : 0)); // truncation bootstraps
        case 'state':
        case 'nextState': {
          if (this.globalStateDim === 0) return;
          const s = (column === 'state' ? t.state : t.nextState) as number[];
          if (s.length !== this.globalStateDim) throw new ConfigError(`${this.variant}: global state has ${s.length} numbers, expected ${this.globalStateDim}`);
          return view.set(s);
        }
      }
    });
    this.numTimesteps++;
    const live = Object.keys(t.obs);
    if (live.length > 0 && live.every((id) => t.terminations[id] || t.truncations[id])) this.noise?.reset();
  }

  // ---------------------------------------------------------------- learning

  async update(): Promise<Losses | null> {
    const hp = this.hyperparameters;
    if (!(this.numTimesteps > hp.learningStarts && this.numTimesteps % hp.trainFreq === 0 && this.replay.size > 0)) return null;
    let critic = 0, actor = 0;
    for (let g = 0; g < hp.gradientSteps; g++) {
      const [c, a] = this.gradientStep();
      critic += c;
      actor += a;
    }
    this.actors.load(); // once per update, so acting right after it pays nothing
    return { critic: critic / hp.gradientSteps, actor: actor / hp.gradientSteps };
  }

  /** One minibatch update of all critics, then all actors, then the soft target update; returns [critic loss, actor loss]. */
  private gradientStep(): [number, number] {
    const batch = this.sampleBatch(this.replay.sampleIndices(this.hyperparameters.batchSize, this.replayRng));
    const path = this.fastPath ? 'fast' : 'reference';
    const critic = this.criticGradients(batch, path);
    this.criticOptimizer.update();
    const actor = this.actorGradients(batch, path); // with the critics just updated
    this.actorOptimizer.update();
    polyakParams(this.targetParams, this.onlineParams, this.hyperparameters.tau);
    this.numGradientSteps++;
    return [critic, actor];
  }

  /** Replay rows `idx` as flat agent-major arrays. */
  sampleBatch(idx: Int32Array): MarlBatch {
    const N = this.agentIds.length, G = this.globalStateDim;
    const col = (c: Column): Float32Array => this.replay.gatherGroupMajor(c, idx, N);
    return {
      size: idx.length,
      obs: col('obs'),
      nextObs: col('nextObs'),
      actions: col('action'),
      reward: col('reward'),
      done: col('done'),
      live: col('live'),
      state: G > 0 ? this.replay.gather('state', idx) : null,
      nextState: G > 0 ? this.replay.gather('nextState', idx) : null,
    };
  }

  /** The critics' loss (eq. 3) and its gradient, into the critic optimizer's flat gradient. */
  criticGradients(b: MarlBatch, path: 'fast' | 'reference'): number {
    const hp = this.hyperparameters;
    if (path === 'fast') return this.fast.criticGradients(b, this.online, this.target, hp.gamma, this.criticOptimizer);
    return tf.tidy(() => {
      const t = this.batchTensors(b);
      // y_j = r_j + γ (1 − done_j) Q'_j(s', π'(s')) (eq. 3)
      const nextActions = this.policy(this.target, t.nextObs);
      const nextQ = this.target.critic.apply(this.criticInput(this.target, t.nextObs, nextActions, nextActions, t.nextState));
      const y = t.reward.add(t.notDone.mul(nextQ).mul(hp.gamma));
      const { value, grads } = tf.variableGrads(() => {
        const q = this.online.critic.apply(this.criticInput(this.online, t.obs, t.actions, t.actions, t.state));
        return q.sub(y).square().mul(t.live).sum().div(t.liveCount) as tf.Scalar;
      }, this.criticVars);
      this.criticOptimizer.params.gradsInto(grads, this.criticOptimizer.grad);
      return value.dataSync()[0] as number;
    });
  }

  /** The actors' loss (eq. 4, plus the output regularisation) and its gradient, into the actor optimizer's flat gradient. */
  actorGradients(b: MarlBatch, path: 'fast' | 'reference'): number {
    const hp = this.hyperparameters;
    if (path === 'fast') return this.fast.actorGradients(b, this.online, hp.actionRegularization, this.actorOptimizer);
    const M = this.actionDim;
    return tf.tidy(() => {
      const t = this.batchTensors(b);
      // ∇ −Q_j(…, a_j = π_j(·), …) with the others' actions from the replay (eq. 4)
      const { value, grads } = tf.variableGrads(() => {
        const input = this.actorInput(this.online, t.obs);
        const z = this.online.actor.logits(input);
        const a = z.tanh() as tf.Tensor3D;
        const own = this.actionMaskT ? (a.mul(this.actionMaskT) as tf.Tensor3D) : a;
        const q = this.online.critic.apply(this.criticInput(this.online, t.obs, own, t.actions, t.state));
        const loss = q.mul(t.live).sum().div(t.liveCount).neg() as tf.Scalar;
        // Lowe et al.'s p_reg: λ·mean(z²) over live agents' pre-tanh outputs.
        return hp.actionRegularization > 0 ? (loss.add(z.square().mul(t.live).sum().div(t.liveCount.mul(M)).mul(hp.actionRegularization)) as tf.Scalar) : loss;
      }, this.actorVars);
      this.actorOptimizer.params.gradsInto(grads, this.actorOptimizer.grad);
      return value.dataSync()[0] as number;
    });
  }

  /** A batch as tensors [N, B, ·] (call inside `tf.tidy`). */
  private batchTensors(b: MarlBatch): { obs: tf.Tensor3D; nextObs: tf.Tensor3D; actions: tf.Tensor3D; reward: tf.Tensor3D; notDone: tf.Tensor3D; live: tf.Tensor3D; liveCount: tf.Tensor; state: tf.Tensor2D | null; nextState: tf.Tensor2D | null } {
    const B = b.size, N = this.agentIds.length, D = this.obsDim, M = this.actionDim, G = this.globalStateDim;
    const live = tf.tensor3d(b.live, [N, B, 1]);
    return {
      obs: tf.tensor3d(b.obs, [N, B, D]),
      nextObs: tf.tensor3d(b.nextObs, [N, B, D]),
      actions: tf.tensor3d(b.actions, [N, B, M]),
      reward: tf.tensor3d(b.reward, [N, B, 1]),
      notDone: tf.scalar(1).sub(tf.tensor3d(b.done, [N, B, 1])) as tf.Tensor3D,
      live,
      liveCount: live.sum().maximum(1),
      state: b.state && G > 0 ? tf.tensor2d(b.state, [B, G]) : null,
      nextState: b.nextState && G > 0 ? tf.tensor2d(b.nextState, [B, G]) : null,
    };
  }

  /** The flat gradients the last `criticGradients`/`actorGradients` calls wrote (copies; tests compare the two paths). */
  lastGradients(): { critic: Float32Array; actor: Float32Array } {
    return { critic: this.criticOptimizer.grad.slice(), actor: this.actorOptimizer.grad.slice() };
  }

  /** Attention weights [N, N] of one joint observation (attmf; rows sum to 1 over neighbours), for diagnostics. */
  attentionWeights(obs: Record<string, unknown>, role: 'actor' | 'critic'): number[][] {
    const module = role === 'actor' ? this.online.actorAttention : this.online.criticAttention;
    if (!module) throw new ConfigError(`${this.variant} has no attention module`);
    const N = this.agentIds.length;
    const rows = new Float32Array(N * this.obsDim);
    this.obsRows(obs, rows);
    const flat = tf.tidy(() => module.weights(tf.tensor3d(rows, [1, N, this.obsDim]), this.adjacencyT).dataSync());
    return this.agentIds.map((_, j) => Array.from(flat.subarray(j * N, (j + 1) * N)));
  }

  // ================================================================ CHECKPOINTS

  /** All actors, critics, attention modules, their targets, both Adam states, hyperparameters, counters, Rng and noise states, and the replay buffer (a resumed run continues exactly). */
  async save(dir: string): Promise<string> {
    const groups: Record<string, GroupEntry[]> = {};
    for (const [suffix, nets] of [['', this.online], ['_target', this.target]] as const) {
      groups[`actor${suffix}`] = nets.actor.named();
      groups[`critic${suffix}`] = nets.critic.named();
      if (nets.actorAttention) groups[`actor_attention${suffix}`] = attentionNamed(nets.actorAttention, `actor_attention${suffix}`);
      if (nets.criticAttention) groups[`critic_attention${suffix}`] = attentionNamed(nets.criticAttention, `critic_attention${suffix}`);
    }
    groups.actor_optimizer = this.actorOptimizer.group();
    groups.critic_optimizer = this.criticOptimizer.group();
    const replay = this.replay.snapshot();
    groups.replay = replay.entries;
    return saveCheckpoint(dir, {
      agent: this.name,
      env: this.envId,
      hyperparameters: { ...this.hyperparameters },
      extra: {
        seed: this.seed,
        agents: this.agentIds,
        obsDims: this.obsDims,
        actionSpaces: this.actionSpaces.map((s) => s.toJSON()),
        globalStateDim: this.globalStateDim,
        adjacency: this.adjacency,
        numTimesteps: this.numTimesteps,
        numGradientSteps: this.numGradientSteps,
        exploreRng: this.exploreRng.getState(),
        replayRng: this.replayRng.getState(),
        noise: noiseState(this.noise),
        actorOptimizerStep: this.actorOptimizer.step,
        criticOptimizerStep: this.criticOptimizer.step,
        replay: replay.state,
      },
      groups,
    });
  }

  async load(dir: string): Promise<void> {
    const ckpt = loadCheckpoint(dir);
    const { manifest } = ckpt;
    if (manifest.agent !== this.name) throw new CheckpointError(`${ckpt.path} holds a ${quote(manifest.agent)} checkpoint, not ${this.name}`);
    const extra = manifest.extra as Record<string, unknown>;
    const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
    if (!same(extra.agents, this.agentIds)) throw new CheckpointError(`${ckpt.path}: trained with agents ${quote(extra.agents)}, this environment has ${quote(this.agentIds)}`);
    if (!same(extra.obsDims, this.obsDims)) throw new CheckpointError(`${ckpt.path}: trained on observation sizes ${quote(extra.obsDims)}, this environment has ${quote(this.obsDims)}`);
    if (!same(extra.actionSpaces, this.actionSpaces.map((s) => s.toJSON()))) throw new CheckpointError(`${ckpt.path}: trained on other action spaces (${quote(extra.actionSpaces)})`);
    if (extra.globalStateDim !== this.globalStateDim) throw new CheckpointError(`${ckpt.path}: trained with a global state of ${quote(extra.globalStateDim)} numbers, this agent uses ${this.globalStateDim}`);
    for (const key of ['hidden', 'activation', 'shareParameters', 'agentIds', 'attentionDim'] as const) {
      if (!same(manifest.hyperparameters[key], this.hyperparameters[key])) {
        throw new CheckpointError(`${ckpt.path}: checkpoint has ${key} ${quote(manifest.hyperparameters[key])}, this agent ${quote(this.hyperparameters[key])}`);
      }
    }
    for (const [suffix, nets] of [['', this.online], ['_target', this.target]] as const) {
      restoreVariables(nets.actor.variables, ckpt.groups[`actor${suffix}`], `actor${suffix}`);
      restoreVariables(nets.critic.variables, ckpt.groups[`critic${suffix}`], `critic${suffix}`);
      if (nets.actorAttention) restoreVariables(nets.actorAttention.variables, ckpt.groups[`actor_attention${suffix}`], `actor_attention${suffix}`);
      if (nets.criticAttention) restoreVariables(nets.criticAttention.variables, ckpt.groups[`critic_attention${suffix}`], `critic_attention${suffix}`);
    }
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

  /** Every variable of the online or the target networks (targets pair with online by position). */
  variables(which: 'online' | 'target'): tf.Variable[] {
    return netVariables(which === 'online' ? this.online : this.target);
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
    for (const n of [this.online, this.target]) {
      n.actor.dispose();
      n.critic.dispose();
      n.actorAttention?.dispose();
      n.criticAttention?.dispose();
    }
    this.actorOptimizer.dispose();
    this.criticOptimizer.dispose();
    this.strategy.dispose();
    for (const t of [this.adjacencyT, this.actionMaskT, this.idsT]) t?.dispose();
  }
}

/** Every variable of a set of networks, in a fixed order (targets pair with online by position). */
function netVariables(nets: MarlNetworks): tf.Variable[] {
  return [...nets.actor.variables, ...nets.critic.variables, ...(nets.actorAttention?.variables ?? []), ...(nets.criticAttention?.variables ?? [])];
}

function attentionNamed(module: AgentAttention, label: string): { name: string; tensor: tf.Tensor }[] {
  return [
    { name: `${label}/wq`, tensor: module.wq },
    { name: `${label}/wk`, tensor: module.wk },
  ];
}
