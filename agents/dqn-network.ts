/**
 * DQN's Q-network (`dqn.ts`) on the reference path (tfjs layers): a plain MLP
 * whose output row holds, per head, one value per action (or, with
 * `dueling`, one state value followed by every head's advantages).
 */
import type { Rng } from '../src/core/rng.js';
import { mlp, mlpForward, type MlpOptions } from '../src/nn/mlp.js';
import { tf } from '../src/nn/tf.js';

/** The options the network reads (`DQNHyperparameters` has them). */
export interface QNetworkOptions {
  hidden: readonly number[];
  activation: MlpOptions['activation'];
  init: 'torch' | 'he';
  dueling: boolean;
}

/**
 * The Q-network is a plain MLP whose output row holds, per head, one value per
 * action (or, with `dueling`, one state value followed by every head's
 * advantages). `qHeads` turns that row into one Q tensor per head.
 */
export function buildQNetwork(obsDim: number, heads: number[], hp: QNetworkOptions, name: string, rng: Rng): tf.Sequential {
  const outputs = heads.reduce((a, b) => a + b, 0) + (hp.dueling ? 1 : 0);
  const model = mlp({ input: obsDim, hidden: hp.hidden, output: outputs, activation: hp.activation, name }, rng);
  if (hp.init === 'torch') torchInit(model, rng);
  return model;
}

/** PyTorch's `nn.Linear` initialisation: kernel and bias from U(−1/√fan_in, 1/√fan_in), drawn from `rng`. */
function torchInit(model: tf.LayersModel, rng: Rng): void {
  for (const layer of model.layers) {
    const weights = layer.getWeights();
    if (weights.length === 0) continue;
    const limit = 1 / Math.sqrt((weights[0] as tf.Tensor).shape[0] as number);
    const next = weights.map((w) => {
      const values = new Float32Array(w.size);
      for (let i = 0; i < values.length; i++) values[i] = rng.uniform(-limit, limit);
      return tf.tensor(values, w.shape);
    });
    layer.setWeights(next);
    for (const t of next) t.dispose();
  }
}

export function qHeads(model: tf.LayersModel, x: tf.Tensor2D, heads: number[], dueling: boolean): tf.Tensor2D[] {
  const raw = mlpForward(model, x);
  if (!dueling) return heads.length === 1 ? [raw] : tf.split(raw, heads, 1);
  const value = raw.slice([0, 0], [-1, 1]);
  const advantages = raw.slice([0, 1], [-1, -1]);
  const parts = heads.length === 1 ? [advantages] : tf.split(advantages, heads, 1);
  return parts.map((a) => value.add(a.sub(a.mean(1, true))) as tf.Tensor2D);
}
