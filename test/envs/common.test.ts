import { parseBackend, createCluster, registerBackend, backendKinds } from '../../envs/common/backend.js';
import { parseConfig, schemaTable } from '../../envs/common/config.js';
import { ConfigError } from '../../src/core/errors.js';
import { SimCluster } from '../../src/cluster/sim/sim-cluster.js';

const schema = {
  users: { type: 'integer', default: 30, min: 1, max: 1000, doc: 'closed-loop users' },
  alpha: { type: 'number', default: -1, max: 0, doc: 'cost weight' },
  window: { type: 'number', default: 30, min: 0, exclusiveMin: true, doc: 'seconds per step' },
  workload: { type: 'enum', default: 'static', values: ['static', 'azure-dynamic'] as const, doc: 'load shape' },
  safe: { type: 'boolean', default: false, doc: 'x' },
  qos: { type: 'numbers', default: [1, 2], min: 0, length: 2, doc: 'targets' },
  backend: { type: 'object', default: null, doc: 'cluster backend' },
} as const;

describe('parseConfig', () => {
  test('applies defaults and keeps given values', () => {
    const c = parseConfig('X-v0', { users: 5, workload: 'azure-dynamic' }, schema);
    expect(c).toEqual({ users: 5, alpha: -1, window: 30, workload: 'azure-dynamic', safe: false, qos: [1, 2], backend: null });
  });
  test.each([
    [{ usrs: 3 }, 'X-v0: unknown config key "usrs" (expected one of users, alpha, window, workload, safe, qos, backend)'],
    [{ users: 0 }, 'X-v0: config.users must be an integer in [1, 1000], got 0'],
    [{ users: 2.5 }, 'X-v0: config.users must be an integer in [1, 1000], got 2.5'],
    [{ alpha: 1 }, 'X-v0: config.alpha must be a finite number <= 0, got 1'],
    [{ window: 0 }, 'X-v0: config.window must be a finite number > 0, got 0'],
    [{ workload: 'azure' }, 'X-v0: config.workload must be one of "static", "azure-dynamic", got "azure"'],
    [{ safe: 'yes' }, 'X-v0: config.safe must be a boolean, got "yes"'],
    [{ qos: [1] }, 'X-v0: config.qos must be a non-empty array of finite numbers of length 2 >= 0, got [1]'],
    [{ backend: [] }, 'X-v0: config.backend must be an object, got []'],
    [[], 'X-v0: config must be an object, got []'],
  ])('%j → %s', (input, message) => {
    expect(() => parseConfig('X-v0', input, schema)).toThrow(ConfigError);
    expect(() => parseConfig('X-v0', input, schema)).toThrow(message);
  });
  test('schemaTable documents every field', () => {
    const md = schemaTable(schema);
    expect(md.split('\n')).toHaveLength(2 + Object.keys(schema).length);
    expect(md).toContain('| `workload` | `static` \\| `azure-dynamic` | `"static"` | load shape |');
  });
});

describe('backends', () => {
  test('the simulator is the default and builds a SimCluster', () => {
    expect(parseBackend('X-v0', undefined)).toEqual({ kind: 'sim' });
    expect(parseBackend('X-v0', 'sim')).toEqual({ kind: 'sim' });
    const c = createCluster({ kind: 'sim' }, { duration: 1, nodes: [{ name: 'n', cores: 1, memoryMb: 1024 }], functions: [{ name: 'f', work: 1 }], loads: [] });
    expect(c).toBeInstanceOf(SimCluster);
  });
  test('an unavailable backend is a ConfigError that lists the available ones', () => {
    expect(() => parseBackend('X-v0', { kind: 'nomad' })).toThrow(`X-v0: config.backend.kind "nomad" is not available (available: ${backendKinds().join(', ')})`);
    expect(() => parseBackend('X-v0', 42)).toThrow('X-v0: config.backend must be an object {kind, ...} or a kind name, got 42');
  });
  test('registered backends become available', () => {
    registerBackend('fake', (scenario) => new SimCluster(scenario));
    expect(parseBackend('X-v0', { kind: 'fake', url: 'x' })).toEqual({ kind: 'fake', url: 'x' });
  });
});
