import { SpaceError, quote } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import { Space, asNumberList, type SpaceJSON } from './space.js';

/** A vector of independent discrete choices: element i is in [start[i], start[i] + nvec[i]). */
export class MultiDiscrete extends Space<number[]> {
  readonly type = 'MultiDiscrete' as const;
  readonly nvec: readonly number[];
  readonly start: readonly number[];

  /**
   * @param nvec number of choices per element (each ≥ 1)
   * @param start smallest value per element. @default all zeros
   */
  constructor(nvec: readonly number[], start?: readonly number[]) {
    super();
    if (!Array.isArray(nvec) || nvec.length === 0 || nvec.some((n) => !Number.isSafeInteger(n) || n < 1)) {
      throw new SpaceError(`MultiDiscrete nvec must be a non-empty array of positive integers, got ${quote(nvec)}`);
    }
    const s = start ?? nvec.map(() => 0);
    if (!Array.isArray(s) || s.length !== nvec.length || s.some((v) => !Number.isSafeInteger(v))) {
      throw new SpaceError(`MultiDiscrete start must be ${nvec.length} integers, got ${quote(start)}`);
    }
    this.nvec = Object.freeze([...nvec]);
    this.start = Object.freeze([...s]);
  }

  sample(rng: Rng): number[] {
    return this.nvec.map((n, i) => rng.integer(this.start[i] as number, (this.start[i] as number) + n));
  }

  explain(x: unknown): string | null {
    const list = asNumberList(x);
    if (list === null) return `expected an array of ${this.nvec.length} integers, got ${typeof x}`;
    if (list.length !== this.nvec.length) return `expected ${this.nvec.length} elements, got ${list.length}`;
    for (let i = 0; i < list.length; i++) {
      const v = list[i];
      const lo = this.start[i] as number, hi = lo + (this.nvec[i] as number) - 1;
      if (typeof v !== 'number' || !Number.isInteger(v)) return `element ${i} is ${quote(v)}, not an integer`;
      if (v < lo || v > hi) return `element ${i} = ${v} is outside [${lo}, ${hi}]`;
    }
    return null;
  }

  toJSON(): SpaceJSON {
    const json: SpaceJSON = { type: 'MultiDiscrete', nvec: [...this.nvec] };
    if (this.start.some((v) => v !== 0)) json.start = [...this.start];
    return json;
  }
}
