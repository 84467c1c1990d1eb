/**
 * The report's plots as vega-lite specs: learning curves (mean and 95 % CI band
 * over seeds, one line per label), bar charts of the final metrics with CI
 * whiskers and the per-seed values, and one comparison per claim.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ClaimVerdict, ReportInput } from '../runner/types.js';
import { labelOrder, unique, verdict } from './format.js';
import type { CurveStat } from './stats.js';

/** One plot to render: its file stem under `plots/`, its title and its spec. */
export interface PlotSpec {
  name: string;
  title: string;
  kind: 'curve' | 'bars' | 'claim';
  spec: TopLevelSpec;
}

const CONFIG = {
  font: 'DejaVu Sans, Arial, sans-serif',
  axis: { labelFontSize: 11, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 260 },
  title: { fontSize: 13, anchor: 'start' as const },
  view: { stroke: '#ddd' },
};

/** Vega's tableau10, assigned to labels in the experiment's order so a label has one colour in every plot. */
const PALETTE = ['#4c78a8', '#f58518', '#e45756', '#72b7b2', '#54a24b', '#eeca3b', '#b279a2', '#ff9da6', '#9d755d', '#bab0ac'];

/** A colour scale over the labels a plot shows, each in its experiment-wide colour. */
function colorScale(all: string[], shown: string[]) {
  const domain = all.filter((l) => shown.includes(l));
  return { domain, range: domain.map((l) => PALETTE[all.indexOf(l) % PALETTE.length]) };
}

function axisTitle(input: ReportInput, metric: string): string {
  const info = input.metricInfo[metric];
  if (info === undefined) return metric;
  return `${metric}${info.unit ? ` (${info.unit})` : ''}, ${info.better} is better`;
}

/** Learning curves: one plot per env × metric, one line per label with its CI band. */
export function curveSpecs(input: ReportInput, curves: CurveStat[]): PlotSpec[] {
  const labels = labelOrder(input);
  const out: PlotSpec[] = [];
  for (const env of unique(curves.map((c) => c.env))) {
    for (const metric of unique(curves.filter((c) => c.env === env).map((c) => c.metric))) {
      const values = curves
        .filter((c) => c.env === env && c.metric === metric)
        .map((c) => ({ label: c.label, step: c.step, mean: c.mean, low: c.low ?? c.mean, high: c.high ?? c.mean, n: c.n }));
      const title = `${env}: ${metric} during training`;
      const color = { field: 'label', type: 'nominal' as const, title: 'agent', scale: colorScale(labels, unique(values.map((v) => v.label))) };
      const x = { field: 'step', type: 'quantitative' as const, title: 'environment steps' };
      out.push({
        name: `curve__${env}__${metric}`,
        title,
        kind: 'curve',
        spec: {
          $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
          title: { text: title, subtitle: 'mean over seeds, band: 95 % CI' },
          width: 460,
          height: 260,
          config: CONFIG,
          data: { values },
          resolve: { legend: { color: 'independent' } },
          layer: [
            {
              mark: { type: 'area', opacity: 0.18 },
              // The legend comes from the lines (a faint band's swatch would be hard to read).
              encoding: { x, y: { field: 'low', type: 'quantitative', title: axisTitle(input, metric) }, y2: { field: 'high' }, color: { ...color, legend: null } },
            },
            {
              mark: { type: 'line', point: { size: 18 } },
              encoding: {
                x,
                y: { field: 'mean', type: 'quantitative' },
                color,
                tooltip: [{ field: 'label' }, { field: 'step' }, { field: 'mean', format: '.4g' }, { field: 'n' }],
              },
            },
          ],
        },
      });
    }
  }
  return out;
}

/** The bar + whisker + seed-points layers shared by the final-metric and claim plots. */
function barLayers(all: string[], shown: string[], yTitle: string | null) {
  const labels = all.filter((l) => shown.includes(l));
  const x = { field: 'label', type: 'nominal' as const, title: null, sort: labels, axis: { labelAngle: -30, labelLimit: 160 } };
  const color = { field: 'label', type: 'nominal' as const, legend: null, scale: colorScale(all, labels) };
  return [
    {
      transform: [{ filter: "datum.kind === 'summary' && isValid(datum.mean)" }],
      mark: { type: 'bar' as const, opacity: 0.75 },
      encoding: { x, y: { field: 'mean', type: 'quantitative' as const, title: yTitle }, color },
    },
    {
      transform: [{ filter: "datum.kind === 'summary' && isValid(datum.low)" }],
      mark: { type: 'rule' as const, strokeWidth: 1.5 },
      encoding: { x, y: { field: 'low', type: 'quantitative' as const }, y2: { field: 'high' } },
    },
    {
      transform: [{ filter: "datum.kind === 'seed'" }],
      mark: { type: 'point' as const, filled: true, size: 22, color: '#222', opacity: 0.7 },
      encoding: { x, y: { field: 'value', type: 'quantitative' as const } },
    },
  ];
}

/** Bar charts: one plot per env × protocol, one panel per metric (each with its own scale). */
export function barSpecs(input: ReportInput): PlotSpec[] {
  const labels = labelOrder(input);
  const out: PlotSpec[] = [];
  const groups = new Map<string, { env: string; protocol: string }>();
  for (const s of input.summaries) groups.set(JSON.stringify([s.env, s.protocol]), { env: s.env, protocol: s.protocol });
  for (const { env, protocol } of groups.values()) {
    const rows = input.summaries.filter((s) => s.env === env && s.protocol === protocol);
    const values: Array<Record<string, unknown>> = [];
    for (const r of rows) {
      const panel = axisTitle(input, r.metric);
      values.push({ kind: 'summary', panel, label: r.label, mean: r.mean, low: r.ciLow, high: r.ciHigh, n: r.n });
      for (const v of r.values) if (v.value !== null) values.push({ kind: 'seed', panel, label: r.label, value: v.value, seed: v.seed });
    }
    const title = `${env} — ${protocol}: final metrics`;
    out.push({
      name: `bars__${env}__${protocol}`,
      title,
      kind: 'bars',
      spec: {
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        title: { text: title, subtitle: 'bars: mean over seeds; whiskers: 95 % CI; dots: seeds' },
        config: CONFIG,
        data: { values },
        facet: { column: { field: 'panel', type: 'nominal', title: null, sort: unique(rows.map((r) => axisTitle(input, r.metric))) } },
        spec: { width: Math.max(120, 34 * labels.length), height: 200, layer: barLayers(labels, unique(rows.map((r) => r.label)), null) },
        resolve: { scale: { y: 'independent' } },
      } as TopLevelSpec,
    });
  }
  return out;
}

/** One plot per claim: the labels it names, on its env × protocol × metric. */
export function claimSpecs(input: ReportInput): PlotSpec[] {
  const all = labelOrder(input);
  return input.claims.map((c: ClaimVerdict) => {
    const rows = input.summaries.filter((s) => s.env === c.env && s.protocol === c.protocol && s.metric === c.metric && c.labels.includes(s.label));
    const labels = c.labels.filter((l) => rows.some((r) => r.label === l));
    const values: Array<Record<string, unknown>> = [];
    for (const r of rows) {
      values.push({ kind: 'summary', label: r.label, mean: r.mean, low: r.ciLow, high: r.ciHigh, n: r.n });
      for (const v of r.values) if (v.value !== null) values.push({ kind: 'seed', label: r.label, value: v.value, seed: v.seed });
    }
    const paper = c.effect?.paper === undefined || c.effect.paper === null ? '' : `; paper ${c.effect.paper}`;
    const subtitle = [`${verdict(c)}: ${c.detail}${paper}`, `${c.env} — ${c.protocol}; ${c.source}`];
    return {
      name: `claim__${c.id}`,
      title: c.text,
      kind: 'claim' as const,
      spec: {
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        title: { text: c.text, subtitle, subtitleColor: c.held === null ? '#8a6d00' : c.held ? '#1a7f37' : '#b42318' },
        config: CONFIG,
        width: Math.max(320, 80 * labels.length),
        height: 220,
        data: { values },
        layer: barLayers(all, labels, axisTitle(input, c.metric)),
      } as TopLevelSpec,
    };
  });
}
