/**
 * Running mean and variance, Gymnasium's `RunningMeanStd`: mean 0, variance 1
 * and count 1e-4 to start with, each observation folded in by the
 * parallel-variance formula of Chan et al. for a batch of one
 * (`update_mean_var_count_from_moments` with batch_var 0, batch_count 1).
 * The one implementation behind `NormalizeObservation` (per observation
 * element) and PPO's reward normalisation (of the discounted return).
 * `RunningStats` (below) is DQN's Welford variant without the prior.
 */

/** Fold `x` into `s` (in place): the population variance of everything seen, with Gymnasium's prior. */
export function updateMeanVar(s: { mean: number; var: number; count: number }, x: number): void {
  const count = s.count;
  const totCount = count + 1;
  const delta = x - s.mean;
  const m2 = s.var * count + (delta * delta * count) / totCount;
  s.mean = s.mean + delta / totCount;
  s.var = m2 / totCount;
  s.count = totCount;
}

/** Per-element running statistics of vectors of `dim` numbers. */
export class RunningMeanStd {
  mean: number[];
  var: number[];
  count: number;

  constructor(readonly dim: number, initialCount = 1e-4) {
    this.mean = new Array<number>(dim).fill(0);
    this.var = new Array<number>(dim).fill(1);
    this.count = initialCount;
  }

  /** Fold one vector in. */
  update(x: ArrayLike<number>): void {
    const count = this.count;
    const totCount = count + 1;
    for (let i = 0; i < this.dim; i++) {
      const mean = this.mean[i] as number;
      const delta = (x[i] as number) - mean;
      const m2 = (this.var[i] as number) * count + (delta * delta * count) / totCount;
      this.mean[i] = mean + delta / totCount;
      this.var[i] = m2 / totCount;
    }
    this.count = totCount;
  }
}

/**
 * Running mean and variance per element by Welford's update, starting from
 * nothing (count 0, no prior), with in-place normalisation of a batch of rows:
 * DQN's observation normaliser. Kept beside `RunningMeanStd` rather than
 * merged into it: the two agree in exact arithmetic but not in float64, so
 * merging would change DQN's trajectories under a seed.
 */
export class RunningStats {
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
