/**
 * Run a scenario from start to end and summarise it: the engine behind
 * `faasgym sim <scenario>`. The result is a plain JSON-able object whose
 * fields are documented in docs/scenarios.md ("Output of `faasgym sim`").
 *
 * Everything in the result is a function of the scenario and its seed except
 * `wallSeconds` and `invocationsPerSecond`, which time the run.
 */
import { performance } from 'node:perf_hooks';
import type { ClusterSnapshot, CostBreakdown } from '../types.js';
import { overrideScenario } from './scenario.js';
import { SimCluster } from './sim-cluster.js';
import type { ResolvedScenario } from './spec.js';

/** Overrides of the scenario's own run settings. */
export interface RunScenarioOptions {
  /** Replaces the scenario's `seed`. */
  seed?: number;
  /** Replaces the scenario's `duration` (simulated seconds measured). */
  duration?: number;
  /** Replaces the scenario's `warmup` (simulated seconds run before measuring). */
  warmup?: number;
}

/** Latency summary, seconds. */
export interface LatencySummary {
  mean: number;
  p50: number;
  p95: number;
  p99: number;
}

export interface FunctionResult {
  /** Invocations that arrived in the measured window. */
  requests: number;
  /** Invocations that completed successfully. */
  successes: number;
  /** Invocations that waited for a starting instance. */
  coldStarts: number;
  /** coldStarts / requests (0 without requests). */
  coldStartProbability: number;
  /** Refused with HTTP 429 (maxInflight reached, overflow "reject"). */
  rejected: number;
  /** Failed (out of memory, or no replica could be started). */
  failed: number;
  /** Latency of successful invocations, arrival at the function to completion (queueing, cold start, I/O and compute). */
  latency: LatencySummary;
  /** Time-averaged instance counts: all, those serving at least one request, and idle ones. */
  instances: { total: number; running: number; idle: number };
}

export interface WorkflowResult {
  requests: number;
  completed: number;
  failed: number;
  /** End-to-end latency of completed requests. */
  latency: LatencySummary;
}

export interface ScenarioResult {
  scenario: string;
  seed: number;
  /** Simulated seconds measured. */
  duration: number;
  /** Simulated seconds run (and discarded) before measuring. */
  warmup: number;
  functions: Record<string, FunctionResult>;
  workflows: Record<string, WorkflowResult>;
  /** Cost over the measured window (see `CostBreakdown`). */
  cost: CostBreakdown;
  /** Function invocations simulated during the measured window (including rejected and failed ones). */
  invocations: number;
  /** Discrete events processed during the measured window. */
  events: number;
  /** Wall-clock seconds of the whole run (build, warm-up and measured window). Not deterministic. */
  wallSeconds: number;
  /** invocations / wallSeconds. Not deterministic. */
  invocationsPerSecond: number;
}

/** Result fields that time the run and so differ between otherwise identical runs. */
export const TIMING_FIELDS = ['wallSeconds', 'invocationsPerSecond'] as const;

/**
 * Simulate `scenario`: run `warmup` simulated seconds (discarding their
 * metrics), then `duration` seconds as one measured window, and summarise
 * that window.
 *
 * Synchronous: the simulator never waits on I/O, so this drives the engine
 * that a `SimCluster` wraps directly, window by window exactly as
 * `SimCluster.advance` does (run, close the integrals, snapshot, reset). The
 * engine takes the resolved scenario as given, so overrides need no
 * re-validation of the rest.
 *
 * @throws ConfigError for an invalid override.
 */
export function runScenario(scenario: ResolvedScenario, opts: RunScenarioOptions = {}): ScenarioResult {
  const resolved = overrideScenario(scenario, opts);
  const t0 = performance.now();
  // PCM noise off: node counters are not part of the result, and no draw should depend on them.
  const cluster = new SimCluster(resolved, { pcmNoise: 0 });
  if (resolved.warmup > 0) cluster.runWindow({ seconds: resolved.warmup }); // its metrics are discarded
  const invocations0 = cluster.engine.invocations, events0 = cluster.engine.events;
  const snap = cluster.runWindow({ seconds: resolved.duration });
  const wallSeconds = (performance.now() - t0) / 1000;
  const invocations = cluster.engine.invocations - invocations0;
  return {
    scenario: resolved.name,
    seed: resolved.seed,
    duration: resolved.duration,
    warmup: resolved.warmup,
    ...summarise(snap),
    invocations,
    events: cluster.engine.events - events0,
    wallSeconds,
    invocationsPerSecond: wallSeconds > 0 ? invocations / wallSeconds : 0,
  };
}

function summarise(snap: ClusterSnapshot): Pick<ScenarioResult, 'functions' | 'workflows' | 'cost'> {
  const functions: Record<string, FunctionResult> = {};
  for (const [name, f] of Object.entries(snap.functions)) {
    functions[name] = {
      requests: f.requests,
      successes: f.successes,
      coldStarts: f.coldStarts,
      coldStartProbability: f.requests > 0 ? f.coldStarts / f.requests : 0,
      rejected: f.rejected,
      failed: f.failed,
      latency: { mean: f.latency.mean, p50: f.latency.p50, p95: f.latency.p95, p99: f.latency.p99 },
      instances: { ...f.instances },
    };
  }
  const workflows: Record<string, WorkflowResult> = {};
  for (const [name, w] of Object.entries(snap.workflows)) {
    workflows[name] = {
      requests: w.requests,
      completed: w.completed,
      failed: w.failed,
      latency: { mean: w.latency.mean, p50: w.latency.p50, p95: w.latency.p95, p99: w.latency.p99 },
    };
  }
  return { functions, workflows, cost: { ...snap.cost } };
}


// ---------------------------------------------------------------- text summary

/** A duration in seconds, with a unit that keeps 3 significant digits readable. */
export function formatSeconds(s: number): string {
  if (s === 0) return '0';
  if (s < 1e-3) return `${(s * 1e6).toPrecision(3)} µs`;
  if (s < 1) return `${(s * 1e3).toPrecision(3)} ms`;
  return `${s.toPrecision(3)} s`;
}

/** A count or rate with a k/M suffix. */
export function formatCount(n: number): string {
  if (Math.abs(n) >= 1e6) return `${(n / 1e6).toPrecision(3)}M`;
  if (Math.abs(n) >= 1e4) return `${(n / 1e3).toPrecision(3)}k`;
  return Number.isInteger(n) ? String(n) : n.toPrecision(3);
}

/** Left-align the first column, right-align the others. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** A readable summary of a `ScenarioResult`: a table of functions, one of workflows, cost and speed. */
export function formatScenarioResult(r: ScenarioResult): string {
  const lat = (l: LatencySummary) => [formatSeconds(l.mean), formatSeconds(l.p50), formatSeconds(l.p95), formatSeconds(l.p99)];
  const parts: string[] = [];
  parts.push(`scenario ${r.scenario}  seed ${r.seed}  measured ${r.duration} s simulated after ${r.warmup} s warm-up`);
  parts.push('');
  parts.push(table(
    ['function', 'requests', 'ok', 'cold', 'P(cold)', 'rejected', 'failed', 'mean', 'p50', 'p95', 'p99', 'instances', 'running'],
    Object.entries(r.functions).map(([name, f]) => [
      name, String(f.requests), String(f.successes), String(f.coldStarts), f.coldStartProbability.toFixed(4),
      String(f.rejected), String(f.failed), ...lat(f.latency), f.instances.total.toFixed(2), f.instances.running.toFixed(2),
    ]),
  ));
  const wfs = Object.entries(r.workflows);
  if (wfs.length > 0) {
    parts.push('');
    parts.push(table(
      ['workflow', 'requests', 'completed', 'failed', 'mean', 'p50', 'p95', 'p99'],
      wfs.map(([name, w]) => [name, String(w.requests), String(w.completed), String(w.failed), ...lat(w.latency)]),
    ));
  }
  parts.push('');
  const c = r.cost;
  parts.push(`cost: provisioned $${c.provisionedUsd.toFixed(4)}  lambda $${c.lambdaUsd.toFixed(6)}  servers ${c.servers.toFixed(2)}  replicas ${c.replicas.toFixed(2)} (time-averaged)`);
  parts.push(`simulated ${formatCount(r.invocations)} invocations (${formatCount(r.events)} events) in ${r.wallSeconds.toFixed(2)} s wall: ${formatCount(Math.round(r.invocationsPerSecond))} invocations/s`);
  return `${parts.join('\n')}\n`;
}
