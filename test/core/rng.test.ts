import { ConfigError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/rng.js';

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const variance = (xs: number[]): number => {
  const m = mean(xs);
  return xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length;
};
const draw = (n: number, f: () => number): number[] => Array.from({ length: n }, f);
const min = (xs: number[]): number => xs.reduce((a, b) => Math.min(a, b), Infinity);
const max = (xs: number[]): number => xs.reduce((a, b) => Math.max(a, b), -Infinity);

describe('Rng (xoshiro128**)', () => {
  test('matches the reference implementation from state {1,2,3,4}', () => {
    // Reference vector of xoshiro128** 1.1 (prng.di.unimi.it), also used by rand_xoshiro's tests.
    const rng = new Rng(0);
    rng.setState([1, 2, 3, 4]);
    expect(draw(10, () => rng.nextUint32())).toEqual([
      11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849, 3729100597, 4258142804,
    ]);
  });

  test('same seed gives the same stream, different seeds differ', () => {
    const a = new Rng(42), b = new Rng(42), c = new Rng(43);
    const sa = draw(100, () => a.random());
    expect(draw(100, () => b.random())).toEqual(sa);
    expect(draw(100, () => c.random())).not.toEqual(sa);
  });

  test('seeds above 2^32 are distinct from their low 32 bits', () => {
    expect(new Rng(2 ** 32 + 5).nextUint32()).not.toBe(new Rng(5).nextUint32());
  });

  test('rejects invalid seeds with the value in the message', () => {
    expect(() => new Rng(-1)).toThrow(ConfigError);
    expect(() => new Rng(1.5)).toThrow('seed must be a non-negative safe integer, got 1.5');
    expect(() => new Rng(Number.NaN)).toThrow('got NaN');
  });

  test('uniform, normal and exponential have the right moments', () => {
    const rng = new Rng(7);
    const n = 200_000;
    const u = draw(n, () => rng.uniform(2, 4));
    expect(min(u)).toBeGreaterThanOrEqual(2);
    expect(max(u)).toBeLessThan(4);
    // 5 standard errors
    expect(Math.abs(mean(u) - 3)).toBeLessThan(5 * Math.sqrt(1 / 3 / n));
    const z = draw(n, () => rng.normal(1, 2));
    expect(Math.abs(mean(z) - 1)).toBeLessThan(5 * (2 / Math.sqrt(n)));
    expect(Math.abs(variance(z) - 4)).toBeLessThan(0.06);
    const e = draw(n, () => rng.exponential(4));
    expect(Math.abs(mean(e) - 0.25)).toBeLessThan(5 * (0.25 / Math.sqrt(n)));
    expect(min(e)).toBeGreaterThanOrEqual(0);
  });

  test('integer(low, high) is unbiased over [low, high) and never returns high', () => {
    const rng = new Rng(3);
    const counts = new Array<number>(7).fill(0);
    const n = 70_000;
    for (let i = 0; i < n; i++) counts[rng.integer(-3, 4) + 3] += 1;
    const expected = n / 7;
    const chi2 = counts.reduce((a, c) => a + (c - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(22.46); // chi-square, 6 dof, p = 0.001
    expect(() => rng.integer(3, 3)).toThrow('low < high');
  });

  test('choice follows the weights and validates them', () => {
    const rng = new Rng(11);
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 40_000; i++) counts[rng.choice(['a', 'b', 'c'], [1, 3, 0])] += 1;
    expect(counts.c).toBe(0);
    expect(counts.b / 40_000).toBeCloseTo(0.75, 1);
    expect(() => rng.choice([], undefined)).toThrow('non-empty');
    expect(() => rng.choice(['a'], [-1])).toThrow('got [-1]');
    expect(() => rng.choice(['a', 'b'], [1])).toThrow('2 items but 1 weights');
  });

  test('fork gives an independent, reproducible stream', () => {
    const a = new Rng(5), b = new Rng(5);
    const fa = a.fork(), fb = b.fork();
    expect(draw(20, () => fa.nextUint32())).toEqual(draw(20, () => fb.nextUint32()));
    const parent = draw(20, () => a.nextUint32());
    expect(parent).not.toEqual(draw(20, () => fa.nextUint32()));
  });

  test('fork never produces an invalid state (high bit set in the last word)', () => {
    const rng = new Rng(1);
    for (let i = 0; i < 2000; i++) expect(rng.fork().getState().every((w) => w >= 0 && w <= 0xffffffff)).toBe(true);
  });

  test('getState/setState resume the stream exactly', () => {
    const a = new Rng(9);
    a.random();
    const saved = a.getState();
    const next = draw(10, () => a.random());
    const b = new Rng(0);
    b.setState(saved);
    expect(draw(10, () => b.random())).toEqual(next);
    expect(() => b.setState([0, 0, 0, 0])).toThrow('must not be all zero');
    expect(() => b.setState([1, 2])).toThrow('four uint32 words');
  });

  test('shuffle is a permutation', () => {
    const xs = Array.from({ length: 50 }, (_, i) => i);
    const shuffled = new Rng(1).shuffle([...xs]);
    expect(shuffled).not.toEqual(xs);
    expect([...shuffled].sort((p, q) => p - q)).toEqual(xs);
  });
});
