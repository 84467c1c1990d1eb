import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

// `npm test` builds dist/ before jest runs, so this exercises the real `faasgym` bin.
const CLI = join(process.cwd(), 'dist', 'src', 'experiment', 'cli.js');

function faasgym(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
});

test('faasgym envs --json lists every id with its kind and description', () => {
  const r = faasgym('envs', '--json');
  expect(r.code).toBe(0);
  const rows = JSON.parse(r.stdout) as { id: string; kind: string; description: string }[];
  const cartpole = rows.find((row) => row.id === 'CartPole-v1');
  expect(cartpole).toMatchObject({ kind: 'single' });
  expect(cartpole?.description.length).toBeGreaterThan(10);
  expect(rows.map((row) => row.id)).toContain('Pendulum-v1');
  expect(rows.every((row) => row.kind === 'single' || row.kind === 'parallel')).toBe(true);
});

test('faasgym envs prints a table', () => {
  const r = faasgym('envs');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^CartPole-v1\s+single\s+\S/m);
});

test('faasgym check passes on CartPole-v1 and reports JSON', () => {
  const r = faasgym('check', 'CartPole-v1');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^CartPole-v1: OK \(9 passed, 0 failed, 0 skipped\)/);
  const j = faasgym('check', 'Pendulum-v1', '--json');
  expect(JSON.parse(j.stdout)).toMatchObject({ id: 'Pendulum-v1', ok: true, failed: [] });
});

test('faasgym check on an unknown id exits 2 (bad usage) with a clear message', () => {
  const r = faasgym('check', 'CartPol-v1');
  expect(r.code).toBe(2);
  expect(r.stderr).toBe('faasgym: ConfigError: environment "CartPol-v1" is not registered; did you mean CartPole-v1? (see `faasgym envs`)\n');
});

test('usage errors exit 2', () => {
  expect(faasgym('check').code).toBe(2);
  expect(faasgym('check', 'CartPole-v1', '--seed', '-3').stderr).toContain('--seed must be a non-negative integer, got "-3"');
  expect(faasgym('frobnicate').code).toBe(2);
});

test('faasgym --version prints the package version', () => {
  const r = faasgym('--version');
  expect(r.code).toBe(0);
  expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
});
