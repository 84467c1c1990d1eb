/**
 * PPO — Proximal Policy Optimization with the clipped surrogate objective
 * (Schulman et al. 2017, arXiv:1707.06347), written after CleanRL's `ppo.py`
 * and `ppo_continuous_action.py`: separate actor and critic MLPs with
 * orthogonal initialisation, on-policy rollouts with GAE(λ), several epochs
 * of shuffled minibatches, per-minibatch advantage normalisation, clipped
 * value loss, entropy bonus, global gradient-norm clipping, optional linear
 * annealing of the learning rate and the clip range, optional early stop on
 * the approximate KL.
 *
 * Policies, chosen from the environment's spaces:
 *
 * | action space | policy |
 * |---|---|
 * | `Discrete` | categorical over the actor's logits |
 * | `MultiDiscrete`, `MultiBinary` | independent categoricals, one per element (log-probs and entropies summed) |
 * | `Box` (float) | diagonal Gaussian: the actor gives the mean, a state-independent log-std parameter the spread; the sample is clipped to the bounds when stepping and stored unclipped for the log-prob (CleanRL) |
 * | `Discrete(rows)` over a per-candidate feature matrix with a validity mask | score-rank-select (FaaSRank, 003 §IV-B): agents/ppo-rank.ts |
 *
 * CLI name `ppo`. With `policy: 'auto'` (the default) it runs score-rank-select
 * on an environment that exposes a candidate layout (`env.candidateLayout`, or
 * FaaSRank-v0's `env.layout`; see agents/ppo-rank.ts) and the MLP policy
 * otherwise; `policy: 'mlp'` or `'rank'` forces one. The defaults depend on
 * the policy: CleanRL's for the MLP policy (`PPO_DEFAULTS`), FaaSRank §IV-C
 * and §V-B for score-rank-select (`PPO_RANK_DEFAULTS`). Given options always
 * win.
 *
 * Observations are flattened (`flatten`: Box → its elements, Discrete →
 * one-hot, Dict/Tuple → concatenated). A ParallelEnv is controlled
 * centrally through `CentralizedEnv`, as the train loop adapts it.
 *
 * Acting runs a JavaScript mirror of the networks (agents/ppo-nets.ts), so a
 * step costs microseconds and creates no tensors; only `update` uses tfjs.
 * The rollout in progress is not part of a checkpoint: a loaded agent starts
 * a fresh rollout.
 */
import { CentralizedEnv } from '../src/core/wrappers/centralized-env.js';
import { isParallelEnv, type AnyEnv, type Env, type ParallelEnv } from '../src/core/env.js';
import { ConfigError, FaasgymError, quote } from '../src/core/errors.js';
import { Rng } from '../src/core/rng.js';
import { CheckpointError, loadCheckpoint, modelGroup, optimizerGroup, restoreModel, restoreOptimizer, saveCheckpoint, type LoadedCheckpoint } from '../src/nn/checkpoint.js';
import { clipByGlobalNorm, mlp } from '../src/nn/mlp.js';
import { RolloutBuffer } from '../src/nn/rollout.js';
import { updateMeanVar } from '../src/core/running-mean-std.js';
import { initTf, tf } from '../src/nn/tf.js';
import { Box } from '../src/spaces/box.js';
import { Discrete } from '../src/spaces/discrete.js';
import { flatdim, flatten } from '../src/spaces/flatten.js';
import { MultiBinary } from '../src/spaces/multi-binary.js';
import { MultiDiscrete } from '../src/spaces/multi-discrete.js';
import type { Space } from '../src/spaces/space.js';
import type { ActOptions, Agent, AgentFactory, Losses, MultiTransition, SingleTransition } from './agent.js';
import { AdamW } from './ppo-adamw.js';
import { categorical, DenseMirror, orthogonalInit } from './ppo-nets.js';
import { PPO_RANK_DEFAULTS, RankPolicy, candidateLayoutOf, rankSupport } from './ppo-rank.js';
import { PPO_DEFAULTS, PPO_SCHEMA, resolvePPOOptions, type ActResult, type PPOOptions, type PPOPolicyChoice, type PolicyKind, type PpoPolicy, type ResolvedPPOOptions } from './ppo-options.js';
import { parseOptions } from './option-fields.js';
import { registerAgent } from './registry.js';

// The options and the policy contract live in agents/ppo-options.ts (shared with agents/ppo-rank.ts).
export { PPO_DEFAULTS, resolvePPOOptions } from './ppo-options.js';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

type MlpHead =
  | { kind: 'categorical'; space: Discrete }
  | { kind: 'multi-categorical'; space: MultiDiscrete | MultiBinary; nvec: number[]; start: number[] }
  | { kind: 'gaussian'; space: Box };

/** Actor and critic MLPs over the flat observation, with a categorical, multi-categorical or Gaussian head. */
export class MlpPolicy implements PpoPolicy {
  readonly kind: PolicyKind;
  readonly actionDim: number;
  readonly trainable: tf.Variable[];
  readonly actor: tf.Sequential;
  readonly critic: tf.Sequential;
  /** The Gaussian head's log standard deviations (Box actions only). */
  readonly logStd: tf.Variable | null;
  private readonly actorMirror: DenseMirror;
  private readonly criticMirror: DenseMirror;
  private logStdValues: Float64Array = new Float64Array(0);
  private readonly head: MlpHead;

  constructor(readonly obsDim: number, actionSpace: Space<unknown>, o: ResolvedPPOOptions, rng: Rng) {
    this.head = mlpHead(actionSpace);
    this.kind = this.head.kind;
    const outputs = this.head.kind === 'categorical' ? this.head.space.n : this.head.kind === 'gaussian' ? this.head.space.size : this.head.nvec.reduce((a, b) => a + b, 0);
    this.actionDim = this.head.kind === 'categorical' ? 1 : this.head.kind === 'gaussian' ? this.head.space.size : this.head.nvec.length;
    this.actor = mlp({ input: obsDim, hidden: o.hidden, output: outputs, activation: o.activation, name: 'ppo_actor' }, rng);
    this.critic = mlp({ input: obsDim, hidden: o.hidden, output: 1, activation: o.activation, name: 'ppo_critic' }, rng);
    if (o.orthoInit) {
      orthogonalInit(this.actor, [...o.hidden.map(() => Math.SQRT2), 0.01], rng);
      orthogonalInit(this.critic, [...o.hidden.map(() => Math.SQRT2), 1], rng);
    }
    const size = this.head.kind === 'gaussian' ? this.head.space.size : 0;
    this.logStd = size > 0 ? tf.tidy(() => tf.variable(tf.fill([size], o.logStdInit), true)) : null;
    this.trainable = [...this.actor.trainableWeights, ...this.critic.trainableWeights].map((w) => w.read() as tf.Variable);
    if (this.logStd) this.trainable.push(this.logStd);
    this.actorMirror = new DenseMirror(this.actor);
    this.criticMirror = new DenseMirror(this.critic);
    this.sync();
  }

  act(obs: ArrayLike<number>, explore: boolean, rng: Rng): ActResult {
    const out = this.actorMirror.forward(obs);
    const value = this.value(obs);
    const h = this.head;
    if (h.kind === 'categorical') {
      const { index, logProb } = categorical(out, 0, h.space.n, explore, rng);
      return { envAction: h.space.start + index, action: [index], logProb, value };
    }
    if (h.kind === 'multi-categorical') {
      const action: number[] = [], envAction: number[] = [];
      let logProb = 0, at = 0;
      h.nvec.forEach((n, k) => {
        const c = categorical(out, at, n, explore, rng);
        action.push(c.index);
        envAction.push((h.start[k] as number) + c.index);
        logProb += c.logProb;
        at += n;
      });
      return { envAction, action, logProb, value };
    }
    const d = h.space.size;
    const action = new Array<number>(d), envAction = new Array<number>(d);
    let logProb = 0;
    for (let i = 0; i < d; i++) {
      const logStd = this.logStdValues[i] as number;
      const z = explore ? rng.normal() : 0;
      const a = (out[i] as number) + Math.exp(logStd) * z;
      action[i] = a;
      logProb += -0.5 * z * z - logStd - HALF_LOG_2PI;
      envAction[i] = Math.min(Math.max(a, h.space.low[i] as number), h.space.high[i] as number);
    }
    return { envAction, action, logProb, value };
  }

  value(obs: ArrayLike<number>): number {
    return this.criticMirror.forward(obs)[0] as number;
  }

  evaluate(obs: tf.Tensor2D, actions: tf.Tensor2D): { logProb: tf.Tensor1D; entropy: tf.Tensor1D; value: tf.Tensor1D } {
    const out = this.actor.apply(obs) as tf.Tensor2D;
    const value = (this.critic.apply(obs) as tf.Tensor2D).reshape([-1]) as tf.Tensor1D;
    const h = this.head;
    if (h.kind === 'gaussian') {
      const logStd = this.logStd as tf.Variable;
      const z = actions.sub(out).div(logStd.exp());
      const logProb = z.square().mul(-0.5).sub(logStd).sub(HALF_LOG_2PI).sum(1) as tf.Tensor1D;
      const entropy = logStd.add(0.5 + HALF_LOG_2PI).sum().mul(tf.onesLike(value)) as tf.Tensor1D;
      return { logProb, entropy, value };
    }
    const sizes = h.kind === 'categorical' ? [h.space.n] : h.nvec;
    const parts = sizes.length === 1 ? [out] : tf.split(out, sizes, 1);
    const acts = sizes.length === 1 ? [actions] : tf.split(actions, sizes.length, 1);
    let logProb: tf.Tensor1D | null = null, entropy: tf.Tensor1D | null = null;
    parts.forEach((logits, k) => {
      const logp = tf.logSoftmax(logits);
      const onehot = tf.oneHot((acts[k] as tf.Tensor).reshape([-1]).toInt(), sizes[k] as number);
      const lp = logp.mul(onehot).sum(1) as tf.Tensor1D;
      const ent = logp.exp().mul(logp).sum(1).neg() as tf.Tensor1D;
      logProb = logProb ? (logProb.add(lp) as tf.Tensor1D) : lp;
      entropy = entropy ? (entropy.add(ent) as tf.Tensor1D) : ent;
    });
    return { logProb: logProb as unknown as tf.Tensor1D, entropy: entropy as unknown as tf.Tensor1D, value };
  }

  sync(): void {
    this.actorMirror.sync(this.actor);
    this.criticMirror.sync(this.critic);
    if (this.logStd) this.logStdValues = Float64Array.from(this.logStd.dataSync());
  }

  groups(): Record<string, { name: string; tensor: tf.Tensor }[]> {
    const g: Record<string, { name: string; tensor: tf.Tensor }[]> = { actor: modelGroup(this.actor), critic: modelGroup(this.critic) };
    if (this.logStd) g.log_std = [{ name: 'log_std', tensor: this.logStd }];
    return g;
  }

  restore(groups: LoadedCheckpoint['groups']): void {
    restoreModel(this.actor, groups.actor, 'actor');
    restoreModel(this.critic, groups.critic, 'critic');
    if (this.logStd) {
      const entry = groups.log_std?.[0];
      if (!entry || entry.shape.join('x') !== this.logStd.shape.join('x')) throw new CheckpointError(`checkpoint has no log_std of shape ${quote(this.logStd.shape)}`);
      tf.tidy(() => (this.logStd as tf.Variable).assign(tf.tensor(entry.values, entry.shape)));
    }
    this.sync();
  }

  describe(): Record<string, unknown> {
    return { kind: this.kind, obsDim: this.obsDim, actionSpace: this.head.space.toJSON() };
  }

  dispose(): void {
    this.actor.dispose();
    this.critic.dispose();
    this.logStd?.dispose();
  }
}

function mlpHead(space: Space<unknown>): MlpHead {
  if (space instanceof Discrete) return { kind: 'categorical', space };
  if (space instanceof MultiDiscrete) return { kind: 'multi-categorical', space, nvec: [...space.nvec], start: [...space.start] };
  if (space instanceof MultiBinary) return { kind: 'multi-categorical', space, nvec: new Array<number>(space.n).fill(2), start: new Array<number>(space.n).fill(0) };
  if (space instanceof Box) return { kind: 'gaussian', space };
  throw new ConfigError(`PPO: no policy for action space ${space.toString()}`);
}

/** Why PPO's MLP policy cannot act in `actionSpace`, or null. */
function mlpActionSupport(actionSpace: Space<unknown>): string | null {
  if (actionSpace instanceof Discrete || actionSpace instanceof MultiDiscrete) return null;
  if (actionSpace instanceof MultiBinary) return actionSpace.n > 0 ? null : 'PPO needs a non-empty MultiBinary action space';
  if (actionSpace instanceof Box) {
    if (actionSpace.dtype !== 'float32' && actionSpace.dtype !== 'float64') return `PPO's Gaussian policy needs a float Box action space, got dtype ${quote(actionSpace.dtype)}`;
    if (actionSpace.size === 0) return 'PPO needs a non-empty Box action space';
    return null;
  }
  return `PPO supports Discrete, MultiDiscrete, MultiBinary and Box action spaces, got ${actionSpace.toString()}`;
}

/**
 * Advantage normalisation as CleanRL does it per minibatch:
 * (A − mean) / (std + 1e-8), std with Bessel's correction (torch's `std()`).
 * Fewer than two values are returned unchanged (their std is undefined).
 */
export function normalizeAdvantages(adv: ArrayLike<number>): Float32Array {
  const n = adv.length;
  const out = Float32Array.from(adv);
  if (n < 2) return out;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += adv[i] as number;
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += ((adv[i] as number) - mean) ** 2;
  const std = Math.sqrt(ss / (n - 1));
  for (let i = 0; i < n; i++) out[i] = ((adv[i] as number) - mean) / (std + 1e-8);
  return out;
}

// ============================================================================
// The agent: rollouts, GAE, clipped-surrogate epochs
// ============================================================================

interface Pending {
  obs: number[];
  action: number[];
  logProb: number;
  value: number;
}

/** The single-agent view of `env` that the train loop gives a `single` agent. */
function singleView(env: AnyEnv): Env<unknown, unknown> {
  return (isParallelEnv(env) ? new CentralizedEnv(env as ParallelEnv<string, unknown, unknown>) : env) as Env<unknown, unknown>;
}

/** Why PPO cannot run on `env` with `policy`, or null. */
export function ppoSupports(env: AnyEnv, policy: PPOPolicyChoice = 'auto'): string | null {
  let single: Env<unknown, unknown>;
  try {
    single = singleView(env);
  } catch (err) {
    return `PPO cannot control this environment centrally: ${(err as Error).message}`;
  }
  const layout = policy === 'mlp' ? null : candidateLayoutOf(single);
  if (policy === 'rank' && !layout) return 'PPO policy "rank" (score-rank-select) needs an environment that exposes a candidate layout (env.candidateLayout, or FaaSRank-v0\'s env.layout)';
  if (layout) return rankSupport(layout, single.observationSpace, single.actionSpace);
  try {
    if (flatdim(single.observationSpace) < 1) return 'PPO needs a non-empty observation space';
  } catch {
    return `PPO cannot flatten the observation space ${single.observationSpace.toString()}`;
  }
  return mlpActionSupport(single.actionSpace);
}

export class PPO implements Agent {
  readonly name = 'ppo';
  readonly kind = 'single' as const;
  readonly options: Readonly<ResolvedPPOOptions>;
  readonly policy: PpoPolicy;
  readonly seed: number;
  /** Environment steps observed, episodes finished, updates done, gradient steps taken. */
  readonly counters = { steps: 0, episodes: 0, updates: 0, gradientSteps: 0 };

  private optimizer: AdamW;
  private readonly rng: Rng;
  private readonly obsSpace: Space<unknown>;
  private readonly envId: string | null;
  private readonly buffer = new RolloutBuffer();
  private pending: Pending | null = null;
  private lastNextObs: number[] | null = null;
  private rolloutEpisodeCount = 0;
  private disposed = false;
  /** `normalizeRewards`: the discounted return so far and the running statistics of such returns (Gymnasium's RunningMeanStd, count starting at 1e-4). */
  private readonly returnStats = { ret: 0, mean: 0, var: 1, count: 1e-4 };

  /** Initialise tfjs, then build the agent. */
  static async create(env: AnyEnv, options: PPOOptions | Record<string, unknown> = {}, seed = 0): Promise<PPO> {
    await initTf();
    return new PPO(env, options, seed);
  }

  /** Build the agent (tfjs must be initialised: `await initTf()`, or use `PPO.create`). */
  constructor(env: AnyEnv, options: PPOOptions | Record<string, unknown> = {}, seed = 0) {
    if (!Number.isSafeInteger(seed) || seed < 0) throw new ConfigError(`PPO seed must be a non-negative safe integer, got ${quote(seed)}`);
    const choice = parseOptions(PPO_SCHEMA.shape.policy, (options as PPOOptions | null)?.policy, 'ppo', 'options.policy');
    const why = ppoSupports(env, choice);
    if (why) throw new ConfigError(why);
    const single = singleView(env);
    const layout = choice === 'mlp' ? null : candidateLayoutOf(single);
    this.options = Object.freeze(resolvePPOOptions(options, layout ? { ...PPO_DEFAULTS, ...PPO_RANK_DEFAULTS } : PPO_DEFAULTS));
    this.seed = seed;
    this.rng = new Rng(seed);
    const initRng = this.rng.fork();
    this.obsSpace = single.observationSpace;
    this.envId = single.spec?.id ?? null;
    this.policy = layout
      ? new RankPolicy(layout, flatdim(single.observationSpace), single.actionSpace as Discrete, this.options, initRng)
      : new MlpPolicy(flatdim(single.observationSpace), single.actionSpace, this.options, initRng);
    this.optimizer = this.newOptimizer();
  }

  /** The resolved options, with `policy` resolved to `mlp` or `rank` (what `ppoFactory.create` needs to rebuild this agent; the seed is saved beside them). */
  get hyperparameters(): Record<string, unknown> {
    return { ...this.options, hidden: [...this.options.hidden], policy: this.policy.kind === 'rank' ? 'rank' : 'mlp' };
  }

  /** Current learning rate (after annealing). */
  get learningRate(): number {
    return this.optimizer.learningRate;
  }

  async act(obs: unknown, opts: ActOptions): Promise<unknown> {
    this.assertLive();
    const x = this.flat(obs);
    const r = this.policy.act(x, opts.explore, this.rng);
    this.pending = opts.explore ? { obs: x, action: r.action, logProb: r.logProb, value: r.value } : null;
    return r.envAction;
  }

  observe(transition: SingleTransition | MultiTransition): void {
    this.assertLive();
    if ('actions' in transition) throw new ConfigError('PPO is a single-agent learner: observe() got a multi-agent transition');
    const p = this.pending;
    if (!p) throw new FaasgymError('PPO.observe: no action pending; call act(obs, { explore: true }) once before each observe()');
    this.pending = null;
    let reward = transition.reward * this.options.rewardScale;
    if (!Number.isFinite(reward)) throw new ConfigError(`PPO.observe: reward must be finite, got ${quote(transition.reward)}`);
    const next = this.flat(transition.nextObs);
    const terminated = transition.terminated === true;
    const truncated = !terminated && transition.truncated === true;
    if (this.options.normalizeRewards) reward = this.normalizeReward(reward, terminated || truncated);
    this.buffer.add({ obs: p.obs, action: p.action, logProb: p.logProb, value: p.value, reward, terminated, truncated, ...(truncated ? { nextValue: this.policy.value(next) } : {}) });
    this.lastNextObs = next;
    this.counters.steps++;
    if (terminated || truncated) {
      this.counters.episodes++;
      this.rolloutEpisodeCount++;
    }
  }

  /** Gymnasium's NormalizeReward: r / √(Var[discounted return] + 1e-8), the statistics updated with every step's return so far. */
  private normalizeReward(reward: number, done: boolean): number {
    const st = this.returnStats;
    st.ret = st.ret * this.options.gamma + reward;
    updateMeanVar(st, st.ret); // RunningMeanStd.update with a batch of one (src/core/running-mean-std.ts)
    if (done) st.ret = 0;
    return reward / Math.sqrt(st.var + 1e-8);
  }

  /** A rollout is complete: `nSteps` steps, or `rolloutEpisodes` finished episodes. */
  get rolloutReady(): boolean {
    const o = this.options;
    return this.buffer.size > 0 && (o.rolloutEpisodes > 0 ? this.rolloutEpisodeCount >= o.rolloutEpisodes : this.buffer.size >= o.nSteps);
  }

  async update(): Promise<Losses | null> {
    this.assertLive();
    if (!this.rolloutReady) return null;
    const o = this.options, policy = this.policy, steps = this.buffer.steps, n = steps.length;
    // ALGO LOGIC: advantages and returns of the rollout (GAE, bootstrapped from V(s_T) unless it ended an episode).
    const last = steps[n - 1] as (typeof steps)[number];
    const lastValue = last.terminated || last.truncated ? 0 : policy.value(this.lastNextObs as number[]);
    const { advantages, returns } = this.buffer.computeGae(lastValue, o.gamma, o.gaeLambda);
    const obsDim = policy.obsDim, actDim = policy.actionDim;
    const obs = new Float32Array(n * obsDim), act = new Float32Array(n * actDim), logp = new Float32Array(n), values = new Float32Array(n);
    steps.forEach((s, i) => {
      obs.set(s.obs as number[], i * obsDim);
      act.set(s.action as number[], i * actDim);
      logp[i] = s.logProb;
      values[i] = s.value;
    });
    // Annealing (CleanRL: frac = 1 − (iteration − 1) / num_iterations, from the steps before this rollout).
    const frac = Math.max(0, 1 - (this.counters.steps - n) / o.totalSteps);
    this.optimizer.learningRate = o.learningRate * (o.annealLr ? frac : 1);
    const clip = o.clipCoef * (o.annealClip ? frac : 1);
    // ALGO LOGIC: epochs of shuffled minibatches.
    const mbSize = Math.ceil(n / o.minibatches);
    const order = Array.from({ length: n }, (_, i) => i);
    const stats: tf.Tensor1D[] = [];
    let epochs = 0;
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      this.rng.shuffle(order);
      for (let start = 0; start < n; start += mbSize) {
        const idx = order.slice(start, start + mbSize), m = idx.length;
        const mb = { obs: new Float32Array(m * obsDim), act: new Float32Array(m * actDim), logp: new Float32Array(m), values: new Float32Array(m), adv: new Float32Array(m), ret: new Float32Array(m) };
        idx.forEach((j, k) => {
          mb.obs.set(obs.subarray(j * obsDim, (j + 1) * obsDim), k * obsDim);
          mb.act.set(act.subarray(j * actDim, (j + 1) * actDim), k * actDim);
          mb.logp[k] = logp[j] as number;
          mb.values[k] = values[j] as number;
          mb.adv[k] = advantages[j] as number;
          mb.ret[k] = returns[j] as number;
        });
        if (o.normalizeAdvantages) mb.adv.set(normalizeAdvantages(mb.adv));
        stats.push(this.gradientStep(mb, m, clip));
        this.counters.gradientSteps++;
      }
      epochs++;
      if (o.targetKl !== null && ((stats[stats.length - 1] as tf.Tensor1D).dataSync()[3] as number) > o.targetKl) break;
    }
    const mean = tf.tidy(() => tf.stack(stats).mean(0));
    const [pg, vLoss, entropy, approxKl, clipFraction] = Array.from(mean.dataSync());
    mean.dispose();
    for (const s of stats) s.dispose();
    policy.sync();
    this.buffer.clear();
    this.rolloutEpisodeCount = 0;
    this.counters.updates++;
    const losses: Losses = { policy: pg as number, value: vLoss as number, entropy: entropy as number, approxKl: approxKl as number, clipFraction: clipFraction as number, learningRate: this.optimizer.learningRate, epochs };
    const ev = explainedVariance(values, returns);
    if (ev !== null) losses.explainedVariance = ev;
    return losses;
  }

  /** One clipped-surrogate step on a minibatch; returns [policy loss, value loss, entropy, approx KL, clip fraction] (the caller disposes it). */
  private gradientStep(mb: { obs: Float32Array; act: Float32Array; logp: Float32Array; values: Float32Array; adv: Float32Array; ret: Float32Array }, m: number, clip: number): tf.Tensor1D {
    const o = this.options, policy = this.policy;
    return tf.tidy(() => {
      const obs = tf.tensor2d(mb.obs, [m, policy.obsDim]);
      const act = tf.tensor2d(mb.act, [m, policy.actionDim]);
      const oldLogp = tf.tensor1d(mb.logp), oldValues = tf.tensor1d(mb.values), adv = tf.tensor1d(mb.adv), ret = tf.tensor1d(mb.ret);
      let stats: tf.Tensor1D | null = null;
      const { grads } = tf.variableGrads(() => {
        const { logProb, entropy, value } = policy.evaluate(obs, act);
        const logRatio = logProb.sub(oldLogp);
        const ratio = logRatio.exp();
        const pgLoss = tf.maximum(adv.neg().mul(ratio), adv.neg().mul(ratio.clipByValue(1 - clip, 1 + clip))).mean();
        let vLoss: tf.Tensor;
        if (o.clipValueLoss) {
          const clipped = oldValues.add(value.sub(oldValues).clipByValue(-clip, clip));
          vLoss = tf.maximum(value.sub(ret).square(), clipped.sub(ret).square()).mean().mul(0.5);
        } else {
          vLoss = value.sub(ret).square().mean().mul(0.5);
        }
        const ent = entropy.mean();
        const approxKl = ratio.sub(1).sub(logRatio).mean();
        const clipFraction = ratio.sub(1).abs().greater(clip).toFloat().mean();
        stats = tf.keep(tf.stack([pgLoss, vLoss, ent, approxKl, clipFraction]) as tf.Tensor1D);
        return pgLoss.sub(ent.mul(o.entCoef)).add(vLoss.mul(o.vfCoef)) as tf.Scalar;
      }, policy.trainable);
      this.optimizer.applyGradients(clipByGlobalNorm(grads, o.maxGradNorm));
      return stats as unknown as tf.Tensor1D;
    });
  }

  // ==========================================================================
  // Scaffolding: checkpoints, disposal
  // ==========================================================================

  /** Policy and value weights, AdamW state, counters, Rng, return statistics and the rollout under way (a resumed run continues exactly). */
  async save(dir: string): Promise<string> {
    this.assertLive();
    const optState = await optimizerGroup(this.optimizer.adam);
    try {
      return await saveCheckpoint(dir, {
        agent: this.name,
        env: this.envId,
        hyperparameters: this.hyperparameters,
        extra: { seed: this.seed, policy: this.policy.describe(), counters: { ...this.counters }, rng: this.rng.getState(), learningRate: this.optimizer.learningRate, returnStats: { ...this.returnStats }, rollout: this.rolloutState() },
        groups: { ...this.policy.groups(), optimizer: optState },
      });
    } finally {
      for (const w of optState) if (w.name === 'iter') w.tensor.dispose();
    }
  }

  /** The rollout collected since the last update, as JSON. */
  private rolloutState(): Record<string, unknown> {
    return { steps: this.buffer.snapshot(), lastNextObs: this.lastNextObs, episodes: this.rolloutEpisodeCount };
  }

  async load(dir: string): Promise<void> {
    this.assertLive();
    const ckpt = loadCheckpoint(dir);
    const m = ckpt.manifest;
    if (m.agent !== this.name) throw new CheckpointError(`${ckpt.path}: a checkpoint of agent ${quote(m.agent)}, not ${quote(this.name)}`);
    const theirs = (isObject(m.extra.policy) ? m.extra.policy : {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries(this.policy.describe())) {
      if (JSON.stringify(theirs[k]) !== JSON.stringify(v)) throw new CheckpointError(`${ckpt.path}: the policy's ${k} is ${quote(theirs[k])} in the checkpoint but ${quote(v)} in this agent`);
    }
    this.policy.restore(ckpt.groups);
    this.optimizer.dispose();
    this.optimizer = this.newOptimizer();
    await restoreOptimizer(this.optimizer.adam, ckpt.groups.optimizer);
    const extra = m.extra as { counters?: Partial<PPO['counters']>; rng?: number[]; learningRate?: number; returnStats?: Partial<PPO['returnStats']>; rollout?: { steps?: unknown; lastNextObs?: unknown; episodes?: unknown } };
    if (extra.returnStats) for (const k of ['ret', 'mean', 'var', 'count'] as const) if (typeof extra.returnStats[k] === 'number') this.returnStats[k] = extra.returnStats[k] as number;
    if (extra.counters) for (const k of Object.keys(this.counters) as (keyof PPO['counters'])[]) if (Number.isSafeInteger(extra.counters[k])) this.counters[k] = extra.counters[k] as number;
    if (Array.isArray(extra.rng)) this.rng.setState(extra.rng);
    if (typeof extra.learningRate === 'number' && extra.learningRate >= 0) this.optimizer.learningRate = extra.learningRate;
    this.buffer.clear();
    this.pending = null;
    this.lastNextObs = null;
    this.rolloutEpisodeCount = 0;
    // The rollout under way when the checkpoint was written (older checkpoints have none: the next rollout starts afresh).
    const r = extra.rollout;
    if (r && r.steps !== undefined) {
      this.buffer.restore(r.steps, ckpt.path);
      this.lastNextObs = Array.isArray(r.lastNextObs) ? (r.lastNextObs as number[]) : null;
      this.rolloutEpisodeCount = Number.isSafeInteger(r.episodes) ? (r.episodes as number) : 0;
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.policy.dispose();
    this.optimizer.dispose();
    this.buffer.clear();
  }

  private newOptimizer(): AdamW {
    return new AdamW({ learningRate: this.options.learningRate, weightDecay: this.options.weightDecay, epsilon: this.options.adamEps });
  }

  private flat(obs: unknown): number[] {
    const x = flatten(this.obsSpace, obs);
    if (x.length !== this.policy.obsDim) throw new ConfigError(`PPO: observation has ${x.length} numbers after flattening, the policy expects ${this.policy.obsDim}`);
    return x;
  }

  private assertLive(): void {
    if (this.disposed) throw new FaasgymError('PPO: the agent was disposed');
  }
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** 1 − Var(returns − values) / Var(returns) (CleanRL's diagnostic); null when the returns do not vary. */
function explainedVariance(values: Float32Array, returns: Float32Array): number | null {
  const n = values.length;
  let mr = 0, md = 0;
  for (let i = 0; i < n; i++) {
    mr += returns[i] as number;
    md += (returns[i] as number) - (values[i] as number);
  }
  mr /= n;
  md /= n;
  let vr = 0, vd = 0;
  for (let i = 0; i < n; i++) {
    vr += ((returns[i] as number) - mr) ** 2;
    vd += ((returns[i] as number) - (values[i] as number) - md) ** 2;
  }
  return vr > 0 ? 1 - vd / vr : null;
}

// ============================================================================
// CLI registration
// ============================================================================

/** `trainingBudgetOption`: `faasgym train` fills `totalSteps` with `--steps` (src/experiment/training-run.ts), the horizon of `annealLr`/`annealClip`. */
export const ppoFactory: AgentFactory = {
  name: 'ppo',
  kind: 'single',
  description: 'PPO (clipped surrogate, GAE; CleanRL defaults): categorical, multi-categorical or Gaussian MLP policy; score-rank-select over candidate rows with a mask on FaaSRank-v0 (003 §IV, AdamW, 32-16 tanh)',
  supports: (env) => ppoSupports(env),
  create: (env, options, seed) => PPO.create(env, options, seed),
  trainingBudgetOption: 'totalSteps',
};

registerAgent(ppoFactory);
