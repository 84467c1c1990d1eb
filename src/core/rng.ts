import { ConfigError, quote } from './errors.js';

/**
 * Seeded pseudo-random number generator: xoshiro128** 1.1 (Blackman & Vigna,
 * https://prng.di.unimi.it/xoshiro128starstar.c), 128 bits of state, period
 * 2^128 − 1, seeded through SplitMix32 so that nearby seeds give unrelated
 * streams. It is the only source of randomness in faasgym: environments,
 * simulators and agents take an `Rng` (or a seed) and never call `Math.random`.
 *
 * All draws are deterministic functions of the seed and the sequence of calls,
 * identical on every platform (32-bit integer arithmetic only, plus IEEE-754
 * `Math.log`/`Math.sqrt`/`Math.cos`, which Node computes identically).
 */
export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;

  /** @param seed a non-negative safe integer (0 ≤ seed ≤ 2^53 − 1). */
  constructor(seed: number) {
    this.seed(seed);
  }

  /** Re-seed in place. */
  seed(seed: number): void {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new ConfigError(`seed must be a non-negative safe integer, got ${quote(seed)}`);
    }
    // SplitMix32 over both 32-bit halves of the seed.
    let x = (seed >>> 0) ^ Math.imul(Math.floor(seed / 0x100000000) >>> 0, 0x9e3779b9);
    const next = (): number => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const s0 = this.s0, s1 = this.s1, s2 = this.s2, s3 = this.s3;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.s2 = s2 ^ s0;
    this.s3 = s3 ^ s1;
    this.s1 = s1 ^ this.s2;
    this.s0 = s0 ^ this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result;
  }

  /** A double in [0, 1) with 53 random bits. */
  random(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform double in [low, high). */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.random();
  }

  /** Normal (Gaussian) deviate by the Box–Muller transform; two uniforms per call. */
  normal(mean = 0, std = 1): number {
    const u1 = 1 - this.random(); // (0, 1]
    const u2 = this.random();
    return mean + std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Exponential deviate with the given rate (mean 1/rate), by inversion. */
  exponential(rate = 1): number {
    if (!(rate > 0)) throw new ConfigError(`exponential rate must be > 0, got ${quote(rate)}`);
    return -Math.log(1 - this.random()) / rate;
  }

  /**
   * Uniform integer in [low, high) — the upper bound is exclusive, as in
   * numpy's `Generator.integers`. Unbiased (rejection sampling).
   */
  integer(low: number, high: number): number {
    if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high) || high <= low) {
      throw new ConfigError(`integer(low, high) needs safe integers with low < high, got ${quote(low)}, ${quote(high)}`);
    }
    const span = high - low;
    if (span <= 0x100000000) {
      const limit = 0x100000000 - (0x100000000 % span);
      let r = this.nextUint32();
      while (r >= limit) r = this.nextUint32();
      return low + (r % span);
    }
    let r = Math.floor(this.random() * span);
    while (r >= span) r = Math.floor(this.random() * span);
    return low + r;
  }

  /** Bernoulli trial: true with probability p. */
  bernoulli(p: number): boolean {
    return this.random() < p;
  }

  /**
   * One element of `items`, uniformly or with the given non-negative weights
   * (which need not sum to 1).
   */
  choice<T>(items: readonly T[], weights?: readonly number[]): T {
    if (items.length === 0) throw new ConfigError('choice() needs a non-empty array');
    if (weights === undefined) return items[this.integer(0, items.length)] as T;
    if (weights.length !== items.length) {
      throw new ConfigError(`choice() got ${items.length} items but ${weights.length} weights`);
    }
    let total = 0;
    for (const w of weights) {
      if (!(w >= 0) || !Number.isFinite(w)) throw new ConfigError(`choice() weights must be finite and >= 0, got ${quote(weights)}`);
      total += w;
    }
    if (!(total > 0)) throw new ConfigError(`choice() weights must not all be zero, got ${quote(weights)}`);
    let u = this.random() * total;
    for (let i = 0; i < items.length; i++) {
      u -= weights[i] as number;
      if (u < 0) return items[i] as T;
    }
    // Rounding left u ≥ 0: return the last item with positive weight.
    for (let i = items.length - 1; i >= 0; i--) if ((weights[i] as number) > 0) return items[i] as T;
    return items[items.length - 1] as T;
  }

  /** Fisher–Yates shuffle, in place; returns the array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.integer(0, i + 1);
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }

  /**
   * A new, independent generator derived from this one (advancing this one).
   * Use it to give a sub-component its own stream, so that adding draws in one
   * component does not shift the draws of another.
   */
  fork(): Rng {
    const child = new Rng(0);
    child.setState([this.nextUint32(), this.nextUint32(), this.nextUint32(), (this.nextUint32() | 1) >>> 0]);
    return child;
  }

  /** The four 32-bit words of state, for checkpoints. */
  getState(): [number, number, number, number] {
    return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0];
  }

  /** Restore a state from `getState()`. */
  setState(state: readonly number[]): void {
    if (state.length !== 4 || state.some((w) => !Number.isInteger(w) || w < 0 || w > 0xffffffff)) {
      throw new ConfigError(`Rng state must be four uint32 words, got ${quote(state)}`);
    }
    if (state.every((w) => w === 0)) throw new ConfigError('Rng state must not be all zero');
    [this.s0, this.s1, this.s2, this.s3] = state.map((w) => w | 0) as [number, number, number, number];
  }
}

/**
 * A seed for an environment that was reset without one: taken from the OS
 * entropy pool (as Gymnasium does) and reported back in `info.seed`, so the
 * run can always be reproduced.
 */
export function entropySeed(): number {
  const words = new Uint32Array(2);
  globalThis.crypto.getRandomValues(words);
  return ((words[0] as number) & 0x1fffff) * 0x100000000 + (words[1] as number);
}
