import { ConfigError } from '../../../src/core/errors.js';
import {
  canonicalQuantity, cpuMilliOf, formatCpu, formatMemory, formatQuantity, memoryMbOf, parseQuantity,
} from '../../../src/cluster/twin/quantity.js';
import { applyPatch, jsonPatch, mergePatch, PatchError, patchTypeOf, strategicMergePatch } from '../../../src/cluster/twin/patch.js';

describe('Kubernetes quantities', () => {
  test.each([
    ['500m', 500, 'DecimalSI'],
    ['1', 1000, 'DecimalSI'],
    ['0.5', 500, 'DecimalSI'],
    ['2.25', 2250, 'DecimalSI'],
    ['1Ki', 1024_000, 'BinarySI'],
    ['512Mi', 512 * 1048576 * 1000, 'BinarySI'],
    ['1e3', 1_000_000, 'DecimalExponent'],
    ['1E-3', 1, 'DecimalExponent'],
    ['0.0001', 1, 'DecimalSI'], // rounded up to the milli precision, as the API server does
    ['128M', 128e6 * 1000, 'DecimalSI'],
    ['.5', 500, 'DecimalSI'],
    ['+3', 3000, 'DecimalSI'],
  ])('parse %s', (text, milli, format) => {
    expect(parseQuantity(text)).toEqual({ milli, format });
  });

  test.each([
    ['1000m', '1'],
    ['1500m', '1500m'],
    ['0.5', '500m'],
    ['1024Mi', '1Gi'],
    ['1536Mi', '1536Mi'],
    ['1.5Gi', '1536Mi'],
    ['0.5Ki', '512'],
    ['2048', '2048'],
    ['2000', '2k'],
    ['1e3', '1e3'],
    ['0', '0'],
    ['16Gi', '16Gi'],
  ])('canonical form of %s is %s', (input, canonical) => {
    expect(canonicalQuantity(input)).toBe(canonical);
    expect(canonicalQuantity(canonical)).toBe(canonical); // idempotent
  });

  test('numbers are accepted as plain quantities', () => {
    expect(parseQuantity(2)).toEqual({ milli: 2000, format: 'DecimalSI' });
    expect(cpuMilliOf(0.25)).toBe(250);
  });

  test.each(['', 'abc', '1.2.3', '5 m', '1Zi', '-1', '-500m', '1mi'])('refuses %j', (bad) => {
    expect(() => parseQuantity(bad, 'limits.cpu')).toThrow(ConfigError);
    expect(() => parseQuantity(bad, 'limits.cpu')).toThrow(/limits\.cpu/);
  });

  test('refuses non-strings and values beyond 2^53 milli-units', () => {
    expect(() => parseQuantity(null)).toThrow(/quantity string/);
    expect(() => parseQuantity({})).toThrow(ConfigError);
    expect(() => parseQuantity('1Ei')).toThrow(/too large/);
  });

  test('simulator units: millicores and MiB', () => {
    expect(cpuMilliOf('250m')).toBe(250);
    expect(cpuMilliOf('2')).toBe(2000);
    expect(memoryMbOf('512Mi')).toBe(512);
    expect(memoryMbOf('1Gi')).toBe(1024);
    expect(memoryMbOf('1G')).toBeCloseTo(953.674, 3);
    expect(formatCpu(500)).toBe('500m');
    expect(formatCpu(2000)).toBe('2');
    expect(formatCpu(1234.4)).toBe('1234m');
    expect(formatMemory(512)).toBe('512Mi');
    expect(formatMemory(16384)).toBe('16Gi');
    expect(formatMemory(1536)).toBe('1536Mi');
    expect(formatMemory(0.5)).toBe('512Ki');
    for (const mb of [128, 256, 1769, 3008, 10240]) expect(memoryMbOf(formatMemory(mb))).toBe(mb);
    for (const m of [1, 250, 999, 1000, 1500, 64000]) expect(cpuMilliOf(formatCpu(m))).toBe(m);
  });

  test('formatQuantity refuses bad input', () => {
    expect(() => formatQuantity({ milli: -1, format: 'DecimalSI' })).toThrow(ConfigError);
    expect(() => formatQuantity({ milli: 0.5, format: 'DecimalSI' })).toThrow(ConfigError);
  });
});

describe('PATCH flavours', () => {
  const deployment = {
    metadata: { name: 'f', labels: { a: '1', b: '2' } },
    spec: {
      replicas: 1,
      template: {
        spec: {
          nodeSelector: { 'kubernetes.io/hostname': 'n1' },
          containers: [
            { name: 'f', image: 'img', env: [{ name: 'fprocess', value: 'x' }, { name: 'max_inflight', value: '2' }], resources: { limits: { cpu: '1' } } },
            { name: 'sidecar', image: 'side' },
          ],
        },
      },
    },
  };

  test('merge patch (RFC 7386): null deletes, objects merge, lists are replaced', () => {
    const out = mergePatch(deployment, { metadata: { labels: { a: null, c: '3' } }, spec: { replicas: 3, template: { spec: { nodeSelector: null } } } }) as typeof deployment;
    expect(out.metadata.labels).toEqual({ b: '2', c: '3' });
    expect(out.spec.replicas).toBe(3);
    expect(out.spec.template.spec).not.toHaveProperty('nodeSelector');
    expect(out.spec.template.spec.containers).toHaveLength(2);
    const replaced = mergePatch(deployment, { spec: { template: { spec: { containers: [{ name: 'f' }] } } } }) as typeof deployment;
    expect(replaced.spec.template.spec.containers).toEqual([{ name: 'f' }]);
    expect(deployment.spec.replicas).toBe(1); // input untouched
  });

  test('strategic merge patch merges containers and env by name', () => {
    const out = strategicMergePatch(deployment, {
      spec: { template: { spec: { containers: [{ name: 'f', env: [{ name: 'max_inflight', value: '5' }, { name: 'new', value: 'v' }], resources: { limits: { cpu: '500m' } } }] } } },
    }) as typeof deployment;
    const c = out.spec.template.spec.containers;
    expect(c).toHaveLength(2);
    expect(c[0]?.env).toEqual([{ name: 'fprocess', value: 'x' }, { name: 'max_inflight', value: '5' }, { name: 'new', value: 'v' }]);
    expect(c[0]?.resources).toEqual({ limits: { cpu: '500m' } });
    expect(c[1]).toEqual({ name: 'sidecar', image: 'side' });
  });

  test('strategic merge patch directives: $patch delete, $patch replace, $retainKeys, $setElementOrder', () => {
    const del = strategicMergePatch(deployment, { spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } } }) as typeof deployment;
    expect(del.spec.template.spec.containers.map((x) => x.name)).toEqual(['f']);
    const rep = strategicMergePatch(deployment, { spec: { template: { spec: { nodeSelector: { $patch: 'replace', zone: 'a' } } } } }) as typeof deployment;
    expect(rep.spec.template.spec.nodeSelector).toEqual({ zone: 'a' });
    const retain = strategicMergePatch({ a: 1, b: 2, c: 3 }, { $retainKeys: ['a', 'c'], c: 4 });
    expect(retain).toEqual({ a: 1, c: 4 });
    const order = strategicMergePatch(deployment, { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'f' }], containers: [{ name: 'f', image: 'img2' }] } } } }) as typeof deployment;
    expect(order.spec.template.spec.containers[0]?.image).toBe('img2');
    expect(() => strategicMergePatch(deployment, { spec: { $patch: 'explode' } })).toThrow(PatchError);
    expect(() => strategicMergePatch(deployment, { spec: { template: { spec: { containers: [{ image: 'no-name' }] } } } })).toThrow(/merge key/);
  });

  test('JSON patch (RFC 6902)', () => {
    const out = jsonPatch(deployment, [
      { op: 'replace', path: '/spec/replicas', value: 4 },
      { op: 'add', path: '/metadata/labels/x~1y', value: 'z' },
      { op: 'remove', path: '/spec/template/spec/containers/1' },
      { op: 'test', path: '/spec/replicas', value: 4 },
      { op: 'copy', from: '/metadata/name', path: '/metadata/generateName' },
      { op: 'add', path: '/spec/template/spec/containers/0/env/-', value: { name: 'k', value: 'v' } },
    ]) as Record<string, unknown>;
    expect(out).toMatchObject({ metadata: { labels: { 'x/y': 'z' }, generateName: 'f' }, spec: { replicas: 4 } });
    expect(((out.spec as typeof deployment.spec).template.spec.containers)).toHaveLength(1);
    expect(() => jsonPatch(deployment, [{ op: 'test', path: '/spec/replicas', value: 9 }])).toThrow(/test failed/);
    expect(() => jsonPatch(deployment, [{ op: 'replace', path: '/spec/nope', value: 1 }])).toThrow(/does not exist/);
    expect(() => jsonPatch(deployment, [{ op: 'frobnicate', path: '/a' }])).toThrow(PatchError);
    expect(() => jsonPatch(deployment, { op: 'add' })).toThrow(/list of operations/);
  });

  test('content types', () => {
    expect(patchTypeOf('application/merge-patch+json')).toBe('merge');
    expect(patchTypeOf('application/strategic-merge-patch+json; charset=utf-8')).toBe('strategic');
    expect(patchTypeOf('application/json-patch+json')).toBe('json');
    expect(patchTypeOf('application/json')).toBeNull();
    expect(patchTypeOf(undefined)).toBeNull();
    expect(() => applyPatch('merge', deployment, [1, 2] as never)).toThrow(PatchError);
  });
});
