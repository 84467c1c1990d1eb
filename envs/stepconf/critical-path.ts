/**
 * The workflow as a DAG of function steps and the critical-path estimate
 * StepConf builds its sub-SLOs on (001 §4.3, Algorithm 1): each step gets a
 * weight, its expected duration under a fixed *reference configuration*, and
 * the estimate of the sub-graph G_i that starts at step v_i is the heaviest
 * path from v_i to a sink (v_i included).
 *
 * The expected duration of a step adds the phases of §3.2
 * (t = t_mapping + t_download + t_compute + t_upload) on the simulator's model
 * of a Lambda-style function (src/cluster/sim/engine.ts). A step ends with its
 * slowest instance, so each varying phase is the median of the slowest of p
 * draws (the quantile 0.5^(1/p); the median for p = 1):
 *
 * - mapping: the cold start (every step is cold: each function runs once per
 *   episode); past the scale-out burst b (token bucket, §2.2 Fig. 3) the
 *   last instance also waits, for a token, `(p − b) / rate`, or until p − b
 *   instances of the first wave have finished (their cold start, download,
 *   compute and upload at the quantile (p − b)/b, within [0.5, 0.5^(1/p)]),
 *   whichever comes first;
 * - download, upload: the transfer distributions;
 * - compute: the step's median work × requestScale split over p instances,
 *   each at `c = max(1, round(1000·m / cpuPerMemoryMb)) / 1000` vCPUs and
 *   `threads × q` cores: speed c when c < 1, else Amdahl `1 / (1 − f + f/k)`
 *   with `k = min(c, threads × q)` — eq. (1)'s `min(m_i / m_s, q_i)`.
 *
 * An estimate (the slowest phases rarely coincide, so it errs high for large
 * p), used as a feature and a weight, not a guarantee (no P90 as in eq. 2).
 */
import type { SimFunctionSpec, SimWorkflowSpec } from '../../src/cluster/sim/spec.js';
import { ConfigError, quote } from '../../src/core/errors.js';
import type { DistInput } from '../../src/workloads/dist.js';

/** A step's configuration θ = (m, p, q) of §4.1. */
export interface StepConfig {
  /** m: memory size, MB. */
  memoryMb: number;
  /** p: inter-function parallelism (concurrent instances; the work is split over them). */
  parallelism: number;
  /** q: intra-function parallelism (processes per instance). */
  intra: number;
}

/** The workflow's stages as a DAG, in topological order. */
export interface WorkflowGraph {
  /** Stage ids in the workflow's order. */
  stages: string[];
  /** Function of each stage. */
  fns: string[];
  /** Successors and predecessors of each stage (indices). */
  next: number[][];
  prev: number[][];
  /** Stage indices in a topological order. */
  order: number[];
  index: Map<string, number>;
}

/** Build the DAG of a (branch-free) workflow spec. */
export function workflowGraph(wf: SimWorkflowSpec): WorkflowGraph {
  const stages = wf.stages.map((s) => (typeof s === 'string' ? s : s.id ?? s.fn));
  const fns = wf.stages.map((s) => (typeof s === 'string' ? s : s.fn));
  const index = new Map(stages.map((s, i) => [s, i]));
  const next: number[][] = stages.map(() => []);
  const prev: number[][] = stages.map(() => []);
  const arcs: [string, string][] = [...(wf.edges ?? []), ...(wf.branches ?? []).flatMap((b) => b.to.map((to): [string, string] => [b.from, to]))];
  for (const [a, b] of arcs) {
    const i = index.get(a), j = index.get(b);
    if (i === undefined || j === undefined) throw new ConfigError(`workflow ${quote(wf.name)}: edge ${quote([a, b])} names an unknown stage`);
    next[i]?.push(j);
    prev[j]?.push(i);
  }
  // Kahn's algorithm, lowest index first, so the order is stable.
  const indeg = prev.map((p) => p.length);
  const ready = indeg.flatMap((d, i) => (d === 0 ? [i] : []));
  const order: number[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => a - b);
    const s = ready.shift() as number;
    order.push(s);
    for (const t of next[s] as number[]) if (--(indeg[t] as number) === 0) ready.push(t);
  }
  if (order.length !== stages.length) throw new ConfigError(`workflow ${quote(wf.name)} has a cycle`);
  return { stages, fns, next, prev, order, index };
}

/**
 * Heaviest path from each stage to a sink, the stage's own weight included
 * (the critical-path length of the sub-graph G_i starting at it).
 */
export function longestPathsToSink(g: WorkflowGraph, weights: readonly number[]): number[] {
  const out = new Array<number>(g.stages.length).fill(0);
  for (let k = g.order.length - 1; k >= 0; k--) {
    const s = g.order[k] as number;
    let tail = 0;
    for (const t of g.next[s] as number[]) tail = Math.max(tail, out[t] as number);
    out[s] = (weights[s] as number) + tail;
  }
  return out;
}

/**
 * Quantile u of a distribution (a number is a constant). Normal draws are
 * truncated at 0, as the simulator samples them.
 */
export function distQuantile(d: DistInput, u: number): number {
  if (typeof d === 'number') return d;
  switch (d.kind) {
    case 'constant':
      return d.value;
    case 'exponential':
      return -d.mean * Math.log(1 - u);
    case 'uniform':
      return d.low + (d.high - d.low) * u;
    case 'lognormal':
      return d.median * Math.exp(d.sigma * normalQuantile(u));
    case 'normal':
      return Math.max(0, d.mean + d.std * normalQuantile(u));
    case 'empirical': {
      const v = [...d.values].sort((a, b) => a - b);
      return v[Math.min(v.length - 1, Math.max(0, Math.ceil(u * v.length) - 1))] as number;
    }
  }
}

/**
 * Inverse of the standard normal CDF, Acklam's rational approximation
 * (relative error < 1.2e-9), for u in (0, 1).
 */
export function normalQuantile(u: number): number {
  if (!(u > 0 && u < 1)) throw new ConfigError(`normalQuantile: u must be in (0, 1), got ${quote(u)}`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  const poly = (k: number[], x: number): number => k.reduce((acc, v) => acc * x + v, 0);
  if (u < lo) {
    const q = Math.sqrt(-2 * Math.log(u));
    return poly(c, q) / (poly(d, q) * q + 1);
  }
  if (u > 1 - lo) {
    const q = Math.sqrt(-2 * Math.log(1 - u));
    return -poly(c, q) / (poly(d, q) * q + 1);
  }
  const q = u - 0.5, r = q * q;
  return (poly(a, r) * q) / (poly(b, r) * r + 1);
}

/** vCPUs of an instance with `memoryMb` (Lambda: 1769 MB per vCPU), as the simulator rounds them. */
export function vcpus(fn: SimFunctionSpec, memoryMb: number): number {
  if (fn.cpuPerMemoryMb === undefined) return (fn.cpuMilli ?? 1000) / 1000;
  return Math.max(1, Math.round((1000 * memoryMb) / fn.cpuPerMemoryMb)) / 1000;
}

/** Cores one instance of `fn` uses with intra-function parallelism q: q processes of code that uses `threads` cores each. */
export function instanceThreads(fn: SimFunctionSpec, intra: number): number {
  return (fn.threads ?? 1) * intra;
}

/** Speed of one instance relative to one reference core (the simulator's Amdahl model, no contention). */
export function instanceSpeed(fn: SimFunctionSpec, memoryMb: number, intra: number): number {
  const c = vcpus(fn, memoryMb);
  if (c < 1) return c;
  const k = Math.min(c, instanceThreads(fn, intra));
  const f = fn.parallelFraction ?? 1;
  return f === 1 ? k : 1 / (1 - f + f / k);
}

/**
 * Expected phases of one step of `fn` with `requestScale` (jobs / nominal
 * jobs) under configuration θ, seconds. The step ends with its slowest
 * instance, so each varying phase is taken at the median of the slowest of p
 * draws, the quantile `0.5^(1/p)` (p = 1: the median); the work is the
 * median work split evenly over the p instances.
 */
export function expectedPhases(fn: SimFunctionSpec, requestScale: number, theta: StepConfig): { mapping: number; download: number; compute: number; upload: number; total: number } {
  const u = Math.pow(0.5, 1 / theta.parallelism);
  const burst = fn.scaleOutBurst ?? Infinity, rate = fn.scaleOutRate ?? Infinity;
  const download = distQuantile(fn.download ?? 0, u);
  const upload = distQuantile(fn.upload ?? 0, u);
  const compute = (distQuantile(fn.work, 0.5) * requestScale) / theta.parallelism / instanceSpeed(fn, theta.memoryMb, theta.intra);
  let mapping = distQuantile(fn.coldStart ?? 0, u);
  const p = theta.parallelism;
  if (p > burst) {
    const v = Math.min(u, Math.max(0.5, (p - burst) / burst));
    const freed = distQuantile(fn.coldStart ?? 0, v) + distQuantile(fn.download ?? 0, v) + compute + distQuantile(fn.upload ?? 0, v);
    mapping = Math.min(mapping + (p - burst) / rate, freed);
  }
  return { mapping, download, compute, upload, total: mapping + download + compute + upload };
}
