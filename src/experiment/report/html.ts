/**
 * `report.html`: one self-contained page (inline CSS and SVG, no script, no
 * network) with the claims, the tables, the plots, the cells with links to
 * their folders, and the experiment file and resolved config.
 */
import type { ReportInput } from '../runner/types.js';
import { byEnvProtocol, esc, fmt, labelOrder, meanCiText, metricTitle, paperNumber, unique, verdict } from './format.js';
import type { PlotSpec } from './specs.js';

/** A rendered plot: its spec's metadata, its inline SVG (ids already scoped) and its files. */
export interface RenderedPlot {
  plot: PlotSpec;
  /** The file stem under plots/ (the plot's name made file-safe and unique). */
  stem: string;
  svg: string;
  files: string[];
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0;color:#1f2328;background:#fff}
main{max-width:1200px;margin:0 auto;padding:16px 24px 48px}
h1{font-size:24px;margin:8px 0}h2{font-size:19px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}h3{font-size:15px;margin:18px 0 6px}
table{border-collapse:collapse;margin:6px 0 12px;font-size:13px}th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.num{font-variant-numeric:tabular-nums;white-space:nowrap}
.v{font-weight:700;white-space:nowrap;padding:1px 6px;border-radius:4px}.HELD{background:#dafbe1;color:#1a7f37}
.NOT-HELD{background:#ffebe9;color:#b42318}.UNDECIDED{background:#fff8c5;color:#8a6d00}
.meta{color:#57606a}.failed{color:#b42318}.paper{color:#57606a;font-size:12px}
figure{margin:12px 0;display:inline-block;vertical-align:top}figure svg{max-width:100%;height:auto}
figcaption{font-size:12px;color:#57606a}pre{background:#f6f8fa;padding:10px;overflow:auto;font-size:12px;max-height:480px}
nav a{margin-right:12px}
`;

function claimsSection(input: ReportInput, plots: RenderedPlot[]): string {
  if (input.claims.length === 0) return '';
  const rows = input.claims.map((c) => {
    const v = verdict(c);
    const e = c.effect;
    const plot = plots.find((p) => p.plot.name === `claim__${c.id}`);
    return (
      `<tr><td><span class="v ${v.replace(' ', '-')}">${v}</span></td><td>${esc(c.text)}${plot ? ` <a href="#plot-${esc(plot.stem)}">plot</a>` : ''}</td>` +
      `<td>${esc(c.detail)}</td><td class="num">${e === undefined ? '' : `${esc(e.name)} = ${fmt(e.value)}`}</td>` +
      `<td class="num">${e?.paper === undefined || e.paper === null ? '' : fmt(e.paper)}</td><td>${esc(c.source)}</td></tr>`
    );
  });
  return (
    `<h2 id="claims">Claims</h2><table><thead><tr><th>verdict</th><th>claim</th><th>measured</th><th>effect</th><th>paper</th><th>source</th></tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table>`
  );
}

function tablesSection(input: ReportInput): string {
  const labels = labelOrder(input);
  const parts: string[] = ['<h2 id="results">Final metrics</h2><p class="meta">mean [95 % CI] (n seeds) over seeds.</p>'];
  for (const g of byEnvProtocol(input)) {
    const metrics = unique(g.rows.map((r) => r.metric));
    const head = metrics.map((m) => `<th title="${esc(input.metricInfo[m]?.description ?? '')}">${esc(metricTitle(input, m))}</th>`).join('');
    const body = labels
      .filter((l) => g.rows.some((r) => r.label === l))
      .map((l) => {
        const tds = metrics.map((metric) => {
          const r = g.rows.find((x) => x.label === l && x.metric === metric);
          if (r === undefined) return '<td></td>';
          const p = paperNumber(input, g.env, l, g.protocol, metric);
          const paper = p === undefined ? '' : `<br><span class="paper" title="${esc(p.source)}">paper ${fmt(p.value)}</span>`;
          return `<td class="num" title="${esc(r.ciMethod)}">${esc(meanCiText(r))}${paper}</td>`;
        });
        return `<tr><th>${esc(l)}</th>${tds.join('')}</tr>`;
      });
    parts.push(`<h3>${esc(g.env)} — ${esc(g.protocol)}</h3><table><thead><tr><th>agent</th>${head}</tr></thead><tbody>${body.join('')}</tbody></table>`);
  }
  const described = Object.entries(input.metricInfo);
  if (described.length > 0) {
    parts.push(
      `<ul class="meta">${described
        .map(([m, i]) => `<li><code>${esc(m)}</code>${i.unit ? ` (${esc(i.unit)})` : ''}: ${esc(i.description)}; ${i.better} is better.</li>`)
        .join('')}</ul>`,
    );
  }
  return parts.join('\n');
}

function plotsSection(plots: RenderedPlot[]): string {
  const kinds: Array<[PlotSpec['kind'], string]> = [
    ['claim', 'Claims'],
    ['bars', 'Final metrics'],
    ['curve', 'Learning curves'],
  ];
  const parts = ['<h2 id="plots">Plots</h2>'];
  for (const [kind, title] of kinds) {
    const ps = plots.filter((p) => p.plot.kind === kind);
    if (ps.length === 0) continue;
    parts.push(`<h3>${title}</h3>`);
    for (const p of ps) {
      const links = p.files.map((f) => `<a href="${esc(f)}">${esc(f.slice(f.lastIndexOf('.') + 1))}</a>`).join(' ');
      parts.push(`<figure id="plot-${esc(p.stem)}" data-plot="${esc(p.stem)}">${p.svg}<figcaption>${esc(p.plot.title)} — ${links}</figcaption></figure>`);
    }
  }
  return parts.join('\n');
}

function cellsSection(input: ReportInput): string {
  const dir = input.cellsDir ?? 'cells';
  const href = (id: string, f: string) => esc(encodeURI(dir === '' ? `${id}/${f}` : `${dir}/${id}/${f}`));
  const rows = input.cells.map((c) => {
    const k = c.cell;
    const status = c.status === 'ok' ? 'ok' : `<span class="failed">failed</span>: ${esc(c.error ?? '')}`;
    return (
      `<tr><td><code>${esc(k.id)}</code></td><td>${esc(k.env)}</td><td>${esc(k.label)}</td><td class="num">${k.seed}</td>` +
      `<td>${status}</td><td class="num">${c.steps}</td><td class="num">${c.wallSeconds.toFixed(1)}</td>` +
      `<td><a href="${href(k.id, 'run.json')}">run.json</a> <a href="${href(k.id, 'result.json')}">result.json</a></td></tr>`
    );
  });
  const failed = input.cells.filter((c) => c.status === 'failed');
  const failedList =
    failed.length === 0
      ? ''
      : `<p class="failed"><b>${failed.length} failed:</b></p><ul>${failed
          .map((c) => `<li><a href="${href(c.cell.id, 'result.json')}"><code>${esc(c.cell.id)}</code></a>: ${esc(c.error ?? 'no error recorded')}</li>`)
          .join('')}</ul>`;
  return (
    `<h2 id="cells">Cells</h2>${failedList}<table><thead><tr><th>cell</th><th>env</th><th>agent</th><th>seed</th><th>status</th><th>steps</th><th>wall s</th><th>files</th></tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table>`
  );
}

export function reportHtml(input: ReportInput, plots: RenderedPlot[]): string {
  const m = input.meta;
  const ok = input.cells.filter((c) => c.status === 'ok').length;
  const failed = input.cells.length - ok;
  const held = input.claims.filter((c) => c.held === true).length;
  const meta = [
    `faasgym ${m.packageVersion}${m.gitCommit ? ` (${m.gitCommit.slice(0, 12)})` : ''}`,
    `Node ${m.node}`,
    m.tfBackend ? `tfjs ${m.tfBackend}` : '',
    m.quick ? 'quick variant' : '',
    `${m.startedAt} → ${m.finishedAt}`,
  ].filter((x) => x !== '');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(m.name)} — faasgym report</title><style>${CSS}</style></head>
<body><main>
<h1>${esc(m.name)}${m.quick ? ' <small>(quick)</small>' : ''}</h1>
${m.description ? `<p>${esc(m.description)}</p>` : ''}
<p><b>Source:</b> ${esc(m.source)}</p>
<p class="meta">${meta.map(esc).join(' · ')}<br>${input.cells.length} cells: ${ok} ok, ${failed} failed${input.claims.length > 0 ? ` · claims: ${held} of ${input.claims.length} held` : ''}</p>
<nav><a href="#claims">claims</a><a href="#results">tables</a><a href="#plots">plots</a><a href="#cells">cells</a><a href="#config">experiment</a></nav>
${claimsSection(input, plots)}
${tablesSection(input)}
${plotsSection(plots)}
${cellsSection(input)}
<h2 id="config">Experiment</h2>
<p>File: <code>${esc(m.file)}</code></p>
<details open><summary>experiment file</summary><pre>${esc(m.fileText)}</pre></details>
<details><summary>resolved configuration (experiment.json)</summary><pre>${esc(JSON.stringify(m.resolved, null, 2) ?? 'null')}</pre></details>
</main></body></html>
`;
}
