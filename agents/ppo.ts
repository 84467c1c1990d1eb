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
 * Acting runs a JavaScript mirror of the networks (agents/ppo-nets.ts) that
 * reads the optimiser's flat parameters in place, so a step costs
 * microseconds, creates no tensors and needs no copy after an update. The
 * update runs on the fast path of src/nn/ (`fastPath`, the default): each
 * minibatch's forward and backward pass through `DenseStack`s, the surrogate
 * loss and its derivatives in JavaScript (agents/ppo-fast.ts), and Adam(W)
 * with `clip_grad_norm_` over one flat vector (`VariableAdam`); with
 * `fastPath = false` the same update goes through tfjs autodiff, the
 * reference the tests compare it with (test/agents/ppo-fast.test.ts). The MLP
 * policy is in agents/ppo-mlp.ts.
 * The rollout in progress is not part of a checkpoint: a loaded agent starts
 * a fresh rollout.
 */
import { singleView } from '../src/core/wrappers/centralized-env.js';
import { type AnyEnv, type Env } from '../src/core/env.js';
import { ConfigError, FaasgymError, quote } from '../src/core/errors.js';
import { Rng } from '../src/core/rng.js';
import { VariableAdam, restoreAdamState } from '../src/nn/adam.js';
import { CheckpointError, loadCheckpoint, saveCheckpoint } from '../src/nn/checkpoint.js';
import { RolloutBuffer } from '../src/nn/rollout.js';
import { updateMeanVar } from '../src/core/running-mean-std.js';
import { initTf, tf } from '../src/nn/tf.js';
import type { Discrete } from '../src/spaces/discrete.js';
import { flatdim, flatten } from '../src/spaces/flatten.js';
import type { Space } from '../src/spaces/space.js';
import type { ActOptions, Agent, AgentFactory, Losses, MultiTransition, SingleTransition } from './agent.js';
import { surrogate, type Minibatch, type MinibatchStats } from './ppo-fast.js';
import { MlpPolicy, mlpActionSupport } from './ppo-mlp.js';
import { PPO_RANK_DEFAULTS, RankPolicy, candidateLayoutOf, rankSupport } from './ppo-rank.js';
import { PPO_DEFAULTS, PPO_SCHEMA, resolvePPOOptions, type PPOOptions, type PPOPolicyChoice, type PpoPolicy, type ResolvedPPOOptions } from './ppo-options.js';
import { parseOptions } from './option-fields.js';
import { registerAgent } from './registry.js';

// The options and the policy contract live in agents/ppo-options.ts (shared with agents/ppo-rank.ts).
export { PPO_DEFAULTS, resolvePPOOptions } from './ppo-options.js';
export { MlpPolicy } from './ppo-mlp.js';

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

  /**
   * The update path: `true` (the default) computes the losses and gradients
   * by hand (`fastEvaluate`: `DenseStack`s, src/nn/dense.ts, and the loss in
   * agents/ppo-fast.ts), `false` through tfjs's automatic differentiation (the
   * reference the tests compare it with). Both feed the same Adam(W)
   * (`VariableAdam`, gradient-norm clipping as `clip_grad_norm_`).
   */
  fastPath = true;

  private readonly optimizer: VariableAdam;
  private readonly rng: Rng;
  private readonly obsSpace: Space<unknown>;
  private readonly envId: string | null;
  /** The rollout being collected (`faasgym bench agents` re-runs one update on a stored rollout). */
  readonly buffer = new RolloutBuffer();
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
    const o = this.options;
    this.optimizer = new VariableAdam(this.policy.trainable, o.learningRate, o.maxGradNorm, { epsilon: o.adamEps, weightDecay: o.weightDecay });
    this.policy.bind(this.optimizer.params.theta);
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
    this.optimizer.params.pull(); // variables given new data behind the optimiser's back (a no-op check otherwise): the mirrors read the flat vector
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
    this.optimizer.params.pull();
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
    const sums = [0, 0, 0, 0, 0];
    let count = 0;
    let epochs = 0, stats: MinibatchStats = [0, 0, 0, 0, 0];
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      this.rng.shuffle(order);
      for (let start = 0; start < n; start += mbSize) {
        const idx = order.slice(start, start + mbSize), m = idx.length;
        const mb: Minibatch = { obs: new Float32Array(m * obsDim), act: new Float32Array(m * actDim), logp: new Float32Array(m), values: new Float32Array(m), adv: new Float32Array(m), ret: new Float32Array(m) };
        idx.forEach((j, k) => {
          mb.obs.set(obs.subarray(j * obsDim, (j + 1) * obsDim), k * obsDim);
          mb.act.set(act.subarray(j * actDim, (j + 1) * actDim), k * actDim);
          mb.logp[k] = logp[j] as number;
          mb.values[k] = values[j] as number;
          mb.adv[k] = advantages[j] as number;
          mb.ret[k] = returns[j] as number;
        });
        if (o.normalizeAdvantages) mb.adv.set(normalizeAdvantages(mb.adv));
        ({ stats } = this.minibatchGradients(mb, m, clip, this.fastPath ? 'fast' : 'reference'));
        this.optimizer.update();
        stats.forEach((x, i) => (sums[i] = (sums[i] as number) + x));
        count++;
        this.counters.gradientSteps++;
      }
      epochs++;
      if (o.targetKl !== null && stats[3] > o.targetKl) break;
    }
    const [pg, vLoss, entropy, approxKl, clipFraction] = sums.map((x) => x / count);
    this.buffer.clear();
    this.rolloutEpisodeCount = 0;
    this.counters.updates++;
    const losses: Losses = { policy: pg as number, value: vLoss as number, entropy: entropy as number, approxKl: approxKl as number, clipFraction: clipFraction as number, learningRate: this.optimizer.learningRate, epochs };
    const ev = explainedVariance(values, returns);
    if (ev !== null) losses.explainedVariance = ev;
    return losses;
  }

  /**
   * The loss of one minibatch and its gradient, written into the optimiser's
   * flat `grad` (laid out as `policy.trainable`; `gradient()` copies it): on
   * the fast path or through tfjs autodiff (the reference). Returns the total
   * loss pg − entCoef · entropy + vfCoef · value loss and the minibatch's
   * [policy loss, value loss, entropy, approx KL, clip fraction].
   */
  minibatchGradients(mb: Minibatch, m: number, clip: number, path: 'fast' | 'reference'): { loss: number; stats: MinibatchStats } {
    const o = this.options, policy = this.policy;
    if (path === 'fast') {
      const ev = policy.fastEvaluate(mb.obs, mb.act, m);
      try {
        const s = surrogate(ev, mb, m, clip, o);
        ev.backward(s.dLogProb, s.dEntropy, s.dValue, this.optimizer.grad);
        return { loss: s.loss, stats: s.stats };
      } finally {
        ev.dispose();
      }
    }
    return tf.tidy(() => {
      const obs = tf.tensor2d(mb.obs, [m, policy.obsDim]);
      const act = tf.tensor2d(mb.act, [m, policy.actionDim]);
      const oldLogp = tf.tensor1d(mb.logp), oldValues = tf.tensor1d(mb.values), adv = tf.tensor1d(mb.adv), ret = tf.tensor1d(mb.ret);
      let stats: tf.Tensor1D | null = null;
      const { value: loss, grads } = tf.variableGrads(() => {
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
        stats = tf.keep(tf.stack([pgLoss, vLoss, ent, approxKl, clipFraction]) as tf.Tensor1D); // kept past the forward pass's scope; freed below
        return pgLoss.sub(ent.mul(o.entCoef)).add(vLoss.mul(o.vfCoef)) as tf.Scalar;
      }, policy.trainable);
      this.optimizer.params.gradsInto(grads, this.optimizer.grad);
      const kept = stats as unknown as tf.Tensor1D;
      const values = Array.from(kept.dataSync()) as MinibatchStats;
      kept.dispose();
      return { loss: loss.dataSync()[0] as number, stats: values };
    });
  }

  /** Adam's step count and moments as plain arrays (tests compare them across save/load). */
  optimizerState(): { step: number; m: number[]; v: number[] } {
    return this.optimizer.values();
  }

  /** The gradient the last `minibatchGradients` wrote (a copy, laid out as `policy.trainable`). */
  gradient(): Float32Array {
    return this.optimizer.grad.slice();
  }

  // ==========================================================================
  // Scaffolding: checkpoints, disposal
  // ==========================================================================

  /** Policy and value weights, Adam(W) state, counters, Rng, return statistics and the rollout under way (a resumed run continues exactly). */
  async save(dir: string): Promise<string> {
    this.assertLive();
    return saveCheckpoint(dir, {
      agent: this.name,
      env: this.envId,
      hyperparameters: this.hyperparameters,
      extra: {
        seed: this.seed, policy: this.policy.describe(), counters: { ...this.counters }, rng: this.rng.getState(), learningRate: this.optimizer.learningRate, optimizerStep: this.optimizer.step,
        returnStats: { ...this.returnStats }, rollout: this.rolloutState(),
      },
      groups: { ...this.policy.groups(), optimizer: this.optimizer.group() },
    });
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
    this.optimizer.params.pull(); // the acting mirrors read these
    restoreAdamState(this.optimizer, ckpt.groups.optimizer, m.extra.optimizerStep);
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
    this.buffer.clear();
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
