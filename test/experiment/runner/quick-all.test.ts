/**
 * CI: every shipped experiment file's `--quick` variant runs to the end (no
 * failed cell) through the built CLI, each file's wall time printed; where the
 * file's `quick:` section has its own `claims` (bars a CI budget still meets
 * and that still prove learning), every one of them must hold. The whole step
 * is meant to take under about 5 minutes on the 2-core CI machine.
 * `FAASGYM_QUICK_FILES=faasconf-fig8,stepconf-fig19-21` runs only those.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

const CLI = join(process.cwd(), 'dist', 'src', 'experiment', 'cli.js');
const DIR = join(process.cwd(), 'configs', 'experiments');
const only = process.env.FAASGYM_QUICK_FILES?.split(',').map((s) => s.trim()).filter(Boolean);
const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, '')).filter((f) => !only || only.includes(f)).sort();

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
});

const walls: string[] = [];
afterAll(() => {
  process.stdout.write(`faasgym run --quick wall times:\n${walls.join('\n')}\n`);
});

test.each(files)('faasgym run configs/experiments/%s.yaml --quick finishes every cell and every quick claim holds', (name) => {
  const out = mkdtempSync(join(tmpdir(), `faasgym-quick-${name}-`));
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [CLI, 'run', join(DIR, `${name}.yaml`), '--quick', '--jobs', '2', '--out', out, '--json', '--quiet'], { encoding: 'utf8', timeout: 600_000 });
  const wall = (Date.now() - t0) / 1000;
  walls.push(`  ${name.padEnd(20)} ${wall.toFixed(1).padStart(6)} s`);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const j = JSON.parse(r.stdout) as { failed: number; missing: string[]; claims: { id: string; text: string; held: boolean | null; detail: string }[]; summaries: { n: number }[] };
  expect(j.failed).toBe(0);
  expect(j.missing).toEqual([]);
  expect(j.summaries.length).toBeGreaterThan(0);
  expect(j.claims.length).toBeGreaterThan(0);
  // The file's quick claims (they replace its full claims under --quick) must all hold; the full
  // claims, at the papers' bars, are measured by the full runs.
  const file = parse(readFileSync(join(DIR, `${name}.yaml`), 'utf8')) as { quick?: { claims?: unknown[] } };
  if (file.quick?.claims?.length) {
    const failing = j.claims.filter((c) => c.held !== true).map((c) => `configs/experiments/${name}.yaml --quick: claim ${c.id} ${c.held === null ? 'undecided' : 'failed'}: ${c.text}: ${c.detail}`);
    expect(failing).toEqual([]);
    expect(j.claims.length).toBeGreaterThanOrEqual(file.quick.claims.length);
  }
}, 600_000);
