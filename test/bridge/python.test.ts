/**
 * End to end: `faasgym serve` (from dist/) driven by real Python clients
 * (/usr/bin/python3 with Debian's python3-zmq and python3-numpy, the client from
 * python/). Trajectories must equal the same seeds run in process.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as zmq from 'zeromq';
import type { ParallelEnv } from '../../src/core/env.js';
import { makeEnv } from '../../src/registry/index.js';
import { CLI, lastJson, PYTHON, REPO, runPython, startServe, type ServeProcess } from './helpers.js';
import { spawnSync } from 'node:child_process';

const FIXTURE = 'test/bridge/fixtures/parallel-env.mjs';
let serve: ServeProcess;

beforeAll(async () => {
  const probe = spawnSync(PYTHON, ['-c', 'import zmq, numpy; print(zmq.zmq_version())'], { encoding: 'utf8', timeout: 20_000 });
  if (probe.status !== 0) {
    throw new Error(`${PYTHON} cannot import zmq and numpy (install Debian's python3-zmq and python3-numpy, as .ci/run does): ${probe.stderr}`);
  }
  serve = await startServe(['--bind', 'tcp://127.0.0.1:*', '--idle-timeout', '1.5', '--require', FIXTURE]);
});

afterAll(async () => {
  const { code, stdout } = await serve.stop();
  expect(code).toBe(0);
  expect(stdout).toContain('"event":"stopped"');
});

interface SingleEpisode {
  handle: string;
  class: string;
  obs0: number[];
  info0: Record<string, unknown>;
  obs_dtype: string;
  obs_shape: number[];
  steps: { action: number | number[]; obs: number[]; reward: number; terminated: boolean; truncated: boolean; info: Record<string, unknown> }[];
  made: number;
  started: number;
  ended: number;
}

/** Replay the actions Python chose on an in-process environment and compare every step exactly. */
async function expectSameAsInProcess(id: string, seed: number, ep: SingleEpisode): Promise<void> {
  const env = makeEnv<number[], unknown>(id);
  const r0 = await env.reset({ seed });
  expect(ep.obs0).toEqual(r0.obs);
  expect(ep.info0).toEqual(r0.info);
  for (const [i, step] of ep.steps.entries()) {
    const mine = await env.step(step.action);
    expect({ i, ...step, action: undefined }).toEqual({ i, obs: mine.obs, reward: mine.reward, terminated: mine.terminated, truncated: mine.truncated, info: mine.info, action: undefined });
  }
  const last = ep.steps[ep.steps.length - 1];
  expect(last !== undefined && (last.terminated || last.truncated)).toBe(true);
  await env.close();
}

/** -0 → 0 everywhere: JSON numbers carry no sign of zero. */
function signlessZeros<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}

test('a full CartPole-v1 episode from Python reproduces the in-process trajectory step for step', async () => {
  const r = await runPython(['test/bridge/py/episode.py', serve.endpoint, 'CartPole-v1', '11']);
  const ep = lastJson<SingleEpisode>(r);
  expect(ep.class).toBe('RemoteEnv');
  expect(ep.obs_dtype).toBe('float32');
  expect(ep.obs_shape).toEqual([4]);
  expect(ep.steps.length).toBeGreaterThan(100);
  await expectSameAsInProcess('CartPole-v1', 11, ep);
});

test('Pendulum-v1 (Box actions, float32) from Python reproduces the in-process trajectory', async () => {
  const ep = lastJson<SingleEpisode>(await runPython(['test/bridge/py/episode.py', serve.endpoint, 'Pendulum-v1', '5']));
  expect(ep.steps).toHaveLength(200);
  expect(ep.steps[199]?.truncated).toBe(true);
  await expectSameAsInProcess('Pendulum-v1', 5, ep);
});

test('a parallel id from --require becomes a PettingZoo-style ParallelEnv that matches in process', async () => {
  const r = await runPython(['test/bridge/py/episode.py', serve.endpoint, 'BridgeToy-Parallel-v0', '3', '{"horizon": 5}']);
  const ep = lastJson<{
    class: string;
    possible_agents: string[];
    obs0: Record<string, number[]>;
    info0: Record<string, unknown>;
    steps: { actions: Record<string, number>; obs: unknown; rewards: unknown; terminations: unknown; truncations: unknown; infos: unknown; agents: string[] }[];
  }>(r);
  expect(ep.class).toBe('RemoteParallelEnv');
  expect(ep.possible_agents).toEqual(['a', 'b']);
  expect(ep.steps).toHaveLength(5);
  expect(ep.steps[2]?.agents).toEqual(['a']);
  expect(ep.steps[4]?.agents).toEqual([]);
  // The same module, built on dist/, in this process.
  const mod = (await import(pathToFileURL(join(REPO, FIXTURE)).href)) as { ToyParallelEnv: new (h: number) => ParallelEnv<string, number[], number> };
  const env = new mod.ToyParallelEnv(5);
  const r0 = await env.reset({ seed: 3 });
  expect(ep.obs0).toEqual(r0.obs);
  expect(ep.info0).toEqual(r0.info);
  for (const step of ep.steps) {
    const mine = await env.step(step.actions);
    const expected = { actions: step.actions, obs: mine.obs, rewards: mine.rewards, terminations: mine.terminations, truncations: mine.truncations, infos: mine.infos, agents: [...env.agents] };
    expect(step).toEqual(signlessZeros(expected)); // JSON has no -0 (docs/bridge-protocol.md)
  }
});

test('two Python clients at once each get their own environments', async () => {
  // A barrier: both clients hold an environment before either starts its episode.
  const barrier = mkdtempSync(join(tmpdir(), 'faasgym-barrier-'));
  try {
    const env = { FAASGYM_TEST_BARRIER: barrier };
    const both = Promise.all([
      runPython(['test/bridge/py/episode.py', serve.endpoint, 'CartPole-v1', '21'], { env }),
      runPython(['test/bridge/py/episode.py', serve.endpoint, 'CartPole-v1', '22'], { env }),
    ]);
    for (let i = 0; i < 300 && !(existsSync(join(barrier, '21.ready')) && existsSync(join(barrier, '22.ready'))); i++) {
      await new Promise((done) => setTimeout(done, 50));
    }
    writeFileSync(join(barrier, 'go'), '');
    const [a, b] = await both;
    const epA = lastJson<SingleEpisode>(a);
    const epB = lastJson<SingleEpisode>(b);
    expect(epA.handle).not.toBe(epB.handle);
    expect(epA.obs0).not.toEqual(epB.obs0);
    expect(epA.made < epB.ended && epB.made < epA.ended).toBe(true); // both environments were open at once
    await expectSameAsInProcess('CartPole-v1', 21, epA);
    await expectSameAsInProcess('CartPole-v1', 22, epB);
  } finally {
    rmSync(barrier, { recursive: true, force: true });
  }
});

test('client robustness: typed errors, idempotent close, timeouts that replace the socket', async () => {
  const blackhole = new zmq.Router({ linger: 0 }); // accepts connections, never answers
  await blackhole.bind('tcp://127.0.0.1:*');
  const probe = new zmq.Router({ linger: 0 });
  await probe.bind('tcp://127.0.0.1:*');
  const dead = probe.lastEndpoint as string;
  probe.close(); // a port nobody listens on any more
  try {
    const r = await runPython(['test/bridge/py/robust.py', serve.endpoint, blackhole.lastEndpoint as string, dead], { timeoutMs: 40_000 });
    const found = lastJson(r);
    expect(found.bad_action[0]).toBe('InvalidActionError');
    expect(found.bad_action[1]).toContain('5 is outside [0, 1]');
    expect(found.array_action).toBe('TypeError');
    expect(found.numpy_action_reward).toBe(1);
    expect(found.after_close).toBe('ConnectionClosed');
    expect(found.unknown_env).toEqual(['ConfigError', 'environment "CartPol-v1" is not registered; did you mean CartPole-v1? (see `faasgym envs`)']);
    expect(found.bad_config).toBe('ConfigError');
    expect(found.config_ok).toBe(true);
    expect(found.nan_action).toBe('ValueError');
    expect(found.out_of_box).toBe('InvalidActionError');
    expect(found.blackhole_timeouts).toHaveLength(3);
    for (const t of found.blackhole_timeouts as number[]) expect(t).toBeGreaterThanOrEqual(0.35);
    for (const t of found.blackhole_timeouts as number[]) expect(t).toBeLessThan(3);
    expect(found.timeout_message).toContain('the socket was replaced');
    expect(found.retried_ping_seconds).toBeGreaterThanOrEqual(0.85); // 3 attempts of 0.3 s
    expect(found.dead_server_seconds).toBeGreaterThanOrEqual(0.45);
    expect(found.dead_server_seconds).toBeLessThan(5);
  } finally {
    blackhole.close();
  }
});

test('a client that disappears mid-episode does not leak its environment past the idle timeout', async () => {
  const r = await runPython(['test/bridge/py/disappear.py', serve.endpoint]);
  expect(r.code).toBe(0);
  const { handle } = lastJson<{ handle: string }>(r);
  const reapedLine = (): string | undefined => serve.stderrLines.find((l) => l.includes('"reaped"') && l.includes(handle));
  for (let i = 0; i < 100 && reapedLine() === undefined; i++) await new Promise((done) => setTimeout(done, 100));
  expect(JSON.parse(reapedLine() ?? '{}')).toMatchObject({ event: 'reaped', handle, env: 'CartPole-v1' });
  const after = lastJson<{ error: string | null }>(await runPython(['test/bridge/py/step_handle.py', serve.endpoint, handle]));
  expect(after.error).toBe('UnknownHandleError');
});

test('CurveZMQ through the CLI: keys from `faasgym keys`; clients without the server key, or not on the list, get no answer', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'faasgym-curve-'));
  let secure: ServeProcess | undefined;
  try {
    for (const name of ['server', 'client']) {
      const k = spawnSync(process.execPath, [CLI, 'keys', '--out', join(dir, name), '--json'], { encoding: 'utf8', timeout: 30_000 });
      expect(k.status).toBe(0);
    }
    secure = await startServe(['--bind', 'tcp://127.0.0.1:*', '--curve-keys', join(dir, 'server.key_secret'), '--client-keys', join(dir, 'client.key')]);
    const [good, plain, unlisted, wrongServer] = await Promise.all([
      runPython(['test/bridge/py/curve_client.py', secure.endpoint, join(dir, 'server.key'), join(dir, 'client.key_secret')], { env: { CURVE_TEST_TIMEOUT: '15' } }),
      runPython(['test/bridge/py/curve_client.py', secure.endpoint]),
      runPython(['test/bridge/py/curve_client.py', secure.endpoint, join(dir, 'server.key')]),
      runPython(['test/bridge/py/curve_client.py', secure.endpoint, join(dir, 'client.key'), join(dir, 'client.key_secret')]),
    ]);
    expect(lastJson(good)).toMatchObject({ result: 'ok' });
    expect(lastJson(plain)).toEqual({ result: 'BridgeTimeout' });
    expect(lastJson(unlisted)).toEqual({ result: 'BridgeTimeout' });
    expect(lastJson(wrongServer)).toEqual({ result: 'BridgeTimeout' });
  } finally {
    if (secure) expect((await secure.stop()).code).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the light spaces and wire conversions (python/tests, without Gymnasium)', async () => {
  const r = await runPython(['-m', 'unittest', 'discover', '-s', 'python/tests', '-v'], { timeoutMs: 60_000 });
  expect(r.stderr).toMatch(/\nOK\b/);
  expect(r.code).toBe(0);
});
