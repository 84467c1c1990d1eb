import { parseBackend, createCluster, registerBackend, backendKinds } from '../../envs/common/backend.js';
import { boolean, integer, number, numbers, object, oneOf, options, parseConfig, schemaTable } from '../../envs/common/config.js';
import { ConfigError } from '../../src/core/errors.js';
import { SimCluster } from '../../src/cluster/sim/sim-cluster.js';

const schema = options({
  users: integer({ default: 30, min: 1, max: 1000, doc: 'closed-loop users' }),
  alpha: number({ default: -1, min: -10, max: 0, doc: 'cost weight' }),
  window: number({ default: 30, gt: 0, max: 3600, maxWhy: 'an hour', doc: 'seconds per step', source: 'FaaSConf §5.1.2' }),
  workload: oneOf({ default: 'static', values: ['static', 'azure-dynamic'] as const, doc: 'load shape' }),
  safe: boolean({ default: false, doc: 'x' }),
  qos: numbers({ default: [1, 2], min: 0, max: 10, length: 2, doc: 'targets' }),
  backend: object({ default: null, doc: 'cluster backend' }),
});

describe('parseConfig', () => {
  test('applies defaults and keeps given values', () => {
    const c = parseConfig('X-v0', { users: 5, workload: 'azure-dynamic' }, schema);
    expect(c).toEqual({ users: 5, alpha: -1, window: 30, workload: 'azure-dynamic', safe: false, qos: [1, 2], backend: null });
  });
  test('defaults are fresh copies', () => {
    const a = parseConfig('X-v0', {}, schema);
    a.qos.push(3);
    expect(parseConfig('X-v0', {}, schema).qos).toEqual([1, 2]);
  });
  const known = '(known: users, alpha, window, workload, safe, qos, backend)';
  test.each([
    [{ usrs: 3 }, `X-v0: config.usrs: unknown key ${known}`],
    // Keys that `key in schema` used to let through (inherited from Object.prototype).
    [JSON.parse('{"__proto__": {"users": 5}}'), `X-v0: config.__proto__: unknown key ${known}`],
    [{ constructor: 1 }, `X-v0: config.constructor: unknown key ${known}`],
    [{ toString: 'x' }, `X-v0: config.toString: unknown key ${known}`],
    [{ hasOwnProperty: 'x' }, `X-v0: config.hasOwnProperty: unknown key ${known}`],
    [{ users: 0 }, 'X-v0: config.users: expected an integer in [1, 1000], got 0'],
    [{ users: 2.5 }, 'X-v0: config.users: expected an integer in [1, 1000], got 2.5'],
    [{ users: 1e9 }, 'X-v0: config.users: expected an integer in [1, 1000], got 1000000000'],
    [{ alpha: 1 }, 'X-v0: config.alpha: expected a number in [-10, 0], got 1'],
    [{ window: 0 }, 'X-v0: config.window: expected a number in (0, 3600], got 0'],
    [{ window: 1e12 }, 'X-v0: config.window: expected a number in (0, 3600], got 1000000000000'],
    [{ window: Infinity }, 'X-v0: config.window: expected a number in (0, 3600], got Infinity'],
    [{ workload: 'azure' }, 'X-v0: config.workload: expected one of "static", "azure-dynamic", got "azure"'],
    [{ safe: 'yes' }, 'X-v0: config.safe: expected a boolean, got "yes"'],
    [{ qos: [1] }, 'X-v0: config.qos: expected an array of 2 numbers in [0, 10], got [1]'],
    [{ qos: [1, 11] }, 'X-v0: config.qos[1]: expected an array of 2 numbers in [0, 10], got 11'],
    [{ backend: [] }, 'X-v0: config.backend: expected an object or null, got []'],
    [[], 'X-v0: config: expected an object, got []'],
  ])('%j → %s', (input, message) => {
    expect(() => parseConfig('X-v0', input, schema)).toThrow(ConfigError);
    expect(() => parseConfig('X-v0', input, schema)).toThrow(message);
  });
  test('every problem is listed, one per line', () => {
    expect(() => parseConfig('X-v0', { users: 0, safe: 1 }, schema)).toThrow('X-v0: config.users: expected an integer in [1, 1000], got 0\nX-v0: config.safe: expected a boolean, got 1');
  });
  test('schemaTable documents every field with its range, default, bound reason and source', () => {
    const md = schemaTable(schema);
    expect(md.split('\n')).toHaveLength(2 + Object.keys(schema.shape).length);
    expect(md).toContain('| `workload` | `static` \\| `azure-dynamic` | `"static"` |  | load shape |  |');
    expect(md).toContain('| `window` | number | `30` | (0, 3600] | seconds per step (max: an hour) | FaaSConf §5.1.2 |');
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
