/**
 * Intel PCM counter model of one node over one window: what `pcm-sensor-server`
 * would report (IPC, L3 misses and hits, DRAM reads and writes, C0/C1/C6
 * residency) and the CPU time split of `/proc/stat`, as functions of the load
 * faasgym's functions put on the node and the co-located interference.
 *
 * It reproduces the qualitative behaviour Darly (004 §4.1) relies on: C0
 * residency follows utilisation; IPC falls and L3 misses rise under
 * memory/cache interference and with a smaller L3; memory traffic follows L3
 * misses. The constants are representative of a 2nd-gen Xeon Scalable socket
 * (Darly w01: Xeon Gold 5218R @ 2.10 GHz), not fitted to a trace.
 *
 * Model (u = utilisation, s = stress, m = memory intensity, all in [0, 1]):
 *
 * - u = min(1, (busyCores + s·cores) / cores); C0 = u.
 * - Idle time 1 − u splits into C1 = (1 − u)·(0.1 + 0.2·u) and C6 = the rest:
 *   the idle governor picks deep C6 for long idle periods, and idle periods get
 *   shorter (more often shallow C1) the busier the node, so C6 takes 90 % of the
 *   idle time of an empty node and 70 % of a saturated one's.
 * - L3 accesses per kilo-instruction APKI = 2 + 18·m.
 * - Co-runners take their share of the shared L3: effective size
 *   L3eff = l3Mb / (1 + 2·s). Miss ratio by the √2 rule of cache misses
 *   (miss rate ∝ size^−½; Hartstein et al., "Cache miss behavior: is it √2?", CF 2006):
 *   x = (0.1 + 0.4·m)·√(32 / L3eff), saturated smoothly below 1 as
 *   r = 1 − exp(−x) (≈ x for small x; strictly increasing, so more pressure
 *   always means more misses).
 * - MPKI = APKI·r, HPKI = APKI·(1 − r).
 * - CPI = 1/2 + HPKI·20/1000 + MPKI·120/1000: a 2-wide effective core, 20
 *   exposed cycles per L3 hit, 120 exposed cycles per miss (≈ 80 ns DRAM latency
 *   at 2.1 GHz less memory-level parallelism). IPC = 1/CPI. (A DRAM latency that
 *   also grew with stress would make node-level misses/s fall once the node is
 *   saturated, which the hardware does not show under iBench-style pressure, so
 *   interference acts through the cache share only.)
 * - Instructions/s = u·cores·2.1 GHz·speed·IPC; L3 misses/s = instr/s·MPKI/1000,
 *   hits/s = instr/s·HPKI/1000; DRAM reads = misses × 64 B; DRAM writes =
 *   reads·(0.2 + 0.4·m) (dirty-line write-backs).
 *
 * The node's IPC is the aggregate over its busy cores (PCM's "Core Aggregate"),
 * co-runners included; with u = 0 the model's IPC is still reported.
 *
 * Noise: every reported quantity is multiplied by an independent lognormal
 * factor exp(noise·Z), Z ~ N(0, 1) from the `rng` (C0 clipped to [0, 1] before
 * the idle split); `noise = 0` draws nothing and is exact.
 */
import { ConfigError, quote } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import type { PcmCounters } from '../types.js';

export interface PcmInput {
  /** vCPUs of the node. */
  cores: number;
  /** Per-core speed relative to the reference core (scales the clock). */
  speed: number;
  /** Last-level cache, MB. */
  l3Mb: number;
  /** Average cores used by faasgym's functions over the window. */
  busyCores: number;
  /** Fraction of the node's cores busy with other tenants (interference), in [0, 1]. */
  stress: number;
  /** How memory-bound the work is, in [0, 1]. @default 0.5 */
  memoryIntensity?: number;
}

/** Reference core clock, Hz (Darly w01, Xeon Gold 5218R @ 2.10 GHz). */
export const REFERENCE_CLOCK_HZ = 2.1e9;
/** L3 size at which the miss ratio is the base one, MB. */
export const REFERENCE_L3_MB = 32;
/** Cache line, bytes. */
const LINE_BYTES = 64;
const CORE_CPI = 0.5;
const L3_HIT_CYCLES = 20;
const MISS_CYCLES = 120;
const CACHE_CONTENTION = 2;

/** System share of busy time: faasgym's functions (watchdog, networking) vs iBench-style co-runners. */
const FUNCTION_SYSTEM_SHARE = 0.12;
const STRESS_SYSTEM_SHARE = 0.02;

/** Rounding slack accepted on time-averaged inputs (a window average of stress 1 may come out as 1 + 2e-16). */
const SLACK = 1e-9;

/** Validate the input (clamping rounding slack) and fill the default memory intensity. */
function check(input: PcmInput, noise: number): PcmInput & { memoryIntensity: number } {
  const { cores, speed, l3Mb, busyCores, stress } = input;
  const mi = input.memoryIntensity ?? 0.5;
  const bad = (name: string, want: string, v: unknown): never => {
    throw new ConfigError(`pcm model: ${name} must be ${want}, got ${quote(v)}`);
  };
  if (!(cores > 0) || !Number.isFinite(cores)) bad('cores', 'a finite number > 0', cores);
  if (!(speed > 0) || !Number.isFinite(speed)) bad('speed', 'a finite number > 0', speed);
  if (!(l3Mb > 0) || !Number.isFinite(l3Mb)) bad('l3Mb', 'a finite number > 0', l3Mb);
  if (!(busyCores >= -SLACK) || !Number.isFinite(busyCores)) bad('busyCores', 'a finite number >= 0', busyCores);
  if (!(stress >= -SLACK && stress <= 1 + SLACK)) bad('stress', 'a number in [0, 1]', stress);
  if (!(mi >= 0 && mi <= 1)) bad('memoryIntensity', 'a number in [0, 1]', mi);
  if (!(noise >= 0) || !Number.isFinite(noise)) bad('noise', 'a finite number >= 0', noise);
  return { cores, speed, l3Mb, busyCores: Math.max(0, busyCores), stress: Math.min(1, Math.max(0, stress)), memoryIntensity: mi };
}

/** Total utilisation of the node's cores, clipped to [0, 1]. */
function utilisation(input: PcmInput): number {
  return Math.min(1, (input.busyCores + input.stress * input.cores) / input.cores);
}

const lognormal = (rng: Rng, noise: number): number => Math.exp(noise * rng.normal());

/** The noiseless counters of the model, before the residency split. */
function model(input: PcmInput, mi: number, u: number) {
  const apki = 2 + 18 * mi;
  const l3Eff = input.l3Mb / (1 + CACHE_CONTENTION * input.stress);
  const missRatio = 1 - Math.exp(-(0.1 + 0.4 * mi) * Math.sqrt(REFERENCE_L3_MB / l3Eff));
  const mpki = apki * missRatio;
  const hpki = apki - mpki;
  const cpi = CORE_CPI + (hpki * L3_HIT_CYCLES) / 1000 + (mpki * MISS_CYCLES) / 1000;
  const ipc = 1 / cpi;
  const instructionsPerSecond = u * input.cores * REFERENCE_CLOCK_HZ * input.speed * ipc;
  const missesPerSecond = (instructionsPerSecond * mpki) / 1000;
  const hitsPerSecond = (instructionsPerSecond * hpki) / 1000;
  const readMBps = (missesPerSecond * LINE_BYTES) / 1e6;
  return {
    ipc,
    l3MissesM: missesPerSecond / 1e6,
    l3HitsM: hitsPerSecond / 1e6,
    dramReadMBps: readMBps,
    dramWriteMBps: readMBps * (0.2 + 0.4 * mi),
  };
}

/** C0/C1/C6 residencies for utilisation `u` (see the module comment). */
function residency(u: number): { c0: number; c1: number; c6: number } {
  const idle = 1 - u;
  const c1 = idle * (0.1 + 0.2 * u);
  return { c0: u, c1, c6: idle - c1 };
}

/**
 * PCM counters of one node over one window.
 *
 * @param rng source of the measurement noise (not used when `noise` is 0).
 * @param noise sigma of the multiplicative lognormal noise on each counter.
 * @throws ConfigError for out-of-range inputs.
 */
export function pcmCounters(input: PcmInput, rng: Rng, noise = 0.02): PcmCounters {
  const x = check(input, noise);
  const u = utilisation(x);
  const m = model(x, x.memoryIntensity, u);
  if (noise === 0) return { ...m, ...residency(u) };
  const c0 = Math.min(1, u * lognormal(rng, noise));
  return {
    ipc: m.ipc * lognormal(rng, noise),
    l3MissesM: m.l3MissesM * lognormal(rng, noise),
    l3HitsM: m.l3HitsM * lognormal(rng, noise),
    dramReadMBps: m.dramReadMBps * lognormal(rng, noise),
    dramWriteMBps: m.dramWriteMBps * lognormal(rng, noise),
    ...residency(c0),
  };
}

/**
 * CPU time fractions of the node (`/proc/stat` style), summing to 1: busy time
 * is the utilisation u of `pcmCounters`; of it, faasgym's functions spend 12 %
 * in the kernel (watchdog fork/exec, networking) and CPU-bound co-runners 2 %.
 * When demand exceeds the cores both sources are scaled down in proportion.
 *
 * @param rng, noise optional: multiplicative lognormal noise on the busy time (clipped to 1).
 */
export function cpuTimes(input: PcmInput, rng?: Rng, noise = 0.02): { idle: number; user: number; system: number } {
  const x = check(input, noise);
  const fn = x.busyCores / x.cores;
  const st = x.stress;
  const demand = fn + st;
  let u = utilisation(x);
  if (rng !== undefined && noise > 0) u = Math.min(1, u * lognormal(rng, noise));
  if (demand === 0 || u === 0) return { idle: 1, user: 0, system: 0 };
  const systemShare = (fn * FUNCTION_SYSTEM_SHARE + st * STRESS_SYSTEM_SHARE) / demand;
  const system = u * systemShare;
  const user = u - system;
  return { idle: 1 - u, user, system };
}
