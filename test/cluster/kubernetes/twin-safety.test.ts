/**
 * Safety of the kubernetes backend against the twin: record and restore (byte
 * for byte, also after errors), dry runs, scope (namespace, managed functions),
 * and the twin's fault injection (500s, 409 conflicts, 429s, hangs, dropped
 * connections, an answer lost after the change was made): bounded retries,
 * then a typed `BackendError`. Credentials never appear in logs or errors.
 */
import { readFileSync } from 'node:fs';
import { BackendError } from '../../../src/core/errors.js';
import { KubernetesCluster } from '../../../src/cluster/kubernetes/kubernetes-cluster.js';
import { createTwinCluster, type TwinCluster } from '../../../src/cluster/kubernetes/twin-backend.js';
import type { ScenarioSpec } from '../../../src/cluster/sim/spec.js';
import { Twin } from '../../../src/cluster/twin/index.js';

const SCENARIO: ScenarioSpec = {
  name: 'safety', seed: 7, duration: 60,
  nodes: [{ name: 'n1', cores: 4, memoryMb: 8192 }, { name: 'n2', cores: 4, memoryMb: 8192 }],
  functions: [
    { name: 'a', work: 0.05, coldStart: 0.5, replicas: 1 },
    { name: 'b', work: 0.1, coldStart: 0.5, replicas: 1, maxInflight: 4 },
  ],
  workflows: [{ name: 'wf', stages: ['a', 'b'], edges: [['a', 'b']] }],
  loads: [{ kind: 'closed', target: 'wf', users: 2, think: 0.5 }],
};

const FAST_RETRY = { attempts: 4, baseDelayMs: 10, maxDelayMs: 50, jitter: 0.5, timeoutMs: 400 };
const DEPLOYMENT_B = '/apis/apps/v1/namespaces/openfaas-fn/deployments/b';

/** Clusters of the running test, closed after it whatever happened (a failed expectation must not leave a twin running). */
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const c of open.splice(0)) await c.close().catch(() => undefined);
});

function twinCluster(extra: Record<string, unknown> = {}): { cluster: TwinCluster; logs: string[] } {
  const logs: string[] = [];
  const cluster = createTwinCluster(SCENARIO, { kind: 'twin', speed: 20, retry: FAST_RETRY, log: (l: string) => logs.push(l), ...extra });
  open.push(cluster);
  return { cluster, logs };
}

/** The secret of a twin cluster's gateway (read while the twin runs), to check it never leaks. */
function secretOf(c: TwinCluster): string {
  const file = c.config?.gateway.passwordFile;
  return file ? readFileSync(file, 'utf8').trim() : '';
}

const CHANGES = [
  { kind: 'resize', fn: 'b', cpuMilli: 500, memoryMb: 256 },
  { kind: 'concurrency', fn: 'b', maxInflight: 2 },
  { kind: 'migrate', fn: 'b', to: 'n2' },
  { kind: 'scale', fn: 'a', replicas: 3 },
] as const;

describe('record, change, restore', () => {
  test('changes land on the twin and close() restores its configuration byte for byte', async () => {
    const { cluster, logs } = twinCluster();
    const r = await cluster.apply([...CHANGES]);
    expect(r).toEqual({ applied: [...CHANGES], rejected: [], functions: cluster.functions() });
    const during = JSON.parse(cluster.twin?.functionConfigs() ?? '[]') as Record<string, unknown>[];
    expect(during.find((c) => c.name === 'b')).toMatchObject({ limits: { cpu: '500m', memory: '256Mi' }, envVars: { max_inflight: '2' }, nodeSelector: { 'kubernetes.io/hostname': 'n2' } });
    expect(during.find((c) => c.name === 'a')).toMatchObject({ replicas: 3 });
    expect(cluster.functions().find((f) => f.name === 'b')).toMatchObject({ limits: { cpuMilli: 500, memoryMb: 256 }, maxInflight: 2, nodeSelector: ['n2'] });
    expect(cluster.functions().find((f) => f.name === 'b')?.replicas.map((x) => x.node)).toEqual(['n2']);
    const snap = await cluster.advance({ seconds: 5 });
    expect(snap.workflows.wf?.completed).toBeGreaterThan(0);
    const secret = secretOf(cluster);
    await cluster.close();
    expect(cluster.twin?.functionConfigs()).toBe(cluster.initialConfigs);
    expect(logs).toEqual(expect.arrayContaining([
      'restore b: pod template back to the recorded one (env, resources, placement)',
      'restore a: scale to 1 replicas',
    ]));
    expect(logs.join('\n')).not.toContain(secret);
    await cluster.close(); // twice is fine
    expect(() => cluster.functions()).toThrow(BackendError);
  }, 30_000);

  test('a change the nodes have no room for is refused like the simulator refuses it, and nothing is left half-done (no CE replica cap)', async () => {
    const { cluster } = twinCluster({ changeTimeoutSeconds: 20, profile: 'lenient' });
    const r = await cluster.apply([{ kind: 'scale', fn: 'a', replicas: 12 }]);
    expect(r.applied).toEqual([]);
    expect(r.rejected[0]?.reason).toMatch(/^no node has room for a's rollout \(1000m CPU, 512Mi per replica, one surge pod at a time\): \d+ pod\(s\) unschedulable/);
    const a = cluster.functions().find((f) => f.name === 'a');
    expect(a?.desiredReplicas).toBeGreaterThan(1);
    expect(a?.desiredReplicas).toBeLessThan(12);
    expect(a?.replicas.length).toBe(a?.desiredReplicas);
    await cluster.close();
    expect(cluster.twin?.functionConfigs()).toBe(cluster.initialConfigs);
  }, 30_000);

  test('dryRun logs every intended change and applies none', async () => {
    const { cluster, logs } = twinCluster({ dryRun: true });
    const r = await cluster.apply([...CHANGES, { kind: 'prewarm', fn: 'a', count: 2 }]);
    expect(r.rejected).toEqual([]);
    expect(cluster.twin?.functionConfigs()).toBe(cluster.initialConfigs);
    expect(logs.filter((l) => l.startsWith('dry-run: '))).toEqual([
      'dry-run: b: would PATCH deployment openfaas-fn/b (strategic merge: limits.cpu 1000m -> 500m, limits.memory 512Mi -> 256Mi, env max_inflight 4 -> 2, nodeSelector kubernetes.io/hostname=n2; a rolling update)',
      'dry-run: a: would POST /system/scale-function/a replicas 1 -> 3',
      'dry-run: a: would send 2 prewarm invocations',
    ]);
    // The environment sees the configuration it asked for.
    expect(cluster.functions().find((f) => f.name === 'b')).toMatchObject({ limits: { cpuMilli: 500, memoryMb: 256 }, maxInflight: 2, nodeSelector: ['n2'] });
    await cluster.advance({ seconds: 2 });
    expect(cluster.twin?.functionConfigs()).toBe(cluster.initialConfigs);
    await cluster.close();
    expect(cluster.twin?.functionConfigs()).toBe(cluster.initialConfigs);
    expect(logs.filter((l) => l.startsWith('restore'))).toEqual([]);
  }, 30_000);
});

describe('scope: one namespace, the managed functions, the state found', () => {
  test('the plain kubernetes backend brings a drifted cluster to the scenario, never touches other functions, and restores the state it found', async () => {
    // The cluster as found: an extra function the environment does not manage, and a drifted `a`.
    const found: ScenarioSpec = {
      ...SCENARIO,
      functions: [
        { ...SCENARIO.functions[0]!, replicas: 2, maxInflight: 3, cpuMilli: 750, nodeSelector: ['n1'] },
        SCENARIO.functions[1]!,
        { name: 'other', work: 0.1, replicas: 1 },
      ],
    };
    const twin = await Twin.start({ scenario: found, speed: 20, internalLoad: false, windowMs: 250 });
    open.push(twin);
    const logs: string[] = [];
    try {
      const initial = twin.functionConfigs();
      const cluster = new KubernetesCluster(SCENARIO, {
        kind: 'kubernetes',
        kubeconfig: { clusters: [{ name: 't', server: twin.url, skipTLSVerify: true }], users: [{ name: 'u' }], contexts: [{ name: 't', cluster: 't', user: 'u' }], currentContext: 't' },
        gateway: { url: twin.url },
        retry: FAST_RETRY,
        pollSeconds: 0.02,
        journalDir: null,
        log: (l: string) => logs.push(l),
      });
      // Before the first contact: the scenario as declared.
      expect(cluster.functions().map((f) => [f.name, f.desiredReplicas])).toEqual([['a', 1], ['b', 1]]);
      const r = await cluster.apply([{ kind: 'scale', fn: 'other', replicas: 3 }, { kind: 'scale', fn: 'b', replicas: 2 }]);
      expect(r.rejected).toEqual([{ change: { kind: 'scale', fn: 'other', replicas: 3 }, reason: 'unknown function "other" (this environment manages a, b)' }]);
      expect(logs).toContain('bringing a to the scenario\'s configuration');
      const now = JSON.parse(twin.functionConfigs()) as Record<string, unknown>[];
      expect(now.find((c) => c.name === 'a')).toMatchObject({ replicas: 1, envVars: {}, nodeSelector: null, limits: { cpu: '1' } });
      expect(now.find((c) => c.name === 'other')).toEqual((JSON.parse(initial) as Record<string, unknown>[]).find((c) => c.name === 'other'));
      await cluster.close();
      expect(twin.functionConfigs()).toBe(initial);
    } finally {
      await twin.close();
    }
  }, 30_000);

  test('a function the environment manages must exist, in the configured namespace', async () => {
    const twin = await Twin.start({ scenario: SCENARIO, speed: 20, internalLoad: false });
    open.push(twin);
    try {
      const kubeconfig = { clusters: [{ name: 't', server: twin.url, skipTLSVerify: true }], users: [{ name: 'u' }], contexts: [{ name: 't', cluster: 't', user: 'u' }], currentContext: 't' };
      const missing = new KubernetesCluster({ ...SCENARIO, functions: [...SCENARIO.functions, { name: 'ghost', work: 1 }] }, { kind: 'kubernetes', kubeconfig, gateway: { url: twin.url }, retry: FAST_RETRY, journalDir: null });
      await expect(missing.advance({ seconds: 1 })).rejects.toThrow('the gateway has no function "ghost" in namespace "openfaas-fn"');
      await missing.close();
      const initial = twin.functionConfigs();
      const elsewhere = new KubernetesCluster(SCENARIO, { kind: 'kubernetes', kubeconfig, gateway: { url: twin.url }, namespace: 'other-ns', retry: FAST_RETRY, journalDir: null });
      const err = await elsewhere.apply([{ kind: 'scale', fn: 'a', replicas: 2 }]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BackendError);
      expect((err as Error).message).toMatch(/^gateway GET \/system\/functions: HTTP 400: namespace "other-ns" is not served/);
      await elsewhere.close();
      expect(twin.functionConfigs()).toBe(initial);
    } finally {
      await twin.close();
    }
  }, 30_000);
});

describe('fault injection', () => {
  test('transient 500s, 409s, 429s, a hang and dropped connections are retried within bounds', async () => {
    const { cluster, logs } = twinCluster();
    await cluster.apply([]); // connect
    const twin = cluster.twin as Twin;
    twin.faults.add({ method: 'PATCH', path: DEPLOYMENT_B, kind: '500', times: 1 });
    twin.faults.add({ method: 'PATCH', path: DEPLOYMENT_B, kind: '409', times: 1 });
    twin.faults.add({ method: 'POST', path: '/system/scale-function/*', kind: '429', times: 1 });
    twin.faults.add({ method: 'GET', path: DEPLOYMENT_B, kind: 'hang', times: 1 });
    // A dropped connection mid-rollout: a poll of the function pods after the patch.
    twin.faults.add({ method: 'GET', path: '/api/v1/namespaces/openfaas-fn/pods', kind: 'drop', times: 1, skip: 1 });
    // The template patch lands but its answer is lost: retried (the strategic-merge patch is idempotent).
    twin.faults.add({ method: 'PATCH', path: DEPLOYMENT_B, kind: 'drop', when: 'after', times: 1 });
    const r = await cluster.apply([...CHANGES]);
    expect(r.rejected).toEqual([]);
    expect(JSON.parse(cluster.twin?.functionConfigs() ?? '[]').find((c: { name: string }) => c.name === 'b')).toMatchObject({ nodeSelector: { 'kubernetes.io/hostname': 'n2' }, envVars: { max_inflight: '2' } });
    const retries = logs.filter((l) => l.startsWith('retry '));
    expect(retries).toEqual(expect.arrayContaining([
      expect.stringMatching(/^retry 1\/3 of kubernetes PATCH \/apis\/apps\/v1\/namespaces\/openfaas-fn\/deployments\/b in \d+ ms: HTTP 500: internal error \(injected fault\)$/),
      expect.stringMatching(/^retry 2\/3 of kubernetes PATCH \/apis\/apps\/v1\/namespaces\/openfaas-fn\/deployments\/b in \d+ ms: HTTP 409: Operation cannot be fulfilled/),
      expect.stringMatching(/^retry 1\/3 of gateway POST \/system\/scale-function\/a in \d+ ms: HTTP 429/),
      expect.stringMatching(/^retry 1\/3 of kubernetes GET \/apis\/apps\/v1\/namespaces\/openfaas-fn\/deployments\/b in \d+ ms: no answer by the deadline$/),
      expect.stringMatching(/^retry \d\/3 of kubernetes GET \/api\/v1\/namespaces\/openfaas-fn\/pods in \d+ ms: connection failed/),
      expect.stringMatching(/^retry \d\/3 of kubernetes PATCH \/apis\/apps\/v1\/namespaces\/openfaas-fn\/deployments\/b in \d+ ms: connection failed/),
    ]));
    expect(twin.faults.list().every((f) => f.remaining === 0)).toBe(true);
    const secret = secretOf(cluster);
    await cluster.close();
    expect(cluster.twin?.functionConfigs()).toBe(cluster.initialConfigs);
    expect(logs.join('\n')).not.toContain(secret);
  }, 40_000);

  test.each([
    ['500 on every scale', { method: 'POST', path: '/system/scale-function/a', kind: '500' }, { status: 500, endpoint: 'gateway POST /system/scale-function/a' }, /^gateway POST \/system\/scale-function\/a: HTTP 500: internal error \(injected fault\) \(after 4 attempts\)$/],
    ['a hung Deployment read', { method: 'GET', path: DEPLOYMENT_B, kind: 'hang' }, { status: null, endpoint: `kubernetes GET ${DEPLOYMENT_B}` }, /^kubernetes GET \/apis\/apps\/v1\/namespaces\/openfaas-fn\/deployments\/b: no answer by the deadline \(after 4 attempts\)$/],
    ['409 on every patch', { method: 'PATCH', path: DEPLOYMENT_B, kind: '409' }, { status: 409, endpoint: `kubernetes PATCH ${DEPLOYMENT_B}` }, /^kubernetes PATCH .*: HTTP 409: Operation cannot be fulfilled/],
    ['a connection dropped on every rollout poll', { method: 'GET', path: DEPLOYMENT_B, kind: 'drop', skip: 1 }, { status: null, endpoint: `kubernetes GET ${DEPLOYMENT_B}` }, /: connection failed \(.+\) \(after 4 attempts\)$/],
  ] as const)('persistent fault (%s): a BackendError after the bounded attempts; close() still restores the state found', async (_name, fault, expected, message) => {
    const { cluster, logs } = twinCluster();
    await cluster.apply([{ kind: 'scale', fn: 'b', replicas: 2 }]); // a change that lands first
    const twin = cluster.twin as Twin;
    const id = twin.faults.add({ ...fault, times: 4 } as never);
    const t0 = Date.now();
    const err = await cluster.apply([...CHANGES]).catch((e: unknown) => e);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(err).toBeInstanceOf(BackendError);
    expect(err).toMatchObject({ name: 'BackendError', attempts: 4, ...expected });
    expect((err as Error).message).toMatch(message);
    expect(twin.faults.list().find((f) => f.id === id)?.hits).toBe(4);
    const secret = secretOf(cluster);
    await cluster.close();
    expect(cluster.twin?.functionConfigs()).toBe(cluster.initialConfigs);
    for (const text of [...logs, (err as Error).message, JSON.stringify(err)]) expect(text).not.toContain(secret);
  }, 40_000);

  test('a restore that cannot finish is a BackendError naming what is left, after trying the rest', async () => {
    const { cluster } = twinCluster();
    await cluster.apply([{ kind: 'scale', fn: 'a', replicas: 2 }, { kind: 'concurrency', fn: 'b', maxInflight: 1 }]);
    const twin = cluster.twin as Twin;
    twin.faults.add({ method: 'PATCH', path: DEPLOYMENT_B, kind: '503' });
    const err = await cluster.close().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect((err as Error).message).toMatch(/^close: the cluster could not be restored to its recorded configuration: b: kubernetes PATCH \/apis\/apps\/v1\/namespaces\/openfaas-fn\/deployments\/b: HTTP 503/);
    // a was restored all the same.
    expect(JSON.parse(twin.functionConfigs()).find((c: { name: string }) => c.name === 'a')).toMatchObject({ replicas: 1 });
  }, 40_000);
});
