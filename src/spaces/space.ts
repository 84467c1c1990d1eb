import { InvalidActionError, quote } from '../core/errors.js';
import type { Rng } from '../core/rng.js';

/** JSON form of a space, as sent over the bridge (see docs/bridge-protocol.md). */
export type SpaceJSON =
  | { type: 'Box'; low: (number | 'inf' | '-inf')[]; high: (number | 'inf' | '-inf')[]; shape: number[]; dtype: BoxDtype }
  | { type: 'Discrete'; n: number; start: number }
  | { type: 'MultiDiscrete'; nvec: number[]; start?: number[] }
  | { type: 'MultiBinary'; n: number }
  | { type: 'Dict'; spaces: Record<string, SpaceJSON> }
  | { type: 'Tuple'; spaces: SpaceJSON[] };

export type BoxDtype = 'float32' | 'float64' | 'int32' | 'int64' | 'uint8';

/**
 * A set of valid values (observations or actions), as in Gymnasium.
 *
 * Subclasses implement `explain(x)`, which says why `x` is not an element (or
 * returns `null` when it is); `contains` and `assertContains` derive from it so
 * the check and its error message can never disagree.
 */
export abstract class Space<T = unknown> {
  abstract readonly type: SpaceJSON['type'];

  /** A uniformly drawn element (Box: per Gymnasium's bounded/unbounded rules). */
  abstract sample(rng: Rng): T;

  /** `null` when `x` is an element, otherwise a short reason. */
  abstract explain(x: unknown): string | null;

  /** The JSON form; `spaceFromJSON(space.toJSON())` equals `space`. */
  abstract toJSON(): SpaceJSON;

  contains(x: unknown): x is T {
    return this.explain(x) === null;
  }

  /** Throws `InvalidActionError` naming the space and the value when `x` is not an element. */
  assertContains(x: unknown, what = 'action'): asserts x is T {
    const why = this.explain(x);
    if (why !== null) {
      throw new InvalidActionError(`${what} ${quote(x)} is not in ${this.toString()}: ${why}`);
    }
  }

  equals(other: Space<unknown>): boolean {
    return JSON.stringify(this.toJSON()) === JSON.stringify(other.toJSON());
  }

  toString(): string {
    return JSON.stringify(this.toJSON());
  }
}

/** The value type of a space. */
export type SpaceValue<S> = S extends Space<infer T> ? T : never;

export function isSpace(x: unknown): x is Space<unknown> {
  return x instanceof Space;
}

/** Array-like check shared by the array-valued spaces (plain arrays and typed arrays). */
export function asNumberList(x: unknown): ArrayLike<unknown> | null {
  if (Array.isArray(x)) return x;
  if (ArrayBuffer.isView(x) && !(x instanceof DataView)) return x as unknown as ArrayLike<unknown>;
  return null;
}
