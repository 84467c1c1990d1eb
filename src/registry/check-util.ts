import { Rng } from '../core/rng.js';
import { Box } from '../spaces/box.js';
import { Dict, Tuple } from '../spaces/composite.js';
import { Discrete } from '../spaces/discrete.js';
import { MultiBinary } from '../spaces/multi-binary.js';
import { MultiDiscrete } from '../spaces/multi-discrete.js';
import type { Space } from '../spaces/space.js';

/** A value certainly outside `space` (of the right general form, so it tests the bounds check, not just the type check). */
export function outsideValue(space: Space<unknown>): unknown {
  if (space instanceof Box) return new Array<number>(space.size).fill(Number.NaN);
  if (space instanceof Discrete) return space.start + space.n;
  if (space instanceof MultiDiscrete) return space.nvec.map((n, i) => (space.start[i] as number) + n);
  if (space instanceof MultiBinary) return new Array<number>(space.n).fill(2);
  if (space instanceof Dict) {
    const first = space.keys[0];
    if (first === undefined) return { unexpected: 1 };
    return { ...space.sample(new Rng(0)), [first]: outsideValue(space.spaces[first] as Space<unknown>) };
  }
  if (space instanceof Tuple) return space.spaces.length === 0 ? [0] : space.spaces.map(outsideValue);
  return Symbol('outside');
}

/** Structural equality with `Object.is` on numbers (NaN equals NaN, 0 and -0 differ), over arrays, typed arrays and plain objects. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const la = ArrayBuffer.isView(a) ? Array.from(a as unknown as ArrayLike<unknown>) : a;
  const lb = ArrayBuffer.isView(b) ? Array.from(b as unknown as ArrayLike<unknown>) : b;
  if (Array.isArray(la) !== Array.isArray(lb)) return false;
  if (Array.isArray(la) && Array.isArray(lb)) {
    return la.length === lb.length && la.every((v, i) => deepEqual(v, lb[i]));
  }
  const ka = Object.keys(la as object), kb = Object.keys(lb as object);
  return ka.length === kb.length && ka.every((k) => k in (lb as object) && deepEqual((la as Record<string, unknown>)[k], (lb as Record<string, unknown>)[k]));
}

export function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
