/**
 * Experience replay in preallocated typed arrays, sampled with the run's Rng.
 * Batches are typed objects (`batch.obs`, `batch.reward`, …), never
 * positional tuples. Optional proportional prioritisation (Schaul et al. 2016)
 * with a sum tree.
 */
import { ConfigError, quote } from '../core/errors.js';
import type { Rng } from '../core/rng.js';

export interface Transition {
  obs: ArrayLike<number>;
  /** Flat action (a discrete action is one number). */
  action: ArrayLike<number> | number;
  reward: number;
  nextObs: ArrayLike<number>;
  /** True when `nextObs` is terminal (no bootstrapping). Truncation is not termination. */
  terminated: boolean;
}

export interface Batch {
  size: number;
  obs: Float32Array;
  action: Float32Array;
  reward: Float32Array;
  nextObs: Float32Array;
  /** 1 where the next state is terminal. */
  done: Float32Array;
  /** Buffer indices of the rows (for priority updates). */
  indices: Int32Array;
  /** Importance-sampling weights (all 1 without prioritisation). */
  weights: Float32Array;
}

export interface ReplayOptions {
  capacity: number;
  obsDim: number;
  actionDim: number;
  /** Proportional prioritisation exponent α (0 = uniform). @default 0 */
  alpha?: number;
}

/** One column of a replay snapshot, shaped [rows, width]. */
export interface ReplayEntry {
  name: string;
  shape: number[];
  values: Float32Array;
}

/** A replay buffer's counters, as JSON. */
export interface ReplayState {
  size: number;
  next: number;
  maxPriority: number;
  priorities: number[] | null;
}

export class ReplayBuffer {
  readonly capacity: number;
  readonly obsDim: number;
  readonly actionDim: number;
  private readonly obs: Float32Array;
  private readonly action: Float32Array;
  private readonly reward: Float32Array;
  private readonly nextObs: Float32Array;
  private readonly done: Float32Array;
  private readonly alpha: number;
  private readonly tree: Float64Array | null;
  private maxPriority = 1;
  private next = 0;
  size = 0;

  constructor(opts: ReplayOptions) {
    for (const key of ['capacity', 'obsDim', 'actionDim'] as const) {
      if (!Number.isSafeInteger(opts[key]) || opts[key] < 1) throw new ConfigError(`ReplayBuffer: ${key} must be a positive integer, got ${quote(opts[key])}`);
    }
    this.alpha = opts.alpha ?? 0;
    if (!(this.alpha >= 0 && this.alpha <= 1)) throw new ConfigError(`ReplayBuffer: alpha must be in [0, 1], got ${quote(opts.alpha)}`);
    this.capacity = opts.capacity;
    this.obsDim = opts.obsDim;
    this.actionDim = opts.actionDim;
    this.obs = new Float32Array(opts.capacity * opts.obsDim);
    this.nextObs = new Float32Array(opts.capacity * opts.obsDim);
    this.action = new Float32Array(opts.capacity * opts.actionDim);
    this.reward = new Float32Array(opts.capacity);
    this.done = new Float32Array(opts.capacity);
    this.tree = this.alpha > 0 ? new Float64Array(2 * opts.capacity) : null;
  }

  add(t: Transition): void {
    if (t.obs.length !== this.obsDim || t.nextObs.length !== this.obsDim) {
      throw new ConfigError(`ReplayBuffer.add: observations must have ${this.obsDim} numbers, got ${t.obs.length} and ${t.nextObs.length}`);
    }
    const i = this.next;
    this.obs.set(t.obs, i * this.obsDim);
    this.nextObs.set(t.nextObs, i * this.obsDim);
    if (typeof t.action === 'number') this.action[i * this.actionDim] = t.action;
    else {
      if (t.action.length !== this.actionDim) throw new ConfigError(`ReplayBuffer.add: action must have ${this.actionDim} numbers, got ${t.action.length}`);
      this.action.set(t.action, i * this.actionDim);
    }
    this.reward[i] = t.reward;
    this.done[i] = t.terminated ? 1 : 0;
    if (this.tree) this.setPriority(i, this.maxPriority);
    this.next = (i + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
  }

  /** A batch of `n` rows, uniformly (or by priority, with IS weights normalised by exponent `beta`). */
  sample(n: number, rng: Rng, beta = 0.4): Batch {
    if (this.size === 0) throw new ConfigError('ReplayBuffer.sample: the buffer is empty');
    const b: Batch = {
      size: n,
      obs: new Float32Array(n * this.obsDim),
      action: new Float32Array(n * this.actionDim),
      reward: new Float32Array(n),
      nextObs: new Float32Array(n * this.obsDim),
      done: new Float32Array(n),
      indices: new Int32Array(n),
      weights: new Float32Array(n).fill(1),
    };
    const tree = this.tree;
    let maxW = 0;
    for (let k = 0; k < n; k++) {
      let i: number;
      if (tree) {
        i = this.find(rng.random() * (tree[1] as number));
        const p = (tree[this.capacity + i] as number) / (tree[1] as number);
        const w = Math.pow(this.size * p, -beta);
        b.weights[k] = w;
        if (w > maxW) maxW = w;
      } else i = rng.integer(0, this.size);
      b.indices[k] = i;
      b.obs.set(this.obs.subarray(i * this.obsDim, (i + 1) * this.obsDim), k * this.obsDim);
      b.nextObs.set(this.nextObs.subarray(i * this.obsDim, (i + 1) * this.obsDim), k * this.obsDim);
      b.action.set(this.action.subarray(i * this.actionDim, (i + 1) * this.actionDim), k * this.actionDim);
      b.reward[k] = this.reward[i] as number;
      b.done[k] = this.done[i] as number;
    }
    if (tree && maxW > 0) for (let k = 0; k < n; k++) b.weights[k] = (b.weights[k] as number) / maxW;
    return b;
  }

  /** Prioritised mode: set the rows' priorities from their TD errors, |δ| + ε. */
  updatePriorities(indices: ArrayLike<number>, tdErrors: ArrayLike<number>, eps = 1e-6): void {
    if (!this.tree) return;
    for (let k = 0; k < indices.length; k++) {
      const p = Math.pow(Math.abs(tdErrors[k] as number) + eps, this.alpha);
      this.maxPriority = Math.max(this.maxPriority, p);
      this.setPriority(indices[k] as number, p);
    }
  }

  /** The stored rows (as checkpoint group entries) and counters (JSON), for a training run's checkpoint. */
  snapshot(): { entries: ReplayEntry[]; state: ReplayState } {
    const n = this.size;
    const col = (name: string, data: Float32Array, width: number): ReplayEntry => ({ name, shape: [n, width], values: data.slice(0, n * width) });
    return {
      entries: [col('obs', this.obs, this.obsDim), col('action', this.action, this.actionDim), col('reward', this.reward, 1), col('nextObs', this.nextObs, this.obsDim), col('done', this.done, 1)],
      // Priorities are float64 and decide the sampling: JSON keeps them exact.
      state: { size: n, next: this.next, maxPriority: this.maxPriority, priorities: this.tree ? Array.from(this.tree.subarray(this.capacity, this.capacity + n)) : null },
    };
  }

  /** Put back a `snapshot()` (into a buffer of the same capacity and widths). */
  restore(entries: readonly { name: string; shape: number[]; values: Float32Array }[], state: ReplayState): void {
    const n = state.size;
    if (!Number.isSafeInteger(n) || n < 0 || n > this.capacity || !Number.isSafeInteger(state.next) || state.next < 0 || state.next >= this.capacity) {
      throw new ConfigError(`ReplayBuffer.restore: size ${quote(state.size)} and next ${quote(state.next)} must fit a capacity of ${this.capacity}`);
    }
    const cols: [string, Float32Array, number][] = [['obs', this.obs, this.obsDim], ['action', this.action, this.actionDim], ['reward', this.reward, 1], ['nextObs', this.nextObs, this.obsDim], ['done', this.done, 1]];
    for (const [name, data, width] of cols) {
      const e = entries.find((x) => x.name === name);
      if (!e || e.values.length !== n * width) throw new ConfigError(`ReplayBuffer.restore: ${name} needs ${n * width} values, got ${e ? e.values.length : 'none'}`);
      data.fill(0);
      data.set(e.values);
    }
    if (this.tree) {
      const p = state.priorities;
      if (!Array.isArray(p) || p.length !== n || !p.every((x) => Number.isFinite(x) && x >= 0)) throw new ConfigError(`ReplayBuffer.restore: priorities must be ${n} finite numbers >= 0`);
      this.tree.fill(0);
      for (let i = 0; i < n; i++) this.setPriority(i, p[i] as number);
      this.maxPriority = state.maxPriority;
    }
    this.size = n;
    this.next = state.next;
  }

  private setPriority(i: number, p: number): void {
    const tree = this.tree as Float64Array;
    let node = this.capacity + i;
    tree[node] = p;
    for (node >>= 1; node >= 1; node >>= 1) tree[node] = (tree[2 * node] as number) + (tree[2 * node + 1] as number);
  }

  private find(mass: number): number {
    const tree = this.tree as Float64Array;
    let node = 1;
    while (node < this.capacity) {
      const left = 2 * node;
      if (mass < (tree[left] as number)) node = left;
      else {
        mass -= tree[left] as number;
        node = left + 1;
      }
    }
    return Math.min(node - this.capacity, this.size - 1);
  }
}
