/**
 * `faasgym bench agents`: how fast our DQN trains and acts, next to the same
 * network and update in PyTorch on the CPU, measured in the same run
 * (bench/README.md, "Learner speed").
 *
 * The network is Darly's (§4.5): an MLP 35 → 256 → 128 → 64 → 15 with ReLU.
 * A training step is Stable-Baselines3's DQN update, which agents/dqn.ts
 * follows: a minibatch of 32 drawn uniformly from a replay buffer (10,000
 * random transitions here), the TD target r + γ(1 − done)·max_a Q'(s', a) from
 * the target network (γ = 0.99), Huber loss (δ = 1) on the gathered Q(s, a),
 * gradients clipped to global norm 10, one Adam step (learning rate 0.0025),
 * and the loss read back. An action is one greedy action of one observation
 * (batch 1): a row of numbers in, an action index out.
 *
 * Three implementations are timed in alternating rounds (medians reported):
 * - `LeanDqn` below (the headline numbers): the same update, hand-written for
 *   what the WebAssembly backend does fast. Forward passes are one fused
 *   matmul+bias+activation kernel per layer run through `engine.runKernel`
 *   (the op wrappers cost as much as the kernels at this size); the backward
 *   pass is written out by hand and avoids transposed matmuls, which
 *   tfjs-backend-wasm runs in a scalar fallback loop 5-10x slower than
 *   XNNPACK's (it uses XNNPACK only without transpose flags); the loss, TD
 *   error and ∂loss/∂Q are computed in JavaScript from the 32 × 15 Q values;
 *   gradient clipping and Adam run over one flat float32 vector in a small
 *   WebAssembly SIMD module built below (`FlatAdam`; tfjs's Adam is ~12
 *   kernel launches per weight tensor, slicing a flat tensor copies it whole
 *   on this backend, and a JavaScript loop is bound by double-precision
 *   square roots and divisions).
 * - agents/dqn.ts as it is (`agent` in the report): a tfjs-layers model
 *   trained through `mlpForward` (gradients without transposed matmuls),
 *   `tf.variableGrads` and `tf.train.adam`, acting through `mlpPredict`
 *   (src/nn/mlp-predict.ts: fused kernels on cached weight views).
 * - bench/torch_dqn_bench.py, a long-lived child process answering one round
 *   at a time, with torch.set_num_threads set to our thread count (and, as a
 *   second reference, torch's default count).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { AnyEnv } from '../core/env.js';
import { ConfigError, quote } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import { mlp } from '../nn/mlp.js';
import { ReplayBuffer, type Batch } from '../nn/replay.js';
import { initTf, tf, type TfBackend } from '../nn/tf.js';
import { Box } from '../spaces/box.js';
import { Discrete } from '../spaces/discrete.js';
import { defaultPython, packageRoot } from '../host.js';

// ================================================================ THE BENCHMARK'S NETWORK AND UPDATE

/** Darly's DQN (§4.5, /work/shared/data/paper-numbers.json darly_nodes_table1.dqn) and SB3's update. */
export const DQN_BENCH_CONFIG = Object.freeze({
  obsDim: 35,
  hidden: Object.freeze([256, 128, 64]) as readonly number[],
  actions: 15,
  batchSize: 32,
  learningRate: 0.0025,
  gamma: 0.99,
  maxGradNorm: 10,
  loss: 'huber' as const,
  replaySize: 10_000,
});

export interface AgentBenchOptions {
  /** Timed training steps per round and implementation. @default 300 */
  steps?: number;
  /** Timed batch-1 actions per round and implementation. @default 2000 */
  actions?: number;
  /** Alternating rounds; the medians over rounds are reported. @default 5 */
  rounds?: number;
  /** Untimed training steps (and actions) of each side before the first round: JIT and WebAssembly tier-up, caches. @default `steps` */
  warmup?: number;
  /** Python interpreter for the PyTorch reference; `null` skips it. @default --python, $FAASGYM_PYTHON, /usr/bin/python3 when present, else python3 */
  python?: string | null;
  /** Extra environment variables for the Python process (e.g. LD_LIBRARY_PATH to pick a BLAS). */
  pythonEnv?: Record<string, string>;
  /** Also time agents/dqn.ts as it is. @default true */
  agent?: boolean;
  /** @default 0 */
  seed?: number;
  /** Progress lines (one per round). */
  onProgress?: (line: string) => void;
}

export interface LatencyUs {
  median: number;
  p99: number;
}

export type TorchResult =
  | {
      available: true;
      version: string;
      /** torch.get_num_threads() during the measurement: set to ours. */
      threads: number;
      trainStepsPerSecond: number;
      actionLatencyUs: LatencyUs;
      actionAfterUpdateUs: number;
      /** The BLAS torch's matrix products go through (what /proc/self/maps shows loaded, and torch's BLAS_INFO). */
      blas: { kind: string; library: string | null; buildInfo: string | null };
      python: string;
      /** The second reference: torch at its default thread count (the same numbers when that count equals `threads`). */
      defaultThreads: { threads: number; trainStepsPerSecond: number; actionLatencyUs: LatencyUs };
      /** Median CPU microseconds (all threads) per training step: less sensitive than wall time to other load. */
      trainCpuMicrosPerStep: number;
    }
  | { available: false; reason: string };

export interface Ratios {
  /** ours ÷ torch steps per second (> 1: we train faster). */
  train: number | null;
  /** torch ÷ ours median latency (> 1: we act faster). */
  actionMedian: number | null;
  /** torch ÷ ours 99th-percentile latency. */
  actionP99: number | null;
  /** torch ÷ ours median latency of the first action after a training step. */
  actionAfterUpdate: number | null;
}

export interface AgentSpeed {
  available: true;
  trainStepsPerSecond: number;
  actionLatencyUs: LatencyUs;
  actionAfterUpdateUs: number;
  trainCpuMicrosPerStep: number;
  ratios: Ratios;
}

export interface AgentBenchRound {
  ours: RoundNumbers;
  agent: RoundNumbers | null;
  torch: RoundNumbers | null;
  torchDefaultThreads: RoundNumbers | null;
}

export interface RoundNumbers {
  trainStepsPerSecond: number;
  trainCpuMicrosPerStep: number;
  actionLatencyUs: LatencyUs;
  /** Median latency of the first action after a training step (weights just changed). */
  actionAfterUpdateUs: number;
}

export interface AgentBenchReport {
  benchmark: 'agents';
  /** The TensorFlow.js backend. */
  backend: TfBackend;
  /** Threads our side computes with (tfjs-wasm in Node: 1). PyTorch is set to the same. */
  threads: number;
  /** What the headline numbers measure. */
  implementation: string;
  dqnTrainStepsPerSecond: number;
  actionLatencyUs: LatencyUs;
  /** Median latency of the first action after a training step: with tfjs-backend-wasm it includes XNNPACK repacking the new weights. */
  actionAfterUpdateUs: number;
  trainCpuMicrosPerStep: number;
  torch: TorchResult;
  ratios: Ratios;
  /** agents/dqn.ts as it is, in the same rounds, with its own ratios to PyTorch. */
  agent: AgentSpeed | { available: false; reason: string };
  network: { layers: number[]; batchSize: number; optimizer: string; learningRate: number; gamma: number; loss: string; maxGradNorm: number; replaySize: number };
  steps: number;
  actions: number;
  warmup: number;
  rounds: AgentBenchRound[];
  wasm: { simd: boolean; multithread: boolean } | null;
  node: string;
  cpu: string;
  cpuCount: number;
  /** 1-, 5- and 15-minute load averages at the start and at the end. */
  loadAverage: { start: number[]; end: number[] };
  notes: string[];
}

// ================================================================ STATISTICS

/** Nearest-rank quantile of an ascending array (the same rule as bench/torch_dqn_bench.py). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] as number;
}

export function median(values: readonly number[]): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = v.length >> 1;
  return v.length % 2 ? (v[mid] as number) : ((v[mid - 1] as number) + (v[mid] as number)) / 2;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** Ours ÷ torch for throughput, torch ÷ ours for latency: > 1 means faster than PyTorch. Null where either side is missing. */
type Speeds = { trainStepsPerSecond: number; actionLatencyUs: LatencyUs; actionAfterUpdateUs?: number };

export function computeRatios(ours: Speeds, torch: Speeds | null): Ratios {
  const ratio = (a: number | undefined, b: number | undefined): number | null =>
    a !== undefined && b !== undefined && Number.isFinite(a) && Number.isFinite(b) && b > 0 ? round3(a / b) : null;
  return {
    train: ratio(ours.trainStepsPerSecond, torch?.trainStepsPerSecond),
    actionMedian: ratio(torch?.actionLatencyUs.median, ours.actionLatencyUs.median),
    actionP99: ratio(torch?.actionLatencyUs.p99, ours.actionLatencyUs.p99),
    actionAfterUpdate: ratio(torch?.actionAfterUpdateUs, ours.actionAfterUpdateUs),
  };
}

function summarize(rounds: readonly RoundNumbers[]): RoundNumbers {
  return {
    trainStepsPerSecond: round3(median(rounds.map((r) => r.trainStepsPerSecond))),
    trainCpuMicrosPerStep: round3(median(rounds.map((r) => r.trainCpuMicrosPerStep))),
    actionLatencyUs: {
      median: round3(median(rounds.map((r) => r.actionLatencyUs.median))),
      p99: round3(median(rounds.map((r) => r.actionLatencyUs.p99))),
    },
    actionAfterUpdateUs: round3(median(rounds.map((r) => r.actionAfterUpdateUs))),
  };
}

// ================================================================ ADAM OVER ONE FLAT VECTOR

/**
 * A WebAssembly module (written out below, 370 bytes) with two SIMD loops over
 * four float32 arrays laid end to end in its memory: grad, m, v, theta, each
 * `n4 * 4` floats:
 *   sumsq(n4) → Σ grad²
 *   adam(n4, scale, β1, 1−β1, β2, 1−β2, a, e):
 *     g = scale·grad; m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²; theta −= a·m / (√v + e)
 * JavaScript numbers are doubles: its square root and division go through the
 * same scalar divider, ~9 cycles per weight; f32x4 does four at a time.
 */
function adamWasmModule(pages: number): Uint8Array {
  const uleb = (n: number): number[] => {
    const out: number[] = [];
    do {
      let b = n & 0x7f;
      n >>>= 7;
      if (n) b |= 0x80;
      out.push(b);
    } while (n);
    return out;
  };
  const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
  const section = (id: number, bytes: number[]): number[] => [id, ...uleb(bytes.length), ...bytes];
  const name = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (ch) => ch.charCodeAt(0))];
  const [I32, F32, V128] = [0x7f, 0x7d, 0x7b];
  const get = (i: number): number[] => [0x20, ...uleb(i)];
  const set = (i: number): number[] => [0x21, ...uleb(i)];
  const tee = (i: number): number[] => [0x22, ...uleb(i)];
  const i32 = (n: number): number[] => [0x41, ...uleb(n)]; // small non-negative constants only (their signed LEB128 is the unsigned one below 64)
  const simd = (op: number): number[] => [0xfd, ...uleb(op)];
  const [load, store] = [[...simd(0x00), 4, 0], [...simd(0x0b), 4, 0]]; // v128.load/store, 16-byte aligned, offset 0
  const [splat, sqrt, add, sub, mul, div] = [simd(0x13), simd(0xe3), simd(0xe4), simd(0xe5), simd(0xe6), simd(0xe7)];
  const lane = (l: number): number[] => [...simd(0x1f), l]; // f32x4.extract_lane
  const [I32_ADD, I32_MUL, I32_SHL, I32_GE_U, F32_ADD] = [0x6a, 0x6c, 0x74, 0x4f, 0x92];
  const [BLOCK, LOOP, BR, BR_IF, END, VOID] = [0x02, 0x03, 0x0c, 0x0d, 0x0b, 0x40];
  // Address of element i of array k: i + k·bytes.
  const at = (k: number, i: number, bytes: number): number[] => (k === 0 ? get(i) : [...get(i), ...get(bytes), ...(k === 1 ? [] : [...i32(k), I32_MUL]), I32_ADD]);

  // adam: params 0 n4, 1 scale, 2 β1, 3 1−β1, 4 β2, 5 1−β2, 6 a, 7 e; locals 8 i, 9 bytes, 10-16 the splats of params 1-7, 17 g, 18 m, 19 v.
  const adam = [
    ...vec([[1, I32], [1, I32], [10, V128]]),
    ...get(0), ...i32(4), I32_SHL, ...set(9),
    ...[1, 2, 3, 4, 5, 6, 7].flatMap((p) => [...get(p), ...splat, ...set(9 + p)]),
    BLOCK, VOID, LOOP, VOID,
    ...get(8), ...get(9), I32_GE_U, BR_IF, 1,
    ...at(0, 8, 9), ...load, ...get(10), ...mul, ...set(17),
    ...at(1, 8, 9), ...at(1, 8, 9), ...load, ...get(11), ...mul, ...get(17), ...get(12), ...mul, ...add, ...tee(18), ...store,
    ...at(2, 8, 9), ...at(2, 8, 9), ...load, ...get(13), ...mul, ...get(17), ...get(17), ...mul, ...get(14), ...mul, ...add, ...tee(19), ...store,
    ...at(3, 8, 9), ...at(3, 8, 9), ...load, ...get(18), ...get(15), ...mul, ...get(19), ...sqrt, ...get(16), ...add, ...div, ...sub, ...store,
    ...get(8), ...i32(16), I32_ADD, ...set(8),
    BR, 0, END, END, END,
  ];
  // sumsq: param 0 n4; locals 1 i, 2 bytes, 3 the f32x4 sum, 4 x.
  const sumsq = [
    ...vec([[2, I32], [2, V128]]),
    ...get(0), ...i32(4), I32_SHL, ...set(2),
    BLOCK, VOID, LOOP, VOID,
    ...get(1), ...get(2), I32_GE_U, BR_IF, 1,
    ...get(1), ...load, ...tee(4), ...get(4), ...mul, ...get(3), ...add, ...set(3),
    ...get(1), ...i32(16), I32_ADD, ...set(1),
    BR, 0, END, END,
    ...get(3), ...lane(0), ...get(3), ...lane(1), F32_ADD, ...get(3), ...lane(2), F32_ADD, ...get(3), ...lane(3), F32_ADD,
    END,
  ];
  const body = (b: number[]): number[] => [...uleb(b.length), ...b];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec([[I32], [F32], [F32], [F32], [F32], [F32], [F32], [F32]]), ...vec([])], [0x60, ...vec([[I32]]), ...vec([[F32]])]])),
    ...section(3, vec([[0], [1]])),
    ...section(5, vec([[0x00, ...uleb(pages)]])),
    ...section(7, vec([[...name('memory'), 0x02, 0], [...name('adam'), 0x00, 0], [...name('sumsq'), 0x00, 1]])),
    ...section(10, vec([body(adam), body(sumsq)])),
  ]);
}

interface WasmApi {
  validate(binary: Uint8Array): boolean;
  Module: new (binary: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

interface AdamExports {
  memory: { buffer: ArrayBuffer };
  adam(n4: number, scale: number, beta1: number, c1: number, beta2: number, c2: number, a: number, e: number): void;
  sumsq(n4: number): number;
}

/**
 * Gradient clipping by global norm and torch.optim.Adam (β = 0.9, 0.999,
 * ε = 1e-8) over flat float32 vectors: the WebAssembly SIMD loops above when
 * the runtime has WebAssembly SIMD, else plain JavaScript (`simd: false`, or
 * forced for tests). Same arithmetic either way, up to float rounding.
 */
export class FlatAdam {
  readonly grad: Float32Array;
  readonly m: Float32Array;
  readonly v: Float32Array;
  readonly theta: Float32Array;
  readonly simd: boolean;
  private readonly wasm: AdamExports | null;
  private readonly n4: number;
  private steps = 0;

  constructor(readonly size: number, opts: { simd?: boolean } = {}) {
    this.n4 = Math.ceil(size / 4);
    const bytes = this.n4 * 16;
    let wasm: AdamExports | null = null;
    if (opts.simd !== false) {
      try {
        // (The project's TypeScript lib has no WebAssembly declarations: the few members used, typed here.)
        const WA = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
        const binary = adamWasmModule(Math.ceil((4 * bytes) / 65536));
        if (WA?.validate(binary)) wasm = new WA.Instance(new WA.Module(binary), {}).exports as AdamExports;
      } catch {
        wasm = null; // no WebAssembly SIMD here: JavaScript below
      }
    }
    this.wasm = wasm;
    this.simd = wasm !== null;
    // Padded to whole f32x4 lanes; the padding stays 0 (zero gradient, zero moments, zero weight).
    const buffer = wasm ? wasm.memory.buffer : new ArrayBuffer(4 * bytes);
    const arrays = [0, 1, 2, 3].map((k) => new Float32Array(buffer, k * bytes, size));
    [this.grad, this.m, this.v, this.theta] = arrays as [Float32Array, Float32Array, Float32Array, Float32Array];
  }

  /** clip_grad_norm_(grad, maxNorm) then one Adam step of `theta`. */
  step(learningRate: number, maxNorm: number): void {
    const beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
    const { grad, m, v, theta, wasm } = this;
    let sumOfSquares = 0;
    if (wasm) sumOfSquares = wasm.sumsq(this.n4);
    else for (let i = 0; i < grad.length; i++) sumOfSquares += (grad[i] as number) * (grad[i] as number);
    const clip = maxNorm / (Math.sqrt(sumOfSquares) + 1e-6);
    const scale = clip < 1 ? clip : 1;
    this.steps++;
    // θ −= lr/bc1 · m / (√v/√bc2 + ε)  ⇔  θ −= a · m / (√v + e), a = lr·√bc2/bc1, e = ε·√bc2.
    const sqrtBc2 = Math.sqrt(1 - beta2 ** this.steps);
    const a = (learningRate * sqrtBc2) / (1 - beta1 ** this.steps);
    const e = eps * sqrtBc2;
    if (wasm) {
      wasm.adam(this.n4, scale, beta1, 1 - beta1, beta2, 1 - beta2, a, e);
      return;
    }
    for (let i = 0; i < theta.length; i++) {
      const g = (grad[i] as number) * scale;
      const mi = beta1 * (m[i] as number) + (1 - beta1) * g;
      const vi = beta2 * (v[i] as number) + (1 - beta2) * g * g;
      m[i] = mi;
      v[i] = vi;
      theta[i] = (theta[i] as number) - (a * mi) / (Math.sqrt(vi) + e);
    }
  }
}

// ================================================================ OUR SIDE: LeanDqn

type Kernel = (name: string, inputs: tf.NamedTensorMap, attrs?: Record<string, unknown>) => tf.Tensor;

/**
 * The benchmark's DQN update and greedy action, written for speed on
 * tfjs-backend-wasm (see the module doc). Parameters live in one flat
 * Float32Array (`theta`, row-major kernels [in, out] then biases, layer by
 * layer, the layout of the tfjs-layers model it is initialised from); after
 * each Adam step they are uploaded as fresh tensors (the kernels as
 * [1, in, out], the rank the fused-matmul kernel takes).
 */
export class LeanDqn {
  readonly layers: number[];
  /** Offsets of each layer's kernel and bias in `theta`. */
  private readonly offsets: { w: number; b: number; rows: number; cols: number }[];
  /** The parameters, the gradient of the last `gradients` call and Adam's moments, as flat vectors. */
  readonly optimizer: FlatAdam;
  readonly theta: Float32Array;
  /** ∂loss/∂theta of the last `gradients` call. */
  readonly grad: Float32Array;
  private online: tf.Tensor[];
  private target: tf.Tensor[];
  private readonly replay: ReplayBuffer;
  private readonly rng: Rng;
  private readonly dq: Float32Array;
  private readonly dqT: Float32Array;
  private readonly xT: Float32Array;
  private readonly obsRow: Float32Array;
  private readonly q: Float32Array;
  private readonly qNext: Float32Array;
  private readonly run: Kernel;
  private readonly heapView: ((t: tf.Tensor) => Float32Array) | null;
  private disposed = false;

  constructor(replay: ReplayBuffer, rng: Rng, readonly config = DQN_BENCH_CONFIG, opts: { simd?: boolean } = {}) {
    const { obsDim, hidden, actions, batchSize } = config;
    this.layers = [obsDim, ...hidden, actions];
    this.replay = replay;
    this.rng = rng;
    // Initialise exactly as agents/dqn.ts does (src/nn/mlp.ts: He/Glorot-uniform from the Rng, zero biases).
    const model = mlp({ input: obsDim, hidden, output: actions, name: 'lean_q' }, rng);
    const weights = model.getWeights();
    this.offsets = [];
    let size = 0;
    for (let l = 0; l + 1 < this.layers.length; l++) {
      const rows = this.layers[l] as number, cols = this.layers[l + 1] as number;
      this.offsets.push({ w: size, b: size + rows * cols, rows, cols });
      size += rows * cols + cols;
    }
    this.optimizer = new FlatAdam(size, opts);
    this.theta = this.optimizer.theta;
    this.grad = this.optimizer.grad;
    weights.forEach((w, i) => {
      const o = this.offsets[i >> 1] as { w: number; b: number };
      this.theta.set(w.dataSync(), i % 2 === 0 ? o.w : o.b);
    });
    model.dispose();
    this.dq = new Float32Array(batchSize * actions);
    this.dqT = new Float32Array(batchSize * actions);
    this.xT = new Float32Array(batchSize * obsDim);
    this.obsRow = new Float32Array(obsDim);
    this.q = new Float32Array(batchSize * actions);
    this.qNext = new Float32Array(batchSize * actions);
    const engine = tf.engine();
    const backend = tf.backend() as unknown as { typedArrayFromHeap?: (t: tf.Tensor) => Float32Array };
    this.heapView = tf.getBackend() === 'wasm' && typeof backend.typedArrayFromHeap === 'function' ? (t) => (backend.typedArrayFromHeap as (t: tf.Tensor) => Float32Array).call(backend, t) : null;
    this.run = (name, inputs, attrs = {}) => engine.runKernel(name, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
    this.online = this.upload();
    this.target = this.upload();
  }

  /** Fresh tensors of the current parameters: [W1 as [1, in, out], b1, W2, b2, ...]. */
  private upload(): tf.Tensor[] {
    // The wasm backend copies into its heap at once; others may keep the array, which Adam then changes.
    const values = (from: number, to: number): Float32Array => (tf.getBackend() === 'wasm' ? this.theta.subarray(from, to) : this.theta.slice(from, to));
    const out: tf.Tensor[] = [];
    for (const o of this.offsets) {
      out.push(tf.tensor3d(values(o.w, o.w + o.rows * o.cols), [1, o.rows, o.cols]));
      out.push(tf.tensor1d(values(o.b, o.b + o.cols)));
    }
    return out;
  }

  /** Hard target update θ' ← θ (SB3 does it every `targetUpdateInterval` steps; not part of a timed step). */
  syncTarget(): void {
    tf.dispose(this.target);
    this.target = this.upload();
  }

  /**
   * Copy a float32 tensor's values into `out` (its size). On the wasm backend
   * straight from the WebAssembly heap (`dataSync` allocates a fresh copy per
   * call); the view is used at once, before anything can grow the heap.
   */
  private read(t: tf.Tensor, out: Float32Array): Float32Array {
    const view = this.heapView?.(t);
    out.set(view && view.length === out.length ? view : t.dataSync());
    return out;
  }

  /** Forward pass of `x` ([1, batch, in]); every activation (input first) is pushed to `keep`. */
  private forward(params: tf.Tensor[], x: tf.Tensor, keep: tf.Tensor[]): tf.Tensor {
    let h = x;
    const last = this.offsets.length - 1;
    for (let l = 0; l <= last; l++) {
      h = this.run('_FusedMatMul', { a: h, b: params[2 * l] as tf.Tensor, bias: params[2 * l + 1] as tf.Tensor }, {
        transposeA: false,
        transposeB: false,
        activation: l < last ? 'relu' : 'linear',
      });
      keep.push(h);
    }
    return h;
  }

  /** Greedy action for one observation. */
  act(obs: ArrayLike<number>): number {
    const row = this.obsRow;
    for (let i = 0; i < row.length; i++) row[i] = obs[i] as number;
    const live: tf.Tensor[] = [tf.tensor3d(row, [1, 1, row.length])];
    try {
      const q = this.forward(this.online, live[0] as tf.Tensor, live).dataSync();
      let best = 0;
      for (let a = 1; a < q.length; a++) if ((q[a] as number) > (q[best] as number)) best = a;
      return best;
    } finally {
      for (const t of live) t.dispose();
    }
  }

  /** One DQN update on a fresh minibatch; returns the loss. */
  trainStep(): number {
    const loss = this.gradients(this.replay.sample(this.config.batchSize, this.rng));
    this.applyGradients();
    return loss;
  }

  /**
   * The loss of `batch` and its gradient with respect to `theta` (into
   * `grad`, the same layout). Exposed for tests, which compare it with
   * TensorFlow.js's automatic differentiation.
   */
  gradients(batch: Batch): number {
    const { batchSize: B, obsDim: D, actions: A, gamma } = this.config;
    if (batch.size !== B) throw new ConfigError(`LeanDqn: batches have ${B} rows, got ${batch.size}`);
    const run = this.run;
    const live: tf.Tensor[] = [];
    let loss = 0;
    try {
      const x = tf.tensor3d(batch.obs, [1, B, D]);
      const nextX = tf.tensor3d(batch.nextObs, [1, B, D]);
      live.push(x, nextX);
      const qNext = this.read(this.forward(this.target, nextX, live), this.qNext);
      const hs: tf.Tensor[] = [x];
      const q = this.read(this.forward(this.online, x, hs), this.q);
      live.push(...hs.slice(1));

      // TD error, Huber loss and ∂loss/∂Q (nonzero only at the taken actions), in plain JavaScript.
      const { dq, dqT, xT } = this;
      dq.fill(0);
      dqT.fill(0);
      for (let k = 0; k < B; k++) {
        let best = qNext[k * A] as number;
        for (let a = 1; a < A; a++) best = Math.max(best, qNext[k * A + a] as number);
        const y = (batch.reward[k] as number) + gamma * (1 - (batch.done[k] as number)) * best;
        const a = batch.action[k] as number;
        const td = (q[k * A + a] as number) - y;
        const abs = Math.abs(td);
        loss += abs < 1 ? 0.5 * td * td : abs - 0.5;
        const g = Math.max(-1, Math.min(1, td)) / B;
        dq[k * A + a] = g;
        dqT[a * B + k] = g;
        for (let i = 0; i < D; i++) xT[i * B + k] = batch.obs[k * D + i] as number;
      }
      loss /= B;

      // Backward pass, top layer first, with ∂loss/∂(layer output) as dy [1, batch, out] and its transpose dyᵀ:
      //   ∂W  = hᵀ · dy                 [in, out], the layout of W
      //   ∂b  = Σ_batch dyᵀ             an innermost-axis sum (other axes cost a transpose inside the kernel)
      //   dhᵀ = (W · dyᵀ) ⊙ [hᵀ > 0]    ReLU: h > 0 exactly where its pre-activation is > 0
      // Only untransposed matmuls (XNNPACK packs the right operand: here always the batch-sized one).
      let dy: tf.Tensor = tf.tensor3d(dq, [1, B, A]);
      let dyT: tf.Tensor = tf.tensor3d(dqT, [1, A, B]);
      live.push(dy, dyT);
      const grads: tf.Tensor[] = [];
      for (let l = this.offsets.length - 1; l >= 0; l--) {
        const hT = l > 0 ? run('Transpose', { x: hs[l] as tf.Tensor }, { perm: [0, 2, 1] }) : tf.tensor3d(xT, [1, D, B]);
        const dW = run('BatchMatMul', { a: hT, b: dy }, { transposeA: false, transposeB: false });
        const db = run('Sum', { x: dyT }, { axis: [2], keepDims: false });
        live.push(hT, dW, db);
        grads[2 * l] = dW;
        grads[2 * l + 1] = db;
        if (l > 0) {
          const mask = run('Step', { x: hT }, { alpha: 0 });
          const dhT = run('BatchMatMul', { a: this.online[2 * l] as tf.Tensor, b: dyT }, { transposeA: false, transposeB: false });
          dyT = run('Multiply', { a: dhT, b: mask });
          dy = run('Transpose', { x: dyT }, { perm: [0, 2, 1] });
          live.push(mask, dhT, dyT, dy);
        }
      }
      this.offsets.forEach((o, l) => {
        this.read(grads[2 * l] as tf.Tensor, this.grad.subarray(o.w, o.b));
        this.read(grads[2 * l + 1] as tf.Tensor, this.grad.subarray(o.b, o.b + o.cols));
      });
    } finally {
      for (const t of live) t.dispose();
    }
    return loss;
  }

  /** Clip `grad`, take an Adam step on `theta`, upload the new parameters. */
  applyGradients(): void {
    this.optimizer.step(this.config.learningRate, this.config.maxGradNorm);
    tf.dispose(this.online);
    this.online = this.upload();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    tf.dispose(this.online);
    tf.dispose(this.target);
  }
}

/** A replay buffer of `size` random transitions of the benchmark's shapes (observations uniform in [-1, 1], 5 % terminal). */
export function randomReplay(rng: Rng, size: number = DQN_BENCH_CONFIG.replaySize, config = DQN_BENCH_CONFIG): ReplayBuffer {
  const replay = new ReplayBuffer({ capacity: size, obsDim: config.obsDim, actionDim: 1 });
  const obs = new Float32Array(config.obsDim), nextObs = new Float32Array(config.obsDim);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < config.obsDim; j++) {
      obs[j] = rng.uniform(-1, 1);
      nextObs[j] = rng.uniform(-1, 1);
    }
    replay.add({ obs, nextObs, action: rng.integer(0, config.actions), reward: rng.uniform(-1, 1), terminated: rng.random() < 0.05 });
  }
  return replay;
}

// ================================================================ TIMING

interface Contender {
  trainStep(): unknown;
  act(obs: number[]): number | Promise<unknown>;
}

/** How many update-then-act pairs a round times (bench/torch_dqn_bench.py: the same rule). */
export const afterUpdateSamples = (steps: number): number => Math.min(100, steps);

async function measureRound(c: Contender, steps: number, actions: number, row: number[]): Promise<RoundNumbers> {
  // A short settle (caches, JIT, allocator) after the other side ran.
  for (let i = 0; i < Math.max(1, Math.floor(steps / 10)); i++) await c.trainStep();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) await c.trainStep();
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  for (let i = 0; i < Math.max(1, Math.floor(actions / 10)); i++) await c.act(row);
  const lat = new Float64Array(actions);
  for (let i = 0; i < actions; i++) {
    const t = performance.now();
    const r = c.act(row);
    if (r instanceof Promise) await r;
    lat[i] = (performance.now() - t) * 1000;
  }
  lat.sort();
  // The first action after each update, as in a training loop (weights just changed).
  const after = new Float64Array(afterUpdateSamples(steps));
  for (let i = 0; i < after.length; i++) {
    await c.trainStep();
    const t = performance.now();
    const r = c.act(row);
    if (r instanceof Promise) await r;
    after[i] = (performance.now() - t) * 1000;
  }
  after.sort();
  return {
    trainStepsPerSecond: steps / wall,
    trainCpuMicrosPerStep: (cpu.user + cpu.system) / steps,
    actionLatencyUs: { median: quantile(lat, 0.5), p99: quantile(lat, 0.99) },
    actionAfterUpdateUs: quantile(after, 0.5),
  };
}

/** agents/dqn.ts as it is, on a stand-in environment with the benchmark's spaces, its replay filled with random transitions. */
async function agentContender(seed: number): Promise<{ contender: Contender; dispose(): void } | { reason: string }> {
  try {
    const { DQN } = await import('../../agents/dqn.js');
    const c = DQN_BENCH_CONFIG;
    const env = { observationSpace: new Box({ low: -1, high: 1, shape: [c.obsDim] }), actionSpace: new Discrete(c.actions) } as unknown as AnyEnv;
    const agent = new DQN(
      env,
      {
        hidden: [...c.hidden],
        learningRate: c.learningRate,
        batchSize: c.batchSize,
        gamma: c.gamma,
        loss: c.loss,
        maxGradNorm: c.maxGradNorm,
        bufferSize: c.replaySize,
        totalSteps: c.replaySize,
        // One gradient step per update() call, no target copies during timing.
        learningStarts: 0,
        trainFreq: 1,
        gradientSteps: 1,
        targetUpdateInterval: Number.MAX_SAFE_INTEGER,
      },
      seed,
    );
    const rng = new Rng(seed + 7);
    const row = (): number[] => Array.from({ length: c.obsDim }, () => rng.uniform(-1, 1));
    for (let i = 0; i < c.replaySize; i++) {
      agent.observe({ obs: row(), action: rng.integer(0, c.actions), reward: rng.uniform(-1, 1), nextObs: row(), terminated: rng.random() < 0.05, truncated: false, info: {} });
    }
    const contender: Contender = {
      trainStep: () => agent.update(),
      act: (obs) => agent.act(obs, { explore: false }),
    };
    return { contender, dispose: () => agent.dispose() };
  } catch (err) {
    return { reason: `agents/dqn.ts could not be run: ${(err as Error).message.split('\n')[0]}` };
  }
}

// ================================================================ THE PYTORCH SIDE

/** `$FAASGYM_PYTHON`, else Debian's /usr/bin/python3 (where `apt-get install python3-torch` puts torch), else `python3`. */
export const defaultTorchPython = defaultPython;

interface TorchHeader {
  available: boolean;
  reason?: string;
  version?: string;
  defaultThreads?: number;
  python?: string;
  blas?: { kind: string; library: string | null; buildInfo: string | null };
}

interface TorchRoundJson {
  threads: number;
  trainStepsPerSecond: number;
  trainCpuMicrosPerStep: number;
  actionLatencyUs: LatencyUs;
  actionAfterUpdateUs: number;
  error?: string;
}

/** bench/torch_dqn_bench.py --serve: one JSON line per request, each with a deadline. */
class TorchProcess {
  private readonly lines: string[] = [];
  private waiter: ((line: string | null) => void) | null = null;
  private buffer = '';
  private stderr = '';
  private exited = false;

  private constructor(
    private readonly child: ChildProcess,
    readonly command: string,
  ) {
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      this.buffer += d;
      let nl: number;
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, nl).trim();
        this.buffer = this.buffer.slice(nl + 1);
        if (line === '') continue;
        if (this.waiter) {
          const w = this.waiter;
          this.waiter = null;
          w(line);
        } else this.lines.push(line);
      }
    });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (this.stderr = (this.stderr + d).slice(-4000)));
    // Writing to a child that already exited fails with EPIPE: its exit is reported through `next`.
    child.stdin?.on('error', () => {});
    const end = (): void => {
      this.exited = true;
      if (this.waiter) {
        const w = this.waiter;
        this.waiter = null;
        w(null);
      }
    };
    child.on('close', end);
    child.on('error', (err) => {
      this.stderr += `\n${err.message}`;
      end();
    });
  }

  static spawn(python: string, script: string, warmup: number, env: Record<string, string> | undefined): TorchProcess {
    const child = spawn(python, [script, '--serve', '--warmup', String(warmup)], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    return new TorchProcess(child, python);
  }

  /** The next line, or an error naming what happened (exit, timeout). */
  async next(timeoutMs: number, what: string): Promise<string> {
    const queued = this.lines.shift();
    if (queued !== undefined) return queued;
    if (this.exited) throw new Error(`${this.command} exited before ${what}${this.tail()}`);
    const got = await new Promise<{ line: string | null } | 'timeout'>((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        resolve('timeout');
      }, timeoutMs);
      this.waiter = (line) => {
        clearTimeout(timer);
        resolve({ line });
      };
    });
    if (got === 'timeout') {
      this.kill();
      throw new Error(`${this.command} gave no answer within ${Math.round(timeoutMs / 1000)} s (${what}); killed it`);
    }
    if (got.line === null) throw new Error(`${this.command} exited before ${what}${this.tail()}`);
    return got.line;
  }

  async round(threads: number, steps: number, actions: number, timeoutMs: number): Promise<TorchRoundJson> {
    this.child.stdin?.write(`round ${threads} ${steps} ${actions}\n`);
    const r = JSON.parse(await this.next(timeoutMs, 'answering a round')) as TorchRoundJson;
    if (r.error) throw new Error(`bench/torch_dqn_bench.py: ${r.error}`);
    return r;
  }

  private tail(): string {
    const s = this.stderr.trim();
    return s ? `: ${s.split('\n').slice(-3).join(' | ')}` : '';
  }

  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }

  async close(): Promise<void> {
    if (this.exited) return;
    this.child.stdin?.end('quit\n');
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.kill();
        resolve();
      }, 5000);
      this.child.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      if (this.exited) resolve();
    });
  }
}

// ================================================================ THE RUN

/** Run the benchmark: LeanDqn, agents/dqn.ts and PyTorch in alternating rounds. */
export async function runAgentBench(opts: AgentBenchOptions = {}): Promise<AgentBenchReport> {
  const steps = opts.steps ?? 300;
  const actions = opts.actions ?? 2000;
  const rounds = opts.rounds ?? 5;
  const seed = opts.seed ?? 0;
  const warmup = opts.warmup ?? steps;
  for (const [key, v, min] of [['steps', steps, 1], ['actions', actions, 1], ['rounds', rounds, 1], ['warmup', warmup, 0], ['seed', seed, 0]] as const) {
    if (!Number.isSafeInteger(v) || v < min) throw new ConfigError(`bench agents: ${key} must be an integer >= ${min}, got ${quote(v)}`);
  }
  const progress = opts.onProgress ?? ((): void => {});
  const loadStart = loadavg().map(round3);
  const backend = await initTf();
  const threads = backend === 'tensorflow' ? cpus().length : 1;
  const notes: string[] = [];

  // PyTorch: start it first (importing torch takes seconds), warm it up while we build ours.
  const python = opts.python === undefined ? defaultTorchPython() : opts.python;
  const py: { proc: TorchProcess | null; header: TorchHeader | null; failure: string | null } = {
    proc: null,
    header: null,
    failure: python === null ? 'skipped (no Python interpreter given)' : null,
  };
  const started = (async (): Promise<void> => {
    if (python === null) return;
    const script = join(packageRoot(), 'bench', 'torch_dqn_bench.py');
    if (!existsSync(script)) {
      py.failure = `${script} is missing: run the benchmark from a faasgym checkout`;
      return;
    }
    try {
      py.proc = TorchProcess.spawn(python, script, warmup, opts.pythonEnv);
      py.header = JSON.parse(await py.proc.next(180_000, 'importing torch')) as TorchHeader;
      if (!py.header.available) py.failure = `${python}: ${py.header.reason ?? 'torch is not available'}`;
    } catch (err) {
      py.failure = `cannot run ${python} bench/torch_dqn_bench.py: ${(err as Error).message}`;
    }
    if (py.failure !== null) py.proc?.kill();
  })();

  const results: AgentBenchRound[] = [];
  let leanSimd = false;
  const rng = new Rng(seed);
  let lean: LeanDqn | null = null;
  let agent: { contender: Contender; dispose(): void } | null = null;
  let agentReason = 'skipped (--no-agent)';
  try {
    lean = new LeanDqn(randomReplay(rng.fork()), rng.fork());
    leanSimd = lean.optimizer.simd;
    if (opts.agent !== false) {
      const setup = await agentContender(seed);
      if ('contender' in setup) agent = setup;
      else agentReason = setup.reason;
    }
    const rowRng = rng.fork();
    const row = Array.from({ length: DQN_BENCH_CONFIG.obsDim }, () => rowRng.uniform(-1, 1));
    const leanNet = lean;
    const leanContender: Contender = { trainStep: () => leanNet.trainStep(), act: (obs) => leanNet.act(obs) };
    for (const c of agent ? [leanContender, agent.contender] : [leanContender]) {
      for (let i = 0; i < warmup; i++) {
        await c.trainStep();
        await c.act(row);
      }
    }
    await started;
    const defaultThreads = py.header?.defaultThreads ?? threads;
    // Generous deadline: a step of the slowest torch build seen (reference BLAS, loaded machine) is ~20 ms.
    const deadline = (n: number): number => 60_000 + n * 100 + actions * 5;
    for (let r = 0; r < rounds; r++) {
      const round: AgentBenchRound = { ours: undefined as unknown as RoundNumbers, agent: null, torch: null, torchDefaultThreads: null };
      const runOurs = async (): Promise<void> => {
        round.ours = await measureRound(leanContender, steps, actions, row);
        if (agent) round.agent = await measureRound(agent.contender, steps, actions, row);
      };
      const runTorch = async (): Promise<void> => {
        const proc = py.proc;
        if (!proc || py.failure !== null) return;
        try {
          round.torch = await proc.round(threads, steps, actions, deadline(steps));
          if (defaultThreads !== threads) round.torchDefaultThreads = await proc.round(0, steps, actions, deadline(steps));
        } catch (err) {
          py.failure = `PyTorch failed in round ${r + 1}: ${(err as Error).message}`;
          proc.kill();
        }
      };
      // Alternate which side goes first, so that drifting machine load cancels out.
      if (r % 2 === 0) {
        await runOurs();
        await runTorch();
      } else {
        await runTorch();
        await runOurs();
      }
      results.push(round);
      progress(
        `bench agents: round ${r + 1}/${rounds}: ours ${round.ours.trainStepsPerSecond.toFixed(0)} steps/s, ${round.ours.actionLatencyUs.median.toFixed(1)} µs` +
          (round.agent ? `; agents/dqn.ts ${round.agent.trainStepsPerSecond.toFixed(0)} steps/s, ${round.agent.actionLatencyUs.median.toFixed(1)} µs` : '') +
          (round.torch ? `; torch ${round.torch.trainStepsPerSecond.toFixed(0)} steps/s, ${round.torch.actionLatencyUs.median.toFixed(1)} µs` : ''),
      );
    }
  } finally {
    lean?.dispose();
    agent?.dispose();
    await started;
    await py.proc?.close();
  }
  const defaultThreads = py.header?.defaultThreads ?? threads;

  const ours = summarize(results.map((r) => r.ours));
  const torchRounds = results.flatMap((r) => (r.torch ? [r.torch] : []));
  let torchResult: TorchResult;
  if (py.failure === null && py.header && torchRounds.length === results.length) {
    const h = py.header;
    const t = summarize(torchRounds);
    const d = defaultThreads === threads ? t : summarize(results.flatMap((r) => (r.torchDefaultThreads ? [r.torchDefaultThreads] : [])));
    torchResult = {
      available: true,
      version: h.version ?? 'unknown',
      threads: (torchRounds[0] as TorchRoundJson).threads,
      trainStepsPerSecond: t.trainStepsPerSecond,
      actionLatencyUs: t.actionLatencyUs,
      actionAfterUpdateUs: t.actionAfterUpdateUs,
      blas: h.blas ?? { kind: 'unknown', library: null, buildInfo: null },
      python: `${python} (Python ${h.python ?? '?'})`,
      defaultThreads: { threads: defaultThreads, trainStepsPerSecond: d.trainStepsPerSecond, actionLatencyUs: d.actionLatencyUs },
      trainCpuMicrosPerStep: t.trainCpuMicrosPerStep,
    };
  } else {
    torchResult = { available: false, reason: py.failure ?? 'PyTorch did not answer every round' };
  }
  const torchSide = torchResult.available ? torchResult : null;

  let agentResult: AgentBenchReport['agent'];
  if (agent) {
    const a = summarize(results.flatMap((r) => (r.agent ? [r.agent] : [])));
    agentResult = { available: true, ...a, ratios: computeRatios(a, torchSide) };
  } else agentResult = { available: false, reason: agentReason };

  let wasm: AgentBenchReport['wasm'] = null;
  if (backend === 'wasm') {
    wasm = { simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'), multithread: tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') };
    notes.push(
      `tfjs-backend-wasm runs single-threaded in Node.js (tfjs turns WASM_HAS_MULTITHREAD_SUPPORT off under Node, tensorflow/tfjs#3830; forcing it on fails: the pthread workers are created from blob: URLs, which Node's Worker refuses), SIMD ${wasm.simd ? 'on' : 'OFF'}; PyTorch is set to the same 1 thread.`,
    );
  }
  if (torchResult.available) {
    if (torchResult.blas.kind.startsWith('reference')) {
      notes.push(
        `PyTorch's matrix products go through the reference (netlib) BLAS (${torchResult.blas.library ?? 'libblas.so.3'}): Debian's python3-torch is built with BLAS_INFO=generic and uses whichever libblas.so.3 is installed; with libopenblas0 installed, PyTorch trains several times faster and the train ratio drops accordingly (bench/README.md).`,
      );
    }
    if (torchResult.defaultThreads.threads === torchResult.threads) notes.push(`torch's default thread count on this machine is also ${torchResult.threads}: defaultThreads repeats the same measurement.`);
  }
  notes.push(
    'dqnTrainStepsPerSecond and actionLatencyUs time LeanDqn (src/experiment/bench-agents.ts): the same update as agents/dqn.ts, hand-written for the wasm backend; "agent" times agents/dqn.ts as it is.',
    'Ratios are computed from the medians over rounds; every round of each side is in "rounds". Wall-clock rates on a shared machine move with its load: compare trainCpuMicrosPerStep too.',
  );
  const loadEnd = loadavg().map(round3);

  const c = DQN_BENCH_CONFIG;
  return {
    benchmark: 'agents',
    backend,
    threads,
    implementation: `LeanDqn (src/experiment/bench-agents.ts): fused matmul kernels via engine.runKernel, hand-written backward pass without transposed matmuls, clipping and Adam in ${leanSimd ? 'a WebAssembly SIMD loop' : 'JavaScript'}`,
    dqnTrainStepsPerSecond: ours.trainStepsPerSecond,
    actionLatencyUs: ours.actionLatencyUs,
    actionAfterUpdateUs: ours.actionAfterUpdateUs,
    trainCpuMicrosPerStep: ours.trainCpuMicrosPerStep,
    torch: torchResult,
    ratios: computeRatios(ours, torchSide),
    agent: agentResult,
    network: {
      layers: [c.obsDim, ...c.hidden, c.actions],
      batchSize: c.batchSize,
      optimizer: 'Adam',
      learningRate: c.learningRate,
      gamma: c.gamma,
      loss: 'huber',
      maxGradNorm: c.maxGradNorm,
      replaySize: c.replaySize,
    },
    steps,
    actions,
    warmup,
    rounds: results,
    wasm,
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cpuCount: cpus().length,
    loadAverage: { start: loadStart, end: loadEnd },
    notes,
  };
}

/** A short human-readable summary. */
export function formatAgentBenchReport(r: AgentBenchReport): string {
  const n = (x: number): string => Math.round(x).toLocaleString('en-US');
  const us = (l: LatencyUs, after: number): string => `median ${l.median.toFixed(1)} µs, p99 ${l.p99.toFixed(1)} µs, after an update ${after.toFixed(1)} µs`;
  const ratio = (x: number | null): string => (x === null ? 'n/a' : x.toFixed(2));
  const ratios = (x: Ratios): string => `train ${ratio(x.train)}, action median ${ratio(x.actionMedian)}, p99 ${ratio(x.actionP99)}, after an update ${ratio(x.actionAfterUpdate)}`;
  const lines = [
    `DQN speed (${r.network.layers.join('→')}, batch ${r.network.batchSize}; ${r.rounds.length} rounds of ${r.steps} steps and ${r.actions} actions; tfjs ${r.backend}, ${r.threads} thread${r.threads === 1 ? '' : 's'})`,
    `  ours (LeanDqn):  ${n(r.dqnTrainStepsPerSecond)} train steps/s (${n(r.trainCpuMicrosPerStep)} CPU µs/step); action ${us(r.actionLatencyUs, r.actionAfterUpdateUs)}`,
  ];
  if (r.agent.available) lines.push(`  agents/dqn.ts:   ${n(r.agent.trainStepsPerSecond)} train steps/s (${n(r.agent.trainCpuMicrosPerStep)} CPU µs/step); action ${us(r.agent.actionLatencyUs, r.agent.actionAfterUpdateUs)}`);
  else lines.push(`  agents/dqn.ts:   ${r.agent.reason}`);
  if (r.torch.available) {
    lines.push(
      `  PyTorch ${r.torch.version} (${r.torch.threads} thread${r.torch.threads === 1 ? '' : 's'}, ${r.torch.blas.kind}): ${n(r.torch.trainStepsPerSecond)} train steps/s (${n(r.torch.trainCpuMicrosPerStep)} CPU µs/step); action ${us(r.torch.actionLatencyUs, r.torch.actionAfterUpdateUs)}`,
      `  ratios (> 1: faster than PyTorch): ${ratios(r.ratios)}`,
    );
    if (r.agent.available) lines.push(`  agents/dqn.ts ratios: ${ratios(r.agent.ratios)}`);
  } else lines.push(`  PyTorch: not measured: ${r.torch.reason}`);
  lines.push(`  load average ${r.loadAverage.start.join(' ')} → ${r.loadAverage.end.join(' ')} on ${r.cpuCount} CPUs (${r.cpu}), node ${r.node}`, '');
  return lines.join('\n');
}
