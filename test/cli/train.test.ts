import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// `npm test` builds dist/ before jest runs, so this exercises the real `faasgym` bin.
const CLI = join(process.cwd(), 'dist', 'src', 'experiment', 'cli.js');

function faasgym(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, FAASGYM_QUIET: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let dir: string;
beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
  dir = mkdtempSync(join(tmpdir(), 'faasgym-train-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Tiny settings over the zoo entry so that a run takes a few seconds.
const TINY = ['--set', 'hidden=[16]', '--set', 'learningStarts=50', '--set', 'trainFreq=4', '--set', 'gradientSteps=1', '--set', 'batchSize=16'];

test('train writes metrics.jsonl, run.json and a checkpoint; eval --json reads the checkpoint back', () => {
  const out = join(dir, 'run');
  const r = faasgym('train', '--env', 'CartPole-v1', '--agent', 'dqn', '--steps', '400', '--seed', '3', '--out', out, '--eval-episodes', '2', ...TINY);
  expect(r.stderr).not.toContain('Error');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^trained dqn on CartPole-v1: 400 steps, \d+ episodes in [\d.]+ s \(\d+ steps\/s\); evaluation [\d.]+ ± [\d.]+ over 2 episodes; checkpoint /);
  // progress lines on stderr (not a TTY here: one line per update)
  expect(r.stderr).toContain('faasgym train: dqn on CartPole-v1, 400 steps, seed 3; options from zoo ');
  expect(r.stderr).toMatch(/\[#{20}\] 400\/400 100% \| \d+ steps\/s \| ep \d+ \| return [\d.]+ \(mean100 [\d.]+\) \| loss q=[\d.e+-]+ qMax=[\d.e+-]+ \| eps 0\.\d+/);

  const rows = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const episodes = rows.filter((row) => 'episode' in row);
  expect(episodes.length).toBeGreaterThan(3);
  expect(episodes[0]).toEqual(expect.objectContaining({ step: expect.any(Number), episode: 1, return: expect.any(Number), length: expect.any(Number), wallSeconds: expect.any(Number) }));
  expect(rows[rows.length - 1]).toEqual(expect.objectContaining({ step: 400, final: true, evaluation: expect.objectContaining({ episodes: 2 }) }));

  const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { hyperparameters: Record<string, unknown>; sources: string[]; steps: number };
  expect(run.steps).toBe(400);
  expect(run.hyperparameters).toMatchObject({ hidden: [16], learningStarts: 50, totalSteps: 400, learningRate: 0.0023, batchSize: 16 }); // zoo, then --set
  expect(run.sources[0]).toMatch(/^zoo .*configs[/\\]zoo[/\\]dqn\.yaml#CartPole-v1$/);
  expect(existsSync(join(out, 'checkpoint', 'latest.json'))).toBe(true);

  const ev = faasgym('eval', '--checkpoint', join(out, 'checkpoint'), '--episodes', '3', '--json');
  expect(ev.code).toBe(0);
  const parsed = JSON.parse(ev.stdout) as { meanReturn: number; stdReturn: number; episodes: number; agent: string; env: string };
  expect(parsed).toMatchObject({ episodes: 3, agent: 'dqn', env: 'CartPole-v1' });
  expect(parsed.meanReturn).toBeGreaterThan(0);
  expect(parsed.stdReturn).toBeGreaterThanOrEqual(0);
  // the run directory works too, and the text form names the agent
  const text = faasgym('eval', '--checkpoint', out, '--episodes', '1', '--env', 'CartPole-v1');
  expect(text.code).toBe(0);
  expect(text.stdout).toMatch(/^dqn on CartPole-v1: mean return [\d.]+ ± 0\.00 over 1 episodes/);
}, 150_000);

test('train --config reads a YAML options file under --set; --json prints a summary', () => {
  const config = join(dir, 'dqn.yaml');
  writeFileSync(config, 'hidden: [8]\nlearningStarts: 20\ndoubleQ: true\n');
  const out = join(dir, 'run-config');
  const r = faasgym('train', '--env', 'CartPole-v1', '--agent', 'dqn', '--steps', '60', '--out', out, '--config', config, '--set', 'learningStarts=30', '--no-zoo', '--eval-episodes', '0', '--quiet', '--json');
  expect(r.code).toBe(0);
  expect(r.stderr).toBe('');
  expect(JSON.parse(r.stdout)).toMatchObject({ env: 'CartPole-v1', agent: 'dqn', seed: 0, steps: 60, meanReturn: null, evalEpisodes: 0, out });
  const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { hyperparameters: Record<string, unknown>; sources: string[] };
  expect(run.hyperparameters).toMatchObject({ hidden: [8], learningStarts: 30, doubleQ: true, totalSteps: 60, learningRate: 0.0025 });
  expect(run.sources).toEqual([config, '--set']);
}, 150_000);

test('--stop-at-return ends training at the first periodic evaluation that reaches it', () => {
  const out = join(dir, 'run-stop');
  const r = faasgym('train', '--env', 'CartPole-v1', '--agent', 'dqn', '--steps', '5000', '--out', out, '--eval-every', '100', '--stop-at-return', '1', '--eval-episodes', '1', '--quiet', '--json', ...TINY);
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout)).toMatchObject({ steps: 100, stoppedEarly: true, evalEpisodes: 1 });
  const rows = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(rows).toContainEqual({ step: 100, stopped: true, stopAtReturn: 1 });
  expect(rows[rows.length - 1]).toMatchObject({ step: 100, final: true });
  expect(faasgym('train', '--env', 'CartPole-v1', '--agent', 'dqn', '--stop-at-return', 'soon').stderr).toContain('--stop-at-return must be a number or "none", got "soon"');
}, 150_000);

test('clear errors: unsupported action space, bad option (naming its source), unknown agent, missing checkpoint', () => {
  const box = faasgym('train', '--env', 'Pendulum-v1', '--agent', 'dqn', '--steps', '10', '--out', join(dir, 'x'));
  expect(box.code).toBe(2); // a configuration error
  expect(box.stderr).toContain('faasgym: ConfigError: dqn cannot run on Pendulum-v1: dqn needs a Discrete or MultiDiscrete action space, got Box');
  const bad = faasgym('train', '--env', 'CartPole-v1', '--agent', 'dqn', '--steps', '10', '--out', join(dir, 'y'), '--set', 'gamma=2');
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/dqn: options.gamma: expected a number in \[0, 1\], got 2 \(options from zoo .*dqn\.yaml#CartPole-v1, --set\)/);
  const unknown = faasgym('train', '--env', 'CartPole-v1', '--agent', 'dqm', '--steps', '10');
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toContain('unknown agent "dqm" (available: ');
  const missing = faasgym('eval', '--checkpoint', join(dir, 'nothing-here'));
  expect(missing.code).toBe(1);
  expect(missing.stderr).toContain('CheckpointError: no checkpoint in');
  expect(faasgym('train', '--env', 'CartPole-v1').code).toBe(2); // --agent is required
}, 150_000);

test('examples/train-cartpole-dqn.ts runs compiled, shortened with --steps', () => {
  const example = join(process.cwd(), 'dist', 'examples', 'train-cartpole-dqn.js');
  expect(existsSync(example)).toBe(true);
  const r = spawnSync(process.execPath, [example, '--steps', '600'], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, FAASGYM_QUIET: '1' } });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/^step 60\/600 /);
  expect(r.stdout).toMatch(/trained 600 steps \(\d+ episodes\) in [\d.]+ s; greedy evaluation: [\d.]+ ± [\d.]+ over 20 episodes\n$/);
}, 150_000);
