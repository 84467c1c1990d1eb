/**
 * Statistics over seeds (mean, sample standard deviation, 95 % Student t
 * confidence interval, with simple-statistics) and the verdicts of an
 * experiment's claims on them.
 */
import { mean, sampleStandardDeviation } from 'simple-statistics';
import type { ResolvedClaim, ResolvedExperiment } from './load.js';
import { metricApplies, metricDef } from './metrics.js';
import type { CellResult, ClaimVerdict, MetricSummary } from './types.js';

/** Two-sided 95 % quantiles of Student's t, t(0.975, df) for df = 1 … 30 (as scipy.stats.t.ppf(0.975, df)). */
const T975 = [12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004, 2.262157, 2.228139, 2.200985, 2.178813, 2.160369, 2.144787, 2.13145, 2.119905, 2.109816, 2.100922, 2.093024, 2.085963, 2.079614, 2.073873, 2.068658, 2.063899, 2.059539, 2.055529, 2.051831, 2.048407, 2.04523, 2.042272];

/** t(0.975, df): the table up to 30, then the Cornish-Fisher expansion around the normal quantile (error < 1e-5). */
export function tQuantile975(df: number): number {
  if (!Number.isSafeInteger(df) || df < 1) throw new RangeError(`degrees of freedom must be a positive integer, got ${df}`);
  if (df <= T975.length) return T975[df - 1] as number;
  const z = 1.959963984540054;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2) + (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / (384 * df ** 3);
}

/** Mean, sample std and 95 % Student t interval of `xs` (nulls when there are too few values). */
export function describe(xs: readonly number[]): Pick<MetricSummary, 'mean' | 'std' | 'ciLow' | 'ciHigh' | 'ciMethod'> {
  if (xs.length === 0) return { mean: null, std: null, ciLow: null, ciHigh: null, ciMethod: 'none (no value)' };
  const m = mean([...xs]);
  if (xs.length < 2) return { mean: m, std: null, ciLow: null, ciHigh: null, ciMethod: 'none (n < 2)' };
  const s = sampleStandardDeviation([...xs]);
  const half = (tQuantile975(xs.length - 1) * s) / Math.sqrt(xs.length);
  return { mean: m, std: s, ciLow: m - half, ciHigh: m + half, ciMethod: 'student-t 95% over seeds' };
}

/** One summary per env × label × protocol × metric, over the cells' seeds (failed cells count as missing). */
export function summarize(x: ResolvedExperiment, cells: readonly CellResult[]): MetricSummary[] {
  const out: MetricSummary[] = [];
  for (const e of x.envs) {
    const metrics = x.metrics.filter((m) => {
      const d = metricDef(m);
      return d !== undefined && metricApplies(d, e.id);
    });
    for (const a of x.agents) {
      if (a.envs && !a.envs.includes(e.label)) continue;
      const mine = cells.filter((c) => c.cell.env === e.label && c.cell.label === a.label).sort((p, q) => p.cell.seed - q.cell.seed);
      for (const protocol of x.eval.protocols) {
        for (const metric of metrics) {
          const values = x.seeds.map((seed) => {
            const c = mine.find((m) => m.cell.seed === seed);
            const v = c && c.status === 'ok' ? c.metrics[protocol]?.[metric] : null;
            return { seed, value: typeof v === 'number' && Number.isFinite(v) ? v : null };
          });
          const got = values.map((v) => v.value).filter((v): v is number => v !== null);
          out.push({ env: e.label, label: a.label, protocol, metric, n: got.length, missing: values.length - got.length, ...describe(got), values });
        }
      }
    }
  }
  return out;
}

const fmt = (v: number | null): string => (v === null ? '—' : Math.abs(v) >= 1000 || (v !== 0 && Math.abs(v) < 0.001) ? v.toExponential(3) : Number(v.toPrecision(4)).toString());
const side = (s: MetricSummary | undefined): string => (s === undefined || s.mean === null ? 'no value' : `${fmt(s.mean)}${s.ciLow !== null ? ` [${fmt(s.ciLow)}, ${fmt(s.ciHigh)}]` : ''} (n=${s.n})`);

/** The claim as a sentence. */
export function claimText(c: ResolvedClaim, better: 'lower' | 'higher'): string {
  if (c.type === 'relative') {
    const by = c.byAtLeastPercent ?? 0;
    if (c.withinPercent !== undefined) return `${c.a}'s ${c.metric} (${c.protocol}) is within ${c.withinPercent} % of ${c.b}'s (${better} is better)`;
    return `${c.a}'s ${c.metric} (${c.protocol}) is ${better} than ${c.b}'s${by > 0 ? ` by ≥ ${by} %` : ''}`;
  }
  const parts = [c.atLeast !== undefined ? `≥ ${c.atLeast}` : null, c.atMost !== undefined ? `≤ ${c.atMost}` : null].filter(Boolean);
  return `${c.agent}'s ${c.metric} (${c.protocol}) is ${parts.join(' and ')}`;
}

/** Each claim's verdict on each env it is about (its `env`, else every env where its metric is measured). */
export function checkClaims(x: ResolvedExperiment, summaries: readonly MetricSummary[]): ClaimVerdict[] {
  const out: ClaimVerdict[] = [];
  for (const c of x.claims) {
    const def = metricDef(c.metric);
    const named = c.type === 'relative' ? [c.a, c.b] : [c.agent];
    const runsOn = (env: string): boolean => named.every((l) => x.agents.some((a) => a.label === l && (a.envs === null || a.envs.includes(env))));
    const envs = c.env !== undefined ? x.envs.filter((e) => e.label === c.env) : x.envs.filter((e) => def !== undefined && metricApplies(def, e.id) && runsOn(e.label));
    for (const e of envs) {
      const find = (label: string): MetricSummary | undefined => summaries.find((s) => s.env === e.label && s.label === label && s.protocol === c.protocol && s.metric === c.metric);
      const id = envs.length > 1 ? `${c.id}@${e.label}` : c.id;
      const common = { id, source: c.source, env: e.label, metric: c.metric, protocol: c.protocol };
      const note = c.note ? ` ${c.note}` : '';
      if (c.type === 'relative') {
        const better = c.better ?? def?.better ?? 'lower';
        const by = c.byAtLeastPercent ?? 0;
        const sa = find(c.a), sb = find(c.b);
        const ma = sa?.mean ?? null, mb = sb?.mean ?? null;
        let held: boolean | null = null, effect: number | null = null, why: string;
        if (ma === null || mb === null) why = `undecided: ${ma === null ? c.a : c.b} has no value`;
        else if (mb === 0) why = `undecided: ${c.b}'s mean is 0, so no relative difference`;
        else {
          effect = (100 * (better === 'lower' ? mb - ma : ma - mb)) / Math.abs(mb);
          const within = c.withinPercent;
          held = within !== undefined ? effect >= -within : by > 0 ? effect >= by : effect > 0;
          why = `${Math.abs(effect).toFixed(1)} % ${effect >= 0 ? better : better === 'lower' ? 'higher' : 'lower'} (claim: ${within !== undefined ? `worse by at most ${within} %` : `${better} by ≥ ${by} %`})`;
        }
        const paper = c.paper !== undefined ? `; paper: ${c.paper} %` : '';
        out.push({ ...common, text: claimText(c, better), held, detail: `${c.a} ${side(sa)} vs ${c.b} ${side(sb)}: ${why}${paper}.${note}`, effect: { name: `% ${better} than ${c.b}`, value: effect, paper: c.paper ?? null }, labels: [c.a, c.b] });
      } else {
        const s = find(c.agent);
        const m = s?.mean ?? null;
        const held = m === null ? null : (c.atLeast === undefined || m >= c.atLeast) && (c.atMost === undefined || m <= c.atMost);
        const paper = c.paper !== undefined ? `; paper: ${c.paper}` : '';
        out.push({ ...common, text: claimText(c, def?.better ?? 'higher'), held, detail: `${c.agent} ${side(s)}${m === null ? ': undecided, no value' : ''}${paper}.${note}`, effect: { name: `mean ${c.metric}`, value: m, paper: c.paper ?? null }, labels: [c.agent] });
      }
    }
  }
  return out;
}
