import { SpaceError, quote } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import { Space, isSpace, type SpaceJSON, type SpaceValue } from './space.js';

type DictValue<S extends Record<string, Space<unknown>>> = { [K in keyof S]: SpaceValue<S[K]> };

/** Named sub-spaces; values are plain objects with exactly these keys (in this order when sampled). */
export class Dict<S extends Record<string, Space<unknown>> = Record<string, Space<unknown>>> extends Space<DictValue<S>> {
  readonly type = 'Dict' as const;
  readonly spaces: Readonly<S>;
  readonly keys: readonly string[];

  constructor(spaces: S) {
    super();
    if (typeof spaces !== 'object' || spaces === null || Array.isArray(spaces)) {
      throw new SpaceError(`Dict expects an object of spaces, got ${quote(spaces)}`);
    }
    for (const [key, space] of Object.entries(spaces)) {
      if (!isSpace(space)) throw new SpaceError(`Dict entry ${quote(key)} is not a space: ${quote(space)}`);
    }
    this.spaces = Object.freeze({ ...spaces });
    this.keys = Object.freeze(Object.keys(spaces));
  }

  sample(rng: Rng): DictValue<S> {
    const out: Record<string, unknown> = {};
    for (const key of this.keys) out[key] = (this.spaces[key] as Space<unknown>).sample(rng);
    return out as DictValue<S>;
  }

  explain(x: unknown): string | null {
    if (typeof x !== 'object' || x === null || Array.isArray(x)) return `expected an object with keys ${quote(this.keys)}, got ${Array.isArray(x) ? 'an array' : typeof x}`;
    const got = Object.keys(x);
    for (const key of got) if (!(key in this.spaces)) return `unexpected key ${quote(key)}`;
    for (const key of this.keys) {
      if (!(key in x)) return `missing key ${quote(key)}`;
      const why = (this.spaces[key] as Space<unknown>).explain((x as Record<string, unknown>)[key]);
      if (why !== null) return `${key}: ${why}`;
    }
    return null;
  }

  toJSON(): SpaceJSON {
    const spaces: Record<string, SpaceJSON> = {};
    for (const key of this.keys) spaces[key] = (this.spaces[key] as Space<unknown>).toJSON();
    return { type: 'Dict', spaces };
  }
}

/** An ordered list of sub-spaces; values are arrays with one element per sub-space. */
export class Tuple extends Space<unknown[]> {
  readonly type = 'Tuple' as const;
  readonly spaces: readonly Space<unknown>[];

  constructor(spaces: readonly Space<unknown>[]) {
    super();
    if (!Array.isArray(spaces)) throw new SpaceError(`Tuple expects an array of spaces, got ${quote(spaces)}`);
    spaces.forEach((space, i) => {
      if (!isSpace(space)) throw new SpaceError(`Tuple entry ${i} is not a space: ${quote(space)}`);
    });
    this.spaces = Object.freeze([...spaces]);
  }

  sample(rng: Rng): unknown[] {
    return this.spaces.map((s) => s.sample(rng));
  }

  explain(x: unknown): string | null {
    if (!Array.isArray(x)) return `expected an array of ${this.spaces.length} elements, got ${typeof x}`;
    if (x.length !== this.spaces.length) return `expected ${this.spaces.length} elements, got ${x.length}`;
    for (let i = 0; i < x.length; i++) {
      const why = (this.spaces[i] as Space<unknown>).explain(x[i]);
      if (why !== null) return `[${i}]: ${why}`;
    }
    return null;
  }

  toJSON(): SpaceJSON {
    return { type: 'Tuple', spaces: this.spaces.map((s) => s.toJSON()) };
  }
}
