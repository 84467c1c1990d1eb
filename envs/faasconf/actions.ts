/**
 * From an agent's action to its function's configuration, and from a joint
 * configuration to the `ConfigChange`s that bring the cluster there.
 */
import type { ConfigChange } from '../../src/cluster/types.js';
import type { ActionRanges } from './config.js';

/** The hybrid configuration C^j of one function (000 §3): CPU, memory, instances, concurrency. */
export interface FunctionConfig {
  cpuMilli: number;
  memoryMb: number;
  replicas: number;
  /** OpenFaaS `max_inflight` per replica. */
  concurrency: number;
}

function affine(a: number, [lo, hi]: readonly [number, number]): number {
  return lo + ((a + 1) / 2) * (hi - lo);
}

/**
 * The affine map of an action a ∈ [-1, 1]^4 onto the ranges: a = -1 is the
 * minimum, a = 1 the maximum, a = 0 the middle. CPU is rounded to whole
 * millicores and memory to whole MB (the units Kubernetes quantities take);
 * replicas and concurrency to the nearest integer (halves up).
 */
export function actionToConfig(action: ArrayLike<number>, ranges: ActionRanges): FunctionConfig {
  return {
    cpuMilli: Math.round(affine(action[0] as number, ranges.cpuMilli)),
    memoryMb: Math.round(affine(action[1] as number, ranges.memoryMb)),
    replicas: Math.round(affine(action[2] as number, ranges.replicas)),
    concurrency: Math.round(affine(action[3] as number, ranges.concurrency)),
  };
}

/** The inverse map, for configurations inside the ranges (used by heuristics and tests). */
export function configToAction(config: FunctionConfig, ranges: ActionRanges): number[] {
  const inv = (v: number, [lo, hi]: readonly [number, number]): number => (hi === lo ? 0 : (2 * (v - lo)) / (hi - lo) - 1);
  return [inv(config.cpuMilli, ranges.cpuMilli), inv(config.memoryMb, ranges.memoryMb), inv(config.replicas, ranges.replicas), inv(config.concurrency, ranges.concurrency)];
}

/** A value clipped into a range. */
export function clip(v: number, [lo, hi]: readonly [number, number]): number {
  return Math.min(hi, Math.max(lo, v));
}

/**
 * The changes from `current` to `target` (same function order), only for what
 * differs, ordered so that a full cluster is used fairly: concurrency limits
 * first, then scale-downs (they free room), then resizes, then scale-ups one
 * replica per function in turn (round-robin), so that when the joint
 * configuration does not fit the nodes every function gets replicas before
 * any gets many. A scale-up the cluster cannot place is rejected by the
 * backend and the function keeps the replicas it got.
 */
export function configChanges(fns: readonly string[], current: readonly FunctionConfig[], target: readonly FunctionConfig[]): ConfigChange[] {
  const changes: ConfigChange[] = [];
  for (let i = 0; i < fns.length; i++) {
    const t = target[i] as FunctionConfig;
    if (t.concurrency !== (current[i] as FunctionConfig).concurrency) changes.push({ kind: 'concurrency', fn: fns[i] as string, maxInflight: t.concurrency });
  }
  for (let i = 0; i < fns.length; i++) {
    const t = target[i] as FunctionConfig;
    if (t.replicas < (current[i] as FunctionConfig).replicas) changes.push({ kind: 'scale', fn: fns[i] as string, replicas: t.replicas });
  }
  for (let i = 0; i < fns.length; i++) {
    const c = current[i] as FunctionConfig, t = target[i] as FunctionConfig;
    if (t.cpuMilli !== c.cpuMilli || t.memoryMb !== c.memoryMb) changes.push({ kind: 'resize', fn: fns[i] as string, cpuMilli: t.cpuMilli, memoryMb: t.memoryMb });
  }
  let maxUp = 0;
  for (let i = 0; i < fns.length; i++) maxUp = Math.max(maxUp, (target[i] as FunctionConfig).replicas - (current[i] as FunctionConfig).replicas);
  for (let k = 1; k <= maxUp; k++) {
    for (let i = 0; i < fns.length; i++) {
      const from = (current[i] as FunctionConfig).replicas, to = (target[i] as FunctionConfig).replicas;
      if (to - from >= k) changes.push({ kind: 'scale', fn: fns[i] as string, replicas: from + k });
    }
  }
  return changes;
}
