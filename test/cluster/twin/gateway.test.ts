/** The OpenFaaS gateway endpoints of the twin, over real HTTP on loopback. */
import { Twin } from '../../../src/cluster/twin/index.js';
import { basic, getJson, http, NS, testScenario, until } from './helpers.js';

const AUTH = { user: 'admin', password: 's3cret-pass' };
const H = { Authorization: basic(AUTH.user, AUTH.password) };
const SPEED = 10;

describe('the twin gateway (lenient profile)', () => {
  let twin: Twin;
  const fn = (name: string) => twin.cluster.functions().find((f) => f.name === name);

  beforeAll(async () => {
    twin = await Twin.start({ scenario: testScenario(), speed: SPEED, auth: AUTH, maxBodyBytes: 4096, invokeTimeoutMs: 5000, profile: 'lenient' });
    // replicas start cold (coldStart 0 here, but let the clock run once)
    await until(() => twin.cluster.functions().every((f) => f.replicas.every((r) => r.phase === 'ready')), 5000);
  });
  afterAll(async () => {
    await twin.close();
  });

  test('GET /healthz and /system/info (with the time scale)', async () => {
    const h = await http(`${twin.url}/healthz`);
    expect(h.status).toBe(200);
    expect(h.headers.get('content-type')).toMatch(/text\/plain/);
    const info = await getJson(`${twin.url}/system/info`, { headers: H });
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({ provider: { provider: 'faasgym-twin', orchestration: 'kubernetes' }, timeScale: SPEED, arch: 'x86_64' });
  });

  test('basic auth guards /system/* (401 without or with wrong credentials)', async () => {
    const none = await http(`${twin.url}/system/functions`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    expect(none.headers.get('content-type')).toMatch(/text\/plain/);
    const wrong = await http(`${twin.url}/system/functions`, { headers: { Authorization: basic('admin', 'nope') } });
    expect(wrong.status).toBe(401);
    const garbage = await http(`${twin.url}/system/functions`, { headers: { Authorization: 'Basic !!!' } });
    expect(garbage.status).toBe(401);
    const admin = await http(`${twin.url}/_twin/faults`);
    expect(admin.status).toBe(401);
    // invocations are not behind auth, as on OpenFaaS
    const inv = await http(`${twin.url}/function/echo`, { method: 'POST', body: 'x' });
    expect(inv.status).toBe(200);
  });

  test('GET /system/functions lists FunctionStatus objects', async () => {
    const r = await getJson<Record<string, unknown>[]>(`${twin.url}/system/functions?namespace=${NS}`, { headers: H });
    expect(r.status).toBe(200);
    expect(r.body.map((f) => f.name)).toEqual(['echo', 'limited', 'hog']);
    const echo = r.body[0] as Record<string, unknown>;
    expect(echo).toMatchObject({
      name: 'echo', namespace: NS, image: 'faasgym/echo:latest', replicas: 1, availableReplicas: 1,
      limits: { cpu: '1', memory: '256Mi' }, requests: { cpu: '1', memory: '256Mi' },
      envVars: {}, constraints: ['kubernetes.io/hostname=n1'], labels: { faas_function: 'echo' },
    });
    expect(typeof echo.invocationCount).toBe('number');
    expect(typeof echo.createdAt).toBe('string');
    expect(echo.usage).toMatchObject({ cpu: expect.any(Number), totalMemoryBytes: expect.any(Number) });
    const one = await getJson(`${twin.url}/system/function/limited?namespace=${NS}`, { headers: H });
    expect(one.body).toMatchObject({ name: 'limited', envVars: { max_inflight: '1' } });
    expect((await http(`${twin.url}/system/function/nope`, { headers: H })).status).toBe(404);
    expect((await http(`${twin.url}/system/function/echo?namespace=other`, { headers: H })).status).toBe(404);
    expect((await http(`${twin.url}/system/functions?namespace=other`, { headers: H })).status).toBe(400);
  });

  test('POST /system/scale-function/{name} scales in the simulator', async () => {
    const r = await http(`${twin.url}/system/scale-function/hog`, { method: 'POST', headers: H, body: JSON.stringify({ serviceName: 'hog', namespace: NS, replicas: 2 }) });
    expect(r.status).toBe(202);
    expect(fn('hog')?.desiredReplicas).toBe(2);
    const bad = await http(`${twin.url}/system/scale-function/hog`, { method: 'POST', headers: H, body: JSON.stringify({ replicas: -3 }) });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/replicas must be a non-negative integer/);
    const missing = await http(`${twin.url}/system/scale-function/nope`, { method: 'POST', headers: H, body: JSON.stringify({ replicas: 1 }) });
    expect(missing.status).toBe(404);
    const wrongMethod = await http(`${twin.url}/system/scale-function/hog`, { headers: H });
    expect(wrongMethod.status).toBe(405);
  });

  test('PUT /system/functions resizes, sets max_inflight and, like faas-netes, resets the nodeSelector', async () => {
    const status = (await getJson<Record<string, unknown>>(`${twin.url}/system/function/echo`, { headers: H })).body;
    expect(fn('echo')?.nodeSelector).toEqual(['n1']);
    const { name, replicas: _r, availableReplicas: _a, invocationCount: _i, createdAt: _c, usage: _u, ...rest } = status;
    const deployment = { ...rest, service: name, limits: { cpu: '500m', memory: '512Mi' }, requests: { cpu: '250m', memory: '512Mi' }, envVars: { max_inflight: '3' }, constraints: [] };
    const r = await http(`${twin.url}/system/functions`, { method: 'PUT', headers: H, body: JSON.stringify(deployment) });
    expect(r.status).toBe(202);
    expect(fn('echo')).toMatchObject({ maxInflight: 3, limits: { cpuMilli: 500, memoryMb: 512 }, nodeSelector: null, desiredReplicas: 1 });
    const after = (await getJson<Record<string, unknown>>(`${twin.url}/system/function/echo`, { headers: H })).body;
    expect(after).toMatchObject({ limits: { cpu: '500m', memory: '512Mi' }, requests: { cpu: '250m', memory: '512Mi' }, envVars: { max_inflight: '3' }, constraints: [] });
    // constraints become the nodeSelector
    const pinned = await http(`${twin.url}/system/functions`, { method: 'PUT', headers: H, body: JSON.stringify({ ...deployment, constraints: ['zone=b'] }) });
    expect(pinned.status).toBe(202);
    expect(fn('echo')?.nodeSelector).toEqual(['n2']);
    // bad input
    const put = (body: unknown) => http(`${twin.url}/system/functions`, { method: 'PUT', headers: H, body: typeof body === 'string' ? body : JSON.stringify(body) });
    expect((await put('{not json')).status).toBe(400);
    expect((await put({ service: 'echo' })).status).toBe(400); // image missing
    expect((await put({ ...deployment, limits: { cpu: 'lots' } })).status).toBe(400);
    expect((await put({ ...deployment, envVars: { max_inflight: 'many' } })).status).toBe(400);
    expect((await put({ ...deployment, constraints: ['zone=nowhere'] })).status).toBe(400);
    expect((await put({ ...deployment, service: 'ghost' })).status).toBe(404);
    expect((await put({ ...deployment, namespace: 'elsewhere' })).status).toBe(400);
    expect(fn('echo')).toMatchObject({ maxInflight: 3, nodeSelector: ['n2'] }); // nothing applied by the refused ones
    // deploy and delete are not for a twin
    expect((await http(`${twin.url}/system/functions`, { method: 'POST', headers: H, body: JSON.stringify(deployment) })).status).toBe(409);
    expect((await http(`${twin.url}/system/functions`, { method: 'POST', headers: H, body: JSON.stringify({ ...deployment, service: 'new' }) })).status).toBe(501);
    expect((await http(`${twin.url}/system/functions`, { method: 'DELETE', headers: H, body: JSON.stringify({ functionName: 'echo' }) })).status).toBe(501);
    expect((await http(`${twin.url}/system/functions`, { method: 'PATCH', headers: H })).status).toBe(405);
  });

  test('a synchronous invocation takes the simulated latency / speed and echoes the body', async () => {
    // echo: 0.5 s of one core at 500m CPU (after the resize above) = 1 simulated second, 100 ms of wall time at speed 10
    const walls: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const r = await http(`${twin.url}/function/echo`, { method: 'POST', body: `hello ${i}`, headers: { 'Content-Type': 'text/plain' } });
      const body = await r.text();
      walls.push(performance.now() - t0);
      expect(r.status).toBe(200);
      expect(body).toBe(`hello ${i}`);
      expect(Number(r.headers.get('x-faasgym-simulated-seconds'))).toBeCloseTo(1, 3);
      expect(Number(r.headers.get('x-duration-seconds'))).toBeCloseTo(0.1, 3);
      expect(r.headers.get('x-call-id')).toMatch(/^twin-/);
    }
    walls.sort((a, b) => a - b);
    const median = walls[2] as number;
    expect(median).toBeGreaterThanOrEqual(99);
    expect(median).toBeLessThan(100 + 80); // loaded CI machines: generous bound on the overhead
    // {name}.{namespace} addresses the same function; another namespace is 404
    expect((await http(`${twin.url}/function/echo.${NS}`, { method: 'POST', body: 'x' })).status).toBe(200);
    expect((await http(`${twin.url}/function/echo.other`, { method: 'POST', body: 'x' })).status).toBe(404);
    expect((await http(`${twin.url}/function/nope`, { method: 'POST', body: 'x' })).status).toBe(404);
  });

  test('max_inflight overflow answers 429', async () => {
    // limited: max_inflight 1, overflow reject, 2 s of work; fire 3 at once on its single replica
    const calls = [0, 1, 2].map(() => http(`${twin.url}/function/limited`, { method: 'POST', body: 'x' }).then(async (r) => ({ status: r.status, text: await r.text() })));
    const results = await Promise.all(calls);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 429, 429]);
    expect(results.find((r) => r.status === 429)?.text).toMatch(/Concurrent request limit exceeded\. Max concurrent requests: 1/);
  });

  test('an invocation that runs out of memory answers 502; async invocations answer 202', async () => {
    const put = await http(`${twin.url}/system/functions`, {
      method: 'PUT', headers: H,
      body: JSON.stringify({ service: 'hog', image: 'faasgym/hog:latest', envProcess: 'faasgym-sim hog', limits: { memory: '256Mi', cpu: '500m' }, requests: { memory: '256Mi', cpu: '500m' } }),
    });
    expect(put.status).toBe(202);
    const oom = await http(`${twin.url}/function/hog`, { method: 'POST', body: 'x' });
    expect(oom.status).toBe(502);
    expect(await oom.text()).toMatch(/out of memory/);
    // The list's invocationCount is cumulative; the engine's window counter resets whenever the twin's clock closes a window.
    const count = async (): Promise<number> =>
      ((await (await http(`${twin.url}/system/functions`, { headers: H })).json()) as Array<{ name: string; invocationCount: number }>).find((f) => f.name === 'echo')?.invocationCount ?? 0;
    const before = await count();
    const a = await http(`${twin.url}/async-function/echo`, { method: 'POST', body: 'x' });
    expect(a.status).toBe(202);
    expect(a.headers.get('x-call-id')).toMatch(/^twin-/);
    expect((await count()) - before).toBeGreaterThanOrEqual(1);
    expect((await http(`${twin.url}/async-function/echo`)).status).toBe(405);
  });

  test('bad HTTP input never takes the server down', async () => {
    const big = await http(`${twin.url}/function/echo`, { method: 'POST', body: 'x'.repeat(10_000) });
    expect(big.status).toBe(413);
    expect((await http(`${twin.url}/nowhere`)).status).toBe(404);
    const odd = await http(`${twin.url}/system/function/%E0%A4%A`, { headers: H });
    expect([400, 404]).toContain(odd.status);
    expect(odd.headers.get('content-type')).toBeTruthy();
    const h = await http(`${twin.url}/healthz`);
    expect(h.status).toBe(200);
  });
});
