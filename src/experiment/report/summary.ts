/**
 * `summary.md`: the run in Markdown — the claims with their verdicts, one table
 * per env × protocol (mean [95 % CI] (n) over seeds, the paper's number beside
 * when known), the failed cells, and where the plots are.
 */
import type { ReportInput } from '../runner/types.js';
import { byEnvProtocol, fmt, labelOrder, meanCiText, metricTitle, paperNumber, unique, verdict } from './format.js';

/** Text for Markdown: `<` would open an HTML tag, and in a table a pipe or a newline would break the row. */
function cell(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function summaryMarkdown(input: ReportInput, plots: string[] = []): string {
  const m = input.meta;
  const ok = input.cells.filter((c) => c.status === 'ok').length;
  const failed = input.cells.filter((c) => c.status === 'failed');
  const lines: string[] = [`# ${m.name}${m.quick ? ' (quick)' : ''}`, ''];
  if (m.description) lines.push(m.description, '');
  lines.push(
    `Source: ${m.source}`,
    '',
    `Cells: ${input.cells.length} (${ok} ok, ${failed.length} failed). faasgym ${m.packageVersion}` +
      `${m.gitCommit ? ` (${m.gitCommit.slice(0, 12)})` : ''}, Node ${m.node}` +
      `${m.tfBackend ? `, tfjs ${m.tfBackend}` : ''}; ${m.startedAt} → ${m.finishedAt}.`,
    '',
    'Intervals are 95 % confidence intervals of the mean over seeds; n is the number of seeds that gave a value.',
    '',
  );

  if (input.claims.length > 0) {
    lines.push('## Claims', '', '| verdict | claim | measured | effect | paper | source |', '|---|---|---|---|---|---|');
    for (const c of input.claims) {
      const e = c.effect;
      const effect = e === undefined ? '' : `${e.name} = ${fmt(e.value)}`;
      const paper = e?.paper === undefined || e.paper === null ? '' : fmt(e.paper);
      lines.push(`| **${verdict(c)}** | ${cell(c.text)} | ${cell(c.detail)} | ${cell(effect)} | ${paper} | ${cell(c.source)} |`);
    }
    lines.push('');
  }

  const labels = labelOrder(input);
  for (const g of byEnvProtocol(input)) {
    const metrics = unique(g.rows.map((r) => r.metric));
    lines.push(`## ${cell(g.env)} — ${cell(g.protocol)}`, '');
    lines.push(`| agent | ${metrics.map((x) => cell(metricTitle(input, x))).join(' | ')} |`, `|---|${metrics.map(() => '---').join('|')}|`);
    for (const l of labels) {
      if (!g.rows.some((r) => r.label === l)) continue;
      const cells = metrics.map((metric) => {
        const r = g.rows.find((x) => x.label === l && x.metric === metric);
        if (r === undefined) return '';
        const p = paperNumber(input, g.env, l, g.protocol, metric);
        return meanCiText(r) + (p === undefined ? '' : ` · paper ${fmt(p.value)}`);
      });
      lines.push(`| ${cell(l)} | ${cells.join(' | ')} |`);
    }
    lines.push('');
    const described = metrics.filter((x) => input.metricInfo[x] !== undefined);
    if (described.length > 0) {
      for (const x of described) {
        const info = input.metricInfo[x];
        lines.push(`- \`${x}\`${info.unit ? ` (${info.unit})` : ''}: ${info.description}; ${info.better} is better.`);
      }
      lines.push('');
    }
  }

  const sources = unique((input.paper ?? []).map((p) => p.source));
  if (sources.length > 0) lines.push(`Paper numbers: ${sources.join('; ')}.`, '');

  if (failed.length > 0) {
    lines.push('## Failed cells', '');
    for (const c of failed) lines.push(`- \`${c.cell.id}\` (${cell(c.cell.env)}, ${cell(c.cell.label)}, seed ${c.cell.seed}): ${cell(c.error ?? 'no error recorded')}`);
    lines.push('');
  }

  if (plots.length > 0) {
    lines.push('## Plots', '', 'Open `report.html` for all of them in one page.', '');
    for (const p of plots.filter((x) => x.endsWith('.svg'))) lines.push(`- [${p}](${p})`);
    lines.push('');
  }
  return lines.join('\n');
}
