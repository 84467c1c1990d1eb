/**
 * The Autoscale environments' threshold autoscaler as an agent:
 * `thresholdPolicy` of envs/autoscale/threshold-policy.ts (up above 70 % CPU
 * or 90 % of the p90 SLA, down when p90 is under half the SLA and the
 * utilisation projected one step down stays under 30 %, as Kubernetes' HPA
 * projects it). Works on both axes: CPU limits (Vertical) and replicas
 * (Horizontal). CLI name `threshold`.
 *
 * Options: `upUtilization` (0.7), `upLatency` (0.9), `downUtilization` (0.3),
 * `downLatency` (0.5).
 */
import type { AutoscaleEnv } from '../../envs/autoscale/autoscale-env.js';
import { THRESHOLD_POLICY_DEFAULTS, thresholdPolicy, type ThresholdPolicyOptions } from '../../envs/autoscale/threshold-policy.js';
import type { AnyEnv } from '../../src/core/env.js';
import { number, options } from '../option-fields.js';
import { BaselineAgent, familyOf, refuseUnless, registerBaseline } from './common.js';

const D = THRESHOLD_POLICY_DEFAULTS;
const SOURCE = 'envs/autoscale/threshold-policy.ts (the Autoscale environments\' heuristic)';

/** The threshold autoscaler's options: type, bounds, default and its source per field. */
export const THRESHOLD_SCHEMA = options({
  upUtilization: number({ default: D.upUtilization, min: 0, max: 1, doc: 'scale up above this CPU utilisation', source: SOURCE }),
  upLatency: number({ default: D.upLatency, min: 0, max: 10, maxWhy: 'p90 / SLA: 10 is already ten times the SLA', doc: 'scale up above this p90 / SLA', source: SOURCE }),
  downUtilization: number({ default: D.downUtilization, min: 0, max: 1, doc: 'scale down only if the utilisation projected one step down stays below this', source: SOURCE }),
  downLatency: number({ default: D.downLatency, min: 0, max: 10, maxWhy: 'as `upLatency`', doc: '… and p90 / SLA is below this', source: SOURCE }),
});

export class ThresholdAgent extends BaselineAgent {
  private readonly env: AutoscaleEnv;

  constructor(env: AnyEnv, readonly options: Required<ThresholdPolicyOptions>, seed: number) {
    super('threshold', env, options, seed);
    this.env = familyOf(env).env as AutoscaleEnv;
  }

  async act(obs: unknown): Promise<number[]> {
    return thresholdPolicy(obs as ArrayLike<number>, this.env.settings, this.options);
  }
}

export const thresholdFactory = registerBaseline({
  name: 'threshold',
  description: 'threshold autoscaler on CPU utilisation and p90/SLA (Autoscale-Vertical and -Horizontal)',
  supports: (env) => refuseUnless('threshold', env, ['autoscale'], 'it reads the Autoscale observation\'s utilisation, p90 and setting features'),
  schema: THRESHOLD_SCHEMA,
  build: (env, o, seed) => new ThresholdAgent(env, { upUtilization: o.upUtilization, upLatency: o.upLatency, downUtilization: o.downUtilization, downLatency: o.downLatency }, seed),
});
