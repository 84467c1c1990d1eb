/** Fault injection on the twin, its admin endpoints, and the byte-for-byte configuration dump used to check restores. */
import { ConfigError } from '../../../src/core/errors.js';
import { FaultInjector, Twin } from '../../../src/cluster/twin/index.js';
import { basic, getJson, http, NS, testScenario } from './helpers.js';

type Obj = Record<string, any>;

const DEPLOY = `/apis/apps/v1/namespaces/${NS}/deployments`;
const MERGE = { 'Content-Type': 'application/merge-patch+json' };

describe('FaultInjector', () => {
  test('matches method and path (glob, regexp), counts, skips and expires', () => {
    const f = new FaultInjector();
    const a = f.add({ method: 'patch', path: '/apis/apps/v1/namespaces/*/deployments/*', kind: '500', times: 2 });
    const b = f.add({ path: /^\/system\//, kind: '503', skip: 1 });
    const c = f.add({ path: '^/function/(echo|hog)$', kind: 'drop', when: 'after' });
    expect(f.take('GET', '/apis/apps/v1/namespaces/x/deployments/y')).toBeNull();
    expect(f.take('PATCH', '/apis/apps/v1/namespaces/x/deployments/y')).toMatchObject({ id: a, kind: '500', remaining: 1 });
    expect(f.take('PATCH', '/apis/apps/v1/namespaces/x/deployments/y')).toMatchObject({ id: a, remaining: 0 });
    expect(f.take('PATCH', '/apis/apps/v1/namespaces/x/deployments/y')).toBeNull(); // spent
    expect(f.take('GET', '/system/functions')).toBeNull(); // skipped once
    expect(f.take('GET', '/system/functions')).toMatchObject({ id: b, kind: '503', remaining: null });
    expect(f.take('POST', '/function/echo')).toMatchObject({ id: c, when: 'after' });
    expect(f.take('POST', '/function/limited')).toBeNull();
    expect(f.hits(a)).toBe(2);
    expect(f.list().map((x) => x.id)).toEqual([a, b, c]);
    expect(f.remove(b)).toBe(true);
    expect(f.remove(b)).toBe(false);
    f.clear();
    expect(f.list()).toEqual([]);
  });

  test('refuses bad specs with a message naming the field', () => {
    const f = new FaultInjector();
    expect(() => f.add({ kind: 'explode' as never })).toThrow(/fault\.kind/);
    expect(() => f.add({ kind: '500', times: 0 })).toThrow(/fault\.times/);
    expect(() => f.add({ kind: '500', skip: -1 })).toThrow(/fault\.skip/);
    expect(() => f.add({ kind: '500', path: '^(' })).toThrow(/regular expression/);
    expect(() => f.add({ kind: '500', method: 'GE T' })).toThrow(/fault\.method/);
    expect(() => f.add({ kind: '500', when: 'later' as never })).toThrow(ConfigError);
    expect(() => f.add({ kind: 'delay', delayMs: -5 })).toThrow(/delayMs/);
    expect(() => f.add({ kind: '500', pathPattern: 'x' } as never)).toThrow(/unknown key "pathPattern"/);
  });
});

describe('faults on the twin', () => {
  const AUTH = { user: 'admin', password: 'pw-1234' };
  const H = { Authorization: basic(AUTH.user, AUTH.password) };
  let twin: Twin;
  const fn = (name: string) => twin.cluster.functions().find((f) => f.name === name);
  const patch = (name: string, body: unknown, timeoutMs = 5000) => http(`${twin.url}${DEPLOY}/${name}`, { method: 'PATCH', headers: { ...MERGE, ...H }, body: JSON.stringify(body), timeoutMs });

  beforeAll(async () => {
    twin = await Twin.start({ scenario: testScenario(), speed: 20, auth: AUTH });
  });
  afterAll(async () => {
    await twin.close();
  });
  afterEach(() => twin.faults.clear());

  test('500 and 409 answer as Kubernetes Status objects and apply nothing', async () => {
    const configs = twin.functionConfigs();
    twin.faults.add({ method: 'PATCH', path: `${DEPLOY}/*`, kind: '500', times: 1 });
    const r500 = await patch('echo', { spec: { replicas: 2 } });
    expect(r500.status).toBe(500);
    expect(await r500.json()).toMatchObject({ kind: 'Status', reason: 'InternalError', code: 500 });
    twin.faults.add({ method: 'PATCH', path: `${DEPLOY}/*`, kind: '409', times: 1 });
    const r409 = await patch('echo', { spec: { replicas: 2 } });
    expect(r409.status).toBe(409);
    expect(await r409.json()).toMatchObject({ kind: 'Status', reason: 'Conflict', code: 409 });
    expect(twin.functionConfigs()).toBe(configs);
    const ok = await patch('echo', { spec: { replicas: 2 } }); // both faults spent
    expect(ok.status).toBe(200);
    expect(fn('echo')?.desiredReplicas).toBe(2);
  });

  test('gateway faults answer in plain text; 429 carries Retry-After', async () => {
    twin.faults.add({ path: '/system/functions', kind: '503', times: 1 });
    const r = await http(`${twin.url}/system/functions`, { headers: H });
    expect(r.status).toBe(503);
    expect(r.headers.get('content-type')).toMatch(/text\/plain/);
    twin.faults.add({ path: '/function/*', kind: '429', times: 1 });
    const inv = await http(`${twin.url}/function/echo`, { method: 'POST', body: 'x' });
    expect(inv.status).toBe(429);
    expect(inv.headers.get('retry-after')).toBe('1');
  });

  test('hang: the client times out, nothing is applied', async () => {
    const configs = twin.functionConfigs();
    twin.faults.add({ method: 'PATCH', kind: 'hang', times: 1 });
    await expect(patch('hog', { spec: { replicas: 3 } }, 300)).rejects.toThrow();
    expect(twin.functionConfigs()).toBe(configs);
  });

  test('drop before: connection reset, nothing applied; drop after: applied, answer lost (mid-rollout)', async () => {
    const configs = twin.functionConfigs();
    twin.faults.add({ method: 'PATCH', kind: 'drop', times: 1 });
    await expect(patch('hog', { spec: { replicas: 3 } })).rejects.toThrow();
    expect(twin.functionConfigs()).toBe(configs);
    twin.faults.add({ method: 'PATCH', kind: 'drop', when: 'after', times: 1 });
    await expect(patch('hog', { spec: { template: { spec: { nodeSelector: { zone: 'b' } } } } })).rejects.toThrow();
    expect(fn('hog')?.nodeSelector).toEqual(['n2']); // the rollout started although the client saw no answer
    const d = (await getJson<Obj>(`${twin.url}${DEPLOY}/hog`, { headers: H })).body;
    expect(d.spec.template.spec.nodeSelector).toEqual({ zone: 'b' });
  });

  test('delay holds the answer', async () => {
    twin.faults.add({ path: '/api/v1/nodes', kind: 'delay', delayMs: 300, times: 1 });
    const t0 = performance.now();
    const r = await http(`${twin.url}/api/v1/nodes`, { headers: H });
    expect(r.status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
  });

  test('admin endpoint: add, list and clear faults over HTTP (behind basic auth, never faulted itself)', async () => {
    const add = await getJson<{ id: number }>(`${twin.url}/_twin/faults`, { method: 'POST', headers: H, body: JSON.stringify({ method: 'GET', path: '*', kind: '500', times: 3 }) });
    expect(add.status).toBe(201);
    const list = await getJson<Obj[]>(`${twin.url}/_twin/faults`, { headers: H });
    expect(list.status).toBe(200);
    expect(list.body).toEqual([expect.objectContaining({ id: add.body.id, kind: '500', remaining: 3, hits: 0, path: '*' })]);
    expect((await http(`${twin.url}/api/v1/nodes`, { headers: H })).status).toBe(500);
    const bad = await http(`${twin.url}/_twin/faults`, { method: 'POST', headers: H, body: '{"kind":"nope"}' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: expect.stringMatching(/fault\.kind/) });
    expect((await http(`${twin.url}/_twin/faults/${add.body.id}`, { method: 'DELETE', headers: H })).status).toBe(200);
    expect((await http(`${twin.url}/_twin/faults/${add.body.id}`, { method: 'DELETE', headers: H })).status).toBe(404);
    expect((await http(`${twin.url}/api/v1/nodes`, { headers: H })).status).toBe(200);
    const cfg = await http(`${twin.url}/_twin/function-configs`, { headers: H });
    expect(await cfg.text()).toBe(twin.functionConfigs());
    const st = await getJson<Obj>(`${twin.url}/_twin/status`, { headers: H });
    expect(st.body).toMatchObject({ scenario: 'twin-test', speed: 20, namespace: NS });
    const stress = await http(`${twin.url}/_twin/stress`, { method: 'POST', headers: H, body: JSON.stringify({ node: 'n2', level: 0.5 }) });
    expect(stress.status).toBe(200);
    expect(twin.cluster.engine.nodeByName.get('n2')?.stress).toBe(0.5);
    expect((await http(`${twin.url}/_twin/stress`, { method: 'POST', headers: H, body: JSON.stringify({ node: 'n9', level: 0.5 }) })).status).toBe(400);
  });
});

describe('restoring the initial configuration', () => {
  test('after changes through both APIs and a restore, functionConfigs() is byte-for-byte the initial one', async () => {
    const twin = await Twin.start({ scenario: testScenario(), speed: 20, profile: 'lenient' });
    try {
      const initial = twin.functionConfigs();
      const statuses = (await getJson<Obj[]>(`${twin.url}/system/functions`)).body;
      const deployments = (await getJson<Obj>(`${twin.url}${DEPLOY}`)).body.items as Obj[];
      // changes: a gateway PUT (resize, max_inflight, and the nodeSelector reset), a scale, a placement
      const echo = statuses.find((s) => s.name === 'echo') as Obj;
      const { name, replicas: _r, availableReplicas: _a, invocationCount: _i, createdAt: _c, usage: _u, ...rest } = echo;
      expect((await http(`${twin.url}/system/functions`, { method: 'PUT', body: JSON.stringify({ ...rest, service: name, limits: { cpu: '2', memory: '1Gi' }, envVars: { max_inflight: '9' } }) })).status).toBe(202);
      expect((await http(`${twin.url}/system/scale-function/limited`, { method: 'POST', body: JSON.stringify({ replicas: 3 }) })).status).toBe(202);
      expect((await http(`${twin.url}${DEPLOY}/hog`, { method: 'PATCH', headers: MERGE, body: JSON.stringify({ metadata: { annotations: { 'faasgym.io/touched': 'yes' } }, spec: { template: { spec: { nodeSelector: { zone: 'b' } } } } }) })).status).toBe(200);
      expect(twin.functionConfigs()).not.toBe(initial);
      // restore: PUT each FunctionDeployment as recorded, then put replicas, placement and annotations back through Kubernetes
      for (const s of statuses) {
        const { name: n, replicas: _r2, availableReplicas: _a2, invocationCount: _i2, createdAt: _c2, usage: _u2, ...dep } = s;
        expect((await http(`${twin.url}/system/functions`, { method: 'PUT', body: JSON.stringify({ ...dep, service: n }) })).status).toBe(202);
      }
      for (const d of deployments) {
        const body = { metadata: { annotations: { 'faasgym.io/touched': null } }, spec: { replicas: d.spec.replicas, template: { spec: { nodeSelector: d.spec.template.spec.nodeSelector ?? null } } } };
        expect((await http(`${twin.url}${DEPLOY}/${d.metadata.name}`, { method: 'PATCH', headers: MERGE, body: JSON.stringify(body) })).status).toBe(200);
      }
      expect(twin.functionConfigs()).toBe(initial);
    } finally {
      await twin.close();
    }
    // readable after close, and close is idempotent
    expect(twin.functionConfigs()).toMatch(/"name": "echo"/);
    await twin.close();
  });

  test('close() returns promptly with a hung connection and an invocation in flight', async () => {
    const twin = await Twin.start({ scenario: testScenario(), speed: 0.01 });
    twin.faults.add({ path: '/api/v1/nodes', kind: 'hang' });
    const hung = http(`${twin.url}/api/v1/nodes`, { timeoutMs: 10_000 }).then((r) => r.status, () => 'dropped');
    const slow = http(`${twin.url}/function/echo`, { method: 'POST', body: 'x', timeoutMs: 10_000 }).then((r) => r.status, () => 'dropped');
    await new Promise((r) => setTimeout(r, 100));
    const t0 = performance.now();
    await twin.close();
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(await hung).toBe('dropped');
    expect([503, 'dropped']).toContain(await slow);
  });
});
