/**
 * Attention over the agents of a workflow, masked by its topology: the
 * attention module of FaaSConf's attention mean-field (paper 000, §4.2, eq. 9,
 * Fig. 5). Agent j's weight on agent k compares their states through learnable
 * query and key projections, scaled as in Vaswani et al. (2017), and keeps
 * only the workflow's edges:
 *
 *   α^{jk} = exp(q_j · k_k / √d_k) · A^{jk} / Σ_l exp(q_j · k_l / √d_k) · A^{jl},
 *   q_j = s_j W_q,  k_k = s_k W_k.
 *
 * Masked entries (A^{jk} = 0) get −∞ before the softmax and so exactly zero
 * weight; a row with no neighbour at all gets all-zero weights (not NaN), so
 * the weighted mean of its neighbours is the zero vector. With a 0/1 adjacency
 * this is a softmax over the neighbours; a weighted adjacency scales each term
 * as eq. (9)'s Hadamard product does.
 */
import { ConfigError, quote } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import type { Gemm } from './gemm.js';
import { tf } from './tf.js';

/** Validate an n × n adjacency matrix (finite, non-negative) and return it as a tensor. */
export function adjacencyTensor(adjacency: readonly (readonly number[])[], n: number): tf.Tensor2D {
  return tf.tensor2d(adjacencyMatrix(adjacency, n), [n, n]);
}

/** The adjacency checked and flattened row-major (no tensor: `supports()` checks an env without touching tfjs). */
export function adjacencyMatrix(adjacency: readonly (readonly number[])[], n: number): Float32Array {
  if (!Array.isArray(adjacency) || adjacency.length !== n) throw new ConfigError(`adjacency must be ${n} rows of ${n} numbers, got ${quote(adjacency)}`);
  const flat = new Float32Array(n * n);
  adjacency.forEach((row, j) => {
    if (!Array.isArray(row) || row.length !== n) throw new ConfigError(`adjacency row ${j} must have ${n} numbers, got ${quote(row)}`);
    row.forEach((v, k) => {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new ConfigError(`adjacency[${j}][${k}] must be a finite number >= 0, got ${quote(v)}`);
      flat[j * n + k] = v;
    });
  });
  return flat;
}

/**
 * Attention weights from raw (already scaled) scores `[..., n, n]` and an
 * adjacency `[n, n]`: masked softmax over the last axis, multiplied by the
 * adjacency (eq. 9). Masked entries are exactly 0; each row with at least one
 * neighbour sums to 1; a row without neighbours is all 0.
 */
export function maskedAttentionWeights(scores: tf.Tensor, adjacency: tf.Tensor2D): tf.Tensor {
  return tf.tidy(() => {
    const mask = adjacency.greater(0);
    const hasNeighbour = mask.any(-1, true); // [n, 1]
    const masked = tf.where(mask, scores, tf.fill(scores.shape, -Infinity));
    const rowMax = tf.where(hasNeighbour, masked.max(-1, true), tf.zeros(hasNeighbour.shape));
    const e = masked.sub(rowMax).exp().mul(adjacency); // exp(−∞) = 0 on masked entries
    const total = e.sum(-1, true);
    return e.div(tf.where(hasNeighbour, total, tf.onesLike(total)));
  });
}

/**
 * Batched product `a [b, n, m] · c [b, m, p]` → `[b, n, p]` by broadcasting
 * (elementwise product and sum), for the small per-sample matrices of
 * attention over agents: tfjs-wasm's batched and transposed `matMul` kernels
 * are many times slower than this at these sizes, forward and backward.
 */
export function smallBatchMatMul(a: tf.Tensor3D, c: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(() => a.expandDims(3).mul(c.expandDims(1)).sum(2) as tf.Tensor3D);
}

/** Scaled dot-product scores q_j · k_k / √d_k of queries and keys `[b, n, d_k]` → `[b, n, n]`. */
export function attentionScores(queries: tf.Tensor3D, keys: tf.Tensor3D): tf.Tensor3D {
  const dk = queries.shape[2];
  return tf.tidy(() => queries.expandDims(2).mul(keys.expandDims(1)).sum(3).div(Math.sqrt(dk)) as tf.Tensor3D);
}

export interface AgentAttentionOptions {
  /** Size of an agent's state vector s_j. */
  stateDim: number;
  /** Size d_k of queries and keys. */
  keyDim: number;
  /** Number of agents n. */
  agents: number;
  /** One (W_q, W_k) pair shared by all agents, or one pair per agent (agent j's pair scores j's query against every key). @default true */
  shared?: boolean;
}

/**
 * A learnable attention module: W_q and W_k (no bias), shared by all agents or
 * one pair per agent. `weights(states, adjacency)` maps states `[b, n, d]` to
 * attention weights `[b, n, n]`. Initialised uniformly in ±1/√d from the Rng
 * (PyTorch's default for a linear layer, as the FaaSConf implementation).
 */
export class AgentAttention {
  readonly wq: tf.Variable;
  readonly wk: tf.Variable;
  readonly shared: boolean;
  readonly keyDim: number;
  readonly stateDim: number;
  readonly agents: number;

  constructor(opts: AgentAttentionOptions, rng: Rng) {
    for (const key of ['stateDim', 'keyDim', 'agents'] as const) {
      if (!Number.isSafeInteger(opts[key]) || opts[key] < 1) throw new ConfigError(`AgentAttention: ${key} must be a positive integer, got ${quote(opts[key])}`);
    }
    this.shared = opts.shared ?? true;
    this.keyDim = opts.keyDim;
    this.stateDim = opts.stateDim;
    this.agents = opts.agents;
    const shape = this.shared ? [opts.stateDim, opts.keyDim] : [opts.agents, opts.stateDim, opts.keyDim];
    const limit = 1 / Math.sqrt(opts.stateDim);
    const draw = (): tf.Variable => {
      const size = shape.reduce((a, b) => a * b, 1);
      const values = new Float32Array(size);
      for (let i = 0; i < size; i++) values[i] = rng.uniform(-limit, limit);
      return tf.variable(tf.tensor(values, shape), true);
    };
    this.wq = draw();
    this.wk = draw();
  }

  get variables(): tf.Variable[] {
    return [this.wq, this.wk];
  }

  private valueCache: { q: object; k: object; wq: Float32Array; wk: Float32Array } | null = null;

  /**
   * W_q's and W_k's values as flat arrays (the input of `attentionForward`, on
   * the update's fast path and when acting), read from the variables only when
   * they were given new data since the last call (an update, a load), so
   * acting between updates makes no tfjs call. Do not modify them.
   */
  values(): { wq: Float32Array; wk: Float32Array } {
    const dataOf = (t: tf.Tensor): object => (t as unknown as { dataId: object }).dataId;
    const q = dataOf(this.wq), k = dataOf(this.wk), c = this.valueCache;
    if (c && c.q === q && c.k === k) return c;
    this.valueCache = { q, k, wq: this.wq.dataSync() as Float32Array, wk: this.wk.dataSync() as Float32Array };
    return this.valueCache;
  }

  /** Raw scaled scores `[b, n, n]` of states `[b, n, d]` (before masking). */
  scores(states: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => {
      const [, n, d] = states.shape;
      if (d !== this.stateDim || n !== this.agents) throw new ConfigError(`AgentAttention: states must be [batch, ${this.agents}, ${this.stateDim}], got ${quote(states.shape)}`);
      // Projections by broadcasting (see smallBatchMatMul): s [b, n, d, 1] · W [(n,) d, d_k] summed over d.
      const q = states.expandDims(3).mul(this.wq).sum(2) as tf.Tensor3D; // [b, n, d_k]
      if (this.shared) return attentionScores(q, states.expandDims(3).mul(this.wk).sum(2) as tf.Tensor3D);
      // Agent j's own pair: score_jk = (s_j W_q^j) · (s_k W_k^j) = u_j · s_k with u_j = s_j W_q^j W_k^jᵀ.
      const u = q.expandDims(2).mul(this.wk).sum(3) as tf.Tensor3D; // [b, n, d]
      return u.expandDims(2).mul(states.expandDims(1)).sum(3).div(Math.sqrt(this.keyDim)) as tf.Tensor3D;
    });
  }

  /** Attention weights `[b, n, n]` (see `maskedAttentionWeights`). */
  weights(states: tf.Tensor3D, adjacency: tf.Tensor2D): tf.Tensor3D {
    return tf.tidy(() => maskedAttentionWeights(this.scores(states), adjacency) as tf.Tensor3D);
  }

  dispose(): void {
    this.wq.dispose();
    this.wk.dispose();
  }
}

// ================================================================ THE FAST PATH

/** What `attentionForward` keeps for `attentionBackward`. */
export interface AttentionCache {
  batch: number;
  /** States [B, N, D], as given. */
  states: Float32Array;
  /** P = W_q W_kᵀ [D, D] (agent j's own P^j, [N, D, D], when not shared), so that score_jl = (s_j P) · s_l / √d_k. */
  p: Float64Array;
  /** The projections' values. */
  wq: Float32Array;
  wk: Float32Array;
  /** The weights [B, N, N]. */
  w: Float32Array;
}

type Module = { agents: number; stateDim: number; keyDim: number; shared: boolean };

/** P = W_q W_kᵀ per weight group ([D, D], or [N, D, D] per agent), in double precision. */
function bilinearForm(module: Module, wq: Float32Array, wk: Float32Array): Float64Array {
  const D = module.stateDim, K = module.keyDim, groups = module.shared ? 1 : module.agents;
  const p = new Float64Array(groups * D * D);
  for (let g = 0; g < groups; g++) {
    const m = g * D * K, po = g * D * D;
    for (let i = 0; i < D; i++) {
      for (let h = 0; h < D; h++) {
        let sum = 0;
        for (let c = 0; c < K; c++) sum += (wq[m + i * K + c] as number) * (wk[m + h * K + c] as number);
        p[po + i * D + h] = sum;
      }
    }
  }
  return p;
}

/**
 * `AgentAttention.weights` in JavaScript on flat arrays (the learners' fast
 * path: at a few agents the arithmetic is small and the tfjs ops around it
 * cost far more): states [B, N, D] row-major, `wq`/`wk` the module's
 * variables' values ([D, d_k], or [N, D, d_k] per agent), `adjacency` [N, N].
 * The scores are computed as (s_j P) · s_l with P = W_q W_kᵀ [D, D] formed
 * once per call: the same product regrouped (equal up to rounding), and with
 * states smaller than the keys (FaaSConf: 9 against 32) several times less
 * arithmetic than projecting every state to its query and key. With `gemm`,
 * every u_j = s_j P of the minibatch comes from one float32 product on its
 * arena (`Gemm`, freed before returning) instead of a double-precision loop.
 * Returns the weights [B, N, N] and what the backward pass needs.
 */
export function attentionForward(states: Float32Array, batch: number, module: Module, wq: Float32Array, wk: Float32Array, adjacency: Float32Array, gemm?: Gemm): AttentionCache {
  const K = module.keyDim;
  const scale = 1 / Math.sqrt(K);
  const p = bilinearForm(module, wq, wk);
  const mark = gemm?.used ?? 0;
  try {
    const rows = gemm ? projectAll(gemm, states, batch, module, p) : null;
    return scoresToWeights(states, batch, module, p, wq, wk, adjacency, scale, rows);
  } finally {
    gemm?.release(mark);
  }
}

/**
 * Every u_j = s_j P at once on `gemm` (float32 products; P^j for agent j's
 * rows when not shared): the arena offset of U [B·N, D padded to 4] and its row width.
 */
function projectAll(gemm: Gemm, states: Float32Array, batch: number, module: Module, p: Float64Array): Projected {
  const N = module.agents, D = module.stateDim, Dp = Math.ceil(D / 4) * 4, groups = module.shared ? 1 : N;
  const s = gemm.alloc(batch * N * D), pf = gemm.alloc(groups * D * Dp), u = gemm.alloc(batch * N * Dp);
  const f = gemm.f32;
  f.set(states, s);
  for (let g = 0; g < groups; g++) for (let i = 0; i < D; i++) for (let h = 0; h < D; h++) f[pf + (g * D + i) * Dp + h] = p[(g * D + i) * D + h] as number;
  if (module.shared) gemm.product(batch * N, Dp, D, s, D, 1, pf, Dp, u, Dp);
  else for (let j = 0; j < N; j++) gemm.product(batch, Dp, D, s + j * D, N * D, 1, pf + j * D * Dp, Dp, u + j * Dp, N * Dp);
  return { f32: gemm.f32, at: u, width: Dp };
}

interface Projected {
  f32: Float32Array;
  at: number;
  width: number;
}

function scoresToWeights(states: Float32Array, batch: number, module: Module, p: Float64Array, wq: Float32Array, wk: Float32Array, adjacency: Float32Array, scale: number, projected: Projected | null): AttentionCache {
  const N = module.agents, D = module.stateDim, shared = module.shared;
  const w = new Float32Array(batch * N * N);
  // Each agent's neighbours (A^{jl} > 0) and their A^{jl}, once.
  const neighbours: number[][] = [], weights: number[][] = [];
  for (let j = 0; j < N; j++) {
    neighbours.push([]);
    weights.push([]);
    for (let l = 0; l < N; l++) {
      const a = adjacency[j * N + l] as number;
      if (a > 0) {
        (neighbours[j] as number[]).push(l);
        (weights[j] as number[]).push(a);
      }
    }
  }
  const u = new Float64Array(D);
  const scores = new Float64Array(N);
  for (let b = 0; b < batch; b++) {
    for (let j = 0; j < N; j++) {
      const nb = neighbours[j] as number[];
      if (nb.length === 0) continue; // no neighbour: all-zero weights
      // u = s_j P (agent j's P when not shared), or as `projectAll` computed it.
      if (projected) {
        const uo = projected.at + (b * N + j) * projected.width;
        for (let h = 0; h < D; h++) u[h] = projected.f32[uo + h] as number;
      } else {
        const s = (b * N + j) * D, po = shared ? 0 : j * D * D;
        for (let h = 0; h < D; h++) {
          let sum = 0;
          for (let i = 0; i < D; i++) sum += (states[s + i] as number) * (p[po + i * D + h] as number);
          u[h] = sum;
        }
      }
      let max = -Infinity;
      for (let t = 0; t < nb.length; t++) {
        const so = (b * N + (nb[t] as number)) * D;
        let dot = 0;
        for (let i = 0; i < D; i++) dot += (u[i] as number) * (states[so + i] as number);
        const score = dot * scale;
        scores[t] = score;
        if (score > max) max = score;
      }
      let total = 0;
      const aw = weights[j] as number[];
      for (let t = 0; t < nb.length; t++) {
        const e = Math.exp((scores[t] as number) - max) * (aw[t] as number);
        scores[t] = e;
        total += e;
      }
      const wo = (b * N + j) * N;
      for (let t = 0; t < nb.length; t++) w[wo + (nb[t] as number)] = (scores[t] as number) / total;
    }
  }
  return { batch, states, p, wq, wk, w };
}

/**
 * ∂loss/∂W_q and ∂loss/∂W_k (added into `dWq`, `dWk`, laid out as the
 * variables) from ∂loss/∂weights `dw` [B, N, N]: the masked softmax's
 * Jacobian, then the scaled dot products into ∂P (score_jl = s_j P s_lᵀ),
 * and once per call ∂W_q = ∂P W_k, ∂W_k = ∂Pᵀ W_q. The states are inputs,
 * not differentiated.
 */
export function attentionBackward(cache: AttentionCache, module: Module, dw: Float32Array, dWq: Float32Array, dWk: Float32Array): void {
  const N = module.agents, D = module.stateDim, K = module.keyDim, shared = module.shared;
  const { batch, states, wq, wk, w } = cache;
  const scale = 1 / Math.sqrt(K);
  const groups = shared ? 1 : N;
  const dp = new Float64Array(groups * D * D);
  const t = new Float64Array(D);
  for (let b = 0; b < batch; b++) {
    for (let j = 0; j < N; j++) {
      const wo = (b * N + j) * N;
      let inner = 0;
      for (let l = 0; l < N; l++) inner += (w[wo + l] as number) * (dw[wo + l] as number);
      // ∂score_jl, then t_j = Σ_l ∂score_jl · s_l = ∂loss/∂u_j (u_j = s_j P).
      t.fill(0);
      let any = false;
      for (let l = 0; l < N; l++) {
        const g = (w[wo + l] as number) * ((dw[wo + l] as number) - inner) * scale;
        if (g === 0) continue;
        any = true;
        const so = (b * N + l) * D;
        for (let i = 0; i < D; i++) t[i] = (t[i] as number) + g * (states[so + i] as number);
      }
      if (!any) continue;
      // ∂P[i, h] += s_j[i] t_j[h].
      const po = shared ? 0 : j * D * D, so = (b * N + j) * D;
      for (let i = 0; i < D; i++) {
        const x = states[so + i] as number;
        if (x === 0) continue;
        const row = po + i * D;
        for (let h = 0; h < D; h++) dp[row + h] = (dp[row + h] as number) + x * (t[h] as number);
      }
    }
  }
  for (let g = 0; g < groups; g++) {
    const m = g * D * K, po = g * D * D;
    for (let i = 0; i < D; i++) {
      for (let c = 0; c < K; c++) {
        // ∂W_q[i, c] = Σ_h ∂P[i, h] W_k[h, c]; ∂W_k[i, c] = Σ_h ∂P[h, i] W_q[h, c].
        let q = 0, k = 0;
        for (let h = 0; h < D; h++) {
          q += (dp[po + i * D + h] as number) * (wk[m + h * K + c] as number);
          k += (dp[po + h * D + i] as number) * (wq[m + h * K + c] as number);
        }
        dWq[m + i * K + c] = (dWq[m + i * K + c] as number) + q;
        dWk[m + i * K + c] = (dWk[m + i * K + c] as number) + k;
      }
    }
  }
}
