/**
 * `faasgym bench agents`: the report's shape and arithmetic, LeanDqn's
 * gradient against TensorFlow.js's automatic differentiation, and the paths
 * without PyTorch. Nothing here is timed: step counts are tiny.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../src/core/rng.js';
import {
  computeRatios,
  defaultTorchPython,
  DQN_BENCH_CONFIG,
  FlatAdam,
  LeanDqn,
  median,
  quantile,
  randomReplay,
  runAgentBench,
  type AgentBenchReport,
} from '../../src/experiment/bench-agents.js';
import { initTf, tf } from '../../src/nn/tf.js';

beforeAll(async () => {
  await initTf({ quiet: true });
});

const python = defaultTorchPython();
const pythonRuns = spawnSync(python, ['--version']).status === 0;
const torchImports = pythonRuns && spawnSync(python, ['-c', 'import torch']).status === 0;

describe('statistics and ratios', () => {
  test('nearest-rank quantiles and medians', () => {
    const v = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(quantile(v, 0.5)).toBe(5);
    expect(quantile(v, 0.99)).toBe(10);
    expect(quantile(v, 0)).toBe(1);
    expect(quantile([], 0.5)).toBeNaN();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([NaN, 1])).toBe(1);
  });

  test('throughput is ours ÷ torch, latency torch ÷ ours; null without torch', () => {
    const ours = { trainStepsPerSecond: 300, actionLatencyUs: { median: 20, p99: 80 }, actionAfterUpdateUs: 120 };
    const torch = { trainStepsPerSecond: 150, actionLatencyUs: { median: 40, p99: 40 }, actionAfterUpdateUs: 60 };
    expect(computeRatios(ours, torch)).toEqual({ train: 2, actionMedian: 2, actionP99: 0.5, actionAfterUpdate: 0.5 });
    expect(computeRatios(ours, null)).toEqual({ train: null, actionMedian: null, actionP99: null, actionAfterUpdate: null });
    expect(computeRatios(ours, { trainStepsPerSecond: 0, actionLatencyUs: { median: 3, p99: 3 } }).train).toBeNull();
  });
});

describe('FlatAdam', () => {
  test('the WebAssembly SIMD step equals the JavaScript one (clipping included), padding untouched', () => {
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
      simd.step(0.0025, 10);
      js.step(0.0025, 10);
    }
    for (let i = 0; i < size; i++) {
      expect(simd.theta[i]).toBeCloseTo(js.theta[i] as number, 6);
      expect(simd.m[i]).toBeCloseTo(js.m[i] as number, 6);
    }
    const padded = new Float32Array(simd.theta.buffer, simd.theta.byteOffset + 4 * size, 1);
    expect(padded[0]).toBe(0);
  });
});

describe('LeanDqn', () => {
  test('its hand-written gradient is the one TensorFlow.js differentiates, and Adam moves every weight by ≈ lr on the first step', () => {
    const c = DQN_BENCH_CONFIG;
    const rng = new Rng(3);
    const replay = randomReplay(rng.fork(), 500);
    const lean = new LeanDqn(replay, rng.fork());
    const before = tf.memory().numTensors;
    try {
      const batch = replay.sample(c.batchSize, rng.fork());
      const loss = lean.gradients(batch);
      expect(tf.memory().numTensors).toBe(before);

      // The same loss with tf ops and autodiff, from the same parameters (online = target at the start).
      const layers = [c.obsDim, ...c.hidden, c.actions];
      const params: tf.Variable[] = [];
      let off = 0;
      for (let l = 0; l + 1 < layers.length; l++) {
        const [rows, cols] = [layers[l] as number, layers[l + 1] as number];
        const w = tf.tensor2d(lean.theta.slice(off, off + rows * cols), [rows, cols]);
        off += rows * cols;
        const b = tf.tensor1d(lean.theta.slice(off, off + cols));
        off += cols;
        params.push(tf.variable(w), tf.variable(b));
        tf.dispose([w, b]);
      }
      const net = (x: tf.Tensor2D): tf.Tensor2D => {
        let h = x;
        for (let l = 0; l < params.length / 2; l++) {
          h = tf.add(tf.matMul(h, params[2 * l] as tf.Tensor2D), params[2 * l + 1] as tf.Tensor1D);
          if (l < params.length / 2 - 1) h = tf.relu(h);
        }
        return h;
      };
      const { value, grads } = tf.tidy(() => {
        const x = tf.tensor2d(batch.obs, [c.batchSize, c.obsDim]);
        const nx = tf.tensor2d(batch.nextObs, [c.batchSize, c.obsDim]);
        const y = tf.add(tf.tensor1d(batch.reward), tf.mul(tf.mul(tf.sub(1, tf.tensor1d(batch.done)), c.gamma), tf.max(net(nx), 1)));
        const mask = tf.oneHot(tf.tensor1d(batch.action, 'int32'), c.actions);
        return tf.variableGrads(() => tf.losses.huberLoss(y, tf.sum(tf.mul(net(x), mask), 1)) as tf.Scalar, params);
      });
      expect(loss).toBeCloseTo(value.dataSync()[0] as number, 5);
      off = 0;
      let maxError = 0, maxGrad = 0;
      for (const p of params) {
        const g = (grads[p.name] as tf.Tensor).dataSync();
        for (let i = 0; i < g.length; i++) {
          maxError = Math.max(maxError, Math.abs((g[i] as number) - (lean.grad[off + i] as number)));
          maxGrad = Math.max(maxGrad, Math.abs(g[i] as number));
        }
        off += g.length;
      }
      expect(off).toBe(lean.grad.length);
      expect(maxGrad).toBeGreaterThan(1e-3);
      expect(maxError).toBeLessThan(1e-5 * Math.max(1, maxGrad));
      tf.dispose([value, ...Object.values(grads), ...params]);

      // First Adam step: m̂ = g, v̂ = g², so each weight with a clear gradient moves by lr against its sign.
      const theta0 = lean.theta.slice();
      const grad0 = lean.grad.slice();
      lean.applyGradients();
      let checked = 0;
      for (let i = 0; i < theta0.length; i++) {
        if (Math.abs(grad0[i] as number) < 1e-4) continue;
        expect((lean.theta[i] as number) - (theta0[i] as number)).toBeCloseTo(-Math.sign(grad0[i] as number) * c.learningRate, 6);
        checked++;
      }
      expect(checked).toBeGreaterThan(100);
      expect(tf.memory().numTensors).toBe(before);
      expect(Number.isInteger(lean.act(Array.from(batch.obs.subarray(0, c.obsDim))))).toBe(true);
    } finally {
      lean.dispose();
    }
  });
});

function expectLatency(l: { median: number; p99: number }): void {
  expect(l.median).toBeGreaterThan(0);
  expect(l.p99).toBeGreaterThanOrEqual(l.median);
}

function expectOurSide(r: AgentBenchReport): void {
  expect(r.benchmark).toBe('agents');
  expect(['wasm', 'tensorflow', 'cpu']).toContain(r.backend);
  expect(r.threads).toBeGreaterThanOrEqual(1);
  expect(r.dqnTrainStepsPerSecond).toBeGreaterThan(0);
  expectLatency(r.actionLatencyUs);
  expect(r.actionAfterUpdateUs).toBeGreaterThan(0);
  expect(r.network.layers).toEqual([35, 256, 128, 64, 15]);
  expect(r.network.batchSize).toBe(32);
  expect(r.rounds).toHaveLength(2);
  expect(r.notes.length).toBeGreaterThan(0);
  if (r.agent.available) {
    expect(r.agent.trainStepsPerSecond).toBeGreaterThan(0);
    expectLatency(r.agent.actionLatencyUs);
  } else expect(r.agent.reason).toMatch(/\S/);
}

describe('runAgentBench (tiny step counts)', () => {
  test('without PyTorch: torch reports why, ratios are null', async () => {
    // A python whose `import torch` fails: a torch.py that raises ImportError, first on PYTHONPATH.
    const dir = mkdtempSync(join(tmpdir(), 'faasgym-notorch-'));
    try {
      writeFileSync(join(dir, 'torch.py'), 'raise ImportError("torch hidden by the test")\n');
      const r = await runAgentBench({ steps: 2, actions: 3, rounds: 2, agent: false, pythonEnv: { PYTHONPATH: dir } });
      expectOurSide(r);
      expect(r.agent).toEqual({ available: false, reason: 'skipped (--no-agent)' });
      expect(r.torch.available).toBe(false);
      if (!r.torch.available) expect(r.torch.reason).toMatch(pythonRuns ? /torch hidden by the test/ : /cannot run/);
      expect(r.ratios).toEqual({ train: null, actionMedian: null, actionP99: null, actionAfterUpdate: null });
      expect(r.rounds.every((x) => x.torch === null)).toBe(true);
      expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an interpreter that cannot be started is a reason, not an error; agents/dqn.ts is timed too', async () => {
    const r = await runAgentBench({ steps: 2, actions: 3, rounds: 2, python: join(tmpdir(), 'no-such-python-for-faasgym') });
    expectOurSide(r);
    expect(r.torch).toEqual({ available: false, reason: expect.stringMatching(/cannot run .*no-such-python-for-faasgym/) });
  });

  test('with this machine\'s python: PyTorch measured when it imports, otherwise the reason', async () => {
    const r = await runAgentBench({ steps: 3, actions: 5, rounds: 2, agent: false, python });
    expectOurSide(r);
    expect(r.torch.available).toBe(torchImports);
    if (!r.torch.available) {
      expect(r.torch.reason).toMatch(/\S/);
      expect(r.ratios.train).toBeNull();
      return;
    }
    expect(r.torch.threads).toBe(r.threads);
    expect(r.torch.trainStepsPerSecond).toBeGreaterThan(0);
    expectLatency(r.torch.actionLatencyUs);
    expect(r.torch.version).toMatch(/\d/);
    expect(r.torch.blas.kind).toMatch(/\S/);
    expect(r.torch.defaultThreads.threads).toBeGreaterThanOrEqual(1);
    expect(r.ratios.train).toBeCloseTo(r.dqnTrainStepsPerSecond / r.torch.trainStepsPerSecond, 2);
    expect(r.ratios.actionMedian).toBeCloseTo(r.torch.actionLatencyUs.median / r.actionLatencyUs.median, 2);
    expect(r.ratios.actionP99).toBeCloseTo(r.torch.actionLatencyUs.p99 / r.actionLatencyUs.p99, 2);
    expect(r.ratios.actionAfterUpdate).toBeCloseTo(r.torch.actionAfterUpdateUs / r.actionAfterUpdateUs, 2);
    expect(r.rounds.every((x) => x.torch !== null && x.torch.trainStepsPerSecond > 0)).toBe(true);
  });
});
