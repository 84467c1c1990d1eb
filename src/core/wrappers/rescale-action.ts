import { ConfigError, quote } from '../errors.js';
import type { Env, StepResult } from '../env.js';
import { Box } from '../../spaces/box.js';
import type { Space } from '../../spaces/space.js';
import { Wrapper } from './wrapper.js';
import { requireFloatBoxActions } from './clip-action.js';

/**
 * Affinely rescales actions from `[minAction, maxAction]` to the wrapped env's
 * Box `[low, high]` (Gymnasium's RescaleAction): `minAction` maps to `low`,
 * `maxAction` to `high`, the midpoint to the midpoint, exactly. The exposed
 * action space is `Box(minAction, maxAction)` with the inner shape and dtype;
 * actions outside it throw `InvalidActionError`. Results are clipped into
 * `[low, high]` against rounding.
 *
 * The wrapped action space must be a bounded float Box (`ConfigError` otherwise).
 */
export class RescaleAction<O> extends Wrapper<O, number[], O, number[]> {
  private readonly inner: Box;
  private readonly outer: Box;

  /**
   * @param env environment with a bounded float Box action space
   * @param minAction lower end of the new action range: a scalar (broadcast) or one finite value per element
   * @param maxAction upper end, as `minAction`; must be greater than `minAction` element-wise
   */
  constructor(env: Env<O, number[]>, minAction: number | readonly number[], maxAction: number | readonly number[]) {
    super(env);
    const inner = requireFloatBoxActions(env as Env<unknown, unknown>, 'RescaleAction');
    if (!inner.isBounded()) {
      throw new ConfigError(`RescaleAction needs a bounded Box action space, got low=${quote(inner.low)} high=${quote(inner.high)}`);
    }
    const min = expand('minAction', minAction, inner.size);
    const max = expand('maxAction', maxAction, inner.size);
    for (let i = 0; i < inner.size; i++) {
      if (!((min[i] as number) < (max[i] as number))) {
        throw new ConfigError(`RescaleAction needs minAction < maxAction, but element ${i} has min ${quote(min[i])} and max ${quote(max[i])}`);
      }
    }
    this.inner = inner;
    this.outer = new Box({ low: min, high: max, shape: inner.shape, dtype: inner.dtype });
    for (let i = 0; i < inner.size; i++) {
      const lo = this.outer.low[i] as number, hi = this.outer.high[i] as number;
      if (!(lo < hi) || !Number.isFinite(hi - lo)) {
        throw new ConfigError(`RescaleAction: minAction ${quote(min[i])} and maxAction ${quote(max[i])} (element ${i}) do not give a finite, non-empty ${inner.dtype} range`);
      }
    }
  }

  override get actionSpace(): Space<number[]> {
    return this.outer;
  }

  override async step(action: number[]): Promise<StepResult<O>> {
    this.outer.assertContains(action);
    const { low, high } = this.inner;
    const out = new Array<number>(this.inner.size);
    for (let i = 0; i < out.length; i++) {
      const lo = low[i] as number, hi = high[i] as number;
      const min = this.outer.low[i] as number, max = this.outer.high[i] as number;
      const t = ((action[i] as number) - min) / (max - min);
      // Two-term interpolation: exact at t = 0, t = 1 and (barring subnormals) t = 0.5.
      const v = lo * (1 - t) + hi * t;
      out[i] = Math.min(Math.max(v, lo), hi);
    }
    return this.env.step(out);
  }
}

function expand(name: string, value: number | readonly number[], size: number): number[] {
  const list = typeof value === 'number' ? new Array<number>(size).fill(value) : Array.isArray(value) ? [...(value as number[])] : null;
  if (list === null) throw new ConfigError(`RescaleAction ${name} must be a number or an array of numbers, got ${quote(value)}`);
  if (list.length !== size) throw new ConfigError(`RescaleAction ${name} must have ${size} elements (the action size), got ${quote(value)}`);
  list.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new ConfigError(`RescaleAction ${name}[${i}] must be a finite number, got ${quote(v)}`);
    }
  });
  return list;
}
