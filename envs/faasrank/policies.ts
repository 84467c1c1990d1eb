/**
 * Baseline routing policies of 003 §VI-A for `FaaSRank-v0`, acting on what a
 * step reports: `info.invokers` (the cluster's `InvokerState` per valid
 * invoker, in action order) and `info.actionMask`.
 */
import type { InvokerState } from '../../src/cluster/types.js';
import { ConfigError } from '../../src/core/errors.js';
import type { Rng } from '../../src/core/rng.js';

/**
 * Least-connections (§VI-A 3): the invoker with the fewest in-flight
 * invocations — running or waiting there, the load balancer's count of
 * activations sent and not finished; ties go to the lowest index.
 */
export function leastConnections(invokers: readonly InvokerState[]): number {
  if (invokers.length === 0) throw new ConfigError('leastConnections: no invoker to choose from');
  let best = 0, bestLoad = Infinity;
  for (let i = 0; i < invokers.length; i++) {
    const s = invokers[i] as InvokerState;
    const load = s.inflight + s.queued;
    if (load < bestLoad) {
      bestLoad = load;
      best = i;
    }
  }
  return best;
}

/** A uniformly random valid invoker (mask entry 1). */
export function randomValid(mask: readonly number[], rng: Rng): number {
  let valid = 0;
  for (const m of mask) if (m === 1) valid++;
  if (valid === 0) throw new ConfigError('randomValid: the mask has no valid invoker');
  let k = rng.integer(0, valid);
  for (let i = 0; i < mask.length; i++) if (mask[i] === 1 && k-- === 0) return i;
  return mask.indexOf(1);
}
