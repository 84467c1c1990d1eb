/**
 * OpenFaaS Pro's autoscaler in its default `rps` mode: a function gets
 * enough replicas for each to serve `targetRps` requests per second,
 *
 *     desired = ceil(requests per second / (targetRps × targetProportion))
 *
 * (labels `com.openfaas.scale.target`, default 50, and
 * `com.openfaas.scale.target-proportion`, default 0.9), clamped to the env's
 * replica bounds; a function with no requests goes to the minimum.
 * `openfaasDesiredReplicas` is exported for tests and users. CLI name
 * `openfaas-rps`.
 *
 * `Autoscale-Horizontal-v0` only: requests per second per function are the
 * observed `requestedRate` × the env's `rate`, the current count its
 * `setting` × maxReplicas, and the action moves one replica per step towards
 * the desired count. Refused on FaaSConf (its observation has no per-function
 * request rate) and on Autoscale-Vertical (no replicas to set).
 *
 * Options: `targetRps` (50), `targetProportion` (0.9).
 */
import { DOWN, KEEP, UP } from '../../envs/autoscale/actions.js';
import type { AutoscaleEnv } from '../../envs/autoscale/autoscale-env.js';
import { AUTOSCALE_FUNCTIONS } from '../../envs/autoscale/config.js';
import { featureIndex } from '../../envs/autoscale/observation.js';
import type { AnyEnv } from '../../src/core/env.js';
import { number, options } from '../option-fields.js';
import { BaselineAgent, clamp, familyOf, refuseUnless, registerBaseline } from './common.js';

/** The OpenFaaS rps autoscaler's options: type, bounds, default and its source per field. */
export const OPENFAAS_RPS_SCHEMA = options({
  targetRps: number({ default: 50, gt: 0, max: 1e9, maxWhy: 'requests per second per replica: 10⁹ is far beyond any function', doc: 'requests per second one replica should serve', source: 'OpenFaaS Pro `com.openfaas.scale.target`' }),
  targetProportion: number({ default: 0.9, gt: 0, max: 1, doc: 'fraction of `targetRps` a replica is loaded to before scaling out', source: 'OpenFaaS Pro `com.openfaas.scale.target-proportion`' }),
});

/** OpenFaaS Pro rps mode: ceil(rps / (target × proportion)); `min` with no load. */
export function openfaasDesiredReplicas(rps: number, targetRps: number, proportion: number, min: number, max: number): number {
  if (!(rps > 0)) return min;
  return clamp(Math.ceil(rps / (targetRps * proportion) - 1e-9), min, max);
}

export class OpenfaasRpsAgent extends BaselineAgent {
  private readonly env: AutoscaleEnv;

  constructor(env: AnyEnv, readonly options: { targetRps: number; targetProportion: number }, seed: number) {
    super('openfaas-rps', env, options, seed);
    this.env = familyOf(env).env as AutoscaleEnv;
  }

  async act(obs: unknown): Promise<number[]> {
    const o = obs as ArrayLike<number>;
    const s = this.env.settings;
    return AUTOSCALE_FUNCTIONS.map((_, i) => {
      const current = Math.round((o[featureIndex(i, 'setting')] as number) * s.max);
      const rps = (o[featureIndex(i, 'requestedRate')] as number) * s.rate;
      const desired = openfaasDesiredReplicas(rps, this.options.targetRps, this.options.targetProportion, s.min, s.max);
      return desired > current ? UP : desired < current ? DOWN : KEEP;
    });
  }
}

export const openfaasRpsFactory = registerBaseline({
  name: 'openfaas-rps',
  description: 'OpenFaaS Pro rps autoscaler: ceil(requests/s ÷ (target × proportion)) replicas (Autoscale-Horizontal)',
  supports(env) {
    const why = refuseUnless('openfaas-rps', env, ['autoscale'], 'it needs each function\'s request rate and replica count, which only Autoscale-Horizontal-v0 observes');
    if (why) return why;
    const f = familyOf(env);
    if (f.family === 'autoscale' && f.env.settings.kind !== 'horizontal') return `openfaas-rps scales replicas; ${f.env.settings.id} moves CPU limits`;
    return null;
  },
  schema: OPENFAAS_RPS_SCHEMA,
  build: (env, o, seed) => new OpenfaasRpsAgent(env, { targetRps: o.targetRps, targetProportion: o.targetProportion }, seed),
});
