/**
 * The FaaSRank observation (003 §IV-A, Table I, Fig. 2): a padded matrix of
 * per-invoker features, the validity mask, and the features of the arriving
 * function, in one flat float32 vector. `FeatureWriter` fills a preallocated
 * buffer from the `InvokerState`s the cluster reports, once per step.
 *
 * Layout (`faasrankLayout(maxInvokers)`), row-major:
 *
 * | offset | length | holds |
 * |---|---|---|
 * | 0 | maxInvokers × 9 | invoker i's features at i·9 … i·9 + 8 (`INVOKER_FEATURES`); zero rows for padding |
 * | maxInvokers × 9 | maxInvokers | mask: 1 for an invoker of this episode, 0 for padding |
 * | maxInvokers × 10 | 12 | the arriving function (`FUNCTION_FEATURES`) |
 */
import type { InvokerState } from '../../src/cluster/types.js';
import { Box } from '../../src/spaces/box.js';
import { FAASRANK_TABLE2 } from '../../src/workloads/presets/faasrank.js';

/**
 * Per-invoker features. A *slot* is 256 MB of function memory (the smallest
 * Table II container), so `slots = ⌊memoryMb / 256⌋` (8 on the §VI-B invokers).
 */
export const INVOKER_FEATURES = [
  /** Table I(a) CPU: busy cores / cores now, in [0, 1]. */
  'cpuUtil',
  /** Table I(a) Δ: change of `cpuUtil` since the previous decision, in [−1, 1]. */
  'cpuUtilDelta',
  /** Table I(a) cpu_load_avg: 60 s exponential average of the run queue (in flight + queued, sampled at decisions) per slot, squashed x/(1 + x). */
  'loadAvg',
  /** Table I(a) memory_free and I(b) avail_memory: function memory not held by containers / function memory, in [0, 1]. */
  'memoryFree',
  /** Table I(a) Δ: change of `memoryFree` since the previous decision, in [−1, 1]. */
  'memoryFreeDelta',
  /** Table I(b) inflight_invocations: invocations running on the invoker / slots, clipped to [0, 1]. */
  'inflight',
  /** Invocations waiting on the invoker for memory, q / (q + slots). */
  'queued',
  /** Table I(b) warm_infrastructures: idle warm containers of the arriving function / slots, clipped to [0, 1]. */
  'warm',
  /** All containers of the arriving function on the invoker / slots, clipped to [0, 1]. */
  'containers',
] as const;

/** Features of the arriving function: Table I(b) requested_memory and init_time, then a one-hot over the 10 Table II functions. */
export const FUNCTION_FEATURES: readonly string[] = Object.freeze([
  /** memory / 512 MB (the largest Table II function). */
  'requestedMemory',
  /** Table II init seconds / 4.77 s (the largest). */
  'initTime',
  ...FAASRANK_TABLE2.map((r) => `is-${r.name}`),
]);

export const FEATURES_PER_INVOKER = INVOKER_FEATURES.length;
/** Index of each invoker feature in its row. */
export const INVOKER_FEATURE = Object.freeze(Object.fromEntries(INVOKER_FEATURES.map((f, i) => [f, i]))) as Readonly<Record<(typeof INVOKER_FEATURES)[number], number>>;
/** Memory of one container slot, MB. */
export const SLOT_MB = 256;
/** Time constant of the load average, seconds (Linux's one-minute load average). */
export const LOAD_AVG_SECONDS = 60;

const MAX_MEMORY_MB = Math.max(...FAASRANK_TABLE2.map((r) => r.memoryMb));
const MAX_INIT_SECONDS = Math.max(...FAASRANK_TABLE2.map((r) => r.initSeconds));
const DELTAS = new Set<number>([INVOKER_FEATURE.cpuUtilDelta, INVOKER_FEATURE.memoryFreeDelta]);

/** Where each part of the observation lies. */
export interface FaasrankLayout {
  maxInvokers: number;
  featuresPerInvoker: number;
  /** Start of the invoker matrix (0). */
  invokerOffset: number;
  maskOffset: number;
  functionOffset: number;
  size: number;
}

export function faasrankLayout(maxInvokers: number): FaasrankLayout {
  const maskOffset = maxInvokers * FEATURES_PER_INVOKER;
  const functionOffset = maskOffset + maxInvokers;
  return { maxInvokers, featuresPerInvoker: FEATURES_PER_INVOKER, invokerOffset: 0, maskOffset, functionOffset, size: functionOffset + FUNCTION_FEATURES.length };
}

/** `Box(float32)`: the deltas in [−1, 1], everything else in [0, 1]. */
export function faasrankObservationSpace(layout: FaasrankLayout): Box {
  const low = new Array<number>(layout.size).fill(0);
  for (let i = 0; i < layout.maxInvokers; i++) for (const f of DELTAS) low[i * FEATURES_PER_INVOKER + f] = -1;
  return new Box({ low, high: 1, shape: [layout.size], dtype: 'float32' });
}

const clip01 = (x: number): number => (x > 1 ? 1 : x > 0 ? x : 0);
const clip11 = (x: number): number => (x > 1 ? 1 : x < -1 ? -1 : x);

/** Writes observations into one preallocated float32 buffer (float32 rounding for free). */
export class FeatureWriter {
  readonly buf: Float32Array;
  private readonly prevCpu: Float64Array;
  private readonly prevMem: Float64Array;
  private readonly load: Float64Array;
  private readonly runQueue: Float64Array;
  private valid = 0;
  private lastTime = 0;
  private lastFn = -1;

  constructor(readonly layout: FaasrankLayout) {
    this.buf = new Float32Array(layout.size);
    this.prevCpu = new Float64Array(layout.maxInvokers);
    this.prevMem = new Float64Array(layout.maxInvokers);
    this.load = new Float64Array(layout.maxInvokers);
    this.runQueue = new Float64Array(layout.maxInvokers);
  }

  /** Start an episode with `valid` invokers at `time`: an empty cluster (no CPU use, all memory free, no load). */
  reset(valid: number, time: number): void {
    this.buf.fill(0);
    this.prevCpu.fill(0);
    this.prevMem.fill(1);
    this.load.fill(0);
    this.runQueue.fill(0);
    this.valid = valid;
    this.lastTime = time;
    this.lastFn = -1;
    for (let i = 0; i < valid; i++) this.buf[this.layout.maskOffset + i] = 1;
  }

  /** Fill the buffer for an invocation of Table II function `fnIndex` arriving at `time`; `states[i]` is invoker slot i. */
  write(states: readonly InvokerState[], fnIndex: number, time: number): void {
    const buf = this.buf, F = FEATURES_PER_INVOKER;
    const dt = time - this.lastTime;
    const keep = dt > 0 ? Math.exp(-dt / LOAD_AVG_SECONDS) : 1;
    this.lastTime = time;
    for (let i = 0; i < this.valid; i++) {
      const s = states[i] as InvokerState;
      const slots = Math.max(1, Math.floor(s.memoryMb / SLOT_MB));
      const cpu = clip01(s.cores > 0 ? s.busyCores / s.cores : 0);
      const mem = clip01(s.memoryMb > 0 ? s.memoryFreeMb / s.memoryMb : 0);
      const load = this.load[i] * keep + this.runQueue[i] * (1 - keep);
      this.load[i] = load;
      this.runQueue[i] = s.inflight + s.queued;
      const perSlot = load / slots;
      const o = i * F;
      buf[o] = cpu;
      buf[o + 1] = clip11(cpu - this.prevCpu[i]);
      buf[o + 2] = perSlot / (1 + perSlot);
      buf[o + 3] = mem;
      buf[o + 4] = clip11(mem - this.prevMem[i]);
      buf[o + 5] = clip01(s.inflight / slots);
      buf[o + 6] = s.queued / (s.queued + slots);
      buf[o + 7] = clip01(s.warm / slots);
      buf[o + 8] = clip01(s.containers / slots);
      this.prevCpu[i] = cpu;
      this.prevMem[i] = mem;
    }
    if (fnIndex !== this.lastFn) {
      const f = this.layout.functionOffset;
      const row = FAASRANK_TABLE2[fnIndex];
      if (this.lastFn >= 0) buf[f + 2 + this.lastFn] = 0;
      buf[f] = row ? clip01(row.memoryMb / MAX_MEMORY_MB) : 0;
      buf[f + 1] = row ? clip01(row.initSeconds / MAX_INIT_SECONDS) : 0;
      if (row) buf[f + 2 + fnIndex] = 1;
      this.lastFn = row ? fnIndex : -1;
    }
  }

  /** A fresh `number[]` copy of the buffer (the observation handed out; the buffer is reused). */
  toArray(): number[] {
    const buf = this.buf, n = buf.length;
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = buf[i];
    return out;
  }
}
