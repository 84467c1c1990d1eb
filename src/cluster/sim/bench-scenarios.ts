/**
 * The simulator's standard speed benchmarks (`faasgym bench sim`, see
 * bench/README.md): how many function invocations the simulator runs per
 * second of wall-clock time on three reference workloads.
 *
 * - `per-request-single`: one AWS-Lambda-style function (one request per
 *   instance, newest idle instance reused, keep-alive, cold starts), Poisson
 *   arrivals, small exponential work. Target 1,000,000 invocations/s.
 * - `sequential-5-ps`: a five-function sequential workflow, two replicas per
 *   function with unlimited concurrency (maxInflight 0), so every replica is a
 *   processor-sharing server at utilisation 0.8. Target 300,000 invocations/s.
 * - `workflow-12-migrate`: a twelve-function DAG (fan-out, join, branch) on
 *   four heterogeneous nodes whose co-located stress changes at random, with a
 *   replica migrated every 10 simulated seconds through `SimCluster.apply`
 *   between `advance` windows, as an environment step would. No target.
 *
 * Each benchmark warms up (simulated steady state and JIT), then runs
 * `advance` windows until the requested wall time has passed, and reports
 * invocations and events per wall-clock second over the measured windows.
 */
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { ConfigError, quote } from '../../core/errors.js';
import { SimCluster } from './sim-cluster.js';
import type { ScenarioSpec, SimFunctionSpec } from './spec.js';
import { formatCount, table } from './run.js';

export interface SimBenchmark {
  name: string;
  description: string;
  /** Invocations per wall-clock second to reach, or null. */
  target: number | null;
  scenario: ScenarioSpec;
  /** Fixed simulated seconds per `advance` window (benchmarks that act between windows); adaptive when absent. */
  window?: number;
  /** Called before window k (k = 0, 1, ...), e.g. to apply configuration changes. */
  beforeWindow?: (cluster: SimCluster, k: number) => Promise<void>;
}

export interface SimBenchResult {
  name: string;
  /** Function invocations simulated in the measured windows. */
  invocations: number;
  wallSeconds: number;
  invocationsPerSecond: number;
  events: number;
  eventsPerSecond: number;
  target: number | null;
  /** invocationsPerSecond / target, or null without a target. */
  ratioToTarget: number | null;
}

export interface SimBenchReport {
  benchmarks: SimBenchResult[];
  node: string;
  cpu: string;
}

export interface SimBenchOptions {
  /** Wall-clock seconds measured per benchmark (after its warm-up). @default 2 */
  seconds?: number;
  /** Run only the benchmarks with these names. @default all */
  only?: string[];
}

// ---------------------------------------------------------------- scenarios

/** (a) Per-request single function: Poisson 1000/s, exponential work of 5 ms, 10 s keep-alive, 250 ms cold starts. */
export const perRequestSingle: ScenarioSpec = {
  name: 'per-request-single',
  seed: 1,
  duration: 1,
  nodes: [{ name: 'fleet', cores: 64, memoryMb: 262_144 }],
  functions: [{
    name: 'fn',
    scaling: 'per-request',
    work: { kind: 'exponential', mean: 0.005 },
    memoryMb: 1769,
    cpuPerMemoryMb: 1769,
    coldStart: { kind: 'lognormal', median: 0.25, sigma: 0.3 },
    keepAlive: 10,
  }],
  loads: [{ kind: 'poisson', target: 'fn', rate: 1000 }],
};

/**
 * (b) Five-function sequential workflow, processor sharing at utilisation 0.8:
 * each function has 2 one-core replicas, work exponential with mean 10 ms and
 * 160 workflow requests/s, so λ·E[work] / cores = 160 · 0.01 / 2 = 0.8.
 * Contention is off (γ = 0): with unlimited concurrency a contention penalty
 * makes the queue unstable at this load once it grows past ~20 requests.
 */
export const sequential5: ScenarioSpec = {
  name: 'sequential-5-ps',
  seed: 2,
  duration: 1,
  nodes: [{ name: 'worker', cores: 16, memoryMb: 65_536 }],
  functions: Array.from({ length: 5 }, (_, i): SimFunctionSpec => ({
    name: `f${i + 1}`,
    work: { kind: 'exponential', mean: 0.01 },
    replicas: 2,
    cpuMilli: 1000,
    maxInflight: 0,
    contention: 0,
  })),
  workflows: [{
    name: 'chain',
    stages: ['f1', 'f2', 'f3', 'f4', 'f5'],
    edges: [['f1', 'f2'], ['f2', 'f3'], ['f3', 'f4'], ['f4', 'f5']],
  }],
  loads: [{ kind: 'poisson', target: 'chain', rate: 160 }],
};

const DAG_STAGES = Array.from({ length: 12 }, (_, i) => `s${String(i + 1).padStart(2, '0')}`);

/**
 * (c) Twelve-function DAG on four heterogeneous nodes with random stress:
 * s01 → {s02, s03, s04} → s05 (join) → s06 (p 0.6) | s07 (p 0.4) → s08 (join,
 * one token dead) → s09 → s10 → {s11, s12}; 11 invocations per request.
 * Two replicas per function, maxInflight 8 (queue), default contention,
 * utilisation ≈ 0.4 without stress.
 */
export const workflow12: ScenarioSpec = {
  name: 'workflow-12-migrate',
  seed: 3,
  duration: 1,
  nodes: [
    { name: 'n1', cores: 24, memoryMb: 65_536, speed: 1.0, l3Mb: 28, stress: { kind: 'random', levels: [0, 0.25, 0.5, 0.75], every: 20 } },
    { name: 'n2', cores: 24, memoryMb: 65_536, speed: 0.95, l3Mb: 28, stress: { kind: 'random', levels: [0, 0.25, 0.5], every: 30 } },
    { name: 'n3', cores: 32, memoryMb: 131_072, speed: 0.88, l3Mb: 14, stress: { kind: 'random', levels: [0, 0.5, 0.75], every: 45 } },
    { name: 'n4', cores: 16, memoryMb: 65_536, speed: 1.1, l3Mb: 30 },
  ],
  functions: DAG_STAGES.map((name, i): SimFunctionSpec => ({
    name,
    work: { kind: 'lognormal', median: 0.02, sigma: 0.5 },
    replicas: 2,
    cpuMilli: 1000,
    memoryMb: 512,
    maxInflight: 8,
    coldStart: { kind: 'lognormal', median: 1, sigma: 0.3 },
    interferenceSensitivity: i % 3 === 0 ? 1 : 0.82,
  })),
  workflows: [{
    name: 'dag',
    stages: DAG_STAGES,
    edges: [
      ['s01', 's02'], ['s01', 's03'], ['s01', 's04'],
      ['s02', 's05'], ['s03', 's05'], ['s04', 's05'],
      ['s06', 's08'], ['s07', 's08'],
      ['s08', 's09'], ['s09', 's10'], ['s10', 's11'], ['s10', 's12'],
    ],
    branches: [{ from: 's05', to: ['s06', 's07'], probs: [0.6, 0.4] }],
  }],
  loads: [{ kind: 'poisson', target: 'dag', rate: 35 }],
};

const NODES = ['n1', 'n2', 'n3', 'n4'];

/** The standard benchmarks, in report order. */
export const SIM_BENCHMARKS: readonly SimBenchmark[] = [
  { name: 'per-request-single', description: 'one per-request function, Poisson, keep-alive and cold starts', target: 1_000_000, scenario: perRequestSingle },
  { name: 'sequential-5-ps', description: '5-function sequential workflow, processor sharing at utilisation 0.8', target: 300_000, scenario: sequential5 },
  {
    name: 'workflow-12-migrate',
    description: '12-function DAG, heterogeneous nodes with random stress, a migration every 10 simulated s',
    target: null,
    scenario: workflow12,
    window: 10,
    // Deterministic round robin: function k mod 12, replica ⌊k/12⌋ mod 2, to a node that cycles with both.
    beforeWindow: async (cluster, k) => {
      const fn = DAG_STAGES[k % DAG_STAGES.length] as string;
      const to = NODES[(k + Math.floor(k / DAG_STAGES.length)) % NODES.length] as string;
      await cluster.apply([{ kind: 'migrate', fn, to, replica: Math.floor(k / DAG_STAGES.length) % 2 }]);
    },
  },
];

// ---------------------------------------------------------------- runner

/** Warm-up wall time for a measurement of `seconds`. */
function warmupSeconds(seconds: number): number {
  return Math.min(0.5, Math.max(0.05, seconds / 4));
}

/** Run one benchmark: warm up, then measure `seconds` of wall time in whole `advance` windows. */
export async function runSimBenchmark(bench: SimBenchmark, seconds = 2): Promise<SimBenchResult> {
  if (!(seconds > 0) || !Number.isFinite(seconds)) throw new ConfigError(`seconds must be a finite number > 0, got ${quote(seconds)}`);
  const cluster = new SimCluster(bench.scenario);
  const engine = cluster.engine;
  let k = 0;
  // Adaptive windows grow until one takes ≥ 20 ms of wall time, so snapshots cost little next to the simulation.
  let window = bench.window ?? 0.1;
  const step = async (adapt: boolean): Promise<void> => {
    if (bench.beforeWindow) await bench.beforeWindow(cluster, k);
    k++;
    const t = performance.now();
    await cluster.advance({ seconds: window });
    if (adapt && bench.window === undefined && performance.now() - t < 20) window *= 2;
  };

  const warmEnd = performance.now() + warmupSeconds(seconds) * 1000;
  do await step(true); while (performance.now() < warmEnd);

  const inv0 = engine.invocations, ev0 = engine.events;
  const t0 = performance.now();
  do await step(false); while (performance.now() - t0 < seconds * 1000);
  const wallSeconds = (performance.now() - t0) / 1000;
  await cluster.close();

  const invocations = engine.invocations - inv0, events = engine.events - ev0;
  const invocationsPerSecond = invocations / wallSeconds;
  return {
    name: bench.name,
    invocations,
    wallSeconds,
    invocationsPerSecond,
    events,
    eventsPerSecond: events / wallSeconds,
    target: bench.target,
    ratioToTarget: bench.target === null ? null : invocationsPerSecond / bench.target,
  };
}

/** Run the standard benchmarks one after the other. */
export async function runSimBenchmarks(opts: SimBenchOptions = {}): Promise<SimBenchReport> {
  const selected = opts.only === undefined ? SIM_BENCHMARKS : opts.only.map((name) => {
    const b = SIM_BENCHMARKS.find((x) => x.name === name);
    if (!b) throw new ConfigError(`unknown benchmark ${quote(name)} (benchmarks: ${SIM_BENCHMARKS.map((x) => x.name).join(', ')})`);
    return b;
  });
  const benchmarks: SimBenchResult[] = [];
  for (const b of selected) benchmarks.push(await runSimBenchmark(b, opts.seconds ?? 2));
  return { benchmarks, node: process.version, cpu: cpus()[0]?.model ?? 'unknown' };
}

/** A readable table of a benchmark report. */
export function formatSimBenchReport(report: SimBenchReport): string {
  const rows = report.benchmarks.map((b) => [
    b.name,
    formatCount(b.invocations),
    b.wallSeconds.toFixed(2),
    formatCount(Math.round(b.invocationsPerSecond)),
    formatCount(Math.round(b.eventsPerSecond)),
    b.target === null ? '-' : formatCount(b.target),
    b.ratioToTarget === null ? '-' : b.ratioToTarget.toFixed(2),
  ]);
  return `${table(['benchmark', 'invocations', 'wall s', 'invocations/s', 'events/s', 'target', 'ratio'], rows)}\nnode ${report.node} on ${report.cpu}\n`;
}
