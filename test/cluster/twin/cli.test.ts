/** `faasgym twin` (the built CLI): start-up line, basic auth, graceful stop on SIGTERM, bad options. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { basic, http, until } from './helpers.js';

// `npm test` builds dist/ before jest runs, so this exercises the real `faasgym` bin.
const CLI = join(process.cwd(), 'dist', 'src', 'experiment', 'cli.js');

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
});

test('faasgym twin serves a preset until SIGTERM, with basic auth from a password file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'faasgym-twin-cli-'));
  const pw = join(dir, 'password');
  writeFileSync(pw, 'hunter22\n');
  const child = spawn(process.execPath, [CLI, 'twin', '--scenario', 'faasconf-sequential', '--port', '0', '--speed', '10', '--json', '--user', 'admin', '--password-file', pw], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    expect(await until(() => stdout.includes('\n'), 20_000)).toBe(true);
    const start = JSON.parse(stdout.split('\n')[0] as string) as { event: string; url: string; nodes: number; functions: number; auth: boolean; speed: number };
    expect(start).toMatchObject({ event: 'listening', nodes: 8, functions: 5, auth: true, speed: 10 });
    expect(start.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await http(`${start.url}/system/functions`)).status).toBe(401);
    const ok = await http(`${start.url}/system/functions`, { headers: { Authorization: basic('admin', 'hunter22') } });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { name: string }[]).map((f) => f.name)).toContain('preprocess');
    // Auth guards the Kubernetes API too (issue 12).
    expect((await http(`${start.url}/apis/apps/v1/namespaces/openfaas-fn/deployments`)).status).toBe(401);
    const deployments = await http(`${start.url}/apis/apps/v1/namespaces/openfaas-fn/deployments`, { headers: { Authorization: 'Bearer hunter22' } });
    expect(deployments.status).toBe(200);
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const code = await exited;
    clearTimeout(timer);
    expect(code).toBe(0);
    expect(stdout).toMatch(/"event":"stopped"/);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

test('faasgym twin refuses a bad scenario or options with one clear line', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [CLI, 'twin', ...args], { encoding: 'utf8', timeout: 30_000 });
  const unknown = run('--scenario', 'no-such-preset', '--port', '0');
  expect(unknown.status).toBe(2); // a configuration error
  expect(unknown.stderr).toMatch(/faasgym: ConfigError: scenario "no-such-preset" is neither a scenario file .* nor a preset \(faasconf-sequential/);
  const user = run('--scenario', 'faasconf-sequential', '--port', '0', '--user', 'admin');
  expect(user.status).toBe(2); // a configuration error
  expect(user.stderr).toMatch(/--user needs --password-file/);
  const speed = run('--scenario', 'faasconf-sequential', '--speed', '0');
  expect(speed.status).toBe(2);
  expect(speed.stderr).toMatch(/--speed must be a finite number > 0/);
  // issue 12: a non-loopback host needs --allow-remote and --password-file (nothing is bound otherwise)
  const remote = run('--scenario', 'faasconf-sequential', '--port', '0', '--host', '0.0.0.0');
  expect(remote.status).not.toBe(0);
  expect(remote.stderr).toMatch(/twin: host "0\.0\.0\.0" is not a loopback address; pass allowRemote \(--allow-remote\) and auth \(--password-file\)/);
  const open = run('--scenario', 'faasconf-sequential', '--port', '0', '--host', '0.0.0.0', '--allow-remote');
  expect(open.stderr).toMatch(/needs auth \(--password-file\): it guards both the gateway and the Kubernetes API/);
  const missing = run('--scenario', '/nonexistent/scenario.yaml', '--port', '0');
  expect(missing.status).toBe(2); // a configuration error
  expect(missing.stderr).toMatch(/cannot read scenario file/);
});
