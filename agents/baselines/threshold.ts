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
import { thresholdPolicy, type ThresholdPolicyOptions } from '../../envs/autoscale/threshold-policy.js';
import type { AnyEnv } from '../../src/core/env.js';
import { BaselineAgent, familyOf, refuseUnless, registerBaseline } from './common.js';

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
  build(env, o, seed) {
    const options = {
      upUtilization: o.number('upUtilization', 0.7, { min: 0, max: 1 }),
      upLatency: o.number('upLatency', 0.9, { min: 0, max: 10 }),
      downUtilization: o.number('downUtilization', 0.3, { min: 0, max: 1 }),
      downLatency: o.number('downLatency', 0.5, { min: 0, max: 10 }),
    };
    o.done();
    return new ThresholdAgent(env, options, seed);
  },
});
