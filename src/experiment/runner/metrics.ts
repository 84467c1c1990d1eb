/**
 * The papers' metrics by name, read from what the environments put in `info`
 * (one info per step; a ParallelEnv's first agent's info, since FaaSConf's
 * window figures are shared by all its agents).
 *
 * A metric reduces a list of step records (a whole evaluation, one episode, or
 * a slice of training) to one number, or null when it cannot be measured
 * there (e.g. cost at met QoS when no window met QoS). Step metrics look at
 * every step; episode metrics look at the steps that ended an episode (an
 * episode's return, FaaSRank's average function completion time, StepConf's
 * cost and SLO attainment of a workflow run).
 */
import type { Info } from '../../core/env.js';

/** One environment step as the runner keeps it: the (team) reward, whether the episode ended, and the info fields the metrics need. */
export interface StepRecord {
  reward: number;
  done: boolean;
  /** On the step that ended an episode: its return and length. */
  episodeReturn?: number;
  episodeLength?: number;
  info: Info;
}

export interface MetricDef {
  name: string;
  description: string;
  unit?: string;
  better: 'lower' | 'higher';
  /** Env ids it applies to (`null`: every env). */
  envs: RegExp | null;
  /** Info fields it reads (the runner keeps only these). */
  fields: string[];
  /** Only meaningful over training (e.g. steps to convergence). */
  trainingOnly?: boolean;
  reduce(steps: readonly StepRecord[]): number | null;
}

const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

function meanOf(xs: readonly (number | null)[]): number | null {
  const ok = xs.filter((x): x is number => x !== null);
  return ok.length ? ok.reduce((a, b) => a + b, 0) / ok.length : null;
}

const ends = (steps: readonly StepRecord[]): StepRecord[] => steps.filter((s) => s.done);
const fraction = (steps: readonly StepRecord[], pred: (s: StepRecord) => boolean): number | null => (steps.length ? steps.filter(pred).length / steps.length : null);

/** Mean of a numeric info field over every step. */
const stepMean = (field: string) => (steps: readonly StepRecord[]): number | null => meanOf(steps.map((s) => num(s.info[field])));
/** Mean of a numeric info field over the steps that ended an episode. */
const endMean = (field: string) => (steps: readonly StepRecord[]): number | null => meanOf(ends(steps).map((s) => num(s.info[field])));

/** Darly: the fraction of steps that met QoS among those under the loosest (`max`) or strictest (`min`) target seen. */
function adherenceAt(which: 'max' | 'min') {
  return (steps: readonly StepRecord[]): number | null => {
    const targets = steps.map((s) => num(s.info.qosTarget)).filter((x): x is number => x !== null);
    if (!targets.length) return null;
    const t = which === 'max' ? Math.max(...targets) : Math.min(...targets);
    return fraction(steps.filter((s) => s.info.qosTarget === t), (s) => s.info.qosMet === true);
  };
}

/** Autoscale: the fraction of (step, function) pairs whose p90 latency is within its SLA. */
function p90WithinSla(steps: readonly StepRecord[]): number | null {
  let ok = 0, all = 0;
  for (const s of steps) {
    const p90 = s.info.p90Ms as Record<string, unknown> | undefined, sla = s.info.slaMs as Record<string, unknown> | undefined;
    if (!p90 || !sla) continue;
    for (const [fn, v] of Object.entries(p90)) {
      const p = num(v), l = num(sla[fn]);
      if (p === null || l === null) continue;
      all++;
      if (p <= l) ok++;
    }
  }
  return all ? ok / all : null;
}

/**
 * Steps to convergence of the reward within each episode, averaged over
 * episodes (vHive 002 §4.1: "reached convergence after around twenty 10 second
 * steps"): the trailing mean of the reward over 5 steps is compared with its
 * value at the episode's end; an episode converged at the first step after
 * which it stays within 10 % of its range (max − min) of that final value.
 * Null without an episode of at least 10 steps.
 */
export function stepsToConvergence(steps: readonly StepRecord[]): number | null {
  const w = 5;
  const per: number[] = [];
  for (const ep of episodesOf(steps)) {
    if (ep.length < 2 * w) continue;
    const smooth: number[] = [];
    let acc = 0;
    ep.forEach((s, i) => {
      acc += s.reward;
      if (i >= w) acc -= (ep[i - w] as StepRecord).reward;
      if (i >= w - 1) smooth.push(acc / w);
    });
    const final = smooth[smooth.length - 1] as number;
    const tol = 0.1 * (Math.max(...smooth) - Math.min(...smooth));
    let last = -1;
    smooth.forEach((v, i) => {
      if (Math.abs(v - final) > tol) last = i;
    });
    per.push(last + 1 + w); // smooth[i] ends at step i + w (1-based)
  }
  return meanOf(per);
}

const FAASCONF = /^FaaSConf-/;
const FAASRANK = /^FaaSRank-/;
const DARLY = /^Darly-/;
const STEPCONF = /^StepConf-/;
const AUTOSCALE = /^Autoscale-/;

export const METRICS: readonly MetricDef[] = [
  { name: 'return', description: 'mean episode return', better: 'higher', envs: null, fields: [], reduce: (s) => meanOf(ends(s).map((x) => x.episodeReturn ?? null)) },
  { name: 'episodeLength', description: 'mean episode length', unit: 'steps', better: 'higher', envs: null, fields: [], reduce: (s) => meanOf(ends(s).map((x) => x.episodeLength ?? null)) },
  { name: 'rewardPerStep', description: 'mean (team) reward per step', better: 'higher', envs: null, fields: [], reduce: (s) => meanOf(s.map((x) => x.reward)) },
  { name: 'stepsToConvergence', description: "steps of an episode until the reward's 5-step mean stays within 10 % of its range of its final value (vHive §4.1)", unit: 'steps', better: 'lower', envs: null, fields: [], reduce: stepsToConvergence },
  // FaaSConf (000 §5): one step is one 30 s window.
  { name: 'qosMet', description: 'fraction of windows meeting both QoS targets (latency and throughput)', better: 'higher', envs: FAASCONF, fields: ['qosMet'], reduce: (s) => fraction(s, (x) => x.info.qosMet === true) },
  { name: 'qosViolations', description: 'fraction of windows missing QoS (FaaSConf Fig. 14)', better: 'lower', envs: FAASCONF, fields: ['qosMet'], reduce: (s) => fraction(s, (x) => x.info.qosMet !== true) },
  { name: 'scaledCost', description: 'mean scaled cost ŷ = y(C)/y_max per window', better: 'lower', envs: FAASCONF, fields: ['scaledCost'], reduce: stepMean('scaledCost') },
  { name: 'costAtMetQos', description: 'mean scaled cost over the windows that met QoS', better: 'lower', envs: FAASCONF, fields: ['scaledCost', 'qosMet'], reduce: (s) => stepMean('scaledCost')(s.filter((x) => x.info.qosMet === true)) },
  { name: 'qualifiedCost', description: 'mean scaled cost when QoS was met in ≥ 95 % of windows, else null (FaaSConf Fig. 8, 13: "X" when infeasible)', better: 'lower', envs: FAASCONF, fields: ['scaledCost', 'qosMet'], reduce: (s) => ((fraction(s, (x) => x.info.qosMet === true) ?? 0) >= 0.95 ? stepMean('scaledCost')(s) : null) },
  { name: 'meanLatency', description: "mean of the windows' mean end-to-end latency", unit: 's', better: 'lower', envs: FAASCONF, fields: ['meanLatency'], reduce: stepMean('meanLatency') },
  { name: 'p95Latency', description: "mean of the windows' p95 end-to-end latency", unit: 's', better: 'lower', envs: FAASCONF, fields: ['p95Latency'], reduce: stepMean('p95Latency') },
  { name: 'throughput', description: 'mean completed workflow requests per second', unit: 'req/s', better: 'higher', envs: FAASCONF, fields: ['throughput'], reduce: stepMean('throughput') },
  // FaaSRank (003 §VI): one episode is one workload; the info's averageFct at its end is the episode's.
  { name: 'averageFct', description: 'average function completion time of an episode (FaaSRank Fig. 6)', unit: 's', better: 'lower', envs: FAASRANK, fields: ['averageFct'], reduce: endMean('averageFct') },
  { name: 'makespan', description: 'time until the last invocation of an episode completed', unit: 's', better: 'lower', envs: FAASRANK, fields: ['makespan'], reduce: endMean('makespan') },
  // Darly (004 §5): QoS adherence under the loose (35 s) and strict (26 s) targets.
  { name: 'qosAdherence', description: 'fraction of steps whose pipeline latency met the QoS target', better: 'higher', envs: DARLY, fields: ['qosMet'], reduce: (s) => fraction(s, (x) => x.info.qosMet === true) },
  { name: 'qosAdherenceLoose', description: 'QoS adherence under the loosest target (Darly §5.1: 35 s)', better: 'higher', envs: DARLY, fields: ['qosMet', 'qosTarget'], reduce: adherenceAt('max') },
  { name: 'qosAdherenceStrict', description: 'QoS adherence under the strictest target (Darly §5.1: 26 s)', better: 'higher', envs: DARLY, fields: ['qosMet', 'qosTarget'], reduce: adherenceAt('min') },
  { name: 'qosQuotient', description: 'mean latency / QoS target', better: 'lower', envs: DARLY, fields: ['qosQuotient'], reduce: stepMean('qosQuotient') },
  { name: 'pipelineLatency', description: 'mean pipeline latency', unit: 's', better: 'lower', envs: DARLY, fields: ['latency'], reduce: stepMean('latency') },
  { name: 'replicas', description: 'mean replicas deployed (Darly: over the pipeline; Autoscale-Horizontal: over the functions)', better: 'lower', envs: /^(Darly-|Autoscale-Horizontal)/, fields: ['replicas', 'settings'], reduce: (s) => meanOf(s.map((x) => num(x.info.replicas) ?? (x.info.settings ? Object.values(x.info.settings as Record<string, unknown>).reduce<number>((a, v) => a + (num(v) ?? 0), 0) : null))) },
  // StepConf (001 §7): one episode is one workflow run.
  { name: 'costUsd', description: 'cost of a workflow run (StepConf Fig. 19-21)', unit: 'USD', better: 'lower', envs: STEPCONF, fields: ['totalCostUsd'], reduce: endMean('totalCostUsd') },
  { name: 'sloAttainment', description: 'fraction of workflow runs that met the end-to-end SLO', better: 'higher', envs: STEPCONF, fields: ['sloMet'], reduce: (s) => fraction(ends(s), (x) => x.info.sloMet === true) },
  { name: 'sloMissRate', description: 'fraction of workflow runs that missed the end-to-end SLO', better: 'lower', envs: STEPCONF, fields: ['sloMet'], reduce: (s) => fraction(ends(s), (x) => x.info.sloMet !== true) },
  { name: 'workflowLatency', description: 'mean end-to-end latency of a workflow run', unit: 's', better: 'lower', envs: STEPCONF, fields: ['latency'], reduce: endMean('latency') },
  // Autoscale on vHive (002 §4): 10 s steps over the online-shop functions.
  { name: 'p90WithinSla', description: 'fraction of (step, function) pairs whose p90 latency is within its SLA', better: 'higher', envs: AUTOSCALE, fields: ['p90Ms', 'slaMs'], reduce: p90WithinSla },
  { name: 'slaViolationRate', description: 'fraction of steps with at least one function over its SLA', better: 'lower', envs: AUTOSCALE, fields: ['violations'], reduce: (s) => fraction(s, (x) => Array.isArray(x.info.violations) && x.info.violations.length > 0) },
  { name: 'p90LatencyMs', description: 'mean p90 latency over the functions and steps (vHive §4.1: 1000-2000 µs once converged)', unit: 'ms', better: 'lower', envs: AUTOSCALE, fields: ['p90Ms'], reduce: (s) => meanOf(s.flatMap((x) => Object.values((x.info.p90Ms ?? {}) as Record<string, unknown>).map(num))) },
  { name: 'allocatedCpu', description: 'mean CPU allocated over the functions', unit: 'cores', better: 'lower', envs: AUTOSCALE, fields: ['totalCpuMilli'], reduce: (s) => { const m = stepMean('totalCpuMilli')(s); return m === null ? null : m / 1000; } },
];

const BY_NAME = new Map(METRICS.map((m) => [m.name, m]));

export function metricDef(name: string): MetricDef | undefined {
  return BY_NAME.get(name);
}

export function metricNames(): string[] {
  return METRICS.map((m) => m.name);
}

/** Whether `metric` can be measured on `envId`. */
export function metricApplies(m: MetricDef, envId: string): boolean {
  return m.envs === null || m.envs.test(envId);
}

/** The info fields `names` read, to keep from each step. */
export function fieldsOf(names: readonly string[]): string[] {
  return [...new Set(names.flatMap((n) => BY_NAME.get(n)?.fields ?? []))];
}

/** Keep only `fields` of an info (copied, so later mutation of the env's info cannot change it). */
export function project(info: Info | undefined, fields: readonly string[]): Info {
  const out: Info = {};
  if (!info) return out;
  for (const f of fields) if (info[f] !== undefined) out[f] = structuredClone(info[f]);
  return out;
}

/** Each named metric over `steps`; training-only metrics are null unless `training`. */
export function measure(names: readonly string[], steps: readonly StepRecord[], training = false): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const n of names) {
    const m = BY_NAME.get(n);
    out[n] = m && (training || !m.trainingOnly) ? m.reduce(steps) : null;
  }
  return out;
}

/** Split a trace into episodes (a trailing unfinished episode is kept as the last). */
export function episodesOf(steps: readonly StepRecord[]): StepRecord[][] {
  const out: StepRecord[][] = [];
  let cur: StepRecord[] = [];
  for (const s of steps) {
    cur.push(s);
    if (s.done) {
      out.push(cur);
      cur = [];
    }
  }
  if (cur.length) out.push(cur);
  return out;
}
