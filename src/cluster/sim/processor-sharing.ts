/**
 * Processor sharing on a replica, simulated exactly with virtual time.
 *
 * A replica's CPU limit L (cores) is shared equally among the n requests
 * computing on it, with a contention efficiency 1/(1 + γ·max(0, n − max(1, L)))
 * (FaaSConf §2.2). A request uses at most `threads` cores, with Amdahl
 * speed-up over them (StepConf §2.2, eq. 1). Node speed, co-located
 * interference (Darly §3.3) and CPU availability on an oversubscribed node
 * scale every rate on that node.
 *
 * Virtual time V(t) grows at the per-request rate; a request finishes when V
 * reaches its finish tag (V at its start + its work). Each replica has one
 * completion event scheduled at a time (`EV_COMPLETE`, tagged with the
 * replica's version so a rescheduled one is ignored).
 */
import { acctReplica } from './accounting.js';
import type { Invocation, Replica } from './entities.js';
import type { EngineState } from './engine-state.js';
import { heapPop, heapPush } from './heaps.js';
import { interferenceSlowdown } from './interference.js';

export const EV_COMPLETE = 2;

/** Bring `r`'s virtual time up to now. */
function advanceV(s: EngineState, r: Replica): void {
  if (r.n > 0) r.V += r.rate * (s.now - r.vLastT);
  r.vLastT = s.now;
}

/** Recompute the per-request rate and CPU usage of `r` and (re)schedule its next completion. */
function reschedule(s: EngineState, r: Replica): void {
  const fn = r.fn;
  const node = r.node;
  const n = r.n;
  const L = fn.cpuMilli / 1000;
  const threads = fn.threads;
  const oldDemand = r.usage;
  if (n === 0) {
    r.rate = 0;
    r.usage = 0;
    r.throttled = false;
  } else {
    const eff = 1 / (1 + fn.spec.contention * Math.max(0, n - Math.max(1, L)));
    const c = (L * eff) / n;
    let sp: number;
    if (c < 1) sp = c;
    else {
      const k = c < threads ? c : threads;
      const f = fn.spec.parallelFraction;
      sp = f === 1 ? k : 1 / (1 - f + f / k);
    }
    r.rate = (sp * node.spec.speed * node.avail) / interferenceSlowdown(node.stress, fn.spec.interferenceSensitivity);
    const demand = n * threads;
    r.usage = demand < L ? demand : L;
    r.throttled = demand > L;
  }
  node.busyCores += r.usage - oldDemand;
  r.version++;
  if (n > 0) {
    const dt = ((r.tags[0] as number) - r.V) / r.rate;
    s.q.push(s.now + (dt > 0 ? dt : 0), EV_COMPLETE, r.id, r.version);
  }
}

/** `inv` starts computing on `r` now. */
export function startCompute(s: EngineState, inv: Invocation, r: Replica): void {
  inv.tCompute = s.now;
  advanceV(s, r);
  acctReplica(r, s.now);
  heapPush(r, r.V + inv.work, inv);
  r.n++;
  reschedule(s, r);
}

/** A completion event of replica `id`: the invocation that finished computing, or null if the event is stale. */
export function completeCompute(s: EngineState, id: number, version: number): Invocation | null {
  const r = s.replicaById[id];
  if (!r || r.version !== version || r.n === 0) return null;
  advanceV(s, r);
  acctReplica(r, s.now);
  const inv = heapPop(r);
  inv.tComputeEnd = s.now;
  r.n--;
  reschedule(s, r);
  return inv;
}

/** Rates of every computing replica in `replicas` change (a node's interference or availability, a function's resize). */
export function rerate(s: EngineState, replicas: readonly Replica[]): void {
  for (const r of replicas) {
    if (r.n === 0) continue;
    advanceV(s, r);
    acctReplica(r, s.now);
    reschedule(s, r);
  }
}
