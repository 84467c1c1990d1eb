/**
 * Issue 12, the twin: no single request or option may hang or crash it.
 * Replicas are bounded (`maxReplicas`; what the nodes cannot hold stays
 * Pending), quantity exponents are checked before any expansion, deep JSON is
 * a 400, watches are capped, and a non-loopback host needs `allowRemote` and
 * auth, which then guards the Kubernetes API as well as the gateway.
 */
import { ConfigError } from '../../../src/core/errors.js';
import { Twin } from '../../../src/cluster/twin/index.js';
import { jsonDepth, MAX_JSON_DEPTH } from '../../../src/cluster/twin/http.js';
import { cpuMilliOf, parseQuantity } from '../../../src/cluster/twin/quantity.js';
import { basic, getJson, http, NS, testScenario } from './helpers.js';

type Obj = Record<string, any>;

const DEPLOY = `/apis/apps/v1/namespaces/${NS}/deployments`;
const MERGE = { 'Content-Type': 'application/merge-patch+json' };

describe('quantities: the exponent is checked before it is expanded', () => {
  test('a 50-byte quantity with a huge exponent is refused at once, a tiny one rounds up to 1m', () => {
    // Before: BigInt(10) ** 320000000n ran for ~26 s (the jest timeout fails this test first).
    expect(() => parseQuantity('1e320000000', 'limits.cpu')).toThrow(new ConfigError('limits.cpu: "1e320000000" is too large'));
    expect(() => parseQuantity('9'.repeat(40), 'limits.cpu')).toThrow(/is too large/);
    expect(() => parseQuantity(`1${'0'.repeat(80)}`, 'limits.cpu')).toThrow('limits.cpu: a quantity has at most 64 characters, got 81');
    expect(parseQuantity('1e-320000000')).toEqual({ milli: 1, format: 'DecimalExponent' });
    expect(cpuMilliOf('0.0001')).toBe(1); // Kubernetes rounds up to the milli-unit
    expect(cpuMilliOf('2e3')).toBe(2_000_000);
    expect(() => parseQuantity('8Ei')).toThrow(/"8Ei" is too large/); // 2^63 bytes: beyond 2^53 milli-units
    expect(parseQuantity('1536Mi')).toEqual({ milli: 1536 * 2 ** 20 * 1000, format: 'BinarySI' });
  });
});

describe('JSON depth', () => {
  test('jsonDepth counts brackets outside strings and stops early', () => {
    expect(jsonDepth('{"a":[1,{"b":"[[[[{{{{"}]}')).toBe(3);
    expect(jsonDepth('"\\"[[["')).toBe(0);
    expect(jsonDepth('['.repeat(100_000), 10)).toBe(11);
  });
});

describe('a running twin', () => {
  let twin: Twin;
  const send = (method: string, path: string, body: string, headers: Record<string, string> = {}) => getJson<Obj>(`${twin.url}${path}`, { method, headers, body });

  beforeAll(async () => {
    twin = await Twin.start({ scenario: testScenario(), speed: 20, maxReplicas: 20, maxWatches: 2, profile: 'lenient' });
  });
  afterAll(async () => {
    await twin.close();
  });

  test('a Deployment quantity with a huge exponent is a 422 naming the field', async () => {
    const r = await send('PATCH', `${DEPLOY}/echo`, JSON.stringify({ spec: { template: { spec: { containers: [{ name: 'echo', resources: { limits: { cpu: '1e320000000' } } }] } } } }), { 'Content-Type': 'application/strategic-merge-patch+json' });
    expect(r.status).toBe(422);
    expect(r.body.message).toMatch(/"1e320000000" is too large/);
  });

  test('JSON nested 100,000 deep is a 400 on both APIs, not a 500', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const k8s = await send('PATCH', `${DEPLOY}/echo`, deep, MERGE);
    expect(k8s.status).toBe(400);
    expect(k8s.body).toMatchObject({ kind: 'Status', reason: 'BadRequest', message: `request body is nested deeper than ${MAX_JSON_DEPTH} levels` });
    const gw = await http(`${twin.url}/system/functions`, { method: 'PUT', body: deep });
    expect(gw.status).toBe(400);
    expect(await gw.text()).toBe(`FunctionDeployment is nested deeper than ${MAX_JSON_DEPTH} levels\n`);
    // Depth up to the limit is fine (a merge patch nested 60 deep under an annotation-free key is just data).
    const ok = await send('PATCH', `${DEPLOY}/echo`, JSON.stringify({ metadata: { labels: { a: 'b' } } }), MERGE);
    expect(ok.status).toBe(200);
  });

  test('replicas: 10^9 is refused; up to maxReplicas is accepted and what the nodes cannot hold is Pending', async () => {
    const huge = await send('PATCH', `${DEPLOY}/hog/scale`, JSON.stringify({ spec: { replicas: 1_000_000_000 } }), MERGE);
    expect(huge.status).toBe(422);
    expect(huge.body.message).toMatch(/spec\.replicas: Invalid value: 1000000000: the twin runs at most 20 replicas per function/);
    const gw = await http(`${twin.url}/system/scale-function/hog`, { method: 'POST', body: JSON.stringify({ serviceName: 'hog', replicas: 1_000_000_000 }) });
    expect(gw.status).toBeLessThan(500); // the CE gateway clamps it to 5 (ranges.go); never a crash
    // 20 replicas of hog (512 Mi each) on two 8 GiB nodes that also run echo and limited: what fits runs, the rest is Pending.
    const twenty = await send('PATCH', `${DEPLOY}/hog/scale`, JSON.stringify({ spec: { replicas: 20 } }), MERGE);
    expect(twenty.status).toBe(200);
    const pods = await getJson<Obj>(`${twin.url}/api/v1/namespaces/${NS}/pods?labelSelector=faas_function%3Dhog`);
    expect(pods.status).toBe(200);
    const phases = (pods.body.items as Obj[]).filter((p) => !p.metadata.deletionTimestamp).map((p) => p.status.phase as string);
    expect(phases).toHaveLength(20);
    const pending = phases.filter((p) => p === 'Pending' ).length;
    const scheduled = (pods.body.items as Obj[]).filter((p) => p.spec.nodeName !== undefined).length;
    expect(pending).toBeGreaterThan(0);
    expect(scheduled).toBeGreaterThan(0);
    expect(scheduled + (pods.body.items as Obj[]).filter((p) => p.spec.nodeName === undefined).length).toBe(20);
  });

  test('a well-behaved client keeps being answered while the attacks run (every /healthz within 2 s)', async () => {
    let stop = false;
    const waits: number[] = [];
    const pinger = (async () => {
      while (!stop) {
        const t0 = performance.now();
        const r = await http(`${twin.url}/healthz`, { timeoutMs: 10_000 });
        await r.arrayBuffer();
        waits.push(performance.now() - t0);
        await new Promise((res) => setTimeout(res, 10));
      }
    })();
    const deep = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
    for (let i = 0; i < 3; i++) {
      expect((await send('PATCH', `${DEPLOY}/echo`, deep, MERGE)).status).toBe(400);
      expect((await send('PATCH', `${DEPLOY}/echo`, JSON.stringify({ spec: { template: { spec: { containers: [{ name: 'echo', resources: { limits: { memory: '1e320000000' } } }] } } } }), { 'Content-Type': 'application/strategic-merge-patch+json' })).status).toBe(422);
      expect((await send('PATCH', `${DEPLOY}/echo/scale`, JSON.stringify({ spec: { replicas: 1_000_000_000 } }), MERGE)).status).toBe(422);
    }
    stop = true;
    await pinger;
    expect(waits.length).toBeGreaterThan(0);
    expect(Math.max(...waits)).toBeLessThan(2000);
  });

  test('watches are capped: the third concurrent watch gets 429, and a closed one frees its place', async () => {
    const open = async () => {
      const ac = new AbortController();
      const res = await fetch(`${twin.url}${DEPLOY}?watch=true`, { signal: ac.signal });
      return { res, ac };
    };
    const a = await open();
    const b = await open();
    expect([a.res.status, b.res.status]).toEqual([200, 200]);
    const c = await open();
    expect(c.res.status).toBe(429);
    expect(((await c.res.json()) as Obj).message).toBe('too many watches: at most 2 may be open at once; close one or retry later');
    a.ac.abort();
    b.ac.abort();
    let d: Awaited<ReturnType<typeof open>> | null = null;
    for (let i = 0; i < 50; i++) {
      d = await open();
      if (d.res.status === 200) break;
      d.ac.abort();
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(d?.res.status).toBe(200);
    d?.ac.abort();
  });
});

describe('binding and auth', () => {
  test('a non-loopback host is refused without allowRemote, and without auth even with it (nothing is bound)', async () => {
    await expect(Twin.start({ scenario: testScenario(), host: '0.0.0.0' })).rejects.toThrow(
      new ConfigError('twin: host "0.0.0.0" is not a loopback address; pass allowRemote (--allow-remote) and auth (--password-file) to serve other machines'),
    );
    await expect(Twin.start({ scenario: testScenario(), host: '0.0.0.0', allowRemote: true })).rejects.toThrow(
      new ConfigError('twin: a non-loopback host ("0.0.0.0") needs auth (--password-file): it guards both the gateway and the Kubernetes API'),
    );
  });

  test('with auth, the Kubernetes API needs it too (basic or bearer), as the gateway does', async () => {
    const twin = await Twin.start({ scenario: testScenario(), auth: { user: 'admin', password: 's3cret-pass' } });
    try {
      expect((await http(`${twin.url}${DEPLOY}`)).status).toBe(401);
      expect((await http(`${twin.url}${DEPLOY}`, { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401);
      expect((await http(`${twin.url}${DEPLOY}`, { headers: { Authorization: 'Bearer s3cret-pass' } })).status).toBe(200);
      expect((await http(`${twin.url}${DEPLOY}`, { headers: { Authorization: basic('admin', 's3cret-pass') } })).status).toBe(200);
      expect((await http(`${twin.url}/system/functions`)).status).toBe(401);
    } finally {
      await twin.close();
    }
  });
});
