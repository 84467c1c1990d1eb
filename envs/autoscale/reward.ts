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
 *
 * With `violation: 'per-function'` the latency term is the mean over functions
 * of −1 (function i over its SLA) or 1 − (p90_i / SLA_i)^0.4, so each
 * function's SLA counts on its own. Under 'any' (the default), once one
 * function misses its SLA the step is worth −1 whatever the others do, and
 * cutting another function's CPU below its SLA costs nothing more: a learner
 * that scales each function with its own output (factored DQN heads) then
 * drives every function to its minimum (issue 14, measured).
 *
 * `violationSlope` g (default 0) makes a miss cost more the further it is
 * over: a violating function's term becomes −1 − g · (min(p90/SLA, 10) − 1)
 * ('per-function'), and the violating step's −1 becomes −1 − g · (min(max_i
 * p90_i/SLA_i, 10) − 1) ('any'). The ratio is clipped at 10, the clip of the
 * observation's latency features (`LATENCY_CLIP`), so the reward never tells
 * apart what the agent cannot see. With g = 0 a function whose queue has built
 * up (p90 50× its SLA) earns the same −1 as one just over, and a replica that
 * brings it halfway back earns nothing until it is under (issue 14: the greedy
 * DQN left about one function short for a whole episode).
 */
import { LATENCY_CLIP } from './observation.js';


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
  /** How SLA misses count: one miss makes the step −1 ('any'), or each function's own term (see above). @default 'any' */
  violation?: 'any' | 'per-function';
  /** Extra penalty per unit of p90/SLA over 1 (clipped at 10) on a violation (see above). @default 0 */
  violationSlope?: number;
}

export interface RewardParts {
  reward: number;
  /** True when some function's p90 exceeded its SLA. */
  violated: boolean;
  /** mean_i p90_i / SLA_i (may be `Infinity` on a violation). */
  meanRatio: number;
  /** −1 (− the slope's part) on a violation, else 1 − meanRatio^0.4 ('any'); the mean of the per-function terms ('per-function'). */
  latencyTerm: number;
  /** cpuPenalty · mean allocFraction (subtracted). */
  penalty: number;
}

export function autoscaleReward(x: RewardInput): RewardParts {
  const n = x.p90Ms.length;
  const slope = x.violationSlope ?? 0;
  /** The latency term of a miss whose p90/SLA is `ratio` (> 1). */
  const miss = (ratio: number): number => VIOLATION_REWARD - (slope > 0 ? slope * (Math.min(ratio, LATENCY_CLIP) - 1) : 0);
  let sum = 0;
  let worst = 0;
  for (let i = 0; i < n; i++) {
    const ratio = (x.p90Ms[i] as number) / (x.slaMs[i] as number);
    if (ratio > worst) worst = ratio;
    sum += ratio;
  }
  const violated = worst > 1;
  const meanRatio = n > 0 ? sum / n : 0;
  let latencyTerm: number;
  if (x.violation === 'per-function') {
    let terms = 0;
    for (let i = 0; i < n; i++) {
      const ratio = (x.p90Ms[i] as number) / (x.slaMs[i] as number);
      terms += ratio > 1 ? miss(ratio) : 1 - Math.pow(ratio, LATENCY_EXPONENT);
    }
    latencyTerm = n > 0 ? terms / n : 0;
  } else latencyTerm = violated ? miss(worst) : 1 - Math.pow(meanRatio, LATENCY_EXPONENT);
  const alloc = x.allocFraction.reduce((a, b) => a + b, 0) / Math.max(1, x.allocFraction.length);
  const penalty = x.cpuPenalty * alloc;
  return { reward: latencyTerm - penalty, violated, meanRatio, latencyTerm, penalty };
}
