/**
 * Dispatch and queueing: which replica an invocation runs on, or where it
 * waits.
 * - Replicas mode: `maxInflight` bounds the requests a replica holds
 *   (download, compute and upload); the excess waits in the function's FIFO
 *   queue (overflow `queue`, least loaded ready replica first) or gets HTTP 429
 *   (overflow `reject`, round-robin over ready replicas). A function with no
 *   live replica starts one from zero if allowed.
 * - Per-request mode (AWS-Lambda style): the newest idle instance, else a new
 *   instance, at most as fast as the scale-out token bucket allows; OpenWhisk
 *   invoker routing for `dispatch: 'invoker'` (invokers.ts).
 * - A freed slot (or a replica that became ready) takes the next queued
 *   invocation.
 */
import { acctFn, acctReplica } from './accounting.js';
import { startCompute } from './processor-sharing.js';
import { DRAINING, READY, type Invocation, type Replica, type SimFn } from './entities.js';
import type { EngineState } from './engine-state.js';
import { idlePush } from './heaps.js';
import { armIdleTimer, createReplica, markReady, pickNode, startInstanceFor, takeIdle, terminate } from './replicas.js';

export const EV_IO = 4;
export const EV_SCALEOUT = 10;

/** How an invocation that could not be dispatched ends: out of memory or nowhere to run (`failed`), or HTTP 429 (`rejected`). */
export type Refusal = 'failed' | 'rejected';

/** Send `inv` to a replica (or a queue); returns how it ends at once when it cannot be dispatched, else null. */
export function invoke(s: EngineState, inv: Invocation): Refusal | null {
  const fn = inv.fn;
  fn.win.requests++;
  s.invocations++;
  // Out of memory: the container is killed on the first allocation past its limit.
  if (fn.memoryMb < fn.spec.memoryFootprintMb) return 'failed';
  if (fn.spec.scaling === 'per-request') {
    dispatchPerRequest(s, inv);
    return null;
  }
  return dispatchReplicas(s, inv);
}

function dispatchReplicas(s: EngineState, inv: Invocation): Refusal | null {
  const fn = inv.fn;
  const reps = fn.replicas;
  let live = 0;
  if (fn.overflow === 'reject') {
    // The gateway spreads requests round-robin over ready replicas; a full watchdog answers 429.
    let ready = 0;
    for (let i = 0; i < reps.length; i++) if ((reps[i] as Replica).phase === READY) ready++;
    if (ready > 0) {
      let k = fn.rr++ % ready;
      for (let i = 0; i < reps.length; i++) {
        const r = reps[i] as Replica;
        if (r.phase !== READY || k-- > 0) continue;
        if (fn.maxInflight > 0 && r.inflight >= fn.maxInflight) return 'rejected';
        assign(s, inv, r);
        return null;
      }
    }
    for (let i = 0; i < reps.length; i++) if ((reps[i] as Replica).phase !== DRAINING) live++;
  } else {
    let best: Replica | null = null;
    for (let i = 0; i < reps.length; i++) {
      const r = reps[i] as Replica;
      if (r.phase === DRAINING) continue;
      live++;
      if (r.phase !== READY || (fn.maxInflight > 0 && r.inflight >= fn.maxInflight)) continue;
      if (best === null || r.inflight < best.inflight) best = r;
    }
    if (best !== null) {
      assign(s, inv, best);
      return null;
    }
  }
  // No ready replica can take it: wait for one (starting it from zero if allowed).
  if (live === 0) {
    if (!fn.spec.scaleFromZero) return 'failed';
    const node = pickNode(s, fn, null);
    if (!node) return 'failed';
    fn.desired = Math.max(fn.desired, 1);
    createReplica(s, fn, node, null, s.now);
  }
  enqueue(s, fn, inv);
  return null;
}

function dispatchPerRequest(s: EngineState, inv: Invocation): void {
  const fn = inv.fn;
  if (fn.spec.dispatch === 'invoker') {
    if (fn.spec.scheduler === 'external') s.decisions.push({ kind: 'route', id: 0, fn: fn.spec.name, time: s.now }, inv, null, -1);
    else s.router.tryRoute(inv, s.router.hashInvoker(fn), true);
    return;
  }
  const inst = takeIdle(s, fn);
  if (inst) {
    assign(s, inv, inst);
    return;
  }
  inv.cold = true;
  if (fn.queueLength === 0 && takeToken(s, fn)) startInstanceFor(s, fn, inv);
  else {
    enqueue(s, fn, inv);
    armScaleOut(s, fn);
  }
}

/** Token bucket of the per-request scale-out: refill, then take one token if there is one. */
function takeToken(s: EngineState, fn: SimFn): boolean {
  const { scaleOutBurst: burst, scaleOutRate: rate } = fn.spec;
  if (burst === Infinity || rate === Infinity) return true;
  fn.tokens = Math.min(burst, fn.tokens + (s.now - fn.tokensT) * rate);
  fn.tokensT = s.now;
  if (fn.tokens < 1 - 1e-9) return false;
  fn.tokens -= 1;
  return true;
}

/** Schedule the start of the next instance for the waiting requests when a token will be available. */
function armScaleOut(s: EngineState, fn: SimFn): void {
  if (fn.scaleOutArmed || fn.queueLength === 0) return;
  fn.scaleOutArmed = true;
  const wait = fn.tokens >= 1 ? 0 : (1 - fn.tokens) / fn.spec.scaleOutRate;
  s.q.push(s.now + wait, EV_SCALEOUT, fn.idx, 0);
}

/** A scale-out token is due for function `fnIdx`: start an instance for the oldest waiting request. */
export function onScaleOut(s: EngineState, fnIdx: number): void {
  const fn = s.fns[fnIdx] as SimFn;
  fn.scaleOutArmed = false;
  if (fn.queueLength === 0) return;
  if (takeToken(s, fn)) startInstanceFor(s, fn, dequeue(s, fn));
  armScaleOut(s, fn);
}

function enqueue(s: EngineState, fn: SimFn, inv: Invocation): void {
  acctFn(fn, s.now);
  fn.queue.push(inv);
}

function dequeue(s: EngineState, fn: SimFn): Invocation {
  acctFn(fn, s.now);
  const inv = fn.queue[fn.queueHead] as Invocation;
  fn.queue[fn.queueHead++] = undefined as unknown as Invocation;
  if (fn.queueHead > 1024 && fn.queueHead * 2 > fn.queue.length) {
    fn.queue = fn.queue.slice(fn.queueHead);
    fn.queueHead = 0;
  }
  return inv;
}

/** Run `inv` on `r` now: take a slot, then download its input (if any) or start computing. */
export function assign(s: EngineState, inv: Invocation, r: Replica): void {
  const fn = inv.fn;
  inv.replica = r;
  // Replicas mode: a request that waited for a replica to start had a cold start. (Per-request
  // invocations are marked cold exactly when an instance is started for them.)
  if (r.readyAt > inv.arrival && fn.spec.scaling === 'replicas') inv.cold = true;
  if (inv.cold) fn.win.coldStarts++;
  acctReplica(r, s.now);
  acctFn(fn, s.now);
  if (r.inflight++ === 0) r.busySince = s.now;
  fn.inflight++;
  r.node.inflight++;
  inv.tAssign = s.now;
  if (fn.sampleDownload) {
    s.q.push(s.now + fn.sampleDownload(s.rngService), EV_IO, inv.id, 0);
  } else startCompute(s, inv, r);
}

/** Replica `id` finished its cold start: hand it the invocation it started for, or queued work. */
export function onReady(s: EngineState, id: number): void {
  const r = markReady(s, id);
  if (!r) return;
  const fn = r.fn;
  if (fn.spec.dispatch === 'invoker') {
    const inv = r.pendingFor;
    r.pendingFor = null;
    if (inv) assign(s, inv, r);
    else {
      r.idleSince = s.now;
      s.router.drainNodeQueue(r.node);
    }
    return;
  }
  if (fn.spec.scaling === 'per-request') {
    const inv = r.pendingFor;
    r.pendingFor = null;
    if (inv) assign(s, inv, r);
    else if (fn.queueLength > 0) assign(s, dequeue(s, fn), r);
    else {
      r.idleSince = s.now;
      idlePush(fn, r);
    }
    return;
  }
  while (fn.queueLength > 0 && (fn.maxInflight === 0 || r.inflight < fn.maxInflight)) assign(s, dequeue(s, fn), r);
  if (fn.inflight === 0 && fn.queueLength === 0) armIdleTimer(s, fn);
}

/** Give back a slot on `r`, and hand it to waiting work. */
export function release(s: EngineState, r: Replica): void {
  const fn = r.fn;
  acctReplica(r, s.now);
  acctFn(fn, s.now);
  r.inflight--;
  fn.inflight--;
  r.node.inflight--;
  if (r.phase === DRAINING) {
    if (r.inflight === 0) terminate(s, r, s.now);
    return;
  }
  if (fn.spec.dispatch === 'invoker') {
    r.idleSince = s.now;
    s.router.drainNodeQueue(r.node);
    return;
  }
  if (fn.spec.scaling === 'per-request') {
    if (fn.queueLength > 0) {
      const next = dequeue(s, fn);
      next.cold = false;
      assign(s, next, r);
    } else {
      r.idleSince = s.now;
      idlePush(fn, r);
    }
    return;
  }
  // The limit may have been lowered since this request started: only hand over the slot if it is below it.
  if (fn.queueLength > 0 && r.phase === READY && (fn.maxInflight === 0 || r.inflight < fn.maxInflight)) assign(s, dequeue(s, fn), r);
  else if (fn.inflight === 0 && fn.queueLength === 0) armIdleTimer(s, fn);
}

/** After a scale-down or a concurrency increase: hand queued work to replicas with free slots; restart from zero if needed. */
export function kick(s: EngineState, fn: SimFn): void {
  if (fn.spec.scaling === 'per-request') return;
  for (const r of fn.replicas) {
    while (r.phase === READY && fn.queueLength > 0 && (fn.maxInflight === 0 || r.inflight < fn.maxInflight)) {
      assign(s, dequeue(s, fn), r);
      if (fn.maxInflight === 0) break;
    }
  }
  const live = fn.replicas.some((r) => r.phase !== DRAINING);
  if (!live && fn.queueLength > 0 && fn.spec.scaleFromZero) {
    const node = pickNode(s, fn, null);
    if (node) {
      fn.desired = Math.max(fn.desired, 1);
      createReplica(s, fn, node, null, s.now);
    }
  }
}
