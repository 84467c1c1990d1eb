/**
 * Kubernetes alone (Darly 004 §5.3): the pipeline is deployed with one
 * replica per function, kube-scheduler places each by its default best-fit
 * scoring (NodeResourcesFit LeastAllocated: the node with the most free
 * requested CPU and memory — the simulator's scheduler, and the
 * `Darly-Kubernetes-v0` mapper for migrations), and nothing is ever scaled or
 * moved afterwards: the no-op action (index 0) at every request. The paper's
 * reference point: Kubernetes met the loose QoS 34 % of the time and the
 * strict one never. CLI name `kube-best-fit`; `Darly-*-v0` only.
 */
import type { DarlyEnv } from '../../envs/darly/darly-env.js';
import { ConfigError } from '../../src/core/errors.js';
import type { AnyEnv } from '../../src/core/env.js';
import { BaselineAgent, familyOf, refuseUnless, NO_OPTIONS, registerBaseline } from './common.js';

export class KubeBestFitAgent extends BaselineAgent {
  private readonly noop: number;

  constructor(env: AnyEnv, seed: number) {
    super('kube-best-fit', env, {}, seed);
    const actions = (familyOf(env).env as DarlyEnv).actions;
    this.noop = actions.findIndex((a) => a.kind === 'noop');
    if (this.noop < 0) throw new ConfigError('kube-best-fit: the Darly action table has no no-op');
  }

  async act(): Promise<number> {
    return this.noop;
  }
}

export const kubeBestFitFactory = registerBaseline({
  name: 'kube-best-fit',
  description: 'Kubernetes alone (Darly §5.3): kube-scheduler best-fit placement at deploy, then no-op (Darly-*)',
  supports: (env) => refuseUnless('kube-best-fit', env, ['darly'], 'it is Darly\'s Kubernetes-only reference, the no-op action after kube-scheduler\'s placement'),
  schema: NO_OPTIONS,
  build(env, _o, seed) {
    return new KubeBestFitAgent(env, seed);
  },
});
