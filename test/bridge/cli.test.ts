/** `faasgym keys`, `faasgym serve` refusals and `faasgym bench bridge`, through the built CLI (dist/). */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCertificate } from '../../src/bridge/curve.js';
import { CLI, PYTHON } from './helpers.js';

function faasgym(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, FAASGYM_PYTHON: PYTHON } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
});

test('faasgym keys prints a fresh CURVE pair, or writes certificate files (secret one mode 0600)', () => {
  const a = JSON.parse(faasgym('keys', '--json').stdout) as { publicKey: string; secretKey: string };
  const b = JSON.parse(faasgym('keys', '--json').stdout) as { publicKey: string; secretKey: string };
  expect(a.publicKey).toMatch(/^.{40}$/);
  expect(a.secretKey).toMatch(/^.{40}$/);
  expect(a.publicKey).not.toBe(b.publicKey);
  expect(faasgym('keys').stdout).toMatch(/^public-key = ".{40}"\nsecret-key = ".{40}"\n$/);

  const dir = mkdtempSync(join(tmpdir(), 'faasgym-keys-'));
  try {
    const prefix = join(dir, 'server');
    const w = faasgym('keys', '--out', prefix, '--json');
    expect(w.code).toBe(0);
    const written = JSON.parse(w.stdout) as { publicKey: string; publicFile: string; secretFile: string };
    expect(written.publicFile).toBe(`${prefix}.key`);
    expect(statSync(written.secretFile).mode & 0o777).toBe(0o600);
    const pub = parseCertificate(readFileSync(written.publicFile, 'utf8'));
    const sec = parseCertificate(readFileSync(written.secretFile, 'utf8'));
    expect(pub).toEqual({ publicKey: written.publicKey });
    expect(sec.publicKey).toBe(written.publicKey);
    expect(sec.secretKey).toMatch(/^.{40}$/);
    const again = faasgym('keys', '--out', prefix);
    expect(again.code).toBe(2); // a configuration error
    expect(again.stderr).toContain('already exists (pass --force to overwrite it)');
    expect(faasgym('keys', '--out', prefix, '--force').code).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('faasgym serve refuses non-loopback binds without --allow-remote and CURVE keys, and bad options', () => {
  const open = faasgym('serve', '--bind', 'tcp://0.0.0.0:5555');
  expect(open.code).toBe(2); // a configuration error
  expect(open.stderr).toBe('faasgym: ConfigError: tcp://0.0.0.0:5555 is not a loopback address: pass --allow-remote (and --curve-keys) to serve other machines\n');
  const noKeys = faasgym('serve', '--bind', 'tcp://10.1.2.3:5555', '--allow-remote');
  expect(noKeys.code).toBe(2); // a configuration error
  expect(noKeys.stderr).toContain('needs CurveZMQ: generate keys with `faasgym keys --out server`');
  const missingKeys = faasgym('serve', '--curve-keys', '/nonexistent/server.key_secret');
  expect(missingKeys.code).toBe(2); // a configuration error
  expect(missingKeys.stderr).toContain('cannot read CURVE keys from "/nonexistent/server.key_secret"');
  const missingModule = faasgym('serve', '--require', './no-such-module.mjs');
  expect(missingModule.code).toBe(2); // a configuration error
  expect(missingModule.stderr).toMatch(/ConfigError: --require "\.\/no-such-module\.mjs": loading it failed/);
  expect(faasgym('serve', '--idle-timeout', '0').code).toBe(2);
  expect(faasgym('serve', '--help').stdout).toMatch(/--bind <endpoint>[\s\S]*--require <module>[\s\S]*--curve-keys <file>/);
});

test('faasgym bench bridge --json measures the bridge and raw REQ/REP in one run', () => {
  const r = faasgym('bench', 'bridge', '--json', '--seconds', '0.6', '--rounds', '2');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const report = JSON.parse(r.stdout);
  expect(report).toMatchObject({ benchmark: 'bridge', env: 'CartPole-v1', target: 0.8 });
  expect(report.bridgeStepsPerSecond).toBeGreaterThan(100);
  expect(report.rawRoundTripsPerSecond).toBeGreaterThan(100);
  expect(report.ratio).toBeGreaterThan(0);
  expect(report.rounds).toHaveLength(2);
  expect(report.requestBytes).toBeGreaterThan(50);
  expect(report.replyBytes).toBeGreaterThan(report.requestBytes);
  expect(report.inProcessStepsPerSecond).toBeGreaterThan(100);
  expect(report.batchSize).toBe(8);
  expect(report.batchedStepsPerSecond).toBeGreaterThan(100);
  expect(report.rounds[0]).toMatchObject({ inproc: expect.any(Number), batched: expect.any(Number), relay: expect.any(Number), rawZmtp: expect.any(Number) });
  // The default client steps through the environment's direct endpoint; the relay side is the server's socket.
  expect(report.direct).toBe(true);
  expect(report.relayStepsPerSecond).toBeGreaterThan(100);
  expect(report.rawZmtpRoundTripsPerSecond).toBeGreaterThan(100);
  expect(report.bridgeToRawZmtp).toBeGreaterThan(0);
  expect(Object.keys(report.cpuMicrosPerCall).sort()).toEqual(['batched', 'bridge', 'inproc', 'raw', 'rawZmtp', 'relay']);
});
