/** The Kubernetes API subset of the twin, over raw HTTP: discovery, lists, PATCH/PUT, scale, dry-run, conflicts, watch. */
import { Twin } from '../../../src/cluster/twin/index.js';
import { getJson, http, NS, testScenario, until } from './helpers.js';

type Obj = Record<string, any>;

const DEPLOY = `/apis/apps/v1/namespaces/${NS}/deployments`;
const MERGE = { 'Content-Type': 'application/merge-patch+json' };
const SMP = { 'Content-Type': 'application/strategic-merge-patch+json' };
const JSONPATCH = { 'Content-Type': 'application/json-patch+json' };

describe('the twin Kubernetes API', () => {
  let twin: Twin;
  const fn = (name: string) => twin.cluster.functions().find((f) => f.name === name);
  const get = (path: string, headers: Record<string, string> = {}) => getJson<Obj>(`${twin.url}${path}`, { headers });
  const send = (method: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
    getJson<Obj>(`${twin.url}${path}`, { method, headers, body: typeof body === 'string' ? body : JSON.stringify(body) });

  beforeAll(async () => {
    twin = await Twin.start({ scenario: testScenario(), speed: 20 });
  });
  afterAll(async () => {
    await twin.close();
  });

  test('discovery documents', async () => {
    expect((await get('/version')).body).toMatchObject({ major: '1', minor: '32', gitVersion: expect.stringMatching(/^v1\.32\./) });
    expect((await get('/api')).body).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const groups = (await get('/apis')).body;
    expect(groups.kind).toBe('APIGroupList');
    expect(groups.groups[0]).toMatchObject({ name: 'apps', preferredVersion: { groupVersion: 'apps/v1' } });
    const apps = (await get('/apis/apps/v1')).body;
    expect(apps.kind).toBe('APIResourceList');
    expect(apps.resources.find((r: Obj) => r.name === 'deployments')).toMatchObject({ namespaced: true, kind: 'Deployment', shortNames: ['deploy'] });
    expect(apps.resources.find((r: Obj) => r.name === 'deployments/scale')).toMatchObject({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
    const core = (await get('/api/v1')).body;
    expect(core.resources.map((r: Obj) => r.name).sort()).toEqual(['namespaces', 'nodes', 'pods']);
  });

  test('nodes, namespaces and pods', async () => {
    const nodes = (await get('/api/v1/nodes?limit=500')).body;
    expect(nodes.kind).toBe('NodeList');
    expect(nodes.items.map((n: Obj) => n.metadata.name)).toEqual(['n1', 'n2']);
    const n1 = (await get('/api/v1/nodes/n1')).body;
    expect(n1).toMatchObject({
      kind: 'Node',
      metadata: { labels: { 'kubernetes.io/hostname': 'n1' }, annotations: { 'faasgym.io/cpu-model': 'Xeon test', 'faasgym.io/l3-mb': '16', 'faasgym.io/speed': '1' } },
      status: { capacity: { cpu: '4', memory: '8Gi' } },
    });
    expect(n1.status.conditions.find((c: Obj) => c.type === 'Ready').status).toBe('True');
    expect((await get('/api/v1/nodes/n9')).status).toBe(404);
    const ns = (await get('/api/v1/namespaces')).body;
    expect(ns.items.map((n: Obj) => n.metadata.name)).toContain(NS);
    await until(() => twin.cluster.functions().every((f) => f.replicas.every((r) => r.phase === 'ready')), 5000);
    const pods = (await get(`/api/v1/namespaces/${NS}/pods?labelSelector=faas_function`)).body;
    expect(pods.kind).toBe('PodList');
    expect(pods.items).toHaveLength(3);
    const echo = pods.items.find((p: Obj) => p.metadata.labels.faas_function === 'echo');
    expect(echo).toMatchObject({ spec: { nodeName: 'n1' }, status: { phase: 'Running' } });
    expect(echo.metadata.ownerReferences[0]).toMatchObject({ kind: 'ReplicaSet', controller: true });
    expect(echo.metadata.name).toMatch(/^echo-[a-z0-9]{10}-[a-z0-9]{5}$/);
    expect((await get(`/api/v1/namespaces/default/pods`)).body.items).toEqual([]);
    expect((await get(`/api/v1/pods?fieldSelector=spec.nodeName=n1`)).body.items.every((p: Obj) => p.spec.nodeName === 'n1')).toBe(true);
  });

  test('list selectors and pagination', async () => {
    const sel = async (q: string) => (await get(`${DEPLOY}?${q}`)).body.items.map((d: Obj) => d.metadata.name);
    expect(await sel('labelSelector=faas_function%3Decho')).toEqual(['echo']);
    expect(await sel('labelSelector=faas_function%20in%20(echo,hog)')).toEqual(['echo', 'hog']);
    expect(await sel('labelSelector=faas_function!%3Decho')).toEqual(['hog', 'limited']);
    expect(await sel('labelSelector=!faas_function')).toEqual([]);
    expect(await sel('fieldSelector=metadata.name%3Dlimited')).toEqual(['limited']);
    expect((await get(`${DEPLOY}?labelSelector=%3D%3Dbad`)).status).toBe(400);
    expect((await get(`${DEPLOY}?fieldSelector=spec.weird%3D1`)).status).toBe(400);
    const page1 = (await get(`${DEPLOY}?limit=2`)).body;
    expect(page1.items).toHaveLength(2);
    expect(page1.metadata.remainingItemCount).toBe(1);
    const page2 = (await get(`${DEPLOY}?limit=2&continue=${page1.metadata.continue}`)).body;
    expect(page2.items.map((d: Obj) => d.metadata.name)).toEqual(['limited']);
    expect(page2.metadata.continue).toBeUndefined();
    expect((await get(`${DEPLOY}?continue=garbage`)).status).toBe(400);
    expect((await get('/apis/apps/v1/deployments')).body.items).toHaveLength(3);
  });

  test('a Deployment renders the function: replicas, resources, env, placement, rollout status', async () => {
    const d = (await get(`${DEPLOY}/echo`)).body;
    expect(d).toMatchObject({
      kind: 'Deployment', apiVersion: 'apps/v1',
      metadata: { name: 'echo', namespace: NS, generation: 1, labels: { faas_function: 'echo' } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { faas_function: 'echo' } },
        template: { spec: { nodeSelector: { 'kubernetes.io/hostname': 'n1' }, containers: [{ name: 'echo', resources: { limits: { cpu: '1', memory: '256Mi' } } }] } },
      },
      status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 },
    });
    expect(d.spec.template.spec.containers[0].env).toEqual([{ name: 'fprocess', value: 'faasgym-sim echo' }]);
    const limited = (await get(`${DEPLOY}/limited`)).body;
    expect(limited.spec.template.spec.containers[0].env).toContainEqual({ name: 'max_inflight', value: '1' });
    const table = (await get(`${DEPLOY}`, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' })).body;
    expect(table.kind).toBe('Table');
    expect(table.columnDefinitions.map((c: Obj) => c.name).slice(0, 5)).toEqual(['Name', 'Ready', 'Up-to-date', 'Available', 'Age']);
    expect(table.rows[0].cells.slice(0, 2)).toEqual(['echo', '1/1']);
  });

  test('PATCH: merge, strategic merge and JSON patch change the simulator; generation follows', async () => {
    const before = (await get(`${DEPLOY}/hog`)).body;
    const m = await send('PATCH', `${DEPLOY}/hog`, { spec: { replicas: 2 } }, MERGE);
    expect(m.status).toBe(200);
    expect(m.body.spec.replicas).toBe(2);
    expect(Number(m.body.metadata.resourceVersion)).toBeGreaterThan(Number(before.metadata.resourceVersion));
    expect(m.body.metadata.generation).toBe(before.metadata.generation + 1);
    expect(m.body.status.observedGeneration).toBe(m.body.metadata.generation);
    expect(fn('hog')?.desiredReplicas).toBe(2);
    const s = await send('PATCH', `${DEPLOY}/hog`, { spec: { template: { spec: { containers: [{ name: 'hog', resources: { limits: { cpu: '2', memory: '2Gi' }, requests: { cpu: '2', memory: '2Gi' } }, env: [{ name: 'max_inflight', value: '7' }] }] } } } }, SMP);
    expect(s.status).toBe(200);
    expect(fn('hog')).toMatchObject({ limits: { cpuMilli: 2000, memoryMb: 2048 }, maxInflight: 7 });
    expect(s.body.spec.template.spec.containers[0].env).toEqual([{ name: 'fprocess', value: 'faasgym-sim hog' }, { name: 'max_inflight', value: '7' }]);
    expect(s.body.metadata.annotations['deployment.kubernetes.io/revision']).toBe('2');
    const j = await send('PATCH', `${DEPLOY}/hog`, [
      { op: 'add', path: '/spec/template/spec/affinity', value: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n2'] }] }] } } } },
    ], JSONPATCH);
    expect(j.status).toBe(200);
    expect(fn('hog')?.nodeSelector).toEqual(['n2']);
    // removing the placement lifts it
    const lift = await send('PATCH', `${DEPLOY}/hog`, { spec: { template: { spec: { affinity: null } } } }, MERGE);
    expect(lift.status).toBe(200);
    expect(fn('hog')?.nodeSelector).toBeNull();
  });

  test('dryRun=All validates and applies nothing', async () => {
    const configs = twin.functionConfigs();
    const before = fn('limited');
    const r = await send('PATCH', `${DEPLOY}/limited?dryRun=All`, { spec: { replicas: 5, template: { spec: { nodeSelector: { zone: 'b' } } } } }, MERGE);
    expect(r.status).toBe(200);
    expect(r.body.spec.replicas).toBe(5);
    const sc = await send('PATCH', `${DEPLOY}/limited/scale?dryRun=All`, { spec: { replicas: 4 } }, MERGE);
    expect(sc.status).toBe(200);
    expect(sc.body.spec.replicas).toBe(4);
    expect(twin.functionConfigs()).toBe(configs);
    expect(fn('limited')?.desiredReplicas).toBe(before?.desiredReplicas);
    expect(fn('limited')?.nodeSelector).toEqual(before?.nodeSelector);
    const invalid = await send('PATCH', `${DEPLOY}/limited?dryRun=All`, { spec: { replicas: -1 } }, MERGE);
    expect(invalid.status).toBe(422);
  });

  test('resourceVersion preconditions: a stale one is 409 Conflict; a PUT without one is an unconditional update (issue 17 §7)', async () => {
    const cur = (await get(`${DEPLOY}/limited`)).body;
    const stale = await send('PATCH', `${DEPLOY}/limited`, { metadata: { resourceVersion: '1' }, spec: { replicas: 2 } }, MERGE);
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Conflict', code: 409 });
    const noRv = structuredClone(cur);
    delete noRv.metadata.resourceVersion;
    noRv.spec.replicas = 3;
    const put0 = await send('PUT', `${DEPLOY}/limited`, noRv, { 'Content-Type': 'application/json' });
    expect(put0.status).toBe(200); // the API server accepts it for Deployments
    expect(fn('limited')?.desiredReplicas).toBe(3);
    const fresh = (await get(`${DEPLOY}/limited`)).body;
    fresh.spec.replicas = 2;
    const put = await send('PUT', `${DEPLOY}/limited`, fresh, { 'Content-Type': 'application/json' });
    expect(put.status).toBe(200);
    expect(fn('limited')?.desiredReplicas).toBe(2);
    const again = await send('PUT', `${DEPLOY}/limited`, fresh, { 'Content-Type': 'application/json' });
    expect(again.status).toBe(409); // fresh's resourceVersion is stale now
  });

  test('the scale subresource: GET, merge PATCH and PUT', async () => {
    const s = (await get(`${DEPLOY}/echo/scale`)).body;
    expect(s).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 1 }, status: { selector: 'faas_function=echo' } });
    const p = await send('PATCH', `${DEPLOY}/echo/scale`, { spec: { replicas: 3 } }, MERGE);
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({ kind: 'Scale', spec: { replicas: 3 } });
    // echo is pinned to n1, where hog (2 cores since the PATCH above) takes room: what does not fit is a Pending pod
    const running = fn('echo')?.desiredReplicas ?? 0;
    expect(running).toBeGreaterThanOrEqual(1);
    const pods = (await get(`/api/v1/namespaces/${NS}/pods?labelSelector=faas_function%3Decho`)).body.items as Obj[];
    const unschedulable = pods.filter((x) => x.status.conditions?.some((c: Obj) => c.type === 'PodScheduled' && c.reason === 'Unschedulable'));
    expect(pods).toHaveLength(3);
    expect(unschedulable).toHaveLength(3 - running);
    expect((await get(`${DEPLOY}/echo`)).body.spec.replicas).toBe(3);
    const put = await send('PUT', `${DEPLOY}/echo/scale`, { kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: 'echo', namespace: NS }, spec: { replicas: 1 } }, { 'Content-Type': 'application/json' });
    expect(put.status).toBe(200);
    expect(fn('echo')?.desiredReplicas).toBe(1);
    expect((await send('PATCH', `${DEPLOY}/echo/scale`, { spec: { replicas: 1.5 } }, MERGE)).status).toBe(422);
  });

  test('errors: Status objects with the right codes, never a crash', async () => {
    const nf = await get(`${DEPLOY}/nope`);
    expect(nf.status).toBe(404);
    expect(nf.body).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, details: { name: 'nope', group: 'apps', kind: 'deployments' } });
    expect((await get(`/apis/apps/v1/namespaces/default/deployments/echo`)).status).toBe(404);
    const malformed = await send('PATCH', `${DEPLOY}/echo`, '{oops', MERGE);
    expect(malformed.status).toBe(400);
    expect(malformed.body.kind).toBe('Status');
    const media = await send('PATCH', `${DEPLOY}/echo`, { spec: {} }, { 'Content-Type': 'text/plain' });
    expect(media.status).toBe(415);
    expect(media.body.reason).toBe('UnsupportedMediaType');
    const del = await getJson<Obj>(`${twin.url}${DEPLOY}/echo`, { method: 'DELETE' });
    expect(del.status).toBe(405);
    expect(del.body.reason).toBe('MethodNotAllowed');
    const post = await send('POST', DEPLOY, { metadata: { name: 'x' } }, { 'Content-Type': 'application/json' });
    expect(post.status).toBe(405);
    const badQty = await send('PATCH', `${DEPLOY}/echo`, { spec: { template: { spec: { containers: [{ name: 'echo', resources: { limits: { cpu: 'fast' } } }] } } } }, SMP);
    expect(badQty.status).toBe(422);
    expect(badQty.body).toMatchObject({ kind: 'Status', reason: 'Invalid' });
    const selector = await send('PATCH', `${DEPLOY}/echo`, { spec: { selector: { matchLabels: { app: 'x' } } } }, MERGE);
    expect(selector.status).toBe(422);
    expect(selector.body.message).toMatch(/immutable/);
    const nowhere = await send('PATCH', `${DEPLOY}/echo`, { spec: { template: { spec: { nodeSelector: { zone: 'mars' } } } } }, MERGE);
    expect(nowhere.status).toBe(200); // ce: accepted as the API server does; the new pod stays Pending (ce-profile.test.ts)
    expect((await send('PATCH', `${DEPLOY}/echo`, { spec: { template: { spec: { nodeSelector: { zone: null } } } } }, MERGE)).status).toBe(200);
    const rename = await send('PATCH', `${DEPLOY}/echo`, { metadata: { name: 'other' } }, MERGE);
    expect(rename.status).toBe(422);
    expect((await get('/apis/batch/v1')).status).toBe(404);
    const res = await http(`${twin.url}/api/v1/nodes`);
    expect(res.headers.get('content-type')).toBe('application/json');
  });

  test('watch streams ADDED then MODIFIED events', async () => {
    const list = (await get(`${DEPLOY}?fieldSelector=metadata.name%3Dhog`)).body;
    const res = await http(`${twin.url}${DEPLOY}?watch=true&fieldSelector=metadata.name%3Dhog&timeoutSeconds=5`, { timeoutMs: 10_000 });
    expect(res.status).toBe(200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const events: Obj[] = [];
    let buf = '';
    const decoder = new TextDecoder();
    const read = async (n: number): Promise<void> => {
      while (events.length < n) {
        const { value, done } = await reader.read();
        if (done) return;
        buf += decoder.decode(value, { stream: true });
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          events.push(JSON.parse(buf.slice(0, i)) as Obj);
          buf = buf.slice(i + 1);
        }
      }
    };
    await read(1);
    expect(events[0]).toMatchObject({ type: 'ADDED', object: { kind: 'Deployment', metadata: { name: 'hog' } } });
    expect(events[0]?.object.metadata.resourceVersion).toBe(list.items[0].metadata.resourceVersion);
    await send('PATCH', `${DEPLOY}/hog`, { spec: { replicas: 3 } }, MERGE);
    await read(2);
    expect(events[1]).toMatchObject({ type: 'MODIFIED', object: { spec: { replicas: 3 } } });
    await reader.cancel();
  });
});
