/**
 * Running mean and variance, Gymnasium's `RunningMeanStd`: mean 0, variance 1
 * and count 1e-4 to start with, each observation folded in by the
 * parallel-variance formula of Chan et al. for a batch of one
 * (`update_mean_var_count_from_moments` with batch_var 0, batch_count 1).
 * The one implementation behind `NormalizeObservation` (per observation
 * element) and PPO's reward normalisation (of the discounted return).
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
