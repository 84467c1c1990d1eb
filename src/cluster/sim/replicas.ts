/**
 * The replica life cycle: placement (a kube-scheduler-like node choice),
 * creation with a sampled cold start, becoming ready, draining, termination,
 * and keep-alive — per-request instances (AWS-Lambda style) that expire after
 * `keepAlive` idle seconds, and replicas that scale to zero after `keepAlive`
 * idle seconds (faas-idler).
 *
 * What a replica does once ready (take queued work) is dispatch.ts's.
 */
import { ConfigError, quote } from '../../core/errors.js';
import { acctFn, acctReplica } from './accounting.js';
import { DEAD, DRAINING, READY, Replica, STARTING, type Invocation, type SimFn, type SimNode } from './entities.js';
import type { EngineState } from './engine-state.js';
import { idleRemove, removeItem } from './heaps.js';

export const EV_READY = 3;
export const EV_IDLE = 8;

/** Create a replica of `fn` on `node` at time `at` (`pendingFor`: the invocation it starts for) and schedule its end of cold start. */
export function createReplica(s: EngineState, fn: SimFn, node: SimNode, pendingFor: Invocation | null, at: number): Replica {
  const r = new Replica(s.replicaById.length, fn, node, at);
  s.replicaById.push(r);
  fn.replicas.push(r);
  node.replicas.push(r);
  node.cpuRequestMilli += fn.cpuMilli;
  node.memRequestMb += fn.memoryMb;
  fn.starting++;
  fn.win.replicaStarts++;
  r.pendingFor = pendingFor;
  acctFn(fn, s.now);
  s.q.push(at + fn.sampleColdStart(s.rngMisc), EV_READY, r.id, 0);
  return r;
}

/** The scenario's initial replicas (and per-request instances) of every function; ConfigError when one does not fit. */
export function createInitialReplicas(s: EngineState): void {
  for (const fn of s.fns) {
    fn.desired = fn.spec.scaling === 'replicas' ? fn.spec.replicas : 0;
    for (let i = 0; i < fn.spec.replicas; i++) {
      if (fn.spec.scaling === 'per-request') {
        startInstanceFor(s, fn, null);
        continue;
      }
      const node = pickNode(s, fn, null);
      if (!node) {
        throw new ConfigError(
          `functions[${fn.idx}].replicas: no node${fn.nodeSelector ? ` of ${quote(fn.nodeSelector)}` : ''} has room for replica ${i + 1} of ` +
            `${quote(fn.spec.name)} (${fn.cpuMilli}m CPU, ${fn.memoryMb} MB requested per replica)`,
        );
      }
      createReplica(s, fn, node, null, 0);
    }
  }
}

/** Per-request mode: instances are not bound by node capacity (the provider's fleet is elastic); spread them round-robin over allowed nodes for the node metrics. */
export function startInstanceFor(s: EngineState, fn: SimFn, inv: Invocation | null): void {
  let node: SimNode;
  const sel = fn.nodeSelector;
  if (sel) node = s.nodeByName.get(sel[fn.rr++ % sel.length] as string) as SimNode;
  else node = s.nodes[fn.rr++ % s.nodes.length] as SimNode;
  createReplica(s, fn, node, inv, s.now);
}

/**
 * The cold start of replica `id` ended: it is ready (and the replica it
 * replaces starts draining). Returns the replica, or null if it was drained
 * while starting.
 */
export function markReady(s: EngineState, id: number): Replica | null {
  const r = s.replicaById[id];
  if (!r || r.phase !== STARTING) return null;
  r.fn.starting--;
  acctReplica(r, s.now);
  r.phase = READY;
  r.readyAt = s.now;
  if (r.replaces) {
    const old = r.replaces;
    r.replaces = null;
    drain(s, old);
  }
  return r;
}

/** Stop sending work to `r`; it terminates once its in-flight requests finish. */
export function drain(s: EngineState, r: Replica): void {
  if (r.phase === DEAD || r.phase === DRAINING) return;
  if (r.phase === STARTING) {
    r.fn.starting--;
    terminate(s, r, s.now);
    if (r.pendingFor) {
      const inv = r.pendingFor;
      r.pendingFor = null;
      startInstanceFor(s, r.fn, inv);
    }
    return;
  }
  acctReplica(r, s.now);
  if (r.idlePos >= 0) idleRemove(r.fn, r);
  r.phase = DRAINING;
  if (r.inflight === 0) terminate(s, r, s.now);
}

/** End replica `r` as of time `at` and give back its node's requests. */
export function terminate(s: EngineState, r: Replica, at: number): void {
  acctReplica(r, at);
  const fn = r.fn;
  if (r.idlePos >= 0) idleRemove(fn, r);
  r.phase = DEAD;
  removeItem(fn.replicas, r);
  removeItem(r.node.replicas, r);
  r.node.cpuRequestMilli -= fn.cpuMilli;
  r.node.memRequestMb -= fn.memoryMb;
  s.replicaById[r.id] = null;
}

/** Per-request mode: the newest idle instance that has not expired. */
export function takeIdle(s: EngineState, fn: SimFn): Replica | null {
  const keepAlive = fn.keepAlive ?? Infinity;
  while (fn.idle.length > 0) {
    const r = fn.idle[0] as Replica;
    idleRemove(fn, r);
    const expiry = r.idleSince + keepAlive;
    if (expiry <= s.now) {
      terminate(s, r, expiry);
      continue;
    }
    return r;
  }
  return null;
}

/** Terminate every idle per-request instance whose keep-alive ran out by `t`. */
export function sweepExpired(s: EngineState, t: number): void {
  for (const fn of s.fns) {
    if (fn.spec.scaling !== 'per-request' || fn.keepAlive === null) continue;
    const keepAlive = fn.keepAlive;
    if (fn.spec.dispatch === 'invoker') {
      const expired = fn.replicas.filter((r) => r.phase === READY && r.inflight === 0 && r.idleSince + keepAlive <= t);
      for (const r of expired) terminate(s, r, r.idleSince + keepAlive);
      continue;
    }
    const expired = fn.idle.filter((r) => r.idleSince + keepAlive <= t);
    for (const r of expired) terminate(s, r, r.idleSince + keepAlive);
  }
}

/** Replicas mode with keepAlive: scale to zero after keepAlive idle seconds (faas-idler). */
export function armIdleTimer(s: EngineState, fn: SimFn): void {
  if (fn.keepAlive === null || fn.spec.scaling !== 'replicas') return;
  fn.idleVersion++;
  s.q.push(s.now + fn.keepAlive, EV_IDLE, fn.idx, fn.idleVersion);
}

/** The idle timer `version` of function `fnIdx` ran out: drain every replica if the function stayed idle. */
export function onIdleTimeout(s: EngineState, fnIdx: number, version: number): void {
  const fn = s.fns[fnIdx] as SimFn;
  if (fn.idleVersion !== version || fn.inflight > 0 || fn.queueLength > 0) return;
  fn.desired = 0;
  for (const r of [...fn.replicas]) drain(s, r);
}

/** kube-scheduler-like choice: nodes allowed by the selector whose free requests fit, least allocated first, then fewest replicas of the function. */
export function pickNode(s: EngineState, fn: SimFn, only: SimNode | null): SimNode | null {
  let best: SimNode | null = null;
  let bestScore = -Infinity;
  const perRequest = fn.spec.scaling === 'per-request';
  for (const node of only ? [only] : s.nodes) {
    if (fn.nodeSelector && !fn.nodeSelector.includes(node.spec.name)) continue;
    const cpuCap = node.spec.cores * 1000, memCap = node.spec.memoryMb;
    const cpuAfter = node.cpuRequestMilli + fn.cpuMilli, memAfter = node.memRequestMb + fn.memoryMb;
    if (!perRequest && (cpuAfter > cpuCap || memAfter > memCap)) continue;
    let mine = 0;
    for (const r of node.replicas) if (r.fn === fn) mine++;
    const score = (1 - cpuAfter / cpuCap + (1 - memAfter / memCap)) / 2 - mine * 1e-3;
    if (score > bestScore) {
      bestScore = score;
      best = node;
    }
  }
  return best;
}
