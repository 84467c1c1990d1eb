/**
 * `DenseStack`'s forward and backward passes (src/nn/dense.ts) on `Gemm`'s
 * arena instead of tfjs tensors: the update path of the multi-agent
 * actor-critics, whose products (a few hundred rows by 64) cost less in our
 * WebAssembly SIMD kernels than the tensors, kernel dispatch, operand
 * repacking and transposes around tfjs-wasm's (bench/README.md, "Learner
 * speed"). Same arithmetic as `DenseStack` up to float32 rounding:
 *
 *   forward:  h_{l+1} = act(h_l W_l + b_l)
 *   backward: ∂W_l = h_lᵀ dz_l,  ∂b_l = Σ_rows dz_l,  dz_{l−1} = (dz_l W_lᵀ) ⊙ act'(h_l)
 *
 * with act' from the layer's output and ∂loss/∂input = dz_0 W_0ᵀ when asked.
 * The weights are read from the layers' variables at each pass (they change
 * at every optimiser step) into the arena, padded to whole float32x4 columns
 * (the padding is zero, so it adds nothing), W_lᵀ beside W_l for the backward
 * pass. Everything a pass allocates lives until the caller's `release`.
 */
import { ConfigError, quote } from '../core/errors.js';
import { derivative, type DenseActivation, type DenseLayer } from './dense.js';
import type { Gemm } from './gemm.js';
import { tf } from './tf.js';

const pad4 = (n: number): number => Math.ceil(n / 4) * 4;

/** What `FlatDense.forward` keeps for `backward` (offsets into the arena). */
export interface FlatTape {
  rows: number;
  logits: boolean;
  /** Each layer's input [rows, padded in], the network's input first, then the output [rows, padded out]. */
  h: number[];
  /** Each layer's W [in, out] and Wᵀ [out, in], padded, and b. */
  w: number[];
  wT: number[];
  b: number[];
}

export class FlatDense {
  /** Each layer's input width, then the output width. */
  readonly widths: number[];
  readonly padded: number[];
  readonly inputs: number;
  readonly outputs: number;
  /** Offset of each layer's kernel and bias in a gradient vector (kernel then bias, layer by layer: `DenseStack`'s layout). */
  readonly offsets: { w: number; b: number }[];
  readonly size: number;

  constructor(readonly gemm: Gemm, readonly layers: readonly DenseLayer[]) {
    if (layers.length === 0) throw new ConfigError('FlatDense: no layers');
    this.widths = [layers[0]?.kernel.shape[0] as number, ...layers.map((l) => l.kernel.shape[1] as number)];
    layers.forEach((l, i) => {
      if (l.kernel.shape[0] !== this.widths[i]) throw new ConfigError(`FlatDense: layer ${i} takes ${quote(l.kernel.shape[0])} inputs, layer ${i - 1} gives ${this.widths[i]}`);
    });
    this.padded = this.widths.map(pad4);
    this.inputs = this.widths[0] as number;
    this.outputs = this.widths[layers.length] as number;
    this.offsets = [];
    let size = 0;
    for (const l of layers) {
      this.offsets.push({ w: size, b: size + l.kernel.size });
      size += l.kernel.size + l.bias.size;
    }
    this.size = size;
  }

  /** Copy the weights into the arena (W and b; Wᵀ too when `transposed`). */
  private load(transposed: boolean): { w: number[]; wT: number[]; b: number[] } {
    const g = this.gemm;
    const w: number[] = [], wT: number[] = [], b: number[] = [];
    this.layers.forEach((layer, l) => {
      const I = this.widths[l] as number, O = this.widths[l + 1] as number, Ip = this.padded[l] as number, Op = this.padded[l + 1] as number;
      const kernel = valuesOf(layer.kernel), bias = valuesOf(layer.bias);
      const at = g.alloc(Ip * Op), bt = g.alloc(Op), tt = transposed ? g.alloc(Op * Ip) : -1;
      const f = g.f32;
      for (let i = 0; i < I; i++) f.set(kernel.subarray(i * O, (i + 1) * O), at + i * Op);
      f.set(bias, bt);
      if (transposed) for (let i = 0; i < I; i++) for (let o = 0; o < O; o++) f[tt + o * Ip + i] = kernel[i * O + o] as number;
      w.push(at);
      b.push(bt);
      wT.push(tt);
    });
    return { w, wT, b };
  }

  /**
   * The outputs for `rows` rows of `x` ([rows, inputs]) as [rows, outputs]
   * (a new array, or `out`); with `tape`, what `backward` needs. `logits`:
   * leave out the output layer's activation.
   */
  forward(x: Float32Array, rows: number, opts: { tape?: boolean; logits?: boolean; out?: Float32Array } = {}): { out: Float32Array; tape: FlatTape | null } {
    if (x.length !== rows * this.inputs) throw new ConfigError(`FlatDense: input has ${x.length} numbers, expected ${rows} rows of ${this.inputs}`);
    const g = this.gemm;
    const weights = this.load(opts.tape === true);
    const I = this.inputs, Ip = this.padded[0] as number;
    const h0 = g.alloc(rows * Ip);
    let f = g.f32;
    if (Ip === I) f.set(x, h0);
    else for (let r = 0; r < rows; r++) f.set(x.subarray(r * I, (r + 1) * I), h0 + r * Ip);
    const h = [h0];
    const last = this.layers.length - 1;
    for (let l = 0; l <= last; l++) {
      const In = this.padded[l] as number, Op = this.padded[l + 1] as number, O = this.widths[l + 1] as number;
      const z = g.alloc(rows * Op);
      g.product(rows, Op, this.widths[l] as number, h[l] as number, In, 1, weights.w[l] as number, Op, z, Op);
      const act = l === last && opts.logits ? 'linear' : (this.layers[l] as DenseLayer).activation;
      g.addBias(z, Op, rows, weights.b[l] as number, Op, act === 'relu');
      if (act !== 'relu') activate(act, g.f32, z, rows, Op, O);
      h.push(z);
    }
    const O = this.outputs, Op = this.padded[last + 1] as number, y = h[last + 1] as number;
    const out = opts.out ?? new Float32Array(rows * O);
    f = g.f32;
    if (O === Op) out.set(f.subarray(y, y + rows * O));
    else for (let r = 0; r < rows; r++) for (let o = 0; o < O; o++) out[r * O + o] = f[y + r * Op + o] as number;
    return { out, tape: opts.tape ? { rows, logits: opts.logits === true, h, ...weights } : null };
  }

  /**
   * Back-propagate `dOut` (∂loss/∂output [rows, outputs], with respect to
   * what `forward` returned) through a taped pass: the parameters' gradient
   * into `grad` (laid out as `offsets`; null: not wanted) and ∂loss/∂input
   * into `dInput` ([rows, inputs]; null: not wanted).
   */
  backward(tape: FlatTape, dOut: Float32Array, grad: Float32Array | null, dInput: Float32Array | null = null): void {
    const g = this.gemm, rows = tape.rows, last = this.layers.length - 1;
    if (dOut.length !== rows * this.outputs) throw new ConfigError(`FlatDense: dOut has ${dOut.length} numbers, expected ${rows} rows of ${this.outputs}`);
    const O = this.outputs, Op = this.padded[last + 1] as number;
    let dz = g.alloc(rows * Op);
    let f = g.f32;
    const top = (this.layers[last] as DenseLayer).activation, y = tape.h[last + 1] as number;
    for (let r = 0; r < rows; r++) {
      for (let o = 0; o < O; o++) f[dz + r * Op + o] = (dOut[r * O + o] as number) * (tape.logits ? 1 : derivative(top, f[y + r * Op + o] as number));
    }
    for (let l = last; l >= 0; l--) {
      const I = this.widths[l] as number, Ip = this.padded[l] as number, Ol = this.widths[l + 1] as number, Olp = this.padded[l + 1] as number;
      const h = tape.h[l] as number;
      if (grad) {
        const o = this.offsets[l] as { w: number; b: number };
        const dW = g.alloc(Ip * Olp);
        g.product(I, Olp, rows, h, 1, Ip, dz, Olp, dW, Olp);
        f = g.f32;
        for (let i = 0; i < I; i++) grad.set(f.subarray(dW + i * Olp, dW + i * Olp + Ol), o.w + i * Ol);
        // ∂b = 1ᵀ dz: A's one row is the constant 1 (both strides 0).
        const db = g.alloc(Olp), one = g.alloc(1);
        g.f32[one] = 1;
        g.product(1, Olp, rows, one, 0, 0, dz, Olp, db, Olp);
        f = g.f32;
        grad.set(f.subarray(db, db + Ol), o.b);
      }
      if (l === 0 && !dInput) break;
      const dh = g.alloc(rows * Ip);
      g.product(rows, Ip, Ol, dz, Olp, 1, tape.wT[l] as number, Ip, dh, Ip);
      f = g.f32;
      if (l === 0) {
        const out = dInput as Float32Array;
        for (let r = 0; r < rows; r++) for (let i = 0; i < I; i++) out[r * I + i] = f[dh + r * Ip + i] as number;
        break;
      }
      const act = (this.layers[l - 1] as DenseLayer).activation;
      if (act === 'relu') g.reluMask(dh, h, rows * Ip);
      else if (act !== 'linear') for (let r = 0; r < rows; r++) for (let i = 0; i < I; i++) f[dh + r * Ip + i] = (f[dh + r * Ip + i] as number) * derivative(act, f[h + r * Ip + i] as number);
      dz = dh;
    }
  }
}

/**
 * A float32 tensor's values, to be read at once: on the wasm backend a view of
 * its heap (no copy; the next tfjs call may move it), else `dataSync`.
 */
function valuesOf(t: tf.Tensor): Float32Array {
  const backend = tf.backend() as unknown as { typedArrayFromHeap?: (t: tf.Tensor) => Float32Array };
  if (typeof backend.typedArrayFromHeap === 'function' && tf.getBackend() === 'wasm') {
    const view = backend.typedArrayFromHeap(t);
    if (view.length === t.size) return view;
  }
  return t.dataSync() as Float32Array;
}

/** act(z) in place on the first `cols` of each `width`-wide row (the padding stays 0); ReLU is `Gemm.addBias`'s. */
function activate(act: DenseActivation, f: Float32Array, at: number, rows: number, width: number, cols: number): void {
  if (act === 'linear' || act === 'relu') return;
  const fn = act === 'tanh' ? Math.tanh : act === 'sigmoid' ? (z: number): number => 1 / (1 + Math.exp(-z)) : (z: number): number => (z > 0 ? z : Math.expm1(z));
  for (let r = 0; r < rows; r++) {
    const o = at + r * width;
    for (let c = o; c < o + cols; c++) f[c] = fn(f[c] as number);
  }
}
