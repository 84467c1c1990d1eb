/**
 * The learners' fast path in src/nn/: DenseStack's hand-written forward and
 * backward against TensorFlow.js's automatic differentiation, FlatAdam
 * (WebAssembly SIMD against JavaScript, and against the textbook update),
 * ParamSet and Polyak averaging. Nothing here is timed.
 */
import { Rng } from '../../src/core/rng.js';
import { FlatAdam } from '../../src/nn/adam.js';
import { DenseStack, Tape, type DenseActivation } from '../../src/nn/dense.js';
import { ParamSet } from '../../src/nn/params.js';
import { polyak, polyakVariables } from '../../src/nn/polyak.js';
import { initTf, tf } from '../../src/nn/tf.js';

beforeAll(async () => {
  await initTf({ quiet: true });
});

function randomLayers(widths: number[], acts: DenseActivation[], rng: Rng): { kernel: tf.Variable; bias: tf.Variable; activation: DenseActivation }[] {
  return acts.map((activation, l) => {
    const [i, o] = [widths[l] as number, widths[l + 1] as number];
    const k = Float32Array.from({ length: i * o }, () => rng.uniform(-0.6, 0.6));
    const b = Float32Array.from({ length: o }, () => rng.uniform(-0.2, 0.2));
    return { kernel: tf.variable(tf.tensor2d(k, [i, o])), bias: tf.variable(tf.tensor1d(b)), activation };
  });
}

const act = (h: tf.Tensor, a: DenseActivation): tf.Tensor => (a === 'relu' ? h.relu() : a === 'tanh' ? h.tanh() : a === 'elu' ? h.elu() : a === 'sigmoid' ? h.sigmoid() : h);

function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, tol: number): void {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)) / Math.max(1, Math.abs(b[i] as number)));
  expect(worst).toBeLessThan(tol);
}

describe('DenseStack', () => {
  test.each([
    ['relu', ['relu', 'relu', 'linear']],
    ['tanh with a tanh output', ['tanh', 'tanh', 'tanh']],
    ['elu and sigmoid', ['elu', 'sigmoid', 'linear']],
  ] as [string, DenseActivation[]][])('forward, parameter and input gradients equal tfjs autodiff (%s)', (_name, acts) => {
    const rng = new Rng(3);
    const widths = [7, 16, 12, 5];
    const layers = randomLayers(widths, acts, rng);
    const stack = new DenseStack(layers);
    const rows = 9;
    const x = Float32Array.from({ length: rows * 7 }, () => rng.uniform(-1, 1));
    const c = Float32Array.from({ length: rows * 5 }, () => rng.normal());
    const before = tf.memory().numTensors;
    const tape = new Tape();
    const out = stack.forward(x, rows, { tape });
    const grad = new Float32Array(stack.size);
    const dInput = new Float32Array(rows * 7);
    // loss = Σ c ⊙ out, so ∂loss/∂out = c.
    stack.backward(tape, c, grad, dInput);
    stack.dispose();
    expect(tf.memory().numTensors).toBe(before);

    const xs = tf.variable(tf.tensor2d(x, [rows, 7]));
    const reference = tf.tidy(() => {
      const f = (): tf.Scalar => {
        let h: tf.Tensor = xs;
        layers.forEach((l) => (h = act(h.matMul(l.kernel).add(l.bias), l.activation)));
        return h.mul(tf.tensor2d(c, [rows, 5])).sum() as tf.Scalar;
      };
      const value = layers.reduce<tf.Tensor>((h, l) => act(h.matMul(l.kernel).add(l.bias), l.activation), xs);
      const { grads } = tf.variableGrads(f, [...layers.flatMap((l) => [l.kernel, l.bias]), xs]);
      return { out: value.dataSync(), grads: [...layers.flatMap((l) => [l.kernel, l.bias]), xs].map((v) => (grads[v.name] as tf.Tensor).dataSync()) };
    });
    expectClose(out, reference.out, 1e-5);
    const flat = Float32Array.from(reference.grads.slice(0, -1).flatMap((g) => Array.from(g)));
    expectClose(grad, flat, 1e-4);
    expectClose(dInput, reference.grads[reference.grads.length - 1] as Float32Array, 1e-4);
    for (const l of layers) tf.dispose([l.kernel, l.bias]);
    xs.dispose();
  });

  test('logits: the output layer without its activation; weights that change are seen at once', () => {
    const rng = new Rng(4);
    const layers = randomLayers([3, 4, 2], ['relu', 'tanh'], rng);
    const stack = new DenseStack(layers);
    const x = Float32Array.from([0.5, -0.2, 0.9]);
    const y = stack.forward(x, 1);
    const z = stack.forward(x, 1, { logits: true });
    for (let i = 0; i < 2; i++) expect(y[i]).toBeCloseTo(Math.tanh(z[i] as number), 6);
    const params = new ParamSet(stack.variables);
    params.theta.fill(0);
    params.push();
    expect(Array.from(stack.forward(x, 1))).toEqual([0, 0]);
    stack.dispose();
    for (const l of layers) tf.dispose([l.kernel, l.bias]);
  });
});

describe('FlatAdam', () => {
  test('the WebAssembly SIMD step equals the JavaScript one (clipping and weight decay included), padding untouched', () => {
    const size = 1003; // not a multiple of 4
    const simd = new FlatAdam(size);
    const js = new FlatAdam(size, { simd: false });
    expect(js.simd).toBe(false);
    expect(simd.simd).toBe(true); // Node.js 20 has WebAssembly SIMD
    const rng = new Rng(5);
    for (let i = 0; i < size; i++) simd.theta[i] = js.theta[i] = rng.uniform(-0.5, 0.5);
    for (let step = 0; step < 5; step++) {
      // Step 2 has a global norm far above 10, so it is clipped.
      const big = step === 2 ? 100 : 0.01;
      for (let i = 0; i < size; i++) simd.grad[i] = js.grad[i] = rng.normal(0, big);
      simd.update(0.0025, 10, step === 3 ? 0.01 : 0);
      js.update(0.0025, 10, step === 3 ? 0.01 : 0);
    }
    for (let i = 0; i < size; i++) {
      expect(simd.theta[i]).toBeCloseTo(js.theta[i] as number, 6);
      expect(simd.m[i]).toBeCloseTo(js.m[i] as number, 6);
    }
    const padded = new Float32Array(simd.theta.buffer, simd.theta.byteOffset + 4 * size, 1);
    expect(padded[0]).toBe(0);
  });

  test('torch.optim.AdamW arithmetic: clip_grad_norm_, decoupled decay, bias-corrected moments', () => {
    const adam = new FlatAdam(2, { simd: false, epsilon: 1e-5 });
    adam.theta.set([1, -2]);
    adam.grad.set([3, 4]); // norm 5, clipped to 1: g = (0.6, 0.8)
    adam.update(0.1, 1, 0.5);
    // t = 1: m̂ = g, v̂ = g², so the Adam step is lr·g/(|g| + ε) ≈ lr·sign(g), after θ ← θ·(1 − 0.1·0.5).
    expect(adam.theta[0]).toBeCloseTo(1 * 0.95 - (0.1 * 0.6) / (0.6 + 1e-5), 6);
    expect(adam.theta[1]).toBeCloseTo(-2 * 0.95 - (0.1 * 0.8) / (0.8 + 1e-5), 6);
    expect(adam.m[0]).toBeCloseTo(0.1 * 0.6, 7);
    expect(adam.v[1]).toBeCloseTo(0.001 * 0.64, 7);
  });

  test('exportState → importState continues identically; sizes are checked', () => {
    const rng = new Rng(6);
    const a = new FlatAdam(10);
    a.theta.set(Float32Array.from({ length: 10 }, () => rng.normal()));
    for (let s = 0; s < 3; s++) {
      a.grad.set(Float32Array.from({ length: 10 }, () => rng.normal()));
      a.update(0.01);
    }
    const b = new FlatAdam(10);
    b.importState(a.exportState());
    b.theta.set(a.theta);
    expect(b.step).toBe(3);
    const g = Float32Array.from({ length: 10 }, () => rng.normal());
    a.grad.set(g);
    b.grad.set(g);
    a.update(0.01);
    b.update(0.01);
    expect(Array.from(b.theta)).toEqual(Array.from(a.theta));
    expect(() => new FlatAdam(3).importState(a.exportState(), 'critic_optimizer')).toThrow('critic_optimizer: optimizer m has 10 numbers, the agent has 3 parameters');
  });
});

describe('ParamSet and Polyak averaging', () => {
  test('pull copies only changed variables, push writes them; polyak blends flat vectors and variables alike', () => {
    const a = tf.variable(tf.tensor1d([1, 2, 3]));
    const b = tf.variable(tf.tensor2d([[4, 5]]));
    const set = new ParamSet([a, b]);
    expect(Array.from(set.theta)).toEqual([1, 2, 3, 4, 5]);
    expect(set.pull()).toBe(false);
    b.assign(tf.tensor2d([[6, 7]]));
    expect(set.pull()).toBe(true);
    expect(Array.from(set.theta)).toEqual([1, 2, 3, 6, 7]);
    set.theta[0] = 9;
    set.push();
    expect(Array.from(a.dataSync())).toEqual([9, 2, 3]);
    const target = Float32Array.from([0, 0, 0, 0, 0]);
    polyak(target, set.theta, 0.5);
    expect(Array.from(target)).toEqual([4.5, 1, 1.5, 3, 3.5]);
    expect(() => polyak(target, set.theta, 0)).toThrow('polyak: tau must be in (0, 1], got 0');
    const t = tf.variable(tf.zeros([3]));
    polyakVariables([t], [a], 0.5);
    expect(Array.from(t.dataSync())).toEqual([4.5, 1, 1.5]);
    tf.dispose([a, b, t]);
  });
});
