import { SpaceError, quote } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import { Space, asNumberList, type BoxDtype, type SpaceJSON } from './space.js';

export interface BoxOptions {
  /** Lower bound: a scalar (broadcast over `shape`) or one value per element; `-Infinity` allowed for float dtypes. */
  low: number | readonly number[];
  /** Upper bound, as `low`. */
  high: number | readonly number[];
  /** Shape; inferred from `low`/`high` arrays when omitted. Values are flat row-major arrays of `prod(shape)` numbers. */
  shape?: readonly number[];
  /** Element type. @default 'float32' (as Gymnasium) */
  dtype?: BoxDtype;
}

const INT_RANGE: Record<string, [number, number]> = {
  int32: [-2147483648, 2147483647],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  uint8: [0, 255],
};
const DTYPES: readonly BoxDtype[] = ['float32', 'float64', 'int32', 'int64', 'uint8'];

/**
 * A (possibly unbounded) box in R^n. Values are flat arrays (plain or typed) of
 * `size = prod(shape)` numbers in row-major order. float32 bounds are rounded
 * to float32 on construction, as Gymnasium casts them.
 */
export class Box extends Space<number[]> {
  readonly type = 'Box' as const;
  readonly low: readonly number[];
  readonly high: readonly number[];
  readonly shape: readonly number[];
  readonly dtype: BoxDtype;
  readonly size: number;

  constructor(options: BoxOptions) {
    super();
    if (typeof options !== 'object' || options === null) {
      throw new SpaceError(`Box expects an options object {low, high, shape?, dtype?}, got ${quote(options)}`);
    }
    const dtype = options.dtype ?? 'float32';
    if (!DTYPES.includes(dtype)) throw new SpaceError(`Box dtype must be one of ${DTYPES.join(', ')}, got ${quote(dtype)}`);
    this.dtype = dtype;
    const shape = options.shape ?? inferShape(options.low, options.high);
    if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
      throw new SpaceError(`Box shape must be an array of non-negative integers, got ${quote(shape)}`);
    }
    this.shape = Object.freeze([...shape]);
    this.size = shape.reduce((a, b) => a * b, 1);
    const low = broadcast('low', options.low, this.size, this.shape);
    const high = broadcast('high', options.high, this.size, this.shape);
    const isInt = dtype in INT_RANGE;
    for (let i = 0; i < this.size; i++) {
      let lo = low[i] as number, hi = high[i] as number;
      if (typeof lo !== 'number' || Number.isNaN(lo)) throw new SpaceError(`Box low[${i}] must be a number, got ${quote(lo)}`);
      if (typeof hi !== 'number' || Number.isNaN(hi)) throw new SpaceError(`Box high[${i}] must be a number, got ${quote(hi)}`);
      if (isInt) {
        const [min, max] = INT_RANGE[dtype] as [number, number];
        if (!Number.isInteger(lo) || lo < min || lo > max) throw new SpaceError(`Box low[${i}] must be an integer in the ${dtype} range, got ${quote(lo)}`);
        if (!Number.isInteger(hi) || hi < min || hi > max) throw new SpaceError(`Box high[${i}] must be an integer in the ${dtype} range, got ${quote(hi)}`);
      } else if (dtype === 'float32') {
        lo = Math.fround(lo);
        hi = Math.fround(hi);
      }
      if (lo === Infinity) throw new SpaceError(`Box low[${i}] must not be +inf, got ${quote(low[i])}`);
      if (hi === -Infinity) throw new SpaceError(`Box high[${i}] must not be -inf, got ${quote(high[i])}`);
      if (lo > hi) throw new SpaceError(`Box low[${i}] = ${quote(low[i])} is greater than high[${i}] = ${quote(high[i])}`);
      low[i] = lo;
      high[i] = hi;
    }
    this.low = Object.freeze(low);
    this.high = Object.freeze(high);
  }

  /** True when every element has finite lower and upper bounds. */
  isBounded(): boolean {
    return this.low.every(Number.isFinite) && this.high.every(Number.isFinite);
  }

  sample(rng: Rng): number[] {
    const out = new Array<number>(this.size);
    const isInt = this.dtype in INT_RANGE;
    for (let i = 0; i < this.size; i++) {
      const lo = this.low[i] as number, hi = this.high[i] as number;
      let v: number;
      if (isInt) v = lo === hi ? lo : rng.integer(lo, hi + 1);
      else if (Number.isFinite(lo) && Number.isFinite(hi)) v = rng.uniform(lo, hi);
      else if (Number.isFinite(lo)) v = lo + rng.exponential();
      else if (Number.isFinite(hi)) v = hi - rng.exponential();
      else v = rng.normal();
      if (this.dtype === 'float32') v = Math.min(Math.max(Math.fround(v), lo), hi);
      out[i] = v;
    }
    return out;
  }

  explain(x: unknown): string | null {
    const list = asNumberList(x);
    if (list === null) return `expected an array of ${this.size} numbers, got ${typeof x}`;
    if (list.length !== this.size) return `expected ${this.size} elements (shape [${this.shape.join(', ')}]), got ${list.length}`;
    const isInt = this.dtype in INT_RANGE;
    for (let i = 0; i < this.size; i++) {
      const v = list[i];
      if (typeof v !== 'number') return `element ${i} is ${quote(v)}, not a number`;
      if (Number.isNaN(v)) return `element ${i} is NaN`;
      if (isInt && !Number.isInteger(v)) return `element ${i} = ${quote(v)} is not an integer (dtype ${this.dtype})`;
      if (v < (this.low[i] as number) || v > (this.high[i] as number)) {
        return `element ${i} = ${quote(v)} is outside [${quote(this.low[i])}, ${quote(this.high[i])}]`;
      }
    }
    return null;
  }

  toJSON(): SpaceJSON {
    return {
      type: 'Box',
      low: this.low.map(encodeBound),
      high: this.high.map(encodeBound),
      shape: [...this.shape],
      dtype: this.dtype,
    };
  }
}

function encodeBound(v: number): number | 'inf' | '-inf' {
  return v === Infinity ? 'inf' : v === -Infinity ? '-inf' : v;
}

function inferShape(low: unknown, high: unknown): number[] {
  if (Array.isArray(low)) return [low.length];
  if (Array.isArray(high)) return [high.length];
  throw new SpaceError(`Box needs a shape when low and high are scalars, got low=${quote(low)} high=${quote(high)}`);
}

function broadcast(name: string, bound: unknown, size: number, shape: readonly number[]): number[] {
  if (typeof bound === 'number') return new Array<number>(size).fill(bound);
  if (!Array.isArray(bound)) throw new SpaceError(`Box ${name} must be a number or an array of numbers, got ${quote(bound)}`);
  if (bound.length !== size) {
    throw new SpaceError(`Box ${name} has ${bound.length} elements but shape [${shape.join(', ')}] needs ${size}: ${quote(bound)}`);
  }
  return [...(bound as number[])];
}
