/**
 * The report of an experiment run: `summary.md` (and, as it grows,
 * `report.html` and `plots/`). The runner calls `writeReport` once the cells
 * are done; the data it receives is `ReportInput` (../runner/types.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReportFiles, ReportInput } from '../runner/types.js';

function fmt(x: number | null): string {
  if (x === null) return '—';
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? x.toExponential(3) : x.toFixed(a < 1 ? 4 : 3);
}

/** The summary as Markdown: one table per env × protocol (mean [95 % CI] over seeds), then the claims. */
export function summaryMarkdown(input: ReportInput): string {
  const lines: string[] = [`# ${input.meta.name}`, '', input.meta.description, '', `Source: ${input.meta.source}`, ''];
  const groups = new Map<string, typeof input.summaries>();
  for (const s of input.summaries) {
    const k = `${s.env} — ${s.protocol}`;
    groups.set(k, [...(groups.get(k) ?? []), s]);
  }
  for (const [k, rows] of groups) {
    const metrics = [...new Set(rows.map((r) => r.metric))];
    const labels = [...new Set(rows.map((r) => r.label))];
    lines.push(`## ${k}`, '', `| agent | ${metrics.join(' | ')} |`, `|---|${metrics.map(() => '---').join('|')}|`);
    for (const l of labels) {
      const cells = metrics.map((m) => {
        const r = rows.find((x) => x.label === l && x.metric === m);
        return r === undefined ? '' : `${fmt(r.mean)} [${fmt(r.ciLow)}, ${fmt(r.ciHigh)}] (n=${r.n})`;
      });
      lines.push(`| ${l} | ${cells.join(' | ')} |`);
    }
    lines.push('');
  }
  if (input.claims.length > 0) {
    lines.push('## Claims', '');
    for (const c of input.claims) lines.push(`- **${c.held === null ? 'UNDECIDED' : c.held ? 'HELD' : 'NOT HELD'}** ${c.text} (${c.source}): ${c.detail}`);
    lines.push('');
  }
  return lines.join('\n');
}

export async function writeReport(input: ReportInput, outDir: string): Promise<ReportFiles> {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'summary.md'), summaryMarkdown(input));
  return { summaryMd: 'summary.md', reportHtml: '', plots: [] };
}
