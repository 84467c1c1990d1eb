/**
 * PPO's fast path outside the graph: the clipped-surrogate loss of a
 * minibatch and its derivatives with respect to each sample's log-probability,
 * entropy and value (what agents/ppo.ts's reference path gets from tfjs
 * autodiff), and the categorical log-softmax, entropy and their derivatives
 * that both policies' heads need. The policies (agents/ppo-mlp.ts,
 * agents/ppo-rank.ts) take these per-sample derivatives back through their
 * `DenseStack`s (src/nn/dense.ts) into the flat gradient `FlatAdam` steps.
 *
 * Ties follow tfjs's gradients, so both paths pick the same branch:
 * `maximum(a, b)` sends the gradient to `a` when a ≥ b, `clipByValue` passes
 * it inside [lo, hi] inclusive.
 */

/** One minibatch as PPO's update assembles it (row-major; advantages already normalised when asked). */
export interface Minibatch {
  obs: Float32Array;
  act: Float32Array;
  /** Log-probabilities of the actions when they were taken. */
  logp: Float32Array;
  /** Values when the actions were taken. */
  values: Float32Array;
  adv: Float32Array;
  ret: Float32Array;
}

export interface SurrogateCoefficients {
  clipValueLoss: boolean;
  entCoef: number;
  vfCoef: number;
}

/** [policy loss, value loss, entropy, approx KL, clip fraction] of one minibatch. */
export type MinibatchStats = [number, number, number, number, number];

export interface Surrogate {
  /** pg − entCoef · entropy + vfCoef · value loss. */
  loss: number;
  stats: MinibatchStats;
  dLogProb: Float64Array;
  dEntropy: Float64Array;
  dValue: Float64Array;
}

/**
 * CleanRL's loss for `m` samples: pg = mean max(−A·r, −A·clip(r, 1 ± ε)),
 * r = exp(logπ − logπ_old); value loss ½ mean (V − R)², or with
 * `clipValueLoss` ½ mean max((V − R)², (V_old + clip(V − V_old, ±ε) − R)²);
 * entropy bonus; approx KL mean (r − 1 − log r); clip fraction mean(|r − 1| > ε).
 */
export function surrogate(ev: { logProb: ArrayLike<number>; entropy: ArrayLike<number>; value: ArrayLike<number> }, mb: Minibatch, m: number, clip: number, o: SurrogateCoefficients): Surrogate {
  const dLogProb = new Float64Array(m), dEntropy = new Float64Array(m), dValue = new Float64Array(m);
  const inv = 1 / m, lo = 1 - clip, hi = 1 + clip;
  let pg = 0, vl = 0, ent = 0, kl = 0, clipped = 0;
  for (let i = 0; i < m; i++) {
    const logRatio = (ev.logProb[i] as number) - (mb.logp[i] as number);
    const ratio = Math.exp(logRatio);
    const a = mb.adv[i] as number;
    const inRange = ratio >= lo && ratio <= hi;
    const unclippedTerm = -a * ratio, clippedTerm = -a * (ratio < lo ? lo : ratio > hi ? hi : ratio);
    const first = unclippedTerm >= clippedTerm;
    pg += first ? unclippedTerm : clippedTerm;
    dLogProb[i] = (first || inRange ? -a * ratio : 0) * inv;
    const v = ev.value[i] as number, r = mb.ret[i] as number;
    if (o.clipValueLoss) {
      const old = mb.values[i] as number, d = v - old;
      const vc = old + (d < -clip ? -clip : d > clip ? clip : d);
      const e1 = (v - r) ** 2, e2 = (vc - r) ** 2;
      vl += e1 >= e2 ? e1 : e2;
      dValue[i] = o.vfCoef * inv * (e1 >= e2 ? v - r : d >= -clip && d <= clip ? vc - r : 0);
    } else {
      vl += (v - r) ** 2;
      dValue[i] = o.vfCoef * inv * (v - r);
    }
    ent += ev.entropy[i] as number;
    dEntropy[i] = -o.entCoef * inv;
    kl += ratio - 1 - logRatio;
    if (Math.abs(ratio - 1) > clip) clipped++;
  }
  const stats: MinibatchStats = [pg * inv, 0.5 * vl * inv, ent * inv, kl * inv, clipped * inv];
  return { loss: stats[0] - o.entCoef * stats[2] + o.vfCoef * stats[1], stats, dLogProb, dEntropy, dValue };
}

/** log-softmax of `src[at … at + n − 1]` into `logp[at …]`; returns the entropy −Σ p log p. */
export function logSoftmaxInto(src: ArrayLike<number>, at: number, n: number, logp: Float64Array): number {
  let max = -Infinity;
  for (let j = 0; j < n; j++) max = Math.max(max, src[at + j] as number);
  let sum = 0;
  for (let j = 0; j < n; j++) sum += Math.exp((src[at + j] as number) - max);
  const lse = max + Math.log(sum);
  let h = 0;
  for (let j = 0; j < n; j++) {
    const l = (src[at + j] as number) - lse;
    logp[at + j] = l;
    h -= Math.exp(l) * l;
  }
  return h;
}

/**
 * ∂/∂logitⱼ of gLp · log pₐ + gEnt · H for the categorical with log-probabilities
 * `logp[at …]` and entropy `h`: gLp · (1[j = a] − pⱼ) − gEnt · pⱼ · (log pⱼ + H),
 * written to `d[dAt + j]`.
 */
export function categoricalGrad(logp: Float64Array, at: number, n: number, a: number, h: number, gLp: number, gEnt: number, d: Float32Array, dAt: number): void {
  for (let j = 0; j < n; j++) {
    const l = logp[at + j] as number, p = Math.exp(l);
    d[dAt + j] = gLp * ((j === a ? 1 : 0) - p) - gEnt * p * (l + h);
  }
}
