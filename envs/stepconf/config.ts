/**
 * Configuration of the StepConf environments: the ids, the schema (one line
 * of doc and a default per field, rendered into docs/envs/stepconf.md by
 * `schemaTable`), the default SLOs, and the checks `parseConfig` cannot
 * express (integer choice sets, ordered ranges).
 */
import { ConfigError, quote } from '../../src/core/errors.js';
import { parseBackend, type BackendConfig } from '../common/backend.js';
import { boolean, number, numbers, object, options, parseConfig, type ConfigOf } from '../common/config.js';
import type { StepConfig } from './critical-path.js';
import type { StepconfWorkflow } from './scenario.js';

export const STEPCONF_IDS: Readonly<Record<StepconfWorkflow, string>> = Object.freeze({
  ML: 'StepConf-ML-v0',
  Video: 'StepConf-Video-v0',
  DAG16: 'StepConf-DAG16-v0',
});

/**
 * Default end-to-end SLO per workflow, seconds (the paper sweeps four SLOs per
 * workflow without printing them, §7.3). Chosen on the simulator so that the
 * reference configuration (2048 MB, p = 8, q = 1 on every step) meets it in
 * the slowest episodes (150 jobs: ML ≤ 23 s, Video ≤ 53 s, DAG16 ≤ 56 s over
 * ten seeds), the all-large one (10240 MB, p = 64, q = 4) meets it, and the
 * all-small one (512 MB, p = 1, q = 1: ≥ 134 s, 272 s, 258 s at 50 jobs)
 * misses it by far. The fastest any fixed configuration gets is about 12 s,
 * 29 s and 33 s at 100 jobs: cold starts and the long-tailed transfers of
 * every step on the critical path are a floor no configuration removes.
 */
export const DEFAULT_SLO_SECONDS: Readonly<Record<StepconfWorkflow, number>> = Object.freeze({ ML: 25, Video: 60, DAG16: 60 });

/** The paper's profiling memory points, MB (001 §7.2), 4192 as printed (probably 4096 meant; kept as written). */
export const PAPER_MEMORY_SIZES_MB: readonly number[] = Object.freeze([512, 1024, 2048, 4192, 10240]);

/** The schema of `StepConf-<workflow>-v0` (only the SLO's default differs between the workflows). */
export function stepconfSchema(workflow: StepconfWorkflow) {
  return options({
    backend: object({ default: null, doc: 'cluster backend: `null` = the simulator, else `{kind, ...}`; it must offer per-stage decisions (`Cluster.control`), which the simulator does' }),
    sloSeconds: number({ default: DEFAULT_SLO_SECONDS[workflow], gt: 0, max: 86400, maxWhy: 'one request is one episode; a day is longer than any workflow',
      doc: `end-to-end SLO S of the workflow request, seconds (defaults: ML ${DEFAULT_SLO_SECONDS.ML}, Video ${DEFAULT_SLO_SECONDS.Video}, DAG16 ${DEFAULT_SLO_SECONDS.DAG16})`, }),
    memorySizesMb: numbers({ default: [...PAPER_MEMORY_SIZES_MB], min: 128, max: 10240, maxLength: 64, maxWhy: 'AWS Lambda\'s largest memory size', doc: 'M: memory sizes a step may get, MB (the profiling points; 128 MB is the presets\' footprint)', source: 'StepConf §7.2' }),
    parallelisms: numbers({ default: [1, 2, 4, 8, 16, 32, 64], min: 1, max: 1000, int: true, maxLength: 64, maxWhy: 'every instance is simulated: 1000 concurrent instances of a step', doc: 'P: inter-function parallelism choices (concurrent instances of a step)' }),
    intraParallelisms: numbers({ default: [1, 2, 4], min: 1, max: 64, int: true, maxLength: 64, maxWhy: 'processes of one instance: a 64-core machine', doc: 'Q: intra-function parallelism choices (processes per instance)' }),
    jobRange: numbers({ default: [50, 150], min: 1, max: 100000, int: true, length: 2, maxWhy: 'work grows with γ; 10⁵ jobs is 1000× the presets\' 100', doc: '[low, high]: the job count γ of the request, drawn uniformly (integers) per episode; every step does its preset work × γ / 100' }),
    referenceConfig: numbers({ default: [2048, 8, 1], min: 1, max: 10240, length: 3, maxWhy: 'as `memorySizesMb`', doc: '[memory MB, p, q]: the fixed configuration whose expected step times weight the critical-path estimate (and which `prewarm` prepares)' }),
    missPenaltyUsd: number({ default: 0.02, min: 0, max: 1000, maxWhy: 'USD per request; rewards stay finite in float32', doc: 'terminal penalty for missing the SLO, USD (a failed request misses it too)' }),
    latenessPenaltyUsd: number({ default: 0.02, min: 0, max: 1000, maxWhy: 'USD per request; rewards stay finite in float32', doc: 'further terminal penalty per unit of relative lateness (T − S) / S when the SLO is missed, USD' }),
    rewardScale: number({ default: 1000, gt: 0, max: 1e6, maxWhy: 'rewards stay finite in float32', doc: 'reward units per USD (1000: rewards in thousandths of a dollar)' }),
    prewarm: boolean({ default: false, doc: 'configuration-aware prewarming (§5): when a step is configured, start `p` instances of each successor step at the reference memory (billed one request each)' }),
  });
}

export type StepconfSchema = ReturnType<typeof stepconfSchema>;
export type StepconfConfig = Partial<ConfigOf<StepconfSchema>>;

/** The validated settings of one StepConf environment. */
export interface StepconfSettings {
  id: string;
  workflow: StepconfWorkflow;
  backend: BackendConfig;
  sloSeconds: number;
  memorySizesMb: number[];
  parallelisms: number[];
  intraParallelisms: number[];
  jobRange: [number, number];
  reference: StepConfig;
  missPenaltyUsd: number;
  latenessPenaltyUsd: number;
  rewardScale: number;
  prewarm: boolean;
}

function distinct(id: string, key: string, values: number[]): number[] {
  if (new Set(values).size !== values.length) throw new ConfigError(`${id}: config.${key}: expected no value twice, got ${quote(values)}`);
  return values;
}

/** Validate a config; every problem is a `ConfigError` naming the field. */
export function parseStepconfConfig(workflow: StepconfWorkflow, input: unknown): StepconfSettings {
  const id = STEPCONF_IDS[workflow];
  const c = parseConfig(id, input, stepconfSchema(workflow));
  const jobRange = c.jobRange as [number, number];
  if (jobRange[0] > jobRange[1]) throw new ConfigError(`${id}: config.jobRange: expected [low, high] with low <= high, got ${quote(c.jobRange)}`);
  const [memoryMb, parallelism, intra] = c.referenceConfig as [number, number, number];
  if (!Number.isSafeInteger(parallelism) || !Number.isSafeInteger(intra)) {
    throw new ConfigError(`${id}: config.referenceConfig: expected [memory MB, p, q] with integer p and q, got ${quote(c.referenceConfig)}`);
  }
  if (memoryMb < 128) throw new ConfigError(`${id}: config.referenceConfig[0]: expected a memory size >= 128 MB, got ${quote(c.referenceConfig)}`);
  return {
    id,
    workflow,
    backend: parseBackend(id, c.backend),
    sloSeconds: c.sloSeconds,
    memorySizesMb: distinct(id, 'memorySizesMb', c.memorySizesMb),
    parallelisms: distinct(id, 'parallelisms', c.parallelisms),
    intraParallelisms: distinct(id, 'intraParallelisms', c.intraParallelisms),
    jobRange,
    reference: { memoryMb, parallelism, intra },
    missPenaltyUsd: c.missPenaltyUsd,
    latenessPenaltyUsd: c.latenessPenaltyUsd,
    rewardScale: c.rewardScale,
    prewarm: c.prewarm,
  };
}
