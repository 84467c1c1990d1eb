/** Number, verdict and text formatting shared by summary.md and report.html. */
import type { ClaimVerdict, MetricSummary, ReportInput } from '../runner/types.js';

/** A number with four significant-ish digits; `—` for a value that could not be measured. */
export function fmt(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? x.toExponential(3) : x.toFixed(a < 1 ? 4 : 3);
}

export type Verdict = 'HELD' | 'NOT HELD' | 'UNDECIDED';

export function verdict(c: ClaimVerdict): Verdict {
  return c.held === null ? 'UNDECIDED' : c.held ? 'HELD' : 'NOT HELD';
}

/** `mean [low, high] (n=3)`, with the count of seeds that gave no value. */
export function meanCiText(s: MetricSummary): string {
  const ci = s.ciLow === null || s.ciHigh === null ? '' : ` [${fmt(s.ciLow)}, ${fmt(s.ciHigh)}]`;
  const missing = s.missing > 0 ? `, ${s.missing} missing` : '';
  return `${fmt(s.mean)}${ci} (n=${s.n}${missing})`;
}

/** A metric's column title: its name with an arrow for the better direction. */
export function metricTitle(input: ReportInput, metric: string): string {
  const info = input.metricInfo[metric];
  if (info === undefined) return metric;
  return `${metric} ${info.better === 'lower' ? '↓' : '↑'}`;
}

/** Labels in the order the cells list them (the experiment file's order). */
export function labelOrder(input: ReportInput): string[] {
  const seen = new Set<string>();
  for (const c of input.cells) seen.add(c.cell.label);
  for (const s of input.summaries) seen.add(s.label);
  return [...seen];
}

/** Distinct values in first-seen order. */
export function unique<T>(xs: Iterable<T>): T[] {
  return [...new Set(xs)];
}

/** The summaries grouped by `env — protocol`, in first-seen order. */
export function byEnvProtocol(input: ReportInput): Array<{ env: string; protocol: string; rows: MetricSummary[] }> {
  const groups = new Map<string, { env: string; protocol: string; rows: MetricSummary[] }>();
  for (const s of input.summaries) {
    const k = JSON.stringify([s.env, s.protocol]);
    let g = groups.get(k);
    if (g === undefined) groups.set(k, (g = { env: s.env, protocol: s.protocol, rows: [] }));
    g.rows.push(s);
  }
  return [...groups.values()];
}

/** The paper's number for one table cell, when the runner passed one. */
export function paperNumber(input: ReportInput, env: string, label: string, protocol: string, metric: string): { value: number; source: string } | undefined {
  return input.paper?.find(
    (p) => p.label === label && p.metric === metric && (p.env === undefined || p.env === env) && (p.protocol === undefined || p.protocol === protocol),
  );
}

/** A file-name-safe slug (letters, digits, `-`, `_`, `.`, `+`). */
export function slug(s: string): string {
  return s.replace(/[^A-Za-z0-9._+-]+/g, '-').replace(/^-+|-+$/g, '') || 'x';
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}
