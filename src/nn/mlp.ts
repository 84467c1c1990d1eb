import { ConfigError, quote } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import { seedWeights } from './init.js';
import { linear } from './linear.js';
import { polyakVariables } from './polyak.js';
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

const ACTIVATIONS: Record<Activation, (h: tf.Tensor) => tf.Tensor> = {
  relu: (h) => h.relu(),
  tanh: (h) => h.tanh(),
  sigmoid: (h) => h.sigmoid(),
  elu: (h) => h.elu(),
  linear: (h) => h,
};

/**
 * `model.apply(x)` for a model `mlp` built, computed layer by layer with
 * `linear`: the same values, but gradients that avoid tfjs-wasm's slow
 * transposed matmuls (tfjs-layers' Dense backward uses them). Gradients reach
 * the model's own variables (`model.trainableWeights[i].read()`).
 */
export function mlpForward(model: tf.LayersModel, x: tf.Tensor2D): tf.Tensor2D {
  let h: tf.Tensor2D = x;
  for (const l of denseLayers(model)) h = l.act(linear(h, l.kernel, l.bias)) as tf.Tensor2D;
  return h;
}

/** Each layer's variables and activation, read once per model (this runs in every training step). */
const layerCache = new WeakMap<tf.LayersModel, { kernel: tf.Tensor2D; bias: tf.Tensor1D; act: (h: tf.Tensor) => tf.Tensor }[]>();

function denseLayers(model: tf.LayersModel): { kernel: tf.Tensor2D; bias: tf.Tensor1D; act: (h: tf.Tensor) => tf.Tensor }[] {
  let layers = layerCache.get(model);
  if (layers) return layers;
  layers = model.layers.map((layer) => {
    // LayerVariable.read() is the layer's tf.Variable itself; optimizer steps and setWeights assign into it.
    const [kernel, bias] = layer.trainableWeights.map((w) => w.read());
    const name = (layer.getConfig() as { activation?: string }).activation ?? 'linear';
    const act = ACTIVATIONS[name as Activation];
    if (!kernel || !bias || !act) throw new ConfigError(`mlpForward: layer ${quote(layer.name)} is not a dense layer with a bias and a known activation (${quote(name)})`);
    return { kernel: kernel as tf.Tensor2D, bias: bias as tf.Tensor1D, act };
  });
  layerCache.set(model, layers);
  return layers;
}

export { mlpPredict, mlpPredictRelease } from './mlp-predict.js';

/** Copy `source`'s weights into `target` (hard update), or blend with factor τ: θ' ← τ·θ + (1 − τ)·θ' (soft update; src/nn/polyak.ts). */
export function updateTarget(target: tf.LayersModel, source: tf.LayersModel, tau = 1): void {
  if (!(tau > 0 && tau <= 1)) throw new ConfigError(`updateTarget: tau must be in (0, 1], got ${quote(tau)}`);
  const vars = (m: tf.LayersModel): tf.Variable[] => m.weights.map((w) => w.read() as tf.Variable);
  polyakVariables(vars(target), vars(source), tau);
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
