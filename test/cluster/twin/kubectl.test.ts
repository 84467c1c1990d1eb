/**
 * kubectl 1.32 against the twin: discovery, get, scale, patch (merge,
 * strategic, JSON), rollout status (a watch) and errors. Skipped when
 * /usr/bin/kubectl is missing.
 */
import { existsSync } from 'node:fs';
import { Twin } from '../../../src/cluster/twin/index.js';
import { emptyKubeconfig, KUBECTL, kubectl, NS, testScenario, until } from './helpers.js';

const haveKubectl = existsSync(KUBECTL);
// Needs kubectl (the machine image ships one; .ci/run installs Debian's kubernetes-client otherwise): without it this fails, never skips.
test('kubectl is installed', () => {
  expect(haveKubectl).toBe(true);
});
const maybe = describe;

maybe('kubectl against the twin', () => {
  let twin: Twin;
  let kc: { path: string; dispose: () => void };
  const k = (...args: string[]) => kubectl(twin.url, kc.path, args);
  const fn = (name: string) => twin.cluster.functions().find((f) => f.name === name);

  beforeAll(async () => {
    kc = emptyKubeconfig();
    twin = await Twin.start({ scenario: testScenario(), speed: 20 });
  });
  afterAll(async () => {
    await twin.close();
    kc.dispose();
  });

  test('kubectl get nodes lists the scenario nodes as Ready', async () => {
    const r = await k('get', 'nodes');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION/);
    expect(r.stdout).toMatch(/^n1\s+Ready\s/m);
    expect(r.stdout).toMatch(/^n2\s+Ready\s/m);
    const json = await k('get', 'nodes', '-l', 'zone=b', '-o', 'json');
    const list = JSON.parse(json.stdout) as { items: { metadata: { name: string; annotations: Record<string, string> }; status: { capacity: Record<string, string> } }[] };
    expect(list.items.map((n) => n.metadata.name)).toEqual(['n2']);
    expect(list.items[0]?.status.capacity).toMatchObject({ cpu: '4', memory: '8Gi' });
  });

  test('kubectl get deployments -n openfaas-fn lists the functions', async () => {
    const r = await k('get', 'deployments', '-n', NS);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE/);
    for (const name of ['echo', 'limited', 'hog']) expect(r.stdout).toMatch(new RegExp(`^${name}\\s+\\d/1\\s`, 'm'));
    const short = await k('get', 'deploy', 'echo', '-n', NS, '-o', 'jsonpath={.spec.template.spec.containers[0].resources.limits.cpu} {.spec.template.spec.nodeSelector}');
    expect(short.stdout).toBe('1 {"kubernetes.io/hostname":"n1"}');
  });

  test('kubectl scale changes the simulated replica count; rollout status waits for it', async () => {
    const r = await k('scale', 'deployment/echo', '--replicas=3', '-n', NS);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe('deployment.apps/echo scaled');
    expect(fn('echo')?.desiredReplicas).toBe(3);
    expect(fn('echo')?.replicas.length).toBe(3);
    const rollout = await k('rollout', 'status', 'deployment/echo', '-n', NS, '--timeout=20s');
    expect(rollout.code).toBe(0);
    expect(rollout.stdout).toMatch(/successfully rolled out/);
    expect(fn('echo')?.replicas.every((x) => x.phase === 'ready')).toBe(true);
    const pods = await k('get', 'pods', '-n', NS, '-l', 'faas_function=echo', '-o', 'wide');
    expect(pods.stdout.trim().split('\n')).toHaveLength(4); // header + 3 pods
    expect(pods.stdout).toMatch(/Running\s+0\s+\S+\s+10\.244\.\d+\.\d+\s+n1/);
  });

  test('kubectl patch: merge (placement), strategic (resources and max_inflight), JSON (replicas)', async () => {
    const merge = await k('patch', 'deployment', 'limited', '-n', NS, '--type', 'merge', '-p', '{"spec":{"template":{"spec":{"nodeSelector":{"zone":"b"}}}}}');
    expect(merge.code).toBe(0);
    expect(fn('limited')?.nodeSelector).toEqual(['n2']);
    const smp = await k('patch', 'deployment', 'limited', '-n', NS, '-p',
      '{"spec":{"template":{"spec":{"containers":[{"name":"limited","env":[{"name":"max_inflight","value":"4"}],"resources":{"limits":{"cpu":"1500m","memory":"1Gi"},"requests":{"cpu":"1500m","memory":"1Gi"}}}]}}}}');
    expect(smp.code).toBe(0);
    expect(fn('limited')).toMatchObject({ maxInflight: 4, limits: { cpuMilli: 1500, memoryMb: 1024 } });
    const jp = await k('patch', 'deployment', 'limited', '-n', NS, '--type', 'json', '-p', '[{"op":"replace","path":"/spec/replicas","value":2}]');
    expect(jp.code).toBe(0);
    expect(fn('limited')?.desiredReplicas).toBe(2);
    const rollout = await k('rollout', 'status', 'deployment/limited', '-n', NS, '--timeout=20s');
    expect(rollout.code).toBe(0);
    expect(await until(() => (fn('limited')?.replicas ?? []).every((r) => r.node === 'n2' && r.phase === 'ready'), 10_000)).toBe(true);
  });

  test('a change the twin does not model is accepted with a warning', async () => {
    const r = await k('patch', 'deployment', 'hog', '-n', NS, '-p', '{"spec":{"template":{"spec":{"tolerations":[{"key":"x","operator":"Exists"}]}}}}');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/Warning: the twin does not model and ignored changes to: spec\.template\.spec\.tolerations/);
  });

  test('errors come back as Status objects kubectl understands', async () => {
    const missing = await k('get', 'deployment', 'nope', '-n', NS);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/Error from server \(NotFound\): deployments\.apps "nope" not found/);
    const bad = await k('scale', 'deployment/echo', '--replicas=-1', '-n', NS);
    expect(bad.code).not.toBe(0);
    const noRoom = await k('get', 'deployments', '-n', 'default');
    expect(noRoom.code).toBe(0);
    expect(noRoom.stderr).toMatch(/No resources found in default namespace/);
  });
});
