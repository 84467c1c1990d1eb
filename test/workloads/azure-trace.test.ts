import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/rng.js';
import { formatAzureTrace, parseAzureTrace, readAzureTrace, type AzureTraceRow } from '../../src/workloads/azure-trace.js';
import { logGamma, samplePoisson } from '../../src/workloads/poisson.js';
import { AZURE_TRIGGER_FUNCTION_SHARE, generateSyntheticTrace } from '../../src/workloads/synthetic-trace.js';
import { scaleTraceToLoad, traceTotal } from '../../src/workloads/trace-shaping.js';

const header = (minutes: number): string =>
  ['HashOwner', 'HashApp', 'HashFunction', 'Trigger', ...Array.from({ length: minutes }, (_, i) => String(i + 1))].join(',');
const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

describe('parseAzureTrace', () => {
  test('reads the schema, skipping blank lines and accepting CRLF', () => {
    const text = `${header(3)}\r\nowner1,app1,fn1,http,0,3,1\r\n\r\nowner1,app2,fn2,timer,1,0,1\r\n`;
    expect(parseAzureTrace(text)).toEqual([
      { owner: 'owner1', app: 'app1', fn: 'fn1', trigger: 'http', counts: [0, 3, 1] },
      { owner: 'owner1', app: 'app2', fn: 'fn2', trigger: 'timer', counts: [1, 0, 1] },
    ]);
  });

  test('maxRows stops early', () => {
    const text = `${header(1)}\na,b,c,http,1\na,b,d,http,2\na,b,e,http,x\n`;
    expect(parseAzureTrace(text, { maxRows: 2 }).map((r) => r.counts)).toEqual([[1], [2]]);
  });

  test('errors name the line and column', () => {
    const bad = (text: string): string => {
      try {
        parseAzureTrace(text, { source: 'inv.csv' });
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as Error).message;
      }
      throw new Error('no error');
    };
    expect(bad('')).toMatch(/^inv\.csv: empty file/);
    expect(bad('Owner,HashApp,HashFunction,Trigger,1\n')).toBe('inv.csv: line 1, column 1: expected the header column "HashOwner" (the file\'s contents are not shown)');
    expect(bad('HashOwner,HashApp,HashFunction,Trigger\n')).toMatch(/line 1: header has no minute columns/);
    expect(bad('HashOwner,HashApp,HashFunction,Trigger,1,3\n')).toBe('inv.csv: line 1, column 6: expected the header minute column "2" (the file\'s contents are not shown)');
    expect(bad(`${header(3)}\na,b,c,http,1,2,3\na,b,c,http,1,1.5,3\n`)).toBe(
      'inv.csv: line 3, column 6: minute 2: expected a non-negative integer count (the file\'s contents are not shown)',
    );
    expect(bad(`${header(3)}\na,b,c,http,1,-2,3\n`)).toMatch(/line 2, column 6: minute 2: expected a non-negative integer count/);
    expect(bad(`${header(3)}\na,b,c,http,1,,3\n`)).toMatch(/line 2, column 6: minute 2: expected a non-negative integer count/);
    expect(bad(`${header(3)}\n\na,b,c,http,1,2\n`)).toBe('inv.csv: line 3: expected 7 columns (4 keys + 3 minutes), got 6');
    expect(bad(`${header(1)}\na,,c,http,1\n`)).toMatch(/line 2, column 2: HashApp must not be empty/);
  });

  test('readAzureTrace reads a file and reports an unreadable one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'faasgym-azure-'));
    const path = join(dir, 'inv.csv');
    writeFileSync(path, `${header(2)}\no,a,f,queue,5,6\n`);
    expect(readAzureTrace(path)).toEqual([{ owner: 'o', app: 'a', fn: 'f', trigger: 'queue', counts: [5, 6] }]);
    expect(() => readAzureTrace(join(dir, 'nope.csv'))).toThrow(ConfigError);
    writeFileSync(path, `${header(2)}\no,a,f,queue,5,x\n`);
    expect(() => readAzureTrace(path)).toThrow(`${path}: line 2, column 6`);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('formatAzureTrace', () => {
  test('refuses rows it cannot write in the schema', () => {
    const row: AzureTraceRow = { owner: 'o', app: 'a', fn: 'f', trigger: 'http', counts: [1, 2] };
    expect(() => formatAzureTrace([])).toThrow(ConfigError);
    expect(() => formatAzureTrace([row, { ...row, counts: [1] }])).toThrow(/row 1 has 1 minutes, row 0 has 2/);
    expect(() => formatAzureTrace([{ ...row, fn: 'a,b' }])).toThrow(/row 0 fn must be a non-empty string without commas/);
    expect(() => formatAzureTrace([{ ...row, counts: [1, 0.5] }])).toThrow(/row 0 minute 2 count must be an integer >= 0, got 0.5/);
  });
});

describe('generateSyntheticTrace', () => {
  test('format → parse round trip is exact', () => {
    const rows = generateSyntheticTrace({ functions: 60, seed: 7 });
    expect(rows).toHaveLength(60);
    expect(rows.every((r) => r.counts.length === 1440)).toBe(true);
    const text = formatAzureTrace(rows);
    expect(text.startsWith(`${header(1440)}\n`)).toBe(true);
    expect(parseAzureTrace(text)).toEqual(rows);
  });

  test('same seed → identical output; another seed differs', () => {
    const a = generateSyntheticTrace({ functions: 20, minutes: 120, seed: 3 });
    expect(generateSyntheticTrace({ functions: 20, minutes: 120, seed: 3 })).toEqual(a);
    expect(generateSyntheticTrace({ functions: 20, minutes: 120, seed: 4 })).not.toEqual(a);
  });

  test('trigger mix follows the Azure 2019 shares; hashes look like the data set', () => {
    const n = 3000;
    const rows = generateSyntheticTrace({ functions: n, minutes: 1, seed: 1 });
    const total = sum(Object.values(AZURE_TRIGGER_FUNCTION_SHARE));
    for (const [trigger, share] of Object.entries(AZURE_TRIGGER_FUNCTION_SHARE)) {
      const p = share / total;
      const observed = rows.filter((r) => r.trigger === trigger).length;
      expect(Math.abs(observed - n * p)).toBeLessThanOrEqual(4 * Math.sqrt(n * p * (1 - p)));
    }
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.owner) && /^[0-9a-f]{64}$/.test(r.app) && /^[0-9a-f]{64}$/.test(r.fn))).toBe(true);
    const apps = new Set(rows.map((r) => r.app)).size;
    expect(apps).toBeGreaterThan(n * 0.4);
    expect(apps).toBeLessThan(n * 0.6);
  });

  test('mean rates span orders of magnitude', () => {
    const rows = generateSyntheticTrace({ functions: 300, seed: 5, triggerWeights: { http: 1 } });
    const means = rows.map((r) => sum(r.counts) / r.counts.length).filter((m) => m > 0);
    expect(Math.max(...means) / Math.min(...means)).toBeGreaterThan(1e4);
  });

  test('timer functions are periodic', () => {
    const rows = generateSyntheticTrace({ functions: 50, seed: 2, triggerWeights: { timer: 1 } });
    for (const r of rows) {
      const at = r.counts.flatMap((c, m) => (c > 0 ? [m] : []));
      expect(r.counts.every((c) => c === 0 || c === 1)).toBe(true);
      const gaps = new Set(at.slice(1).map((m, i) => m - (at[i] as number)));
      expect(gaps.size).toBe(1);
    }
  });

  test('diurnal modulation: the afternoon is busier than the night', () => {
    const rows = generateSyntheticTrace({ functions: 100, seed: 8, triggerWeights: { http: 1 }, rateSigma: 0, meanPerMinute: 5, burstyFraction: 0 });
    const window = (h0: number, h1: number): number => sum(rows.map((r) => sum(r.counts.slice(h0 * 60, h1 * 60))));
    expect(window(12, 16) / window(0, 4)).toBeGreaterThan(1.5);
    const shifted = generateSyntheticTrace({ functions: 100, seed: 8, triggerWeights: { http: 1 }, rateSigma: 0, meanPerMinute: 5, burstyFraction: 0, startMinuteOfDay: 720 });
    const w2 = (h0: number, h1: number): number => sum(shifted.map((r) => sum(r.counts.slice(h0 * 60, h1 * 60))));
    expect(w2(0, 4) / w2(12, 16)).toBeGreaterThan(1.5);
  });

  test('bursty functions are over-dispersed, the others Poisson', () => {
    const dispersion = (burstyFraction: number): number => {
      const rows = generateSyntheticTrace({ functions: 40, seed: 6, triggerWeights: { queue: 1 }, rateSigma: 0, meanPerMinute: 2, diurnalAmplitude: 0, burstyFraction });
      const ratios = rows.map((r) => {
        const m = sum(r.counts) / r.counts.length;
        return sum(r.counts.map((c) => (c - m) ** 2)) / r.counts.length / m;
      });
      return sum(ratios) / ratios.length;
    };
    expect(dispersion(0)).toBeGreaterThan(0.9);
    expect(dispersion(0)).toBeLessThan(1.1);
    expect(dispersion(1)).toBeGreaterThan(5);
  });

  test('validation', () => {
    expect(() => generateSyntheticTrace({ functions: 0, seed: 1 })).toThrow(/functions must be an integer >= 1, got 0/);
    expect(() => generateSyntheticTrace({ functions: 1, seed: -1 })).toThrow(/seed must be a non-negative safe integer/);
    expect(() => generateSyntheticTrace({ functions: 1, seed: 1, meanPerMinute: 0 })).toThrow(/meanPerMinute must be a number in \(0/);
    expect(() => generateSyntheticTrace({ functions: 1, seed: 1, triggerWeights: { cron: 1 } as never })).toThrow(/unknown trigger "cron"/);
    expect(() => generateSyntheticTrace({ functions: 1, seed: 1, triggerWeights: { http: 0 } })).toThrow(/must not all be 0/);
  });
});

describe('scaleTraceToLoad', () => {
  const rows: AzureTraceRow[] = [
    { owner: 'o', app: 'a', fn: 'f1', trigger: 'http', counts: [9, 0, 3, 1, 100] },
    { owner: 'o', app: 'a', fn: 'f2', trigger: 'queue', counts: [1, 1, 0, 5, 100] },
  ];

  test('keeps the shape and hits the target exactly', () => {
    const out = scaleTraceToLoad(rows, 37, 4);
    expect(traceTotal(out)).toBe(37);
    expect(out.map((r) => r.counts.length)).toEqual([4, 4]);
    // Window total 20 → factor 1.85: row totals within 1 of their share, cells within 2, zeros stay zero.
    expect(out.map((r) => traceTotal([r]))).toEqual([24, 13]); // shares 24.05 and 12.95
    out.forEach((r, i) => r.counts.forEach((c, m) => expect(Math.abs(c - ((rows[i] as AzureTraceRow).counts[m] as number) * 1.85)).toBeLessThan(2)));
    expect(out[0]?.counts[1]).toBe(0);
    expect(out[1]?.counts[2]).toBe(0);
    expect(rows[0]?.counts).toEqual([9, 0, 3, 1, 100]); // input untouched
    expect(scaleTraceToLoad(rows, 37, 4)).toEqual(out);
  });

  test('a sparse function keeps its share', () => {
    const sparse: AzureTraceRow[] = [
      { owner: 'o', app: 'a', fn: 'busy', trigger: 'http', counts: new Array<number>(60).fill(50) },
      { owner: 'o', app: 'a', fn: 'rare', trigger: 'http', counts: Array.from({ length: 60 }, (_, m) => (m % 2 === 0 ? 1 : 0)) },
    ];
    // 3030 calls → 300: the rare function's share is 30/3030·300 = 2.97, although every one of its cells rounds to 0 alone.
    expect(scaleTraceToLoad(sparse, 300, 60).map((r) => traceTotal([r]))).toEqual([297, 3]);
  });

  test('window offset and errors', () => {
    // Window [3, 5): rows [1, 100] and [5, 100] → row shares 4.90 and 5.10 → 5 and 5 → each row's 100 takes all 5.
    expect(scaleTraceToLoad(rows, 10, 2, 3).map((r) => r.counts)).toEqual([[0, 5], [0, 5]]);
    expect(() => scaleTraceToLoad(rows, 10, 6)).toThrow(/row 0 has 5 minutes, the window needs 6/);
    expect(() => scaleTraceToLoad([{ ...(rows[0] as AzureTraceRow), counts: [0, 0] }], 5, 2)).toThrow(/hold no invocations/);
    expect(() => scaleTraceToLoad(rows, 1.5, 2)).toThrow(/targetCalls must be an integer >= 0, got 1.5/);
  });
});

describe('samplePoisson', () => {
  test.each([0.5, 3, 9.9, 10, 200, 1e5])('mean and variance of Poisson(%p)', (lambda) => {
    const rng = new Rng(Math.round(lambda * 10));
    const n = 20000;
    const xs = Array.from({ length: n }, () => samplePoisson(rng, lambda));
    const mean = sum(xs) / n;
    const variance = sum(xs.map((x) => (x - mean) ** 2)) / n;
    expect(xs.every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
    expect(Math.abs(mean - lambda)).toBeLessThanOrEqual(4 * Math.sqrt(lambda / n));
    // Var of the sample variance of a Poisson ≈ (λ + 2λ²)/n.
    expect(Math.abs(variance - lambda)).toBeLessThanOrEqual(4 * Math.sqrt((lambda + 2 * lambda * lambda) / n));
  });

  test('P(X = 0) for a small mean', () => {
    const rng = new Rng(1);
    const n = 50000;
    const zeros = Array.from({ length: n }, () => samplePoisson(rng, 1)).filter((x) => x === 0).length;
    const p = Math.exp(-1);
    expect(Math.abs(zeros - n * p)).toBeLessThanOrEqual(4 * Math.sqrt(n * p * (1 - p)));
  });

  test('the PTRS branch matches the Poisson pmf (chi-square)', () => {
    const lambda = 25, n = 100000, rng = new Rng(12);
    const lo = 10, hi = 42; // bins: < lo, lo..hi one by one, > hi
    const observed = new Array<number>(hi - lo + 3).fill(0);
    for (let i = 0; i < n; i++) {
      const k = samplePoisson(rng, lambda);
      observed[k < lo ? 0 : k > hi ? hi - lo + 2 : k - lo + 1]++;
    }
    const pmf = (k: number): number => Math.exp(-lambda + k * Math.log(lambda) - logGamma(k + 1));
    let below = 0;
    for (let k = 0; k < lo; k++) below += pmf(k);
    let mid = 0;
    const expected = [below * n];
    for (let k = lo; k <= hi; k++) {
      expected.push(pmf(k) * n);
      mid += pmf(k);
    }
    expected.push((1 - below - mid) * n);
    const chi2 = sum(observed.map((o, i) => (o - (expected[i] as number)) ** 2 / (expected[i] as number)));
    const dof = observed.length - 1;
    expect(chi2).toBeLessThan(dof + 4 * Math.sqrt(2 * dof));
  });

  test('logGamma', () => {
    expect(logGamma(10)).toBeCloseTo(Math.log(362880), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(logGamma(101)).toBeCloseTo(363.73937555556347, 9);
  });
});
