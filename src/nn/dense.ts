/**
 * The fast path of every learner's dense networks on TensorFlow.js, written
 * for what the WebAssembly backend does fast (bench/README.md, "Learner
 * speed"):
 *
 * - forward: one fused matmul + bias + activation kernel per layer, called
 *   through `engine.runKernel` on cached [1, in, out] views of the weight
 *   variables (the op wrappers cost as much as the kernels at these sizes);
 * - backward: written out by hand, top layer first, with only untransposed
 *   matrix products (tfjs-backend-wasm runs transposed ones in a scalar loop
 *   5–10× slower than XNNPACK's), keeping ∂loss/∂(layer output) both as dy
 *   [1, rows, out] and as dyᵀ [1, out, rows]:
 *     ∂W  = hᵀ · dy                  [in, out], the layout of W
 *     ∂b  = Σ_rows dyᵀ               an innermost-axis sum
 *     dhᵀ = (W · dyᵀ) ⊙ act'(hᵀ)     act' from the layer's output (ReLU: h > 0)
 *   and ∂loss/∂input = W₀ · dy₀ᵀ when the caller asks for it (a critic's
 *   gradient with respect to the action, attention inputs);
 * - the loss and ∂loss/∂output are the caller's, computed in JavaScript from
 *   the outputs read back once, so no autodiff tape is recorded at all.
 *
 * Gradients land in a flat vector laid out as the variables (kernel then bias,
 * layer by layer), ready for `FlatAdam`. Each learner keeps its tfjs autodiff
 * update as the reference path; tests compare the two on the same weights and
 * batch.
 */
import { ConfigError, quote } from '../core/errors.js';
import { tf } from './tf.js';

export type DenseActivation = 'relu' | 'tanh' | 'linear' | 'elu' | 'sigmoid';
const ACTIVATIONS: readonly string[] = ['relu', 'tanh', 'linear', 'elu', 'sigmoid'];
/** Activations `_FusedMatMul` applies itself; `tanh` runs as its own kernel. */
const FUSED = new Set(['relu', 'elu', 'sigmoid', 'linear']);

export interface DenseLayer {
  /** [in, out]. */
  kernel: tf.Variable;
  /** [out]. */
  bias: tf.Variable;
  activation: DenseActivation;
}

type Run = (name: string, inputs: tf.NamedTensorMap, attrs?: Record<string, unknown>) => tf.Tensor;

const dataOf = (t: tf.Tensor): object => (t as unknown as { dataId: object }).dataId;

/** What `forward` keeps for `backward`; free it with `dispose` (backward does). */
export class Tape {
  /** Every tensor to free. */
  readonly tensors: tf.Tensor[] = [];
  /** The input of each layer ([1, rows, in]), the network's input first. */
  readonly inputs: tf.Tensor[] = [];
  /** The values returned by `forward`. */
  output: Float32Array = new Float32Array(0);
  rows = 0;
  logits = false;

  dispose(): void {
    for (const t of this.tensors) t.dispose();
    this.tensors.length = 0;
    this.inputs.length = 0;
  }
}

export class DenseStack {
  readonly inputs: number;
  readonly outputs: number;
  /** Kernel then bias, layer by layer (the layout of gradients). */
  readonly variables: tf.Variable[];
  /** Offset of each layer's kernel and bias in a gradient vector. */
  readonly offsets: { w: number; b: number }[];
  readonly size: number;
  private readonly views: { source: object | null; view: tf.Tensor | null }[];
  private readonly run: Run;
  private readonly heapView: ((t: tf.Tensor) => Float32Array) | null;

  constructor(readonly layers: readonly DenseLayer[]) {
    if (layers.length === 0) throw new ConfigError('DenseStack: no layers');
    layers.forEach((l, i) => {
      if (l.kernel.rank !== 2 || l.bias.rank !== 1 || l.bias.size !== (l.kernel.shape[1] as number)) {
        throw new ConfigError(`DenseStack: layer ${i} needs a kernel [in, out] and a bias [out], got ${quote(l.kernel.shape)} and ${quote(l.bias.shape)}`);
      }
      if (!ACTIVATIONS.includes(l.activation)) throw new ConfigError(`DenseStack: layer ${i} activation must be one of ${ACTIVATIONS.join(', ')}, got ${quote(l.activation)}`);
      if (i > 0 && (layers[i - 1] as DenseLayer).kernel.shape[1] !== l.kernel.shape[0]) throw new ConfigError(`DenseStack: layer ${i} takes ${l.kernel.shape[0]} inputs, layer ${i - 1} gives ${(layers[i - 1] as DenseLayer).kernel.shape[1]}`);
    });
    this.inputs = (layers[0] as DenseLayer).kernel.shape[0] as number;
    this.outputs = (layers[layers.length - 1] as DenseLayer).kernel.shape[1] as number;
    this.variables = layers.flatMap((l) => [l.kernel, l.bias]);
    this.offsets = [];
    let size = 0;
    for (const l of layers) {
      this.offsets.push({ w: size, b: size + l.kernel.size });
      size += l.kernel.size + l.bias.size;
    }
    this.size = size;
    this.views = layers.map(() => ({ source: null, view: null }));
    const engine = tf.engine();
    this.run = (name, inputs, attrs = {}) => engine.runKernel(name, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
    const backend = tf.backend() as unknown as { typedArrayFromHeap?: (t: tf.Tensor) => Float32Array };
    this.heapView = tf.getBackend() === 'wasm' && typeof backend.typedArrayFromHeap === 'function' ? (t) => (backend.typedArrayFromHeap as (t: tf.Tensor) => Float32Array).call(backend, t) : null;
  }

  /** Whether `activation` (a tfjs-layers activation name) is one the fast path computes. */
  static supports(activation: string): boolean {
    return ACTIVATIONS.includes(activation);
  }

  /** The dense layers of a tfjs-layers model (`src/nn/mlp.ts`'s `mlp`); throws for other layer kinds or activations. */
  static fromModel(model: tf.LayersModel): DenseStack {
    return new DenseStack(
      model.layers.map((layer) => {
        const [kernel, bias] = layer.trainableWeights.map((w) => w.read() as tf.Variable);
        const activation = (layer.getConfig() as { activation?: string }).activation ?? 'linear';
        if (!kernel || !bias || !DenseStack.supports(activation)) throw new ConfigError(`DenseStack: layer ${quote(layer.name)} is not a dense layer with a bias and a ${ACTIVATIONS.join(', ')} activation`);
        return { kernel, bias, activation: activation as DenseActivation };
      }),
    );
  }

  private view(l: number): tf.Tensor {
    const v = this.views[l] as { source: object | null; view: tf.Tensor | null };
    const kernel = (this.layers[l] as DenseLayer).kernel;
    if (v.source !== dataOf(kernel)) {
      v.view?.dispose();
      v.view = kernel.reshape([1, ...kernel.shape]);
      v.source = dataOf(kernel);
    }
    return v.view as tf.Tensor;
  }

  /** Copy a float32 tensor's values into `out` (on wasm straight from its heap, used at once). */
  private read(t: tf.Tensor, out: Float32Array): Float32Array {
    const view = this.heapView?.(t);
    out.set(view && view.length === out.length ? view : (t.dataSync() as Float32Array));
    return out;
  }

  /**
   * The outputs for `rows` rows of `x` (row-major [rows, inputs]), as
   * [rows, outputs] (a new array, or `out`). With a `tape`, every layer's
   * input is kept for `backward`. `logits`: leave out the output layer's
   * activation.
   */
  forward(x: Float32Array, rows: number, opts: { tape?: Tape; logits?: boolean; out?: Float32Array } = {}): Float32Array {
    if (x.length !== rows * this.inputs) throw new ConfigError(`DenseStack: input has ${x.length} numbers, expected ${rows} rows of ${this.inputs}`);
    const run = this.run;
    const tape = opts.tape;
    const live: tf.Tensor[] = [];
    try {
      let h = tf.tensor3d(x, [1, rows, this.inputs]);
      (tape ? tape.tensors : live).push(h);
      const last = this.layers.length - 1;
      this.layers.forEach((layer, l) => {
        tape?.inputs.push(h);
        const act = l === last && opts.logits ? 'linear' : layer.activation;
        const fused = FUSED.has(act);
        let next = run('_FusedMatMul', { a: h, b: this.view(l), bias: layer.bias }, { transposeA: false, transposeB: false, activation: fused ? act : 'linear' });
        if (!fused) {
          (tape ? tape.tensors : live).push(next);
          next = run('Tanh', { x: next });
        }
        (tape ? tape.tensors : live).push(next);
        h = next as tf.Tensor3D;
      });
      const out = this.read(h, opts.out ?? new Float32Array(rows * this.outputs));
      if (tape) {
        tape.output = out;
        tape.rows = rows;
        tape.logits = opts.logits ?? false;
      }
      return out;
    } finally {
      for (const t of live) t.dispose();
    }
  }

  /**
   * Back-propagate `dOut` (∂loss/∂output, [rows, outputs], with respect to what
   * `forward` returned) through the taped forward pass: the parameters'
   * gradient into `grad` (laid out as `variables`, starting at `offset`;
   * null: not wanted) and ∂loss/∂input into `dInput` ([rows, inputs]; null:
   * not wanted). Frees the tape.
   */
  backward(tape: Tape, dOut: Float32Array, grad: Float32Array | null, dInput: Float32Array | null = null, offset = 0): void {
    const rows = tape.rows;
    const run = this.run;
    try {
      if (dOut.length !== rows * this.outputs) throw new ConfigError(`DenseStack: dOut has ${dOut.length} numbers, expected ${rows} rows of ${this.outputs}`);
      const last = this.layers.length - 1;
      // The output layer's activation, in JavaScript on the values read back.
      const top = (this.layers[last] as DenseLayer).activation;
      const dz = new Float32Array(dOut.length);
      const y = tape.output;
      for (let i = 0; i < dz.length; i++) dz[i] = (dOut[i] as number) * (tape.logits ? 1 : derivative(top, y[i] as number));
      const dzT = new Float32Array(dz.length);
      const O = this.outputs;
      for (let r = 0; r < rows; r++) for (let o = 0; o < O; o++) dzT[o * rows + r] = dz[r * O + o] as number;
      let dy: tf.Tensor = tf.tensor3d(dz, [1, rows, O]);
      let dyT: tf.Tensor = tf.tensor3d(dzT, [1, O, rows]);
      tape.tensors.push(dy, dyT);
      for (let l = last; l >= 0; l--) {
        const needInput = l > 0 || dInput !== null;
        const hT = grad || l > 0 ? run('Transpose', { x: tape.inputs[l] as tf.Tensor }, { perm: [0, 2, 1] }) : null;
        if (hT) tape.tensors.push(hT);
        if (grad) {
          const o = this.offsets[l] as { w: number; b: number };
          const layer = this.layers[l] as DenseLayer;
          const dW = run('BatchMatMul', { a: hT as tf.Tensor, b: dy }, { transposeA: false, transposeB: false });
          const db = run('Sum', { x: dyT }, { axis: [2], keepDims: false });
          tape.tensors.push(dW, db);
          this.read(dW, grad.subarray(offset + o.w, offset + o.b));
          this.read(db, grad.subarray(offset + o.b, offset + o.b + layer.bias.size));
        }
        if (!needInput) break;
        const dhT = run('BatchMatMul', { a: this.view(l), b: dyT }, { transposeA: false, transposeB: false });
        tape.tensors.push(dhT);
        if (l === 0) {
          const I = this.inputs;
          const flat = this.read(dhT, new Float32Array(I * rows));
          const out = dInput as Float32Array;
          for (let i = 0; i < I; i++) for (let r = 0; r < rows; r++) out[r * I + i] = flat[i * rows + r] as number;
          break;
        }
        dyT = this.activationGrad((this.layers[l - 1] as DenseLayer).activation, dhT, hT as tf.Tensor, tape.tensors);
        dy = run('Transpose', { x: dyT }, { perm: [0, 2, 1] });
        tape.tensors.push(dy);
      }
    } finally {
      tape.dispose();
    }
  }

  /** dhᵀ ⊙ act'(hᵀ), with act' written from the activation's output h. */
  private activationGrad(act: DenseActivation, dhT: tf.Tensor, hT: tf.Tensor, keep: tf.Tensor[]): tf.Tensor {
    const run = this.run;
    if (act === 'linear') return dhT;
    const push = (t: tf.Tensor): tf.Tensor => (keep.push(t), t);
    let d: tf.Tensor;
    if (act === 'relu') d = push(run('Step', { x: hT }, { alpha: 0 }));
    else {
      const one = push(tf.scalar(1));
      if (act === 'tanh') d = push(run('Sub', { a: one, b: push(run('Square', { x: hT })) }));
      else if (act === 'sigmoid') d = push(run('Multiply', { a: hT, b: push(run('Sub', { a: one, b: hT })) }));
      else d = push(run('Add', { a: push(run('Minimum', { a: hT, b: push(tf.scalar(0)) })), b: one })); // elu: h > 0 ? 1 : h + 1
    }
    return push(run('Multiply', { a: dhT, b: d }));
  }

  /** Free the cached weight views. */
  dispose(): void {
    for (const v of this.views) {
      v.view?.dispose();
      v.view = null;
      v.source = null;
    }
  }
}

/** act'(z) from the activation's output y = act(z). */
export function derivative(act: DenseActivation, y: number): number {
  switch (act) {
    case 'relu':
      return y > 0 ? 1 : 0;
    case 'tanh':
      return 1 - y * y;
    case 'sigmoid':
      return y * (1 - y);
    case 'elu':
      return y > 0 ? 1 : y + 1;
    default:
      return 1;
  }
}
