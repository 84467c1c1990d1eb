/**
 * StepConf's performance estimator (paper 001 §3): the duration of a function
 * step under θ = (m, p, q) decomposed as in §3.2,
 *
 *     t = t_mapping + t_transfer + t_compute,
 *
 * with the compute time from eq. (1)'s piece-wise fit and the varying delays
 * (mapping, transfer) from eq. (2)'s quantile regression at ω = 0.9, all
 * fitted per function on profiling samples (`env.profilingSamples(...)` /
 * `profileSamples`, envs/stepconf/profiling.ts). The linear algebra (weighted
 * least squares of every fit) is mathjs's `lusolve`.
 *
 * ## Compute, eq. (1) (§3.3)
 *
 * With γ̄ = γ/p jobs per instance and k = min(m/m_s, cores) — eq. (1)'s
 * min(m_i/m_s, q_i), where `cores` is what one instance can use (the
 * function's threads × q; m_s = 1769 MB per vCPU):
 *
 *     case 1 (multi-core code, m ≥ m_s):   t_c = (a₁·γ̄ + b₁)·e^(−a₂·k) + φ₁
 *     case 2 (single-thread code, or m < m_s): t_c = a₂·γ̄ / (δ_s·k + b₂) + φ₂
 *
 * A function is multi-core when its profiled `threads / intra` exceeds 1 (the
 * function class of the observation). Each regime's fit is separable: for a
 * fixed nonlinear parameter (a₂ of case 1, b₂ of case 2) the rest is linear,
 * solved by weighted least squares (weights 1/t², i.e. relative error, since
 * γ̄ spans two orders of magnitude); the nonlinear one by a log-grid search
 * refined by golden section (variable projection). δ_s, the relative
 * single-core performance, scales with a₂ and b₂ and is not identifiable
 * from times alone: it is fixed (1, the reference core).
 *
 * `serialTerm` (default on) adds φ_γ·γ̄ to φ (eq. 1 is the special case
 * φ_γ = 0): the serial part of a job runs at one core's speed whatever k is
 * (Amdahl), so it scales with γ̄, which one constant φ cannot follow when p
 * ranges from 1 to 64. With exact eq. (1) data the fit recovers φ_γ = 0.
 *
 * ## Varying delays, eq. (2) (§3.4)
 *
 *     Q_{Y|X}(ω) = β₀ + Σ β_i X_i + Σ γ_i X_i² + Σ_{i<j} δ_ij X_i X_j
 *
 * minimising the pinball loss ρ_ω(r) = r·(ω − [r < 0]) by iteratively
 * reweighted least squares (weights ω/|r| above, (1 − ω)/|r| below the fit).
 * Inputs are scaled by their largest training value before the terms are
 * built. Fitted per function:
 *
 * - mapping delay vs the number of instances that start cold (p on a
 *   profiling run, where every instance is cold); 0 when none does (all
 *   prewarmed);
 * - transfer delay vs the number of objects (p) and the data size
 *   (`transferMb` × γ/100): the step's `duration − mapping − compute`, the
 *   download and upload of the instance that finishes last measured from the
 *   last start, so that the three parts add up to the step's duration;
 * - billed transfer time per instance (download + upload), at the median
 *   (ω = 0.5), for the cost model.
 *
 * Cost (§3.5): c = p·((t_compute + t_billed transfer)·m·μ0 + μ1) at AWS
 * Lambda prices (`lambdaCostUsd`).
 */
import { lusolve } from 'mathjs';
import { lambdaCostUsd } from '../src/cluster/cost.js';
import { ConfigError, quote } from '../src/core/errors.js';
import type { ProfileSample } from '../envs/stepconf/profiling.js';

/** m_s: memory of one full vCPU on AWS Lambda, MB (001 §2.2; paper-numbers.json stepconf.aws_single_vcpu_memory_mb). */
export const SINGLE_CORE_MEMORY_MB = 1769;

/** ω of eq. (2) (001 §3.4, §7.2: P90). */
export const DEFAULT_QUANTILE = 0.9;

// ================================================================ LINEAR ALGEBRA

/**
 * Weighted least squares with a tiny ridge: argmin Σ w_i (A_i·x − y_i)² + λ‖x‖²
 * on columns scaled to unit RMS (then unscaled), by mathjs `lusolve` of the
 * normal equations.
 */
export function weightedLeastSquares(A: readonly (readonly number[])[], y: readonly number[], w?: readonly number[], ridge = 1e-10): number[] {
  const n = A.length, k = (A[0] as readonly number[] | undefined)?.length ?? 0;
  if (n === 0 || k === 0) throw new ConfigError(`weightedLeastSquares: needs a non-empty design matrix, got ${n} × ${k}`);
  const scale = new Array<number>(k).fill(0);
  for (const row of A) for (let j = 0; j < k; j++) scale[j] = (scale[j] as number) + (row[j] as number) ** 2;
  for (let j = 0; j < k; j++) scale[j] = Math.sqrt((scale[j] as number) / n) || 1;
  const N: number[][] = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const b = new Array<number>(k).fill(0);
  for (let i = 0; i < n; i++) {
    const row = A[i] as readonly number[], wi = w ? (w[i] as number) : 1, yi = y[i] as number;
    for (let r = 0; r < k; r++) {
      const xr = (row[r] as number) / (scale[r] as number);
      b[r] = (b[r] as number) + wi * xr * yi;
      const Nr = N[r] as number[];
      for (let c = r; c < k; c++) Nr[c] = (Nr[c] as number) + wi * xr * ((row[c] as number) / (scale[c] as number));
    }
  }
  let trace = 0;
  for (let r = 0; r < k; r++) {
    for (let c = 0; c < r; c++) (N[r] as number[])[c] = (N[c] as number[])[r] as number;
    trace += (N[r] as number[])[r] as number;
  }
  const lambda = ridge * (trace / k || 1);
  for (let r = 0; r < k; r++) (N[r] as number[])[r] = ((N[r] as number[])[r] as number) + lambda;
  const x = lusolve(N, b) as number[][];
  return x.map((v, j) => (v[0] as number) / (scale[j] as number));
}

/** Minimise a unimodal-ish f over [lo, hi] on a log grid, refined by golden section around the best point. */
function minimiseLog(f: (x: number) => number, lo: number, hi: number, points = 48): number {
  const grid = Array.from({ length: points }, (_, i) => Math.exp(Math.log(lo) + ((Math.log(hi) - Math.log(lo)) * i) / (points - 1)));
  const vals = grid.map(f);
  let best = 0;
  for (let i = 1; i < points; i++) if ((vals[i] as number) < (vals[best] as number)) best = i;
  let a = Math.log(grid[Math.max(0, best - 1)] as number), b = Math.log(grid[Math.min(points - 1, best + 1)] as number);
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a), d = a + g * (b - a);
  let fc = f(Math.exp(c)), fd = f(Math.exp(d));
  for (let it = 0; it < 100 && b - a > 1e-11; it++) {
    if (fc < fd) {
      b = d; d = c; fd = fc; c = b - g * (b - a); fc = f(Math.exp(c));
    } else {
      a = c; c = d; fc = fd; d = a + g * (b - a); fd = f(Math.exp(d));
    }
  }
  const x = Math.exp((a + b) / 2);
  return f(x) <= (vals[best] as number) ? x : (grid[best] as number);
}

// ================================================================ EQ. (1): COMPUTE

/** One compute observation: γ̄ jobs per instance, k usable cores (min(m/m_s, cores)), time t. */
export interface ComputePoint {
  jobsPerInstance: number;
  cores: number;
  seconds: number;
}

/** Case 1 of eq. (1): t = (a₁·γ̄ + b₁)·e^(−a₂·k) + φ + φ_γ·γ̄. */
export interface ExponentialFit {
  form: 'exponential';
  a1: number;
  b1: number;
  a2: number;
  phi: number;
  phiPerJob: number;
  /** Root mean square relative error on the training points. */
  relRmse: number;
  n: number;
}

/** Case 2 of eq. (1): t = a₂·γ̄ / (δ_s·k + b₂) + φ + φ_γ·γ̄. */
export interface InverseFit {
  form: 'inverse';
  a2: number;
  b2: number;
  deltaS: number;
  phi: number;
  phiPerJob: number;
  relRmse: number;
  n: number;
}

export type ComputeFit = ExponentialFit | InverseFit;

export interface Eq1FitOptions {
  /** Fit φ_γ·γ̄ besides φ. @default true */
  serialTerm?: boolean;
  /** δ_s of case 2. @default 1 */
  deltaS?: number;
}

/** Eq. (1) of a fit at γ̄ jobs per instance and k cores. */
export function evalCompute(fit: ComputeFit, jobsPerInstance: number, cores: number): number {
  const serial = fit.phi + fit.phiPerJob * jobsPerInstance;
  if (fit.form === 'exponential') return (fit.a1 * jobsPerInstance + fit.b1) * Math.exp(-fit.a2 * cores) + serial;
  return (fit.a2 * jobsPerInstance) / (fit.deltaS * cores + fit.b2) + serial;
}

function checkPoints(what: string, pts: readonly ComputePoint[], min: number): void {
  if (pts.length < min) throw new ConfigError(`${what}: needs at least ${min} points, got ${pts.length}`);
  for (const p of pts) {
    if (!(p.jobsPerInstance > 0) || !(p.cores > 0) || !(p.seconds > 0) || ![p.jobsPerInstance, p.cores, p.seconds].every(Number.isFinite)) {
      throw new ConfigError(`${what}: every point needs jobsPerInstance, cores and seconds > 0, got ${quote(p)}`);
    }
  }
}

/** Distinct core counts k among the points (to 1e-9). */
function distinctCores(pts: readonly ComputePoint[]): number {
  return new Set(pts.map((p) => Math.round(p.cores * 1e9))).size;
}

function relRmse(fit: ComputeFit, pts: readonly ComputePoint[]): number {
  let s = 0;
  for (const p of pts) s += ((evalCompute(fit, p.jobsPerInstance, p.cores) - p.seconds) / p.seconds) ** 2;
  return Math.sqrt(s / pts.length);
}

/** Separable least squares: for a fixed nonlinear parameter, the linear ones and the weighted SSE. */
function linearPart(pts: readonly ComputePoint[], columns: (p: ComputePoint) => number[]): { x: number[]; sse: number } {
  const A = pts.map(columns), y = pts.map((p) => p.seconds), w = pts.map((p) => 1 / p.seconds ** 2);
  const x = weightedLeastSquares(A, y, w);
  let sse = 0;
  A.forEach((row, i) => {
    let pred = 0;
    row.forEach((v, j) => (pred += v * (x[j] as number)));
    sse += (w[i] as number) * (pred - (y[i] as number)) ** 2;
  });
  return { x, sse };
}

/** Fit case 1 (exponential) of eq. (1). */
export function fitExponential(pts: readonly ComputePoint[], opts: Eq1FitOptions = {}): ExponentialFit {
  checkPoints('fitExponential', pts, 4);
  if (distinctCores(pts) < 2) throw new ConfigError(`fitExponential: needs points at 2 or more distinct core counts k, got ${quote([...new Set(pts.map((p) => p.cores))])}`);
  const serial = (opts.serialTerm ?? true) && distinctCores(pts) >= 3;
  const columns = (a2: number) => (p: ComputePoint): number[] => {
    const e = Math.exp(-a2 * p.cores);
    return serial ? [p.jobsPerInstance * e, e, 1, p.jobsPerInstance] : [p.jobsPerInstance * e, e, 1];
  };
  const a2 = minimiseLog((a) => linearPart(pts, columns(a)).sse, 1e-3, 30);
  const { x } = linearPart(pts, columns(a2));
  const fit: ExponentialFit = { form: 'exponential', a1: x[0] as number, b1: x[1] as number, a2, phi: x[2] as number, phiPerJob: serial ? (x[3] as number) : 0, relRmse: 0, n: pts.length };
  fit.relRmse = relRmse(fit, pts);
  return fit;
}

/** Fit case 2 (inverse) of eq. (1); b₂ > −δ_s·min k keeps the denominator positive. */
export function fitInverse(pts: readonly ComputePoint[], opts: Eq1FitOptions = {}): InverseFit {
  const deltaS = opts.deltaS ?? 1;
  if (!(deltaS > 0)) throw new ConfigError(`fitInverse: deltaS must be > 0, got ${quote(deltaS)}`);
  checkPoints('fitInverse', pts, 2);
  const distinct = distinctCores(pts);
  const serial = (opts.serialTerm ?? true) && distinct >= 3;
  const kMin = Math.min(...pts.map((p) => p.cores)), kMax = Math.max(...pts.map((p) => p.cores));
  // u = δ_s·k_min + b₂ > 0, searched on a log scale.
  const columns = (u: number) => {
    const b2 = u - deltaS * kMin;
    return (p: ComputePoint): number[] => {
      const inv = p.jobsPerInstance / (deltaS * p.cores + b2);
      return serial ? [inv, 1, p.jobsPerInstance] : [inv, 1];
    };
  };
  // One k: b₂ is not identifiable, take 0 (time inversely proportional to k).
  const u = distinct < 2 ? deltaS * kMin : minimiseLog((v) => linearPart(pts, columns(v)).sse, 1e-4 * deltaS * kMin, 1e3 * deltaS * kMax);
  const { x } = linearPart(pts, columns(u));
  const fit: InverseFit = { form: 'inverse', a2: x[0] as number, b2: u - deltaS * kMin, deltaS, phi: x[1] as number, phiPerJob: serial ? (x[2] as number) : 0, relRmse: 0, n: pts.length };
  fit.relRmse = relRmse(fit, pts);
  return fit;
}

// ================================================================ EQ. (2): QUANTILE REGRESSION

export interface QuantileRegressionJSON {
  quantile: number;
  /** Largest absolute training value of each input (inputs are divided by it). */
  scales: number[];
  coefficients: number[];
}

/** Eq. (2)'s terms of scaled inputs: 1, X_i, X_i², X_i·X_j (i < j). */
export function quadraticTerms(x: readonly number[]): number[] {
  const out = [1, ...x];
  for (const v of x) out.push(v * v);
  for (let i = 0; i < x.length; i++) for (let j = i + 1; j < x.length; j++) out.push((x[i] as number) * (x[j] as number));
  return out;
}

/** Pinball (quantile) loss of residuals y − ŷ at quantile ω, averaged. */
export function pinballLoss(residuals: readonly number[], quantile: number): number {
  let s = 0;
  for (const r of residuals) s += r >= 0 ? quantile * r : (quantile - 1) * r;
  return s / Math.max(1, residuals.length);
}

/** Eq. (2): linear quantile regression on squares and interactions of the inputs. */
export class QuantileRegression {
  constructor(readonly quantile: number, readonly scales: readonly number[], readonly coefficients: readonly number[]) {}

  /** Fit at quantile ω by IRLS on the pinball loss (`iterations` reweightings at most). */
  static fit(X: readonly (readonly number[])[], y: readonly number[], quantile = DEFAULT_QUANTILE, iterations = 100): QuantileRegression {
    if (!(quantile > 0 && quantile < 1)) throw new ConfigError(`QuantileRegression: quantile must be in (0, 1), got ${quote(quantile)}`);
    if (X.length === 0 || X.length !== y.length) throw new ConfigError(`QuantileRegression: needs as many rows as responses (> 0), got ${X.length} and ${y.length}`);
    const d = (X[0] as readonly number[]).length;
    const scales = Array.from({ length: d }, (_, j) => Math.max(...X.map((r) => Math.abs(r[j] as number))) || 1);
    const A = X.map((r) => quadraticTerms(r.map((v, j) => v / (scales[j] as number))));
    const eps = 1e-6 * (Math.max(...y.map(Math.abs)) || 1);
    const residuals = (b: readonly number[]): number[] => A.map((row, i) => (y[i] as number) - row.reduce((s, v, j) => s + v * (b[j] as number), 0));
    let beta = weightedLeastSquares(A, y, undefined, 1e-9);
    let r = residuals(beta);
    let best = beta, bestLoss = pinballLoss(r, quantile), stalled = 0;
    for (let it = 0; it < iterations && stalled < 5; it++) {
      const w = r.map((ri) => (ri >= 0 ? quantile : 1 - quantile) / Math.max(eps, Math.abs(ri)));
      beta = weightedLeastSquares(A, y, w, 1e-9);
      r = residuals(beta);
      const loss = pinballLoss(r, quantile);
      stalled = loss < bestLoss * (1 - 1e-7) ? 0 : stalled + 1;
      if (loss < bestLoss) {
        best = beta;
        bestLoss = loss;
      }
    }
    return new QuantileRegression(quantile, scales, best);
  }

  static fromJSON(j: QuantileRegressionJSON): QuantileRegression {
    return new QuantileRegression(j.quantile, [...j.scales], [...j.coefficients]);
  }

  predict(x: readonly number[]): number {
    const terms = quadraticTerms(x.map((v, j) => v / (this.scales[j] as number)));
    return terms.reduce((s, v, j) => s + v * (this.coefficients[j] as number), 0);
  }

  toJSON(): QuantileRegressionJSON {
    return { quantile: this.quantile, scales: [...this.scales], coefficients: [...this.coefficients] };
  }
}

// ================================================================ THE STEP ESTIMATOR

/** θ = (m, p, q) of 001 §4.1. */
export interface StepTheta {
  memoryMb: number;
  parallelism: number;
  intra: number;
}

export interface StepPrediction {
  mapping: number;
  transfer: number;
  compute: number;
  /** mapping + transfer + compute: the step's duration at the quantile (compute is deterministic). */
  total: number;
  /** Expected cost of the step, USD (§3.5). */
  costUsd: number;
}

export interface FunctionModelJSON {
  fn: string;
  multiCore: boolean;
  /** Cores one process of the function's code uses (profiled threads / intra). */
  threadsPerProcess: number;
  /** MB a step of the function moves at 100 jobs (`transferMb`). */
  transferMb: number;
  /** Eq. (1) below m_s (and everywhere for single-thread code), and at or above m_s for multi-core code. */
  computeLow: ComputeFit;
  computeHigh: ComputeFit;
  mapping: QuantileRegressionJSON;
  transfer: QuantileRegressionJSON;
  billedTransfer: QuantileRegressionJSON;
}

export interface StepEstimatorOptions {
  /** m_s, MB. @default 1769 */
  singleCoreMemoryMb?: number;
  /** ω of eq. (2) for the mapping and transfer delays. @default 0.9 */
  quantile?: number;
  /** Eq. (1)'s case 1 for multi-core code at m ≥ m_s ('exponential', the paper) or case 2 there too. @default 'exponential' */
  multiCoreModel?: 'exponential' | 'inverse';
  /** See `Eq1FitOptions.serialTerm`. @default true */
  serialTerm?: boolean;
  /** δ_s of case 2. @default 1 */
  deltaS?: number;
  /** Jobs γ at which a function moves `transferMb` (the presets' 100). @default 100 */
  nominalJobs?: number;
}

export interface StepEstimatorJSON {
  singleCoreMemoryMb: number;
  quantile: number;
  nominalJobs: number;
  functions: FunctionModelJSON[];
}

/** k of eq. (1): min(m/m_s, cores per instance). */
export function usableCores(memoryMb: number, cores: number, singleCoreMemoryMb = SINGLE_CORE_MEMORY_MB): number {
  return Math.min(memoryMb / singleCoreMemoryMb, cores);
}

/** The fitted eq. (1) and eq. (2) models of every profiled function. */
export class StepEstimator {
  private readonly models: Map<string, { json: FunctionModelJSON; mapping: QuantileRegression; transfer: QuantileRegression; billed: QuantileRegression }>;

  constructor(readonly singleCoreMemoryMb: number, readonly quantile: number, readonly nominalJobs: number, functions: readonly FunctionModelJSON[]) {
    this.models = new Map(functions.map((f) => [f.fn, {
      json: f,
      mapping: QuantileRegression.fromJSON(f.mapping),
      transfer: QuantileRegression.fromJSON(f.transfer),
      billed: QuantileRegression.fromJSON(f.billedTransfer),
    }]));
  }

  /**
   * Fit every function of `samples` (failed samples are skipped).
   * `transferMb`: MB each function moves at `nominalJobs` jobs (the data-size input of the transfer model; 0 when absent).
   */
  static fit(samples: readonly ProfileSample[], transferMb: Readonly<Record<string, number>> = {}, opts: StepEstimatorOptions = {}): StepEstimator {
    const ms = opts.singleCoreMemoryMb ?? SINGLE_CORE_MEMORY_MB;
    const quantile = opts.quantile ?? DEFAULT_QUANTILE;
    const nominal = opts.nominalJobs ?? 100;
    const eq1: Eq1FitOptions = { serialTerm: opts.serialTerm ?? true, deltaS: opts.deltaS ?? 1 };
    const multiModel = opts.multiCoreModel ?? 'exponential';
    if (multiModel !== 'exponential' && multiModel !== 'inverse') throw new ConfigError(`StepEstimator: multiCoreModel must be "exponential" or "inverse", got ${quote(multiModel)}`);
    const byFn = new Map<string, ProfileSample[]>();
    for (const s of samples) {
      if (s.failed > 0 || !(s.compute > 0)) continue;
      const list = byFn.get(s.fn) ?? [];
      list.push(s);
      byFn.set(s.fn, list);
    }
    if (byFn.size === 0) throw new ConfigError('StepEstimator.fit: no usable profiling samples (all failed or empty)');
    const functions: FunctionModelJSON[] = [];
    for (const [fn, list] of byFn) {
      const threadsPerProcess = Math.max(...list.map((s) => s.threads / s.intra));
      const multiCore = threadsPerProcess > 1;
      const point = (s: ProfileSample): ComputePoint => ({ jobsPerInstance: s.jobs / s.parallelism, cores: usableCores(s.memoryMb, s.threads, ms), seconds: s.compute });
      const low = list.filter((s) => !multiCore || s.memoryMb < ms).map(point);
      const high = multiCore ? list.filter((s) => s.memoryMb >= ms).map(point) : low;
      const computeLow = low.length > 0 ? fitInverse(low, eq1) : fitInverse(high, eq1);
      const computeHigh = !multiCore ? computeLow : high.length === 0 ? computeLow : multiModel === 'exponential' && distinctCores(high) >= 2 ? fitExponential(high, eq1) : fitInverse(high, eq1);
      const mb = transferMb[fn] ?? 0;
      const size = (s: ProfileSample): number => (mb * s.jobs) / nominal;
      const mapping = QuantileRegression.fit(list.map((s) => [s.parallelism]), list.map((s) => s.mappingDelay), quantile);
      const inputs = list.map((s) => [s.parallelism, size(s)]);
      const transfer = QuantileRegression.fit(inputs, list.map((s) => Math.max(0, s.duration - s.mappingDelay - s.compute)), quantile);
      const billed = QuantileRegression.fit(inputs, list.map((s) => s.download + s.upload), 0.5);
      functions.push({ fn, multiCore, threadsPerProcess, transferMb: mb, computeLow, computeHigh, mapping: mapping.toJSON(), transfer: transfer.toJSON(), billedTransfer: billed.toJSON() });
    }
    return new StepEstimator(ms, quantile, nominal, functions);
  }

  static fromJSON(j: StepEstimatorJSON): StepEstimator {
    if (!j || !Array.isArray(j.functions)) throw new ConfigError(`StepEstimator.fromJSON: expected {functions: [...]}, got ${quote(j)}`);
    return new StepEstimator(j.singleCoreMemoryMb, j.quantile, j.nominalJobs, j.functions);
  }

  toJSON(): StepEstimatorJSON {
    return { singleCoreMemoryMb: this.singleCoreMemoryMb, quantile: this.quantile, nominalJobs: this.nominalJobs, functions: [...this.models.values()].map((m) => structuredClone(m.json)) };
  }

  /** Functions with a fitted model. */
  get functions(): string[] {
    return [...this.models.keys()];
  }

  /** The fitted models of `fn` (JSON). */
  model(fn: string): FunctionModelJSON {
    return structuredClone(this.get(fn).json);
  }

  private get(fn: string) {
    const m = this.models.get(fn);
    if (!m) throw new ConfigError(`StepEstimator: no model for function ${quote(fn)} (fitted: ${this.functions.join(', ')})`);
    return m;
  }

  /** Eq. (1): compute time of one instance of `fn` under θ with `jobs` jobs in the step. */
  compute(fn: string, theta: StepTheta, jobs: number): number {
    const m = this.get(fn).json;
    const k = usableCores(theta.memoryMb, m.threadsPerProcess * theta.intra, this.singleCoreMemoryMb);
    const fit = m.multiCore && theta.memoryMb >= this.singleCoreMemoryMb ? m.computeHigh : m.computeLow;
    return Math.max(0, evalCompute(fit, jobs / theta.parallelism, k));
  }

  /** Eq. (2): mapping delay at ω with `coldStarts` instances starting cold (0 when none does). */
  mapping(fn: string, coldStarts: number): number {
    if (coldStarts <= 0) return 0;
    return Math.max(0, this.get(fn).mapping.predict([coldStarts]));
  }

  /** Eq. (2): transfer delay of the step at ω. */
  transfer(fn: string, theta: StepTheta, jobs: number): number {
    const m = this.get(fn);
    return Math.max(0, m.transfer.predict([theta.parallelism, (m.json.transferMb * jobs) / this.nominalJobs]));
  }

  /**
   * The step's duration at ω and its expected cost under θ with `jobs` jobs;
   * `coldStarts` instances start cold (default p: nothing prewarmed).
   */
  predict(fn: string, theta: StepTheta, jobs: number, coldStarts = theta.parallelism): StepPrediction {
    const m = this.get(fn);
    const compute = this.compute(fn, theta, jobs);
    const mapping = this.mapping(fn, coldStarts);
    const transfer = this.transfer(fn, theta, jobs);
    const billed = Math.max(0, m.billed.predict([theta.parallelism, (m.json.transferMb * jobs) / this.nominalJobs]));
    const costUsd = lambdaCostUsd({ invocations: theta.parallelism, seconds: compute + billed, memoryMb: theta.memoryMb });
    return { mapping, transfer, compute, total: mapping + transfer + compute, costUsd };
  }
}
