/**
 * A threshold autoscaler for the Autoscale environments, the "simple
 * heuristic" an agent must beat. Per function, from the observation alone
 * (features `cpuUtilization`, `p90`, `setting`):
 *
 * - up when CPU utilisation is above `upUtilization` or p90 / SLA above `upLatency`;
 * - down when p90 / SLA is below `downLatency` and the utilisation the
 *   function would have one step down (utilisation × setting / (setting − step),
 *   as Kubernetes' HPA projects it) stays below `downUtilization`;
 * - keep otherwise.
 *
 * Projecting the utilisation keeps it from oscillating between a setting that
 * meets the SLA and one that does not (2 → 1 replica doubles the load per replica).
 */
import { DOWN, KEEP, UP } from './actions.js';
import { AUTOSCALE_FUNCTIONS, type AutoscaleSettings } from './config.js';
import { featureIndex } from './observation.js';

export interface ThresholdPolicyOptions {
  /** Scale up above this CPU utilisation. @default 0.7 (`THRESHOLD_POLICY_DEFAULTS`) */
  upUtilization?: number;
  /** Scale up above this p90 / SLA. @default 0.9 */
  upLatency?: number;
  /** Scale down only if the projected utilisation one step down is below this... @default 0.3 */
  downUtilization?: number;
  /** ...and p90 / SLA is below this. @default 0.5 */
  downLatency?: number;
}

/** The thresholds' defaults (the project's own choice; the `threshold` baseline's option defaults too). */
export const THRESHOLD_POLICY_DEFAULTS: Readonly<Required<ThresholdPolicyOptions>> = Object.freeze({ upUtilization: 0.7, upLatency: 0.9, downUtilization: 0.3, downLatency: 0.5 });

/** The action (0 down, 1 keep, 2 up per function) for observation `obs` of an env with settings `s` (`env.settings`). */
export function thresholdPolicy(obs: ArrayLike<number>, s: Pick<AutoscaleSettings, 'min' | 'max' | 'step'>, opts: ThresholdPolicyOptions = {}): number[] {
  const d = THRESHOLD_POLICY_DEFAULTS;
  const upU = opts.upUtilization ?? d.upUtilization, upL = opts.upLatency ?? d.upLatency;
  const downU = opts.downUtilization ?? d.downUtilization, downL = opts.downLatency ?? d.downLatency;
  return AUTOSCALE_FUNCTIONS.map((_, i) => {
    const util = obs[featureIndex(i, 'cpuUtilization')] as number;
    const p90 = obs[featureIndex(i, 'p90')] as number;
    const setting = (obs[featureIndex(i, 'setting')] as number) * s.max;
    if (util > upU || p90 > upL) return UP;
    const lower = setting - s.step;
    if (lower >= s.min && p90 < downL && (util * setting) / lower < downU) return DOWN;
    return KEEP;
  });
}
