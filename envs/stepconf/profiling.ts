/**
 * Profiling runs for a performance estimator (001 §3.1, §7.2): each sample
 * runs one function as an isolated single-step gated workflow on a fresh
 * cluster, configured with (memory, p, q) for a number of jobs, and reports
 * the measured phases of §3.2 — the data eq. (1)'s piece-wise compute model
 * and eq. (2)'s quantile regression are fitted on. Every sample has its own
 * cluster seed, drawn from `seed`, so the samples are deterministic and
 * independent of one another.
 */
import type { ScenarioSpec, SimFunctionSpec } from '../../src/cluster/sim/spec.js';
import type { StageReport } from '../../src/cluster/types.js';
import { ConfigError, quote } from '../../src/core/errors.js';
import { Rng } from '../../src/core/rng.js';
import type { ScenarioFragment } from '../../src/workloads/presets/index.js';
import { createCluster, type BackendConfig } from '../common/backend.js';
import { PAPER_MEMORY_SIZES_MB, STEPCONF_IDS } from './config.js';
import { instanceThreads } from './critical-path.js';
import { NOMINAL_JOBS, STEPCONF_WORKFLOWS, stepconfFragment, type StepconfWorkflow } from './scenario.js';

export interface ProfileOptions {
  /** Functions to profile. @default every function of the workflow */
  functions?: readonly string[];
  /** Memory sizes, MB. @default the paper's points [512, 1024, 2048, 4192, 10240] (§7.2) */
  memories?: readonly number[];
  /** Inter-function parallelism p. @default [1] */
  parallelisms?: readonly number[];
  /** Intra-function parallelism q. @default [1] */
  intraParallelisms?: readonly number[];
  /** Job counts γ (100 = the preset's work). @default [100] */
  jobs?: readonly number[];
  /** Runs per configuration. @default 1 */
  repeats?: number;
  /** Seed of the sample seeds. @default 0 */
  seed?: number;
  /** Where to run. @default the simulator */
  backend?: BackendConfig;
}

/** One profiling measurement. Times in seconds. */
export interface ProfileSample {
  fn: string;
  memoryMb: number;
  parallelism: number;
  /** q, and the cores an instance may use (`threads` of the preset × q). */
  intra: number;
  threads: number;
  jobs: number;
  repeat: number;
  mappingDelay: number;
  download: number;
  compute: number;
  upload: number;
  /** From the step firing to its last instance finishing. */
  duration: number;
  costUsd: number;
  /** Invocations that failed (memory below the footprint). */
  failed: number;
}

const PROFILE_WORKFLOW = '__stepconf-profile';

/** A StepConf workflow name (`ML`), its environment id (`StepConf-ML-v0`) or any preset fragment. */
export type ProfileTarget = StepconfWorkflow | string | ScenarioFragment;

function fragmentOf(target: ProfileTarget): ScenarioFragment {
  if (typeof target !== 'string') {
    if (typeof target !== 'object' || target === null || !Array.isArray(target.functions)) throw new ConfigError(`profileSamples: target must be a workflow name, an environment id or a preset fragment, got ${quote(target)}`);
    return target;
  }
  const wf = STEPCONF_WORKFLOWS.find((w) => w === target || STEPCONF_IDS[w] === target);
  if (!wf) throw new ConfigError(`profileSamples: unknown target ${quote(target)} (expected one of ${[...STEPCONF_WORKFLOWS, ...Object.values(STEPCONF_IDS)].join(', ')})`);
  return stepconfFragment(wf).fragment;
}

function list(name: string, values: readonly number[] | undefined, fallback: readonly number[], integer: boolean): readonly number[] {
  const v = values ?? fallback;
  if (!Array.isArray(v) || v.length === 0 || v.some((x) => typeof x !== 'number' || !Number.isFinite(x) || x <= 0 || (integer && !Number.isSafeInteger(x)))) {
    throw new ConfigError(`profileSamples: ${name} must be a non-empty array of ${integer ? 'positive integers' : 'finite numbers > 0'}, got ${quote(values)}`);
  }
  return v;
}

function singleStep(fragment: ScenarioFragment, fn: SimFunctionSpec, seed: number, jobs: number): ScenarioSpec {
  return {
    name: `stepconf-profile-${fn.name}`,
    seed,
    duration: 1,
    nodes: structuredClone(fragment.nodes ?? [{ name: 'node', cores: 16, memoryMb: 32768 }]),
    functions: [structuredClone(fn)],
    workflows: [{ name: PROFILE_WORKFLOW, stages: [fn.name], gated: true, requestScale: jobs / NOMINAL_JOBS }],
    loads: [],
  };
}

/**
 * Profile functions of a workflow: one isolated run per function × memory ×
 * p × q × jobs × repeat, in that nesting order.
 */
export async function profileSamples(target: ProfileTarget, opts: ProfileOptions = {}): Promise<ProfileSample[]> {
  const fragment = fragmentOf(target);
  const byName = new Map(fragment.functions.map((f) => [f.name, f]));
  const names = opts.functions ?? fragment.functions.map((f) => f.name);
  if (!Array.isArray(names)) throw new ConfigError(`profileSamples: functions must be an array of function names, got ${quote(names)}`);
  for (const n of names) if (!byName.has(n)) throw new ConfigError(`profileSamples: unknown function ${quote(n)} (known: ${[...byName.keys()].join(', ')})`);
  const memories = list('memories', opts.memories, PAPER_MEMORY_SIZES_MB, false);
  const parallelisms = list('parallelisms', opts.parallelisms, [1], true);
  const intras = list('intraParallelisms', opts.intraParallelisms, [1], true);
  const jobsList = list('jobs', opts.jobs, [NOMINAL_JOBS], false);
  const repeats = opts.repeats ?? 1;
  if (!Number.isSafeInteger(repeats) || repeats < 1) throw new ConfigError(`profileSamples: repeats must be a positive integer, got ${quote(opts.repeats)}`);
  const rng = new Rng(opts.seed ?? 0);
  const backend = opts.backend ?? { kind: 'sim' };
  const out: ProfileSample[] = [];
  for (const name of names) {
    const fn = byName.get(name) as SimFunctionSpec;
    for (const memoryMb of memories) {
      for (const parallelism of parallelisms) {
        for (const intra of intras) {
          for (const jobs of jobsList) {
            for (let repeat = 0; repeat < repeats; repeat++) {
              const threads = instanceThreads(fn, intra);
              const r = await runOnce(backend, singleStep(fragment, fn, rng.nextUint32(), jobs), { memoryMb, parallelism, threads });
              out.push({
                fn: name, memoryMb, parallelism, intra, threads, jobs, repeat,
                mappingDelay: r.mappingDelay, download: r.download, compute: r.compute, upload: r.upload,
                duration: r.completedAt - r.firedAt, costUsd: r.costUsd, failed: r.failed,
              });
            }
          }
        }
      }
    }
  }
  return out;
}

async function runOnce(backend: BackendConfig, scenario: ScenarioSpec, config: { memoryMb: number; parallelism: number; threads: number }): Promise<StageReport> {
  const cluster = createCluster(backend, scenario);
  try {
    const control = cluster.control;
    if (!control) throw new ConfigError(`profileSamples: backend ${quote(backend.kind)} offers no per-stage decisions (Cluster.control)`);
    control.submit(PROFILE_WORKFLOW);
    const d = await control.nextDecision();
    if (!d || d.kind !== 'stage') throw new ConfigError(`profileSamples: backend ${quote(backend.kind)} did not pause at the step`);
    control.configureStage(d.id, config);
    if ((await control.nextDecision()) !== null) throw new ConfigError(`profileSamples: backend ${quote(backend.kind)} asked for a second decision in a one-step workflow`);
    const [report] = control.takeStageReports();
    if (!report) throw new ConfigError(`profileSamples: backend ${quote(backend.kind)} reported no step`);
    return report;
  } finally {
    await cluster.close();
  }
}
