/**
 * The StepConf reward: minus the cost of the workflow's function steps (001
 * §3.5, c_i = p_i · (t_i · m_i · μ0 + μ1) at AWS Lambda prices), minus a
 * terminal penalty when the request misses its end-to-end SLO (eq. 6, T < S,
 * made a soft constraint), times `rewardScale`.
 *
 * A step's cost is known only when it completes, which can be after later
 * decisions (parallel branches). The environment pays each step's cost at the
 * first `env.step` after the step completed, and everything still open (the
 * steps that complete during the last decision's run, and the penalty) on the
 * terminal step, so an episode's rewards always sum to
 * `−rewardScale · (total cost + penalty)`.
 */
import { AWS_LAMBDA_X86_PRICES, lambdaCostUsd } from '../../src/cluster/cost.js';
import type { StageReport } from '../../src/cluster/types.js';

/**
 * §3.5 for a step whose p instances each bill `seconds` (download + compute +
 * upload) at `memoryMb`, USD. The simulator bills every instance for its own
 * duration and reports the sum in `StageReport.costUsd`.
 */
export function stepCostUsd(step: { parallelism: number; seconds: number; memoryMb: number }): number {
  return lambdaCostUsd({ invocations: step.parallelism, seconds: step.seconds, memoryMb: step.memoryMb });
}

/** Cost of the steps that completed, as the cluster billed them, USD. */
export function reportsCostUsd(reports: readonly StageReport[]): number {
  let total = 0;
  for (const r of reports) total += r.costUsd;
  return total;
}

/** Cost of prewarming `count` instances: one (dummy) request each, USD (§5; the idle instances are not billed). */
export function prewarmCostUsd(count: number): number {
  return (count * AWS_LAMBDA_X86_PRICES.perMillionRequestsUsd) / 1e6;
}

export interface SloPenaltyWeights {
  /** Paid once when the SLO is missed, USD. */
  missPenaltyUsd: number;
  /** Paid per unit of relative lateness (T − S) / S, USD. */
  latenessPenaltyUsd: number;
}

/** True when the request completed within its SLO (T ≤ S). */
export function sloMet(outcome: { latency: number; sloSeconds: number; failed: boolean }): boolean {
  return !outcome.failed && outcome.latency <= outcome.sloSeconds;
}

/**
 * The terminal penalty, USD: 0 when the SLO is met, else
 * `missPenaltyUsd + latenessPenaltyUsd · max(0, (T − S) / S)`. A failed
 * request misses the SLO; its lateness is that of the time it failed at.
 */
export function sloPenaltyUsd(outcome: { latency: number; sloSeconds: number; failed: boolean }, w: SloPenaltyWeights): number {
  if (sloMet(outcome)) return 0;
  return w.missPenaltyUsd + w.latenessPenaltyUsd * Math.max(0, (outcome.latency - outcome.sloSeconds) / outcome.sloSeconds);
}

/** Reward of one `env.step`: minus what it pays (costs and, at the end, the penalty), in reward units. */
export function stepReward(costUsd: number, penaltyUsd: number, rewardScale: number): number {
  return 0 - rewardScale * (costUsd + penaltyUsd); // 0 − x: a step that pays nothing is +0, not −0
}
