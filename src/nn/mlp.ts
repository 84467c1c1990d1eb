import { ConfigError, quote } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import { seedWeights } from './init.js';
import { tf } from './tf.js';

export type Activation = 'relu' | 'tanh' | 'sigmoid' | 'linear' | 'elu';

export interface MlpOptions {
  input: number;
  /** Hidden layer widths. */
  hidden: readonly number[];
  output: number;
  /** @default 'relu' */
  activation?: Activation;
  /** @default 'linear' */
  outputActivation?: Activation;
  /** Layer name prefix (names must be unique per model for save/load). @default 'mlp' */
  name?: string;
}

/** A fully connected network, weights drawn from `rng`. */
export function mlp(opts: MlpOptions, rng: Rng): tf.Sequential {
  for (const [key, v] of [['input', opts.input], ['output', opts.output]] as const) {
    if (!Number.isSafeInteger(v) || v < 1) throw new ConfigError(`mlp: ${key} must be a positive integer, got ${quote(v)}`);
  }
  if (!Array.isArray(opts.hidden) || opts.hidden.some((h) => !Number.isSafeInteger(h) || h < 1)) {
    throw new ConfigError(`mlp: hidden must be an array of positive integers, got ${quote(opts.hidden)}`);
  }
  const name = opts.name ?? 'mlp';
  const model = tf.sequential({ name });
  opts.hidden.forEach((units, i) => {
    model.add(tf.layers.dense({ units, activation: opts.activation ?? 'relu', name: `${name}_h${i}`, ...(i === 0 ? { inputShape: [opts.input] } : {}) }));
  });
  model.add(tf.layers.dense({ units: opts.output, activation: opts.outputActivation ?? 'linear', name: `${name}_out`, ...(opts.hidden.length === 0 ? { inputShape: [opts.input] } : {}) }));
  seedWeights(model, rng);
  return model;
}

/** Copy `source`'s weights into `target` (hard update), or blend with factor τ: θ' ← τ·θ + (1 − τ)·θ' (soft update). */
export function updateTarget(target: tf.LayersModel, source: tf.LayersModel, tau = 1): void {
  if (!(tau > 0 && tau <= 1)) throw new ConfigError(`updateTarget: tau must be in (0, 1], got ${quote(tau)}`);
  const src = source.getWeights();
  if (tau === 1) {
    target.setWeights(src);
    return;
  }
  const dst = target.getWeights();
  const blended = tf.tidy(() => src.map((w, i) => w.mul(tau).add((dst[i] as tf.Tensor).mul(1 - tau))));
  target.setWeights(blended);
  for (const t of blended) t.dispose();
}

/** Clip gradients by their global norm (in place of the map's tensors, disposing the originals). */
export function clipByGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number): tf.NamedTensorMap {
  if (!(maxNorm > 0)) return grads;
  return tf.tidy(() => {
    const tensors = Object.values(grads);
    const norm = tf.sqrt(tf.addN(tensors.map((g) => tf.sum(tf.square(g)))));
    const scale = tf.minimum(tf.scalar(1), tf.div(tf.scalar(maxNorm), tf.maximum(norm, tf.scalar(1e-12))));
    const out: tf.NamedTensorMap = {};
    for (const [k, g] of Object.entries(grads)) out[k] = tf.mul(g, scale);
    return out;
  });
}
