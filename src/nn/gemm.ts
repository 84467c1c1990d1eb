/**
 * Small dense matrix products in a WebAssembly SIMD module of our own, over
 * float32 matrices in its memory: the multi-agent learners' update path
 * (`flat-dense.ts`), where every product is a few hundred rows by 64 columns
 * and tfjs-wasm's kernels cost as much in their wrapping (a tensor per
 * operand and result, XNNPACK repacking every operand it has not seen, the
 * transposes the backward pass needs) as in their arithmetic.
 *
 * One product: C (=|+=) A · B with C [m, n] and B [k, n] row-major (row
 * strides ldc, ldb) and A read through two strides, element (i, p) at
 * a + i·sa + p·sk, so A·B (sa = lda, sk = 1) and Aᵀ·B (sa = 1, sk = lda) are
 * the same loop. n must be a multiple of 4 (callers pad their widths).
 *
 * The module (written out below like `adam.ts`'s) has one micro-kernel per
 * block shape: MR rows × NV float32x4 columns of C held in registers while p
 * runs over k, each step one splat of A's element per row and one load of B
 * per vector. JavaScript picks the blocks. Without WebAssembly SIMD the same
 * products run as plain loops.
 */
import { ConfigError, quote } from '../core/errors.js';
import { get, I32, name, section, set, simd, uleb, V128, vec } from './wasm-encode.js';

const v128load = (offset: number): number[] => [...simd(0x00), 2, ...uleb(offset)];
const v128store = (offset: number): number[] => [...simd(0x0b), 2, ...uleb(offset)];
const F32_LOAD = [0x2a, 2, 0];
const [SPLAT, ADD, MUL] = [simd(0x13), simd(0xe4), simd(0xe6)];
const [I32_ADD, I32_GE_U, I32_CONST1] = [0x6a, 0x4f, [0x41, 1]];
const [BLOCK, LOOP, IF, BR, BR_IF, END, VOID] = [0x02, 0x03, 0x04, 0x0c, 0x0d, 0x0b, 0x40];

/** The block shapes, as [MR, NV]; the export of each is `k<MR>x<NV>`. */
const SHAPES: readonly [number, number][] = [[4, 2], [4, 1], [1, 2], [1, 1]];

/**
 * kernel(a, sa, sk, b, ldb, c, ldc, k, accumulate), addresses and strides in
 * bytes: C[i, 4v .. 4v+4) (+)= Σ_p A(i, p) · B[p, 4v .. 4v+4) for i < MR, v < NV.
 */
function kernel(MR: number, NV: number): number[] {
  // Params 0 a, 1 sa, 2 sk, 3 b, 4 ldb, 5 c, 6 ldc, 7 k, 8 accumulate.
  // i32 locals: 9 p, then the pointers of rows 1 … MR−1 of A (row 0 walks in param 0);
  // v128 locals: acc[i][v], then B's vectors at p, then the splat of A(i, p).
  const P = 9, ROW = 10, ACC = ROW + MR - 1, BV = ACC + MR * NV, X = BV + NV;
  const row = (i: number): number => (i === 0 ? 0 : ROW + i - 1);
  const acc = (i: number, v: number): number => ACC + i * NV + v;
  const code: number[] = [...vec([[MR, I32], [MR * NV + NV + 1, V128]])];
  for (let i = 1; i < MR; i++) code.push(...get(row(i - 1)), ...get(1), I32_ADD, ...set(row(i)));
  code.push(BLOCK, VOID, LOOP, VOID, ...get(P), ...get(7), I32_GE_U, BR_IF, 1);
  for (let v = 0; v < NV; v++) code.push(...get(3), ...v128load(16 * v), ...set(BV + v));
  for (let i = 0; i < MR; i++) {
    code.push(...get(row(i)), ...F32_LOAD, ...SPLAT, ...set(X));
    for (let v = 0; v < NV; v++) code.push(...get(acc(i, v)), ...get(X), ...get(BV + v), ...MUL, ...ADD, ...set(acc(i, v)));
    code.push(...get(row(i)), ...get(2), I32_ADD, ...set(row(i)));
  }
  code.push(...get(3), ...get(4), I32_ADD, ...set(3), ...get(P), ...I32_CONST1, I32_ADD, ...set(P), BR, 0, END, END);
  // Row i of C at c + i·ldc; with `accumulate`, add what it holds.
  for (let i = 0; i < MR; i++) {
    code.push(...get(8), IF, VOID);
    for (let v = 0; v < NV; v++) code.push(...get(5), ...v128load(16 * v), ...get(acc(i, v)), ...ADD, ...set(acc(i, v)));
    code.push(END);
    for (let v = 0; v < NV; v++) code.push(...get(5), ...get(acc(i, v)), ...v128store(16 * v));
    if (i + 1 < MR) code.push(...get(5), ...get(6), I32_ADD, ...set(5));
  }
  code.push(END);
  return code;
}

const ZERO = [0x41, 0, ...simd(0x11)]; // i32x4.splat(0): +0.0 in every lane
const [F32X4_MAX, F32X4_GT, V128_AND, I32_SHL, I32_CONST4] = [simd(0xe9), simd(0x44), simd(0x4e), 0x74, [0x41, 4]];

/**
 * bias(c, ldc, rows, b, n4) / biasRelu(…): each of `rows` rows of C (n4
 * float32x4 each, stride ldc bytes) += b (then max with 0).
 */
function biasBody(relu: boolean): number[] {
  // Params 0 c, 1 ldc, 2 rows, 3 b, 4 n4; locals 5 r, 6 v (bytes), 7 end (bytes), 8 zero (v128).
  return [
    ...vec([[3, I32], [1, V128]]),
    ...ZERO, ...set(8), ...get(4), ...I32_CONST4, I32_SHL, ...set(7),
    BLOCK, VOID, LOOP, VOID, ...get(5), ...get(2), I32_GE_U, BR_IF, 1,
    0x41, 0, ...set(6),
    BLOCK, VOID, LOOP, VOID, ...get(6), ...get(7), I32_GE_U, BR_IF, 1,
    ...get(0), ...get(6), I32_ADD,
    ...get(0), ...get(6), I32_ADD, ...v128load(0), ...get(3), ...get(6), I32_ADD, ...v128load(0), ...ADD,
    ...(relu ? [...get(8), ...F32X4_MAX] : []),
    ...v128store(0),
    ...get(6), 0x41, 16, I32_ADD, ...set(6), BR, 0, END, END,
    ...get(0), ...get(1), I32_ADD, ...set(0), ...get(5), ...I32_CONST1, I32_ADD, ...set(5), BR, 0, END, END,
    END,
  ];
}

/** reluMask(d, h, n4): d ← d where h > 0, else 0, over n4 float32x4 (ReLU's backward from its output). */
function reluMaskBody(): number[] {
  // Params 0 d, 1 h, 2 n4; locals 3 i (bytes), 4 end (bytes), 5 zero (v128).
  return [
    ...vec([[2, I32], [1, V128]]),
    ...ZERO, ...set(5), ...get(2), ...I32_CONST4, I32_SHL, ...set(4),
    BLOCK, VOID, LOOP, VOID, ...get(3), ...get(4), I32_GE_U, BR_IF, 1,
    ...get(0), ...get(3), I32_ADD,
    ...get(0), ...get(3), I32_ADD, ...v128load(0), ...get(1), ...get(3), I32_ADD, ...v128load(0), ...get(5), ...F32X4_GT, ...V128_AND,
    ...v128store(0),
    ...get(3), 0x41, 16, I32_ADD, ...set(3), BR, 0, END, END,
    END,
  ];
}

function gemmModule(pages: number): Uint8Array {
  const body = (b: number[]): number[] => [...uleb(b.length), ...b];
  const types = [
    [0x60, ...vec([[I32], [I32], [I32], [I32], [I32], [I32], [I32], [I32], [I32]]), ...vec([])],
    [0x60, ...vec([[I32], [I32], [I32], [I32], [I32]]), ...vec([])],
    [0x60, ...vec([[I32], [I32], [I32]]), ...vec([])],
  ];
  const functions: { name: string; type: number; code: number[] }[] = [
    ...SHAPES.map(([MR, NV]) => ({ name: `k${MR}x${NV}`, type: 0, code: kernel(MR, NV) })),
    { name: 'bias', type: 1, code: biasBody(false) },
    { name: 'biasRelu', type: 1, code: biasBody(true) },
    { name: 'reluMask', type: 2, code: reluMaskBody() },
  ];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(3, vec(functions.map((f) => [f.type]))),
    ...section(5, vec([[0x00, ...uleb(pages)]])),
    ...section(7, vec([[...name('memory'), 0x02, 0], ...functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)])])),
    ...section(10, vec(functions.map((f) => body(f.code)))),
  ]);
}

type Kernel = (a: number, sa: number, sk: number, b: number, ldb: number, c: number, ldc: number, k: number, accumulate: number) => void;

interface WasmApi {
  validate(binary: Uint8Array): boolean;
  Module: new (binary: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

interface GemmExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  k4x2: Kernel;
  k4x1: Kernel;
  k1x2: Kernel;
  k1x1: Kernel;
  bias(c: number, ldc: number, rows: number, b: number, n4: number): void;
  biasRelu(c: number, ldc: number, rows: number, b: number, n4: number): void;
  reluMask(d: number, h: number, n4: number): void;
}

/**
 * A float32 arena (the module's memory, or a plain buffer without SIMD) with
 * the products over it. Offsets and strides are in floats. `alloc` hands out
 * 16-byte-aligned slices until `reset`; `f32` is the whole arena (read it
 * again after an `alloc`: growing the memory replaces the buffer).
 */
export class Gemm {
  readonly simd: boolean;
  private readonly wasm: GemmExports | null;
  private buffer: ArrayBuffer;
  f32: Float32Array;
  private top = 0;

  constructor(opts: { simd?: boolean; floats?: number } = {}) {
    const floats = Math.max(16, opts.floats ?? 1 << 18);
    let wasm: GemmExports | null = null;
    if (opts.simd !== false) {
      try {
        const WA = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
        const binary = gemmModule(Math.ceil((4 * floats) / 65536));
        if (WA?.validate(binary)) wasm = new WA.Instance(new WA.Module(binary), {}).exports as GemmExports;
      } catch {
        wasm = null; // no WebAssembly SIMD here: the loops below
      }
    }
    this.wasm = wasm;
    this.simd = wasm !== null;
    this.buffer = wasm ? wasm.memory.buffer : new ArrayBuffer(4 * floats);
    this.f32 = new Float32Array(this.buffer);
  }

  /** Floats in use. */
  get used(): number {
    return this.top;
  }

  /** A zeroed slice of `n` floats; its offset. */
  alloc(n: number): number {
    const at = this.top;
    const end = at + Math.ceil(n / 4) * 4;
    if (end > this.f32.length) this.grow(end);
    this.top = end;
    this.f32.fill(0, at, end);
    return at;
  }

  /** Free everything allocated after `mark` (a `used` value). */
  release(mark: number): void {
    this.top = mark;
  }

  private grow(floats: number): void {
    const bytes = 4 * Math.max(floats, 2 * this.f32.length);
    if (this.wasm) {
      this.wasm.memory.grow(Math.ceil((bytes - this.buffer.byteLength) / 65536));
      this.buffer = this.wasm.memory.buffer;
    } else {
      const next = new ArrayBuffer(bytes);
      new Float32Array(next).set(this.f32);
      this.buffer = next;
    }
    this.f32 = new Float32Array(this.buffer);
  }

  /**
   * C (=|+=) A · B: C [m, n] at `c` (row stride ldc), B [k, n] at `b` (row
   * stride ldb), A(i, p) at a + i·sa + p·sk. n a multiple of 4.
   */
  product(m: number, n: number, k: number, a: number, sa: number, sk: number, b: number, ldb: number, c: number, ldc: number, accumulate = false): void {
    if (n % 4 !== 0) throw new ConfigError(`Gemm: n must be a multiple of 4, got ${quote(n)}`);
    const w = this.wasm;
    if (!w) return this.plain(m, n, k, a, sa, sk, b, ldb, c, ldc, accumulate);
    const acc = accumulate ? 1 : 0;
    let i = 0;
    for (; i + 4 <= m; i += 4) {
      let j = 0;
      for (; j + 8 <= n; j += 8) w.k4x2(4 * (a + i * sa), 4 * sa, 4 * sk, 4 * (b + j), 4 * ldb, 4 * (c + i * ldc + j), 4 * ldc, k, acc);
      if (j < n) w.k4x1(4 * (a + i * sa), 4 * sa, 4 * sk, 4 * (b + j), 4 * ldb, 4 * (c + i * ldc + j), 4 * ldc, k, acc);
    }
    for (; i < m; i++) {
      let j = 0;
      for (; j + 8 <= n; j += 8) w.k1x2(4 * (a + i * sa), 4 * sa, 4 * sk, 4 * (b + j), 4 * ldb, 4 * (c + i * ldc + j), 4 * ldc, k, acc);
      if (j < n) w.k1x1(4 * (a + i * sa), 4 * sa, 4 * sk, 4 * (b + j), 4 * ldb, 4 * (c + i * ldc + j), 4 * ldc, k, acc);
    }
  }

  /** Each of `rows` rows of C [rows, n] (row stride ldc) += b [n] (then ReLU); n a multiple of 4. */
  addBias(c: number, ldc: number, rows: number, b: number, n: number, relu: boolean): void {
    const w = this.wasm;
    if (w) return (relu ? w.biasRelu : w.bias)(4 * c, 4 * ldc, rows, 4 * b, n / 4);
    const f = this.f32;
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < n; j++) {
        const z = (f[c + r * ldc + j] as number) + (f[b + j] as number);
        f[c + r * ldc + j] = relu && !(z > 0) ? 0 : z;
      }
    }
  }

  /** d[i] ← h[i] > 0 ? d[i] : 0 for i < n (n a multiple of 4): ReLU's backward from its output h. */
  reluMask(d: number, h: number, n: number): void {
    const w = this.wasm;
    if (w) return w.reluMask(4 * d, 4 * h, n / 4);
    const f = this.f32;
    for (let i = 0; i < n; i++) if (!((f[h + i] as number) > 0)) f[d + i] = 0;
  }

  private plain(m: number, n: number, k: number, a: number, sa: number, sk: number, b: number, ldb: number, c: number, ldc: number, accumulate: boolean): void {
    const f = this.f32;
    const row = new Float32Array(n);
    for (let i = 0; i < m; i++) {
      row.fill(0);
      for (let p = 0; p < k; p++) {
        const x = f[a + i * sa + p * sk] as number;
        const bo = b + p * ldb;
        for (let j = 0; j < n; j++) row[j] = Math.fround((row[j] as number) + Math.fround(x * (f[bo + j] as number)));
      }
      const co = c + i * ldc;
      for (let j = 0; j < n; j++) f[co + j] = accumulate ? (f[co + j] as number) + (row[j] as number) : (row[j] as number);
    }
  }
}
