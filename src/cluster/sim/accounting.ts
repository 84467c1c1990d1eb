/**
 * The engine's window accounting: time integrals of every replica, function
 * and node since the window began (instance seconds, CPU core seconds,
 * provisioned cost, in-flight and queue lengths, stress, occupancy), brought
 * up to date lazily — the engine calls `acct*` just before it changes what is
 * integrated — and closed or reset when a window is read.
 *
 * Cost is integrated on the hot path, so the formulas of cost.ts are applied
 * inline with its prices.
 */
import { AWS_LAMBDA_X86_PRICES, AZURE_PREMIUM_PRICES } from '../cost.js';
import type { Replica, SimFn, SimNode, SimWorkflow } from './entities.js';
import type { Histogram } from './histogram.js';

const VCPU_HOUR_USD = AZURE_PREMIUM_PRICES.vcpuHourUsd;
const GB_HOUR_USD = AZURE_PREMIUM_PRICES.gbHourUsd;
const LAMBDA_GB_SECOND_USD = AWS_LAMBDA_X86_PRICES.gbSecondUsd;
const LAMBDA_REQUEST_USD = AWS_LAMBDA_X86_PRICES.perMillionRequestsUsd / 1e6;

/** AWS Lambda's price of one request that ran `seconds` with `memoryMb`. */
export function lambdaUsd(seconds: number, memoryMb: number): number {
  return seconds * (memoryMb / 1024) * LAMBDA_GB_SECOND_USD + LAMBDA_REQUEST_USD;
}

/** Bring replica `r`'s time integrals up to `t`. */
export function acctReplica(r: Replica, t: number): void {
  const dt = t - r.lastT;
  if (dt <= 0) return;
  r.lastT = t;
  const fn = r.fn, w = fn.win, node = r.node;
  w.instanceSeconds += dt;
  const L = fn.cpuMilli / 1000;
  w.limitCoreSeconds += L * dt;
  w.provisionedUsd += dt * (L * VCPU_HOUR_USD + (fn.memoryMb / 1024) * GB_HOUR_USD) / 3600;
  node.win.replicaSeconds += dt;
  if (r.inflight > 0) w.runningSeconds += dt;
  if (r.usage > 0) {
    const used = r.usage * node.avail * dt;
    w.cpuCoreSeconds += used;
    node.win.busyCoreSeconds += used;
    node.tickBusy += r.usage * dt;
    if (r.throttled) w.throttledSeconds += dt;
  }
}

/** Bring function `fn`'s in-flight and queue integrals up to `t`. */
export function acctFn(fn: SimFn, t: number): void {
  const dt = t - fn.lastT;
  if (dt <= 0) return;
  fn.lastT = t;
  fn.win.inflightSeconds += fn.inflight * dt;
  fn.win.queueSeconds += fn.queueLength * dt;
}

/** Bring node `node`'s stress and occupancy integrals up to `t`. */
export function acctNode(node: SimNode, t: number): void {
  const dt = t - node.lastT;
  if (dt <= 0) return;
  node.lastT = t;
  node.win.stressSeconds += node.stress * dt;
  if (node.replicas.length > 0) node.win.occupiedSeconds += dt;
}

/** Bring every integral up to `t` (the caller sweeps expired instances first). */
export function closeWindow(fns: readonly SimFn[], nodes: readonly SimNode[], t: number): void {
  for (const fn of fns) {
    for (const r of fn.replicas) acctReplica(r, t);
    acctFn(fn, t);
  }
  for (const node of nodes) acctNode(node, t);
}

/** Zero every window counter, latency histogram and workflow count (the caller moves the window's start). */
export function resetWindow(parts: {
  readonly fns: readonly SimFn[];
  readonly nodes: readonly SimNode[];
  readonly fnLatency: readonly Histogram[];
  readonly wfLatency: readonly Histogram[];
  readonly workflows: readonly SimWorkflow[];
}): void {
  for (const fn of parts.fns) fn.win.reset();
  for (const node of parts.nodes) node.win.reset();
  for (const h of parts.fnLatency) h.reset();
  for (const h of parts.wfLatency) h.reset();
  for (const wf of parts.workflows) wf.requests = wf.completed = wf.failed = 0;
}
