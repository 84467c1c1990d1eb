/**
 * ActMirror (src/nn/act-mirror.ts), the learners' tfjs-free action path:
 * its WebAssembly SIMD kernel against its float32 JavaScript loop (the same
 * bits), and both against the tfjs forward pass (`DenseStack.forward`) on the
 * same weights: the same bits through matmul, bias, ReLU and tanh on the wasm
 * backend, float32 tolerance through ELU/sigmoid (computed in JavaScript's
 * double precision) or on other backends. Nothing here is timed.
 */
import { Rng } from '../../src/core/rng.js';
import { ActMirror } from '../../src/nn/act-mirror.js';
import { DenseStack, type DenseActivation } from '../../src/nn/dense.js';
import { expm1f, tanhf } from '../../src/nn/float32-math.js';
import { initTf, tf } from '../../src/nn/tf.js';

beforeAll(async () => {
  await initTf({ quiet: true });
});

function stackOf(widths: number[], acts: DenseActivation[], rng: Rng): { stack: DenseStack; theta: Float32Array } {
  const layers = acts.map((activation, l) => {
    const [i, o] = [widths[l] as number, widths[l + 1] as number];
    const k = Float32Array.from({ length: i * o }, () => rng.uniform(-1, 1) / Math.sqrt(i));
    const b = Float32Array.from({ length: o }, () => rng.uniform(-0.2, 0.2));
    return { kernel: tf.variable(tf.tensor2d(k, [i, o])), bias: tf.variable(tf.tensor1d(b)), activation };
  });
  const stack = new DenseStack(layers);
  const theta = new Float32Array(stack.size + 3);
  stack.layers.forEach((l, i) => {
    const o = stack.offsets[i] as { w: number; b: number };
    theta.set(l.kernel.dataSync() as Float32Array, 3 + o.w);
    theta.set(l.bias.dataSync() as Float32Array, 3 + o.b);
  });
  return { stack, theta };
}

function maxRelative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)) / Math.max(1e-3, Math.abs(b[i] as number)));
  return worst;
}

describe('ActMirror', () => {
  test.each([
    ['DQN sizes, ReLU', [35, 256, 128, 64, 15], ['relu', 'relu', 'relu', 'linear']],
    ['odd widths (blocks of 16, of 4 and a scalar tail)', [7, 23, 5, 18], ['relu', 'relu', 'linear']],
    ['tanh output (actors)', [20, 64, 64, 5], ['relu', 'relu', 'tanh']],
    ['elu and sigmoid', [9, 30, 13, 3], ['elu', 'sigmoid', 'tanh']],
  ] as [string, number[], DenseActivation[]][])('equals the tfjs forward on the same weights (%s)', (_name, widths, acts) => {
    const rng = new Rng(11);
    const { stack, theta } = stackOf(widths, acts, rng);
    const rows = 5;
    const simd = ActMirror.ofStack(stack, rows);
    const js = ActMirror.ofStack(stack, rows, { simd: false });
    const offsets = ActMirror.stackOffsets(stack, 3);
    simd.load(theta, offsets);
    js.load(theta, offsets);
    expect(simd.simd).toBe(true); // Node 20 has WebAssembly SIMD
    expect(js.simd).toBe(false);
    const x = Float32Array.from({ length: rows * (widths[0] as number) }, () => rng.uniform(-2, 2));
    const before = tf.memory().numTensors;
    const a = simd.forward(x, rows).slice();
    const b = js.forward(x, rows).slice();
    expect(tf.memory().numTensors).toBe(before); // no tensor made
    expect(Array.from(a)).toEqual(Array.from(b)); // one float32 arithmetic, two implementations
    const reference = stack.forward(x, rows);
    const exact = acts.every((act) => act === 'relu' || act === 'linear' || act === 'tanh');
    if (exact && tf.getBackend() === 'wasm') expect(Array.from(a)).toEqual(Array.from(reference));
    else expect(maxRelative(a, reference)).toBeLessThan(1e-5);
    // One row at a time gives the same rows.
    for (let r = 0; r < rows; r++) expect(Array.from(simd.forward(x, 1, r * (widths[0] as number)))).toEqual(Array.from(a.subarray(r * simd.outputs, (r + 1) * simd.outputs)));
    stack.dispose();
    for (const v of stack.variables) v.dispose();
  });

  test('greedy actions (argmax) agree with the tfjs forward on random observations', () => {
    const rng = new Rng(5);
    const { stack, theta } = stackOf([35, 256, 128, 64, 15], ['relu', 'relu', 'relu', 'linear'], rng);
    const mirror = ActMirror.ofStack(stack);
    mirror.load(theta, ActMirror.stackOffsets(stack, 3));
    const argmax = (q: ArrayLike<number>): number => {
      let best = 0;
      for (let i = 1; i < q.length; i++) if ((q[i] as number) > (q[best] as number)) best = i;
      return best;
    };
    for (let n = 0; n < 200; n++) {
      const x = Float32Array.from({ length: 35 }, () => rng.uniform(-1, 1));
      expect(argmax(mirror.forward(x))).toBe(argmax(stack.forward(x, 1)));
    }
    stack.dispose();
    for (const v of stack.variables) v.dispose();
  });

  test('load copies: later changes of the source vector reach the mirror only through load', () => {
    const rng = new Rng(2);
    const { stack, theta } = stackOf([4, 8, 2], ['relu', 'linear'], rng);
    const mirror = ActMirror.ofStack(stack);
    const offsets = ActMirror.stackOffsets(stack, 3);
    mirror.load(theta, offsets);
    const x = [0.5, -0.25, 1, 2];
    const first = mirror.forward(x).slice();
    const bias0 = (offsets[1] as number) + 8 * 2; // the output layer's first bias
    theta[bias0] = (theta[bias0] as number) + 1;
    expect(Array.from(mirror.forward(x))).toEqual(Array.from(first));
    mirror.load(theta, offsets);
    expect(mirror.forward(x)[0]).toBeCloseTo((first[0] as number) + 1, 5);
    stack.dispose();
    for (const v of stack.variables) v.dispose();
  });

  test("tanhf is the backend's tanh bit for bit (musl's tanhf) over float32 values of every range; expm1f keeps C's special values", () => {
    const rng = new Rng(1);
    const x = new Float32Array(60_000);
    for (let i = 0; i < x.length; i++) x[i] = rng.uniform(-1, 1) * [1e-30, 1e-6, 0.3, 0.6, 1, 3, 9.9, 12, 100][i % 9]!;
    x.set([0, -0, 0.2554, 0.5493, 10, -10, 1e-40, Infinity, -Infinity, NaN], 0);
    const mine = Float32Array.from(x, tanhf);
    expect(Array.from(mine.subarray(0, 10))).toEqual([0, -0, Math.fround(Math.tanh(Math.fround(0.2554))), mine[3], mine[4], -(mine[4] as number), Math.fround(1e-40), 1, -1, NaN]);
    let worst = 0; // relative to the exact tanh (within float32's two ulps)
    for (let i = 10; i < x.length; i++) {
      const exact = Math.tanh(x[i] as number);
      if (exact !== 0) worst = Math.max(worst, Math.abs((mine[i] as number) - exact) / Math.abs(exact));
    }
    expect(worst).toBeLessThan(2.5e-7);
    if (tf.getBackend() === 'wasm') {
      const t = tf.tensor1d(x);
      const theirs = tf.tanh(t);
      expect(Array.from(mine)).toEqual(Array.from(theirs.dataSync()));
      tf.dispose([t, theirs]);
    }
    expect([expm1f(0), expm1f(-Infinity), expm1f(Infinity), expm1f(100), Number.isNaN(expm1f(NaN))]).toEqual([0, -1, Infinity, Infinity, true]);
    expect(expm1f(1)).toBeCloseTo(Math.E - 1, 6);
  });

  test('refuses bad sizes and inputs with the field and value', () => {
    expect(() => new ActMirror([])).toThrow('ActMirror: no layers');
    expect(() => new ActMirror([{ inputs: 3, units: 4, activation: 'relu' }, { inputs: 5, units: 1, activation: 'linear' }])).toThrow('ActMirror: layer 1 takes 5 inputs, layer 0 gives 4');
    expect(() => new ActMirror([{ inputs: 3, units: 4, activation: 'softmax' as DenseActivation }])).toThrow('ActMirror: layer 0 activation must be one of relu, tanh, linear, elu, sigmoid, got "softmax"');
    const m = new ActMirror([{ inputs: 3, units: 4, activation: 'relu' }], 2);
    expect(() => m.forward([1, 2, 3], 3)).toThrow('ActMirror: rows must be an integer in [1, 2], got 3');
    expect(() => m.forward([1, 2], 1)).toThrow('ActMirror: input has 2 numbers, expected 1 rows of 3');
    expect(() => m.load(new Float32Array(10), [0])).toThrow("ActMirror: layer 0's weights at 0 run past the vector's 10 numbers");
  });
});
