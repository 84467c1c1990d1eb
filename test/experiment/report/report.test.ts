import { Resvg } from '@resvg/resvg-js';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeReport } from '../../../src/experiment/report/index.js';
import { curveStats, tCritical95 } from '../../../src/experiment/report/stats.js';
import type { ReportFiles, ReportInput } from '../../../src/experiment/runner/types.js';
import { ENVS, fixtureInput, LABELS } from './fixture.js';

let dir: string;
let input: ReportInput;
let files: ReportFiles;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'faasgym-report-'));
  input = fixtureInput();
  files = await writeReport(input, dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const read = (f: string) => readFileSync(join(dir, f), 'utf8');

describe('writeReport', () => {
  test('writes summary.md, report.html and an SVG and a PNG per plot', () => {
    expect(files.summaryMd).toBe('summary.md');
    expect(files.reportHtml).toBe('report.html');
    // 3 claims + bars per env × protocol (2 + 1) + curves per env × metric (2 + 1).
    const svgs = files.plots.filter((f) => f.endsWith('.svg'));
    expect(svgs).toHaveLength(9);
    expect(files.plots.filter((f) => f.endsWith('.png'))).toHaveLength(9);
    expect(svgs.filter((f) => f.startsWith('plots/claim__'))).toHaveLength(3);
    expect(svgs.filter((f) => f.startsWith('plots/bars__'))).toHaveLength(3);
    expect(svgs).toContain('plots/curve__FaaSConf-Sequential-v0__qosMet.svg');
    for (const f of [files.summaryMd, files.reportHtml, ...files.plots]) expect(existsSync(join(dir, f))).toBe(true);
  });

  test('each SVG parses (resvg) and has drawn marks of its kind', () => {
    for (const f of files.plots.filter((x) => x.endsWith('.svg'))) {
      const svg = read(f);
      expect(svg.startsWith('<svg')).toBe(true);
      const bbox = new Resvg(svg).innerBBox();
      expect(bbox?.width ?? 0).toBeGreaterThan(50);
      expect(bbox?.height ?? 0).toBeGreaterThan(50);
      if (f.includes('curve__')) {
        // One line and one CI band per label that learns (attmf+ses, random-search; k8s <hpa> has no curve).
        expect(svg.match(/class="mark-line role-mark/g)).toHaveLength(2);
        expect(svg.match(/class="mark-area role-mark/g)).toHaveLength(2);
        expect(svg.match(/class="mark-symbol role-legend-symbol/g)).toHaveLength(2);
      } else {
        expect(svg).toMatch(/class="mark-rect[^"]*"/);
        expect(svg).toMatch(/class="mark-rule[^"]*"/);
      }
    }
  });

  test('each PNG has the PNG signature and a real size', () => {
    for (const f of files.plots.filter((x) => x.endsWith('.png'))) {
      const b = readFileSync(join(dir, f));
      expect([...b.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      expect(statSync(join(dir, f)).size).toBeGreaterThan(2000);
      expect(b.readUInt32BE(16)).toBeGreaterThan(200); // IHDR width
      expect(b.readUInt32BE(20)).toBeGreaterThan(200); // IHDR height
    }
  });

  test('report.html is self-contained: no external resource, no script, inline SVGs with scoped ids', () => {
    const html = read('report.html');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/@import/i);
    expect(html).not.toMatch(/\b(src|href|xlink:href|action|poster)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/url\(\s*["']?\s*(https?:)?\/\//i);
    expect(html.match(/<svg/g)).toHaveLength(9);
    const ids = [...html.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
    // The experiment file is shown as text, escaped.
    expect(html).toContain('seeds: 3 # &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;budget&quot;: 1000');
    // Per-cell links are relative paths into the cell folders.
    expect(html).toContain('href="cells/FaaSConf-Sequential-v0__attmf+ses__s0/run.json"');
    expect(html).toContain('href="cells/CartPole-v1__k8s__hpa___s2/result.json"');
    expect(html).toContain(
      '<p class="failed"><b>1 failed:</b></p><ul><li><a href="cells/CartPole-v1__k8s__hpa___s2/result.json"><code>CartPole-v1__k8s__hpa___s2</code></a>: worker exited with code 134 (out of memory)</li></ul>',
    );
    for (const v of ['HELD', 'NOT HELD', 'UNDECIDED']) expect(html).toContain(`>${v}</span>`);
  });

  test('summary.md: every table cell is the input mean [CI] (n), with the paper number beside', () => {
    const md = read('summary.md');
    let checked = 0;
    for (const env of ENVS) {
      for (const protocol of env === ENVS[0] ? ['greedy', 'best-found'] : ['greedy']) {
        const section = md.split(`## ${env} — ${protocol}\n`)[1].split('\n## ')[0];
        const rows = section.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| agent'));
        const header = section.split('\n').find((l) => l.startsWith('| agent')) ?? '';
        const metrics = header.split('|').slice(2, -1).map((h) => h.trim().split(' ')[0]);
        expect(rows.map((r) => r.split('|')[1].trim())).toEqual(LABELS.map((l) => l.replace('<', '&lt;').replace('>', '&gt;')));
        for (const row of rows) {
          const label = row.split('|')[1].trim().replace('&lt;', '<').replace('&gt;', '>');
          row.split('|').slice(2, -1).forEach((text, i) => {
            const s = input.summaries.find((x) => x.env === env && x.protocol === protocol && x.label === label && x.metric === metrics[i]);
            if (s === undefined) throw new Error(`no summary for ${env} ${protocol} ${label} ${metrics[i]}`);
            const m = text.trim().match(/^(\S+)(?: \[(\S+), (\S+)\])? \(n=(\d+)(?:, (\d+) missing)?\)/);
            if (m === null) throw new Error(`cell text: ${text}`);
            expect(Number(m[1])).toBeCloseTo(s.mean ?? NaN, 3);
            if (s.ciLow === null) expect(m[2]).toBeUndefined();
            else {
              expect(Number(m[2])).toBeCloseTo(s.ciLow, 3);
              expect(Number(m[3])).toBeCloseTo(s.ciHigh ?? NaN, 3);
            }
            expect(Number(m[4])).toBe(s.n);
            expect(Number(m[5] ?? 0)).toBe(s.missing);
            checked++;
          });
        }
      }
    }
    expect(checked).toBe(3 * 2 * 2 + 3 * 1);
    // random-search lost one seed of scaledCost; k8s <hpa> lost a CartPole cell.
    expect(md).toMatch(/\| random-search \|[^\n]*\(n=2, 1 missing\)/);
    expect(md).toMatch(/\| k8s &lt;hpa&gt; \| \S+ \[\S+, \S+\] \(n=2, 1 missing\) \|/);
    expect(md).toContain('· paper 0.1900');
    expect(md).toContain('## Failed cells\n\n- `CartPole-v1__k8s__hpa___s2` (CartPole-v1, k8s &lt;hpa&gt;, seed 2): worker exited with code 134 (out of memory)');
    expect(md).toContain("| **HELD** | attmf+ses's scaledCost is lower than random-search's by ≥ 20 % | attmf+ses 0.2000 vs random-search 0.3550: −43.7 % | relative difference = -0.4370 | -0.3100 |");
    expect(md).toContain('| **NOT HELD** | k8s &lt;hpa&gt; meets QoS');
    expect(md).toContain('| **UNDECIDED** |');
  });
});

describe('learning-curve statistics', () => {
  test('t(0.975) matches the tables, also past the tabulated range', () => {
    expect(tCritical95(1)).toBe(12.706);
    expect(tCritical95(2)).toBe(4.303);
    expect(tCritical95(40)).toBeCloseTo(2.021, 3);
    expect(tCritical95(120)).toBeCloseTo(1.980, 3);
    expect(() => tCritical95(0)).toThrow('tCritical95: df: expected an integer >= 1, got 0');
  });

  test('mean and Student-t CI per step over seeds, computed by hand', () => {
    const pts = curveStats(fixtureInput().cells).filter((p) => p.env === ENVS[0] && p.label === 'attmf+ses' && p.metric === 'qosMet');
    expect(pts.map((p) => p.step)).toEqual([0, 250, 500, 750, 1000]);
    // At step 1000 the seeds' values are 0.95 · (0.97, 1, 1.03): mean 0.95, s = 0.95 · 0.03, half-width 4.303 · s / √3.
    const last = pts[4];
    expect(last.n).toBe(3);
    expect(last.mean).toBeCloseTo(0.95, 10);
    const half = (4.303 * 0.95 * 0.03) / Math.sqrt(3);
    expect(last.low).toBeCloseTo(0.95 - half, 10);
    expect(last.high).toBeCloseTo(0.95 + half, 10);
  });
});

describe('edge cases', () => {
  test('a run with no curves, a metric no seed measured, and a claim on a missing label still reports', async () => {
    const base = fixtureInput();
    const cells = base.cells.filter((c) => c.cell.env === ENVS[1]).map((c) => ({ ...c, curve: [] }));
    const summaries = base.summaries
      .filter((s) => s.env === ENVS[1])
      .map((s) => (s.label === 'random-search' ? { ...s, n: 0, missing: 3, mean: null, std: null, ciLow: null, ciHigh: null, ciMethod: 'none (n < 2)', values: s.values.map((v) => ({ ...v, value: null })) } : s));
    const claims = [{ ...base.claims[2], id: 'odd/id: with spaces', labels: ['nobody', 'attmf+ses'] }];
    const out = mkdtempSync(join(tmpdir(), 'faasgym-report-edge-'));
    try {
      const f = await writeReport({ ...base, cells, summaries, claims, paper: undefined, cellsDir: '' }, out);
      expect(f.plots.filter((p) => p.endsWith('.svg'))).toEqual(['plots/claim__odd-id-with-spaces.svg', 'plots/bars__CartPole-v1__greedy.svg']);
      const md = readFileSync(join(out, 'summary.md'), 'utf8');
      expect(md).toContain('| random-search | — (n=0, 3 missing) |');
      const html = readFileSync(join(out, 'report.html'), 'utf8');
      expect(html).toContain('href="CartPole-v1__attmf+ses__s0/run.json"');
      expect(html).toContain('<a href="#plot-claim__odd-id-with-spaces">plot</a>');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
