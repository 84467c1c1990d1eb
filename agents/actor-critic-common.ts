/**
 * Machinery shared by the deterministic actor-critic learners (DDPG, MADDPG,
 * mean-field and attention mean-field): option validation, Box action
 * scaling, exploration noise, a growable replay of named columns, and
 * checkpoint groups for raw variables (Adam and Polyak averaging are
 * src/nn/adam.ts's and src/nn/polyak.ts's).
 */
import { ConfigError, quote } from '../src/core/errors.js';
import { batchSize, bufferSize, gamma, gradientSteps, hidden, learningRate, maxGradNorm, number, oneOf, steps, tau } from './option-fields.js';
import type { Rng } from '../src/core/rng.js';
import { Box } from '../src/spaces/box.js';
import type { Space } from '../src/spaces/space.js';
import { CheckpointError, type LoadedCheckpoint } from '../src/nn/checkpoint.js';
import { GaussianNoise, OrnsteinUhlenbeckNoise, type Noise } from '../src/nn/noise.js';
import { tf } from '../src/nn/tf.js';

// ================================================================ OPTIONS

export const HIDDEN_ACTIVATIONS = ['relu', 'tanh', 'elu'] as const;
export type HiddenActivation = (typeof HIDDEN_ACTIVATIONS)[number];
export const NOISE_TYPES = ['normal', 'ornstein-uhlenbeck', 'none'] as const;
export type NoiseType = (typeof NOISE_TYPES)[number];

/** The options DDPG and the multi-agent actor-critics share, resolved. */
export type ActorCriticCommon = {
  hidden: number[];
  activation: HiddenActivation;
  actorLearningRate: number;
  criticLearningRate: number;
  batchSize: number;
  gamma: number;
  tau: number;
  bufferSize: number;
  learningStarts: number;
  trainFreq: number;
  gradientSteps: number;
  noise: NoiseType;
  noiseSigma: number;
  noiseTheta: number;
  maxGradNorm: number;
};

/**
 * The zod fields of the shared options, with a learner's defaults and their
 * sources (`src[key]`): spread into the learner's `options({...})`.
 */
export function actorCriticFields(d: Readonly<ActorCriticCommon>, src: Partial<Record<keyof ActorCriticCommon, string>> = {}, what = 'actor and critic') {
  return {
    hidden: hidden(d.hidden, { doc: `hidden layer widths of ${what}`, source: src.hidden }),
    activation: oneOf({ values: HIDDEN_ACTIVATIONS, default: d.activation, doc: 'hidden activation', source: src.activation }),
    actorLearningRate: learningRate(d.actorLearningRate, { doc: 'Adam learning rate of the actor(s)', source: src.actorLearningRate }),
    criticLearningRate: learningRate(d.criticLearningRate, { doc: 'Adam learning rate of the critic(s)', source: src.criticLearningRate }),
    batchSize: batchSize(d.batchSize, { source: src.batchSize }),
    gamma: gamma(d.gamma, { source: src.gamma }),
    tau: tau(d.tau, { doc: 'Polyak factor τ of the target networks, applied after every gradient step', source: src.tau }),
    bufferSize: bufferSize(d.bufferSize, { doc: 'replay capacity in transitions (memory grows as it fills)', source: src.bufferSize }),
    learningStarts: steps(d.learningStarts, 0, { doc: 'environment steps of uniformly random actions before learning starts', source: src.learningStarts }),
    trainFreq: steps(d.trainFreq, 1, { doc: 'train every this many environment steps', source: src.trainFreq }),
    gradientSteps: gradientSteps(d.gradientSteps, { source: src.gradientSteps }),
    noise: oneOf({ values: NOISE_TYPES, default: d.noise, doc: 'exploration noise added to the actor\'s output in the [-1, 1] action scale', source: src.noise }),
    noiseSigma: number({ default: d.noiseSigma, min: 0, max: 10, maxWhy: 'in the [-1, 1] action scale: beyond 10 every action is clipped to a bound', doc: 'σ of the noise, in the [-1, 1] action scale', source: src.noiseSigma }),
    noiseTheta: number({ default: d.noiseTheta, gt: 0, max: 1000, maxWhy: 'a mean reversion beyond 1000 per step is no longer a process', doc: 'θ of the Ornstein–Uhlenbeck noise', source: src.noiseTheta }),
    maxGradNorm: maxGradNorm(d.maxGradNorm, { doc: 'clip each network\'s gradients to this global norm (0: no clipping)', source: src.maxGradNorm }),
  };
}

/** Why `space` cannot be a deterministic actor's action space, or null. */
export function boxActionRefusal(agent: string, space: Space<unknown>, where = ''): string | null {
  if (!(space instanceof Box)) return `${agent} needs a Box action space${where}, got ${space.type ?? String(space)} (use dqn or ppo for discrete actions)`;
  if (!space.isBounded()) return `${agent} needs a bounded Box action space${where} (the tanh actor is scaled onto [low, high]), got low ${quote(space.low)} high ${quote(space.high)}`;
  if (space.size === 0) return `${agent} needs a Box action space with at least one element${where}`;
  return null;
}

/**
 * The affine map between the actor's tanh output in [-1, 1] and a bounded Box
 * (SB3's `scale_action` / `unscale_action`).
 */
export class ActionScaler {
  readonly dim: number;
  private readonly low: Float64Array;
  private readonly half: Float64Array;

  constructor(readonly space: Box) {
    this.dim = space.size;
    this.low = Float64Array.from(space.low);
    this.half = Float64Array.from(space.high, (h, i) => (h - (space.low[i] as number)) / 2);
  }

  /** [-1, 1] → [low, high], clipped to the bounds (float32 rounding could step outside). */
  toEnv(u: ArrayLike<number>, offset = 0): number[] {
    const out = new Array<number>(this.dim);
    for (let i = 0; i < this.dim; i++) {
      const x = Math.max(-1, Math.min(1, u[offset + i] as number));
      const lo = this.low[i] as number, hi = this.space.high[i] as number;
      let v = lo + (x + 1) * (this.half[i] as number);
      if (this.space.dtype === 'float32') v = Math.fround(v);
      out[i] = Math.min(hi, Math.max(lo, v));
    }
    return out;
  }

  /** [low, high] → [-1, 1] (written into `out` at `offset`). */
  fromEnv(a: ArrayLike<number>, out: Float32Array, offset = 0): void {
    if (a.length !== this.dim) throw new ConfigError(`action has ${a.length} numbers, the Box has ${this.dim}`);
    for (let i = 0; i < this.dim; i++) {
      const half = this.half[i] as number;
      out[offset + i] = half > 0 ? ((a[i] as number) - (this.low[i] as number)) / half - 1 : 0;
    }
  }
}

/** Exploration noise in the actor's [-1, 1] action scale. */
export function makeNoise(type: NoiseType, dim: number, sigma: number, theta: number): Noise | null {
  if (type === 'none' || sigma === 0) return null;
  return type === 'normal' ? new GaussianNoise(dim, sigma) : new OrnsteinUhlenbeckNoise(dim, sigma, theta);
}

/** The OU process's internal state (for checkpoints); null for stateless noise. */
export function noiseState(noise: Noise | null): number[] | null {
  if (noise instanceof OrnsteinUhlenbeckNoise) return Array.from((noise as unknown as { x: Float64Array }).x);
  return null;
}

export function restoreNoiseState(noise: Noise | null, state: unknown): void {
  if (noise instanceof OrnsteinUhlenbeckNoise && Array.isArray(state)) (noise as unknown as { x: Float64Array }).x.set(state as number[]);
}

// ================================================================ REPLAY

/**
 * Experience replay of named float columns (`obs`, `action`, `reward`, …, each
 * a fixed number of floats per row) that grows by doubling up to `capacity`
 * and then overwrites the oldest rows, so a large capacity costs memory only
 * when it is used. Rows are sampled uniformly with the run's Rng.
 */
export class ColumnReplay<K extends string> {
  size = 0;
  private next = 0;
  private allocated: number;
  private readonly data = new Map<K, Float32Array>();

  constructor(readonly columns: Readonly<Record<K, number>>, readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new ConfigError(`replay capacity must be a positive integer, got ${quote(capacity)}`);
    this.allocated = Math.min(capacity, 1024);
    for (const [k, width] of Object.entries(columns) as [K, number][]) this.data.set(k, new Float32Array(this.allocated * width));
  }

  /** Append one row; `write(column, view)` fills each column's view (zeroed first). */
  add(write: (column: K, view: Float32Array) => void): void {
    if (this.next >= this.allocated && this.allocated < this.capacity) this.grow();
    const i = this.next;
    for (const [k, width] of Object.entries(this.columns) as [K, number][]) {
      const view = (this.data.get(k) as Float32Array).subarray(i * width, (i + 1) * width);
      view.fill(0);
      write(k, view);
    }
    this.next = (i + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
  }

  private grow(): void {
    const rows = Math.min(this.capacity, this.allocated * 2);
    for (const [k, width] of Object.entries(this.columns) as [K, number][]) {
      const bigger = new Float32Array(rows * width);
      bigger.set(this.data.get(k) as Float32Array);
      this.data.set(k, bigger);
    }
    this.allocated = rows;
  }

  /** The stored rows (checkpoint group entries) and counters (JSON), for a training run's checkpoint. */
  snapshot(): { entries: { name: string; shape: number[]; values: Float32Array }[]; state: { size: number; next: number } } {
    const entries = (Object.entries(this.columns) as [K, number][]).map(([k, width]) => ({ name: k as string, shape: [this.size, width], values: (this.data.get(k) as Float32Array).slice(0, this.size * width) }));
    return { entries, state: { size: this.size, next: this.next } };
  }

  /** Put back a `snapshot()` (into a buffer with the same columns and capacity). */
  restore(entries: readonly { name: string; values: Float32Array }[], state: { size: number; next: number }): void {
    const { size, next } = state;
    if (!Number.isSafeInteger(size) || size < 0 || size > this.capacity || !Number.isSafeInteger(next) || next < 0 || next >= this.capacity) {
      throw new CheckpointError(`replay: size ${quote(size)} and next ${quote(next)} must fit a capacity of ${this.capacity}`);
    }
    while (this.allocated < Math.max(size, Math.min(this.capacity, next + 1))) this.grow();
    for (const [k, width] of Object.entries(this.columns) as [K, number][]) {
      const e = entries.find((x) => x.name === k);
      if (!e || e.values.length !== size * width) throw new CheckpointError(`replay: column ${quote(k)} needs ${size * width} values, got ${e ? e.values.length : 'none'}`);
      const data = this.data.get(k) as Float32Array;
      data.fill(0);
      data.set(e.values);
    }
    this.size = size;
    this.next = next;
  }

  /** `n` row indices, uniformly with replacement. */
  sampleIndices(n: number, rng: Rng): Int32Array {
    if (this.size === 0) throw new ConfigError('replay: cannot sample from an empty buffer');
    const out = new Int32Array(n);
    for (let k = 0; k < n; k++) out[k] = rng.integer(0, this.size);
    return out;
  }

  /** Rows `indices` of `column`, row-major [n, width]. */
  gather(column: K, indices: Int32Array): Float32Array {
    const width = this.columns[column];
    const src = this.data.get(column) as Float32Array;
    const out = new Float32Array(indices.length * width);
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k] as number;
      out.set(src.subarray(i * width, (i + 1) * width), k * width);
    }
    return out;
  }

  /**
   * Rows `indices` of a column that holds `groups` blocks of `width / groups`
   * floats (one per agent), laid out group-major: [groups, n, width / groups].
   */
  gatherGroupMajor(column: K, indices: Int32Array, groups: number): Float32Array {
    const width = this.columns[column];
    const part = width / groups;
    const src = this.data.get(column) as Float32Array;
    const n = indices.length;
    const out = new Float32Array(n * width);
    for (let k = 0; k < n; k++) {
      const base = (indices[k] as number) * width;
      // A plain loop: the parts are a few numbers each, and a subarray per part is an object to collect.
      for (let g = 0; g < groups; g++) {
        const from = base + g * part, to = (g * n + k) * part;
        for (let i = 0; i < part; i++) out[to + i] = src[from + i] as number;
      }
    }
    return out;
  }
}

// ================================================================ CHECKPOINT GROUPS

/** Load a group into raw variables, checking count and shapes. */
export function restoreVariables(vars: readonly tf.Variable[], group: LoadedCheckpoint['groups'][string] | undefined, label: string): void {
  if (!group) throw new CheckpointError(`checkpoint has no weights for ${quote(label)}`);
  if (group.length !== vars.length) throw new CheckpointError(`${label}: checkpoint has ${group.length} tensors, the agent has ${vars.length}`);
  vars.forEach((v, i) => {
    const g = group[i] as { name: string; shape: number[]; values: Float32Array };
    if (g.shape.join('x') !== v.shape.join('x')) throw new CheckpointError(`${label}: tensor ${i} (${quote(g.name)}) has shape ${quote(g.shape)} in the checkpoint but ${quote(v.shape)} here`);
    tf.tidy(() => v.assign(tf.tensor(g.values, g.shape)));
  });
}
