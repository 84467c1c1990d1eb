/**
 * Score-rank-select (FaaSRank, paper 003 §IV-B, Fig. 3): a PPO policy for
 * "pick one of N candidates" where N varies. The observation holds one
 * feature row per candidate, padded to a fixed number of rows, a validity
 * mask, and optionally features shared by all rows (the arriving function).
 *
 * - Each candidate's input is its row with the shared features appended (the
 *   per-server state vector of Fig. 2).
 * - Actor: one score network (default 32-16 tanh, §V-B) maps every input to a
 *   score q_n; P(n) = softmax over the *valid* candidates (eq. 4). Padding
 *   rows get a logit of −1e9 before the softmax, so they have probability 0
 *   and are never sampled nor chosen greedily (the JavaScript act path skips
 *   them outright).
 * - Critic: one network of the same shape gives a baseline b_n per candidate;
 *   the state's value is their mean over the valid candidates (eq. 5).
 * - Trained by PPO-clip (agents/ppo.ts) with the §IV-C/§V-B settings in
 *   `PPO_RANK_DEFAULTS`: one episode per update, γ = 1, advantage = return −
 *   baseline (λ = 1), 5 epochs, clip 0.2, AdamW lr 2e-4.
 *
 * The features are used as the environment gives them: FaaSRank-v0 already
 * scales every feature into [0, 1] or [−1, 1] (the paper's "normalizes the
 * state batch"). With the default sizes on FaaSRank-v0 (9 invoker + 12
 * function features = 21 inputs) the two networks hold 2 × (21·32 + 32 + 32·16
 * + 16 + 16 + 1) = 2498 parameters; the paper's 2818 corresponds to 26 inputs.
 *
 * ## What an environment exposes
 *
 * `candidateLayout: CandidateLayout` on the environment (or on any wrapper
 * around it: `make` adds wrappers, which are walked through `.env`), with the
 * observation space a Box whose flat size covers the layout and the action
 * space `Discrete(rows)`: action k picks row k. FaaSRank-v0's own
 * `layout: FaasrankLayout` (envs/faasrank/features.ts) is recognised as well
 * and translated (rows = maxInvokers, features = featuresPerInvoker, shared
 * features = the function part from functionOffset to the end).
 */
import { ConfigError, FaasgymError, quote } from '../src/core/errors.js';
import type { Rng } from '../src/core/rng.js';
import { CheckpointError, modelGroup, restoreModel, type LoadedCheckpoint } from '../src/nn/checkpoint.js';
import { DenseStack, Tape } from '../src/nn/dense.js';
import { mlp } from '../src/nn/mlp.js';
import { tf } from '../src/nn/tf.js';
import { Box } from '../src/spaces/box.js';
import { Discrete } from '../src/spaces/discrete.js';
import type { Space } from '../src/spaces/space.js';
import type { ActResult, FastEvaluation, PolicyKind, PpoPolicy, ResolvedPPOOptions } from './ppo-options.js';
import { categoricalGrad, logSoftmaxInto } from './ppo-fast.js';
import { categorical, DenseMirror, orthogonalInit } from './ppo-nets.js';

/** Where the candidate rows, their mask and the shared features lie in a flat observation. */
export interface CandidateLayout {
  /** Candidate rows (the padded maximum); action k picks row k. */
  rows: number;
  /** Features per row. */
  features: number;
  /** Offset of row 0; row k is at rowOffset + k·features … + features − 1. */
  rowOffset: number;
  /** Offset of the `rows` mask entries: > 0.5 a valid candidate, otherwise padding. */
  maskOffset: number;
  /** Offset of the features shared by every row (appended to each row's input). @default 0 with globalSize 0 */
  globalOffset?: number;
  /** Number of shared features. @default 0 */
  globalSize?: number;
}

/** The score-rank-select defaults: FaaSRank §IV-C and §V-B, the rest as noted (over `PPO_DEFAULTS`). */
export const PPO_RANK_DEFAULTS: Readonly<Partial<ResolvedPPOOptions>> = Object.freeze({
  /** §V-B: two networks of 32 and 16 tanh units. */
  hidden: [32, 16],
  activation: 'tanh',
  /** §V-B: AdamW, learning rate 0.0002. */
  learningRate: 2e-4,
  /** §V-B names AdamW without a decay; 0.01 and ε 1e-8 are PyTorch's AdamW defaults (the paper's agent is PyTorch). */
  weightDecay: 0.01,
  adamEps: 1e-8,
  /** §V-B: 5 epochs per surrogate optimisation, clip 0.2. */
  epochs: 5,
  clipCoef: 0.2,
  /** §IV-C: γ = 1; Algorithm 1: advantage = return − averaged baseline (GAE with λ = 1). */
  gamma: 1,
  gaeLambda: 1,
  /** §IV-C: the networks are updated after each training episode. */
  rolloutEpisodes: 1,
  /** Algorithm 1 eq. 7: the critic regresses on the squared error, unclipped; eq. 10 has no entropy term. */
  clipValueLoss: false,
  entCoef: 0,
}) as Readonly<Partial<ResolvedPPOOptions>>;

// ----------------------------------------------------------------------------
// Detection
// ----------------------------------------------------------------------------

type Full = Required<CandidateLayout>;

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null;
}

/** Normalise a `CandidateLayout` (fills the optional fields) or FaaSRank's `FaasrankLayout`; null when `x` is neither. */
function asLayout(x: unknown, faasrank: boolean): Full | null {
  if (!isObject(x)) return null;
  const ints = (...keys: string[]): boolean => keys.every((k) => Number.isSafeInteger(x[k]) && (x[k] as number) >= 0);
  if (!faasrank) {
    if (!ints('rows', 'features', 'rowOffset', 'maskOffset')) return null;
    const globalSize = (x.globalSize as number | undefined) ?? 0;
    const globalOffset = (x.globalOffset as number | undefined) ?? 0;
    if (!Number.isSafeInteger(globalSize) || globalSize < 0 || !Number.isSafeInteger(globalOffset) || globalOffset < 0) return null;
    return { rows: x.rows as number, features: x.features as number, rowOffset: x.rowOffset as number, maskOffset: x.maskOffset as number, globalOffset, globalSize };
  }
  if (!ints('maxInvokers', 'featuresPerInvoker', 'invokerOffset', 'maskOffset', 'functionOffset', 'size')) return null;
  return {
    rows: x.maxInvokers as number,
    features: x.featuresPerInvoker as number,
    rowOffset: x.invokerOffset as number,
    maskOffset: x.maskOffset as number,
    globalOffset: x.functionOffset as number,
    globalSize: (x.size as number) - (x.functionOffset as number),
  };
}

/**
 * The candidate layout an environment exposes (`candidateLayout`, or
 * FaaSRank-v0's `layout`), looked up on the environment and every wrapped
 * environment below it; null when there is none.
 */
export function candidateLayoutOf(env: unknown): Required<CandidateLayout> | null {
  let e: unknown = env;
  for (let depth = 0; depth < 64 && isObject(e); depth++) {
    if ('candidateLayout' in e) {
      const l = asLayout(e.candidateLayout, false);
      if (l) return l;
    }
    if ('layout' in e) {
      const l = asLayout(e.layout, true);
      if (l) return l;
    }
    e = e.env;
  }
  return null;
}

/** Why score-rank-select cannot run with `layout` on these spaces, or null. */
export function rankSupport(layout: CandidateLayout, observationSpace: Space<unknown>, actionSpace: Space<unknown>): string | null {
  const l = asLayout(layout, false);
  if (!l) return `score-rank-select: the candidate layout is malformed: ${quote(layout)}`;
  if (l.rows < 1 || l.features < 1) return `score-rank-select needs at least one row and one feature per row, got rows ${l.rows}, features ${l.features}`;
  if (!(observationSpace instanceof Box)) return `score-rank-select needs a Box observation space, got ${observationSpace.toString()}`;
  const size = observationSpace.size;
  const parts: [string, number, number][] = [['rows', l.rowOffset, l.rows * l.features], ['mask', l.maskOffset, l.rows], ['shared features', l.globalOffset, l.globalSize]];
  for (const [what, at, len] of parts) {
    if (at + len > size) return `score-rank-select: the layout's ${what} (offset ${at}, length ${len}) run past the observation (${size} numbers)`;
  }
  if (!(actionSpace instanceof Discrete) || actionSpace.n !== l.rows) return `score-rank-select needs the action space Discrete(${l.rows}) (one action per candidate row), got ${actionSpace.toString()}`;
  return null;
}

// ----------------------------------------------------------------------------
// The policy
// ----------------------------------------------------------------------------

export class RankPolicy implements PpoPolicy {
  readonly kind: PolicyKind = 'rank';
  readonly actionDim = 1;
  readonly layout: Readonly<Full>;
  /** Score network (actor): one candidate input → its score q_n. */
  readonly scorer: tf.Sequential;
  /** Baseline network (critic): one candidate input → its baseline b_n. */
  readonly baseline: tf.Sequential;
  readonly trainable: tf.Variable[];
  private readonly scoreStack: DenseStack;
  private readonly baselineStack: DenseStack;
  private scoreMirror: DenseMirror | null = null;
  private baselineMirror: DenseMirror | null = null;
  private readonly start: number;
  private readonly input: Float64Array;
  private readonly scores: Float64Array;
  private readonly valid: Int32Array;

  constructor(layout: CandidateLayout, readonly obsDim: number, actionSpace: Discrete, o: ResolvedPPOOptions, rng: Rng) {
    const full = asLayout(layout, false);
    if (!full) throw new ConfigError(`RankPolicy: malformed candidate layout ${quote(layout)}`);
    if (full.rowOffset + full.rows * full.features > obsDim || full.maskOffset + full.rows > obsDim || full.globalOffset + full.globalSize > obsDim) {
      throw new ConfigError(`RankPolicy: layout ${quote(full)} does not fit an observation of ${obsDim} numbers`);
    }
    if (!(actionSpace instanceof Discrete) || actionSpace.n !== full.rows) throw new ConfigError(`RankPolicy: the action space must be Discrete(${full.rows}), got ${quote(actionSpace?.toString())}`);
    this.layout = Object.freeze(full);
    this.start = actionSpace.start;
    const inputs = full.features + full.globalSize;
    this.scorer = mlp({ input: inputs, hidden: o.hidden, output: 1, activation: o.activation, name: 'ppo_rank_score' }, rng);
    this.baseline = mlp({ input: inputs, hidden: o.hidden, output: 1, activation: o.activation, name: 'ppo_rank_baseline' }, rng);
    if (o.orthoInit) {
      orthogonalInit(this.scorer, [...o.hidden.map(() => Math.SQRT2), 0.01], rng);
      orthogonalInit(this.baseline, [...o.hidden.map(() => Math.SQRT2), 1], rng);
    }
    this.scoreStack = DenseStack.fromModel(this.scorer);
    this.baselineStack = DenseStack.fromModel(this.baseline);
    this.trainable = [...this.scoreStack.variables, ...this.baselineStack.variables];
    this.input = new Float64Array(inputs);
    this.scores = new Float64Array(full.rows);
    this.valid = new Int32Array(full.rows);
  }

  /** Parameters of the two networks (the paper counts 2818 for its 26 inputs). */
  get parameterCount(): number {
    return this.trainable.reduce((a, v) => a + v.size, 0);
  }

  /** The valid rows of `obs`, written to `this.valid`; returns how many. */
  private validRows(obs: ArrayLike<number>): number {
    const { rows, maskOffset } = this.layout;
    let count = 0;
    for (let k = 0; k < rows; k++) if ((obs[maskOffset + k] as number) > 0.5) this.valid[count++] = k;
    if (count === 0) throw new FaasgymError(`score-rank-select: the observation's mask (offset ${maskOffset}) has no valid candidate`);
    return count;
  }

  /** Row k's network input (its features, then the shared ones) in `this.input`. */
  private rowInput(obs: ArrayLike<number>, k: number): Float64Array {
    const { features, rowOffset, globalOffset, globalSize } = this.layout;
    const x = this.input, at = rowOffset + k * features;
    for (let f = 0; f < features; f++) x[f] = obs[at + f] as number;
    for (let g = 0; g < globalSize; g++) x[features + g] = obs[globalOffset + g] as number;
    return x;
  }

  bind(theta: Float32Array): void {
    this.scoreMirror = DenseMirror.over(this.scoreStack, theta, 0);
    this.baselineMirror = DenseMirror.over(this.baselineStack, theta, this.scoreStack.size);
  }

  private mirrors(): [DenseMirror, DenseMirror] {
    if (!this.scoreMirror || !this.baselineMirror) throw new ConfigError('RankPolicy: bind(theta) the optimiser\'s parameters before acting');
    return [this.scoreMirror, this.baselineMirror];
  }

  act(obs: ArrayLike<number>, explore: boolean, rng: Rng): ActResult {
    const [scoreMirror, baselineMirror] = this.mirrors();
    const count = this.validRows(obs);
    let baseline = 0;
    for (let i = 0; i < count; i++) {
      const x = this.rowInput(obs, this.valid[i] as number);
      this.scores[i] = scoreMirror.forward(x)[0] as number;
      if (explore) baseline += baselineMirror.forward(x)[0] as number; // greedy acting needs no value
    }
    const { index, logProb } = categorical(this.scores, 0, count, explore, rng);
    const row = this.valid[index] as number;
    return { envAction: this.start + row, action: [row], logProb, value: baseline / count };
  }

  value(obs: ArrayLike<number>): number {
    const baselineMirror = this.mirrors()[1];
    const count = this.validRows(obs);
    let baseline = 0;
    for (let i = 0; i < count; i++) baseline += baselineMirror.forward(this.rowInput(obs, this.valid[i] as number))[0] as number;
    return baseline / count;
  }

  evaluate(obs: tf.Tensor2D, actions: tf.Tensor2D): { logProb: tf.Tensor1D; entropy: tf.Tensor1D; value: tf.Tensor1D } {
    const { rows, features, rowOffset, maskOffset, globalOffset, globalSize } = this.layout;
    const b = obs.shape[0];
    let input: tf.Tensor2D = obs.slice([0, rowOffset], [b, rows * features]).reshape([b * rows, features]);
    if (globalSize > 0) {
      const shared = obs.slice([0, globalOffset], [b, globalSize]).expandDims(1).tile([1, rows, 1]).reshape([b * rows, globalSize]);
      input = tf.concat([input, shared], 1) as tf.Tensor2D;
    }
    const mask = obs.slice([0, maskOffset], [b, rows]).greater(0.5).toFloat();
    const scores = (this.scorer.apply(input) as tf.Tensor).reshape([b, rows]);
    const logp = tf.logSoftmax(scores.add(mask.sub(1).mul(1e9)));
    const onehot = tf.oneHot(actions.reshape([-1]).toInt(), rows);
    const logProb = logp.mul(onehot).sum(1) as tf.Tensor1D;
    const entropy = logp.exp().mul(logp).mul(mask).sum(1).neg() as tf.Tensor1D;
    const baselines = (this.baseline.apply(input) as tf.Tensor).reshape([b, rows]);
    const value = baselines.mul(mask).sum(1).div(mask.sum(1).maximum(1)) as tf.Tensor1D;
    return { logProb, entropy, value };
  }

  /**
   * The fast path: every valid candidate row of the minibatch (its features
   * and the shared ones) through both networks in one `DenseStack` pass each;
   * per sample a softmax over its valid candidates' scores (masked rows have
   * probability 0, as the reference's −1e9 logits give them) and the mean
   * baseline over them.
   */
  fastEvaluate(obs: Float32Array, actions: Float32Array, m: number): FastEvaluation {
    const { rows, features, rowOffset, maskOffset, globalOffset, globalSize } = this.layout;
    const width = features + globalSize, D = this.obsDim;
    // Sample r's valid rows are candidates first[r] … first[r + 1] − 1; chosen[r] is its action's candidate.
    const first = new Int32Array(m + 1), chosen = new Int32Array(m);
    let total = 0;
    for (let r = 0; r < m; r++) {
      first[r] = total;
      const a = actions[r] as number;
      chosen[r] = -1;
      for (let k = 0; k < rows; k++) {
        if (!((obs[r * D + maskOffset + k] as number) > 0.5)) continue;
        if (k === a) chosen[r] = total - (first[r] as number);
        total++;
      }
      if (total === first[r]) throw new FaasgymError(`score-rank-select: minibatch sample ${r} has no valid candidate in its mask`);
      if (chosen[r] < 0) throw new FaasgymError(`score-rank-select: minibatch sample ${r} took row ${a}, which its mask marks invalid`);
    }
    first[m] = total;
    const x = new Float32Array(total * width);
    let at = 0;
    for (let r = 0; r < m; r++) {
      for (let k = 0; k < rows; k++) {
        if (!((obs[r * D + maskOffset + k] as number) > 0.5)) continue;
        x.set(obs.subarray(r * D + rowOffset + k * features, r * D + rowOffset + (k + 1) * features), at * width);
        if (globalSize > 0) x.set(obs.subarray(r * D + globalOffset, r * D + globalOffset + globalSize), at * width + features);
        at++;
      }
    }
    const scoreTape = new Tape(), baselineTape = new Tape();
    const dispose = (): void => {
      scoreTape.dispose();
      baselineTape.dispose();
    };
    let scores: Float32Array, baselines: Float32Array;
    try {
      scores = this.scoreStack.forward(x, total, { tape: scoreTape });
      baselines = this.baselineStack.forward(x, total, { tape: baselineTape });
    } catch (err) {
      dispose();
      throw err;
    }
    const logp = new Float64Array(total);
    const logProb = new Float64Array(m), entropy = new Float64Array(m), value = new Float64Array(m);
    for (let r = 0; r < m; r++) {
      const f = first[r] as number, n = (first[r + 1] as number) - f;
      entropy[r] = logSoftmaxInto(scores, f, n, logp);
      logProb[r] = logp[f + (chosen[r] as number)] as number;
      let b = 0;
      for (let i = 0; i < n; i++) b += baselines[f + i] as number;
      value[r] = b / n;
    }
    return {
      logProb, entropy, value, dispose,
      backward: (dLogProb, dEntropy, dValue, grad) => {
        const dScores = new Float32Array(total), dBaselines = new Float32Array(total);
        for (let r = 0; r < m; r++) {
          const f = first[r] as number, n = (first[r + 1] as number) - f;
          categoricalGrad(logp, f, n, chosen[r] as number, entropy[r] as number, dLogProb[r] as number, dEntropy[r] as number, dScores, f);
          dBaselines.fill((dValue[r] as number) / n, f, f + n);
        }
        try {
          this.scoreStack.backward(scoreTape, dScores, grad);
        } finally {
          this.baselineStack.backward(baselineTape, dBaselines, grad, null, this.scoreStack.size);
        }
      },
    };
  }

  groups(): Record<string, { name: string; tensor: tf.Tensor }[]> {
    return { scorer: modelGroup(this.scorer), baseline: modelGroup(this.baseline) };
  }

  restore(groups: LoadedCheckpoint['groups']): void {
    if (!groups.scorer || !groups.baseline) throw new CheckpointError('checkpoint has no score-rank-select networks (groups "scorer" and "baseline")');
    restoreModel(this.scorer, groups.scorer, 'scorer');
    restoreModel(this.baseline, groups.baseline, 'baseline');
  }

  describe(): Record<string, unknown> {
    return { kind: this.kind, obsDim: this.obsDim, layout: { ...this.layout } };
  }

  dispose(): void {
    this.scoreStack.dispose();
    this.baselineStack.dispose();
    this.scorer.dispose();
    this.baseline.dispose();
  }
}
