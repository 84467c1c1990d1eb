import { existsSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../src/core/rng.js';
import { CheckpointError, loadCheckpoint, modelGroup, optimizerGroup, restoreModel, restoreOptimizer, saveCheckpoint } from '../../src/nn/checkpoint.js';
import { clipByGlobalNorm, mlp, mlpForward, mlpPredict, mlpPredictRelease, updateTarget } from '../../src/nn/mlp.js';
import { GaussianNoise, OrnsteinUhlenbeckNoise } from '../../src/nn/noise.js';
import { ReplayBuffer } from '../../src/nn/replay.js';
import { RolloutBuffer } from '../../src/nn/rollout.js';
import { linearSchedule, exponentialSchedule } from '../../src/nn/schedule.js';
import { initTf, tf } from '../../src/nn/tf.js';

beforeAll(async () => {
  expect(await initTf({ quiet: true })).toBe(tf.getBackend());
});

describe('backend', () => {
  test('a backend is chosen and checked (wasm when tfjs-node is absent)', () => {
    expect(['tensorflow', 'wasm']).toContain(tf.getBackend());
  });
});

describe('ReplayBuffer', () => {
  test('stores typed rows and samples them back exactly; wraps around at capacity', () => {
    const buf = new ReplayBuffer({ capacity: 3, obsDim: 2, actionDim: 1 });
    for (let i = 0; i < 5; i++) buf.add({ obs: [i, -i], action: i % 2, reward: i * 10, nextObs: [i + 1, -i - 1], terminated: i === 4 });
    expect(buf.size).toBe(3);
    const b = buf.sample(64, new Rng(1));
    for (let k = 0; k < b.size; k++) {
      const i = b.obs[2 * k] as number;
      expect(i).toBeGreaterThanOrEqual(2); // 0 and 1 were overwritten
      expect(b.obs[2 * k + 1]).toBe(-i);
      expect(b.reward[k]).toBe(i * 10);
      expect(b.nextObs[2 * k]).toBe(i + 1);
      expect(b.action[k]).toBe(i % 2);
      expect(b.done[k]).toBe(i === 4 ? 1 : 0);
    }
    expect(new Set(Array.from(b.indices)).size).toBe(3);
  });

  test('the same seed samples the same batch', () => {
    const buf = new ReplayBuffer({ capacity: 100, obsDim: 1, actionDim: 1 });
    for (let i = 0; i < 100; i++) buf.add({ obs: [i], action: 0, reward: 0, nextObs: [i], terminated: false });
    expect(Array.from(buf.sample(10, new Rng(3)).obs)).toEqual(Array.from(buf.sample(10, new Rng(3)).obs));
  });

  test('prioritised sampling follows the priorities and weights correct the bias', () => {
    const buf = new ReplayBuffer({ capacity: 4, obsDim: 1, actionDim: 1, alpha: 1 });
    for (let i = 0; i < 4; i++) buf.add({ obs: [i], action: 0, reward: 0, nextObs: [i], terminated: false });
    buf.updatePriorities([0, 1, 2, 3], [1, 1, 1, 7], 0);
    const b = buf.sample(20_000, new Rng(2), 1);
    const share = Array.from(b.obs).filter((x) => x === 3).length / b.size;
    expect(share).toBeCloseTo(0.7, 1);
    const wOf = (i: number) => b.weights[Array.from(b.obs).indexOf(i)] as number;
    expect(wOf(0) / wOf(3)).toBeCloseTo(7, 3); // w ∝ 1/p with β = 1
  });

  test('shape errors name the sizes', () => {
    const buf = new ReplayBuffer({ capacity: 2, obsDim: 2, actionDim: 1 });
    expect(() => buf.add({ obs: [1], action: 0, reward: 0, nextObs: [1, 2], terminated: false })).toThrow('observations must have 2 numbers, got 1 and 2');
    expect(() => new ReplayBuffer({ capacity: 0, obsDim: 1, actionDim: 1 })).toThrow('capacity must be a positive integer, got 0');
    expect(() => buf.sample(1, new Rng(1))).toThrow('the buffer is empty');
  });
});

describe('RolloutBuffer GAE', () => {
  test('matches a hand computation with termination and truncation', () => {
    const r = new RolloutBuffer();
    const add = (reward: number, value: number, terminated = false, truncated = false, nextValue?: number) =>
      r.add({ obs: [0], action: 0, logProb: 0, value, reward, terminated, truncated, ...(nextValue !== undefined ? { nextValue } : {}) });
    add(1, 0.5);
    add(2, 0.4, true); // terminal: no bootstrap
    add(3, 1.0, false, true, 2.0); // truncated: bootstrap from nextValue
    add(4, 0.2);
    const g = 0.9, l = 0.8;
    const { advantages, returns } = r.computeGae(1.5, g, l);
    const d3 = 4 + g * 1.5 - 0.2;
    const d2 = 3 + g * 2.0 - 1.0;
    const d1 = 2 + 0 - 0.4;
    const d0 = 1 + g * 0.4 - 0.5;
    expect(advantages[3]).toBeCloseTo(d3, 5);
    expect(advantages[2]).toBeCloseTo(d2, 5);
    expect(advantages[1]).toBeCloseTo(d1, 5);
    expect(advantages[0]).toBeCloseTo(d0 + g * l * d1, 5);
    expect(returns[0]).toBeCloseTo(d0 + g * l * d1 + 0.5, 5);
  });
});

describe('noise and schedules', () => {
  test('Gaussian noise has the right scale; OU noise is mean-reverting and resettable', () => {
    const rng = new Rng(4);
    const g = new GaussianNoise(1, 0.3);
    const xs = Array.from({ length: 20_000 }, () => g.sample(rng)[0] as number);
    expect(Math.sqrt(xs.reduce((a, x) => a + x * x, 0) / xs.length)).toBeCloseTo(0.3, 2);
    const ou = new OrnsteinUhlenbeckNoise(1, 0.2, 0.15, 0.01);
    for (let i = 0; i < 100; i++) ou.sample(rng);
    ou.reset();
    const first = ou.sample(new Rng(9))[0] as number;
    expect(Math.abs(first)).toBeLessThan(0.2 * Math.sqrt(0.01) * 5);
  });
  test('schedules', () => {
    const s = linearSchedule(1, 0.05, 100);
    expect([s(0), s(50), s(100), s(1000)]).toEqual([1, 0.525, 0.05, 0.05]);
    expect(exponentialSchedule(1, 0.5, 0.2)(3)).toBe(0.2);
  });
});

describe('networks', () => {
  test('weights are a function of the seed alone', () => {
    const a = mlp({ input: 3, hidden: [8], output: 2 }, new Rng(5));
    const b = mlp({ input: 3, hidden: [8], output: 2 }, new Rng(5));
    const c = mlp({ input: 3, hidden: [8], output: 2 }, new Rng(6));
    const flat = (m: tf.LayersModel) => m.getWeights().flatMap((w) => Array.from(w.dataSync()));
    expect(flat(a)).toEqual(flat(b));
    expect(flat(a)).not.toEqual(flat(c));
    expect(() => mlp({ input: 0, hidden: [8], output: 2 }, new Rng(1))).toThrow('mlp: input must be a positive integer, got 0');
  });

  test('soft and hard target updates follow θ\' ← τθ + (1 − τ)θ\'', () => {
    const online = mlp({ input: 2, hidden: [4], output: 1 }, new Rng(1));
    const target = mlp({ input: 2, hidden: [4], output: 1 }, new Rng(2));
    const before = target.getWeights().map((w) => Array.from(w.dataSync()));
    const src = online.getWeights().map((w) => Array.from(w.dataSync()));
    updateTarget(target, online, 0.1);
    target.getWeights().forEach((w, i) => {
      Array.from(w.dataSync()).forEach((v, j) => expect(v).toBeCloseTo(0.1 * (src[i]![j] as number) + 0.9 * (before[i]![j] as number), 6));
    });
    updateTarget(target, online);
    expect(target.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(src);
  });

  test('mlpForward and mlpPredict give model.apply\'s values, and mlpForward its gradients', () => {
    for (const activation of ['relu', 'tanh', 'elu'] as const) {
      const model = mlp({ input: 5, hidden: [16, 8], output: 3, activation }, new Rng(3));
      const rng = new Rng(4);
      const rows = Float32Array.from({ length: 4 * 5 }, () => rng.uniform(-2, 2));
      const x = tf.tensor2d(rows, [4, 5]);
      const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
      const ref = tf.variableGrads(() => (model.apply(x) as tf.Tensor2D).square().sum() as tf.Scalar, vars);
      const fast = tf.variableGrads(() => mlpForward(model, x).square().sum() as tf.Scalar, vars);
      expect(fast.value.dataSync()[0]).toBeCloseTo(ref.value.dataSync()[0] as number, 4);
      for (const v of vars) {
        const a = Array.from((ref.grads[v.name] as tf.Tensor).dataSync()), b = Array.from((fast.grads[v.name] as tf.Tensor).dataSync());
        b.forEach((g, i) => expect(g).toBeCloseTo(a[i] as number, 4));
      }
      const applied = Array.from((model.apply(x) as tf.Tensor).dataSync());
      Array.from(mlpPredict(model, rows, 4)).forEach((q, i) => expect(q).toBeCloseTo(applied[i] as number, 5));
      tf.dispose([x, ref.value, fast.value, ...Object.values(ref.grads), ...Object.values(fast.grads)]);
      model.dispose();
    }
    const before = tf.memory().numTensors;
    const model = mlp({ input: 2, hidden: [4], output: 1, activation: 'tanh' }, new Rng(1));
    const made = tf.memory().numTensors;
    const first = Array.from(mlpPredict(model, new Float32Array([1, 2]), 1));
    expect(tf.memory().numTensors).toBe(made + 2); // one cached [1, in, out] view per layer, nothing else
    mlpPredict(model, new Float32Array([1, 2]), 1);
    expect(tf.memory().numTensors).toBe(made + 2);
    // new weights are seen at once (an optimizer step or setWeights gives the variables new data)
    const doubled = model.getWeights().map((w) => w.mul(2));
    model.setWeights(doubled);
    tf.dispose(doubled);
    const out = tf.tidy(() => model.apply(tf.tensor2d([[1, 2]])) as tf.Tensor);
    const applied = Array.from(out.dataSync());
    out.dispose();
    const second = Array.from(mlpPredict(model, new Float32Array([1, 2]), 1));
    expect(second[0]).toBeCloseTo(applied[0] as number, 5);
    expect(second[0]).not.toBeCloseTo(first[0] as number, 3);
    mlpPredictRelease(model);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  test('global-norm clipping scales gradients to the norm', () => {
    const grads = { a: tf.tensor([3, 0]), b: tf.tensor([0, 4]) };
    const clipped = clipByGlobalNorm(grads, 1);
    expect(Array.from(clipped.a!.dataSync())).toEqual([expect.closeTo(0.6, 6), 0]);
    expect(Array.from(clipped.b!.dataSync())).toEqual([0, expect.closeTo(0.8, 6)]);
  });
});

describe('checkpoints', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'faasgym-ckpt-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('weights, optimizer state and hyperparameters round-trip', async () => {
    const model = mlp({ input: 3, hidden: [5], output: 2, name: 'q' }, new Rng(1));
    const opt = tf.train.adam(0.01);
    opt.minimize(() => tf.sum(model.predict(tf.ones([1, 3])) as tf.Tensor) as tf.Scalar);
    await saveCheckpoint(dir, { agent: 'test', env: 'CartPole-v1', hyperparameters: { lr: 0.01 }, extra: { steps: 7 }, groups: { q: modelGroup(model), q_opt: await optimizerGroup(opt) } });
    const loaded = loadCheckpoint(dir);
    expect(loaded.manifest).toMatchObject({ agent: 'test', env: 'CartPole-v1', hyperparameters: { lr: 0.01 }, extra: { steps: 7 } });
    const copy = mlp({ input: 3, hidden: [5], output: 2, name: 'q' }, new Rng(99));
    restoreModel(copy, loaded.groups.q, 'q');
    const x = tf.tensor([[0.1, -0.2, 0.3]]);
    expect(Array.from((copy.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((model.predict(x) as tf.Tensor).dataSync()));
    const opt2 = tf.train.adam(0.01);
    await restoreOptimizer(opt2, loaded.groups.q_opt);
    const w1 = await opt.getWeights(), w2 = await opt2.getWeights();
    expect(w2.map((w) => w.name)).toEqual(w1.map((w) => w.name));
    expect(Array.from(w2[1]!.tensor.dataSync())).toEqual(Array.from(w1[1]!.tensor.dataSync()));
  });

  test('a crash mid-save leaves the last good checkpoint intact and referenced', async () => {
    const model = mlp({ input: 2, hidden: [3], output: 1, name: 'm' }, new Rng(1));
    await saveCheckpoint(dir, { agent: 'a', hyperparameters: { v: 1 }, groups: { m: modelGroup(model) } });
    // simulate a save killed after writing part of the next checkpoint
    mkdirSync(join(dir, '.ckpt-000002.partial'));
    writeFileSync(join(dir, '.ckpt-000002.partial', 'm.bin'), 'garbage');
    mkdirSync(join(dir, 'ckpt-000002'));
    writeFileSync(join(dir, 'ckpt-000002', 'manifest.json'), '{ truncated');
    expect(loadCheckpoint(dir).manifest.hyperparameters).toEqual({ v: 1 });
    expect(JSON.parse(readFileSync(join(dir, 'latest.json'), 'utf8'))).toEqual({ checkpoint: 'ckpt-000001' });
  });

  test('saves keep the newest two and point at the newest', async () => {
    const model = mlp({ input: 2, hidden: [3], output: 1, name: 'm' }, new Rng(1));
    for (let v = 1; v <= 4; v++) await saveCheckpoint(dir, { agent: 'a', hyperparameters: { v }, groups: { m: modelGroup(model) } });
    expect(readdirSync(dir).filter((n) => n.startsWith('ckpt-')).sort()).toEqual(['ckpt-000003', 'ckpt-000004']);
    expect(loadCheckpoint(dir).manifest.hyperparameters).toEqual({ v: 4 });
    expect(existsSync(join(dir, '.latest.json.partial'))).toBe(false);
  });

  test('unreadable checkpoints raise CheckpointError with the path', async () => {
    expect(() => loadCheckpoint(dir)).toThrow(CheckpointError);
    expect(() => loadCheckpoint(dir)).toThrow(`no checkpoint in "${dir}"`);
    writeFileSync(join(dir, 'latest.json'), '{"checkpoint":"../etc"}');
    expect(() => loadCheckpoint(dir)).toThrow('"checkpoint" must name a ckpt-NNNNNN directory');
    const model = mlp({ input: 2, hidden: [3], output: 1, name: 'm' }, new Rng(1));
    rmSync(join(dir, 'latest.json'));
    await saveCheckpoint(dir, { agent: 'a', hyperparameters: {}, groups: { m: modelGroup(model) } });
    const other = mlp({ input: 2, hidden: [4], output: 1, name: 'm' }, new Rng(1));
    expect(() => restoreModel(other, loadCheckpoint(dir).groups.m, 'm')).toThrow(/m: tensor 0 is "m_h0\/kernel" \[2,3\] in the checkpoint but "m_h0\/kernel" \[2,4\] in the model/);
  });
});

test('saving and restoring optimizer state leaks no tensors', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'faasgym-ckpt-'));
  try {
    const model = mlp({ input: 2, hidden: [3], output: 1, name: 'm' }, new Rng(1));
    const opt = tf.train.adam(0.01);
    const loss = () => tf.sum(model.predict(tf.ones([1, 2])) as tf.Tensor) as tf.Scalar;
    tf.tidy(() => {
      opt.minimize(loss);
    });
    await saveCheckpoint(dir, { agent: 'a', hyperparameters: {}, groups: { m: modelGroup(model), opt: await optimizerGroup(opt) } });
    const fresh = tf.train.adam(0.01); // its constructor holds two scalars (β1^t, β2^t) of its own
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await saveCheckpoint(dir, { agent: 'a', hyperparameters: {}, groups: { m: modelGroup(model), opt: await optimizerGroup(opt) } });
    expect(tf.memory().numTensors).toBe(before);
    await restoreOptimizer(fresh, loadCheckpoint(dir).groups.opt);
    // a fresh Adam gains exactly its two moments per variable
    expect(tf.memory().numTensors).toBe(before + 2 * model.trainableWeights.length);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
