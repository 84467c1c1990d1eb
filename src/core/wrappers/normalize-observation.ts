import { ConfigError, quote } from '../errors.js';
import type { Env, ResetOptions, ResetResult, StepResult } from '../env.js';
import { RunningMeanStd } from '../running-mean-std.js';
import { Box } from '../../spaces/box.js';
import type { Space } from '../../spaces/space.js';
import { Wrapper } from './wrapper.js';

export interface NormalizeObservationOptions {
  /** Added to the running variance before the square root, against division by zero. @default 1e-8 */
  epsilon?: number;
}

/** Running statistics of `NormalizeObservation`, for checkpoints. */
export interface RunningMeanStdState {
  /** Per-element running mean. */
  mean: number[];
  /** Per-element running (population) variance. */
  var: number[];
  /** Number of observations seen, plus the initial 1e-4. */
  count: number;
}

/**
 * Normalises Box observations to roughly zero mean and unit variance with a
 * running estimate (Gymnasium's NormalizeObservation and RunningMeanStd: mean 0,
 * variance 1 and count 1e-4 initially, updated with every observation of
 * `reset` and `step` by the parallel-variance formula for a batch of one). The
 * observation returned is `(obs − mean) / sqrt(var + epsilon)`, rounded to
 * float32 as Gymnasium does; the observation space becomes `Box(-inf, inf)` of
 * the same shape, dtype float32.
 *
 * Set `updateRunningMean = false` to freeze the statistics (evaluation), and
 * use `getState`/`setState` to save and restore them.
 */
export class NormalizeObservation<A> extends Wrapper<number[], A, number[], A> {
  /** Whether observations update the running statistics. @default true */
  updateRunningMean = true;
  readonly epsilon: number;
  private readonly outer: Box;
  private readonly stats: RunningMeanStd;

  constructor(env: Env<number[], A>, options: NormalizeObservationOptions = {}) {
    super(env);
    const space: unknown = env?.observationSpace;
    if (!(space instanceof Box)) {
      const got = typeof space === 'object' && space !== null && 'type' in space ? (space as { type: unknown }).type : space;
      throw new ConfigError(`NormalizeObservation needs an environment with a Box observation space, got ${quote(got)}`);
    }
    if (typeof options !== 'object' || options === null) throw new ConfigError(`NormalizeObservation options must be an object, got ${quote(options)}`);
    const epsilon = options.epsilon ?? 1e-8;
    if (typeof epsilon !== 'number' || !Number.isFinite(epsilon) || epsilon < 0) {
      throw new ConfigError(`NormalizeObservation epsilon must be a finite number >= 0, got ${quote(epsilon)}`);
    }
    this.epsilon = epsilon;
    this.outer = new Box({ low: -Infinity, high: Infinity, shape: space.shape, dtype: 'float32' });
    this.stats = new RunningMeanStd(space.size);
  }

  override get observationSpace(): Space<number[]> {
    return this.outer;
  }

  override async reset(opts?: ResetOptions): Promise<ResetResult<number[]>> {
    const result = await this.env.reset(opts);
    return { ...result, obs: this.observation(result.obs) };
  }

  override async step(action: A): Promise<StepResult<number[]>> {
    const result = await this.env.step(action);
    return { ...result, obs: this.observation(result.obs) };
  }

  /** A copy of the running statistics. */
  getState(): RunningMeanStdState {
    return { mean: [...this.stats.mean], var: [...this.stats.var], count: this.stats.count };
  }

  /** Restore statistics from `getState()`. */
  setState(state: RunningMeanStdState): void {
    const n = this.stats.dim;
    const ok = (xs: unknown, positive: boolean): boolean =>
      Array.isArray(xs) && xs.length === n && xs.every((v) => typeof v === 'number' && Number.isFinite(v) && (!positive || v >= 0));
    if (typeof state !== 'object' || state === null || !ok(state.mean, false) || !ok(state.var, true)) {
      throw new ConfigError(`NormalizeObservation state needs mean and var arrays of ${n} finite numbers (var >= 0), got ${quote(state)}`);
    }
    if (typeof state.count !== 'number' || !Number.isFinite(state.count) || !(state.count > 0)) {
      throw new ConfigError(`NormalizeObservation state count must be a finite number > 0, got ${quote(state.count)}`);
    }
    this.stats.mean = [...state.mean];
    this.stats.var = [...state.var];
    this.stats.count = state.count;
  }

  private observation(obs: number[]): number[] {
    const n = this.stats.dim;
    if (this.updateRunningMean) this.stats.update(obs);
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      out[i] = Math.fround(((obs[i] as number) - (this.stats.mean[i] as number)) / Math.sqrt((this.stats.var[i] as number) + this.epsilon));
    }
    return out;
  }
}
