/**
 * The `azure-dynamic` workload of the FaaSConf environments (000 §5.2.2,
 * Fig. 7: 85 minutes of an Azure Functions trace with stable stretches,
 * continuous fluctuations and bursty increases): closed-loop users per 30 s
 * window, shaped by the synthetic Azure-schema trace generator.
 */
import { generateSyntheticTrace } from '../../src/workloads/synthetic-trace.js';

/** Minutes of the trace the paper replays (§5.2.2). */
export const DYNAMIC_TRACE_MINUTES = 85;
/** First minute of the day that is replayed: 10:00, on the rise toward the generator's 14:00 daily peak (chosen). */
export const DYNAMIC_TRACE_START_MINUTE = 600;
/** HTTP-triggered functions summed into the curve (chosen: enough for a smooth base, few enough for visible bursts). */
const TRACE_FUNCTIONS = 40;

/**
 * Users per window for `windows` windows of `windowSeconds` covering the
 * 85-minute trace: the per-minute invocations of 40 synthetic HTTP-triggered
 * functions (`generateSyntheticTrace`, seed `traceSeed`, 30 % bursty) summed
 * over minutes 600–684 of the day, scaled so that the busiest minute has
 * `peakUsers` users, rounded, at least 1. A window takes the minute it starts
 * in (the trace's resolution is one minute). Deterministic in its arguments.
 */
export function dynamicUsers(peakUsers: number, traceSeed: number, windowSeconds: number): number[] {
  const rows = generateSyntheticTrace({
    functions: TRACE_FUNCTIONS,
    minutes: DYNAMIC_TRACE_START_MINUTE + DYNAMIC_TRACE_MINUTES,
    seed: traceSeed,
    triggerWeights: { http: 1 },
    burstyFraction: 0.3,
  });
  const perMinute = new Array<number>(DYNAMIC_TRACE_MINUTES).fill(0);
  for (const row of rows) {
    for (let m = 0; m < DYNAMIC_TRACE_MINUTES; m++) perMinute[m] = (perMinute[m] as number) + (row.counts[DYNAMIC_TRACE_START_MINUTE + m] as number);
  }
  const peak = Math.max(...perMinute);
  const windows = Math.max(1, Math.floor((DYNAMIC_TRACE_MINUTES * 60) / windowSeconds));
  const users = new Array<number>(windows);
  for (let k = 0; k < windows; k++) {
    const minute = Math.min(DYNAMIC_TRACE_MINUTES - 1, Math.floor((k * windowSeconds) / 60));
    users[k] = peak > 0 ? Math.max(1, Math.round((peakUsers * (perMinute[minute] as number)) / peak)) : peakUsers;
  }
  return users;
}
