/**
 * OpenWhisk's default scheduler (FaaSRank 003 §VI-A 1; Apache OpenWhisk's
 * ShardingContainerPoolBalancer): every function has a *home* invoker,
 * `hash(function) mod n`, so its invocations find warm containers there; when
 * the home has no room the balancer steps through the invokers by a step
 * co-prime with n (visiting each once) to the first with room, and when none
 * has room it picks one at random, where the invocation waits.
 *
 * The hash, the step and the room rule are the simulator's own 'hash'
 * scheduler (`hashInvoker` in src/cluster/sim/invokers.ts: FNV-1a of the
 * function name, step `1 + (h >>> 8) mod (n − 1)` raised to the next
 * co-prime), applied to what the observation shows (faasrank-view.ts: room is
 * judged with running containers counted at one 256 MB slot each). n is the
 * number of valid invokers, in action order. The random fallback draws from
 * the agent's seeded Rng. CLI name `ow-hashing`; `FaaSRank-v0` only.
 *
 * Options: `slotsPerInvoker` (default: the env's invokers, 8).
 */
import type { AnyEnv } from '../../src/core/env.js';
import { registerBaseline } from './common.js';
import { RoutingAgent, hasRoom, probeOrder, ROUTING_SCHEMA, routingHyperparameters, routingSupport, type FaasrankView } from './faasrank-view.js';

export class OwHashingAgent extends RoutingAgent {
  constructor(env: AnyEnv, hyperparameters: { slotsPerInvoker: number }, seed: number) {
    super('ow-hashing', env, hyperparameters, seed);
  }

  protected choose(view: FaasrankView): number {
    const inv = view.invokers;
    if (view.fn === null) return (inv[0] as { index: number }).index;
    for (const k of probeOrder(view.fn, inv.length)) {
      const v = inv[k] as FaasrankView['invokers'][number];
      if (hasRoom(v, view.fnMemoryMb)) return v.index;
    }
    return (inv[this.rng.integer(0, inv.length)] as { index: number }).index;
  }
}

export const owHashingFactory = registerBaseline({
  name: 'ow-hashing',
  description: 'OpenWhisk default hashing scheduler: home invoker hash(function) mod n, co-prime steps to the first with room (FaaSRank-v0)',
  supports: routingSupport('ow-hashing'),
  schema: ROUTING_SCHEMA,
  build: (env, o, seed) => new OwHashingAgent(env, routingHyperparameters(o, env), seed),
});
