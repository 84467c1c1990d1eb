/**
 * Requests and invocations: a function request or a workflow request enters,
 * its invocations are created (from a pool of reused objects), dispatched,
 * moved through download, compute and upload, and end (ok, failed or
 * rejected); a workflow request fires its stages as tokens arrive through the
 * DAG (fan-out, joins, probabilistic branches) and finishes at its sinks.
 * Gated stages (StepConf) wait for the caller's configuration as decision
 * points, and report what each stage did.
 */
import { lambdaUsd } from './accounting.js';
import { EV_IO, invoke, release } from './dispatch.js';
import { Invocation, type InvocationEndHook, type Replica, type SimFn, type SimWorkflow, type StageRun, type WorkflowRequest } from './entities.js';
import type { EngineState } from './engine-state.js';
import type { Histogram } from './histogram.js';
import { completeCompute, startCompute } from './processor-sharing.js';

/** One request of function `fn` for closed-loop user `user` (−1: none). */
export function submitFunction(s: EngineState, fn: SimFn, user: number, onEnd: InvocationEndHook | null = null): void {
  const inv = newInvocation(s, fn, fn.sampleWork(s.rngService), null, -1, user);
  inv.onEnd = onEnd;
  start(s, inv);
}

/** One request of workflow `wf` for closed-loop user `user` (−1: none): fire its entry stages. */
export function submitWorkflow(s: EngineState, wf: SimWorkflow, user: number, onEnd: InvocationEndHook | null = null): void {
  wf.requests++;
  const req = wf.take(s.now, wf.sampleScale(s.rngService), user);
  req.onEnd = onEnd;
  const entries = wf.entries;
  for (let k = 0; k < entries.length; k++) {
    const st = entries[k] as number;
    req.live[st] = 1;
    fireStage(s, req, st);
  }
}

/** Dispatch `inv`, ending it at once if it cannot be. */
function start(s: EngineState, inv: Invocation): void {
  const refusal = invoke(s, inv);
  if (refusal !== null) endInvocation(s, inv, refusal);
}

function fireStage(s: EngineState, req: WorkflowRequest, st: number): void {
  const wf = req.wf;
  if (wf.spec.gated) {
    const fn = wf.stageFn[st] as SimFn;
    s.decisions.push({ kind: 'stage', id: 0, workflow: wf.spec.name, stage: wf.spec.stages[st]?.id as string, fn: fn.spec.name, time: s.now, requestStart: req.start }, null, req, st);
    return;
  }
  fireStageNow(s, req, st, wf.parallelism[st] as number);
}

/** Run stage `st` of `req` now as `p` parallel invocations sharing its work. */
export function fireStageNow(s: EngineState, req: WorkflowRequest, st: number, p: number): void {
  const fn = req.wf.stageFn[st] as SimFn;
  const work = (fn.sampleWork(s.rngService) * req.scale) / p;
  req.pending[st] = p;
  const run = req.stages?.[st];
  if (run) {
    run.firedAt = s.now;
    run.parallelism = p;
    run.memoryMb = fn.memoryMb;
    run.threads = fn.threads;
  }
  for (let k = 0; k < p && !req.done; k++) start(s, newInvocation(s, fn, work, req, st, -1));
}

function stageDone(s: EngineState, req: WorkflowRequest, st: number): void {
  if (req.done) return;
  if (--req.pending[st] > 0) return;
  if (req.stages) reportStage(s, req, st);
  propagate(s, req, st, true);
}

function reportStage(s: EngineState, req: WorkflowRequest, st: number): void {
  const run = req.stages?.[st];
  if (!run) return;
  const wf = req.wf;
  s.stageReports.push({
    workflow: wf.spec.name,
    stage: wf.spec.stages[st]?.id as string,
    fn: (wf.stageFn[st] as SimFn).spec.name,
    requestStart: req.start,
    firedAt: run.firedAt,
    completedAt: s.now,
    parallelism: run.parallelism,
    memoryMb: run.memoryMb,
    threads: run.threads,
    mappingDelay: run.lastStart >= 0 ? run.lastStart - run.firedAt : 0,
    download: run.download,
    compute: run.compute,
    upload: run.upload,
    failed: run.failed,
    costUsd: run.costUsd,
  });
}

/** Fold one ended invocation of a gated stage into its stage record. */
function recordStageInvocation(s: EngineState, req: WorkflowRequest, st: number, inv: Invocation, ok: boolean): void {
  const run = (req.stages as StageRun[])[st] as StageRun;
  if (!ok) {
    run.failed++;
    return;
  }
  const fn = inv.fn;
  run.costUsd += lambdaUsd(s.now - inv.tAssign, fn.memoryMb);
  if (inv.tAssign >= run.lastStart) {
    run.lastStart = inv.tAssign;
    run.download = inv.tCompute - inv.tAssign;
    run.compute = inv.tComputeEnd - inv.tCompute;
    run.upload = s.now - inv.tComputeEnd;
  }
}

/** Stage `st` resolved (live: it ran; dead: a branch not taken): send tokens to its successors. */
function propagate(s: EngineState, req: WorkflowRequest, st: number, live: boolean): void {
  const wf = req.wf;
  if (wf.isSink[st]) {
    if (--req.sinksLeft === 0) finishRequest(s, req, !req.failed);
    if (req.done) return;
  }
  const next = wf.next[st] as Int32Array;
  for (let k = 0; k < next.length; k++) arrive(s, req, next[k] as number, live);
  const groups = wf.branches[st] as { to: Int32Array; probs: number[] }[];
  for (const g of groups) {
    const chosen = live ? s.rngService.choice(Array.from(g.to), g.probs) : -1;
    for (let k = 0; k < g.to.length; k++) arrive(s, req, g.to[k] as number, (g.to[k] as number) === chosen);
  }
}

function arrive(s: EngineState, req: WorkflowRequest, st: number, live: boolean): void {
  if (req.done) return;
  if (live) req.live[st] = 1;
  if (++req.arrived[st] < (req.wf.indegree[st] as number)) return;
  if (req.live[st]) fireStage(s, req, st);
  else propagate(s, req, st, false);
}

function finishRequest(s: EngineState, req: WorkflowRequest, ok: boolean): void {
  if (req.done) return;
  req.done = true;
  const wf = req.wf;
  if (ok) {
    wf.completed++;
    (s.wfLatency[wf.idx] as Histogram).record(s.now - req.start);
  } else {
    wf.failed++;
  }
  s.finishedRequests++;
  const user = req.user;
  const hook = req.onEnd;
  if (hook !== null) {
    req.onEnd = null;
    hook(ok ? 'ok' : 'failed', s.now - req.start, false);
  }
  if (req.outstanding === 0) wf.give(req); // otherwise the last invocation to end returns it
  if (user >= 0) s.loads.userDone(user);
}

function newInvocation(s: EngineState, fn: SimFn, work: number, req: WorkflowRequest | null, stage: number, user: number): Invocation {
  let inv: Invocation;
  if (s.freeInv.length > 0) {
    inv = s.invById[s.freeInv.pop() as number] as Invocation;
  } else {
    inv = new Invocation(s.invById.length);
    s.invById.push(inv);
  }
  if (req) req.outstanding++;
  s.activeInvocations++;
  inv.fn = fn;
  inv.arrival = s.now;
  inv.work = work;
  inv.request = req;
  inv.stage = stage;
  inv.user = user;
  inv.cold = false;
  inv.replica = null;
  inv.onEnd = null;
  return inv;
}

function releaseInvocation(s: EngineState, inv: Invocation): void {
  s.activeInvocations--;
  const req = inv.request;
  inv.request = null;
  inv.replica = null;
  s.freeInv.push(inv.id);
  if (req && --req.outstanding === 0 && req.done) req.wf.give(req);
}

/** An invocation ended (ok, failed or rejected): record it and move its request or user on. */
function endInvocation(s: EngineState, inv: Invocation, outcome: 'ok' | 'failed' | 'rejected'): void {
  const fn = inv.fn;
  if (outcome === 'ok') {
    fn.win.successes++;
    (s.fnLatency[fn.idx] as Histogram).record(s.now - inv.arrival);
  } else if (outcome === 'failed') fn.win.failed++;
  else fn.win.rejected++;
  const req = inv.request, user = inv.user, stage = inv.stage;
  const hook = inv.onEnd;
  if (hook !== null) {
    inv.onEnd = null;
    hook(outcome, s.now - inv.arrival, inv.cold);
  }
  if (req && req.stages && !req.done) recordStageInvocation(s, req, stage, inv, outcome === 'ok');
  releaseInvocation(s, inv);
  if (req) {
    if (outcome === 'ok') stageDone(s, req, stage);
    else {
      if (req.stages && !req.done) reportStage(s, req, stage);
      req.failed = true;
      finishRequest(s, req, false);
    }
  } else {
    s.finishedRequests++;
    if (user >= 0) s.loads.userDone(user);
  }
}

/** A completion event of replica `id`: upload the finished invocation's output (if any), else end it. */
export function onComplete(s: EngineState, id: number, version: number): void {
  const inv = completeCompute(s, id, version);
  if (inv === null) return;
  const fn = inv.fn;
  if (fn.sampleUpload) s.q.push(s.now + fn.sampleUpload(s.rngService), EV_IO, inv.id, 1);
  else finishInvocation(s, inv);
}

/** An I/O event of invocation `id`: its download ended (phase 0: compute) or its upload (phase 1: done). */
export function onIo(s: EngineState, id: number, phase: number): void {
  const inv = s.invById[id] as Invocation;
  if (phase === 0) startCompute(s, inv, inv.replica as Replica);
  else finishInvocation(s, inv);
}

function finishInvocation(s: EngineState, inv: Invocation): void {
  const r = inv.replica as Replica;
  const fn = inv.fn;
  fn.win.transferMb += fn.spec.transferMb;
  if (fn.spec.scaling === 'per-request') {
    fn.win.lambdaUsd += lambdaUsd(s.now - inv.arrival, fn.memoryMb);
  }
  release(s, r);
  endInvocation(s, inv, 'ok');
}
