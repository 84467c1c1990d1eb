/**
 * Static-rank (FaaSRank 003 §II-B eq. (1), §VI-A 5): score every invoker
 * with a fixed fitness function and send the invocation to the best,
 *
 *     score = 2·cpu + 1.5·memory + disk + network + load_avg + infra + 3·avail_mem_slots
 *
 * ("2, 1.5 and 3 are weights assigned to CPU, memory, and available slots
 * based on server free memory"). The paper does not define the terms beyond
 * that; each is read here as an availability in [0, 1] (higher = better) from
 * FaaSRank-v0's features (envs/faasrank/features.ts):
 *
 * | term | FaaSRank-v0 feature | value |
 * |---|---|---|
 * | cpu | `cpuUtil` | 1 − busy cores / cores |
 * | memory | `memoryFree` | free function memory / function memory |
 * | disk | — | absent: the simulator's functions move no disk bytes (Table I(a) disk fields are not observed); 0 |
 * | network | — | absent: no network bytes either; 0 |
 * | load_avg | `loadAvg` | 1 − the squashed 60 s load average per slot |
 * | infra | `warm` (Table I(b) warm_infrastructures) | idle warm containers of the arriving function / slots |
 * | avail_mem_slots | `memoryFree`, the function's memory | ⌊free MB / function MB⌋ / ⌊invoker MB / function MB⌋: the share of the function's container slots still free |
 *
 * Ties go to the lowest index. `staticRankScore` is exported for tests and
 * users. CLI name `static-rank`; `FaaSRank-v0` only.
 *
 * Options: `slotsPerInvoker` (default: the env's invokers, 8).
 */
import { SLOT_MB } from '../../envs/faasrank/features.js';
import type { AnyEnv } from '../../src/core/env.js';
import { registerBaseline } from './common.js';
import { RoutingAgent, ROUTING_SCHEMA, routingHyperparameters, routingSupport, type FaasrankView, type InvokerView } from './faasrank-view.js';

/** The eq. (1) terms of one invoker for a function of `fnMemoryMb`, each in [0, 1] (see the module comment). */
export function staticRankTerms(v: InvokerView, fnMemoryMb: number): { cpu: number; memory: number; disk: number; network: number; loadAvg: number; infra: number; availMemSlots: number } {
  const total = Math.floor(v.memoryMb / fnMemoryMb);
  const free = Math.floor((v.freeMb + 1e-6) / fnMemoryMb);
  const slots = v.memoryMb / SLOT_MB;
  return {
    cpu: 1 - v.cpuUtil,
    memory: v.memoryFree,
    disk: 0,
    network: 0,
    loadAvg: 1 - v.loadAvg,
    infra: Math.min(1, v.warm / slots),
    availMemSlots: total > 0 ? Math.min(1, free / total) : 0,
  };
}

/** Eq. (1): 2·cpu + 1.5·memory + disk + network + load_avg + infra + 3·avail_mem_slots. */
export function staticRankScore(v: InvokerView, fnMemoryMb: number): number {
  const t = staticRankTerms(v, fnMemoryMb);
  return 2 * t.cpu + 1.5 * t.memory + t.disk + t.network + t.loadAvg + t.infra + 3 * t.availMemSlots;
}

export class StaticRankAgent extends RoutingAgent {
  constructor(env: AnyEnv, hyperparameters: { slotsPerInvoker: number }, seed: number) {
    super('static-rank', env, hyperparameters, seed);
  }

  protected choose(view: FaasrankView): number {
    let best = -1, bestScore = -Infinity;
    for (const v of view.invokers) {
      const s = staticRankScore(v, view.fnMemoryMb);
      if (s > bestScore) {
        bestScore = s;
        best = v.index;
      }
    }
    return best;
  }
}

export const staticRankFactory = registerBaseline({
  name: 'static-rank',
  description: 'FaaSRank eq. (1) static-rank: the invoker with the best fixed fitness score of CPU, memory, load, warm containers and free slots (FaaSRank-v0)',
  supports: routingSupport('static-rank'),
  schema: ROUTING_SCHEMA,
  build: (env, o, seed) => new StaticRankAgent(env, routingHyperparameters(o, env), seed),
});
