/**
 * Least-connections (FaaSRank 003 §VI-A 3): send the arriving invocation to
 * the invoker with the fewest in-flight invocations (running or waiting there);
 * ties go to the lowest index. The choice is `leastConnections` of
 * envs/faasrank/policies.ts on the invokers decoded from the observation
 * (faasrank-view.ts). CLI name `least-connections`; `FaaSRank-v0` only.
 *
 * Options: `slotsPerInvoker` (default: the env's invokers, 8).
 */
import { leastConnections } from '../../envs/faasrank/policies.js';
import type { AnyEnv } from '../../src/core/env.js';
import { registerBaseline } from './common.js';
import { RoutingAgent, asInvokerStates, ROUTING_SCHEMA, routingHyperparameters, routingSupport, type FaasrankView } from './faasrank-view.js';

export class LeastConnectionsAgent extends RoutingAgent {
  constructor(env: AnyEnv, hyperparameters: { slotsPerInvoker: number }, seed: number) {
    super('least-connections', env, hyperparameters, seed);
  }

  protected choose(view: FaasrankView): number {
    return (view.invokers[leastConnections(asInvokerStates(view))] as { index: number }).index;
  }
}

export const leastConnectionsFactory = registerBaseline({
  name: 'least-connections',
  description: 'FaaSRank §VI-A least-connections: the invoker with the fewest in-flight invocations (FaaSRank-v0)',
  supports: routingSupport('least-connections'),
  schema: ROUTING_SCHEMA,
  build: (env, o, seed) => new LeastConnectionsAgent(env, routingHyperparameters(o, env), seed),
});
