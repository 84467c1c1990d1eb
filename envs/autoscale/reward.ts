/**
 * The Autoscale reward (issue text, after 002 §3.3 and §4.1, which say only
 * that the reward falls with tail latency and penalises high CPU use):
 *
 *   r = −1                             if any function's p90 exceeds its SLA
 *       1 − (mean_i p90_i / SLA_i)^0.4  otherwise
 *   r −= cpuPenalty · mean_i (allocated_i / maxAllocated_i)
 *
 * allocated_i is function i's CPU limit × replicas, maxAllocated_i the same at
 * its largest setting, so the penalty lies in (0, cpuPenalty]. It applies on
 * violating steps too, so buying headroom is never free.
 */

/** The reward of a step whose SLA is violated, before the CPU penalty. */
export const VIOLATION_REWARD = -1;
/** Exponent on the mean latency/SLA ratio. */
export const LATENCY_EXPONENT = 0.4;

export interface RewardInput {
  /** p90 latency per function, ms (`Infinity` when requests arrived but none completed). */
  p90Ms: readonly number[];
  /** SLA on the p90 per function, ms. */
  slaMs: readonly number[];
  /** Allocated CPU / its maximum, per function, in (0, 1]. */
  allocFraction: readonly number[];
  cpuPenalty: number;
}

export interface RewardParts {
  reward: number;
  /** True when some function's p90 exceeded its SLA. */
  violated: boolean;
  /** mean_i p90_i / SLA_i (may be `Infinity` on a violation). */
  meanRatio: number;
  /** −1 on a violation, else 1 − meanRatio^0.4. */
  latencyTerm: number;
  /** cpuPenalty · mean allocFraction (subtracted). */
  penalty: number;
}

export function autoscaleReward(x: RewardInput): RewardParts {
  const n = x.p90Ms.length;
  let sum = 0;
  let violated = false;
  for (let i = 0; i < n; i++) {
    const ratio = (x.p90Ms[i] as number) / (x.slaMs[i] as number);
    if (ratio > 1) violated = true;
    sum += ratio;
  }
  const meanRatio = n > 0 ? sum / n : 0;
  const latencyTerm = violated ? VIOLATION_REWARD : 1 - Math.pow(meanRatio, LATENCY_EXPONENT);
  const alloc = x.allocFraction.reduce((a, b) => a + b, 0) / Math.max(1, x.allocFraction.length);
  const penalty = x.cpuPenalty * alloc;
  return { reward: latencyTerm - penalty, violated, meanRatio, latencyTerm, penalty };
}
