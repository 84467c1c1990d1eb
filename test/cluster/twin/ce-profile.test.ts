/**
 * The twin's `ce` profile (the default) answers as OpenFaaS CE on faas-netes
 * does (issue 17): FunctionStatus without env, constraints,
 * readOnlyRootFilesystem or usage (pkg/k8s/function_status.go); invocation
 * counts only on the list endpoint; a `PUT` that replaces the env and resets
 * the nodeSelector and answers 200 on a failed update (pkg/handlers/update.go);
 * replicas clamped to 1–5 by the gateway (gateway/scaling/ranges.go) and reset
 * by the watcher after `kubectl scale`; rolling updates with one surge pod and
 * a cold start for any template change, the surge pod Pending on a full node.
 */
import type { ScenarioSpec } from '../../../src/cluster/sim/spec.js';
import { Twin } from '../../../src/cluster/twin/index.js';
import { getJson, http, NS, testScenario, until } from './helpers.js';

type Obj = Record<string, any>;

const DEPLOY = `/apis/apps/v1/namespaces/${NS}/deployments`;
const SMP = { 'Content-Type': 'application/strategic-merge-patch+json' };
const MERGE = { 'Content-Type': 'application/merge-patch+json' };

const configOf = (twin: Twin, name: string): Obj => (JSON.parse(twin.functionConfigs()) as Obj[]).find((c) => c.name === name) as Obj;
const livePods = async (twin: Twin, fn: string): Promise<Obj[]> =>
  ((await getJson<Obj>(`${twin.url}/api/v1/namespaces/${NS}/pods?labelSelector=faas_function%3D${fn}`)).body.items as Obj[]).filter((p) => !p.metadata.deletionTimestamp);

describe('the ce profile', () => {
  let twin: Twin;
  beforeEach(async () => {
    // echo cold-starts in 4 simulated seconds (200 ms of wall time at speed 20): long enough to see a surge pod start
    const scenario = testScenario();
    (scenario.functions as Obj[])[0].coldStart = 4;
    twin = await Twin.start({ scenario, speed: 20 });
  });
  afterEach(async () => {
    await twin.close();
  });

  test('is the default and says so in /system/info', async () => {
    expect(twin.profile).toBe('ce');
    const info = (await getJson<Obj>(`${twin.url}/system/info`)).body;
    expect(info).toMatchObject({ provider: { provider: 'faas-netes-ce', orchestration: 'kubernetes' }, twinProfile: 'ce' });
  });

  test('FunctionStatus has no envVars, constraints, readOnlyRootFilesystem or usage; invocationCount only on the list', async () => {
    for (let i = 0; i < 3; i++) expect((await http(`${twin.url}/function/echo`, { method: 'POST', body: 'x' })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1200)); // one metrics window
    const one = (await getJson<Obj>(`${twin.url}/system/function/limited`)).body;
    expect(Object.keys(one).sort()).toEqual(['annotations', 'availableReplicas', 'createdAt', 'envProcess', 'image', 'invocationCount', 'labels', 'limits', 'name', 'namespace', 'replicas', 'requests', 'secrets']);
    expect(one.invocationCount).toBe(0);
    expect(one.limits).toEqual({ memory: '256Mi', cpu: '1' });
    const list = (await getJson<Obj[]>(`${twin.url}/system/functions`)).body;
    expect(list.find((f) => f.name === 'echo')?.invocationCount).toBe(3);
    expect((await getJson<Obj>(`${twin.url}/system/function/echo`)).body.invocationCount).toBe(0);
  });

  test('a PUT built from the status wipes the env (max_inflight) and the nodeSelector; a failed PUT answers 200 and changes nothing', async () => {
    const st = (await getJson<Obj>(`${twin.url}/system/function/limited`)).body;
    expect(configOf(twin, 'limited').envVars).toEqual({ max_inflight: '1' });
    const { name, replicas: _r, availableReplicas: _a, invocationCount: _i, createdAt: _c, ...rest } = st;
    const ok = await http(`${twin.url}/system/functions`, { method: 'PUT', body: JSON.stringify({ ...rest, service: name, limits: { cpu: '2', memory: '256Mi' } }) });
    expect(ok.status).toBe(202);
    const after = configOf(twin, 'limited');
    expect(after.envVars).toEqual({}); // the watchdog's max_inflight is gone
    expect(after.limits).toEqual({ cpu: '2', memory: '256Mi' });
    expect(after.templateLabels).toMatchObject({ faas_function: 'limited', uid: expect.any(String) });
    expect(after.annotations).toEqual({ 'prometheus.io.scrape': 'false' });
    // echo is pinned to n1 by its nodeSelector: any PUT resets it
    const echo = (await getJson<Obj>(`${twin.url}/system/function/echo`)).body;
    expect(configOf(twin, 'echo').nodeSelector).toEqual({ 'kubernetes.io/hostname': 'n1' });
    expect((await http(`${twin.url}/system/functions`, { method: 'PUT', body: JSON.stringify({ service: 'echo', image: echo.image, envProcess: echo.envProcess, limits: echo.limits, requests: echo.requests, constraints: ['kubernetes.io/hostname=n1'] }) })).status).toBe(202);
    expect(configOf(twin, 'echo').nodeSelector).toBeNull();
    // a bad quantity: faas-netes logs it and writes no status
    const before = twin.functionConfigs();
    const bad = await http(`${twin.url}/system/functions`, { method: 'PUT', body: JSON.stringify({ service: 'hog', image: 'faasgym/hog:latest', limits: { memory: '12 parsecs' } }) });
    expect(bad.status).toBe(200);
    expect(await bad.text()).toBe('');
    expect(twin.functionConfigs()).toBe(before);
  });

  test('scale requests are clamped to 1–5 by the gateway, and the watcher resets a Deployment scaled outside 1–5', async () => {
    expect((await http(`${twin.url}/system/scale-function/hog`, { method: 'POST', body: JSON.stringify({ serviceName: 'hog', replicas: 8 }) })).status).toBe(202);
    expect(configOf(twin, 'hog').replicas).toBe(5);
    expect((await http(`${twin.url}/system/scale-function/hog`, { method: 'POST', body: JSON.stringify({ serviceName: 'hog', replicas: 0 }) })).status).toBe(202);
    expect(configOf(twin, 'hog').replicas).toBe(1);
    // kubectl scale --replicas=8: the API server accepts it, faas-netes' watcher puts it back to 5
    const r = await getJson<Obj>(`${twin.url}${DEPLOY}/hog/scale`, { method: 'PATCH', headers: MERGE, body: JSON.stringify({ spec: { replicas: 8 } }) });
    expect(r.status).toBe(200);
    expect(await until(async () => (await getJson<Obj>(`${twin.url}${DEPLOY}/hog`)).body.spec.replicas === 5, 3000)).toBe(true);
    expect(configOf(twin, 'hog').replicas).toBe(5);
  });

  test('an env change (max_inflight) rolls the pods one surge pod at a time, each a cold start', async () => {
    await http(`${twin.url}/system/scale-function/echo`, { method: 'POST', body: JSON.stringify({ replicas: 2 }) });
    expect(await until(async () => (await livePods(twin, 'echo')).filter((p) => p.status.phase === 'Running').length === 2, 5000)).toBe(true);
    const oldNames = (await livePods(twin, 'echo')).map((p) => p.metadata.name as string).sort();
    const patch = { spec: { template: { spec: { containers: [{ name: 'echo', env: [{ name: 'max_inflight', value: '3' }] }] } } } };
    expect((await getJson<Obj>(`${twin.url}${DEPLOY}/echo`, { method: 'PATCH', headers: SMP, body: JSON.stringify(patch) })).status).toBe(200);
    // Not in place: new pods (new names, each a cold start) replace the old ones, never more than one starting
    // and never more than replicas + 1 alive (maxSurge 1), never fewer than 2 ready (maxUnavailable 0).
    let sawSurge = false;
    expect(await until(async () => {
      const pods = await livePods(twin, 'echo');
      const fresh = pods.filter((p) => !oldNames.includes(p.metadata.name));
      expect(pods.length).toBeLessThanOrEqual(3);
      expect(fresh.filter((p) => p.status.phase !== 'Running').length).toBeLessThanOrEqual(1);
      expect(pods.filter((p) => p.status.phase === 'Running').length).toBeGreaterThanOrEqual(2);
      if (pods.length === 3) sawSurge = true;
      return pods.length === 2 && fresh.length === 2 && fresh.every((p) => p.status.phase === 'Running');
    }, 10_000)).toBe(true);
    expect(sawSurge).toBe(true);
    const d = (await getJson<Obj>(`${twin.url}${DEPLOY}/echo`)).body;
    expect(d.status).toMatchObject({ replicas: 2, updatedReplicas: 2, readyReplicas: 2 });
  });
});

test('a nodeSelector no node matches is accepted (the API server does): the new pod stays Pending, the old one keeps serving', async () => {
  const twin = await Twin.start({ scenario: testScenario(), speed: 20 });
  try {
    const r = await getJson<Obj>(`${twin.url}${DEPLOY}/echo`, { method: 'PATCH', headers: MERGE, body: JSON.stringify({ spec: { template: { spec: { nodeSelector: { zone: 'nowhere' } } } } }) });
    expect(r.status).toBe(200);
    await new Promise((res) => setTimeout(res, 200));
    const pods = await livePods(twin, 'echo');
    expect(pods.map((p) => p.status.phase).sort()).toEqual(['Pending', 'Running']);
    expect(pods.find((p) => p.status.phase === 'Pending')?.status.conditions[0]).toMatchObject({ reason: 'Unschedulable' });
    expect((await http(`${twin.url}/function/echo`, { method: 'POST', body: 'x' })).status).toBe(200);
    // put back: the rollout completes and nothing is Pending
    expect((await getJson<Obj>(`${twin.url}${DEPLOY}/echo`, { method: 'PATCH', headers: MERGE, body: JSON.stringify({ spec: { template: { spec: { nodeSelector: { zone: null, 'kubernetes.io/hostname': 'n1' } } } } }) })).status).toBe(200);
    expect(await until(async () => (await livePods(twin, 'echo')).every((p) => p.status.phase === 'Running'), 5000)).toBe(true);
  } finally {
    await twin.close();
  }
});

describe('the ce profile on a full node', () => {
  const full: ScenarioSpec = {
    name: 'full', seed: 1, duration: 1000,
    nodes: [{ name: 'n1', cores: 2, memoryMb: 1024 }],
    functions: [{ name: 'big', work: 0.1, cpuMilli: 1000, memoryMb: 512, replicas: 2 }],
    loads: [],
  };

  test('the surge pod of a rolling update stays Pending (Unschedulable) and the rollout does not complete', async () => {
    const twin = await Twin.start({ scenario: full, speed: 20 });
    try {
      const patch = { spec: { template: { spec: { containers: [{ name: 'big', env: [{ name: 'max_inflight', value: '2' }] }] } } } };
      expect((await getJson<Obj>(`${twin.url}${DEPLOY}/big`, { method: 'PATCH', headers: SMP, body: JSON.stringify(patch) })).status).toBe(200);
      await new Promise((r) => setTimeout(r, 300));
      const pods = ((await getJson<Obj>(`${twin.url}/api/v1/namespaces/${NS}/pods`)).body.items as Obj[]);
      const pending = pods.filter((p) => p.spec.nodeName === undefined);
      expect(pending).toHaveLength(1);
      expect(pending[0]?.status.conditions[0]).toMatchObject({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' });
      const d = (await getJson<Obj>(`${twin.url}${DEPLOY}/big`)).body;
      expect(d.status.updatedReplicas).toBe(1); // only the Pending surge pod has the new template
      expect(d.status.readyReplicas).toBe(2); // maxUnavailable 0: the old pods keep serving
    } finally {
      await twin.close();
    }
  });
});
