/**
 * The trust boundary of the bridge (issue 12, critical): a client's `make`
 * cannot choose or configure a backend. The exploit of the issue (a kubeconfig
 * with an exec credential plugin, a gateway URL and a password file, all from
 * the wire) is refused with a ConfigError; the command it names never runs and
 * the listener it points at never hears from the server. Backends are offered
 * by the operator (`faasgym serve --backend <file>`) and picked by name.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BridgeServer, parseBackendCatalog, readBackendCatalog, wireConfig } from '../../src/bridge/index.js';
import { BaseEnv } from '../../src/core/base-env.js';
import { ConfigError } from '../../src/core/errors.js';
import { registry as defaultRegistry } from '../../src/registry/index.js';
import { Discrete } from '../../src/spaces/discrete.js';
import { testRegistry } from './fixtures/toy-envs.js';
import { startServe, TestClient } from './helpers.js';

let dir: string;
let listener: Server;
let port = 0;
const heard: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'faasgym-rce-'));
  writeFileSync(join(dir, 'password'), 'the-servers-secret\n');
  listener = createServer((req, res) => {
    heard.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
    res.end('{}');
  });
  await new Promise<void>((done) => listener.listen(0, '127.0.0.1', done));
  port = (listener.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((done) => listener.close(() => done()));
  rmSync(dir, { recursive: true, force: true });
});

/** The exploit: an exec credential plugin that would create `marker`, and the server's password file sent to our listener. */
function exploit(marker: string): Record<string, unknown> {
  const url = `http://127.0.0.1:${port}`;
  return {
    kind: 'kubernetes',
    kubeconfig: {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: url } }],
      users: [{ name: 'u', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: '/bin/sh', args: ['-c', `id > ${marker}`] } } }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'x',
    },
    gateway: { url, passwordFile: join(dir, 'password') },
  };
}

const REFUSED =
  'make FaaSConf-Sequential-v0: config.backend must be the name of a backend this server offers (sim), got {"kind":"kubernetes","kubeconfig":{"apiVersion":"v1","kin...; ' +
  'a bridge client cannot configure a backend: the operator offers them with `faasgym serve --backend <file>`';

async function tryExploits(client: TestClient, marker: string): Promise<void> {
  const r = await client.call('make', { env: 'FaaSConf-Sequential-v0', config: { backend: exploit(marker) } });
  expect(r.ok).toBe(false);
  expect(r.error).toEqual({ type: 'ConfigError', message: REFUSED });
  // The same through every other shape a backend or a file could take.
  const others: [unknown, RegExp][] = [
    [{ backend: 'kubernetes' }, /config\.backend "kubernetes" is not a backend this server offers \(offered: sim/],
    [{ backend: '/root/.kube/config' }, /config\.backend "\/root\/\.kube\/config" is not a backend this server offers/],
    [{ backend: { kind: 'twin', influx: { url: `http://127.0.0.1:${port}`, database: 'x' } } }, /config\.backend must be the name of a backend/],
    [{ backend: ['kubernetes'] }, /config\.backend must be the name of a backend/],
    [{ users: 3, scenario: { file: '../../../../etc/passwd' } }, /config\.scenario must be a number, boolean, string or an array of them, got \{"file":/],
    [{ users: [1, { exec: 'id' }] }, /config\.users\[1\] must be a number, boolean or string/],
  ];
  for (const [config, message] of others) {
    const o = await client.call('make', { env: 'FaaSConf-Sequential-v0', config });
    expect({ config, type: o.error?.type }).toEqual({ config, type: 'ConfigError' });
    expect(o.error?.message).toMatch(message);
  }
  await new Promise((done) => setTimeout(done, 300)); // anything started would have had time to run
  expect(existsSync(marker)).toBe(false);
  expect(heard).toEqual([]);
}

test('in process: the exploit is refused with a ConfigError; nothing is executed or sent', async () => {
  const server = await BridgeServer.start({ bind: 'tcp://127.0.0.1:*', registry: defaultRegistry });
  const client = TestClient.connect(server.endpoint);
  try {
    await tryExploits(client, join(dir, 'marker-in-process'));
    expect(server.stats().handles).toBe(0);
    // The simulator by name (or no backend at all) still works.
    const made = await client.ok('make', { env: 'CartPole-v1', config: { backend: 'sim' } });
    await client.ok('close', { handle: made.handle });
  } finally {
    client.close();
    await server.close();
  }
});

test('faasgym serve (environments in workers): the exploit is refused; an offered backend is picked by name', async () => {
  const catalog = join(dir, 'backends.yaml');
  writeFileSync(catalog, `backends:\n  lab:\n    kind: kubernetes\n    gateway: {url: "http://127.0.0.1:${port}"}\n`);
  const serve = await startServe(['--bind', 'tcp://127.0.0.1:*', '--backend', catalog]);
  const client = TestClient.connect(serve.endpoint, { timeoutMs: 20_000 });
  try {
    const hello = await client.ok('hello');
    expect(hello.backends).toEqual(['sim', 'lab']);
    const r = await client.call('make', { env: 'FaaSConf-Sequential-v0', config: { backend: exploit(join(dir, 'marker-serve')) } });
    expect(r.error).toEqual({ type: 'ConfigError', message: REFUSED.replace('offers (sim)', 'offers (sim, lab)') });
    await new Promise((done) => setTimeout(done, 300));
    expect(existsSync(join(dir, 'marker-serve'))).toBe(false);
    expect(heard).toEqual([]);
  } finally {
    client.close();
    await serve.stop();
  }
});

/** Records the backend its config carried, to show what an offered name resolves to. */
class BackendEcho extends BaseEnv<number, number> {
  readonly observationSpace = new Discrete(2);
  readonly actionSpace = new Discrete(2);
  constructor(private readonly backend: unknown) {
    super();
  }
  protected resetEnv() {
    return { obs: 0, info: { backend: this.backend ?? null } };
  }
  protected stepEnv() {
    return { obs: 0, reward: 0, terminated: true, truncated: false, info: {} };
  }
}

test("an offered name becomes the operator's backend object; the client never sends one", async () => {
  const registry = testRegistry();
  registry.register({ id: 'BackendEcho-v0', kind: 'single', entryPoint: (c: { backend?: unknown }) => new BackendEcho(c.backend) });
  const lab = { kind: 'kubernetes', kubeconfig: '/etc/faasgym/lab.kubeconfig', gateway: { url: 'http://gateway.lab:8080', passwordFile: '/etc/faasgym/pw' } };
  const backends = parseBackendCatalog({ backends: { lab } }, 'test');
  const server = await BridgeServer.start({ bind: 'tcp://127.0.0.1:*', registry, backends });
  const client = TestClient.connect(server.endpoint);
  try {
    const made = await client.ok('make', { env: 'BackendEcho-v0', config: { backend: 'lab' } });
    expect((await client.ok('reset', { handle: made.handle })).info.backend).toEqual(lab);
    const sim = await client.ok('make', { env: 'BackendEcho-v0', config: { backend: 'sim' } });
    expect((await client.ok('reset', { handle: sim.handle })).info.backend).toBeNull();
  } finally {
    client.close();
    await server.close();
  }
});

test('backend catalogs and wire configs are validated', () => {
  const sim = parseBackendCatalog({}, 'f');
  expect([...sim.keys()]).toEqual(['sim']);
  expect(() => parseBackendCatalog({ backends: { sim: { kind: 'kubernetes' } } }, 'f')).toThrow('f: the name "sim" is reserved for the simulator, which is always offered');
  expect(() => parseBackendCatalog({ backends: { 'a b': { kind: 'twin' } } }, 'f')).toThrow(/backend name "a b" must be 1-64 letters/);
  expect(() => parseBackendCatalog({ backends: { lab: 'kubernetes' } }, 'f')).toThrow('f: backends.lab must be an object {kind, ...}, got "kubernetes"');
  expect(() => parseBackendCatalog({ backends: {}, extra: 1 }, 'f')).toThrow(/unknown top-level keys \["extra"\]/);
  expect(() => readBackendCatalog(join(dir, 'missing.yaml'))).toThrow(ConfigError);
  expect(wireConfig('X-v0', { users: 3, backend: null, rates: [1, 2] }, sim)).toEqual({ users: 3, rates: [1, 2] });
  expect(wireConfig('X-v0', { backend: 'sim' }, sim)).toEqual({});
  expect(() => wireConfig('X-v0', { rates: new Array(5000).fill(1) }, sim)).toThrow(/has 5000 elements/);
});
