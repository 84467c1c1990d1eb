/**
 * report.html in a real browser: headless Chromium (Debian's `chromium`) opens
 * the file from disk with every host name unresolvable, and a probe script
 * appended to a copy of the page writes what it measured into the DOM, which
 * `--dump-dom` prints. Every plot must be an <svg> with a non-zero box and
 * drawn marks (paths, rects, lines with non-zero boxes).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeReport } from '../../../src/experiment/report/index.js';
import { fixtureInput } from './fixture.js';

function findChromium(): string | null {
  for (const bin of [process.env.CHROMIUM_BIN, 'chromium', 'chromium-browser', 'google-chrome']) {
    if (bin === undefined || bin === '') continue;
    const r = spawnSync('sh', ['-c', `command -v "$0"`, bin], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim() !== '') return r.stdout.trim();
  }
  return null;
}

const chromium = findChromium();
if (chromium === null) console.warn('report.html browser test skipped: no chromium on PATH (Debian: apt-get install chromium; or set CHROMIUM_BIN)');
const maybe = chromium === null ? test.skip : test;

const PROBE = `<script>
const plots = [...document.querySelectorAll('figure[data-plot]')].map((fig) => {
  const svg = fig.querySelector('svg');
  if (svg === null) return { plot: fig.dataset.plot, svg: false };
  const box = svg.getBoundingClientRect();
  const marks = [...svg.querySelectorAll('.role-mark path, .role-mark rect, .role-mark line')];
  const drawn = marks.filter((m) => { const b = m.getBoundingClientRect(); return b.width > 0 || b.height > 0; }).length;
  return { plot: fig.dataset.plot, svg: true, width: box.width, height: box.height, marks: marks.length, drawn };
});
const pre = document.createElement('pre');
pre.id = 'probe';
pre.textContent = JSON.stringify({ plots, tables: document.querySelectorAll('table').length });
document.body.appendChild(pre);
</script>`;

maybe('report.html draws every plot in headless Chromium, offline', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'faasgym-report-chromium-'));
  try {
    const files = await writeReport(fixtureInput(), dir);
    const html = readFileSync(join(dir, files.reportHtml), 'utf8');
    const probe = join(dir, 'probe.html');
    writeFileSync(probe, html.replace('</body>', `${PROBE}</body>`));
    const dom = execFileSync(
      chromium as string,
      [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
        '--disable-background-networking', '--host-resolver-rules=MAP * ~NOTFOUND',
        `--user-data-dir=${join(dir, 'profile')}`, '--window-size=1280,1024', '--dump-dom', pathToFileURL(probe).href,
      ],
      { encoding: 'utf8', timeout: 90_000, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const text = dom.match(/<pre id="probe">([\s\S]*?)<\/pre>/)?.[1];
    if (text === undefined) throw new Error(`no probe output in the DOM Chromium dumped:\n${dom.slice(0, 500)}`);
    const result = JSON.parse(text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')) as {
      plots: Array<{ plot: string; svg: boolean; width: number; height: number; marks: number; drawn: number }>;
      tables: number;
    };
    expect(result.plots.map((p) => p.plot).sort()).toEqual(files.plots.filter((f) => f.endsWith('.svg')).map((f) => f.slice(6, -4)).sort());
    for (const p of result.plots) {
      expect({ plot: p.plot, svg: p.svg }).toEqual({ plot: p.plot, svg: true });
      expect(p.width).toBeGreaterThan(100);
      expect(p.height).toBeGreaterThan(100);
      expect(p.marks).toBeGreaterThan(0);
      expect(p.drawn).toBe(p.marks);
    }
    // Claims, cells, and one table per env × protocol (3).
    expect(result.tables).toBe(5);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);
