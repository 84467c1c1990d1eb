/**
 * FaaSConf's shared reward (000 §4.1) and QoS test (§5.1.3), as plain functions.
 *
 *     R = α·ŷ(C) + β·[QoS met]
 *
 * ŷ(C) = y(C) / y_max is the window's eq. (2) cost scaled by the eq. (2) cost of
 * the all-max configuration over the same window (the paper "linearly
 * scale[s] the resource costs in Eq. 2", §5.1.3), so ŷ ∈ [0, ~1] on every
 * workflow; α < 0, and β > 0 is paid only when both end-to-end QoS targets —
 * mean latency and throughput — are met in the window.
 */
import { AZURE_PREMIUM_PRICES, provisionedCostUsd, provisionedUsage, type ProvisionedPrices } from '../../src/cluster/cost.js';
import type { JointAction } from '../../src/core/priced-env.js';
import { actionToConfig } from './actions.js';
import type { ActionRanges } from './config.js';

export interface QosTargets {
  /** Mean end-to-end latency at most this, seconds. */
  latency: number;
  /** Completed requests per second at least this. */
  throughput: number;
}

export interface WindowPerformance {
  /** Workflow requests completed in the window. */
  completed: number;
  /** Mean end-to-end latency of those, seconds (ignored when none completed). */
  meanLatency: number;
  /** Completed requests per second. */
  throughput: number;
}

/** Both targets met; a window in which no request completed never meets QoS. */
export function qosMet(perf: WindowPerformance, targets: QosTargets): boolean {
  return perf.completed > 0 && perf.meanLatency <= targets.latency && perf.throughput >= targets.throughput;
}

/**
 * y_max: FaaSConf eq. (2) for `functions` functions all at the top of the
 * ranges (maximum CPU, memory and replicas) for `seconds`, USD.
 */
export function maxWindowCostUsd(functions: number, ranges: ActionRanges, seconds: number, prices: ProvisionedPrices = AZURE_PREMIUM_PRICES): number {
  const one = provisionedCostUsd(provisionedUsage(seconds, { cpuMilli: ranges.cpuMilli[1], memoryMb: ranges.memoryMb[1] }, ranges.replicas[1]), prices);
  return functions * one;
}

/**
 * FaaSConf eq. (2) price rate of a joint action, USD per hour: every agent's
 * action mapped by `actionToConfig` onto `ranges`, then
 * Σ_j (α·C_cpu^j + β·C_mem^j)·C_instance^j with α = $0.173/vCPU-hour and
 * β = $0.0123/GB-hour (Azure premium, 000 §3). The environment's prices
 * (`FaaSConfEnv.priceOf`, the `PricedEnv` capability SES reads).
 */
export function faasconfPrice(ranges: ActionRanges, prices: ProvisionedPrices = AZURE_PREMIUM_PRICES): (joint: JointAction) => number {
  return (joint) => {
    let total = 0;
    for (const a of joint) {
      const c = actionToConfig(a, ranges);
      total += provisionedCostUsd(provisionedUsage(3600, { cpuMilli: c.cpuMilli, memoryMb: c.memoryMb }, c.replicas), prices);
    }
    return total;
  };
}

/** R = α·(costUsd / maxCostUsd) + (qos ? β : 0). */
export function faasconfReward(costUsd: number, maxCostUsd: number, qos: boolean, weights: { alpha: number; beta: number }): number {
  return weights.alpha * (costUsd / maxCostUsd) + (qos ? weights.beta : 0);
}
