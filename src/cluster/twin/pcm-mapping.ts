/**
 * Where Intel PCM counters live in InfluxDB, shared by the writer (the twin)
 * and the reader (the kubernetes backend), so both sides agree on one map.
 *
 * On a real cluster `pcm-sensor-server` (port 9738) serves `/persecond` (JSON,
 * `Accept: application/json`) and Telegraf's `[[inputs.http]]` with
 * `data_format = "json"` polls it and writes measurement `http`, flattening the
 * nested JSON with `_` and array indices: `{"Core Aggregate":{"Core Counters":{"Instructions Retired Any": n}}}`
 * becomes the field `Core Aggregate_Core Counters_Instructions Retired Any`, and a thread's
 * counter `Sockets_0_Cores_3_Threads_1_Core Counters_Instructions Retired Any`.
 * The defaults read the system-wide aggregates ("Core Aggregate", "Uncore Aggregate").
 * Telegraf tags every point with `host` (the agent's hostname: run one agent per
 * node, e.g. as a DaemonSet, so `host` is the Kubernetes node name) and `url`.
 *
 * Units (what PCM reports over its one-second interval):
 * - instructions, cycles: counts per second, summed over the socket's cores
 *   (IPC = instructions / cycles; PCM's "Core Aggregate");
 * - L3 misses and hits: counts per second;
 * - DRAM reads and writes: bytes per second (memory-controller traffic);
 * - C-state residencies: fractions of time in [0, 1] (core C0, C1, C6).
 *
 * Every field name is configurable (`resolvePcmFieldMap`): other PCM versions,
 * multi-socket nodes or a Telegraf `name_override` only need a different map.
 */
import { ConfigError, quote } from '../../core/errors.js';
import type { PcmCounters } from '../types.js';

export interface PcmFieldMap {
  /** Measurement Telegraf writes (`inputs.http` default: `http`). */
  measurement: string;
  /** Tag that names the node (Telegraf's `host`). */
  hostTag: string;
  instructions: string;
  cycles: string;
  l3Misses: string;
  l3Hits: string;
  dramReads: string;
  dramWrites: string;
  c0: string;
  c1: string;
  c6: string;
}

// System-wide aggregates (pcm-sensor-server's top-level "Core Aggregate" and "Uncore Aggregate" objects,
// src/pcm-sensor-server.cpp; PCM's Grafana dashboard, src/dashboard.cpp, reads the same flattened names).
// Socket 0's fields would miss every other socket of a multi-socket node.
const CORE = 'Core Aggregate_Core Counters_';
const ENERGY = 'Core Aggregate_Energy Counters_';
const UNCORE = 'Uncore Aggregate_Uncore Counters_';

/**
 * The core counters pcm-sensor-server prints per thread, per core, per socket
 * and in the aggregates (printBasicCounterState: "Core Counters" and "Energy
 * Counters"); the twin's `pcm-sensor-server` schema writes them all, so a
 * point carries hundreds to thousands of fields, as on a real node.
 */
export const PCM_CORE_COUNTERS: readonly string[] = [
  'Instructions Retired Any', 'Clock Unhalted Thread', 'Clock Unhalted Ref', 'L3 Cache Misses', 'L3 Cache Hits',
  'L2 Cache Misses', 'L2 Cache Hits', 'L3 Cache Occupancy', 'Invariant TSC', 'SMI Count', 'Local Memory Bandwidth',
  'Remote Memory Bandwidth', 'Frontend Bound', 'Bad Speculation', 'Backend Bound', 'Retiring', 'Thermal Headroom',
];
export const PCM_ENERGY_COUNTERS: readonly string[] = Array.from({ length: 10 }, (_, i) => `CStateResidency[${i}]`);

export const DEFAULT_PCM_FIELDS: Readonly<PcmFieldMap> = Object.freeze({
  measurement: 'http',
  hostTag: 'host',
  instructions: `${CORE}Instructions Retired Any`,
  cycles: `${CORE}Clock Unhalted Thread`,
  l3Misses: `${CORE}L3 Cache Misses`,
  l3Hits: `${CORE}L3 Cache Hits`,
  dramReads: `${UNCORE}DRAM Reads`,
  dramWrites: `${UNCORE}DRAM Writes`,
  c0: `${ENERGY}CStateResidency[0]`,
  c1: `${ENERGY}CStateResidency[1]`,
  c6: `${ENERGY}CStateResidency[6]`,
});

const KEYS = Object.keys(DEFAULT_PCM_FIELDS) as (keyof PcmFieldMap)[];

/** The default map with `overrides` applied; ConfigError for unknown keys or empty names. */
export function resolvePcmFieldMap(overrides: Partial<PcmFieldMap> = {}): PcmFieldMap {
  if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides)) {
    throw new ConfigError(`pcm field map must be an object, got ${quote(overrides)}`);
  }
  const out: PcmFieldMap = { ...DEFAULT_PCM_FIELDS };
  for (const [key, value] of Object.entries(overrides)) {
    if (!KEYS.includes(key as keyof PcmFieldMap)) throw new ConfigError(`pcm field map: unknown key ${quote(key)} (known: ${KEYS.join(', ')})`);
    if (value === undefined) continue;
    if (typeof value !== 'string' || value.length === 0) throw new ConfigError(`pcm field map: ${key} must be a non-empty string, got ${quote(value)}`);
    out[key as keyof PcmFieldMap] = value;
  }
  return out;
}

/** Reference clock of the counter model, Hz (src/cluster/sim/pcm.ts). */
const CLOCK_HZ = 2.1e9;

/**
 * The fields a Telegraf point would carry for these counters on a node with
 * `cores` vCPUs of relative `speed`: cycles = C0 · cores · 2.1 GHz · speed
 * (at least 1, so IPC stays defined on an idle node) and instructions = IPC · cycles.
 */
export function pcmCountersToFields(c: PcmCounters, node: { cores: number; speed: number }, map: PcmFieldMap = DEFAULT_PCM_FIELDS): Record<string, number> {
  const cycles = Math.max(1, Math.round(c.c0 * node.cores * CLOCK_HZ * node.speed));
  return {
    [map.instructions]: Math.round(c.ipc * cycles),
    [map.cycles]: cycles,
    [map.l3Misses]: Math.round(c.l3MissesM * 1e6),
    [map.l3Hits]: Math.round(c.l3HitsM * 1e6),
    [map.dramReads]: Math.round(c.dramReadMBps * 1e6),
    [map.dramWrites]: Math.round(c.dramWriteMBps * 1e6),
    [map.c0]: c.c0,
    [map.c1]: c.c1,
    [map.c6]: c.c6,
  };
}

/**
 * PCM counters from one point's fields, or `null` when instructions or cycles
 * are missing (not a PCM point). Residencies are normalised to sum to 1 (real
 * hardware also spends time in C3/C7, which this model folds into the three);
 * missing cache/DRAM fields read as 0.
 */
export function pcmFieldsToCounters(fields: Record<string, unknown>, map: PcmFieldMap = DEFAULT_PCM_FIELDS): PcmCounters | null {
  const num = (key: string): number | null => {
    const v = fields[key];
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    return Number.isFinite(n) ? n : null;
  };
  const instr = num(map.instructions), cycles = num(map.cycles);
  if (instr === null || cycles === null) return null;
  let c0 = Math.max(0, num(map.c0) ?? 0), c1 = Math.max(0, num(map.c1) ?? 0), c6 = Math.max(0, num(map.c6) ?? 0);
  const sum = c0 + c1 + c6;
  if (sum > 0) {
    c0 /= sum;
    c1 /= sum;
    c6 /= sum;
  } else c6 = 1;
  return {
    ipc: cycles > 0 ? instr / cycles : 0,
    l3MissesM: (num(map.l3Misses) ?? 0) / 1e6,
    l3HitsM: (num(map.l3Hits) ?? 0) / 1e6,
    dramReadMBps: (num(map.dramReads) ?? 0) / 1e6,
    dramWriteMBps: (num(map.dramWrites) ?? 0) / 1e6,
    c0,
    c1,
    c6,
  };
}
