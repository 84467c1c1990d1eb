/**
 * The report of an experiment run, written into the run folder:
 * `summary.md`, `report.html` (self-contained) and `plots/*.svg` + `plots/*.png`.
 * The runner calls `writeReport` once the cells are done; the data it receives
 * is `ReportInput` (../runner/types.ts).
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReportFiles, ReportInput } from '../runner/types.js';
import { slug } from './format.js';
import { reportHtml, type RenderedPlot } from './html.js';
import { renderPng, renderSvg, scopeSvgIds } from './render.js';
import { barSpecs, claimSpecs, curveSpecs, type PlotSpec } from './specs.js';
import { curveStats } from './stats.js';
import { summaryMarkdown } from './summary.js';

/** Write through a temporary file and a rename, so a reader never sees half a file. */
function writeAtomic(path: string, data: string | Buffer): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/** Every plot of the run: one per claim, one bar chart per env × protocol, one learning curve per env × metric. */
export function plotSpecs(input: ReportInput): PlotSpec[] {
  return [...claimSpecs(input), ...barSpecs(input), ...curveSpecs(input, curveStats(input.cells))];
}

export async function writeReport(input: ReportInput, outDir: string): Promise<ReportFiles> {
  const plotsDir = join(outDir, 'plots');
  mkdirSync(plotsDir, { recursive: true });
  const rendered: RenderedPlot[] = [];
  const used = new Set<string>();
  for (const [i, plot] of plotSpecs(input).entries()) {
    let stem = slug(plot.name);
    while (used.has(stem)) stem = `${stem}_`;
    used.add(stem);
    const svg = await renderSvg(plot.spec);
    const files = [`plots/${stem}.svg`, `plots/${stem}.png`];
    writeAtomic(join(outDir, files[0]), svg);
    writeAtomic(join(outDir, files[1]), renderPng(svg));
    rendered.push({ plot, stem, svg: scopeSvgIds(svg, `p${i}-`), files });
  }
  const plots = rendered.flatMap((p) => p.files);
  writeAtomic(join(outDir, 'summary.md'), summaryMarkdown(input, plots));
  writeAtomic(join(outDir, 'report.html'), reportHtml(input, rendered));
  return { summaryMd: 'summary.md', reportHtml: 'report.html', plots };
}
