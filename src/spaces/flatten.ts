import { SpaceError, quote } from '../core/errors.js';
import { Box } from './box.js';
import { Dict, Tuple } from './composite.js';
import { Discrete } from './discrete.js';
import { MultiBinary } from './multi-binary.js';
import { MultiDiscrete } from './multi-discrete.js';
import type { Space } from './space.js';

/**
 * Flattening, with Gymnasium's conventions: Box → its elements; Discrete →
 * one-hot; MultiDiscrete → concatenated one-hots; MultiBinary → as is;
 * Dict/Tuple → concatenation of their parts in key/index order.
 */
export function flatdim(space: Space<unknown>): number {
  if (space instanceof Box) return space.size;
  if (space instanceof Discrete) return space.n;
  if (space instanceof MultiDiscrete) return space.nvec.reduce((a, b) => a + b, 0);
  if (space instanceof MultiBinary) return space.n;
  if (space instanceof Dict) return space.keys.reduce((a, k) => a + flatdim(space.spaces[k] as Space<unknown>), 0);
  if (space instanceof Tuple) return space.spaces.reduce((a, s) => a + flatdim(s), 0);
  throw new SpaceError(`cannot flatten space ${quote(space)}`);
}

/** Flatten an element of `space` into a number array of length `flatdim(space)`. */
export function flatten(space: Space<unknown>, x: unknown): number[] {
  const out: number[] = [];
  flattenInto(space, x, out);
  return out;
}

function flattenInto(space: Space<unknown>, x: unknown, out: number[]): void {
  if (space instanceof Box || space instanceof MultiBinary) {
    const list = x as ArrayLike<number>;
    for (let i = 0; i < list.length; i++) out.push(list[i] as number);
  } else if (space instanceof Discrete) {
    const base = out.length;
    for (let i = 0; i < space.n; i++) out.push(0);
    out[base + (x as number) - space.start] = 1;
  } else if (space instanceof MultiDiscrete) {
    const list = x as ArrayLike<number>;
    space.nvec.forEach((n, i) => {
      const base = out.length;
      for (let k = 0; k < n; k++) out.push(0);
      out[base + (list[i] as number) - (space.start[i] as number)] = 1;
    });
  } else if (space instanceof Dict) {
    for (const key of space.keys) flattenInto(space.spaces[key] as Space<unknown>, (x as Record<string, unknown>)[key], out);
  } else if (space instanceof Tuple) {
    space.spaces.forEach((s, i) => flattenInto(s, (x as unknown[])[i], out));
  } else {
    throw new SpaceError(`cannot flatten space ${quote(space)}`);
  }
}

/** Inverse of `flatten` (one-hot parts decode by argmax). */
export function unflatten(space: Space<unknown>, flat: ArrayLike<number>): unknown {
  const [value, used] = unflattenAt(space, flat, 0);
  if (used !== flat.length) throw new SpaceError(`unflatten: expected ${used} numbers for ${space.toString()}, got ${flat.length}`);
  return value;
}

function argmax(flat: ArrayLike<number>, from: number, n: number): number {
  let best = 0;
  for (let i = 1; i < n; i++) if ((flat[from + i] as number) > (flat[from + best] as number)) best = i;
  return best;
}

function unflattenAt(space: Space<unknown>, flat: ArrayLike<number>, at: number): [unknown, number] {
  if (space instanceof Box || space instanceof MultiBinary) {
    const n = flatdim(space);
    return [Array.from({ length: n }, (_, i) => flat[at + i] as number), at + n];
  }
  if (space instanceof Discrete) return [space.start + argmax(flat, at, space.n), at + space.n];
  if (space instanceof MultiDiscrete) {
    const values: number[] = [];
    let pos = at;
    space.nvec.forEach((n, i) => {
      values.push((space.start[i] as number) + argmax(flat, pos, n));
      pos += n;
    });
    return [values, pos];
  }
  if (space instanceof Dict) {
    const out: Record<string, unknown> = {};
    let pos = at;
    for (const key of space.keys) [out[key], pos] = unflattenAt(space.spaces[key] as Space<unknown>, flat, pos);
    return [out, pos];
  }
  if (space instanceof Tuple) {
    const out: unknown[] = [];
    let pos = at;
    for (const s of space.spaces) {
      let v: unknown;
      [v, pos] = unflattenAt(s, flat, pos);
      out.push(v);
    }
    return [out, pos];
  }
  throw new SpaceError(`cannot unflatten space ${quote(space)}`);
}

/** The Box that `flatten` maps `space` into. float64 if any part is float64, else float32. */
export function flattenSpace(space: Space<unknown>): Box {
  const low: number[] = [];
  const high: number[] = [];
  let wide = false;
  const walk = (s: Space<unknown>): void => {
    if (s instanceof Box) {
      low.push(...s.low);
      high.push(...s.high);
      if (s.dtype === 'float64' || s.dtype === 'int64' || s.dtype === 'int32') wide = true;
    } else if (s instanceof Dict) for (const key of s.keys) walk(s.spaces[key] as Space<unknown>);
    else if (s instanceof Tuple) s.spaces.forEach(walk);
    else {
      const n = flatdim(s);
      for (let i = 0; i < n; i++) {
        low.push(0);
        high.push(1);
      }
    }
  };
  walk(space);
  return new Box({ low, high, shape: [low.length], dtype: wide ? 'float64' : 'float32' });
}
