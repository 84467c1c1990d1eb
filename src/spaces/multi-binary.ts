import { SpaceError, quote } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import { Space, asNumberList, type SpaceJSON } from './space.js';

/** Binary vectors of length n: arrays of 0 and 1. */
export class MultiBinary extends Space<number[]> {
  readonly type = 'MultiBinary' as const;

  constructor(readonly n: number) {
    super();
    if (!Number.isSafeInteger(n) || n < 1) throw new SpaceError(`MultiBinary n must be a positive integer, got ${quote(n)}`);
  }

  sample(rng: Rng): number[] {
    const out = new Array<number>(this.n);
    for (let i = 0; i < this.n; i++) out[i] = rng.nextUint32() >>> 31;
    return out;
  }

  explain(x: unknown): string | null {
    const list = asNumberList(x);
    if (list === null) return `expected an array of ${this.n} zeros and ones, got ${typeof x}`;
    if (list.length !== this.n) return `expected ${this.n} elements, got ${list.length}`;
    for (let i = 0; i < list.length; i++) {
      if (list[i] !== 0 && list[i] !== 1) return `element ${i} is ${quote(list[i])}, not 0 or 1`;
    }
    return null;
  }

  toJSON(): SpaceJSON {
    return { type: 'MultiBinary', n: this.n };
  }
}
