/**
 * The runner end to end through the built CLI (npm test builds dist/ first),
 * on a tiny experiment: DQN (a few hundred steps) and random actions on
 * CartPole-v1, two seeds each.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CellResult, MetricSummary } from '../../../src/experiment/runner/types.js';

const CLI = join(process.cwd(), 'dist', 'src', 'experiment', 'cli.js');
const TINY = `name: tiny
description: DQN against random actions on CartPole, a few hundred steps
source: test
envs:
  - id: CartPole-v1
agents:
  - agent: dqn
    options: { learningStarts: 100, hidden: [8], trainFreq: 8, batchSize: 16 }
  - agent: random
seeds: 2
budget: 240
eval: { episodes: 2, protocols: [greedy, training], curvePoints: 3 }
metrics: [return, episodeLength]
claims:
  - { type: relative, source: test, metric: return, a: dqn, b: random }
`;

let dir: string;
beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
  dir = mkdtempSync(join(tmpdir(), 'faasgym-runner-'));
  writeFileSync(join(dir, 'tiny.yaml'), TINY);
});

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, 'run', 'tiny.yaml', ...args], { cwd: dir, encoding: 'utf8', timeout: 600_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const TIMING = ['wallSeconds', 'startedAt', 'finishedAt'] as const;
function rows(out: string): Omit<CellResult, (typeof TIMING)[number]>[] {
  return readFileSync(join(dir, out, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => {
    const r = JSON.parse(l) as CellResult;
    for (const k of TIMING) delete (r as Partial<CellResult>)[k];
    return r;
  });
}

test('--jobs 1 and --jobs 2 give identical results for the same seeds; the summary is the mean and Student t CI over seeds', () => {
  const a = run('--jobs', '1', '--out', 'j1', '--json');
  expect(a.code).toBe(0);
  expect(a.stderr).toContain('faasgym run: tiny: 4 cells, 0 already done, 4 to run on 1 worker; output ');
  expect(a.stderr).toMatch(/✓ CartPole-v1__dqn__s0 in [\d.]+ s, 240 steps — greedy: return [\d.]+, episodeLength [\d.]+ \[\d\/4 cells, \S+ elapsed, ETA \S+\]/);
  const b = run('--jobs', '2', '--out', 'j2');
  expect(b.code).toBe(0);
  expect(b.stdout).toMatch(/^tiny: 4 cells \(4 run now, 0 reused, 0 failed\)\n\nCartPole-v1 — greedy\n {2}dqn +return /);
  expect(b.stdout).toMatch(/\nClaims:\n {2}(HELD {5}|NOT HELD ) c1: dqn's return \(greedy\) is higher than random's \(test\): /);
  const r1 = rows('j1');
  expect(r1.map((r) => r.cell.id)).toEqual(['CartPole-v1__dqn__s0', 'CartPole-v1__dqn__s1', 'CartPole-v1__random__s0', 'CartPole-v1__random__s1']);
  expect(r1.every((r) => r.status === 'ok')).toBe(true);
  expect(rows('j2')).toEqual(r1);
  // DQN learnt for its budget (curve of 3 points over the 240 steps); random actions spend none.
  expect(r1[0]?.steps).toBe(240);
  expect(r1[0]?.curve.map((p) => p.step)).toEqual([80, 160, 240]);
  expect(r1[2]?.steps).toBe(0);
  // The cell folder: run.json, metrics.jsonl (per episode, training then evaluation), checkpoint/, result.json.
  const cellDir = join(dir, 'j1', 'cells', 'CartPole-v1__dqn__s0');
  for (const f of ['run.json', 'metrics.jsonl', 'result.json', 'checkpoint']) expect(existsSync(join(cellDir, f))).toBe(true);
  const m = readFileSync(join(cellDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { phase: string; protocol?: string; return: number; metrics: { return: number } });
  const evals = m.filter((x) => x.phase === 'eval');
  expect(evals).toHaveLength(2);
  expect(m.filter((x) => x.phase === 'train').length).toBeGreaterThan(2);
  expect(evals.reduce((s, e) => s + e.return, 0) / 2).toBeCloseTo(r1[0]?.metrics.greedy?.return as number, 9);
  const meta = JSON.parse(readFileSync(join(dir, 'j1', 'experiment.json'), 'utf8')) as Record<string, unknown>;
  expect(meta).toMatchObject({ file: 'tiny.yaml', quick: false, node: process.version });
  expect(typeof meta.packageVersion).toBe('string');
  // The summary by hand: mean, sample std, t(0.975, 1) = 12.706205.
  const out = JSON.parse(a.stdout) as { summaries: MetricSummary[] };
  for (const label of ['dqn', 'random']) {
    const xs = r1.filter((r) => r.cell.label === label).map((r) => r.metrics.greedy?.return as number);
    const mean = (xs[0]! + xs[1]!) / 2;
    const sd = Math.sqrt(((xs[0]! - mean) ** 2 + (xs[1]! - mean) ** 2) / 1);
    const s = out.summaries.find((x) => x.label === label && x.metric === 'return' && x.protocol === 'greedy');
    expect(s).toMatchObject({ n: 2, missing: 0, ciMethod: 'student-t 95% over seeds' });
    expect(s?.mean).toBeCloseTo(mean, 9);
    expect(s?.std).toBeCloseTo(sd, 9);
    expect(s?.ciLow).toBeCloseTo(mean - (12.706205 * sd) / Math.SQRT2, 5);
    expect(s?.ciHigh).toBeCloseTo(mean + (12.706205 * sd) / Math.SQRT2, 5);
  }
  // Running again reuses every cell.
  const again = run('--jobs', '2', '--out', 'j2');
  expect(again.stderr).toContain('4 cells, 4 already done, 0 to run');
  expect(rows('j2')).toEqual(r1);
}, 900_000);

test('shards 0/2 and 1/2 merged give the same results.jsonl as the unsharded run', () => {
  const s0 = run('--jobs', '2', '--shard', '0/2', '--out', 'shard0');
  expect(s0.code).toBe(0);
  expect(s0.stderr).toContain('2 cells (shard 0/2 of 4)');
  const s1 = run('--jobs', '2', '--shard', '1/2', '--out', 'shard1');
  expect(s1.code).toBe(0);
  expect(rows('shard0').map((r) => r.cell.id)).toEqual(['CartPole-v1__dqn__s0', 'CartPole-v1__random__s0']);
  const m = run('--merge', 'shard0', 'shard1', '--out', 'merged');
  expect(m.code).toBe(0);
  expect(m.stdout).toMatch(/^tiny: 4 cells \(0 run now, 4 reused, 0 failed\)/);
  expect(rows('merged')).toEqual(rows('j1'));
  expect(existsSync(join(dir, 'merged', 'cells', 'CartPole-v1__random__s1', 'metrics.jsonl'))).toBe(true);
}, 900_000);

test('after kill -9 of the runner, running again finishes only the missing cells', async () => {
  const child = spawn(process.execPath, [CLI, 'run', 'tiny.yaml', '--jobs', '1', '--out', 'killed'], { cwd: dir, stdio: 'ignore' });
  const first = join(dir, 'killed', 'cells', 'CartPole-v1__dqn__s0', 'result.json');
  for (let i = 0; i < 1200 && !existsSync(first); i++) await sleep(250);
  expect(existsSync(first)).toBe(true);
  process.kill(child.pid as number, 'SIGKILL');
  await new Promise((res) => child.once('exit', res));
  const kept = readFileSync(first, 'utf8');
  // The orphaned worker exits when it notices the runner is gone; a cell busy in a training loop may
  // finish first (its result is then complete: written atomically). Count the results once it is gone.
  const workersLeft = (): number => readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(join(dir, 'killed'));
    } catch {
      return false;
    }
  }).length;
  for (let i = 0; i < 600 && workersLeft() > 0; i++) await sleep(100);
  expect(workersLeft()).toBe(0);
  const done = ['dqn__s0', 'dqn__s1', 'random__s0', 'random__s1'].filter((c) => existsSync(join(dir, 'killed', 'cells', `CartPole-v1__${c}`, 'result.json')));
  expect(done.length).toBeGreaterThanOrEqual(1);
  expect(done.length).toBeLessThan(4);
  const r = run('--jobs', '1', '--out', 'killed');
  expect(r.code).toBe(0);
  expect(r.stderr).toContain(`4 cells, ${done.length} already done, ${4 - done.length} to run`);
  expect((r.stderr.match(/✓ /g) ?? []).length).toBe(4 - done.length);
  expect(readFileSync(first, 'utf8')).toBe(kept); // a finished cell is never rerun
  expect(rows('killed')).toEqual(rows('j1'));
}, 900_000);

test('Ctrl-C (SIGINT to the runner) stops the cells in flight without a result; running again finishes them', async () => {
  const child = spawn(process.execPath, [CLI, 'run', 'tiny.yaml', '--jobs', '2', '--out', 'interrupted'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const cellDir = (c: string): string => join(dir, 'interrupted', 'cells', `CartPole-v1__${c}`);
  const inFlight = ['dqn__s0', 'dqn__s1'];
  for (let i = 0; i < 1200 && !inFlight.every((c) => existsSync(join(cellDir(c), 'cell.json'))); i++) await sleep(50);
  expect(inFlight.every((c) => existsSync(join(cellDir(c), 'cell.json')))).toBe(true); // both workers started
  process.kill(child.pid as number, 'SIGINT');
  const code = await new Promise<number | null>((res) => child.once('exit', (c) => res(c)));
  expect(code).toBe(130);
  expect(stderr).toContain('faasgym run: stopping the cells in flight');
  // A cell either finished before the signal reached it (its result kept and counted) or was cut short (no result); none started after.
  const finished = ['dqn__s0', 'dqn__s1', 'random__s0', 'random__s1'].filter((c) => existsSync(join(cellDir(c), 'result.json')));
  expect(finished.every((c) => inFlight.includes(c))).toBe(true);
  expect(stderr).toContain(`faasgym run: interrupted; ${finished.length} cells finished now, ${4 - finished.length} not run or cut short. Run the same command again to resume.`);
  const r = run('--jobs', '2', '--out', 'interrupted');
  expect(r.code).toBe(0);
  expect(r.stderr).toContain(`4 cells, ${finished.length} already done, ${4 - finished.length} to run`);
  expect(rows('interrupted')).toEqual(rows('j1'));
}, 900_000);
