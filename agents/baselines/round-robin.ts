/**
 * Round-robin (FaaSRank 003 §VI-A 2): successive invocations go to successive
 * invokers, cycling over the valid ones only (mask 1), whatever their load.
 * The cycle starts at the lowest valid index on the first observation of an
 * episode (an empty cluster) and otherwise continues after the invoker last
 * chosen. CLI name `round-robin`; `FaaSRank-v0` only.
 *
 * Options: `slotsPerInvoker` (default: the env's invokers, 8).
 */
import type { AnyEnv } from '../../src/core/env.js';
import { registerBaseline } from './common.js';
import { RoutingAgent, ROUTING_SCHEMA, routingHyperparameters, routingSupport, type FaasrankView } from './faasrank-view.js';

export class RoundRobinAgent extends RoutingAgent {
  /** The action index chosen last (−1: none yet). */
  private last = -1;

  constructor(env: AnyEnv, hyperparameters: { slotsPerInvoker: number }, seed: number) {
    super('round-robin', env, hyperparameters, seed);
  }

  protected choose(view: FaasrankView): number {
    const valid = view.invokers.map((v) => v.index);
    if (view.fresh) this.last = -1;
    const next = valid.find((i) => i > this.last) ?? (valid[0] as number);
    this.last = next;
    return next;
  }

  protected override state(): Record<string, unknown> {
    return { last: this.last };
  }

  protected override restore(state: Record<string, unknown>): void {
    this.last = typeof state.last === 'number' ? state.last : -1;
  }
}

export const roundRobinFactory = registerBaseline({
  name: 'round-robin',
  description: 'FaaSRank §VI-A round-robin: cycle over the valid invokers (FaaSRank-v0)',
  supports: routingSupport('round-robin'),
  schema: ROUTING_SCHEMA,
  build: (env, o, seed) => new RoundRobinAgent(env, routingHyperparameters(o, env), seed),
});
