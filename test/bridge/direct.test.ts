/**
 * Direct endpoints (issue 15): `make` with `direct: true` gives the
 * environment's worker an endpoint of its own. Steps there equal the steps
 * through the server's socket under a seed; malformed frames get typed errors
 * (or, below the frame layer, a dropped connection) and never stop it; a
 * direct request past the time limit stops the environment without delaying
 * anyone else; direct use keeps a handle from the idle reaper.
 */
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as zmq from 'zeromq';
import { loadEnvModule } from '../../src/bridge/env-modules.js';
import { BridgeServer, type BridgeEvent } from '../../src/bridge/index.js';
import { testRegistry } from './fixtures/toy-envs.js';
import { lastJson, REPO, runPython, TestClient } from './helpers.js';

const HOSTILE = pathToFileURL(join(REPO, 'test/bridge/fixtures/hostile-envs.mjs')).href;

let server: BridgeServer;
let client: TestClient;
const events: BridgeEvent[] = [];

beforeAll(async () => {
  await loadEnvModule(HOSTILE); // as `faasgym serve --require` does: the server checks ids against its own registry
  server = await BridgeServer.start({
    bind: 'tcp://127.0.0.1:*',
    envModules: [HOSTILE],
    requestTimeoutMs: 4000,
    idleTimeoutMs: 800,
    maxMessageBytes: 4096,
    onEvent: (e) => events.push(e),
  });
  client = TestClient.connect(server.endpoint, { timeoutMs: 20_000 });
  // The first make starts a worker cold (and a warm spare for the next ones).
  const first = await client.ok('make', { env: 'CartPole-v1' });
  await client.ok('close', { handle: first.handle });
}, 30_000);

afterAll(async () => {
  client.close();
  await server.close();
});

/** Keep a handle from the idle reaper while a test runs long (the server's idle timeout is 0.8 s here). */
function keepAlive(handle: string): () => void {
  const c = TestClient.connect(server.endpoint);
  let on = true;
  const loop = (async () => {
    while (on) {
      await c.call('ping', { handle });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return () => {
    on = false;
    void loop.then(() => c.close());
  };
}

test('hello offers direct endpoints; make with direct: true announces a loopback port of its own, where a seeded episode equals the server path step for step', async () => {
  const hello = await client.ok('hello');
  expect(hello.direct).toBe(true);
  const viaDirect = await client.ok('make', { env: 'CartPole-v1', direct: true });
  const stopDirect = keepAlive(viaDirect.handle); // the idle timeout is 0.8 s here, and a make can take longer
  const viaServer = await client.ok('make', { env: 'CartPole-v1' });
  const stopServer = keepAlive(viaServer.handle);
  expect(viaServer.direct).toBeUndefined();
  expect(viaDirect.direct).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
  expect(viaDirect.direct).not.toBe(server.endpoint);
  const d = TestClient.connect(viaDirect.direct);
  try {
    const a = await d.ok('reset', { handle: viaDirect.handle, seed: 42 });
    const b = await client.ok('reset', { handle: viaServer.handle, seed: 42 });
    expect(a).toEqual(b);
    let steps = 0;
    for (let t = 0; t < 600; t++) {
      const action = t % 3 === 0 ? 0 : 1;
      const x = await d.ok('step', { handle: viaDirect.handle, action });
      const y = await client.ok('step', { handle: viaServer.handle, action });
      expect(x).toEqual(y);
      steps += 1;
      if (x.terminated || x.truncated) break;
    }
    expect(steps).toBeGreaterThan(5);
    // The server's socket still serves the same handle (requests from both run one at a time in its worker).
    expect((await client.ok('reset', { handle: viaDirect.handle, seed: 42 })).obs).toEqual(a.obs);
    expect((await d.ok('ping', { handle: viaDirect.handle }))).toEqual({});
    // Closing through the server closes the direct endpoint with it.
    await client.ok('close', { handle: viaDirect.handle });
    const port = Number(/:(\d+)$/.exec(viaDirect.direct)?.[1]);
    await expect(tcpConnect(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  } finally {
    stopDirect();
    stopServer();
    d.close();
    await client.call('close', { handle: viaServer.handle });
  }
}, 30_000);

test('malformed requests on a direct endpoint get typed errors, frames below the protocol cost only their connection, and it keeps serving', async () => {
  const made = await client.ok('make', { env: 'CartPole-v1', direct: true });
  const stop = keepAlive(made.handle);
  const d = TestClient.connect(made.direct);
  const dealer = new zmq.Dealer({ linger: 0, receiveTimeout: 5000, sendTimeout: 5000 });
  dealer.connect(made.direct);
  try {
    await d.ok('reset', { handle: made.handle, seed: 1 });
    const error = async (frame: string | Buffer) => (await d.raw(frame)).error;
    expect(await error('not json')).toMatchObject({ type: 'ProtocolError', message: expect.stringMatching(/^request frame is not JSON/) });
    expect(await error(Buffer.from([0xff, 0xfe]))).toEqual({ type: 'ProtocolError', message: 'request frame is not valid UTF-8' });
    expect(await error(JSON.stringify({ v: 9, id: 1, cmd: 'step' }))).toMatchObject({ type: 'ProtocolError', message: expect.stringMatching(/^unsupported protocol version 9/) });
    expect(await error(JSON.stringify({ v: 2, id: 2, cmd: 'launch' }))).toMatchObject({ type: 'UnknownCommandError' });
    expect(await error(JSON.stringify({ v: 2, id: 3, cmd: 'make', args: { env: 'CartPole-v1' } }))).toEqual({
      type: 'ProtocolError',
      message: "make is not answered on an environment's direct endpoint (only ping, reset, step, state, adjacency): send it to the server's endpoint",
    });
    expect(await error(JSON.stringify({ v: 2, id: 4, cmd: 'close', args: { handle: made.handle } }))).toMatchObject({ type: 'ProtocolError' });
    expect(await error(JSON.stringify({ v: 2, id: 5, cmd: 'step', args: { handle: 'h1-0000000000000000', action: 0 } }))).toEqual({
      type: 'UnknownHandleError',
      message: 'this direct endpoint serves one environment only, not handle "h1-0000000000000000"',
    });
    expect(await error(JSON.stringify({ v: 2, id: 6, cmd: 'step', args: { handle: made.handle, action: 7 } }))).toMatchObject({ type: 'InvalidActionError' });
    expect(await error(JSON.stringify({ v: 2, id: 7, cmd: 'step', args: { handle: made.handle, actions: {} } }))).toEqual({
      type: 'ProtocolError',
      message: 'step: CartPole-v1 is a single-agent environment: send args.action',
    });
    expect(await error(JSON.stringify({ v: 2, id: 8, cmd: 'reset', args: { handle: made.handle, seed: -1 } }))).toMatchObject({ type: 'ProtocolError' });
    // Over the server's --max-message-bytes (4096 here): not parsed, answered, the body skipped.
    const big = await d.raw(Buffer.alloc(10_000, 0x20));
    expect(big).toEqual({ v: 2, id: null, ok: false, error: { type: 'MessageTooLargeError', message: 'request frame of 10000 bytes exceeds the limit of 4096 bytes' } });
    // DEALER: a bare request, an envelope, and two frames after the envelope.
    await dealer.send(JSON.stringify({ v: 2, id: 9, cmd: 'ping', args: { handle: made.handle } }));
    expect(JSON.parse((await dealer.receive())[0]!.toString())).toEqual({ v: 2, id: 9, ok: true, result: {} });
    await dealer.send(['', JSON.stringify({ v: 1, id: 10, cmd: 'ping', args: { handle: made.handle } })]);
    const [delim, body] = await dealer.receive();
    expect(delim!.length).toBe(0);
    expect(JSON.parse(body!.toString())).toEqual({ v: 1, id: 10, ok: true, result: {} });
    await dealer.send(['', 'a', 'b']);
    const twoFrames = await dealer.receive();
    expect(JSON.parse(twoFrames[1]!.toString()).error).toEqual({ type: 'ProtocolError', message: 'expected exactly one request frame after the envelope, got 2' });

    // Below the frame layer: a bad greeting, a greeting with another mechanism, reserved flag bits, a frame before READY.
    const port = Number(/:(\d+)$/.exec(made.direct)?.[1]);
    const greeting = (mechanism: string) => {
      const g = Buffer.alloc(64);
      g[0] = 0xff;
      g[9] = 0x7f;
      g[10] = 3;
      g.write(mechanism, 12, 'latin1');
      return g;
    };
    for (const junk of [Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(4)), greeting('PLAIN'), Buffer.concat([greeting('NULL'), Buffer.from([0xf0, 0])]), Buffer.concat([greeting('NULL'), Buffer.from([0, 2, 0x7b, 0x7d])])]) {
      expect(await closedAfter(port, junk)).toBe(true);
    }
    // Still serving, and still the same environment.
    const r = await d.ok('step', { handle: made.handle, action: 1 });
    expect(r.obs).toHaveLength(4);
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
  } finally {
    stop();
    d.close();
    dealer.close();
    await client.call('close', { handle: made.handle });
  }
}, 30_000);

test('a direct step past the time limit stops only its environment; the server says why; other handles are answered throughout', async () => {
  const hog = await client.ok('make', { env: 'Hog-v0', direct: true });
  const stopHog = keepAlive(hog.handle);
  const good = await client.ok('make', { env: 'CartPole-v1', direct: true });
  const stop = keepAlive(good.handle);
  const h = TestClient.connect(hog.direct, { timeoutMs: 8000 });
  const g = TestClient.connect(good.direct);
  try {
    await h.ok('reset', { handle: hog.handle });
    await g.ok('reset', { handle: good.handle, seed: 3 });
    const started = performance.now();
    const stuck = h.call('step', { handle: hog.handle, action: 1 }).then(
      (r) => ({ reply: r, ms: performance.now() - started }),
      (err: Error) => ({ reply: err, ms: performance.now() - started }),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    stopHog(); // a busy handle is never reaped: from here on only the time limit can stop it
    let settled = false;
    void stuck.then(() => (settled = true));
    const latencies: number[] = [];
    while (!settled && performance.now() - started < 12_000) {
      const t0 = performance.now();
      const r = await g.call('step', { handle: good.handle, action: latencies.length % 2 });
      latencies.push(performance.now() - t0);
      if (!r.ok || r.result.terminated) await g.ok('reset', { handle: good.handle });
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    // No reply comes from a stopped worker: the client's own timeout ends its wait.
    const { reply } = await stuck;
    expect(String(reply)).toMatch(/timed out/); // a zeromq timeout (an Error of another realm under jest)
    expect(latencies.length).toBeGreaterThan(20);
    expect(Math.max(...latencies)).toBeLessThan(1000);
    // The server's endpoint says why the handle is gone.
    const gone = await client.call('ping', { handle: hog.handle });
    expect(gone.error).toEqual({
      type: 'UnknownHandleError',
      message: `handle "${hog.handle}" is closed: a request on Hog-v0's direct endpoint did not finish within 4 s (the server's --request-timeout): the environment was stopped and its handle closed; make a new one`,
    });
    expect(server.openHandles()).not.toContain(hog.handle);
    expect((await g.ok('step', { handle: good.handle, action: 0 })).obs).toHaveLength(4);
  } finally {
    stop();
    stopHog();
    h.close();
    g.close();
    await client.call('close', { handle: good.handle });
  }
}, 30_000);

test('steps on a direct endpoint keep its handle from the idle reaper; once idle it is reaped and its endpoint closed', async () => {
  const made = await client.ok('make', { env: 'CartPole-v1', direct: true });
  const d = TestClient.connect(made.direct, { timeoutMs: 1500 });
  try {
    await d.ok('reset', { handle: made.handle, seed: 0 });
    const until = performance.now() + 2000; // 2.5 times the idle timeout, only direct requests
    let t = 0;
    while (performance.now() < until) {
      const r = await d.ok('step', { handle: made.handle, action: t++ % 2 });
      if (r.terminated) await d.ok('reset', { handle: made.handle });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(server.openHandles()).toContain(made.handle);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(server.openHandles()).not.toContain(made.handle);
    expect((await client.call('ping', { handle: made.handle })).error?.message).toMatch(/is closed: closed after 0\.8 s idle/);
    const port = Number(/:(\d+)$/.exec(made.direct)?.[1]);
    await expect(tcpConnect(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  } finally {
    d.close();
  }
}, 30_000);

test('direct must be a boolean, and a server without worker isolation offers none', async () => {
  expect((await client.call('make', { env: 'CartPole-v1', direct: 'yes' })).error).toEqual({ type: 'ProtocolError', message: 'make: args.direct must be true or false, got "yes"' });
  const inProcess = await BridgeServer.start({ bind: 'tcp://127.0.0.1:*', registry: testRegistry() });
  const c = TestClient.connect(inProcess.endpoint);
  try {
    expect((await c.ok('hello')).direct).toBe(false);
    expect((await c.call('make', { env: 'CartPole-v1', direct: true })).error).toEqual({
      type: 'ProtocolError',
      message: 'make: args.direct: this server offers no direct endpoints (hello says direct: false; they need worker isolation, a loopback tcp:// bind and no CURVE): leave direct out',
    });
    // Without direct, make works as before.
    expect((await c.ok('make', { env: 'CartPole-v1', direct: false })).direct).toBeUndefined();
  } finally {
    c.close();
    await inProcess.close();
  }
});

test('the Python client steps through the direct endpoint by default: the same episode as through the server, typed errors, and a stopped step named by the server', async () => {
  const served = await BridgeServer.start({ bind: 'tcp://127.0.0.1:*', envModules: [HOSTILE], requestTimeoutMs: 4000 });
  try {
    const r = await runPython(['test/bridge/py/direct.py', served.endpoint], { timeoutMs: 60_000 });
    const out = lastJson(r);
    expect(out.direct).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    expect(out.relay).toBeNull();
    expect(out.same).toBe(true);
    expect(out.episodeSteps).toBeGreaterThan(20);
    expect(out.invalid).toBe('InvalidActionError');
    expect(out.hog.type).toBe('UnknownHandleError');
    expect(out.hog.message).toMatch(/is closed: a request on Hog-v0's direct endpoint did not finish within 4 s \(the server's --request-timeout\)/);
    expect(out.hogSeconds).toBeLessThan(15);
  } finally {
    await served.close();
  }
}, 90_000);

function tcpConnect(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve();
    });
    s.on('error', reject);
  });
}

/** Send `bytes` to the endpoint's port; true when the endpoint then closes the connection (within 3 s). */
function closedAfter(port: number, bytes: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    const s: Socket = connect({ host: '127.0.0.1', port }, () => s.write(bytes));
    const timer = setTimeout(() => {
      s.destroy();
      resolve(false);
    }, 3000);
    s.on('data', () => {});
    s.on('error', () => {});
    s.on('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
