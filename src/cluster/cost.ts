/**
 * Cost models of the papers, as plain functions (the simulator fills
 * `CostBreakdown` with them; environments build rewards on them).
 *
 * - Provisioned resources, FaaSConf eq. (2) (000 §3) at Azure Functions premium prices.
 * - Pay per use, AWS-Lambda style, StepConf §3.5 (001).
 * - Darly's reward eq. (3) and its resource term (004 §4.3.4).
 *
 * Memory conversions use 1 GB = 1024 MB, as the providers bill memory
 * (Kubernetes `Mi`, Lambda's and Azure's MB settings).
 */
import { ConfigError, quote } from '../core/errors.js';

// ---------------------------------------------------------------- helpers

function nonNegative(what: string, name: string, v: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new ConfigError(`${what}: ${name} must be a finite number >= 0, got ${quote(v)}`);
  return v;
}

function positive(what: string, name: string, v: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || !(v > 0)) throw new ConfigError(`${what}: ${name} must be a finite number > 0, got ${quote(v)}`);
  return v;
}

// ---------------------------------------------------------------- FaaSConf eq. (2)

/** Prices of provisioned resources. */
export interface ProvisionedPrices {
  /** α of eq. (2): USD per vCPU-hour. */
  vcpuHourUsd: number;
  /** β of eq. (2): USD per GB-hour. */
  gbHourUsd: number;
}

/**
 * Azure Functions premium plan, pay as you go, the prices FaaSConf sets α and β
 * to (000 §3: "$0.173/vCPU·hour and $0.0123/GB·hour").
 */
export const AZURE_PREMIUM_PRICES: Readonly<ProvisionedPrices> = Object.freeze({ vcpuHourUsd: 0.173, gbHourUsd: 0.0123 });

/** What one function holds for a while: `instances` replicas of `cpuCores` vCPUs and `memoryGb` GB each. */
export interface ProvisionedUsage {
  /** ExecTime of eq. (2): how long the resources are held, seconds. */
  seconds: number;
  /** C_cpu: vCPUs per instance (CPU limit). */
  cpuCores: number;
  /** C_mem: GB per instance (memory limit). */
  memoryGb: number;
  /** C_instance: instances (may be a time average). */
  instances: number;
}

/**
 * One function's term of FaaSConf eq. (2) (000 §3):
 *
 *     y_j = ExecTime · (α·C_cpu + β·C_mem) · C_instance
 *
 * with ExecTime in hours (`seconds / 3600`), α = 0.173 $/vCPU-hour and
 * β = 0.0123 $/GB-hour by default. USD.
 */
export function provisionedCostUsd(usage: ProvisionedUsage, prices: ProvisionedPrices = AZURE_PREMIUM_PRICES): number {
  const what = 'provisioned cost';
  const hours = nonNegative(what, 'seconds', usage.seconds) / 3600;
  const perInstanceHour = nonNegative(what, 'vcpuHourUsd', prices.vcpuHourUsd) * nonNegative(what, 'cpuCores', usage.cpuCores)
    + nonNegative(what, 'gbHourUsd', prices.gbHourUsd) * nonNegative(what, 'memoryGb', usage.memoryGb);
  return hours * perInstanceHour * nonNegative(what, 'instances', usage.instances);
}

/** FaaSConf eq. (2) over a workflow: `y(C) = Σ_j ExecTime·(α·C_cpu^j + β·C_mem^j)·C_instance^j`. USD. */
export function totalProvisionedCostUsd(functions: readonly ProvisionedUsage[], prices: ProvisionedPrices = AZURE_PREMIUM_PRICES): number {
  let total = 0;
  for (const f of functions) total += provisionedCostUsd(f, prices);
  return total;
}

/** A `ProvisionedUsage` from Kubernetes-style limits (millicores, MB; 1 GB = 1024 MB). */
export function provisionedUsage(seconds: number, limits: { cpuMilli: number; memoryMb: number }, instances: number): ProvisionedUsage {
  return { seconds, cpuCores: limits.cpuMilli / 1000, memoryGb: limits.memoryMb / 1024, instances };
}

// ---------------------------------------------------------------- StepConf §3.5 (AWS Lambda)

/** Pay-per-use prices. */
export interface LambdaPrices {
  /** μ0: USD per GB-second of execution. @default 0.0000166667 */
  gbSecondUsd: number;
  /** μ1 × 10⁶: USD per million requests. @default 0.20 */
  perMillionRequestsUsd: number;
}

/**
 * AWS Lambda list prices for x86 functions (us-east-1, first pricing tier):
 * $0.0000166667 per GB-second and $0.20 per million requests. StepConf (001
 * §3.5) takes "the pricing model of AWS as a representation" without printing
 * the numbers; these are AWS's published ones. Free tier and the Step Functions
 * orchestration price (which StepConf folds into μ1) are not included.
 */
export const AWS_LAMBDA_X86_PRICES: Readonly<LambdaPrices> = Object.freeze({ gbSecondUsd: 0.0000166667, perMillionRequestsUsd: 0.2 });

export interface LambdaUsage {
  /** t_i: billed duration of one invocation (or the mean over `invocations`), seconds. */
  seconds: number;
  /** m_i: memory setting, MB (GB = MB / 1024). */
  memoryMb: number;
  /** p_i: invocations (StepConf: the step's parallel instances). */
  invocations: number;
}

/**
 * Cost of a function step, StepConf §3.5 (001):
 *
 *     c_i = p_i · (t_i · m_i · μ0 + μ1)
 *
 * with t_i in seconds, m_i in GB (`memoryMb / 1024`), μ0 the GB-second price
 * and μ1 the per-request price (`perMillionRequestsUsd / 10⁶`). The paper calls
 * p_i the intra-function parallelism in §3.5 but defines it as the step's
 * inter-function parallelism (its number of concurrent instances) in §3.3; each
 * instance is one billed invocation, which is what `invocations` counts. USD.
 */
export function lambdaCostUsd(usage: LambdaUsage, prices: Partial<LambdaPrices> = {}): number {
  const what = 'lambda cost';
  const mu0 = nonNegative(what, 'gbSecondUsd', prices.gbSecondUsd ?? AWS_LAMBDA_X86_PRICES.gbSecondUsd);
  const mu1 = nonNegative(what, 'perMillionRequestsUsd', prices.perMillionRequestsUsd ?? AWS_LAMBDA_X86_PRICES.perMillionRequestsUsd) / 1e6;
  const t = nonNegative(what, 'seconds', usage.seconds);
  const gb = nonNegative(what, 'memoryMb', usage.memoryMb) / 1024;
  return nonNegative(what, 'invocations', usage.invocations) * (t * gb * mu0 + mu1);
}

// ---------------------------------------------------------------- Darly eq. (3)

/**
 * The resource counts of Darly's reward. The paper (004 §4.3.4): "minimize both
 * the number of utilized servers sp (maximum of N) and the replica count r for
 * each function (maximum of Rs)" and "we consider a server utilized if at least
 * one function is placed there". So in eq. (3) N is the number of servers that
 * may be used, sp those in use, Rs the maximum replica count and r the replicas
 * in use. (paper-numbers.json writes the same formula as `N/sp + Rs/r + …`.)
 */
export interface DarlyResources {
  /** sp: servers with at least one function replica placed on them (may be a time average). */
  serversUsed: number;
  /** N: servers available to the workflow (the maximum of sp). */
  serversTotal: number;
  /** r: replicas in use. For several functions pass the sum of their replicas. */
  replicas: number;
  /** Rs: the maximum of r (for several functions, the sum of their maxima). */
  maxReplicas: number;
}

function checkResources(what: string, res: DarlyResources): { sp: number; N: number; r: number; Rs: number } {
  const N = positive(what, 'serversTotal', res.serversTotal);
  const sp = nonNegative(what, 'serversUsed', res.serversUsed);
  const Rs = positive(what, 'maxReplicas', res.maxReplicas);
  const r = nonNegative(what, 'replicas', res.replicas);
  if (sp > N) throw new ConfigError(`${what}: serversUsed (${sp}) must be <= serversTotal (${N})`);
  if (r > Rs) throw new ConfigError(`${what}: replicas (${r}) must be <= maxReplicas (${Rs})`);
  return { sp, N, r, Rs };
}

/**
 * The resource term of Darly eq. (3): `N/sp + Rs/r`, larger the fewer servers
 * and replicas are held (each ratio is in [1, N] resp. [1, Rs]). `sp` and `r`
 * below 1 are taken as 1: a deployed workflow holds at least one server and one
 * replica, and a time average below 1 would otherwise reward scaling to zero
 * without bound.
 */
export function darlyResourceTerm(res: DarlyResources): number {
  const { sp, N, r, Rs } = checkResources('darly resource term', res);
  return N / Math.max(1, sp) + Rs / Math.max(1, r);
}

export interface DarlyRewardInput extends DarlyResources {
  /** L_a: end-to-end latency of the workflow request, seconds (`Infinity` for a failed request). */
  latency: number;
  /** L_t: the QoS target, seconds. */
  qosTarget: number;
  /** @default 3 (Darly §4.5) */
  k1?: number;
  /** @default 6 (Darly §4.5) */
  k2?: number;
  /** @default 4 (Darly §4.5) */
  k3?: number;
}

/**
 * Darly's reward, eq. (3) of 004 §4.3.4, with k1 = 3, k2 = 6, k3 = 4 (§4.5):
 *
 *     R = N/sp + Rs/r + (L_a/L_t)·k1      if L_a ≤ L_t
 *     R = max(−k2, −k3 − L_a/L_t)         otherwise
 *
 * Meeting the QoS pays more the fewer servers and replicas are held and the
 * closer the latency is to the target (no reward for over-provisioning);
 * missing it costs between k3 + 1 and k2. See `DarlyResources` for N, sp, Rs, r
 * and `darlyResourceTerm` for sp, r < 1.
 */
export function darlyReward(input: DarlyRewardInput): number {
  const what = 'darly reward';
  const { latency } = input;
  if (typeof latency !== 'number' || Number.isNaN(latency) || latency < 0) {
    throw new ConfigError(`${what}: latency must be a number >= 0 (Infinity for a failed request), got ${quote(latency)}`);
  }
  const Lt = positive(what, 'qosTarget', input.qosTarget);
  const k1 = nonNegative(what, 'k1', input.k1 ?? 3);
  const k2 = nonNegative(what, 'k2', input.k2 ?? 6);
  const k3 = nonNegative(what, 'k3', input.k3 ?? 4);
  const { sp, N, r, Rs } = checkResources(what, input);
  const ratio = latency / Lt;
  if (latency <= Lt) return N / Math.max(1, sp) + Rs / Math.max(1, r) + ratio * k1;
  return Math.max(-k2, -k3 - ratio);
}
