import { ConfigError, quote } from '../errors.js';
import type { Env, StepResult } from '../env.js';
import { Box } from '../../spaces/box.js';
import type { Space } from '../../spaces/space.js';
import { Wrapper } from './wrapper.js';

/** The inner env's action space as a float Box, or a `ConfigError` naming the wrapper that needs it. */
export function requireFloatBoxActions(env: Env<unknown, unknown>, wrapper: string): Box {
  const space: unknown = env?.actionSpace;
  if (!(space instanceof Box)) {
    const got = typeof space === 'object' && space !== null && 'type' in space ? (space as { type: unknown }).type : space;
    throw new ConfigError(`${wrapper} needs an environment with a Box action space, got ${quote(got)}`);
  }
  if (space.dtype !== 'float32' && space.dtype !== 'float64') {
    throw new ConfigError(`${wrapper} needs a float32 or float64 Box action space, got dtype ${quote(space.dtype)}`);
  }
  return space;
}

/**
 * Clips every action element into the wrapped env's Box bounds before passing
 * it on (Gymnasium's ClipAction). The exposed action space is `Box(-inf, inf)`
 * of the same shape, dtype float32, so an agent may emit any finite or infinite
 * number; NaN and wrong-length actions still throw `InvalidActionError`.
 *
 * The wrapped action space must be a float Box (`ConfigError` otherwise).
 */
export class ClipAction<O> extends Wrapper<O, number[], O, number[]> {
  private readonly inner: Box;
  private readonly outer: Box;

  constructor(env: Env<O, number[]>) {
    super(env);
    this.inner = requireFloatBoxActions(env as Env<unknown, unknown>, 'ClipAction');
    this.outer = new Box({ low: -Infinity, high: Infinity, shape: this.inner.shape, dtype: 'float32' });
  }

  override get actionSpace(): Space<number[]> {
    return this.outer;
  }

  override async step(action: number[]): Promise<StepResult<O>> {
    this.outer.assertContains(action);
    const { low, high } = this.inner;
    const clipped = new Array<number>(this.inner.size);
    for (let i = 0; i < clipped.length; i++) {
      clipped[i] = Math.min(Math.max(action[i] as number, low[i] as number), high[i] as number);
    }
    return this.env.step(clipped);
  }
}
