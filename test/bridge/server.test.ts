/** The bridge server in process, driven by TypeScript REQ/DEALER clients over loopback. */
import * as zmq from 'zeromq';
import { BridgeServer, generateKeyPair, type BridgeEvent } from '../../src/bridge/index.js';
import { makeEnv } from '../../src/registry/index.js';
import { closeLog, testRegistry, type ToyParallelEnv } from './fixtures/toy-envs.js';
import { TestClient } from './helpers.js';

const registry = testRegistry();
let server: BridgeServer;
let client: TestClient;
const events: BridgeEvent[] = [];

beforeAll(async () => {
  server = await BridgeServer.start({ bind: 'tcp://127.0.0.1:*', registry, idleTimeoutMs: 60_000, maxHandles: 50, onEvent: (e) => events.push(e) });
  client = TestClient.connect(server.endpoint);
});

afterAll(async () => {
  client.close();
  await server.close();
});

test('binds a free port on loopback and answers hello, ping and list', async () => {
  expect(server.endpoint).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
  const hello = await client.call('hello');
  expect(hello).toMatchObject({ v: 1, id: 1, ok: true, result: { protocol: 2, protocols: [1, 2], maxMessageBytes: 1048576, idleTimeoutSeconds: 60, backends: ['sim'], requestTimeoutSeconds: null } });
  expect(hello.result.instance).toMatch(/^[0-9a-f]{16}$/);
  expect(hello.result.envs).toEqual(registry.ids());
  expect(hello.result.version).toMatch(/^\d+\.\d+\.\d+/);
  expect((await client.call('ping')).result).toEqual({});
  const list = await client.ok('list');
  expect(list).toContainEqual({ id: 'ToyParallel-v0', kind: 'parallel', description: 'two agents (bridge tests)' });
  expect(list.find((r: { id: string }) => r.id === 'CartPole-v1')).toMatchObject({ kind: 'single' });
});

test('a CartPole episode through the bridge equals the same seed in process, step for step', async () => {
  const made = await client.ok('make', { env: 'CartPole-v1' });
  expect(made).toMatchObject({ kind: 'single', actionSpace: { type: 'Discrete', n: 2, start: 0 }, spec: { id: 'CartPole-v1', maxEpisodeSteps: 500 } });
  expect(made.observationSpace).toMatchObject({ type: 'Box', shape: [4], dtype: 'float32' });
  expect(made.handle).toMatch(/^h\d+-[0-9a-f]{16}$/);
  const local = makeEnv<number[], number>('CartPole-v1');
  const r0 = await client.ok('reset', { handle: made.handle, seed: 42 });
  const l0 = await local.reset({ seed: 42 });
  expect(r0.obs).toEqual(l0.obs);
  let steps = 0;
  for (;;) {
    const action = steps % 3 === 0 ? 1 : 0;
    const remote = await client.ok('step', { handle: made.handle, action });
    const mine = await local.step(action);
    expect(remote).toEqual({ obs: mine.obs, reward: mine.reward, terminated: mine.terminated, truncated: mine.truncated, info: mine.info });
    steps += 1;
    if (mine.terminated || mine.truncated) break;
    expect(steps).toBeLessThan(600);
  }
  const after = await client.call('step', { handle: made.handle, action: 0 });
  expect(after.error?.type).toBe('ResetNeededError');
  expect(await client.ok('close', { handle: made.handle })).toEqual({});
  expect((await client.call('close', { handle: made.handle })).error?.type).toBe('UnknownHandleError');
});

test('parallel environments: per-agent spaces, actions keyed by agent, agents leave', async () => {
  const made = await client.ok('make', { env: 'ToyParallel-v0', config: { horizon: 5 } });
  expect(made).toMatchObject({ kind: 'parallel', agents: ['a', 'b'] });
  expect(made.actionSpaces.a).toEqual({ type: 'Discrete', n: 3, start: -1 });
  expect(made.observationSpaces.b).toMatchObject({ type: 'Box', shape: [2], dtype: 'float64' });
  const spaces = await client.ok('spaces', { handle: made.handle });
  expect({ handle: made.handle, ...spaces }).toEqual(made);
  const reset = await client.ok('reset', { handle: made.handle, seed: 3 });
  expect(Object.keys(reset.obs)).toEqual(['a', 'b']);
  expect(reset.info).toEqual({ a: { t: 0 }, b: { t: 0 } });
  const single = await client.call('step', { handle: made.handle, action: 1 });
  expect(single.error?.type).toBe('ProtocolError');
  const missing = await client.call('step', { handle: made.handle, actions: { a: 1 } });
  expect(missing.error).toMatchObject({ type: 'InvalidActionError', message: expect.stringContaining('missing action for live agent "b"') });
  const outside = await client.call('step', { handle: made.handle, actions: { a: 1, b: 5 } });
  expect(outside.error).toMatchObject({ type: 'InvalidActionError', message: expect.stringContaining('action for b 5') });
  let agents = ['a', 'b'];
  for (let t = 1; t <= 5; t++) {
    const actions = Object.fromEntries(agents.map((a) => [a, a === 'a' ? 1 : -1]));
    const r = await client.ok('step', { handle: made.handle, actions });
    expect(Object.keys(r.rewards)).toEqual(agents);
    expect(r.infos.a).toEqual({ t });
    agents = r.agents;
    if (t === 3) expect(agents).toEqual(['a']);
  }
  expect(agents).toEqual([]);
  expect((await client.call('step', { handle: made.handle, actions: { a: 0 } })).error?.type).toBe('ResetNeededError');
  await client.ok('close', { handle: made.handle });
});

test('typed errors for bad requests, and the server keeps serving', async () => {
  const cases: [string | Buffer, string, number | null][] = [
    ['not json', 'ProtocolError', null],
    ['[1,2]', 'ProtocolError', null],
    ['{"v":1,"cmd":"ping"}', 'ProtocolError', null],
    ['{"v":1,"id":1.5,"cmd":"ping"}', 'ProtocolError', null],
    ['{"v":3,"id":7,"cmd":"ping"}', 'ProtocolError', 7],
    ['{"v":1,"id":8,"cmd":"ping","extra":1}', 'ProtocolError', 8],
    ['{"v":1,"id":9,"cmd":"frobnicate"}', 'UnknownCommandError', 9],
    ['{"v":1,"id":10,"cmd":"__proto__"}', 'UnknownCommandError', 10],
    ['{"v":1,"id":11,"cmd":"make","args":{}}', 'ProtocolError', 11],
    ['{"v":1,"id":12,"cmd":"make","args":{"env":5}}', 'ProtocolError', 12],
    ['{"v":1,"id":13,"cmd":"make","args":{"env":"Nope-v0"}}', 'ConfigError', 13],
    ['{"v":1,"id":14,"cmd":"make","args":{"env":"CartPole-v1","config":{"bogus":1}}}', 'ConfigError', 14],
    ['{"v":1,"id":15,"cmd":"make","args":{"env":"CartPole-v1","config":[]}}', 'ProtocolError', 15],
    ['{"v":1,"id":16,"cmd":"reset","args":{"handle":"h1-nope"}}', 'UnknownHandleError', 16],
    ['{"v":1,"id":17,"cmd":"step","args":{"handle":7,"action":1}}', 'ProtocolError', 17],
    ['{"v":1,"id":18,"cmd":"ping","args":{"x":1}}', 'ProtocolError', 18],
    ['{"v":1,"id":19,"cmd":"ping","args":"x"}', 'ProtocolError', 19],
    [Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), 'ProtocolError', null],
  ];
  for (const [frame, type, id] of cases) {
    const r = await client.raw(frame);
    expect({ frame: frame.toString(), ok: r.ok, type: r.error?.type, id: r.id }).toEqual({ frame: frame.toString(), ok: false, type, id });
    expect(r.error?.message.length).toBeGreaterThan(5);
  }
  const made = await client.ok('make', { env: 'CartPole-v1' });
  const badSeed = await client.call('reset', { handle: made.handle, seed: -1 });
  expect(badSeed.error).toMatchObject({ type: 'ProtocolError', message: expect.stringContaining('seed') });
  const badOption = await client.call('reset', { handle: made.handle, options: { low: 'x' } });
  expect(badOption.error?.type).toBe('ConfigError');
  expect((await client.call('step', { handle: made.handle, action: 0 })).error?.type).toBe('ResetNeededError');
  await client.ok('reset', { handle: made.handle, seed: 1 });
  for (const action of [2, -1, 0.5, '1', null, [1], { a: 1 }]) {
    const r = await client.call('step', { handle: made.handle, action });
    expect(r.error?.type).toBe('InvalidActionError');
  }
  expect((await client.call('step', { handle: made.handle })).error?.type).toBe('ProtocolError');
  expect(await client.ok('step', { handle: made.handle, action: 1 })).toMatchObject({ reward: 1 });
  await client.ok('close', { handle: made.handle });
  expect((await client.call('ping')).ok).toBe(true);
});

test('an environment that throws or returns unsendable values gives EnvironmentError; typed arrays travel as arrays', async () => {
  const made = await client.ok('make', { env: 'Naughty-v0' });
  expect(made.observationSpace).toEqual({
    type: 'Dict',
    spaces: { pos: { type: 'Box', low: [-1, -1], high: [1, 1], shape: [2], dtype: 'float32' }, mode: { type: 'MultiDiscrete', nvec: [2, 3] } },
  });
  await client.ok('reset', { handle: made.handle });
  const boom = await client.call('step', { handle: made.handle, action: 1 });
  expect(boom.error).toEqual({ type: 'EnvironmentError', message: 'TypeError: boom in stepEnv' });
  const big = await client.call('step', { handle: made.handle, action: 2 });
  expect(big.error?.type).toBe('EnvironmentError');
  expect(big.error?.message).toContain('cannot be sent as JSON');
  const typed = await client.ok('step', { handle: made.handle, action: 3 });
  expect(typed.obs).toEqual({ pos: [0.5, -0.25], mode: [1, 2] });
  await client.ok('close', { handle: made.handle });
});

test('oversized frames get MessageTooLargeError without being parsed', async () => {
  const small = await BridgeServer.start({ bind: 'tcp://127.0.0.1:*', registry, maxMessageBytes: 1000 });
  const c = TestClient.connect(small.endpoint);
  try {
    const r = await c.raw(`{"v":1,"id":1,"cmd":"ping","args":{"x":"${'a'.repeat(2000)}"}}`);
    expect(r).toMatchObject({ id: null, ok: false, error: { type: 'MessageTooLargeError' } });
    expect(r.error?.message).toContain('exceeds the limit of 1000 bytes');
    expect((await c.call('ping')).ok).toBe(true);
  } finally {
    c.close();
    await small.close();
  }
});

test('DEALER clients: bare frames, envelopes, pipelining, and frame-count errors', async () => {
  const dealer = new zmq.Dealer({ linger: 0, receiveTimeout: 5000, sendTimeout: 5000 });
  dealer.connect(server.endpoint);
  try {
    await dealer.send('{"v":1,"id":1,"cmd":"ping"}');
    const [bare] = await dealer.receive();
    expect(JSON.parse((bare as Buffer).toString())).toMatchObject({ id: 1, ok: true });
    await dealer.send(['', '{"v":1,"id":2,"cmd":"ping"}']);
    const [empty, withDelim] = await dealer.receive();
    expect((empty as Buffer).length).toBe(0);
    expect(JSON.parse((withDelim as Buffer).toString())).toMatchObject({ id: 2, ok: true });
    await dealer.send(['', 'a', 'b']);
    const [, twoFrames] = await dealer.receive();
    expect(JSON.parse((twoFrames as Buffer).toString()).error).toMatchObject({ type: 'ProtocolError', message: expect.stringContaining('exactly one request frame') });
    // Pipelined requests on one handle are answered in order.
    await dealer.send(JSON.stringify({ v: 1, id: 3, cmd: 'make', args: { env: 'CartPole-v1' } }));
    const made = JSON.parse(((await dealer.receive())[0] as Buffer).toString()).result as { handle: string };
    await dealer.send(JSON.stringify({ v: 1, id: 100, cmd: 'reset', args: { handle: made.handle, seed: 0 } }));
    for (let i = 0; i < 20; i++) await dealer.send(JSON.stringify({ v: 1, id: 101 + i, cmd: 'step', args: { handle: made.handle, action: i % 2 } }));
    const ids: number[] = [];
    for (let i = 0; i < 21; i++) ids.push(JSON.parse(((await dealer.receive())[0] as Buffer).toString()).id as number);
    expect(ids).toEqual(Array.from({ length: 21 }, (_, i) => 100 + i));
  } finally {
    dealer.close();
  }
});

test('a slow step on one handle does not delay other handles', async () => {
  const slowClient = TestClient.connect(server.endpoint);
  try {
    const slow = await slowClient.ok('make', { env: 'Slow-v0', config: { delayMs: 800 } });
    await slowClient.ok('reset', { handle: slow.handle });
    const fast = await client.ok('make', { env: 'CartPole-v1' });
    await client.ok('reset', { handle: fast.handle, seed: 0 });
    const t0 = performance.now();
    const slowStep = slowClient.ok('step', { handle: slow.handle, action: 0 });
    let fastSteps = 0;
    let fastDoneAt = 0;
    for (let i = 0; i < 10; i++) {
      const r = await client.ok('step', { handle: fast.handle, action: i % 2 });
      fastSteps += 1;
      if (r.terminated) break;
    }
    fastDoneAt = performance.now() - t0;
    expect(await slowStep).toMatchObject({ obs: 1 });
    const slowDoneAt = performance.now() - t0;
    expect(fastSteps).toBeGreaterThan(5);
    expect(fastDoneAt).toBeLessThan(slowDoneAt);
    expect(slowDoneAt).toBeGreaterThanOrEqual(790);
    await client.ok('close', { handle: fast.handle });
    await slowClient.ok('close', { handle: slow.handle });
  } finally {
    slowClient.close();
  }
});

test('limits: too many handles and too many queued requests give LimitExceededError', async () => {
  const limited = await BridgeServer.start({ bind: 'tcp://127.0.0.1:*', registry, maxHandles: 2, maxQueue: 2 });
  const c = TestClient.connect(limited.endpoint);
  const dealer = new zmq.Dealer({ linger: 0, receiveTimeout: 5000, sendTimeout: 5000 });
  dealer.connect(limited.endpoint);
  try {
    const slow = await c.ok('make', { env: 'Slow-v0', config: { delayMs: 100 } });
    await c.ok('make', { env: 'CartPole-v1' });
    const third = await c.call('make', { env: 'CartPole-v1' });
    expect(third.error).toMatchObject({ type: 'LimitExceededError', message: expect.stringContaining('--max-handles 2') });
    await c.ok('reset', { handle: slow.handle });
    for (let i = 0; i < 5; i++) await dealer.send(JSON.stringify({ v: 1, id: i, cmd: 'step', args: { handle: slow.handle, action: 0 } }));
    const replies = [];
    for (let i = 0; i < 5; i++) replies.push(JSON.parse(((await dealer.receive())[0] as Buffer).toString()));
    const limitedIds = replies.filter((r) => r.error?.type === 'LimitExceededError').map((r) => r.id);
    expect(limitedIds).toEqual([3, 4]); // one running, two queued, two refused
    expect(replies.filter((r) => r.ok).map((r) => r.result.obs)).toEqual([1, 2, 3]);
  } finally {
    dealer.close();
    c.close();
    await limited.close();
  }
});

test('protocol 2: state and adjacency of parallel environments, make options (episode length, wrappers)', async () => {
  const par = await client.ok('make', { env: 'ToyParallel-v0' });
  expect(par).toMatchObject({ hasState: true, hasAdjacency: true });
  await client.ok('reset', { handle: par.handle, seed: 3 });
  const local = registry.make('ToyParallel-v0') as unknown as ToyParallelEnv;
  await local.reset({ seed: 3 });
  expect((await client.ok('state', { handle: par.handle })).state).toEqual(local.state());
  expect((await client.ok('adjacency', { handle: par.handle })).adjacency).toEqual([
    [0, 1],
    [1, 0],
  ]);
  const single = await client.ok('make', { env: 'CartPole-v1' });
  expect((await client.call('state', { handle: single.handle })).error).toEqual({ type: 'ConfigError', message: 'state: CartPole-v1 is a single-agent environment' });

  const short = await client.ok('make', { env: 'CartPole-v1', options: { maxEpisodeSteps: 3 } });
  expect(short.spec.maxEpisodeSteps).toBe(3);
  await client.ok('reset', { handle: short.handle, seed: 0 });
  const truncated = [];
  for (let i = 0; i < 3; i++) truncated.push((await client.ok('step', { handle: short.handle, action: i % 2 })).truncated);
  expect(truncated).toEqual([false, false, true]);

  const wrapped = await client.ok('make', { env: 'Pendulum-v1', options: { wrappers: [{ type: 'RescaleAction', min: -1, max: 1 }, { type: 'ClipAction' }, { type: 'NormalizeObservation' }] } });
  expect(wrapped.actionSpace).toMatchObject({ type: 'Box', low: ['-inf'], high: ['inf'] });
  expect(wrapped.observationSpace).toMatchObject({ type: 'Box', low: ['-inf', '-inf', '-inf'] });
  await client.ok('reset', { handle: wrapped.handle, seed: 0 });
  expect((await client.ok('step', { handle: wrapped.handle, action: [5] })).obs).toHaveLength(3); // clipped to 1, rescaled to the max torque
  const bad: [unknown, string][] = [
    [{ wrappers: [{ type: 'Exec', command: 'id' }] }, 'make: options.wrappers[0] must be {type: "ClipAction" | "RescaleAction" | "NormalizeObservation", ...}, got {"type":"Exec","command":"id"}'],
    [{ wrappers: [{ type: 'ClipAction' }] }, 'make ToyParallel-v0: options.wrappers apply to single-agent environments; ToyParallel-v0 is parallel'],
    [{ maxEpisodeSteps: 1e12 }, 'make: options.maxEpisodeSteps must be an integer in [1, 1e9] or null, got 1000000000000'],
  ];
  for (const [options, message] of bad) {
    const r = await client.call('make', { env: 'ToyParallel-v0', options });
    expect(r.error).toEqual({ type: 'ConfigError', message });
  }
  for (const h of [par, single, short, wrapped]) await client.ok('close', { handle: h.handle });
});

test('protocol 2: a batched step over several handles, one request and one reply, errors per entry', async () => {
  const handles = [];
  for (let i = 0; i < 3; i++) handles.push((await client.ok('make', { env: 'CartPole-v1' })).handle as string);
  const par = (await client.ok('make', { env: 'ToyParallel-v0' })).handle as string;
  const locals = handles.map(() => makeEnv<number[], number>('CartPole-v1'));
  for (const [i, h] of handles.entries()) {
    await client.ok('reset', { handle: h, seed: 40 + i });
    await locals[i]?.reset({ seed: 40 + i });
  }
  await client.ok('reset', { handle: par, seed: 1 });
  const r = await client.ok('steps', {
    batch: [
      { handle: handles[0], action: 1 },
      { handle: handles[1], action: 0 },
      { handle: handles[2], action: 7 },
      { handle: 'h9-0000000000000000', action: 0 },
      { handle: par, actions: { a: 1, b: -1 } },
      { handle: handles[0], action: 0 }, // a second step on one handle runs after the first, in order
    ],
  });
  expect(r.results).toHaveLength(6);
  const mine = [await locals[0]?.step(1), await locals[1]?.step(0), await locals[0]?.step(0)];
  for (const [k, i] of [0, 1, 5].entries()) {
    const m = mine[k];
    expect(r.results[i]).toEqual({ ok: true, result: { obs: m?.obs, reward: m?.reward, terminated: m?.terminated, truncated: m?.truncated, info: m?.info } });
  }
  expect(r.results[2]).toMatchObject({ ok: false, error: { type: 'InvalidActionError' } });
  expect(r.results[3]).toMatchObject({ ok: false, error: { type: 'UnknownHandleError' } });
  expect(r.results[4]).toMatchObject({ ok: true, result: { agents: ['a', 'b'] } });
  for (const [batch, message] of [
    [[], /args\.batch must be an array of 1 to 256 entries/],
    [new Array(257).fill({ handle: handles[0], action: 0 }), /args\.batch must be an array of 1 to 256 entries/],
  ] as const) {
    expect((await client.call('steps', { batch })).error?.message).toMatch(message);
  }
  expect((await client.ok('steps', { batch: [{ handle: handles[1], action: 0, exec: 'id' }] })).results[0].error.message).toBe(
    'steps: batch[0]: unknown field "exec" (expected handle, action, actions)',
  );
  for (const h of [...handles, par]) await client.ok('close', { handle: h });
});

test('spaces and ping with a handle keep it from the idle reaper; a late request says why its handle is gone', async () => {
  const reaping = await BridgeServer.start({ bind: 'tcp://127.0.0.1:*', registry, idleTimeoutMs: 300 });
  const c = TestClient.connect(reaping.endpoint);
  try {
    const kept = await c.ok('make', { env: 'CartPole-v1' });
    const idle = await c.ok('make', { env: 'CartPole-v1' });
    for (let i = 0; i < 6; i++) {
      await new Promise((r) => setTimeout(r, 100));
      await c.ok(i % 2 === 0 ? 'ping' : 'spaces', { handle: kept.handle });
    }
    await reaping.reapIdle();
    expect(reaping.openHandles()).toEqual([kept.handle]);
    expect((await c.call('reset', { handle: idle.handle })).error?.message).toBe(`handle "${idle.handle}" is closed: closed after 0.3 s idle (--idle-timeout)`);
    await c.ok('close', { handle: kept.handle });
    expect((await c.call('ping', { handle: kept.handle })).error?.message).toBe(`handle "${kept.handle}" is closed: closed by a client`);
  } finally {
    c.close();
    await reaping.close();
  }
});

test('each client has its own share of the handle limit: one client cannot take every handle', async () => {
  const limited = await BridgeServer.start({ bind: 'tcp://127.0.0.1:*', registry, maxHandles: 6, maxHandlesPerClient: 2 });
  const greedy = TestClient.connect(limited.endpoint);
  const other = TestClient.connect(limited.endpoint);
  const named = [TestClient.connect(limited.endpoint), TestClient.connect(limited.endpoint)];
  try {
    const mine = [await greedy.ok('make', { env: 'CartPole-v1' }), await greedy.ok('make', { env: 'CartPole-v1' })];
    expect((await greedy.call('make', { env: 'CartPole-v1' })).error).toEqual({
      type: 'LimitExceededError',
      message: 'this client already holds 2 environments (--max-handles-per-client 2); close some first',
    });
    await other.ok('make', { env: 'CartPole-v1' }); // another client still gets its share
    await greedy.ok('close', { handle: mine[0].handle });
    await greedy.ok('make', { env: 'CartPole-v1' }); // a closed handle frees the slot
    // A client that names itself (one process, several sockets) has one share across its sockets.
    await named[0]?.ok('make', { env: 'CartPole-v1', client: 'trainer-1' });
    await named[1]?.ok('make', { env: 'CartPole-v1', client: 'trainer-1' });
    expect((await named[0]?.call('make', { env: 'CartPole-v1', client: 'trainer-1' }))?.error?.message).toMatch(/this client already holds 2/);
    await other.ok('make', { env: 'CartPole-v1' });
    expect((await other.call('make', { env: 'CartPole-v1' })).error?.message).toMatch(/the server already holds 6 environments \(--max-handles 6\)/);
  } finally {
    for (const c of [greedy, other, ...named]) c.close();
    await limited.close();
  }
});

test('idle handles are reaped and their environments closed; busy ones are not', async () => {
  const reaped: BridgeEvent[] = [];
  const quick = await BridgeServer.start({ bind: 'tcp://127.0.0.1:*', registry, idleTimeoutMs: 600, onEvent: (e) => reaped.push(e) });
  const c = TestClient.connect(quick.endpoint);
  try {
    closeLog.length = 0;
    const gone = await c.ok('make', { env: 'CloseCounting-v0' });
    const slow = await c.ok('make', { env: 'Slow-v0', config: { delayMs: 1800 } });
    await c.ok('reset', { handle: slow.handle });
    expect(quick.openHandles()).toHaveLength(2);
    await c.ok('step', { handle: slow.handle, action: 0 }); // busy for 1.8 s, three idle timeouts
    expect(quick.openHandles()).toEqual([slow.handle]); // just used: not idle
    expect(closeLog).toEqual(['closed']);
    expect(reaped).toContainEqual({ type: 'reaped', handle: gone.handle, env: 'CloseCounting-v0' });
    const r = await c.call('reset', { handle: gone.handle });
    expect(r.error).toMatchObject({ type: 'UnknownHandleError', message: expect.stringContaining('closed after 0.6 s idle') });
    for (let i = 0; i < 200 && quick.openHandles().length > 0; i++) await new Promise((done) => setTimeout(done, 20));
    expect(quick.openHandles()).toEqual([]);
    expect(quick.stats().reaped).toBe(2);
  } finally {
    c.close();
    await quick.close();
  }
});

test('CurveZMQ: only clients that know the server key get answers; --client-keys narrows it further', async () => {
  const serverPair = generateKeyPair();
  const allowed = generateKeyPair();
  const other = generateKeyPair();
  const secure = await BridgeServer.start({ bind: 'tcp://127.0.0.1:*', registry, curve: serverPair });
  const guarded = await BridgeServer.start({ bind: 'tcp://127.0.0.1:*', registry, curve: serverPair, clientKeys: new Set([allowed.publicKey]) });
  const clients: TestClient[] = [];
  // Refused clients get no answer at all, so their calls run into the (short) timeout; allowed ones get a long one.
  const connect = (endpoint: string, keys?: { publicKey: string; secretKey: string }, serverKey = serverPair.publicKey, timeoutMs = 700): TestClient => {
    const c = TestClient.connect(endpoint, { timeoutMs, ...(keys ? { curve: { serverKey, ...keys } } : {}) });
    clients.push(c);
    return c;
  };
  try {
    expect((await connect(secure.endpoint, other, serverPair.publicKey, 10_000).call('ping')).ok).toBe(true);
    await expect(connect(secure.endpoint).call('ping')).rejects.toThrow(); // plain client: no handshake, no reply
    await expect(connect(secure.endpoint, other, other.publicKey).call('ping')).rejects.toThrow(); // wrong server key
    expect((await connect(guarded.endpoint, allowed, serverPair.publicKey, 10_000).call('ping')).ok).toBe(true);
    await expect(connect(guarded.endpoint, other).call('ping')).rejects.toThrow(); // key not on the list
  } finally {
    for (const c of clients) c.close();
    await secure.close();
    await guarded.close();
  }
});

test('non-loopback binds need allowRemote and CURVE keys; a busy port is a ConfigError', async () => {
  await expect(BridgeServer.start({ bind: 'tcp://0.0.0.0:*', registry })).rejects.toThrow(/not a loopback address: pass --allow-remote/);
  await expect(BridgeServer.start({ bind: 'tcp://0.0.0.0:*', registry, allowRemote: true })).rejects.toThrow(/needs CurveZMQ/);
  await expect(BridgeServer.start({ bind: 'http://127.0.0.1:80', registry })).rejects.toThrow(/bind endpoint must look like/);
  await expect(BridgeServer.start({ bind: server.endpoint, registry })).rejects.toThrow(/cannot bind/);
  await expect(BridgeServer.start({ bind: 'tcp://127.0.0.1:*', registry, clientKeys: new Set(['x']) })).rejects.toThrow(/client keys need CURVE/);
});

test('close() stops serving, closes every environment and is safe to call twice', async () => {
  const s = await BridgeServer.start({ bind: 'tcp://127.0.0.1:*', registry });
  const c = TestClient.connect(s.endpoint, { timeoutMs: 500 });
  try {
    closeLog.length = 0;
    await c.ok('make', { env: 'CloseCounting-v0' });
    await s.close();
    await s.close();
    expect(closeLog).toEqual(['closed']);
    await expect(c.call('ping')).rejects.toThrow();
  } finally {
    c.close();
  }
});
