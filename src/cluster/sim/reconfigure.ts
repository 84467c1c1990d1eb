/**
 * Configuration changes made to a running function between (or inside)
 * windows: scale to a replica count, migrate replicas, restrict placement,
 * prewarm instances, resize the CPU and memory limits in place, change the
 * per-replica concurrency. Each brings the integrals it changes up to date
 * first and hands queued work to freed slots after, so callers need not.
 *
 * The functions that can be refused return the reason (the wording of
 * `ApplyResult.rejected`), or null when the change was made.
 */
import { acctReplica } from './accounting.js';
import { kick } from './dispatch.js';
import { DEAD, DRAINING, READY, type Replica, type SimFn, type SimNode } from './entities.js';
import type { EngineState } from './engine-state.js';
import { rerate } from './processor-sharing.js';
import { createReplica, drain, pickNode, sweepExpired } from './replicas.js';

/**
 * Replicas mode: make `target` replicas live (desired). Scaling up places new
 * replicas while a node has room; scaling down drains starting replicas
 * first, then the least busy ready ones, newest first on ties.
 */
export function scaleTo(s: EngineState, fn: SimFn, target: number): string | null {
  const live = fn.replicas.filter((r) => r.phase !== DRAINING);
  fn.desired = target;
  if (target > live.length) {
    for (let i = live.length; i < target; i++) {
      const node = pickNode(s, fn, null);
      if (!node) {
        fn.desired = i;
        return `no node has room for replica ${i + 1} of ${fn.spec.name} (${fn.cpuMilli}m CPU, ${fn.memoryMb} MB)`;
      }
      createReplica(s, fn, node, null, s.now);
    }
    return null;
  }
  const victims = [...live].sort((a, b) => (a.phase === READY ? 1 : 0) - (b.phase === READY ? 1 : 0) || a.inflight - b.inflight || b.id - a.id);
  for (const r of victims.slice(0, live.length - target)) drain(s, r);
  kick(s, fn);
  return null;
}

/** Move each of `targets` to `node`: a ready replica keeps serving until its replacement is ready; a starting one is dropped. */
export function migrate(s: EngineState, fn: SimFn, targets: readonly Replica[], node: SimNode): string | null {
  for (const old of targets) {
    if (old.node === node) continue;
    if (!pickNode(s, fn, node)) return `node ${node.spec.name} has no room for ${fn.spec.name} (${fn.cpuMilli}m CPU, ${fn.memoryMb} MB)`;
    const fresh = createReplica(s, fn, node, null, s.now);
    if (old.phase === READY) fresh.replaces = old;
    else drain(s, old);
  }
  return null;
}

/** Allow `fn` only on `nodes` (null: anywhere; names already checked) and migrate its live replicas that are elsewhere. */
export function place(s: EngineState, fn: SimFn, nodes: readonly string[] | null): string | null {
  fn.nodeSelector = nodes === null ? null : [...nodes];
  if (fn.spec.scaling === 'per-request') return null;
  const misplaced = fn.replicas.filter((r) => r.phase !== DRAINING && r.phase !== DEAD && fn.nodeSelector !== null && !fn.nodeSelector.includes(r.node.spec.name));
  let failed: string | null = null;
  for (const r of misplaced) {
    const node = pickNode(s, fn, null);
    if (!node) failed = `no allowed node has room for ${fn.spec.name}`;
    else migrate(s, fn, [r], node);
  }
  return failed;
}

/** Start `count` more instances: per-request instances round-robin over the allowed nodes, or `count` more live replicas. */
export function prewarm(s: EngineState, fn: SimFn, count: number): string | null {
  if (fn.spec.scaling === 'per-request') {
    for (let i = 0; i < count; i++) {
      const nodes = fn.nodeSelector ? fn.nodeSelector.map((n) => s.nodeByName.get(n) as SimNode) : s.nodes;
      createReplica(s, fn, nodes[fn.replicas.length % nodes.length] as SimNode, null, s.now);
    }
    return null;
  }
  return scaleTo(s, fn, fn.replicas.filter((r) => r.phase !== DRAINING).length + count);
}

/**
 * Change a function's CPU and memory limits in place (Kubernetes in-place
 * resize; OpenFaaS would roll the pods). With `cpuPerMemoryMb` the CPU follows
 * the memory. Per-request functions retire their idle instances, as a Lambda
 * configuration update does.
 */
export function resizeFunction(s: EngineState, fn: SimFn, cpuMilli: number, memoryMb: number): void {
  sweepExpired(s, s.now);
  for (const r of fn.replicas) acctReplica(r, s.now);
  const cpu = fn.spec.cpuPerMemoryMb ? Math.max(1, Math.round((1000 * memoryMb) / fn.spec.cpuPerMemoryMb)) : cpuMilli;
  for (const r of fn.replicas) {
    r.node.cpuRequestMilli += cpu - fn.cpuMilli;
    r.node.memRequestMb += memoryMb - fn.memoryMb;
  }
  fn.memoryMb = memoryMb;
  fn.cpuMilli = cpu;
  if (fn.spec.scaling === 'per-request') {
    for (const r of [...fn.idle]) drain(s, r);
    if (fn.spec.dispatch === 'invoker') for (const r of fn.replicas.filter((x) => x.phase === READY && x.inflight === 0)) drain(s, r);
  }
  rerate(s, fn.replicas);
}

/** Change how many requests each replica of `fn` holds (0: unbounded), and hand queued work to freed slots. */
export function setMaxInflight(s: EngineState, fn: SimFn, maxInflight: number): void {
  for (const r of fn.replicas) acctReplica(r, s.now);
  fn.maxInflight = maxInflight;
  kick(s, fn);
}
