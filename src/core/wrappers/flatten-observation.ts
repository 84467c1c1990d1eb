import { ConfigError, quote } from '../errors.js';
import type { Env, ResetOptions, ResetResult, StepResult } from '../env.js';
import type { Box } from '../../spaces/box.js';
import { flatten, flattenSpace } from '../../spaces/flatten.js';
import { isSpace, type Space } from '../../spaces/space.js';
import { Wrapper } from './wrapper.js';

/**
 * Flattens observations into one number array (Gymnasium's FlattenObservation),
 * with `flatten` from the spaces module: Box elements as they are, Discrete and
 * MultiDiscrete as one-hots, Dict and Tuple parts concatenated in key/index
 * order. The observation space becomes `flattenSpace(inner)`.
 */
export class FlattenObservation<O, A> extends Wrapper<number[], A, O, A> {
  private readonly inner: Space<O>;
  private readonly outer: Box;

  constructor(env: Env<O, A>) {
    super(env);
    const space: unknown = env?.observationSpace;
    if (!isSpace(space)) throw new ConfigError(`FlattenObservation needs an environment with an observation space, got ${quote(space)}`);
    this.inner = space as Space<O>;
    try {
      this.outer = flattenSpace(this.inner);
    } catch (err) {
      throw new ConfigError(`FlattenObservation cannot flatten ${quote(this.inner.type)} observation space: ${(err as Error).message}`, { cause: err });
    }
  }

  override get observationSpace(): Space<number[]> {
    return this.outer;
  }

  override async reset(opts?: ResetOptions): Promise<ResetResult<number[]>> {
    const result = await this.env.reset(opts);
    return { ...result, obs: flatten(this.inner, result.obs) };
  }

  override async step(action: A): Promise<StepResult<number[]>> {
    const result = await this.env.step(action);
    return { ...result, obs: flatten(this.inner, result.obs) };
  }
}
