/**
 * Open-loop arrival processes: the `LoadSpec` kinds other than `closed`,
 * compiled once into a sampler the simulator calls for every arrival.
 *
 * Time is in seconds. Every time-varying pattern (ramp, diurnal, burst, trace)
 * runs on a clock that starts at `origin` (default 0, the start of the
 * scenario); a process produces no arrivals before `origin`.
 */
import { isAbsolute, resolve } from 'node:path';
import { ConfigError, quote } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import type { LoadSpec } from '../cluster/sim/spec.js';
import { readAzureTrace } from './azure-trace.js';

/**
 * A stream of arrival times.
 *
 * `next(now, rng)` takes the time of the previous arrival (or the start time)
 * and returns the time of the next arrival, `>= now`, or `Infinity` when the
 * process has ended. It is a hot path: no allocation per call.
 *
 * Processes whose arrivals are laid out in advance (`constant`, `trace`) keep
 * a cursor: each call returns the first arrival not yet returned at or after
 * `now`, and a call with a time earlier than the last arrival returned starts
 * the process over (a new episode). The other kinds are memoryless.
 */
export interface ArrivalProcess {
  next(now: number, rng: Rng): number;
}

/** Options of {@link createArrivalProcess}. */
export interface ArrivalOptions {
  /** Directory against which a relative trace `file` is resolved. @default process.cwd() */
  baseDir?: string;
  /** Time at which the pattern's clock starts (ramp begins, trace minute `startMinute` begins, diurnal phase 0). @default 0 */
  origin?: number;
}

/** The open-loop load kinds. */
export type OpenLoadSpec = Exclude<LoadSpec, { kind: 'closed' }>;

/** Compile an open-loop load into an arrival process, validating its parameters (ConfigError names the field and value). */
export function createArrivalProcess(load: OpenLoadSpec, opts: ArrivalOptions = {}): ArrivalProcess {
  if (typeof load !== 'object' || load === null) throw new ConfigError(`load must be an object, got ${quote(load)}`);
  const origin = opts.origin ?? 0;
  if (!Number.isFinite(origin)) throw new ConfigError(`arrival origin must be a finite number, got ${quote(origin)}`);
  const kind = (load as { kind: unknown }).kind;
  switch (load.kind) {
    case 'poisson':
      return poisson(positive(load, 'rate'), origin);
    case 'constant':
      return constant(positive(load, 'rate'), origin);
    case 'ramp':
      return ramp(load, origin);
    case 'diurnal':
      return diurnal(load, origin);
    case 'burst':
      return burst(load, origin);
    case 'trace':
      return trace(load, origin, opts.baseDir);
    default:
      throw new ConfigError(`load kind must be one of poisson, constant, ramp, diurnal, burst, trace, got ${quote(kind)}`);
  }
}

// ---------------------------------------------------------------- validation

function field(load: OpenLoadSpec, key: string): unknown {
  return (load as unknown as Record<string, unknown>)[key];
}

function positive(load: OpenLoadSpec, key: string): number {
  const v = field(load, key);
  if (typeof v !== 'number' || !Number.isFinite(v) || !(v > 0)) {
    throw new ConfigError(`${load.kind} load: ${key} must be a finite number > 0, got ${quote(v)}`);
  }
  return v;
}

function nonNegative(load: OpenLoadSpec, key: string, fallback?: number): number {
  const v = field(load, key) ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || !(v >= 0)) {
    throw new ConfigError(`${load.kind} load: ${key} must be a finite number >= 0, got ${quote(v)}`);
  }
  return v;
}

function finite(load: OpenLoadSpec, key: string, fallback: number): number {
  const v = field(load, key) ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new ConfigError(`${load.kind} load: ${key} must be a finite number, got ${quote(v)}`);
  }
  return v;
}

/** An exponential gap with the given rate (rate > 0). */
function expGap(rng: Rng, rate: number): number {
  return -Math.log(1 - rng.random()) / rate;
}

// ---------------------------------------------------------------- homogeneous

function poisson(rate: number, origin: number): ArrivalProcess {
  return { next: (now, rng) => Math.max(now, origin) + expGap(rng, rate) };
}

/** Deterministic gaps 1/rate; arrival k (k ≥ 1) is at exactly base + k/rate, without accumulated rounding. */
function constant(rate: number, origin: number): ArrivalProcess {
  let base = NaN; // time the current run of arrivals counts from
  let k = 0; // arrivals returned since base
  let last = NaN; // last time returned
  return {
    next(now) {
      if (!(now >= last)) {
        // First call, or a rewind (new episode): restart from now.
        base = Math.max(now, origin);
        k = 0;
      } else if (now > last) {
        // A jump past the last arrival: skip the grid points before now.
        k = Math.max(k, Math.ceil((now - base) * rate) - 1);
        while (base + (k + 1) / rate < now) k++;
      }
      k++;
      last = base + k / rate;
      return last;
    },
  };
}

// ---------------------------------------------------------------- thinning (Lewis & Shedler 1979)

/** Rate from `from` to `to` linearly over [origin, origin + duration], then `to`. */
function ramp(load: Extract<OpenLoadSpec, { kind: 'ramp' }>, origin: number): ArrivalProcess {
  const from = nonNegative(load, 'from'), to = nonNegative(load, 'to');
  const duration = positive(load, 'duration');
  if (from === 0 && to === 0) throw new ConfigError('ramp load: from and to must not both be 0');
  const end = origin + duration;
  const slope = (to - from) / duration;
  const lmax = Math.max(from, to);
  return {
    next(now, rng) {
      let t = Math.max(now, origin);
      if (t < end) {
        for (;;) {
          t += expGap(rng, lmax);
          if (t >= end) {
            t = end; // memoryless: restart at the end of the ramp
            break;
          }
          if (rng.random() * lmax < from + slope * (t - origin)) return t;
        }
      }
      return to === 0 ? Infinity : t + expGap(rng, to);
    },
  };
}

/** rate(t) = max(0, mean + amplitude·sin(2π(t − origin)/period + phase)). */
function diurnal(load: Extract<OpenLoadSpec, { kind: 'diurnal' }>, origin: number): ArrivalProcess {
  const mean = nonNegative(load, 'mean'), amplitude = nonNegative(load, 'amplitude');
  const period = positive(load, 'period');
  const phase = finite(load, 'phase', 0);
  const lmax = mean + amplitude;
  if (!(lmax > 0)) throw new ConfigError('diurnal load: mean + amplitude must be > 0, got 0');
  const omega = (2 * Math.PI) / period;
  if (amplitude === 0) return poisson(mean, origin);
  return {
    next(now, rng) {
      let t = Math.max(now, origin);
      for (;;) {
        t += expGap(rng, lmax);
        if (rng.random() * lmax < mean + amplitude * Math.sin(omega * (t - origin) + phase)) return t;
      }
    },
  };
}

// ---------------------------------------------------------------- exact piecewise

/** Rate `peak` during [s_k, s_k + duration) with s_k = origin + offset + k·every (all integers k), else `base`. */
function burst(load: Extract<OpenLoadSpec, { kind: 'burst' }>, origin: number): ArrivalProcess {
  const base = nonNegative(load, 'base'), peak = nonNegative(load, 'peak');
  const every = positive(load, 'every');
  const duration = nonNegative(load, 'duration');
  const offset = finite(load, 'offset', 0);
  if (duration > every) throw new ConfigError(`burst load: duration must be <= every (${every}), got ${quote(duration)}`);
  if (base === 0 && peak === 0) throw new ConfigError('burst load: base and peak must not both be 0');
  if (duration === 0 || base === peak) return poisson(base, origin);
  if (duration === every) return poisson(peak, origin);
  const zero = origin + offset;
  return {
    next(now, rng) {
      let t = Math.max(now, origin);
      let k = Math.floor((t - zero) / every);
      let start = zero + k * every;
      // Rounding in floor may be off by one either way.
      if (t < start) start = zero + --k * every;
      else if (t >= zero + (k + 1) * every) start = zero + ++k * every;
      let inBurst = t < start + duration;
      // Walk the pieces from t on; within a piece the process is homogeneous and memoryless.
      for (;;) {
        const rate = inBurst ? peak : base;
        const segEnd = inBurst ? start + duration : zero + (k + 1) * every;
        if (rate > 0) {
          const cand = t + expGap(rng, rate);
          if (cand < segEnd) return cand;
        }
        t = segEnd;
        if (inBurst) inBurst = false;
        else {
          k++;
          start = segEnd;
          inBurst = true;
        }
      }
    },
  };
}

// ---------------------------------------------------------------- Azure trace replay

/**
 * Replay per-minute counts: minute m (from `startMinute`) occupies
 * [origin + (m − startMinute)·spm, origin + (m − startMinute + 1)·spm) and holds
 * exactly counts[m] arrivals, uniform at random in it. A minute's sorted times
 * are drawn when the cursor enters it, as normalised cumulative sums of
 * counts[m] + 1 exponentials (the order statistics of uniforms, no sort).
 */
function trace(load: Extract<OpenLoadSpec, { kind: 'trace' }>, origin: number, baseDir: string | undefined): ArrivalProcess {
  const counts = traceCounts(load, baseDir);
  const spm = positive({ ...load, secondsPerMinute: load.secondsPerMinute ?? 60 }, 'secondsPerMinute');
  const startMinute = load.startMinute ?? 0;
  if (!Number.isSafeInteger(startMinute) || startMinute < 0 || startMinute >= counts.length) {
    throw new ConfigError(`trace load: startMinute must be an integer in [0, ${counts.length - 1}], got ${quote(startMinute)}`);
  }
  let maxCount = 0;
  for (const c of counts) if (c > maxCount) maxCount = c;
  const buf = new Float64Array(Math.max(1, maxCount));
  let minute = -1; // minute whose times are in buf
  let pos = 0; // next unreturned index in buf
  let len = 0;
  let last = NaN;

  const fill = (m: number, rng: Rng): void => {
    minute = m;
    pos = 0;
    len = counts[m] as number;
    if (len === 0) return;
    const winStart = origin + (m - startMinute) * spm;
    const winEnd = origin + (m - startMinute + 1) * spm;
    let sum = 0;
    for (let i = 0; i < len; i++) {
      sum += -Math.log(1 - rng.random());
      buf[i] = sum;
    }
    sum += -Math.log(1 - rng.random());
    if (!(sum > 0)) sum = 1; // all draws 0: put every arrival at the window start
    const scale = spm / sum;
    for (let i = 0; i < len; i++) {
      let t = winStart + (buf[i] as number) * scale;
      if (t >= winEnd) t = nextDown(winEnd); // rounding must not move an arrival into the next minute
      buf[i] = t;
    }
  };

  return {
    next(now, rng) {
      if (!(now >= last)) minute = -1; // first call or rewind: start over
      const t0 = Math.max(now, origin);
      let m = startMinute + Math.floor((t0 - origin) / spm);
      if (m > startMinute && t0 < origin + (m - startMinute) * spm) m--; // rounding in floor
      if (minute > m) m = minute;
      for (; m < counts.length; m++) {
        if (m !== minute) fill(m, rng);
        while (pos < len && (buf[pos] as number) < now) pos++;
        if (pos < len) {
          last = buf[pos++] as number;
          return last;
        }
      }
      return Infinity; // `last` stays the last arrival: later calls keep returning Infinity
    },
  };
}

/**
 * Most invocations one trace minute may hold: 6·10⁶ (10⁵ per second, the
 * scenario's largest rate). The replay allocates a buffer of the largest
 * minute, so a count of 3·10⁹ would fail in `new Float64Array`.
 */
export const MAX_TRACE_COUNT = 6_000_000;

function traceCounts(load: Extract<OpenLoadSpec, { kind: 'trace' }>, baseDir: string | undefined): number[] {
  if (load.counts !== undefined && load.file !== undefined) throw new ConfigError('trace load: give counts or file, not both');
  let counts: unknown = load.counts;
  if (counts === undefined) {
    if (load.file === undefined) throw new ConfigError('trace load: counts or file is required');
    if (typeof load.file !== 'string' || load.file === '') throw new ConfigError(`trace load: file must be a non-empty path, got ${quote(load.file)}`);
    const row = load.row ?? 0;
    if (!Number.isSafeInteger(row) || row < 0) throw new ConfigError(`trace load: row must be an integer >= 0, got ${quote(row)}`);
    const path = isAbsolute(load.file) ? load.file : resolve(baseDir ?? process.cwd(), load.file);
    const rows = readAzureTrace(path, { maxRows: row + 1 });
    if (row >= rows.length) throw new ConfigError(`trace load: row ${row} is past the last row (${rows.length - 1}) of ${path}`);
    counts = (rows[row] as { counts: number[] }).counts;
  }
  if (!Array.isArray(counts) || counts.length === 0) throw new ConfigError(`trace load: counts must be a non-empty array, got ${quote(counts)}`);
  for (let i = 0; i < counts.length; i++) {
    const c: unknown = counts[i];
    if (typeof c !== 'number' || !Number.isSafeInteger(c) || c < 0 || c > MAX_TRACE_COUNT) {
      throw new ConfigError(`trace load: counts[${i}]: expected an integer in [0, ${MAX_TRACE_COUNT}], got ${quote(c)}`);
    }
  }
  return counts as number[];
}

const f64 = new Float64Array(1);
const u64 = new BigInt64Array(f64.buffer);

/** The largest double below x (x finite). */
function nextDown(x: number): number {
  if (x === 0) return -Number.MIN_VALUE;
  f64[0] = x;
  u64[0] = (u64[0] as bigint) + (x > 0 ? -1n : 1n);
  return f64[0] as number;
}
