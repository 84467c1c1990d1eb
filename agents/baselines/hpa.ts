/**
 * Kubernetes' Horizontal Pod Autoscaler on CPU utilisation (the rule of
 * kube-controller-manager's replica calculator, used by vHive/Knative
 * deployments, 002):
 *
 *     desired = ceil(current × utilisation / target)
 *
 * with no change while |utilisation / target − 1| ≤ `tolerance` (Kubernetes'
 * `--horizontal-pod-autoscaler-tolerance`, 0.1), clamped to the env's replica
 * bounds. Utilisation is CPU used / CPU limit averaged over the function's
 * replicas, as the environments observe it. `hpaDesiredReplicas` is exported
 * for tests and users. CLI name `hpa`.
 *
 * - `Autoscale-Horizontal-v0`: per function, from features `cpuUtilization`
 *   and `setting` (replicas / maxReplicas); the action moves one replica per
 *   10 s step, so the HPA goes up, down or keeps towards its desired count.
 * - `FaaSConf-*-v0`: per function, from observation entries 0 (CPU
 *   utilisation) and 7 (replicas' position in the range); the action sets the
 *   desired replicas at once and keeps CPU, memory and concurrency where they
 *   are (the Box action is the inverse map of the observed positions).
 *
 * Refused elsewhere: `Autoscale-Vertical-v0` moves CPU limits, not replicas
 * (the `threshold` baseline scales it).
 *
 * Options: `targetUtilization` (default 0.2, in (0, 1]) and `tolerance`
 * (0.1). Kubernetes has no default target (`kubectl autoscale` uses 0.8);
 * 0.2 is chosen for the simulated functions, whose p90 SLAs (2.5 × the median
 * work on Autoscale) are missed above roughly 30 % utilisation of a replica:
 * with 0.5 or 0.8 the HPA never scales out of the starting state there and
 * violates at every step (measurements in docs/agents/baselines.md).
 */
import { DOWN, KEEP, UP } from '../../envs/autoscale/actions.js';
import type { AutoscaleEnv } from '../../envs/autoscale/autoscale-env.js';
import { AUTOSCALE_FUNCTIONS } from '../../envs/autoscale/config.js';
import { featureIndex } from '../../envs/autoscale/observation.js';
import type { FaaSConfEnv } from '../../envs/faasconf/faasconf-env.js';
import { OBS_FIELDS } from '../../envs/faasconf/observation.js';
import type { AnyEnv } from '../../src/core/env.js';
import { number, options } from '../option-fields.js';
import { BaselineAgent, clamp, familyOf, refuseUnless, registerBaseline } from './common.js';

/** The HPA's options: type, bounds, default and its source per field. */
export const HPA_SCHEMA = options({
  targetUtilization: number({ default: 0.2, gt: 0, max: 1, doc: 'target CPU utilisation of a replica: desired = ceil(current × utilisation / target)', source: 'chosen for the simulated functions, which miss their p90 SLAs above ~30 % utilisation (Kubernetes has none; `kubectl autoscale` uses 0.8)' }),
  tolerance: number({ default: 0.1, min: 0, max: 1, doc: 'no change while |utilisation / target − 1| ≤ tolerance', source: 'Kubernetes `--horizontal-pod-autoscaler-tolerance`' }),
});

/** Kubernetes HPA: ceil(current × utilisation / target), unchanged within the tolerance. */
export function hpaDesiredReplicas(current: number, utilization: number, target: number, tolerance = 0.1): number {
  if (current <= 0) return current;
  const ratio = utilization / target;
  if (Math.abs(ratio - 1) <= tolerance) return current;
  return Math.max(0, Math.ceil(current * ratio - 1e-9));
}

const FAASCONF_OBS = OBS_FIELDS.length;
const CPU_UTIL = OBS_FIELDS.indexOf('cpuUtilization');
const REPLICAS = OBS_FIELDS.indexOf('replicas');
const POSITIONS = [OBS_FIELDS.indexOf('cpuLimit'), OBS_FIELDS.indexOf('memoryLimit'), REPLICAS, OBS_FIELDS.indexOf('concurrencyLimit')];

export class HpaAgent extends BaselineAgent {
  private readonly target: number;
  private readonly tolerance: number;
  private readonly autoscale: AutoscaleEnv | null;
  private readonly faasconf: FaaSConfEnv | null;

  constructor(env: AnyEnv, hyperparameters: { targetUtilization: number; tolerance: number }, seed: number) {
    super('hpa', env, hyperparameters, seed);
    this.target = hyperparameters.targetUtilization;
    this.tolerance = hyperparameters.tolerance;
    const f = familyOf(env);
    this.autoscale = f.family === 'autoscale' ? f.env : null;
    this.faasconf = f.family === 'faasconf' ? f.env : null;
  }

  async act(obs: unknown): Promise<number[]> {
    const o = obs as ArrayLike<number>;
    if (this.autoscale) {
      const s = this.autoscale.settings;
      return AUTOSCALE_FUNCTIONS.map((_, i) => {
        const current = Math.round((o[featureIndex(i, 'setting')] as number) * s.max);
        const desired = clamp(hpaDesiredReplicas(current, o[featureIndex(i, 'cpuUtilization')] as number, this.target, this.tolerance), s.min, s.max);
        return desired > current ? UP : desired < current ? DOWN : KEEP;
      });
    }
    const env = this.faasconf as FaaSConfEnv;
    const [lo, hi] = env.ranges.replicas;
    const action: number[] = [];
    env.possibleAgents.forEach((_, k) => {
      const at = k * FAASCONF_OBS;
      const current = Math.round(lo + (o[at + REPLICAS] as number) * (hi - lo));
      const desired = clamp(hpaDesiredReplicas(current, o[at + CPU_UTIL] as number, this.target, this.tolerance), lo, hi);
      for (const p of POSITIONS) {
        const pos = p === REPLICAS ? (hi === lo ? 0.5 : (desired - lo) / (hi - lo)) : (o[at + p] as number);
        action.push(Math.fround(clamp(2 * pos - 1, -1, 1)));
      }
    });
    return action;
  }
}

export const hpaFactory = registerBaseline({
  name: 'hpa',
  description: 'Kubernetes HPA on CPU utilisation, desired = ceil(current × util / target) (Autoscale-Horizontal, FaaSConf replicas)',
  supports(env) {
    const why = refuseUnless('hpa', env, ['autoscale', 'faasconf'], 'it scales replicas: Autoscale-Horizontal-v0 and the FaaSConf replicas');
    if (why) return why;
    const f = familyOf(env);
    if (f.family === 'autoscale' && f.env.settings.kind !== 'horizontal') {
      return `hpa scales replicas; ${f.env.settings.id} moves CPU limits (use the threshold baseline there)`;
    }
    return null;
  },
  schema: HPA_SCHEMA,
  build: (env, o, seed) => new HpaAgent(env, { targetUtilization: o.targetUtilization, tolerance: o.tolerance }, seed),
});
