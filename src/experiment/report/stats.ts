/**
 * Learning curves over seeds: at each step, the mean of the seeds' values and
 * a Student-t 95 % confidence interval (mean ± t(0.975, n−1) · s/√n).
 *
 * The final metrics' statistics come from the runner (`MetricSummary`); this
 * file only aggregates the curves the report plots.
 */
import { mean, sampleStandardDeviation } from 'simple-statistics';
import type { CellResult } from '../runner/types.js';

/** t(0.975, ν) for ν = 1..30 (standard tables); above 30 the Cornish–Fisher expansion is within 1e-4. */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** The two-sided 95 % Student-t critical value for `df` degrees of freedom (df ≥ 1). */
export function tCritical95(df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new RangeError(`tCritical95: df: expected an integer >= 1, got ${df}`);
  if (df <= T975.length) return T975[df - 1];
  const z = 1.959963984540054; // the normal 0.975 quantile (simple-statistics' probit is only good to 3e-3)
  const z3 = z ** 3, z5 = z ** 5, z7 = z ** 7;
  return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df ** 2) + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df ** 3);
}

/** Mean and 95 % CI of a sample; the interval is null below two values. */
export function meanCi(values: number[]): { mean: number | null; low: number | null; high: number | null; n: number } {
  const n = values.length;
  if (n === 0) return { mean: null, low: null, high: null, n };
  const m = mean(values);
  if (n < 2) return { mean: m, low: null, high: null, n };
  const half = (tCritical95(n - 1) * sampleStandardDeviation(values)) / Math.sqrt(n);
  return { mean: m, low: m - half, high: m + half, n };
}

/** One point of an aggregated learning curve. */
export interface CurveStat {
  env: string;
  label: string;
  metric: string;
  step: number;
  mean: number;
  low: number | null;
  high: number | null;
  n: number;
}

/**
 * Learning curves of the successful cells, aggregated over seeds: one series per
 * env × label × metric, points at the steps the cells measured (seeds measured
 * at the same steps are averaged; a step only some seeds reached has a smaller n).
 */
export function curveStats(cells: CellResult[]): CurveStat[] {
  const groups = new Map<string, { env: string; label: string; metric: string; byStep: Map<number, number[]> }>();
  for (const c of cells) {
    if (c.status !== 'ok') continue;
    for (const p of c.curve) {
      for (const [metric, v] of Object.entries(p.metrics)) {
        if (v === null || !Number.isFinite(v)) continue;
        const k = JSON.stringify([c.cell.env, c.cell.label, metric]);
        let g = groups.get(k);
        if (g === undefined) groups.set(k, (g = { env: c.cell.env, label: c.cell.label, metric, byStep: new Map() }));
        const vs = g.byStep.get(p.step);
        if (vs === undefined) g.byStep.set(p.step, [v]);
        else vs.push(v);
      }
    }
  }
  const out: CurveStat[] = [];
  for (const g of groups.values()) {
    for (const step of [...g.byStep.keys()].sort((a, b) => a - b)) {
      const s = meanCi(g.byStep.get(step) ?? []);
      if (s.mean === null) continue;
      out.push({ env: g.env, label: g.label, metric: g.metric, step, mean: s.mean, low: s.low, high: s.high, n: s.n });
    }
  }
  return out;
}
