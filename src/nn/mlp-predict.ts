/**
 * A batch-1 forward pass of an `mlp` model as cheap as TensorFlow.js allows
 * (the learners act without tfjs, through `ActMirror` in act-mirror.ts; this is
 * the tfjs pass the tests hold it to, bit for bit on wasm). At this size the op wrappers (`tf.fused.matMul`, `tf.tidy`)
 * cost as much as the kernels, and the tensors they allocate bring GC pauses
 * into the latency tail; so each layer is one `_FusedMatMul` kernel (matmul +
 * bias + activation) called through `engine.runKernel` on cached 3-D views of
 * the weights, and the result is read back once. The views follow the model's
 * variables: an optimizer step or `setWeights` gives a variable new data, and
 * the next call sees it and makes new views.
 */
import { ConfigError, quote } from '../core/errors.js';
import { tf } from './tf.js';

/** Activations `_FusedMatMul` applies itself; `tanh` runs as its own kernel. */
const FUSED = new Set(['relu', 'elu', 'sigmoid', 'linear']);

interface Layer {
  kernel: tf.Variable;
  bias: tf.Variable;
  activation: string;
  /** The kernel's data when `view` was made, and the [1, in, out] view of it. */
  source: object | null;
  view: tf.Tensor | null;
}

const cache = new WeakMap<tf.LayersModel, Layer[]>();

function layersOf(model: tf.LayersModel): Layer[] {
  let layers = cache.get(model);
  if (layers) return layers;
  layers = model.layers.map((layer) => {
    const [kernel, bias] = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    const activation = (layer.getConfig() as { activation?: string }).activation ?? 'linear';
    if (!kernel || !bias || kernel.rank !== 2 || !(FUSED.has(activation) || activation === 'tanh')) {
      throw new ConfigError(`mlpPredict: layer ${quote(layer.name)} is not a dense layer with a bias and a relu, elu, sigmoid, tanh or linear activation`);
    }
    return { kernel, bias, activation, source: null, view: null };
  });
  cache.set(model, layers);
  return layers;
}

const dataOf = (t: tf.Tensor): object => (t as unknown as { dataId: object }).dataId;

/**
 * `model`'s outputs for `batch` rows (row-major in `rows`), without gradients.
 * Leaves no tensor behind but the cached weight views (a few per layer, freed
 * when the weights change; `mlpPredictRelease` frees them at once).
 */
export function mlpPredict(model: tf.LayersModel, rows: Float32Array, batch: number): Float32Array {
  const layers = layersOf(model);
  const engine = tf.engine();
  const run = (name: string, inputs: tf.NamedTensorMap, attrs: Record<string, unknown> = {}): tf.Tensor => engine.runKernel(name, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
  let h = tf.tensor3d(rows, [1, batch, rows.length / batch]);
  try {
    for (const l of layers) {
      if (l.source !== dataOf(l.kernel)) {
        l.view?.dispose();
        l.view = l.kernel.reshape([1, ...l.kernel.shape]);
        l.source = dataOf(l.kernel);
      }
      const fused = FUSED.has(l.activation);
      let next = run('_FusedMatMul', { a: h, b: l.view as tf.Tensor, bias: l.bias }, { transposeA: false, transposeB: false, activation: fused ? l.activation : 'linear' });
      if (!fused) {
        const out = run('Tanh', { x: next });
        next.dispose();
        next = out;
      }
      h.dispose();
      h = next as tf.Tensor3D;
    }
    return h.dataSync() as Float32Array;
  } finally {
    h.dispose();
  }
}

/** Free the weight views `mlpPredict` keeps for `model` (call before disposing it). */
export function mlpPredictRelease(model: tf.LayersModel): void {
  for (const l of cache.get(model) ?? []) l.view?.dispose();
  cache.delete(model);
}
