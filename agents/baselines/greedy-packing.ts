/**
 * Greedy packing (FaaSRank 003 §VI-A 4, AWS Lambda's strategy as §II-B reads
 * it): keep sending invocations to the same invoker until it has no room,
 * to use few servers fully. Here: among the invokers with room for the
 * arriving function (faasrank-view.ts), the most loaded one (most in-flight +
 * queued invocations), ties to the lowest index — so an empty cluster fills
 * invoker 0 first, then 1, … When no invoker has room the invocation goes to
 * the least loaded one (fewest in flight + queued), where it waits.
 * CLI name `greedy-packing`; `FaaSRank-v0` only.
 *
 * Options: `slotsPerInvoker` (default: the env's invokers, 8).
 */
import type { AnyEnv } from '../../src/core/env.js';
import { registerBaseline } from './common.js';
import { RoutingAgent, connections, hasRoom, ROUTING_SCHEMA, routingHyperparameters, routingSupport, type FaasrankView } from './faasrank-view.js';

export class GreedyPackingAgent extends RoutingAgent {
  constructor(env: AnyEnv, hyperparameters: { slotsPerInvoker: number }, seed: number) {
    super('greedy-packing', env, hyperparameters, seed);
  }

  protected choose(view: FaasrankView): number {
    let best = -1, bestLoad = -Infinity;
    for (const v of view.invokers) {
      if (!hasRoom(v, view.fnMemoryMb)) continue;
      if (connections(v) > bestLoad) {
        bestLoad = connections(v);
        best = v.index;
      }
    }
    if (best >= 0) return best;
    let least = Infinity;
    for (const v of view.invokers) {
      if (connections(v) < least) {
        least = connections(v);
        best = v.index;
      }
    }
    return best;
  }
}

export const greedyPackingFactory = registerBaseline({
  name: 'greedy-packing',
  description: 'FaaSRank §VI-A greedy packing (AWS Lambda-like): the most loaded invoker that still has room (FaaSRank-v0)',
  supports: routingSupport('greedy-packing'),
  schema: ROUTING_SCHEMA,
  build: (env, o, seed) => new GreedyPackingAgent(env, routingHyperparameters(o, env), seed),
});
