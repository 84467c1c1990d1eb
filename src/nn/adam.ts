/**
 * Adam (Kingma & Ba 2015) with PyTorch's conventions, over one flat float32
 * vector: the optimiser every learner uses (DQN, DDPG, the multi-agent
 * actor-critics, PPO). Parameters, gradient and moments are four arrays laid
 * end to end, so gradient clipping by global norm (`clip_grad_norm_`), the
 * decoupled weight decay of AdamW (Loshchilov & Hutter, ICLR 2019, PyTorch's
 * `torch.optim.AdamW`) and the moment updates are one pass each whatever the
 * number of weight tensors. tfjs's own Adam costs ~12 kernel launches per
 * weight tensor (and slicing a flat tensor copies it whole on the wasm
 * backend), and a JavaScript loop is bound by double-precision square roots
 * and divisions; the WebAssembly SIMD loop below does four weights at a time.
 *
 * The learners bind the flat parameters to their tf.Variables with
 * `ParamSet` (src/nn/params.ts): checkpoints, target networks and acting keep
 * reading the variables.
 *
 * The state (`exportState`/`importState`, or the checkpoint `group`) is the
 * two moment vectors and the step count t.
 */
import { CheckpointError, type GroupEntry, type LoadedCheckpoint } from './checkpoint.js';
import { ConfigError, quote } from '../core/errors.js';
import { ParamSet } from './params.js';
import { tf } from './tf.js';
import { F32, get, I32, i32, name, section, set, simd, tee, uleb, V128, vec } from './wasm-encode.js';

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

export interface AdamOptions {
  /** @default 0.9 */
  beta1?: number;
  /** @default 0.999 */
  beta2?: number;
  /** @default 1e-8 (PyTorch) */
  epsilon?: number;
  /** Use the WebAssembly SIMD loop where the runtime has it. @default true */
  simd?: boolean;
}

/** Adam's state: the step count t and both moment vectors (copies). */
export interface AdamState {
  step: number;
  m: Float32Array;
  v: Float32Array;
}

/**
 * Gradient clipping by global norm and torch.optim.Adam(W) over flat float32
 * vectors: the WebAssembly SIMD loops above when the runtime has WebAssembly
 * SIMD, else plain JavaScript (`simd: false`, or forced for tests). Same
 * arithmetic either way, up to float rounding.
 */
export class FlatAdam {
  readonly grad: Float32Array;
  readonly m: Float32Array;
  readonly v: Float32Array;
  readonly theta: Float32Array;
  readonly simd: boolean;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** Steps taken (Adam's t). */
  step = 0;
  private readonly wasm: AdamExports | null;
  private readonly n4: number;

  constructor(readonly size: number, opts: AdamOptions = {}) {
    if (!Number.isSafeInteger(size) || size < 0) throw new ConfigError(`FlatAdam: size must be a non-negative integer, got ${quote(size)}`);
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.epsilon = opts.epsilon ?? 1e-8;
    for (const [k, v] of [['beta1', this.beta1], ['beta2', this.beta2]] as const) {
      if (!(v >= 0 && v < 1)) throw new ConfigError(`FlatAdam: ${k} must be in [0, 1), got ${quote(v)}`);
    }
    if (!(this.epsilon > 0)) throw new ConfigError(`FlatAdam: epsilon must be > 0, got ${quote(this.epsilon)}`);
    this.n4 = Math.ceil(size / 4);
    const bytes = Math.max(16, this.n4 * 16);
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

  /** The global L2 norm of `grad`. */
  gradNorm(): number {
    if (this.wasm) return Math.sqrt(this.wasm.sumsq(this.n4));
    let s = 0;
    for (let i = 0; i < this.grad.length; i++) s += (this.grad[i] as number) * (this.grad[i] as number);
    return Math.sqrt(s);
  }

  /**
   * `clip_grad_norm_(grad, maxGradNorm)` (0: no clipping), then one AdamW step
   * of `theta` (weightDecay 0: Adam): θ ← θ·(1 − lr·λ); θ ← θ − lr·m̂/(√v̂ + ε).
   */
  update(learningRate: number, maxGradNorm = 0, weightDecay = 0): void {
    const { beta1, beta2, grad, m, v, theta, wasm } = this;
    let scale = 1;
    if (maxGradNorm > 0) {
      const clip = maxGradNorm / (this.gradNorm() + 1e-6);
      if (clip < 1) scale = clip;
    }
    if (weightDecay > 0 && learningRate > 0) {
      const keep = 1 - learningRate * weightDecay;
      for (let i = 0; i < theta.length; i++) theta[i] = (theta[i] as number) * keep;
    }
    this.step++;
    // θ −= lr/bc1 · m / (√v/√bc2 + ε)  ⇔  θ −= a · m / (√v + e), a = lr·√bc2/bc1, e = ε·√bc2.
    const sqrtBc2 = Math.sqrt(1 - beta2 ** this.step);
    const a = (learningRate * sqrtBc2) / (1 - beta1 ** this.step);
    const e = this.epsilon * sqrtBc2;
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

  /** Step count and moments (copies), for checkpoints (`--resume`) and tests. */
  exportState(): AdamState {
    return { step: this.step, m: this.m.slice(), v: this.v.slice() };
  }

  /** Restore `exportState()`'s result (the sizes must match). */
  importState(state: { step: number; m: ArrayLike<number>; v: ArrayLike<number> }, label = 'optimizer'): void {
    if (!Number.isSafeInteger(state.step) || state.step < 0) throw new CheckpointError(`${label}: optimizer step must be a non-negative integer, got ${quote(state.step)}`);
    for (const [name, values] of [['m', state.m], ['v', state.v]] as const) {
      if (values.length !== this.size) throw new CheckpointError(`${label}: optimizer ${name} has ${values.length} numbers, the agent has ${this.size} parameters`);
    }
    this.m.set(state.m);
    this.v.set(state.v);
    this.step = state.step;
  }

  /** The moments as a checkpoint group (fresh tensors, freed once written); the step goes with the agent's JSON state. */
  group(): GroupEntry[] {
    return [
      { name: 'm', tensor: tf.tensor1d(this.m.slice()), dispose: true },
      { name: 'v', tensor: tf.tensor1d(this.v.slice()), dispose: true },
    ];
  }

  /** Restore a `group()` written to a checkpoint, with the saved step. */
  restore(group: LoadedCheckpoint['groups'][string] | undefined, step: unknown, label: string): void {
    if (!group) throw new CheckpointError(`checkpoint has no optimizer state for ${quote(label)}`);
    const find = (name: string): ArrayLike<number> => group.find((e) => e.name === name)?.values ?? [];
    this.importState({ step: step as number, m: find('m'), v: find('v') }, label);
  }

  /** Moments and step as plain arrays (tests compare them across save/load). */
  values(): { step: number; m: number[]; v: number[] } {
    return { step: this.step, m: Array.from(this.m), v: Array.from(this.v) };
  }
}

/**
 * `FlatAdam` over a list of tf.Variables (bound by a `ParamSet`): gradients
 * are written into `grad` (the fast path) or given as the map
 * `tf.variableGrads` returns (`apply`, the reference path); `step()` clips,
 * takes the Adam step and writes the variables.
 */
export class VariableAdam {
  readonly adam: FlatAdam;
  readonly params: ParamSet;

  constructor(readonly vars: readonly tf.Variable[], public learningRate: number, readonly maxGradNorm = 0, opts: AdamOptions & { weightDecay?: number } = {}) {
    this.adam = new FlatAdam(vars.reduce((a, v) => a + v.size, 0), opts);
    this.params = new ParamSet(vars, this.adam.theta);
    this.weightDecay = opts.weightDecay ?? 0;
  }

  readonly weightDecay: number;

  /** Updates applied (Adam's t). */
  get step(): number {
    return this.adam.step;
  }

  get size(): number {
    return this.adam.size;
  }

  /** The flat gradient the next `update()` applies, laid out as `vars`. */
  get grad(): Float32Array {
    return this.adam.grad;
  }

  /** Clip `grad`, one Adam step, write the variables. */
  update(): void {
    this.params.pull(); // variables given new data since the last step (load, setWeights)
    this.adam.update(this.learningRate, this.maxGradNorm, this.weightDecay);
    this.params.push();
  }

  /** Apply gradients given as the map `tf.variableGrads` returns (keyed by variable name). */
  apply(grads: tf.NamedTensorMap): void {
    this.params.gradsInto(grads, this.adam.grad);
    this.update();
  }

  exportState(): AdamState {
    return this.adam.exportState();
  }

  importState(state: AdamState, label?: string): void {
    this.adam.importState(state, label);
  }

  group(): GroupEntry[] {
    return this.adam.group();
  }

  restore(group: LoadedCheckpoint['groups'][string] | undefined, step: unknown, label: string): void {
    this.adam.restore(group, step, label);
  }

  values(): { step: number; m: number[]; v: number[] } {
    return this.adam.values();
  }

  /** (Nothing to free: the state lives in JavaScript arrays.) */
  dispose(): void {}
}

/**
 * Restore an optimiser from a checkpoint group: `FlatAdam`'s own (`m`, `v`,
 * the step in the manifest) or, for checkpoints written before the learners
 * used it, tfjs's Adam (`iter`, then one `<variable>/m` and one `<variable>/v`
 * per trained tensor, in the variables' order).
 */
export function restoreAdamState(adam: Pick<FlatAdam, 'importState' | 'restore'>, group: LoadedCheckpoint['groups'][string] | undefined, step: unknown): void {
  if (group && !group.some((e) => e.name === 'm') && group.some((e) => e.name === 'iter')) {
    const join = (suffix: string): Float32Array => {
      const parts = group.filter((e) => e.name.endsWith(suffix));
      const out = new Float32Array(parts.reduce((a, e) => a + e.values.length, 0));
      let at = 0;
      for (const e of parts) {
        out.set(e.values, at);
        at += e.values.length;
      }
      return out;
    };
    const iter = group.find((e) => e.name === 'iter')?.values[0] ?? 0;
    adam.importState({ step: Math.round(iter), m: join('/m'), v: join('/v') }, 'optimizer');
    return;
  }
  adam.restore(group, step, 'optimizer');
}
