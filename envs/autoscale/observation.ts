/**
 * What an Autoscale agent sees: per function the metrics of 002 Table 1 over
 * the last window, normalised, plus the function's CPU utilisation and its
 * current setting. Flat float32 vector, function-major (12 features per
 * function, functions in `AUTOSCALE_FUNCTIONS` order).
 *
 * Table 1's CPU idle/user/system and free memory are per node in the
 * snapshot; a function gets the mean over the nodes its replicas run on (one
 * weight per replica). Because co-located functions share those numbers, the
 * function's own CPU utilisation (`FunctionMetrics.cpuUtilization`, CPU used /
 * CPU limit) is added as a 12th feature.
 */
import { Box } from '../../src/spaces/box.js';
import type { ClusterSnapshot, FunctionMetrics, FunctionState, NodeMetrics } from '../../src/cluster/types.js';
import { currentSetting } from './actions.js';
import { AUTOSCALE_FUNCTIONS, type AutoscaleSettings } from './config.js';

/** Latencies are observed as latency / SLA, clipped here. */
export const LATENCY_CLIP = 10;
/** Completed and requested rates are observed as rate / configured rate, clipped here. */
export const RATE_CLIP = 4;

/** Feature names and upper bounds (all lower bounds are 0), per function. */
export const FEATURES = [
  ['p50', LATENCY_CLIP], // p50 latency / SLA
  ['p90', LATENCY_CLIP], // p90 latency / SLA (the SLA metric)
  ['p99', LATENCY_CLIP],
  ['p999', LATENCY_CLIP],
  ['cpuIdle', 1], // node CPU time fractions, mean over the function's replicas' nodes
  ['cpuUser', 1],
  ['cpuSystem', 1],
  ['freeMemory', 1], // node free memory / node memory, same mean
  ['completedRate', RATE_CLIP], // completed invocations per second / configured rate
  ['requestedRate', RATE_CLIP], // arrived invocations per second / configured rate
  ['cpuUtilization', 1], // CPU used / CPU limit, time-averaged over the function's replicas
  ['setting', 1], // CPU limit / max (vertical) or replicas / max (horizontal)
] as const;

export type FeatureName = (typeof FEATURES)[number][0];
export const FEATURES_PER_FUNCTION = FEATURES.length;

/** Index of feature `name` of function `fnIndex` in the observation vector. */
export function featureIndex(fnIndex: number, name: FeatureName): number {
  return fnIndex * FEATURES_PER_FUNCTION + FEATURES.findIndex(([n]) => n === name);
}

export function autoscaleObservationSpace(): Box {
  const high = AUTOSCALE_FUNCTIONS.flatMap(() => FEATURES.map(([, h]) => h));
  return new Box({ low: 0, high, shape: [high.length], dtype: 'float32' });
}

/**
 * A latency percentile in ms; `Infinity` when invocations arrived but none
 * completed (a stalled function must not look fast), 0 when none arrived.
 */
export function latencyMs(m: FunctionMetrics | undefined, key: 'p50' | 'p90' | 'p99' | 'p999'): number {
  if (!m) return 0;
  if (m.latency.count === 0) return m.requests > 0 ? Infinity : 0;
  return m.latency[key] * 1000;
}

function clip(x: number, high: number): number {
  return Number.isNaN(x) ? 0 : Math.min(high, Math.max(0, x));
}

/** Node metrics of `f`'s replicas, averaged with one weight per replica (all nodes when it has none). */
function nodeMean(f: FunctionState, snap: ClusterSnapshot, memoryMb: ReadonlyMap<string, number>): { idle: number; user: number; system: number; free: number } {
  const names = f.replicas.map((r) => r.node).filter((n) => n in snap.nodes);
  const use = names.length > 0 ? names : Object.keys(snap.nodes);
  const acc = { idle: 0, user: 0, system: 0, free: 0 };
  for (const n of use) {
    const m = snap.nodes[n] as NodeMetrics;
    acc.idle += m.cpu.idle;
    acc.user += m.cpu.user;
    acc.system += m.cpu.system;
    const mem = memoryMb.get(n);
    acc.free += mem ? m.freeMemoryMb / mem : 0;
  }
  const k = Math.max(1, use.length);
  return { idle: acc.idle / k, user: acc.user / k, system: acc.system / k, free: acc.free / k };
}

/**
 * The observation of one window. `functions` holds the online-shop functions
 * in `AUTOSCALE_FUNCTIONS` order; `memoryMb` each node's memory.
 */
export function autoscaleObservation(
  s: AutoscaleSettings,
  snap: ClusterSnapshot,
  functions: readonly FunctionState[],
  memoryMb: ReadonlyMap<string, number>,
): number[] {
  const obs: number[] = [];
  const perSecond = (x: number): number => (snap.window > 0 ? x / snap.window : 0);
  functions.forEach((f, i) => {
    const m = snap.functions[f.name];
    const sla = s.slaMs[i] as number;
    const node = nodeMean(f, snap, memoryMb);
    const values: Record<FeatureName, number> = {
      p50: latencyMs(m, 'p50') / sla,
      p90: latencyMs(m, 'p90') / sla,
      p99: latencyMs(m, 'p99') / sla,
      p999: latencyMs(m, 'p999') / sla,
      cpuIdle: node.idle,
      cpuUser: node.user,
      cpuSystem: node.system,
      freeMemory: node.free,
      completedRate: (m?.throughput ?? 0) / s.rate,
      requestedRate: perSecond(m?.requests ?? 0) / s.rate,
      cpuUtilization: m?.cpuUtilization ?? 0,
      setting: currentSetting(s, f) / s.max,
    };
    for (const [name, high] of FEATURES) obs.push(clip(Math.fround(values[name]), high));
  });
  return obs;
}
