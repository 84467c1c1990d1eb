/**
 * A synthetic generator of Azure-schema invocation traces, so that experiments
 * run without the (not redistributed) Azure Functions 2019 data. The shapes
 * follow what Shahrad et al., "Serverless in the Wild" (USENIX ATC'20, §3)
 * report about that data set; the generator is a model of those traits, not a
 * fit to the data.
 */
import { ConfigError, quote } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import type { AzureTraceRow } from './azure-trace.js';
import { samplePoisson } from './poisson.js';

/** Trigger types of the Azure 2019 data set. */
export type AzureTrigger = 'http' | 'timer' | 'queue' | 'storage' | 'event' | 'orchestration' | 'others';

/**
 * Share of functions per trigger, in percent: Shahrad et al. ATC'20, Fig. 3
 * (functions column). HTTP dominates, timers and queues follow.
 */
export const AZURE_TRIGGER_FUNCTION_SHARE: Readonly<Record<AzureTrigger, number>> = {
  http: 55.0,
  timer: 15.6,
  queue: 15.2,
  storage: 2.8,
  event: 2.2,
  orchestration: 6.9,
  others: 2.2,
};

/**
 * Share of invocations per trigger, in percent: Shahrad et al. ATC'20, Fig. 3
 * (invocations column). Event and queue functions are invoked far more often
 * than their share of functions; the generator multiplies a function's rate by
 * invocationShare / functionShare of its trigger to reproduce that skew.
 */
export const AZURE_TRIGGER_INVOCATION_SHARE: Readonly<Record<AzureTrigger, number>> = {
  http: 35.9,
  timer: 2.0,
  queue: 33.5,
  storage: 0.7,
  event: 24.7,
  orchestration: 2.3,
  others: 1.0,
};

const TRIGGERS = Object.keys(AZURE_TRIGGER_FUNCTION_SHARE) as AzureTrigger[];

/** Timer periods (minutes) and their weights: chosen (the paper reports that timers are periodic, not their period mix); cron-like round periods. */
const TIMER_PERIODS = [1, 5, 10, 15, 30, 60] as const;
const TIMER_PERIOD_WEIGHTS = [0.3, 0.2, 0.15, 0.1, 0.1, 0.15] as const;

/** Options of {@link generateSyntheticTrace}. */
export interface SyntheticTraceOptions {
  /** Number of functions (rows), ≥ 1. */
  functions: number;
  /** Minutes per row. @default 1440 (one day, as in the Azure files) */
  minutes?: number;
  /** Seed of the generator: same options, same trace. */
  seed: number;
  /**
   * Geometric mean (= median) across non-timer functions of the per-function
   * mean invocations per minute, before the trigger skew. @default 1
   */
  meanPerMinute?: number;
  /**
   * σ of ln(mean rate) across functions (log-normal). The default, ln 10,
   * puts one standard deviation at one decade, so a few hundred functions span
   * 5–6 orders of magnitude. Fitting the app-level percentages of Shahrad et al.
   * (45 % of apps invoked at most hourly, 81 % at most once a minute) gives
   * σ ≈ 4 and a median ≈ 0.03/min — use `{ meanPerMinute: 0.03, rateSigma: 4 }`
   * for that population (our fit, not a number from the paper). @default ln 10
   */
  rateSigma?: number;
  /** Relative weights of triggers. @default AZURE_TRIGGER_FUNCTION_SHARE */
  triggerWeights?: Partial<Record<AzureTrigger, number>>;
  /** Largest relative amplitude of the daily cycle, in [0, 1]. @default 0.5 */
  diurnalAmplitude?: number;
  /** Minute of the day that minute 0 of the trace falls on (sets the phase of the daily cycle). @default 0 (midnight) */
  startMinuteOfDay?: number;
  /** Fraction of non-timer functions that are bursty, in [0, 1]. @default 0.2 */
  burstyFraction?: number;
}

/** Daily peak of the cycle (minute of the day): chosen, mid-afternoon; the paper shows a diurnal pattern without a fitted phase. */
const PEAK_MINUTE_OF_DAY = 14 * 60;

/**
 * Generate `functions` rows of per-minute invocation counts with the traits
 * Shahrad et al. (ATC'20, §3) report for Azure Functions in 2019:
 *
 * - a trigger mix matching their Fig. 3 shares (HTTP 55 %, timer 15.6 %,
 *   queue 15.2 %, …), with event and queue functions invoked far more often
 *   than HTTP ones per function ({@link AZURE_TRIGGER_INVOCATION_SHARE});
 * - per-function mean rates spanning orders of magnitude: log-normal across
 *   functions (they report rates over 8 orders of magnitude);
 * - a diurnal cycle (1 + A·sin) with a per-function amplitude and a common
 *   afternoon peak with some jitter;
 * - timer functions that fire periodically (inter-arrival CV ≈ 0): one
 *   invocation every `period` minutes at a random offset;
 * - bursty functions: on/off episodes (mean 5 minutes, about every 2 hours)
 *   that multiply the rate by a log-normal factor (median 10×).
 *
 * Counts are Poisson given the rate. Apps group consecutive functions (about
 * half of apps have one function, as the paper reports) and owners group apps;
 * hashes are 64 hex digits like the anonymised SHA-256 keys of the data set.
 * Burst and timer parameters are our choices, documented where they are set.
 */
export function generateSyntheticTrace(opts: SyntheticTraceOptions): AzureTraceRow[] {
  const o = validate(opts);
  const rng = new Rng(o.seed);
  const triggerWeights = TRIGGERS.map((t) => o.triggerWeights[t] ?? 0);
  const rows: AzureTraceRow[] = [];
  let owner = '';
  let app = '';
  for (let f = 0; f < o.functions; f++) {
    // Apps: a new app with probability 1/2 (≈ half of apps hold one function); new owner for 70 % of new apps (chosen).
    if (f === 0 || rng.bernoulli(0.5)) {
      if (f === 0 || rng.bernoulli(0.7)) owner = hash(rng);
      app = hash(rng);
    }
    const trigger = rng.choice(TRIGGERS, triggerWeights);
    const fnRng = rng.fork(); // each function's draws are independent of the others' count
    const counts = trigger === 'timer' ? timerCounts(fnRng, o.minutes) : rateCounts(fnRng, trigger, o);
    rows.push({ owner, app, fn: hash(rng), trigger, counts });
  }
  return rows;
}

type Resolved = Required<Omit<SyntheticTraceOptions, 'triggerWeights'>> & { triggerWeights: Partial<Record<AzureTrigger, number>> };

function validate(opts: SyntheticTraceOptions): Resolved {
  if (typeof opts !== 'object' || opts === null) throw new ConfigError(`synthetic trace options must be an object, got ${quote(opts)}`);
  const int = (key: 'functions' | 'minutes', v: unknown): number => {
    if (!Number.isSafeInteger(v) || (v as number) < 1) throw new ConfigError(`synthetic trace: ${key} must be an integer >= 1, got ${quote(v)}`);
    return v as number;
  };
  const num = (key: string, v: unknown, lo: number, hi: number, openLo = false): number => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v > hi || v < lo || (openLo && v === lo)) {
      throw new ConfigError(`synthetic trace: ${key} must be a number in ${openLo ? '(' : '['}${lo}, ${hi}], got ${quote(v)}`);
    }
    return v;
  };
  if (!Number.isSafeInteger(opts.seed) || opts.seed < 0) throw new ConfigError(`synthetic trace: seed must be a non-negative safe integer, got ${quote(opts.seed)}`);
  const triggerWeights = opts.triggerWeights ?? AZURE_TRIGGER_FUNCTION_SHARE;
  for (const [k, w] of Object.entries(triggerWeights)) {
    if (!TRIGGERS.includes(k as AzureTrigger)) throw new ConfigError(`synthetic trace: unknown trigger ${quote(k)} in triggerWeights (known: ${TRIGGERS.join(', ')})`);
    num(`triggerWeights.${k}`, w, 0, Number.MAX_VALUE);
  }
  if (!TRIGGERS.some((t) => (triggerWeights[t] ?? 0) > 0)) throw new ConfigError('synthetic trace: triggerWeights must not all be 0');
  return {
    functions: int('functions', opts.functions),
    minutes: int('minutes', opts.minutes ?? 1440),
    seed: opts.seed,
    meanPerMinute: num('meanPerMinute', opts.meanPerMinute ?? 1, 0, 1e9, true),
    rateSigma: num('rateSigma', opts.rateSigma ?? Math.LN10, 0, 10),
    triggerWeights,
    diurnalAmplitude: num('diurnalAmplitude', opts.diurnalAmplitude ?? 0.5, 0, 1),
    startMinuteOfDay: num('startMinuteOfDay', opts.startMinuteOfDay ?? 0, 0, 1440),
    burstyFraction: num('burstyFraction', opts.burstyFraction ?? 0.2, 0, 1),
  };
}

/** Periodic counts: 1 every `period` minutes from a random offset. */
function timerCounts(rng: Rng, minutes: number): number[] {
  const period = rng.choice(TIMER_PERIODS, TIMER_PERIOD_WEIGHTS);
  const offset = rng.integer(0, period);
  const counts = new Array<number>(minutes).fill(0);
  for (let m = offset; m < minutes; m += period) counts[m] = 1;
  return counts;
}

/** Poisson counts around a log-normal mean rate, with a daily cycle and optional bursts. */
function rateCounts(rng: Rng, trigger: AzureTrigger, o: Resolved): number[] {
  const skew = AZURE_TRIGGER_INVOCATION_SHARE[trigger] / AZURE_TRIGGER_FUNCTION_SHARE[trigger];
  const mean = o.meanPerMinute * skew * Math.exp(o.rateSigma * rng.normal());
  // Human-driven triggers (http, orchestration, others) follow the day more than back-end ones (chosen: half the amplitude).
  const humanDriven = trigger === 'http' || trigger === 'orchestration' || trigger === 'others';
  const amplitude = o.diurnalAmplitude * rng.uniform(0.5, 1) * (humanDriven ? 1 : 0.5);
  const phase = Math.PI / 2 - (2 * Math.PI * PEAK_MINUTE_OF_DAY) / 1440 + rng.normal(0, 0.3);
  const bursty = rng.bernoulli(o.burstyFraction);
  const counts = new Array<number>(o.minutes);
  let burstLeft = 0; // minutes left in the current burst
  let burstFactor = 1;
  for (let m = 0; m < o.minutes; m++) {
    if (bursty) {
      if (burstLeft === 0 && rng.bernoulli(1 / 120)) {
        // Burst episodes: start about every 2 h, geometric length with mean 5 min, factor log-normal median 10 (chosen).
        burstLeft = 1 + Math.floor(Math.log(1 - rng.random()) / Math.log(0.8));
        burstFactor = 10 * Math.exp(0.5 * rng.normal());
      }
    }
    const factor = burstLeft > 0 ? burstFactor : 1;
    if (burstLeft > 0) burstLeft--;
    const day = 1 + amplitude * Math.sin((2 * Math.PI * (m + o.startMinuteOfDay)) / 1440 + phase);
    counts[m] = samplePoisson(rng, mean * day * factor);
  }
  return counts;
}

/** 64 hex digits, like the anonymised SHA-256 hashes of the Azure data. */
function hash(rng: Rng): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += rng.nextUint32().toString(16).padStart(8, '0');
  return s;
}
