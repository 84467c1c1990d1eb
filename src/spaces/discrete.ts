import { SpaceError, quote } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import { Space, type SpaceJSON } from './space.js';

/** The integers {start, start + 1, ..., start + n − 1}. */
export class Discrete extends Space<number> {
  readonly type = 'Discrete' as const;

  /**
   * @param n number of elements (≥ 1)
   * @param start smallest element. @default 0
   */
  constructor(readonly n: number, readonly start = 0) {
    super();
    if (!Number.isSafeInteger(n) || n < 1) throw new SpaceError(`Discrete n must be a positive integer, got ${quote(n)}`);
    if (!Number.isSafeInteger(start)) throw new SpaceError(`Discrete start must be an integer, got ${quote(start)}`);
  }

  sample(rng: Rng): number {
    return rng.integer(this.start, this.start + this.n);
  }

  explain(x: unknown): string | null {
    if (typeof x !== 'number') return `expected an integer, got ${typeof x}`;
    if (!Number.isInteger(x)) return `${quote(x)} is not an integer`;
    if (x < this.start || x >= this.start + this.n) return `${quote(x)} is outside [${this.start}, ${this.start + this.n - 1}]`;
    return null;
  }

  toJSON(): SpaceJSON {
    return { type: 'Discrete', n: this.n, start: this.start };
  }
}
