/**
 * What a FaaSConf agent sees (000 §4.1, State Space): for its function, the
 * resource utilisation RU(t) (CPU, memory, network), the function's tail
 * latency FP(t), its concurrent requests CR(t) and its current configuration
 * RLT(t), NI(t), CL(t), each normalised to [0, 1] and rounded to float32.
 */
import type { FunctionMetrics } from '../../src/cluster/types.js';
import { Box } from '../../src/spaces/box.js';
import type { FunctionConfig } from './actions.js';
import type { ActionRanges } from './config.js';

/** Names of the per-agent observation entries, in order. */
export const OBS_FIELDS = [
  'cpuUtilization',
  'memoryUtilization',
  'network',
  'p95Latency',
  'concurrentRequests',
  'cpuLimit',
  'memoryLimit',
  'replicas',
  'concurrencyLimit',
] as const;

export const OBS_SIZE = OBS_FIELDS.length;

/** Network rates are shown on a log scale up to this many MB/s (chosen: a 1 Gbit/s link moves ~120 MB/s). */
export const NETWORK_SCALE_MBPS = 100;

/** The per-agent observation space: `Box(0, 1, [9], float32)`. */
export function agentObservationSpace(): Box {
  return new Box({ low: 0, high: 1, shape: [OBS_SIZE], dtype: 'float32' });
}

function unit(v: number): number {
  return v > 1 ? 1 : v > 0 ? v : 0; // NaN → 0
}

/** x / (x + scale): 0 at 0, 1/2 at `scale`, → 1; monotone, never saturates to exactly 1 for finite x. */
export function squash(x: number, scale: number): number {
  return x > 0 ? x / (x + scale) : 0;
}

function position(v: number, [lo, hi]: readonly [number, number]): number {
  return hi === lo ? 0 : unit((v - lo) / (hi - lo));
}

/** Normalisation constants of one environment. */
export interface ObservationScales {
  /** Tail latencies are shown as p95 / (p95 + latency) (the QoS latency target). */
  latency: number;
  /** Concurrent requests are divided by this (the configured, i.e. peak, users). */
  users: number;
  ranges: ActionRanges;
}

/**
 * One agent's observation:
 *
 * | i | entry | value |
 * |---|---|---|
 * | 0 | CPU utilisation | CPU used / CPU limit, time-averaged, clipped to [0, 1] |
 * | 1 | memory utilisation | memory in use / limit, clipped (1 when the limit is below the function's footprint) |
 * | 2 | network | log(1 + MB/s) / log(1 + 100) |
 * | 3 | tail latency | p95 / (p95 + qosLatency) of the window's invocations of this function (0 if none completed) |
 * | 4 | concurrent requests | time-averaged in flight + queued / users, clipped |
 * | 5–8 | CPU limit, memory limit, replicas, concurrency limit | position in the action range, 0 = minimum, 1 = maximum |
 */
export function agentObservation(m: FunctionMetrics | undefined, config: FunctionConfig, s: ObservationScales): number[] {
  const f = Math.fround;
  return [
    f(unit(m?.cpuUtilization ?? 0)),
    f(unit(m?.memoryUtilization ?? 0)),
    f(unit(Math.log1p(m?.networkMBps ?? 0) / Math.log1p(NETWORK_SCALE_MBPS))),
    f(squash(m?.latency.p95 ?? 0, s.latency)),
    f(unit(((m?.inflight ?? 0) + (m?.queueLength ?? 0)) / s.users)),
    f(position(config.cpuMilli, s.ranges.cpuMilli)),
    f(position(config.memoryMb, s.ranges.memoryMb)),
    f(position(config.replicas, s.ranges.replicas)),
    f(position(config.concurrency, s.ranges.concurrency)),
  ];
}

/** The global part of `state()`: users, end-to-end latency and throughput of the last window, normalised. */
export const GLOBAL_STATE_FIELDS = ['users', 'meanLatency', 'throughput'] as const;

/**
 * [users / peak users, squash(mean latency, qosLatency) (1 when no request
 * completed), throughput · think / users clipped to [0, 1] (a closed-loop user
 * sends at most 1/think requests per second)].
 */
export function globalState(users: number, meanLatency: number | null, throughput: number, thinkSeconds: number, s: ObservationScales): number[] {
  const perUserMax = thinkSeconds > 0 ? 1 / thinkSeconds : Infinity;
  return [
    Math.fround(unit(users / s.users)),
    Math.fround(meanLatency === null ? 1 : squash(meanLatency, s.latency)),
    Math.fround(perUserMax === Infinity ? (throughput > 0 ? 1 : 0) : unit(throughput / (users * perUserMax))),
  ];
}
