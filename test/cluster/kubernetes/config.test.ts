/**
 * The kubernetes backend's config: validated at make() with ConfigErrors that
 * name the field, password files read once and never echoed, no I/O before the
 * first apply/advance, and the `kubernetes` and `twin` kinds registered.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backendKinds, createCluster } from '../../../envs/common/backend.js';
import { parseKubernetesConfig } from '../../../src/cluster/kubernetes/config.js';
import { KubernetesCluster } from '../../../src/cluster/kubernetes/kubernetes-cluster.js';
import { mergePatchDiff } from '../../../src/cluster/kubernetes/safety.js';
import { TwinCluster } from '../../../src/cluster/kubernetes/twin-backend.js';
import { cpuMilli, memoryMb } from '../../../src/cluster/kubernetes/quantity.js';
import type { ScenarioSpec } from '../../../src/cluster/sim/spec.js';
import { ConfigError } from '../../../src/core/errors.js';
import { make } from '../../../src/registry/index.js';

const SCENARIO: ScenarioSpec = {
  duration: 10,
  nodes: [{ name: 'n1', cores: 2, memoryMb: 4096 }],
  functions: [{ name: 'f', work: 0.1, cpuMilli: 500, memoryMb: 256, replicas: 2, maxInflight: 3 }],
  loads: [{ kind: 'poisson', target: 'f', rate: 1 }],
};
const GW = { url: 'http://127.0.0.1:1' };

describe('kubernetes backend config', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'faasgym-cfg-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('defaults', () => {
    const { config, secrets } = parseKubernetesConfig({ kind: 'kubernetes', gateway: GW });
    expect(config).toMatchObject({ namespace: 'openfaas-fn', dryRun: false, syncToScenario: true, influx: null, requestRatio: 1, retry: { attempts: 4, timeoutMs: 10_000 } });
    expect(secrets).toEqual({});
  });

  test.each([
    [{ gateway: { url: 'ftp://x' } }, 'backend.gateway.url must be an http(s) URL, got "ftp://x"'],
    [{ gateway: { url: 'http://admin:hunter2@gw:8080' } }, 'backend.gateway.url must not hold credentials (use the user and passwordFile fields)'],
    [{ gateway: GW, namespace: 'Not_A_Namespace' }, 'backend.namespace must be a Kubernetes namespace name, got "Not_A_Namespace"'],
    [{ gateway: GW, retry: { attempts: 0 } }, 'backend.retry.attempts must be an integer in [1, 20], got 0'],
    [{ gateway: GW, influx: { url: 'http://i:8086' } }, 'backend.influx.database must be a non-empty string, got undefined'],
    [{ gateway: GW, load: { latencyFrom: 'server' } }, 'backend.load.latencyFrom must be "client" or "gateway", got "server"'],
    [{ gateway: GW, dryrun: true }, 'backend: unknown key "dryrun"'],
    [{ gateway: { url: 'http://gw', passwordFile: '/nonexistent/pw' } }, 'backend.gateway.passwordFile: cannot read "/nonexistent/pw" (ENOENT)'],
  ])('%j is refused: %s', (input, message) => {
    expect(() => parseKubernetesConfig({ kind: 'kubernetes', ...input })).toThrow(new ConfigError(message).message);
  });

  test('a password file is read once; the config holds its path, never its content', () => {
    const file = join(dir, 'pw');
    writeFileSync(file, 'correct-horse-battery\n');
    const { config, secrets } = parseKubernetesConfig({ kind: 'kubernetes', gateway: { url: 'http://gw:8080', passwordFile: file } });
    expect(secrets.gatewayPassword).toBe('correct-horse-battery');
    expect(config.gateway).toEqual({ url: 'http://gw:8080', passwordFile: file, user: 'admin' });
    expect(JSON.stringify(config)).not.toContain('correct-horse');
  });

  test('quantities', () => {
    expect([cpuMilli('500m'), cpuMilli('2'), cpuMilli('1.5'), cpuMilli(0.25)]).toEqual([500, 2000, 1500, 250]);
    expect([memoryMb('512Mi'), memoryMb('1Gi'), memoryMb('1073741824'), memoryMb('1e9')]).toEqual([512, 1024, 1024, 954]);
    expect(() => cpuMilli('lots')).toThrow('cpu must be a Kubernetes quantity, got "lots"');
  });

  test('merge patches that restore exactly', () => {
    expect(mergePatchDiff({ a: 1, b: { c: 2, d: 3 } }, { a: 1, b: { c: 2 } })).toEqual({ b: { d: null } });
    expect(mergePatchDiff({ nodeSelector: { 'kubernetes.io/hostname': 'n2' }, affinity: null }, { nodeSelector: null, affinity: null })).toEqual({ nodeSelector: null });
    expect(mergePatchDiff({ x: [1, 2] }, { x: [1, 2] })).toBeUndefined();
    expect(mergePatchDiff({ x: [1, 2] }, { x: [2] })).toEqual({ x: [2] });
  });
});

describe('registration and no I/O before the first contact', () => {
  test('kubernetes and twin are registered backends', () => {
    expect(backendKinds()).toEqual(expect.arrayContaining(['sim', 'kubernetes', 'twin']));
    expect(createCluster({ kind: 'kubernetes', gateway: GW }, SCENARIO)).toBeInstanceOf(KubernetesCluster);
    expect(createCluster({ kind: 'twin', speed: 10 }, SCENARIO)).toBeInstanceOf(TwinCluster);
  });

  test('until it connects, the cluster describes the scenario as declared; closing it then does nothing', async () => {
    // Port 1 refuses connections: any I/O would fail.
    const c = new KubernetesCluster(SCENARIO, { kind: 'kubernetes', gateway: GW });
    expect(c.nodes().map((n) => [n.name, n.cores, n.memoryMb])).toEqual([['n1', 2, 4096]]);
    expect(c.functions()).toEqual([{
      name: 'f', scaling: 'replicas', desiredReplicas: 2, replicas: [], limits: { cpuMilli: 500, memoryMb: 256 }, requests: { cpuMilli: 500, memoryMb: 256 },
      maxInflight: 3, overflow: 'queue', nodeSelector: null, keepAlive: null,
    }]);
    expect(typeof c.setStress).toBe('undefined'); // a real cluster cannot inject interference
    await c.close();
  });

  test('environments accept the backends at make(); a bad backend field fails at the first reset, naming it', () => {
    expect(() => make('Darly-Fullmap-v0', { backend: { kind: 'kubernetes', gateway: GW } })).not.toThrow();
    expect(() => make('Darly-Fullmap-v0', { backend: { kind: 'twin', speed: 100 } })).not.toThrow();
    const env = make('Darly-Fullmap-v0', { backend: { kind: 'twin', gateway: GW } });
    return expect(env.reset({ seed: 0 })).rejects.toThrow('backend.gateway is set by the twin backend; remove it');
  });
});
