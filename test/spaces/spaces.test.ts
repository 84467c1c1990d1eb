import { SpaceError, InvalidActionError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/rng.js';
import { Box, Dict, Discrete, MultiBinary, MultiDiscrete, Tuple, spaceFromJSON, flatten, unflatten, flatdim, flattenSpace, type Space } from '../../src/spaces/index.js';

const F32_MAX = 3.4028234663852886e38;

const spaces: Record<string, Space<unknown>> = {
  'Box bounded': new Box({ low: [-1, 0, 2.5], high: [1, 10, 2.5] }),
  'Box unbounded': new Box({ low: -Infinity, high: Infinity, shape: [4] }),
  'Box half-bounded': new Box({ low: [0, -Infinity], high: [Infinity, 3] }),
  'Box float64 2x2': new Box({ low: -0.1, high: 0.3, shape: [2, 2], dtype: 'float64' }),
  'Box int32': new Box({ low: -3, high: 3, shape: [5], dtype: 'int32' }),
  'Box uint8 image': new Box({ low: 0, high: 255, shape: [2, 3, 1], dtype: 'uint8' }),
  Discrete: new Discrete(5),
  'Discrete start': new Discrete(3, -1),
  MultiDiscrete: new MultiDiscrete([3, 1, 4]),
  'MultiDiscrete start': new MultiDiscrete([2, 2], [5, -5]),
  MultiBinary: new MultiBinary(6),
  Dict: new Dict({ pos: new Box({ low: -1, high: 1, shape: [2] }), mode: new Discrete(3) }),
  Tuple: new Tuple([new Discrete(2), new MultiBinary(3), new Dict({ x: new Box({ low: 0, high: 1, shape: [1] }) })]),
};

/** Values of the right general form that must be rejected, per space. */
const rejects: Record<string, unknown[]> = {
  'Box bounded': [[0, 5], [0, 5, 2.5, 0], [2, 5, 2.5], [0, -0.1, 2.5], [Number.NaN, 1, 2.5], [0, '1', 2.5], 'abc', 0, null],
  'Box unbounded': [[0, 0, 0, Number.NaN], [0, 0, 0], [0, 0, 0, true]],
  'Box half-bounded': [[-1, 0], [0, 4]],
  'Box float64 2x2': [[0, 0, 0], [0, 0, 0, 0.31]],
  'Box int32': [[0, 0, 0, 0, 0.5], [0, 0, 0, 0, 4], [0, 0, 0, 0]],
  'Box uint8 image': [[0, 0, 0, 0, 0, 256], [0, 0, 0, 0, 0, -1]],
  Discrete: [5, -1, 1.5, '1', [1], Number.NaN],
  'Discrete start': [2, -2],
  MultiDiscrete: [[3, 0, 0], [0, 0], [0, 1, 0], [0, 0, 0.5], 1],
  'MultiDiscrete start': [[0, 0], [7, -5]],
  MultiBinary: [[0, 1, 0, 1, 0, 2], [0, 1], [0, 1, 0, 1, 0, true]],
  Dict: [{ pos: [0, 0] }, { pos: [0, 0], mode: 3 }, { pos: [0, 0], mode: 1, extra: 0 }, [[0, 0], 1]],
  Tuple: [[0, [0, 0, 0]], [2, [0, 0, 0], { x: [0] }], [0, [0, 0, 0], { x: [2] }]],
};

describe.each(Object.entries(spaces))('%s', (name, space) => {
  test('samples are contained and deterministic under a seed', () => {
    const a = new Rng(123), b = new Rng(123);
    for (let i = 0; i < 300; i++) {
      const x = space.sample(a);
      expect(space.explain(x)).toBeNull();
      expect(space.sample(b)).toEqual(x);
    }
  });

  test('JSON round trip is exact', () => {
    const json = space.toJSON();
    const wire = JSON.parse(JSON.stringify(json));
    const back = spaceFromJSON(wire);
    expect(back.toJSON()).toEqual(json);
    expect(back.equals(space)).toBe(true);
    expect(back.constructor).toBe(space.constructor);
    // and the rebuilt space samples exactly the same values
    expect(back.sample(new Rng(5))).toEqual(space.sample(new Rng(5)));
  });

  test('contains rejects wrong shape, dtype, NaN and out-of-bounds values', () => {
    for (const bad of rejects[name] as unknown[]) {
      expect([space.contains(bad), bad]).toEqual([false, bad]);
      expect(() => space.assertContains(bad)).toThrow(InvalidActionError);
    }
  });

  test('flatten / unflatten round trip within flattenSpace', () => {
    const rng = new Rng(9);
    const flat = flattenSpace(space);
    for (let i = 0; i < 50; i++) {
      const x = space.sample(rng);
      const f = flatten(space, x);
      expect(f).toHaveLength(flatdim(space));
      expect(flat.explain(f)).toBeNull();
      expect(unflatten(space, f)).toEqual(x);
    }
  });
});

describe('Box', () => {
  test('float32 bounds are rounded to float32, as Gymnasium casts them', () => {
    const box = new Box({ low: 0.1, high: 0.7, shape: [1] });
    expect(box.low[0]).toBe(Math.fround(0.1));
    expect(box.high[0]).toBe(Math.fround(0.7));
    const big = new Box({ low: -F32_MAX, high: F32_MAX, shape: [1] });
    expect(big.high[0]).toBe(F32_MAX);
  });

  test('infinite bounds travel as "inf"/"-inf" strings', () => {
    const json = new Box({ low: [-Infinity, 0], high: [Infinity, 1] }).toJSON();
    expect(json).toEqual({ type: 'Box', low: ['-inf', 0], high: ['inf', 1], shape: [2], dtype: 'float32' });
    expect(JSON.stringify(json)).toContain('"inf"');
  });

  test('unbounded samples follow Gymnasium (normal / shifted exponential)', () => {
    const rng = new Rng(2);
    const box = new Box({ low: [0, -Infinity, -Infinity], high: [Infinity, 1, Infinity] });
    const xs = Array.from({ length: 20_000 }, () => box.sample(rng));
    const m = (k: number): number => xs.reduce((a, x) => a + (x[k] as number), 0) / xs.length;
    expect(m(0)).toBeCloseTo(1, 1); // 0 + Exp(1)
    expect(m(1)).toBeCloseTo(0, 1); // 1 - Exp(1)
    expect(m(2)).toBeCloseTo(0, 1); // N(0, 1)
    expect(xs.every((x) => (x[0] as number) >= 0 && (x[1] as number) <= 1)).toBe(true);
  });

  test('accepts typed arrays', () => {
    const box = new Box({ low: -1, high: 1, shape: [3] });
    expect(box.contains(new Float32Array([0, 0.5, -1]))).toBe(true);
    expect(box.contains(new Float32Array([0, 0.5]))).toBe(false);
  });

  test.each([
    [{ low: [0, 1], high: [1, 0] }, 'Box low[1] = 1 is greater than high[1] = 0'],
    [{ low: [0, Number.NaN], high: [1, 1] }, 'Box low[1] must be a number, got NaN'],
    [{ low: 0, high: 1 }, 'Box needs a shape when low and high are scalars, got low=0 high=1'],
    [{ low: [0, 0, 0], high: 1, shape: [2] }, 'Box low has 3 elements but shape [2] needs 2: [0,0,0]'],
    [{ low: 0, high: 1, shape: [2], dtype: 'float16' }, 'Box dtype must be one of float32, float64, int32, int64, uint8, got "float16"'],
    [{ low: 0.5, high: 1, shape: [1], dtype: 'int32' }, 'Box low[0] must be an integer in the int32 range, got 0.5'],
    [{ low: Infinity, high: Infinity, shape: [1] }, 'Box low[0] must not be +inf, got Infinity'],
    [{ low: 0, high: 1, shape: [-2] }, 'Box shape must be an array of non-negative integers, got [-2]'],
    [{ low: '0', high: 1, shape: [1] }, 'Box low must be a number or an array of numbers, got "0"'],
  ])('rejects %j', (opts, message) => {
    expect(() => new Box(opts as never)).toThrow(SpaceError);
    expect(() => new Box(opts as never)).toThrow(message);
  });

  test('an action outside the space names the space and the value', () => {
    const box = new Box({ low: -2, high: 2, shape: [1] });
    expect(() => box.assertContains([3])).toThrow(
      'action [3] is not in {"type":"Box","low":[-2],"high":[2],"shape":[1],"dtype":"float32"}: element 0 = 3 is outside [-2, 2]',
    );
  });
});

describe('other constructors validate', () => {
  test.each([
    [() => new Discrete(0), 'Discrete n must be a positive integer, got 0'],
    [() => new Discrete(2.5), 'Discrete n must be a positive integer, got 2.5'],
    [() => new Discrete(2, 0.5), 'Discrete start must be an integer, got 0.5'],
    [() => new MultiDiscrete([2, 0]), 'MultiDiscrete nvec must be a non-empty array of positive integers, got [2,0]'],
    [() => new MultiDiscrete([2, 2], [0]), 'MultiDiscrete start must be 2 integers, got [0]'],
    [() => new MultiBinary(-1), 'MultiBinary n must be a positive integer, got -1'],
    [() => new Dict({ a: 3 as never }), 'Dict entry "a" is not a space: 3'],
    [() => new Tuple([new Discrete(2), {} as never]), 'Tuple entry 1 is not a space: {}'],
  ])('%#', (make, message) => {
    expect(make).toThrow(SpaceError);
    expect(make).toThrow(message);
  });

  test('spaceFromJSON names the path of a bad field', () => {
    expect(() => spaceFromJSON({ type: 'Dict', spaces: { a: { type: 'Box', low: ['x'], high: [1], shape: [1] } } })).toThrow(
      '$.spaces.a.low: a bound must be a number, "inf" or "-inf", got "x"',
    );
    expect(() => spaceFromJSON({ type: 'Tuple', spaces: [{ type: 'Discrete', n: 0 }] })).toThrow('$.spaces[0]: Discrete n must be a positive integer, got 0');
    expect(() => spaceFromJSON({ type: 'Graph' })).toThrow('$: unknown space type "Graph"');
    expect(() => spaceFromJSON(null)).toThrow('$: a space must be an object with a "type", got null');
  });
});

describe('flatten', () => {
  test('Discrete and MultiDiscrete flatten to one-hot, as Gymnasium', () => {
    expect(flatten(new Discrete(4, 1), 3)).toEqual([0, 0, 1, 0]);
    expect(flatten(new MultiDiscrete([2, 3]), [1, 0])).toEqual([0, 1, 1, 0, 0]);
    const d = new Dict({ a: new Discrete(2), b: new Box({ low: -5, high: 5, shape: [2] }) });
    expect(flatten(d, { a: 1, b: [3, -4] })).toEqual([0, 1, 3, -4]);
    expect(flattenSpace(d).toJSON()).toEqual({ type: 'Box', low: [0, 0, -5, -5], high: [1, 1, 5, 5], shape: [4], dtype: 'float32' });
  });
});
