/**
 * Every command, given bad input, prints one line `faasgym: …` and exits 1
 * (2 for a bad command line or configuration), never a stack trace; with
 * FAASGYM_DEBUG=1 the trace follows. Runs the built CLI (dist/).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = join(process.cwd(), 'dist', 'src', 'experiment', 'cli.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function faasgym(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, FAASGYM_DEBUG: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A stack frame line, or the `throw ex` of a wasm module's handler, or Node's uncaught-error banner. */
const TRACE = /^\s+at |^\s*throw ex|^Node\.js v\d|\n\s*\^\s*\n/m;
/** Lines on stderr that are neither the error line nor progress/information of the command. */
function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l !== '' && !l.startsWith('faasgym: note: ') && !l.startsWith('faasgym: TensorFlow.js backend') && !l.startsWith('faasgym train: '));
}

let dir: string;
const table: { args: string[]; codes: number[]; stderr?: RegExp }[] = [];

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
  dir = mkdtempSync(join(tmpdir(), 'faasgym-bad-'));
  const f = (name: string, text: string): string => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const scenario = (load: string): string => ['duration: 10', 'nodes: [{ name: n, cores: 2, memoryMb: 1024 }]', 'functions: [{ name: f, work: { kind: exponential, mean: 0.1 } }]', `loads: [${load}]`, ''].join('\n');
  // More arrivals in a minute than a typed array can hold: a RangeError deep in the workload code today.
  const hugeTrace = f('huge-trace.yaml', scenario('{ kind: trace, target: f, counts: [5000000000] }'));
  const deep = f('deep.json', `${'['.repeat(100_000)}${']'.repeat(100_000)}`);
  const notYaml = f('bad.yaml', 'nodes: [unclosed\n  - : :\n');
  // A checkpoint whose weight file is not a whole number of float32 values, and one whose latest.json names a missing directory.
  const ragged = join(dir, 'ragged');
  mkdirSync(join(ragged, 'ckpt-000001'), { recursive: true });
  writeFileSync(join(ragged, 'latest.json'), '{"checkpoint":"ckpt-000001"}');
  writeFileSync(join(ragged, 'ckpt-000001', 'manifest.json'), JSON.stringify({ format: 'faasgym-checkpoint', version: 1, agent: 'dqn', env: 'CartPole-v1', hyperparameters: {}, extra: {}, groups: { online: [{ name: 'k', shape: [2], offset: 0 }] }, createdAt: '' }));
  writeFileSync(join(ragged, 'ckpt-000001', 'online.bin'), Buffer.alloc(7));
  const dangling = join(dir, 'dangling');
  mkdirSync(dangling);
  writeFileSync(join(dangling, 'latest.json'), '{"checkpoint":"ckpt-000003"}');
  const out = join(dir, 'out');

  table.push(
    { args: ['frobnicate'], codes: [2] },
    { args: ['envs', '--bogus'], codes: [2] },
    { args: ['check'], codes: [2] },
    { args: ['check', 'NoSuch-v0'], codes: [2], stderr: /not registered/ },
    { args: ['check', 'CartPole-v1', '--seed', '-1'], codes: [2] },
    { args: ['demo', '--env', 'NoSuch-v0'], codes: [2] },
    { args: ['demo', '--episodes', 'many'], codes: [2] },
    { args: ['sim', join(dir, 'missing.yaml')], codes: [2] },
    { args: ['sim', notYaml], codes: [2] },
    { args: ['sim', deep], codes: [1, 2] },
    { args: ['sim', hugeTrace], codes: [1, 2] },
    { args: ['sim', hugeTrace, '--duration', '-5'], codes: [2] },
    { args: ['bench', 'frobnicate'], codes: [2] },
    { args: ['bench', 'agents', '--bogus'], codes: [2] },
    { args: ['bench', 'learn', '--bogus'], codes: [2] },
    { args: ['train', '--env', 'CartPole-v1'], codes: [2] },
    { args: ['train', '--env', 'CartPole-v1', '--agent', 'nosuch'], codes: [2] },
    { args: ['train', '--env', 'Pendulum-v1', '--agent', 'dqn', '--out', out], codes: [2] },
    { args: ['train', '--env', 'CartPole-v1', '--agent', 'dqn', '--config', join(dir, 'missing.yaml'), '--out', out], codes: [2] },
    { args: ['train', '--env', 'CartPole-v1', '--agent', 'dqn', '--steps', '10', '--set', 'hidden=[100000,100000]', '--out', out, '--quiet'], codes: [1, 2] },
    { args: ['eval', '--checkpoint', join(dir, 'nowhere')], codes: [1] },
    { args: ['eval', '--checkpoint', ragged], codes: [1], stderr: /online\.bin: 7 bytes, but the manifest's tensors need exactly 8/ },
    { args: ['eval', '--checkpoint', dangling], codes: [1], stderr: /latest\.json names ckpt-000003, but .* is missing/ },
    { args: ['compare', '--steps', '0'], codes: [2] },
    { args: ['serve', '--bind', 'tcp://0.0.0.0:5555'], codes: [2] },
    { args: ['serve', '--idle-timeout', '0'], codes: [2] },
    { args: ['keys', '--out', join(dir, 'no', 'such', 'dir', 'server')], codes: [1], stderr: /no such file or directory \(ENOENT\)/ },
    { args: ['twin', '--scenario', 'no-such-preset', '--port', '0'], codes: [2] },
    { args: ['twin', '--scenario', 'CartPole-v1', '--port', '0'], codes: [2], stderr: /runs no simulated cluster/ },
    { args: ['twin', '--scenario', 'FaaSConf-Sequential-v0', '--port', '70000'], codes: [2] },
    { args: ['twin', '--scenario', 'FaaSConf-Sequential-v0', '--password-file', join(dir, 'missing')], codes: [2] },
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('every command answers a table of bad inputs with one line and the right exit code, never a stack trace', async () => {
  const results: { args: string[]; r: Run }[] = [];
  // Two at a time: the machine is shared.
  const queue = [...table];
  await Promise.all([0, 1].map(async () => {
    for (let c = queue.shift(); c; c = queue.shift()) results.push({ args: c.args, r: await faasgym(c.args) });
  }));
  const problems: string[] = [];
  for (const c of table) {
    const { r } = results.find((x) => x.args === c.args) as { r: Run };
    const name = `faasgym ${c.args.join(' ')}`;
    if (!c.codes.includes(r.code as number)) problems.push(`${name}: exit ${r.code}, expected ${c.codes.join(' or ')} (${r.stderr.trim()})`);
    if (TRACE.test(r.stderr)) problems.push(`${name}: stack trace on stderr:\n${r.stderr}`);
    const lines = errorLines(r.stderr);
    if (lines.length !== 1 || !(lines[0] as string).startsWith('faasgym: ')) problems.push(`${name}: expected one line "faasgym: …", got ${JSON.stringify(lines)}`);
    if (c.stderr && !c.stderr.test(r.stderr)) problems.push(`${name}: stderr ${JSON.stringify(r.stderr)} does not match ${c.stderr}`);
  }
  expect(problems).toEqual([]);
}, 600_000);

test('FAASGYM_DEBUG=1 adds the stack trace under the one line', async () => {
  const r = await faasgym(['eval', '--checkpoint', join(dir, 'nowhere')], { FAASGYM_DEBUG: '1' });
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/^faasgym: CheckpointError: no checkpoint in .*\nCheckpointError: no checkpoint in .*\n\s+at /m);
}, 120_000);

test('demo samples only unmasked actions (FaaSRank) and runs parallel environments as a team', async () => {
  const rank = await faasgym(['demo', '--env', 'FaaSRank-v0', '--episodes', '1']);
  expect(rank).toMatchObject({ code: 0, stderr: '' });
  expect(rank.stdout).toMatch(/^episode 1: return -?\d+\.\d\d in \d+ steps\nrandom policy on FaaSRank-v0: mean return/);
  const conf = await faasgym(['demo', '--env', 'FaaSConf-Sequential-v0', '--episodes', '1']);
  expect(conf).toMatchObject({ code: 0, stderr: '' });
  expect(conf.stdout).toMatch(/^episode 1: team return \(mean over agents, summed over steps\) -?\d+\.\d\d in \d+ steps\n/);
}, 180_000);
