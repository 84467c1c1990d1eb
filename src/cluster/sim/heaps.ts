/**
 * The engine's heaps, kept on its entities' own arrays (no allocation per
 * operation): a replica's processor-sharing finish tags (min-heap, parallel
 * arrays) and a function's idle instances (max-heap by id, newest first, with
 * each instance's position for removal). Plus the engine's swap-remove.
 */
import type { Invocation, Replica, SimFn } from './entities.js';

/** Remove `item` from `list` by moving the last element into its place (order is not kept). */
export function removeItem<T>(list: T[], item: T): void {
  const i = list.indexOf(item);
  if (i >= 0) {
    list[i] = list[list.length - 1] as T;
    list.pop();
  }
}

/** Min-heap on the replica's finish tags (parallel arrays). */
export function heapPush(r: Replica, tag: number, inv: Invocation): void {
  const tags = r.tags, jobs = r.jobs;
  let i = tags.length;
  tags.push(tag);
  jobs.push(inv);
  while (i > 0) {
    const p = (i - 1) >> 1;
    if ((tags[p] as number) <= tag) break;
    tags[i] = tags[p] as number;
    jobs[i] = jobs[p] as Invocation;
    i = p;
  }
  tags[i] = tag;
  jobs[i] = inv;
}

export function heapPop(r: Replica): Invocation {
  const tags = r.tags, jobs = r.jobs;
  const top = jobs[0] as Invocation;
  const lastTag = tags.pop() as number;
  const lastJob = jobs.pop() as Invocation;
  const n = tags.length;
  if (n > 0) {
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && (tags[c + 1] as number) < (tags[c] as number)) c++;
      if (lastTag <= (tags[c] as number)) break;
      tags[i] = tags[c] as number;
      jobs[i] = jobs[c] as Invocation;
      i = c;
    }
    tags[i] = lastTag;
    jobs[i] = lastJob;
  }
  return top;
}

/** Max-heap of idle instances by id (newest first), with positions for removal. */
export function idlePush(fn: SimFn, r: Replica): void {
  const h = fn.idle;
  h.push(r);
  siftUpIdle(h, h.length - 1);
}

export function idleRemove(fn: SimFn, r: Replica): void {
  const h = fn.idle;
  const i = r.idlePos;
  r.idlePos = -1;
  const last = h.pop() as Replica;
  if (i === h.length) return;
  h[i] = last;
  last.idlePos = i;
  siftUpIdle(h, i);
  siftDownIdle(h, last.idlePos);
}

function siftUpIdle(h: Replica[], i: number): void {
  const r = h[i] as Replica;
  while (i > 0) {
    const p = (i - 1) >> 1;
    const pr = h[p] as Replica;
    if (pr.id >= r.id) break;
    h[i] = pr;
    pr.idlePos = i;
    i = p;
  }
  h[i] = r;
  r.idlePos = i;
}

function siftDownIdle(h: Replica[], i: number): void {
  const r = h[i] as Replica;
  const n = h.length;
  for (;;) {
    let c = 2 * i + 1;
    if (c >= n) break;
    if (c + 1 < n && (h[c + 1] as Replica).id > (h[c] as Replica).id) c++;
    const cr = h[c] as Replica;
    if (r.id >= cr.id) break;
    h[i] = cr;
    cr.idlePos = i;
    i = c;
  }
  h[i] = r;
  r.idlePos = i;
}
