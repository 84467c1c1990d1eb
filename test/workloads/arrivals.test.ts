import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/rng.js';
import { createArrivalProcess, type ArrivalProcess, type OpenLoadSpec } from '../../src/workloads/arrivals.js';
import { formatAzureTrace } from '../../src/workloads/azure-trace.js';

/** Arrival times in [start, until), calling next with the previous arrival as the simulator does. */
function collect(p: ArrivalProcess, rng: Rng, until: number, start = 0): number[] {
  const out: number[] = [];
  let t = p.next(start, rng);
  while (t < until) {
    out.push(t);
    t = p.next(t, rng);
  }
  return out;
}

const countIn = (times: number[], a: number, b: number): number => times.filter((t) => t >= a && t < b).length;

/** |observed − expected| within 4 standard deviations of a Poisson count. */
function expectPoissonCount(observed: number, expected: number): void {
  expect(Math.abs(observed - expected)).toBeLessThanOrEqual(4 * Math.sqrt(expected));
}

describe('poisson', () => {
  test('count over a long horizon matches rate·T and gaps have CV ≈ 1', () => {
    const rate = 50, T = 2000;
    const times = collect(createArrivalProcess({ kind: 'poisson', target: 'f', rate }), new Rng(1), T);
    expectPoissonCount(times.length, rate * T);
    const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((a, b) => a + (b - mean) ** 2, 0) / gaps.length);
    expect(mean).toBeCloseTo(1 / rate, 3);
    expect(Math.abs(sd / mean - 1)).toBeLessThan(0.02);
    expect(times.every((t, i) => i === 0 || t >= (times[i - 1] as number))).toBe(true);
  });

  test('same seed, same arrivals; different seeds differ', () => {
    const load: OpenLoadSpec = { kind: 'poisson', target: 'f', rate: 3 };
    const a = collect(createArrivalProcess(load), new Rng(7), 100);
    expect(collect(createArrivalProcess(load), new Rng(7), 100)).toEqual(a);
    expect(collect(createArrivalProcess(load), new Rng(8), 100)).not.toEqual(a);
  });

  test('validation names the field and the value', () => {
    expect(() => createArrivalProcess({ kind: 'poisson', target: 'f', rate: -1 })).toThrow(
      new ConfigError('poisson load: rate must be a finite number > 0, got -1'),
    );
    expect(() => createArrivalProcess({ kind: 'poisson', target: 'f', rate: Infinity })).toThrow(/rate must be a finite number > 0, got Infinity/);
    expect(() => createArrivalProcess({ kind: 'constant', target: 'f', rate: 0 })).toThrow(/constant load: rate must be a finite number > 0, got 0/);
    expect(() => createArrivalProcess({ kind: 'closed', target: 'f', users: 1 } as unknown as OpenLoadSpec)).toThrow(/load kind must be one of/);
  });

  test('no arrivals before the origin', () => {
    const p = createArrivalProcess({ kind: 'poisson', target: 'f', rate: 10 }, { origin: 50 });
    expect(p.next(0, new Rng(1))).toBeGreaterThanOrEqual(50);
  });
});

describe('constant', () => {
  test('arrival k is exactly k/rate and the count is exact', () => {
    const rate = 10, T = 1000;
    const times = collect(createArrivalProcess({ kind: 'constant', target: 'f', rate }), new Rng(1), T + 1e-9);
    expect(times.length).toBe(rate * T);
    expect(times.every((t, i) => t === (i + 1) / rate)).toBe(true);
    expect(times[times.length - 1]).toBe(T);
  });

  test('a rewind starts over, a jump keeps the grid', () => {
    const p = createArrivalProcess({ kind: 'constant', target: 'f', rate: 4 });
    const rng = new Rng(0);
    expect([p.next(0, rng), p.next(0.25, rng), p.next(0.5, rng)]).toEqual([0.25, 0.5, 0.75]);
    expect(p.next(0, rng)).toBe(0.25);
    expect(p.next(10.1, rng)).toBe(10.25);
    expect(p.next(10.25, rng)).toBe(10.5);
  });
});

describe('ramp (thinning)', () => {
  test('counts in sub-intervals match the integral of the rate', () => {
    const load: OpenLoadSpec = { kind: 'ramp', target: 'f', from: 10, to: 100, duration: 100 };
    const rate = (t: number): number => (t < 100 ? 10 + 0.9 * t : 100);
    const integral = (a: number, b: number): number => {
      let s = 0;
      const n = 10000, h = (b - a) / n;
      for (let i = 0; i < n; i++) s += rate(a + (i + 0.5) * h) * h;
      return s;
    };
    const R = 20;
    const sums = [0, 0, 0, 0];
    const windows: [number, number][] = [[0, 50], [50, 100], [100, 150], [150, 200]];
    for (let r = 0; r < R; r++) {
      const times = collect(createArrivalProcess(load), new Rng(100 + r), 200);
      windows.forEach(([a, b], i) => (sums[i] = (sums[i] as number) + countIn(times, a, b)));
    }
    windows.forEach(([a, b], i) => expectPoissonCount(sums[i] as number, R * integral(a, b)));
    expect(integral(0, 50)).toBeCloseTo(1625, 6);
  });

  test('a ramp down to 0 ends the process', () => {
    const p = createArrivalProcess({ kind: 'ramp', target: 'f', from: 5, to: 0, duration: 10 });
    const times = collect(p, new Rng(3), Infinity);
    expect(times.every((t) => t < 10)).toBe(true);
    expectPoissonCount(times.length, 25);
  });

  test('validation', () => {
    expect(() => createArrivalProcess({ kind: 'ramp', target: 'f', from: -1, to: 1, duration: 1 })).toThrow(/ramp load: from must be a finite number >= 0, got -1/);
    expect(() => createArrivalProcess({ kind: 'ramp', target: 'f', from: 1, to: 1, duration: 0 })).toThrow(/ramp load: duration must be a finite number > 0, got 0/);
    expect(() => createArrivalProcess({ kind: 'ramp', target: 'f', from: 0, to: 0, duration: 5 })).toThrow(/both be 0/);
  });
});

describe('diurnal (thinning)', () => {
  const cases: [string, { mean: number; amplitude: number; phase: number }][] = [
    ['unclipped', { mean: 20, amplitude: 15, phase: 0.3 }],
    ['clipped at 0', { mean: 5, amplitude: 10, phase: -1 }],
  ];
  test.each(cases)('%s: counts per quarter period match the integral of the rate', (_name, c) => {
    const period = 100, periods = 100;
    const rate = (t: number): number => Math.max(0, c.mean + c.amplitude * Math.sin((2 * Math.PI * t) / period + c.phase));
    const integral = (a: number, b: number): number => {
      let s = 0;
      const n = 20000, h = (b - a) / n;
      for (let i = 0; i < n; i++) s += rate(a + (i + 0.5) * h) * h;
      return s;
    };
    const times = collect(createArrivalProcess({ kind: 'diurnal', target: 'f', period, ...c }), new Rng(11), period * periods);
    for (let q = 0; q < 4; q++) {
      const inQuarter = times.filter((t) => Math.floor(((t % period) / period) * 4) === q).length;
      expectPoissonCount(inQuarter, periods * integral((q * period) / 4, ((q + 1) * period) / 4));
    }
  });

  test('validation', () => {
    expect(() => createArrivalProcess({ kind: 'diurnal', target: 'f', mean: 1, amplitude: 1, period: -5 })).toThrow(/diurnal load: period must be a finite number > 0, got -5/);
    expect(() => createArrivalProcess({ kind: 'diurnal', target: 'f', mean: 0, amplitude: 0, period: 5 })).toThrow(/mean \+ amplitude must be > 0/);
    expect(() => createArrivalProcess({ kind: 'diurnal', target: 'f', mean: 1, amplitude: 1, period: 5, phase: NaN })).toThrow(/phase must be a finite number, got NaN/);
  });
});

describe('burst (exact piecewise)', () => {
  test('counts inside and outside bursts match the piecewise rate', () => {
    const load: OpenLoadSpec = { kind: 'burst', target: 'f', base: 5, peak: 50, every: 60, duration: 10, offset: 5 };
    const T = 6000;
    const times = collect(createArrivalProcess(load), new Rng(5), T);
    const inBurst = (t: number): boolean => (((t - 5) % 60) + 60) % 60 < 10;
    const inside = times.filter(inBurst).length;
    // [0, 6000) holds the 100 whole bursts starting at 5, 65, ..., 5945.
    expectPoissonCount(inside, 100 * 10 * 50);
    expectPoissonCount(times.length - inside, (T - 1000) * 5);
    // One particular burst window.
    expectPoissonCount(countIn(times, 65, 75), 500);
  });

  test('base 0: arrivals only inside bursts', () => {
    const times = collect(createArrivalProcess({ kind: 'burst', target: 'f', base: 0, peak: 20, every: 10, duration: 2 }), new Rng(9), 1000);
    expect(times.every((t) => t % 10 < 2)).toBe(true);
    expectPoissonCount(times.length, 100 * 2 * 20);
  });

  test('validation', () => {
    expect(() => createArrivalProcess({ kind: 'burst', target: 'f', base: 1, peak: 2, every: 10, duration: 11 })).toThrow(/burst load: duration must be <= every \(10\), got 11/);
    expect(() => createArrivalProcess({ kind: 'burst', target: 'f', base: 1, peak: 2, every: 0, duration: 0 })).toThrow(/every must be a finite number > 0, got 0/);
  });
});

describe('trace replay', () => {
  const counts = [3, 0, 7, 1, 0, 0, 12, 5];

  test.each([60, 1])('reproduces the per-minute counts exactly (secondsPerMinute %p)', (spm) => {
    const times = collect(createArrivalProcess({ kind: 'trace', target: 'f', counts, secondsPerMinute: spm }), new Rng(2), Infinity);
    expect(counts.map((_, m) => countIn(times, m * spm, (m + 1) * spm))).toEqual(counts);
    expect(times.length).toBe(counts.reduce((a, b) => a + b, 0));
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1] as number);
  });

  test('arrivals are spread uniformly within the minute', () => {
    const big = [200000];
    const times = collect(createArrivalProcess({ kind: 'trace', target: 'f', counts: big }), new Rng(4), Infinity);
    expect(times.length).toBe(200000);
    // Counts in 10 equal sub-windows of the minute are binomial(n, 0.1).
    for (let k = 0; k < 10; k++) {
      const c = countIn(times, 6 * k, 6 * (k + 1));
      expect(Math.abs(c - 20000)).toBeLessThan(4 * Math.sqrt(200000 * 0.1 * 0.9));
    }
  });

  test('startMinute and origin shift the replay; after the last minute → Infinity', () => {
    const p = createArrivalProcess({ kind: 'trace', target: 'f', counts, secondsPerMinute: 1, startMinute: 2 }, { origin: 100 });
    const rng = new Rng(1);
    const times = collect(p, rng, Infinity);
    expect(counts.slice(2).map((_, i) => countIn(times, 100 + i, 101 + i))).toEqual(counts.slice(2));
    expect(p.next(1e9, rng)).toBe(Infinity);
    // A rewind replays from the start.
    expect(collect(p, rng, Infinity).length).toBe(times.length);
  });

  test('same seed, same times', () => {
    const load: OpenLoadSpec = { kind: 'trace', target: 'f', counts };
    expect(collect(createArrivalProcess(load), new Rng(3), Infinity)).toEqual(collect(createArrivalProcess(load), new Rng(3), Infinity));
  });

  test('reads a row of an Azure-schema file, relative to baseDir', () => {
    const dir = mkdtempSync(join(tmpdir(), 'faasgym-trace-'));
    writeFileSync(
      join(dir, 'inv.csv'),
      formatAzureTrace([
        { owner: 'o', app: 'a', fn: 'f0', trigger: 'http', counts: [1, 1, 1] },
        { owner: 'o', app: 'a', fn: 'f1', trigger: 'timer', counts: [4, 0, 2] },
      ]),
    );
    const times = collect(createArrivalProcess({ kind: 'trace', target: 'f', file: 'inv.csv', row: 1 }, { baseDir: dir }), new Rng(1), Infinity);
    expect([countIn(times, 0, 60), countIn(times, 60, 120), countIn(times, 120, 180)]).toEqual([4, 0, 2]);
    expect(() => createArrivalProcess({ kind: 'trace', target: 'f', file: 'inv.csv', row: 2 }, { baseDir: dir })).toThrow(/row 2 is past the last row/);
    expect(() => createArrivalProcess({ kind: 'trace', target: 'f', file: 'missing.csv' }, { baseDir: dir })).toThrow(/cannot read Azure trace/);
    rmSync(dir, { recursive: true, force: true });
  });

  test('validation', () => {
    expect(() => createArrivalProcess({ kind: 'trace', target: 'f' })).toThrow(/counts or file is required/);
    expect(() => createArrivalProcess({ kind: 'trace', target: 'f', counts: [1], file: 'x.csv' })).toThrow(/not both/);
    expect(() => createArrivalProcess({ kind: 'trace', target: 'f', counts: [1, -2] })).toThrow(/trace load: counts\[1\]: expected an integer in \[0, 6000000\], got -2/);
    expect(() => createArrivalProcess({ kind: 'trace', target: 'f', counts: [1], secondsPerMinute: 0 })).toThrow(/trace load: secondsPerMinute must be a finite number > 0, got 0/);
    expect(() => createArrivalProcess({ kind: 'trace', target: 'f', counts: [1, 2], startMinute: 2 })).toThrow(/startMinute must be an integer in \[0, 1\], got 2/);
  });
});
