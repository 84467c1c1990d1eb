import { AdamW } from '../../agents/ppo-adamw.js';
import { initTf, tf } from '../../src/nn/tf.js';

beforeAll(async () => {
  await initTf({ quiet: true });
});

/** Reference AdamW step (PyTorch's torch.optim.AdamW, float64). */
function reference(w: number[], grads: number[][], lr: number, wd: number, b1 = 0.9, b2 = 0.999, eps = 1e-8): number[] {
  const m = w.map(() => 0), v = w.map(() => 0);
  let x = [...w];
  grads.forEach((g, t) => {
    x = x.map((xi, i) => {
      const decayed = xi * (1 - lr * wd);
      m[i] = b1 * (m[i] as number) + (1 - b1) * (g[i] as number);
      v[i] = b2 * (v[i] as number) + (1 - b2) * (g[i] as number) ** 2;
      const mh = (m[i] as number) / (1 - b1 ** (t + 1)), vh = (v[i] as number) / (1 - b2 ** (t + 1));
      return decayed - (lr * mh) / (Math.sqrt(vh) + eps);
    });
  });
  return x;
}

describe('AdamW', () => {
  test('matches the decoupled-weight-decay update step by step', () => {
    const w0 = [1.5, -2, 0.25, 3];
    const grads = [[0.1, -0.3, 0.0, 2], [0.2, 0.1, -0.5, -1], [-0.4, 0.2, 0.3, 0.5]];
    const v = tf.variable(tf.tensor1d(w0));
    const opt = new AdamW({ learningRate: 0.1, weightDecay: 0.5 });
    for (const g of grads) {
      const gt = tf.tensor1d(g);
      opt.applyGradients({ [v.name]: gt });
      gt.dispose();
    }
    const got = Array.from(v.dataSync());
    const want = reference(w0, grads, 0.1, 0.5);
    got.forEach((x, i) => expect(x).toBeCloseTo(want[i] as number, 5));
    // The decay is decoupled: with zero gradients, weights still shrink by (1 − lr·wd) per step.
    const zero = tf.zeros([4]);
    const before = Array.from(v.dataSync());
    const fresh = new AdamW({ learningRate: 0.1, weightDecay: 0.5 });
    fresh.applyGradients({ [v.name]: zero });
    Array.from(v.dataSync()).forEach((x, i) => expect(x).toBeCloseTo((before[i] as number) * 0.95, 6));
    zero.dispose();
    v.dispose();
    opt.dispose();
    fresh.dispose();
  });

  test('weightDecay 0 is Adam; the learning rate can be changed between steps', () => {
    const a = tf.variable(tf.tensor1d([1, 2])), b = tf.variable(tf.tensor1d([1, 2]));
    const mine = new AdamW({ learningRate: 0.01 }), adam = tf.train.adam(0.01, 0.9, 0.999, 1e-8);
    const g = tf.tensor1d([0.5, -1]);
    mine.applyGradients({ [a.name]: g });
    adam.applyGradients({ [b.name]: g } as unknown as Parameters<typeof adam.applyGradients>[0]);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    mine.learningRate = 0;
    const held = Array.from(a.dataSync());
    mine.applyGradients({ [a.name]: g });
    expect(Array.from(a.dataSync())).toEqual(held);
    expect(mine.iterations).toBe(2);
    for (const t of [a, b, g]) t.dispose();
    mine.dispose();
    adam.dispose();
  });

  test('options are validated with the value quoted', () => {
    expect(() => new AdamW({ learningRate: 0 })).toThrow(/learningRate must be a positive number, got 0/);
    expect(() => new AdamW({ learningRate: 1e-3, weightDecay: -0.1 })).toThrow(/weightDecay must be a non-negative number, got -0.1/);
    expect(() => new AdamW({ learningRate: 1e-3, beta1: 1 })).toThrow(/beta1 must be in \[0, 1\), got 1/);
  });
});
