/**
 * Network helpers of PPO's policies: CleanRL's orthogonal initialisation
 * (`layer_init`, drawn from the run's Rng) and a plain-JavaScript mirror of a
 * dense network for acting. One observation through a small MLP costs a few
 * microseconds in JavaScript against tens of microseconds of tfjs kernel
 * dispatch, and a single-env loop acts once per step. A mirror either copies a
 * model's weights (`sync`) or, as PPO's policies use it, reads them in place
 * from the optimiser's flat parameter vector (`DenseMirror.over`), so an
 * update or a load needs no copy at all.
 */
import { ConfigError, quote } from '../src/core/errors.js';
import type { Rng } from '../src/core/rng.js';
import type { DenseStack } from '../src/nn/dense.js';
import { tf } from '../src/nn/tf.js';

/**
 * A `rows × cols` row-major matrix with orthonormal columns (rows ≥ cols) or
 * rows (rows < cols), times `gain`: the Q of a Gaussian matrix's QR
 * decomposition with a positive diagonal of R, as `torch.nn.init.orthogonal_`.
 */
export function orthogonalMatrix(rows: number, cols: number, gain: number, rng: Rng): Float32Array {
  const tall = rows >= cols;
  const m = tall ? rows : cols, n = tall ? cols : rows;
  // Columns of an m × n Gaussian matrix, orthonormalised by modified Gram–Schmidt.
  const q: Float64Array[] = [];
  for (let j = 0; j < n; j++) {
    const v = new Float64Array(m);
    for (let i = 0; i < m; i++) v[i] = rng.normal();
    for (const u of q) {
      let dot = 0;
      for (let i = 0; i < m; i++) dot += (u[i] as number) * (v[i] as number);
      for (let i = 0; i < m; i++) v[i] = (v[i] as number) - dot * (u[i] as number);
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += (v[i] as number) ** 2;
    norm = Math.sqrt(norm);
    if (!(norm > 1e-12)) throw new ConfigError('orthogonalMatrix: degenerate draw'); // probability 0
    for (let i = 0; i < m; i++) v[i] = (v[i] as number) / norm;
    q.push(v);
  }
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[r * cols + c] = gain * (tall ? ((q[c] as Float64Array)[r] as number) : ((q[r] as Float64Array)[c] as number));
  }
  return out;
}

/**
 * Re-initialise every Dense layer of `model`: kernel orthogonal with the
 * layer's gain, bias zero (CleanRL's `layer_init(layer, std)`). `gains` has
 * one entry per Dense layer, input side first (CleanRL: √2 for hidden layers,
 * 0.01 for a policy's output, 1 for a value output).
 */
export function orthogonalInit(model: tf.LayersModel, gains: readonly number[], rng: Rng): void {
  const dense = model.layers.filter((l) => l.getWeights().length > 0);
  if (dense.length !== gains.length) throw new ConfigError(`orthogonalInit: ${dense.length} layers with weights but ${gains.length} gains ${quote(gains)}`);
  dense.forEach((layer, i) => {
    const [kernel, bias] = layer.getWeights() as [tf.Tensor, tf.Tensor];
    if (kernel.shape.length !== 2) throw new ConfigError(`orthogonalInit: layer ${quote(layer.name)} is not Dense (kernel shape ${quote(kernel.shape)})`);
    const [rows, cols] = kernel.shape as [number, number];
    const next = [tf.tensor2d(orthogonalMatrix(rows, cols, gains[i] as number, rng), [rows, cols]), tf.zeros(bias.shape)];
    layer.setWeights(next);
    for (const t of next) t.dispose();
  });
}

type MirrorActivation = 'tanh' | 'relu' | 'linear' | 'sigmoid' | 'elu';
const ACTIVATIONS: readonly string[] = ['tanh', 'relu', 'linear', 'sigmoid', 'elu'];

interface MirrorLayer {
  inputs: number;
  units: number;
  /** Row-major [inputs, units], as tfjs stores Dense kernels. */
  kernel: Float32Array;
  bias: Float32Array;
  activation: MirrorActivation;
}

/** A JavaScript copy of a stack of Dense layers, for fast single-input inference. */
export class DenseMirror {
  private layers: MirrorLayer[] = [];
  private buffers: Float64Array[] = [];

  constructor(model?: tf.LayersModel) {
    if (model) this.sync(model);
  }

  /**
   * A mirror of `stack` whose weights are views of `theta` from `offset` on
   * (laid out as `stack.variables`: kernel then bias, layer by layer): it acts
   * with whatever values the vector holds, with no copy after an update.
   */
  static over(stack: DenseStack, theta: Float32Array, offset: number): DenseMirror {
    const m = new DenseMirror();
    m.layers = stack.layers.map((l, i) => {
      const [inputs, units] = l.kernel.shape as [number, number];
      const o = stack.offsets[i] as { w: number; b: number };
      return { inputs, units, kernel: theta.subarray(offset + o.w, offset + o.b), bias: theta.subarray(offset + o.b, offset + o.b + units), activation: l.activation };
    });
    m.buffers = m.layers.map((l) => new Float64Array(l.units));
    return m;
  }

  /** Input width. */
  get inputs(): number {
    return (this.layers[0] as MirrorLayer).inputs;
  }

  /** Output width. */
  get outputs(): number {
    return (this.layers[this.layers.length - 1] as MirrorLayer).units;
  }

  /** Copy the model's current weights (one download per weight tensor; copies, since some backends hand out their storage). */
  sync(model: tf.LayersModel): void {
    const layers: MirrorLayer[] = [];
    for (const layer of model.layers) {
      const weights = layer.getWeights();
      if (weights.length === 0) continue;
      const activation = String((layer.getConfig() as { activation?: unknown }).activation ?? 'linear');
      if (weights.length !== 2 || weights[0]?.shape.length !== 2 || !ACTIVATIONS.includes(activation)) {
        throw new ConfigError(`DenseMirror: layer ${quote(layer.name)} is not a Dense layer with a supported activation (${quote(activation)})`);
      }
      const [inputs, units] = (weights[0] as tf.Tensor).shape as [number, number];
      layers.push({ inputs, units, kernel: Float32Array.from((weights[0] as tf.Tensor).dataSync()), bias: Float32Array.from((weights[1] as tf.Tensor).dataSync()), activation: activation as MirrorActivation });
    }
    if (layers.length === 0) throw new ConfigError('DenseMirror: the model has no Dense layer');
    this.layers = layers;
    this.buffers = layers.map((l) => new Float64Array(l.units));
  }

  /**
   * Forward one input, read from `x` at `offset` (`inputs` numbers). The
   * result is a buffer owned by the mirror, overwritten by the next call.
   */
  forward(x: ArrayLike<number>, offset = 0): Float64Array {
    let input: ArrayLike<number> = x, at = offset;
    for (let l = 0; l < this.layers.length; l++) {
      const { inputs, units, kernel, bias, activation } = this.layers[l] as MirrorLayer;
      const out = this.buffers[l] as Float64Array;
      for (let j = 0; j < units; j++) out[j] = bias[j] as number;
      for (let i = 0; i < inputs; i++) {
        const xi = input[at + i] as number;
        if (xi === 0) continue;
        const row = i * units;
        for (let j = 0; j < units; j++) out[j] = (out[j] as number) + xi * (kernel[row + j] as number);
      }
      if (activation !== 'linear') for (let j = 0; j < units; j++) out[j] = activate(activation, out[j] as number);
      input = out;
      at = 0;
    }
    return input as Float64Array;
  }
}

function activate(a: MirrorActivation, v: number): number {
  switch (a) {
    case 'tanh':
      return Math.tanh(v);
    case 'relu':
      return v > 0 ? v : 0;
    case 'sigmoid':
      return 1 / (1 + Math.exp(-v));
    case 'elu':
      return v > 0 ? v : Math.exp(v) - 1;
    default:
      return v;
  }
}

/**
 * Draw from (explore) or take the mode of (greedy) the categorical
 * distribution softmax(logits[offset … offset + n − 1]); returns the index in
 * [0, n) and its log-probability. One `rng.random()` per draw; ties of the
 * mode go to the lowest index.
 */
export function categorical(logits: ArrayLike<number>, offset: number, n: number, explore: boolean, rng: Rng): { index: number; logProb: number } {
  let max = -Infinity, argmax = 0;
  for (let i = 0; i < n; i++) {
    const v = logits[offset + i] as number;
    if (v > max) {
      max = v;
      argmax = i;
    }
  }
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.exp((logits[offset + i] as number) - max);
  let index = argmax;
  if (explore) {
    let u = rng.random() * sum;
    index = -1;
    for (let i = 0; i < n && index < 0; i++) {
      u -= Math.exp((logits[offset + i] as number) - max);
      if (u < 0) index = i;
    }
    if (index < 0) index = argmax; // rounding left u ≥ 0: fall back to the mode (never a zero-probability entry)
  }
  return { index, logProb: (logits[offset + index] as number) - max - Math.log(sum) };
}
