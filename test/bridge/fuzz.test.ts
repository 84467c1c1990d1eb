/**
 * Robustness: thousands of malformed or hostile frames, interleaved with a
 * well-behaved client's CartPole episode. The episode must equal the same seed
 * run in process, every hostile frame must get a typed error (or be dropped by
 * libzmq when absurdly large), and the server must still be up afterwards.
 */
import * as zmq from 'zeromq';
import { BridgeServer } from '../../src/bridge/index.js';
import { Rng } from '../../src/core/rng.js';
import { makeEnv } from '../../src/registry/index.js';
import { testRegistry } from './fixtures/toy-envs.js';
import { startServe, TestClient } from './helpers.js';

const HOSTILE_PER_STEP = 12;

/** A seeded generator of hostile frames; `goodHandle` lets some of them aim at the good client's environment. */
function hostileFrame(rng: Rng, goodHandle: string): { frames: (string | Buffer)[]; expectOk: boolean } {
  const id = rng.integer(0, 1_000_000);
  const kind = rng.integer(0, 16);
  const json = (o: unknown): string => JSON.stringify(o);
  switch (kind) {
    case 0: {
      const bytes = Buffer.alloc(rng.integer(1, 300));
      for (let i = 0; i < bytes.length; i++) bytes[i] = rng.integer(0, 256);
      return { frames: [bytes], expectOk: false };
    }
    case 1: {
      const full = json({ v: 1, id, cmd: 'step', args: { handle: goodHandle, action: 1 } });
      return { frames: [full.slice(0, rng.integer(1, full.length - 1))], expectOk: false }; // truncated JSON
    }
    case 2: {
      const values: unknown[] = [null, true, 0, -1, 1.5, 'x', [], {}, [1, 2], { a: 1 }, 1e308, '1', 2 ** 60];
      const pick = (): unknown => values[rng.integer(0, values.length)];
      return { frames: [json({ v: pick(), id: pick(), cmd: pick(), args: pick() })], expectOk: false };
    }
    case 3: // out-of-space actions aimed at the good client's environment: refused before it runs
      return { frames: [json({ v: 1, id, cmd: 'step', args: { handle: goodHandle, action: [2, -1, 0.5, 'left', null, [0], { x: 0 }, 1e9][rng.integer(0, 8)] } })], expectOk: false };
    case 4:
      return { frames: [json({ v: 1, id, cmd: ['step', 'reset', 'close', 'spaces'][rng.integer(0, 4)], args: { handle: `h${rng.integer(0, 99)}-${'0'.repeat(16)}`, action: 0 } })], expectOk: false };
    case 5:
      return { frames: [json({ v: 1, id, cmd: 'make', args: { env: ['CartPol-v1', 'Nope-v9', '', 'CartPole-v1x', '../etc'][rng.integer(0, 5)] } })], expectOk: false };
    case 6:
      return { frames: [json({ v: 1, id, cmd: 'make', args: { env: 'CartPole-v1', config: { kinematicsIntegrator: 'rk4' } } })], expectOk: false };
    case 7:
      return { frames: [`${'['.repeat(rng.integer(1000, 200_000))}`], expectOk: false }; // deep nesting
    case 8:
      return { frames: [`{"v":1,"id":${id},"cmd":"ping","args":{"__proto__":{"polluted":true}}}`], expectOk: false };
    case 9:
      return { frames: Array.from({ length: rng.integer(2, 40) }, (_, i) => (i === 0 ? 'a' : `frame${i}`)), expectOk: false };
    case 10:
      return { frames: [json({ v: 1, id, cmd: 'reset', args: { handle: goodHandle, seed: [-1, 1.5, 'x', 2 ** 60][rng.integer(0, 4)] } })], expectOk: false };
    case 11:
      return { frames: [json({ v: 1, id, cmd: 'step', args: { handle: goodHandle, action: 0, actions: { a: 0 } } })], expectOk: false };
    case 12:
      return { frames: [`{"v":1,"id":1e400,"cmd":"ping"}`], expectOk: false };
    case 13:
      return { frames: [json({ v: 1, id, cmd: 'step', args: { handle: goodHandle } })], expectOk: false };
    case 14:
      return { frames: [''], expectOk: false }; // an empty frame only: a delimiter with nothing after it
    default:
      return { frames: [json({ v: 1, id, cmd: 'ping' })], expectOk: true }; // some valid traffic too
  }
}

interface Tally {
  replies: number;
  ok: number;
  types: Map<string, number>;
}

/** Read replies on `dealer` until `expected()` of them came, bounded by `deadline`. */
async function drain(dealer: zmq.Dealer, tally: Tally, expected: () => number, deadline: number): Promise<void> {
  while (tally.replies < expected() || expected() < 0) {
    if (performance.now() > deadline) return;
    let msg: Buffer[];
    try {
      msg = await dealer.receive();
    } catch {
      if (dealer.closed) return;
      continue; // receive timeout: check the deadline
    }
    const text = (msg[msg.length - 1] as Buffer).toString('utf8');
    const reply = JSON.parse(text) as { v: number; ok: boolean; error?: { type: string } };
    expect([1, 2]).toContain(reply.v);
    tally.replies += 1;
    if (reply.ok) tally.ok += 1;
    else tally.types.set(reply.error?.type ?? '?', (tally.types.get(reply.error?.type ?? '?') ?? 0) + 1);
  }
}

test('thousands of hostile frames do not disturb a well-behaved client or the server', async () => {
  const server = await BridgeServer.start({ bind: 'tcp://127.0.0.1:*', registry: testRegistry(), maxHandles: 64 });
  const good = TestClient.connect(server.endpoint);
  const dealers = Array.from({ length: 4 }, () => {
    const d = new zmq.Dealer({ linger: 0, receiveTimeout: 200, sendTimeout: 2000 });
    d.connect(server.endpoint);
    return d;
  });
  const tallies: Tally[] = dealers.map(() => ({ replies: 0, ok: 0, types: new Map() }));
  const sent = dealers.map(() => 0);
  let sending = true;
  const deadline = performance.now() + 45_000;
  const readers = dealers.map((d, i) => drain(d, tallies[i] as Tally, () => (sending ? -1 : (sent[i] as number)), deadline));
  try {
    const rng = new Rng(2024);
    const made = await good.ok('make', { env: 'CartPole-v1' });
    const local = makeEnv<number[], number>('CartPole-v1');
    let obs = (await good.ok('reset', { handle: made.handle, seed: 7 })).obs as number[];
    expect(obs).toEqual((await local.reset({ seed: 7 })).obs);

    let steps = 0;
    let hostile = 0;
    for (let guard = 0; guard < 600; guard++) {
      for (let k = 0; k < HOSTILE_PER_STEP; k++) {
        const i = hostile % dealers.length;
        const { frames } = hostileFrame(rng, made.handle);
        await (dealers[i] as zmq.Dealer).send(frames);
        sent[i] = (sent[i] as number) + 1;
        hostile += 1;
      }
      const action = (obs[2] as number) + 0.1 * (obs[3] as number) > 0 ? 1 : 0;
      const remote = await good.ok('step', { handle: made.handle, action });
      const mine = await local.step(action);
      expect(remote).toEqual({ obs: mine.obs, reward: mine.reward, terminated: mine.terminated, truncated: mine.truncated, info: mine.info });
      obs = remote.obs;
      steps += 1;
      if (mine.terminated || mine.truncated) break;
    }
    expect(steps).toBeGreaterThan(100);
    expect(hostile).toBeGreaterThan(1500);

    // Oversized frames: above the limit → typed error; far above (8x) → libzmq drops that peer.
    const bigClient = TestClient.connect(server.endpoint);
    for (let i = 0; i < 3; i++) {
      const r = await bigClient.raw(Buffer.alloc(1024 * 1024 + 1 + i * 100_000, 0x20));
      expect(r.error?.type).toBe('MessageTooLargeError');
    }
    bigClient.close();
    const huge = new zmq.Dealer({ linger: 0, sendTimeout: 2000 });
    huge.connect(server.endpoint);
    await huge.send(Buffer.alloc(9 * 1024 * 1024, 0x20));
    huge.close();

    sending = false;
    await Promise.all(readers);
    const total = tallies.reduce((a, t) => a + t.replies, 0);
    expect(total).toBe(hostile); // one reply per hostile frame, none lost, none extra
    const types = new Map<string, number>();
    for (const t of tallies) for (const [k, v] of t.types) types.set(k, (types.get(k) ?? 0) + v);
    for (const type of types.keys()) {
      expect(['ProtocolError', 'UnknownCommandError', 'UnknownHandleError', 'InvalidActionError', 'ConfigError']).toContain(type);
    }
    expect(types.get('ProtocolError')).toBeGreaterThan(100);
    expect(types.get('InvalidActionError')).toBeGreaterThan(50);
    expect(types.get('UnknownHandleError')).toBeGreaterThan(50);

    // Still up, still correct, nothing polluted.
    expect((await good.call('ping')).ok).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const again = await good.ok('reset', { handle: made.handle, seed: 7 });
    expect(again.obs).toEqual((await local.reset({ seed: 7 })).obs);
    expect(server.stats().requests).toBeGreaterThan(hostile + steps);
  } finally {
    sending = false;
    for (const d of dealers) d.close();
    good.close();
    await Promise.all(readers);
    await server.close();
  }
});

/**
 * Isolation (issue 12): through `faasgym serve` (each environment in its own
 * worker), a hostile client's step that never returns and one that exhausts
 * its heap neither delay a well-behaved client, pinging and stepping
 * throughout, nor take the server down; the hostile handles get typed errors.
 */
test('a step that never returns and one that exhausts memory do not delay other clients or crash the server', async () => {
  const serve = await startServe(['--bind', 'tcp://127.0.0.1:*', '--require', 'test/bridge/fixtures/hostile-envs.mjs', '--request-timeout', '4', '--env-memory-mb', '64']);
  const good = TestClient.connect(serve.endpoint, { timeoutMs: 30_000 });
  const hostile = TestClient.connect(serve.endpoint, { timeoutMs: 30_000 });
  const hostile2 = TestClient.connect(serve.endpoint, { timeoutMs: 30_000 });
  try {
    const made = await good.ok('make', { env: 'CartPole-v1' });
    await good.ok('reset', { handle: made.handle, seed: 1 });
    const hogs = [await hostile.ok('make', { env: 'Hog-v0' }), await hostile2.ok('make', { env: 'Hog-v0' })];
    for (const [i, hog] of hogs.entries()) await [hostile, hostile2][i]?.ok('reset', { handle: hog.handle });

    // The hostile steps start; the good client works on while they run.
    const started = performance.now();
    const loop = hostile.call('step', { handle: hogs[0].handle, action: 1 });
    const hoard = hostile2.call('step', { handle: hogs[1].handle, action: 2 });
    let settled = 0;
    void loop.then(() => (settled += 1));
    void hoard.then(() => (settled += 1));
    const latencies: number[] = [];
    let done = false;
    while (settled < 2 && performance.now() - started < 25_000) {
      const t0 = performance.now();
      const cmd = latencies.length % 2 === 0 ? 'ping' : 'step';
      const r = cmd === 'ping' ? await good.call('ping', { handle: made.handle }) : await good.call('step', { handle: made.handle, action: latencies.length % 4 === 1 ? 0 : 1 });
      latencies.push(performance.now() - t0);
      if (!r.ok && r.error?.type === 'ResetNeededError') await good.ok('reset', { handle: made.handle });
      else expect(r.ok).toBe(true);
      done = r.ok && cmd === 'step' && r.result.terminated;
      if (done) await good.ok('reset', { handle: made.handle });
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const [loopReply, hoardReply] = await Promise.all([loop, hoard]);
    expect(loopReply.error?.type).toBe('RequestTimeoutError');
    expect(loopReply.error?.message).toBe(
      "step on Hog-v0 did not finish within 4 s (the server's --request-timeout): the environment was stopped and its handle closed; make a new one",
    );
    expect(hoardReply.error).toEqual({
      type: 'EnvironmentCrashedError',
      message: "Hog-v0 ran out of memory (the server's --env-memory-mb 64): its environment was stopped and its handle closed",
    });
    // The well-behaved client was answered quickly throughout (a blocked server would have made it wait >= 4 s).
    expect(latencies.length).toBeGreaterThan(20);
    expect(Math.max(...latencies)).toBeLessThan(1500);

    // The hostile handles are gone, with the reason; the server and the good handle live on.
    const late = await hostile.call('step', { handle: hogs[0].handle, action: 0 });
    expect(late.error?.type).toBe('UnknownHandleError');
    expect(late.error?.message).toMatch(/is closed: step on Hog-v0 did not finish within 4 s/);
    expect((await hostile2.call('reset', { handle: hogs[1].handle })).error?.message).toMatch(/is closed: Hog-v0 ran out of memory/);
    const again = await hostile.ok('make', { env: 'Hog-v0' });
    await hostile.ok('reset', { handle: again.handle });
    expect((await hostile.ok('step', { handle: again.handle, action: 0 })).obs).toBe(1);
    expect((await good.call('ping')).ok).toBe(true);
  } finally {
    good.close();
    hostile.close();
    hostile2.close();
    const { code } = await serve.stop();
    expect(code).toBe(0);
  }
});
