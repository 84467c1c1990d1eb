/**
 * Acting without TensorFlow.js: a copy of a dense network's weights in a
 * small WebAssembly memory and a SIMD kernel that runs the forward pass of a
 * few rows (one observation, or one per agent) on it.
 *
 * Why: an action through tfjs costs kernel dispatch and tensor bookkeeping
 * (whose garbage collection makes the latency tail), and right after an
 * update the wasm backend repacks the new weights on the first matmul that
 * reads them (XNNPACK packs a weight matrix per tensor), so the first action
 * after every update pays for the packing. Here an update ends with one
 * memory copy of the weights (`load`), and an action is a few calls into a
 * kernel that reads them in place.
 *
 * The arithmetic is float32 and in tfjs-wasm's order, so the outputs are the
 * same bits as the tfjs forward pass on that backend (XNNPACK's f32 GEMM
 * without FMA: each output starts from its bias and adds xᵢ·wᵢⱼ for
 * i = 0, 1, … in order, each product and sum rounded to float32; ReLU is a
 * clamp at 0; tanh is musl's tanhf, as the backend's kernel, float32-math.ts).
 * Sigmoid and ELU run in JavaScript's double precision on the float32
 * outputs, so they may differ from tfjs's in the last bit.
 *
 * Weights are read from a flat vector laid out as the learners keep them
 * (`FlatAdam`'s theta, `DenseStack`'s layout: each layer's kernel [in, out]
 * row-major, its bias right after). Without WebAssembly SIMD the same
 * float32 arithmetic runs in JavaScript (`Math.fround` after every operation).
 */
import { ConfigError, quote } from '../core/errors.js';
import type { DenseActivation, DenseStack } from './dense.js';
import { tanhf } from './float32-math.js';
import { F32, get, I32, i32, name, section, set, simd, uleb, V128, vec } from './wasm-encode.js';

export interface MirrorLayer {
  inputs: number;
  units: number;
  activation: DenseActivation;
}

interface WasmApi {
  validate(binary: Uint8Array): boolean;
  Module: new (binary: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

interface KernelExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  /** y = act(x · W + b) for one row; byte addresses; relu 0/1. */
  dense(x: number, w: number, b: number, y: number, inputs: number, units: number, relu: number): void;
}

/**
 * The kernel (one exported function, `dense`, and a memory): outputs in
 * blocks of 16 (four f32x4 accumulators kept in locals over the whole input),
 * then of 4, then one at a time; every accumulator starts at the bias and
 * adds splat(xᵢ) · W[i, j … j+3] for i in order.
 */
function kernelModule(): Uint8Array {
  const vload = (offset: number): number[] => [...simd(0x00), 2, ...uleb(offset)]; // v128.load, 4-byte alignment hint
  const vstore = (offset: number): number[] => [...simd(0x0b), 2, ...uleb(offset)];
  const [splat, vadd, vmul, vmax] = [simd(0x13), simd(0xe4), simd(0xe6), simd(0xe9)];
  const [F32_LOAD, F32_STORE, F32_ADD, F32_MUL, F32_MAX] = [0x2a, 0x38, 0x92, 0x94, 0x97];
  const [I32_ADD, I32_SHL, I32_GT_U, I32_GE_U] = [0x6a, 0x74, 0x4b, 0x4f];
  const [BLOCK, LOOP, IF, BR, BR_IF, END, VOID] = [0x02, 0x03, 0x04, 0x0c, 0x0d, 0x0b, 0x40];
  const F32_ZERO = [0x43, 0, 0, 0, 0];
  // params 0 x, 1 w, 2 b, 3 y, 4 inputs, 5 units, 6 relu; locals i32 7 j (bytes), 8 i (address in x), 9 wp, 10 stride, 11 xend;
  // v128 12-15 accumulators, 16 the splat of xᵢ, 17 zero; f32 18 the scalar accumulator.
  const [X, W, B, Y, INPUTS, UNITS, RELU, J, I, WP, STRIDE, XEND, XS, ZERO, S] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 16, 17, 18];
  const acc = (k: number): number => 12 + k;
  const add = (a: number[], b: number[]): number[] => [...a, ...b, I32_ADD];
  /** One block of `n` accumulators (n·4 outputs) at column j, then j += n·16 bytes. */
  const blockOf = (n: number): number[] => {
    const ks = Array.from({ length: n }, (_, k) => k);
    return [
      BLOCK, VOID, LOOP, VOID,
      ...add(get(J), i32(16 * n)), ...get(STRIDE), I32_GT_U, BR_IF, 1,
      ...ks.flatMap((k) => [...add(get(B), get(J)), ...vload(16 * k), ...set(acc(k))]),
      ...add(get(W), get(J)), ...set(WP),
      ...get(X), ...set(I),
      BLOCK, VOID, LOOP, VOID,
      ...get(I), ...get(XEND), I32_GE_U, BR_IF, 1,
      ...get(I), F32_LOAD, 2, 0, ...splat, ...set(XS),
      ...ks.flatMap((k) => [...get(acc(k)), ...get(XS), ...get(WP), ...vload(16 * k), ...vmul, ...vadd, ...set(acc(k))]),
      ...add(get(WP), get(STRIDE)), ...set(WP),
      ...add(get(I), i32(4)), ...set(I),
      BR, 0, END, END,
      ...get(RELU), IF, VOID, ...ks.flatMap((k) => [...get(acc(k)), ...get(ZERO), ...vmax, ...set(acc(k))]), END,
      ...ks.flatMap((k) => [...add(get(Y), get(J)), ...get(acc(k)), ...vstore(16 * k)]),
      ...add(get(J), i32(16 * n)), ...set(J),
      BR, 0, END, END,
    ];
  };
  const scalarTail = [
    BLOCK, VOID, LOOP, VOID,
    ...get(J), ...get(STRIDE), I32_GE_U, BR_IF, 1,
    ...add(get(B), get(J)), F32_LOAD, 2, 0, ...set(S),
    ...add(get(W), get(J)), ...set(WP),
    ...get(X), ...set(I),
    BLOCK, VOID, LOOP, VOID,
    ...get(I), ...get(XEND), I32_GE_U, BR_IF, 1,
    ...get(S), ...get(I), F32_LOAD, 2, 0, ...get(WP), F32_LOAD, 2, 0, F32_MUL, F32_ADD, ...set(S),
    ...add(get(WP), get(STRIDE)), ...set(WP),
    ...add(get(I), i32(4)), ...set(I),
    BR, 0, END, END,
    ...get(RELU), IF, VOID, ...get(S), ...F32_ZERO, F32_MAX, ...set(S), END,
    ...add(get(Y), get(J)), ...get(S), F32_STORE, 2, 0,
    ...add(get(J), i32(4)), ...set(J),
    BR, 0, END, END,
  ];
  const dense = [
    ...vec([[5, I32], [6, V128], [1, F32]]),
    ...get(UNITS), ...i32(2), I32_SHL, ...set(STRIDE),
    ...add(get(X), [...get(INPUTS), ...i32(2), I32_SHL]), ...set(XEND),
    ...F32_ZERO, ...splat, ...set(ZERO),
    ...blockOf(4),
    ...blockOf(1),
    ...scalarTail,
    END,
  ];
  const body = [...uleb(dense.length), ...dense];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec([[I32], [I32], [I32], [I32], [I32], [I32], [I32]]), ...vec([])]])),
    ...section(3, vec([[0]])),
    ...section(5, vec([[0x00, 1]])),
    ...section(7, vec([[...name('memory'), 0x02, 0], [...name('dense'), 0x00, 0]])),
    ...section(10, vec([body])),
  ]);
}

let compiled: object | null | undefined;

/** The compiled kernel, or null where WebAssembly SIMD is missing. */
function kernel(): object | null {
  if (compiled !== undefined) return compiled;
  try {
    const WA = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
    const binary = kernelModule();
    compiled = WA?.validate(binary) ? new WA.Module(binary) : null;
  } catch {
    compiled = null;
  }
  return compiled;
}

const ACTIVATIONS: readonly string[] = ['relu', 'tanh', 'linear', 'elu', 'sigmoid'];
const pad4 = (n: number): number => Math.ceil(n / 4) * 4;

/**
 * A dense network (layers of `MirrorLayer`) for up to `maxRows` rows at a
 * time, its weights copied in by `load`. Not a trainable model: the learner
 * that owns the weights calls `load` whenever they change.
 */
export class ActMirror {
  readonly inputs: number;
  readonly outputs: number;
  /** Whether the WebAssembly SIMD kernel runs (else the JavaScript loop). */
  readonly simd: boolean;
  /** Float offsets in `mem`: each layer's kernel (its bias follows), the input rows, and two activation buffers. */
  private readonly weightAt: number[] = [];
  private readonly inAt: number;
  private readonly bufAt: [number, number];
  private readonly mem: Float32Array;
  private readonly wasm: KernelExports | null;
  private readonly widest: number;

  constructor(readonly layers: readonly MirrorLayer[], readonly maxRows = 1, opts: { simd?: boolean } = {}) {
    if (layers.length === 0) throw new ConfigError('ActMirror: no layers');
    if (!Number.isSafeInteger(maxRows) || maxRows < 1) throw new ConfigError(`ActMirror: maxRows must be a positive integer, got ${quote(maxRows)}`);
    layers.forEach((l, i) => {
      if (!Number.isSafeInteger(l.inputs) || l.inputs < 1 || !Number.isSafeInteger(l.units) || l.units < 1) throw new ConfigError(`ActMirror: layer ${i} needs positive integer sizes, got ${quote({ inputs: l.inputs, units: l.units })}`);
      if (!ACTIVATIONS.includes(l.activation)) throw new ConfigError(`ActMirror: layer ${i} activation must be one of ${ACTIVATIONS.join(', ')}, got ${quote(l.activation)}`);
      if (i > 0 && (layers[i - 1] as MirrorLayer).units !== l.inputs) throw new ConfigError(`ActMirror: layer ${i} takes ${l.inputs} inputs, layer ${i - 1} gives ${(layers[i - 1] as MirrorLayer).units}`);
    });
    this.inputs = (layers[0] as MirrorLayer).inputs;
    this.outputs = (layers[layers.length - 1] as MirrorLayer).units;
    this.widest = Math.max(...layers.map((l) => l.units));
    let at = 0;
    for (const l of layers) {
      this.weightAt.push(at);
      at += pad4(l.inputs * l.units + l.units);
    }
    this.inAt = at;
    at += pad4(maxRows * this.inputs);
    const buf = pad4(maxRows * this.widest);
    this.bufAt = [at, at + buf];
    at += 2 * buf;
    const module = opts.simd === false ? null : kernel();
    let wasm: KernelExports | null = null;
    if (module) {
      const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
      wasm = new WA.Instance(module, {}).exports as KernelExports;
      const pages = Math.ceil((4 * at) / 65536);
      if (pages > 1) wasm.memory.grow(pages - 1);
    }
    this.wasm = wasm;
    this.simd = wasm !== null;
    this.mem = wasm ? new Float32Array(wasm.memory.buffer, 0, at) : new Float32Array(at);
  }

  /** A mirror with `stack`'s layer sizes and activations. */
  static ofStack(stack: DenseStack, maxRows = 1, opts: { simd?: boolean } = {}): ActMirror {
    return new ActMirror(stack.layers.map((l) => ({ inputs: l.kernel.shape[0] as number, units: l.kernel.shape[1] as number, activation: l.activation })), maxRows, opts);
  }

  /** `DenseStack` layout at `offset` of a flat vector: each layer's kernel offset (its bias right after). */
  static stackOffsets(stack: DenseStack, offset = 0): number[] {
    return stack.offsets.map((o) => offset + o.w);
  }

  /** Copy the weights in: layer l's kernel [in, units] row-major from `source[offsets[l]]`, its bias right after. */
  load(source: Float32Array, offsets: readonly number[]): void {
    if (offsets.length !== this.layers.length) throw new ConfigError(`ActMirror: ${offsets.length} layer offsets for ${this.layers.length} layers`);
    this.layers.forEach((l, i) => {
      const from = offsets[i] as number, n = l.inputs * l.units + l.units;
      if (!(from >= 0 && from + n <= source.length)) throw new ConfigError(`ActMirror: layer ${i}'s weights at ${from} run past the vector's ${source.length} numbers`);
      this.mem.set(source.subarray(from, from + n), this.weightAt[i] as number);
    });
  }

  /**
   * The outputs of `rows` rows of `x` (row-major [rows, inputs], read from
   * `xOffset`): a view of the mirror's memory, [rows, outputs], valid until the
   * next call.
   */
  forward(x: ArrayLike<number>, rows = 1, xOffset = 0): Float32Array {
    if (!(Number.isSafeInteger(rows) && rows >= 1 && rows <= this.maxRows)) throw new ConfigError(`ActMirror: rows must be an integer in [1, ${this.maxRows}], got ${quote(rows)}`);
    const mem = this.mem, I = this.inputs;
    if (x.length - xOffset < rows * I) throw new ConfigError(`ActMirror: input has ${x.length - xOffset} numbers, expected ${rows} rows of ${I}`);
    for (let i = 0; i < rows * I; i++) mem[this.inAt + i] = x[xOffset + i] as number;
    let src = this.inAt, dst = this.bufAt[0];
    this.layers.forEach((l, li) => {
      const w = this.weightAt[li] as number, b = w + l.inputs * l.units;
      for (let r = 0; r < rows; r++) this.dense(src + r * l.inputs, w, b, dst + r * l.units, l.inputs, l.units, l.activation === 'relu');
      if (l.activation !== 'relu' && l.activation !== 'linear') {
        for (let i = dst, end = dst + rows * l.units; i < end; i++) mem[i] = activate(l.activation, mem[i] as number);
      }
      src = dst;
      dst = dst === this.bufAt[0] ? this.bufAt[1] : this.bufAt[0];
    });
    return mem.subarray(src, src + rows * this.outputs);
  }

  /** One row of one layer (float offsets in `mem`). */
  private dense(x: number, w: number, b: number, y: number, inputs: number, units: number, relu: boolean): void {
    if (this.wasm) {
      this.wasm.dense(4 * x, 4 * w, 4 * b, 4 * y, inputs, units, relu ? 1 : 0);
      return;
    }
    const mem = this.mem, f = Math.fround;
    for (let j = 0; j < units; j++) {
      let s = mem[b + j] as number;
      for (let i = 0; i < inputs; i++) s = f(s + f((mem[x + i] as number) * (mem[w + i * units + j] as number)));
      mem[y + j] = relu && s <= 0 ? 0 : s; // as f32x4.max(s, 0): NaN stays, −0 becomes 0
    }
  }
}

function activate(a: DenseActivation, v: number): number {
  switch (a) {
    case 'tanh':
      return tanhf(v);
    case 'sigmoid':
      return 1 / (1 + Math.exp(-v));
    case 'elu':
      return v > 0 ? v : Math.expm1(v);
    default:
      return v;
  }
}
