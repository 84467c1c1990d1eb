/**
 * `faasgym train` killed with SIGKILL after a checkpoint, then `--resume`d,
 * ends with the same final checkpoint (weights, optimiser, replay buffer, Rng
 * states: every file's SHA-256) and the same metrics as an uninterrupted run;
 * a non-empty --out is refused without --resume or --overwrite. Runs the
 * built CLI (dist/).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCheckpointManifest } from '../../src/nn/checkpoint.js';

const CLI = join(process.cwd(), 'dist', 'src', 'experiment', 'cli.js');
const ENV = { ...process.env, FAASGYM_QUIET: '1', FAASGYM_DEBUG: '' };

function faasgym(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 300_000, env: ENV });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Start training and SIGKILL it by PID as soon as its first checkpoint is complete (latest.json written). */
async function killAfterFirstCheckpoint(args: string[], out: string): Promise<void> {
  const child = spawn(process.execPath, [CLI, ...args], { env: ENV, stdio: 'ignore' });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (existsSync(join(out, 'checkpoint', 'latest.json'))) {
        clearInterval(timer);
        process.kill(child.pid as number, 'SIGKILL');
        resolve();
      } else if (child.exitCode !== null) {
        clearInterval(timer);
        reject(new Error(`training exited (${child.exitCode}) before its first checkpoint`));
      }
    }, 5);
  });
  expect(await exited).toBe('SIGKILL');
}

function rows(out: string): unknown[] {
  return readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => {
    const r = JSON.parse(l) as Record<string, unknown>;
    delete r.wallSeconds;
    return r;
  });
}

let dir: string;
beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
  dir = mkdtempSync(join(tmpdir(), 'faasgym-kill-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test.each([
  ['dqn', 'CartPole-v1', 3000, 300, ['--set', 'hidden=[32]', '--set', 'learningStarts=100', '--set', 'batchSize=16', '--set', 'targetUpdateInterval=100']],
  ['maddpg', 'FaaSConf-Sequential-v0', 150, 30, ['--set', 'hidden=[16]', '--set', 'learningStarts=20', '--set', 'batchSize=8', '--set', 'bufferSize=500']],
])('%s on %s: kill -9 after a checkpoint, --resume, same final weights and metrics as an uninterrupted run', async (agent, env, steps, every, sets) => {
  const base = ['train', '--env', env, '--agent', agent, '--steps', String(steps), '--seed', '4', '--no-zoo', '--eval-episodes', '0', '--checkpoint-every', String(every), '--quiet', '--json', ...sets];
  const whole = join(dir, `${agent}-whole`), broken = join(dir, `${agent}-broken`);
  expect(faasgym([...base, '--out', whole])).toMatchObject({ code: 0, stderr: '' });

  await killAfterFirstCheckpoint([...base, '--out', broken], broken);
  const saved = readCheckpointManifest(join(broken, 'checkpoint')).manifest.training as { step: number; finished: boolean };
  expect(saved.finished).toBe(false);
  expect(saved.step % every).toBe(0);
  expect(saved.step).toBeLessThan(steps);

  const again = faasgym([...base, '--out', broken]);
  expect(again.code).toBe(2);
  expect(again.stderr).toBe(`faasgym: ConfigError: --out "${broken}" is not empty (checkpoint, metrics.jsonl, run.json): --resume continues the run in it, --overwrite replaces it, or choose another --out\n`);
  const seedChanged = faasgym([...base.map((a) => (a === '4' ? '5' : a)), '--out', broken, '--resume']);
  expect(seedChanged.code).toBe(2);
  expect(seedChanged.stderr).toMatch(/^faasgym: ConfigError: --resume: the run in ".*" has seed 4, this command 5; repeat the original command's options with --resume\n$/);

  const resumed = faasgym([...base, '--out', broken, '--resume']);
  expect(resumed).toMatchObject({ code: 0, stderr: '' });
  expect(JSON.parse(resumed.stdout)).toMatchObject({ steps, agent, env });

  const a = readCheckpointManifest(join(whole, 'checkpoint')).manifest;
  const b = readCheckpointManifest(join(broken, 'checkpoint')).manifest;
  expect(Object.keys(b.files ?? {})).toEqual(expect.arrayContaining(['replay']));
  expect(b.files).toEqual(a.files);
  expect(b.extra).toEqual(a.extra);
  expect(rows(broken)).toEqual(rows(whole));
  const run = JSON.parse(readFileSync(join(broken, 'run.json'), 'utf8')) as { resumedAt: string[] };
  expect(run.resumedAt).toHaveLength(1);

  expect(faasgym([...base, '--out', broken, '--resume']).stderr).toMatch(/already finished/);
  // --overwrite replaces the run (a short one here, to keep the test quick).
  const short = base.map((a) => (a === String(steps) ? String(every) : a));
  expect(faasgym([...short, '--out', broken, '--overwrite'])).toMatchObject({ code: 0, stderr: '' });
  expect(JSON.parse(readFileSync(join(broken, 'run.json'), 'utf8'))).not.toHaveProperty('resumedAt');
}, 600_000);
