/**
 * The multi-agent learners' update kernels in src/nn/: Gemm's WebAssembly
 * SIMD products against plain loops and double-precision sums, FlatDense's
 * passes against TensorFlow.js's automatic differentiation, and the
 * attention fast path (P = W_q W_kᵀ regrouping) against AgentAttention's
 * tfjs ops and their autodiff. Nothing here is timed.
 */
import { Rng } from '../../src/core/rng.js';
import { AgentAttention, adjacencyTensor, attentionBackward, attentionForward } from '../../src/nn/attention.js';
import type { DenseActivation } from '../../src/nn/dense.js';
import { FlatDense } from '../../src/nn/flat-dense.js';
import { Gemm } from '../../src/nn/gemm.js';
import { initTf, tf } from '../../src/nn/tf.js';

beforeAll(async () => {
  await initTf({ quiet: true });
});

function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, tol: number): void {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)) / Math.max(1, Math.abs(b[i] as number)));
  expect(worst).toBeLessThan(tol);
}

describe('Gemm', () => {
  test.each([
    [7, 12, 5],
    [33, 64, 64],
    [26, 4, 70],
    [9, 28, 1],
  ])('A·B and Aᵀ·B (m %i, n %i, k %i): the SIMD kernels equal plain loops and double-precision sums; accumulate adds', (m, n, k) => {
    const rng = new Rng(m * 100 + n);
    const A = Float32Array.from({ length: m * k }, () => rng.uniform(-1, 1));
    const B = Float32Array.from({ length: k * n }, () => rng.uniform(-1, 1));
    const exact = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) exact[i * n + j] = (exact[i * n + j] as number) + (A[i * k + p] as number) * (B[p * n + j] as number);
    const results: Float32Array[] = [];
    for (const simd of [true, false]) {
      const g = new Gemm({ simd });
      expect(g.simd).toBe(simd); // Node.js 20 has WebAssembly SIMD
      const a = g.alloc(m * k), aT = g.alloc(k * m), b = g.alloc(k * n), c = g.alloc(m * n), c2 = g.alloc(m * n);
      g.f32.set(A, a);
      g.f32.set(B, b);
      for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) g.f32[aT + p * m + i] = A[i * k + p] as number;
      g.product(m, n, k, a, k, 1, b, n, c, n);
      expectClose(g.f32.subarray(c, c + m * n), exact, 1e-5);
      // Aᵀ stored [k, m]: element (i, p) at aT + i + p·m; accumulated twice onto 0.
      g.product(m, n, k, aT, 1, m, b, n, c2, n, true);
      g.product(m, n, k, aT, 1, m, b, n, c2, n, true);
      expectClose(g.f32.subarray(c2, c2 + m * n), Array.from(exact, (x) => 2 * x), 1e-5);
      results.push(g.f32.slice(c, c + m * n));
    }
    expectClose(results[0] as Float32Array, results[1] as Float32Array, 1e-6);
  });

  test('n must be a multiple of 4; alloc grows the arena and keeps what it holds; bias, ReLU and its mask', () => {
    const g = new Gemm({ floats: 16 });
    expect(() => g.product(1, 6, 1, 0, 1, 1, 0, 6, 0, 6)).toThrow('Gemm: n must be a multiple of 4, got 6');
    const x = g.alloc(8);
    g.f32.set([1, -2, 3, -4, -5, 6, -7, 8], x);
    const b = g.alloc(4);
    g.f32.set([0.5, 0.5, 0.5, 10], b);
    const big = g.alloc(100_000); // beyond the 16 floats it started with
    expect(g.f32.length).toBeGreaterThanOrEqual(100_000);
    expect(Array.from(g.f32.subarray(x, x + 8))).toEqual([1, -2, 3, -4, -5, 6, -7, 8]);
    expect(big % 4).toBe(0);
    g.addBias(x, 4, 2, b, 4, true);
    expect(Array.from(g.f32.subarray(x, x + 8))).toEqual([1.5, 0, 3.5, 6, 0, 6.5, 0, 18]);
    const d = g.alloc(8);
    g.f32.fill(3, d, d + 8);
    g.reluMask(d, x, 8);
    expect(Array.from(g.f32.subarray(d, d + 8))).toEqual([3, 0, 3, 3, 0, 3, 0, 3]);
    const mark = g.used;
    g.alloc(10);
    g.release(mark);
    expect(g.used).toBe(mark);
  });
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

describe('FlatDense', () => {
  test.each([
    ['relu', ['relu', 'relu', 'linear'], true],
    ['relu, plain loops', ['relu', 'relu', 'linear'], false],
    ['tanh with a tanh output', ['tanh', 'tanh', 'tanh'], true],
    ['elu and sigmoid', ['elu', 'sigmoid', 'linear'], true],
  ] as [string, DenseActivation[], boolean][])('forward, parameter and input gradients equal tfjs autodiff (%s)', (_name, acts, simd) => {
    const rng = new Rng(3);
    const widths = [7, 16, 12, 5]; // 7 and 5 are padded to 8 inside
    const layers = randomLayers(widths, acts, rng);
    const gemm = new Gemm({ simd });
    const flat = new FlatDense(gemm, layers);
    const rows = 9;
    const x = Float32Array.from({ length: rows * 7 }, () => rng.uniform(-1, 1));
    const c = Float32Array.from({ length: rows * 5 }, () => rng.normal());
    const before = tf.memory().numTensors;
    const { out, tape } = flat.forward(x, rows, { tape: true });
    const logits = flat.forward(x, rows, { logits: true }).out;
    const grad = new Float32Array(flat.size);
    const dInput = new Float32Array(rows * 7);
    // loss = Σ c ⊙ out, so ∂loss/∂out = c.
    flat.backward(tape as NonNullable<typeof tape>, c, grad, dInput);
    gemm.release(0);
    expect(gemm.used).toBe(0);
    expect(tf.memory().numTensors).toBe(before);

    const xs = tf.variable(tf.tensor2d(x, [rows, 7]));
    const vars = [...layers.flatMap((l) => [l.kernel, l.bias]), xs];
    const reference = tf.tidy(() => {
      const pre = layers.reduce<tf.Tensor>((h, l, i) => (i === layers.length - 1 ? h.matMul(l.kernel).add(l.bias) : act(h.matMul(l.kernel).add(l.bias), l.activation)), xs);
      const f = (): tf.Scalar => layers.reduce<tf.Tensor>((h, l) => act(h.matMul(l.kernel).add(l.bias), l.activation), xs).mul(tf.tensor2d(c, [rows, 5])).sum() as tf.Scalar;
      const { grads } = tf.variableGrads(f, vars);
      return { out: act(pre, (layers[layers.length - 1] as { activation: DenseActivation }).activation).dataSync(), logits: pre.dataSync(), grads: vars.map((v) => (grads[v.name] as tf.Tensor).dataSync()) };
    });
    expectClose(out, reference.out, 1e-5);
    expectClose(logits, reference.logits, 1e-5);
    expectClose(grad, Float32Array.from(reference.grads.slice(0, -1).flatMap((g) => Array.from(g))), 1e-4);
    expectClose(dInput, reference.grads[reference.grads.length - 1] as Float32Array, 1e-4);
    tf.dispose(vars);
  });
});

describe('attention fast path', () => {
  test.each([
    ['shared', true, false],
    ['per agent', false, false],
    ['shared, projections on a Gemm', true, true],
    ['per agent, projections on a Gemm', false, true],
  ])('weights and ∂W_q, ∂W_k equal AgentAttention and tfjs autodiff (%s; one agent without neighbours)', (_name, shared, onGemm) => {
    const rng = new Rng(shared ? 1 : 2);
    const N = 4, D = 5, K = 7, B = 3;
    const module = new AgentAttention({ stateDim: D, keyDim: K, agents: N, shared }, rng);
    const adjacency = [[0, 1, 1, 0], [1, 0, 0.5, 0], [0, 1, 0, 1], [0, 0, 0, 0]];
    const adjT = adjacencyTensor(adjacency, N);
    const states = Float32Array.from({ length: B * N * D }, (_, i) => (i % 4 === 0 ? 0 : rng.uniform(-2, 2)));
    const dw = Float32Array.from({ length: B * N * N }, () => rng.normal());
    const wq = module.wq.dataSync() as Float32Array, wk = module.wk.dataSync() as Float32Array;
    const gemm = onGemm ? new Gemm({ floats: 16 }) : undefined;
    const cache = attentionForward(states, B, module, wq, wk, Float32Array.from(adjacency.flat()), gemm);
    expect(gemm?.used ?? 0).toBe(0); // freed
    const dWq = new Float32Array(wq.length), dWk = new Float32Array(wk.length);
    attentionBackward(cache, module, dw, dWq, dWk);
    const reference = tf.tidy(() => {
      const s = tf.tensor3d(states, [B, N, D]);
      const weights = module.weights(s, adjT).dataSync();
      const { grads } = tf.variableGrads(() => module.weights(s, adjT).mul(tf.tensor3d(dw, [B, N, N])).sum() as tf.Scalar, [module.wq, module.wk]);
      return { weights, dWq: (grads[module.wq.name] as tf.Tensor).dataSync(), dWk: (grads[module.wk.name] as tf.Tensor).dataSync() };
    });
    expectClose(cache.w, reference.weights, 1e-6);
    for (let b = 0; b < B; b++) for (let l = 0; l < N; l++) expect(cache.w[(b * N + 3) * N + l]).toBe(0);
    expectClose(dWq, reference.dWq, 1e-5);
    expectClose(dWk, reference.dWk, 1e-5);
    expect(Math.max(...Array.from(dWq, Math.abs))).toBeGreaterThan(1e-3); // the comparison is not of zeros
    module.dispose();
    adjT.dispose();
  });
});
