/**
 * The kubernetes backend against the twin's `ce` profile (OpenFaaS CE on
 * faas-netes), issue 17: each test fails with the backend that changed
 * functions through the gateway's `PUT /system/functions`.
 *
 * 1. env vars the function was deployed with survive a resize, a max_inflight
 *    change and the restore, byte for byte (the PUT wiped them);
 * 2. a failed update is seen (read back), not taken for done;
 * 3. a scale to 8 is reported as clamped to 5, with the reason and a warning;
 * 4. a max_inflight change rolls the pods; on a full node it is refused and
 *    reverted, not thrown;
 * 5. invocation counts come from the list endpoint (the single-function
 *    endpoint says 0 on CE);
 * 6. a run killed before close() leaves a journal the next run restores from.
 */
import type { V1Deployment } from '@kubernetes/client-node';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBackMismatch, templatePatch } from '../../../src/cluster/kubernetes/apply-changes.js';
import { KubernetesCluster } from '../../../src/cluster/kubernetes/kubernetes-cluster.js';
import type { ScenarioSpec } from '../../../src/cluster/sim/spec.js';
import { Twin } from '../../../src/cluster/twin/index.js';

type Obj = Record<string, any>;

const SCENARIO: ScenarioSpec = {
  name: 'ce', seed: 7, duration: 60,
  nodes: [{ name: 'n1', cores: 4, memoryMb: 8192 }, { name: 'n2', cores: 4, memoryMb: 8192 }],
  functions: [
    { name: 'a', work: 0.05, coldStart: 0.5, replicas: 1 },
    { name: 'b', work: 0.1, coldStart: 0.5, replicas: 1, maxInflight: 4 },
  ],
  workflows: [{ name: 'wf', stages: ['a', 'b'], edges: [['a', 'b']] }],
  loads: [{ kind: 'closed', target: 'wf', users: 2, think: 0.5 }],
};
const FAST_RETRY = { attempts: 3, baseDelayMs: 10, maxDelayMs: 50, jitter: 0.5, timeoutMs: 1000 };
const DEPLOY = '/apis/apps/v1/namespaces/openfaas-fn/deployments';
const SMP = { 'Content-Type': 'application/strategic-merge-patch+json' };

const open: { close(): Promise<void> }[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const c of open.splice(0).reverse()) await c.close().catch(() => undefined);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function startTwin(scenario: ScenarioSpec = SCENARIO): Promise<Twin> {
  const twin = await Twin.start({ scenario, speed: 20, internalLoad: false, windowMs: 250 });
  open.push(twin);
  return twin;
}

function backend(twin: Twin, extra: Record<string, unknown> = {}, scenario: ScenarioSpec = SCENARIO): { cluster: KubernetesCluster; logs: string[] } {
  const logs: string[] = [];
  const cluster = new KubernetesCluster(scenario, {
    kind: 'kubernetes',
    kubeconfig: { clusters: [{ name: 't', server: twin.url, skipTLSVerify: true }], users: [{ name: 'u' }], contexts: [{ name: 't', cluster: 't', user: 'u' }], currentContext: 't' },
    gateway: { url: twin.url },
    retry: FAST_RETRY,
    pollSeconds: 0.02,
    journalDir: null,
    log: (l: string) => logs.push(l),
    ...extra,
  });
  open.push(cluster);
  return { cluster, logs };
}

async function patch(twin: Twin, name: string, body: unknown): Promise<number> {
  const res = await fetch(`${twin.url}${DEPLOY}/${name}`, { method: 'PATCH', headers: SMP, body: JSON.stringify(body) });
  await res.arrayBuffer();
  return res.status;
}

const configOf = (twin: Twin, name: string): Obj => (JSON.parse(twin.functionConfigs()) as Obj[]).find((c) => c.name === name) as Obj;

/** b as deployed with `environment:` settings (stack.yml), e.g. timeouts and the URL a workflow stage calls. */
async function withEnvironment(twin: Twin): Promise<void> {
  const env = [{ name: 'write_timeout', value: '30s' }, { name: 'NEXT_STAGE_URL', value: 'http://gateway.openfaas:8080/function/c' }];
  expect(await patch(twin, 'b', { spec: { template: { spec: { containers: [{ name: 'b', env }] } } } })).toBe(200);
  await new Promise((r) => setTimeout(r, 300)); // the rolling update of that deployment
}

test('env vars survive a resize, a max_inflight change and the restore, byte for byte', async () => {
  const twin = await startTwin();
  await withEnvironment(twin);
  const initial = twin.functionConfigs();
  expect(configOf(twin, 'b').envVars).toEqual({ NEXT_STAGE_URL: 'http://gateway.openfaas:8080/function/c', max_inflight: '4', write_timeout: '30s' });
  const { cluster } = backend(twin);
  const r = await cluster.apply([{ kind: 'resize', fn: 'b', cpuMilli: 500, memoryMb: 256 }, { kind: 'concurrency', fn: 'b', maxInflight: 2 }]);
  expect(r.rejected).toEqual([]);
  const b = configOf(twin, 'b');
  expect(b.envVars).toEqual({ NEXT_STAGE_URL: 'http://gateway.openfaas:8080/function/c', max_inflight: '2', write_timeout: '30s' });
  expect(b.limits).toEqual({ cpu: '500m', memory: '256Mi' });
  expect(b.templateLabels.uid).toBeUndefined(); // no gateway PUT (which sets a fresh uid label)
  await cluster.close();
  expect(twin.functionConfigs()).toBe(initial);
}, 30_000);

test('a scale to 8 is reported as clamped to 5 (rejectedChanges and a warning)', async () => {
  const twin = await startTwin();
  const { cluster } = backend(twin);
  const r = await cluster.apply([{ kind: 'scale', fn: 'a', replicas: 8 }]);
  const reason = 'OpenFaaS CE keeps replicas in 1–5 (the gateway clamps scale requests and faas-netes resets Deployments outside it): a asked 8, set 5';
  expect(r).toEqual({ applied: [], rejected: [{ change: { kind: 'scale', fn: 'a', replicas: 8 }, reason }], functions: cluster.functions() });
  expect(cluster.functions().find((f) => f.name === 'a')?.desiredReplicas).toBe(5);
  expect(r.functions.find((f) => f.name === 'a')?.desiredReplicas).toBe(5); // the clamped state comes back with the refusal
  expect(configOf(twin, 'a').replicas).toBe(5);
  const snap = await cluster.advance({ seconds: 2 });
  expect(snap.warnings).toContain(reason);
  await cluster.close();
  expect(configOf(twin, 'a').replicas).toBe(1);
}, 30_000);

test('a max_inflight change rolls the pods (new pods, each a replica start) instead of changing them in place', async () => {
  const twin = await startTwin();
  const { cluster } = backend(twin);
  await cluster.advance({ seconds: 1 });
  const before = cluster.functions().find((f) => f.name === 'b')?.replicas.map((r) => r.id) ?? [];
  expect(before).toHaveLength(1);
  const r = await cluster.apply([{ kind: 'concurrency', fn: 'b', maxInflight: 1 }]);
  expect(r.rejected).toEqual([]);
  const after = cluster.functions().find((f) => f.name === 'b')?.replicas.filter((x) => x.phase !== 'draining').map((x) => x.id) ?? [];
  expect(after).toHaveLength(1);
  expect(after[0]).not.toBe(before[0]);
  const snap = await cluster.advance({ seconds: 1 });
  expect(snap.functions.b?.replicaStarts).toBeGreaterThanOrEqual(1);
}, 30_000);

test('on a full node a max_inflight change cannot roll out: refused and reverted, not thrown', async () => {
  const full: ScenarioSpec = { ...SCENARIO, nodes: [{ name: 'n1', cores: 2, memoryMb: 1024 }, { name: 'n2', cores: 2, memoryMb: 1024 }], functions: SCENARIO.functions.map((f) => ({ ...f, cpuMilli: 1000, memoryMb: 512, replicas: 2 })) };
  const twin = await startTwin(full);
  const initial = twin.functionConfigs();
  const { cluster } = backend(twin, { changeTimeoutSeconds: 20 }, full);
  const c = { kind: 'concurrency' as const, fn: 'b', maxInflight: 1 };
  const r = await cluster.apply([c]);
  expect(r.applied).toEqual([]);
  expect(r.rejected).toEqual([{ change: c, reason: expect.stringMatching(/^no node has room for b's rollout \(1000m CPU, 512Mi per replica, one surge pod at a time\): 1 pod\(s\) unschedulable/) }]);
  expect(cluster.functions().find((f) => f.name === 'b')?.maxInflight).toBe(4);
  expect(twin.functionConfigs()).toBe(initial);
  await cluster.close();
  expect(twin.functionConfigs()).toBe(initial);
}, 40_000);

test('the first window counts invocations from the list endpoint (the single-function endpoint says 0 on CE)', async () => {
  const twin = await startTwin();
  for (let i = 0; i < 30; i++) await (await fetch(`${twin.url}/function/a`, { method: 'POST', body: 'x' })).arrayBuffer();
  await new Promise((r) => setTimeout(r, 600)); // the twin's metrics windows close
  const list = await (await fetch(`${twin.url}/system/functions`)).json() as Obj[];
  expect(list.find((f) => f.name === 'a')?.invocationCount).toBe(30);
  const { cluster } = backend(twin);
  const snap = await cluster.advance({ seconds: 1 });
  // Only the window's own calls of a (through the workflow): not the 30 made before the episode.
  expect(snap.functions.a?.requests).toBeLessThan(30);
}, 30_000);

test('a run killed before close() leaves a journal; the next run restores the original from it', async () => {
  const twin = await startTwin();
  await withEnvironment(twin);
  const initial = twin.functionConfigs();
  const journalDir = mkdtempSync(join(tmpdir(), 'faasgym-journal-'));
  dirs.push(journalDir);
  // The first run changes b and is "killed": never closed.
  const first = backend(twin, { journalDir, syncToScenario: false });
  open.pop();
  await first.cluster.apply([{ kind: 'resize', fn: 'b', cpuMilli: 500, memoryMb: 256 }, { kind: 'scale', fn: 'a', replicas: 3 }]);
  expect(twin.functionConfigs()).not.toBe(initial);
  expect(readdirSync(journalDir)).toHaveLength(1);
  // The next run finds the journal, restores from it, then records the original afresh.
  const { cluster, logs } = backend(twin, { journalDir, syncToScenario: false });
  await cluster.advance({ seconds: 0.5 });
  expect(logs.some((l) => /^a restore journal was left by an earlier run \(pid \d+, .+\): restoring a, b from /.test(l))).toBe(true);
  expect(twin.functionConfigs()).toBe(initial);
  await cluster.apply([{ kind: 'concurrency', fn: 'b', maxInflight: 1 }]);
  await cluster.close();
  expect(twin.functionConfigs()).toBe(initial);
  expect(existsSync(join(journalDir, readdirSync(journalDir)[0] ?? 'none'))).toBe(false);
}, 40_000);

describe('the pure parts: the container patch and the read-back', () => {
  const dep: V1Deployment = {
    spec: {
      replicas: 1,
      selector: { matchLabels: { faas_function: 'b' } },
      template: { spec: { nodeSelector: { 'kubernetes.io/hostname': 'n1', disk: 'ssd' }, containers: [{ name: 'b', image: 'x', env: [{ name: 'write_timeout', value: '30s' }, { name: 'max_inflight', value: '4' }, { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }], resources: { limits: { cpu: '1', memory: '512Mi' }, requests: { cpu: '1', memory: '512Mi' } } }] } },
    },
  };
  const want = { replicas: 1, cpuMilli: 500, memoryMb: 256, maxInflight: 2, placement: null };

  test('the strategic-merge patch names the container and only max_inflight of its env; placement "any" keeps the other selector keys', () => {
    expect(templatePatch(dep, 'b', want, 1, new Map(), { disk: 'ssd' })).toEqual({
      spec: { template: { spec: {
        containers: [{ name: 'b', resources: { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '500m', memory: '256Mi' } }, env: [{ name: 'max_inflight', value: '2' }] }],
        nodeSelector: { 'kubernetes.io/hostname': null },
      } } },
    });
    expect(templatePatch(dep, 'b', { ...want, cpuMilli: 1000, memoryMb: 512, maxInflight: 4, placement: ['n1'] }, 1, new Map(), null)).toBeUndefined();
  });

  test('a Deployment read back with other values than asked (a failed or altered update) is named field by field', () => {
    expect(readBackMismatch(dep, 'b', want, 1)).toEqual([
      'limits.cpu is "1" instead of "500m"', 'limits.memory is "512Mi" instead of "256Mi"', 'requests.cpu is "1" instead of "500m"', 'requests.memory is "512Mi" instead of "256Mi"', 'max_inflight is 4 instead of 2',
    ]);
    expect(readBackMismatch(dep, 'b', { ...want, cpuMilli: 1000, memoryMb: 512, maxInflight: 4 }, 1)).toEqual([]);
  });
});
