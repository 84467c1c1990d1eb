/**
 * StepConf (paper 001) workflows, §7.1: ML (three Preprocess → Train → Merge
 * pipelines, Fig. 13), Video processing (8 steps, Fig. 14) and a synthetic
 * 16-step DAG of is-prime tasks of four difficulties (Fig. 15), run as
 * Lambda-style function steps: one instance per invocation (`per-request`),
 * CPU from memory at 1769 MB per vCPU (§2.2, AWS), a step's work split evenly
 * over its inter-function parallelism (stage `parallelism`), intra-function
 * parallelism as `threads`.
 *
 * From the paper: the 1769 MB/vCPU rule; long-tailed S3 transfers (§2.3,
 * Fig. 7: "several hundred milliseconds to a few seconds", the slowest several
 * times the fastest) — log-normal with σ = 0.6, so p99/p50 = e^(2.326·0.6) ≈ 4;
 * mapping delay that is small below 30 parallel instances and climbs past 40
 * (§2.2, Fig. 3) — scale-out is a token bucket of 40 instances at once (then
 * 5/s, chosen); the 6 worker
 * nodes of 16 cores and 32 GB (§7.1). Chosen (the paper gives no numbers):
 * step work, transfer medians and sizes, the cold start (log-normal median
 * 1 s), the Fig. 14/15 edges (the figures are not described in the text) and
 * the assignment of difficulties to DAG steps (random in the paper, fixed here).
 */
import type { SimFunctionSpec, SimNodeSpec, SimWorkflowSpec } from '../../cluster/sim/spec.js';
import type { ScenarioFragment } from './fragment.js';

/** AWS Lambda's memory per vCPU (§2.2, [3]). */
export const STEPCONF_MB_PER_VCPU = 1769;

/** Transfer σ: p99/p50 = exp(2.326·σ) ≈ 4.0 ≥ 3 (§2.3 long tail). */
const TRANSFER_SIGMA = 0.6;

interface StepOptions {
  /** Total CPU work of the step on one reference core, seconds (split over parallel instances). */
  work: number;
  /** Median download and upload time, seconds. */
  transfer: number;
  /** MB moved per invocation. */
  transferMb: number;
  /** Cores one instance can use; > 1 for multi-core-optimised code. @default 1 */
  threads?: number;
  /** Amdahl fraction for multi-core code. @default 1 */
  parallelFraction?: number;
}

/** A function step with StepConf's platform defaults. Memory 1769 MB (one full vCPU) as the starting configuration (chosen). */
function step(name: string, o: StepOptions): SimFunctionSpec {
  return {
    name,
    work: o.work,
    threads: o.threads ?? 1,
    parallelFraction: o.parallelFraction ?? 1,
    memoryFootprintMb: 128, // Python runtime + task (chosen): below StepConf's smallest profiled size, 512 MB
    coldStart: { kind: 'lognormal', median: 1, sigma: 0.3 },
    download: { kind: 'lognormal', median: o.transfer, sigma: TRANSFER_SIGMA },
    upload: { kind: 'lognormal', median: o.transfer, sigma: TRANSFER_SIGMA },
    transferMb: o.transferMb,
    scaling: 'per-request',
    replicas: 0,
    memoryMb: STEPCONF_MB_PER_VCPU,
    cpuPerMemoryMb: STEPCONF_MB_PER_VCPU,
    keepAlive: 600,
    // Token-bucket scale-out (Lambda-style): 40 instances at once, then 5/s (chosen), so a
    // step's mapping delay is flat up to ~40 parallel instances and climbs past it (Fig. 3).
    scaleOutBurst: 40,
    scaleOutRate: 5,
  };
}

/** 6 Knative worker nodes, 16 cores and 32 GB each, AMD EPYC 7R12 (§7.1, Table 2). */
export const stepconfNodes: SimNodeSpec[] = Array.from({ length: 6 }, (_, i) => ({
  name: `worker-${i + 1}`,
  cores: 16,
  memoryMb: 32768,
  cpuModel: 'AMD EPYC 7R12 @ 2.5 GHz',
}));

function workflow(name: string, stages: string[], edges: [string, string][]): SimWorkflowSpec {
  return { name, stages: stages.map((fn) => ({ id: fn, fn, parallelism: 1 })), edges };
}

// ---------------------------------------------------------------- ML

/**
 * ML: three independent pipelines of Preprocess (PCA) → Train (decision trees,
 * multi-core friendly) → Merge (Fig. 13, after ORION [23]). Each step is its
 * own function so that it is configured on its own, as StepConf does. The
 * pipelines differ in data size (×1, ×1.5, ×2; chosen), so one of them is the
 * critical path. The three pipelines start together (three source stages).
 */
function mlPipeline(i: number, scale: number): SimFunctionSpec[] {
  return [
    step(`ml${i}-preprocess`, { work: 6 * scale, transfer: 0.6, transferMb: 50 * scale }),
    step(`ml${i}-train`, { work: 30 * scale, transfer: 0.4, transferMb: 20 * scale, threads: 4, parallelFraction: 0.9 }),
    step(`ml${i}-merge`, { work: 1 * scale, transfer: 0.3, transferMb: 5 }),
  ];
}

const mlFunctions = [...mlPipeline(1, 1), ...mlPipeline(2, 1.5), ...mlPipeline(3, 2)];

export const stepconfMl: ScenarioFragment = {
  functions: mlFunctions,
  workflows: [
    workflow(
      'ml',
      mlFunctions.map((f) => f.name),
      [1, 2, 3].flatMap((i): [string, string][] => [
        [`ml${i}-preprocess`, `ml${i}-train`],
        [`ml${i}-train`, `ml${i}-merge`],
      ]),
    ),
  ],
  nodes: stepconfNodes,
};

// ---------------------------------------------------------------- Video

/**
 * Video processing (8 steps, §7.1): pull frame decodes the video, three
 * chains process the frames in parallel — object detection → watermarking,
 * super-resolution → frame interpolation, color filtering → text addition —
 * and merge frame encodes the result (edges chosen).
 */
export const stepconfVideo: ScenarioFragment = {
  functions: [
    step('pull-frame', { work: 8, transfer: 1.2, transferMb: 200 }),
    step('object-detection', { work: 60, transfer: 0.8, transferMb: 100 }),
    step('watermarking', { work: 10, transfer: 0.8, transferMb: 100 }),
    step('super-resolution', { work: 90, transfer: 1.0, transferMb: 150, threads: 2, parallelFraction: 0.8 }),
    step('frame-interpolation', { work: 40, transfer: 1.0, transferMb: 150 }),
    step('color-filtering', { work: 12, transfer: 0.8, transferMb: 100 }),
    step('text-addition', { work: 8, transfer: 0.8, transferMb: 100 }),
    step('merge-frame', { work: 10, transfer: 1.2, transferMb: 200 }),
  ],
  workflows: [
    workflow(
      'video',
      ['pull-frame', 'object-detection', 'watermarking', 'super-resolution', 'frame-interpolation', 'color-filtering', 'text-addition', 'merge-frame'],
      [
        ['pull-frame', 'object-detection'],
        ['pull-frame', 'super-resolution'],
        ['pull-frame', 'color-filtering'],
        ['object-detection', 'watermarking'],
        ['super-resolution', 'frame-interpolation'],
        ['color-filtering', 'text-addition'],
        ['watermarking', 'merge-frame'],
        ['frame-interpolation', 'merge-frame'],
        ['text-addition', 'merge-frame'],
      ],
    ),
  ],
  nodes: stepconfNodes,
};

// ---------------------------------------------------------------- DAG16

/** is-prime difficulty classes A–D (§7.1: four complexities, a range of transfer volumes); numbers chosen. */
const DIFFICULTY = {
  A: { work: 5, transfer: 0.2, transferMb: 5 },
  B: { work: 10, transfer: 0.4, transferMb: 20 },
  C: { work: 20, transfer: 0.7, transferMb: 60 },
  D: { work: 40, transfer: 1.2, transferMb: 150 },
} as const;

/** Difficulty of steps 1..16 (the paper draws them at random; this fixed draw is chosen). */
const DAG16_CLASSES = 'BACDABCBDACBADCB';

const dag16Names = Array.from({ length: 16 }, (_, i) => `step-${String(i + 1).padStart(2, '0')}`);

/**
 * The 16-step synthetic DAG (Fig. 15, after [24]): layers of 1, 3, 4, 4, 3
 * and 1 steps with fan-out and joins between neighbouring layers (edges chosen).
 * is-prime is embarrassingly parallel: threads 1 by default (single-thread
 * code, as the paper's benchmark), parallel fraction 0.95 when the agent
 * raises intra-function parallelism.
 */
export const stepconfDag16: ScenarioFragment = {
  functions: dag16Names.map((name, i) =>
    step(name, { ...DIFFICULTY[DAG16_CLASSES[i] as keyof typeof DIFFICULTY], parallelFraction: 0.95 }),
  ),
  workflows: [
    workflow(
      'dag16',
      dag16Names,
      (
        [
          [1, 2], [1, 3], [1, 4],
          [2, 5], [2, 6], [3, 6], [3, 7], [4, 7], [4, 8],
          [5, 9], [6, 9], [6, 10], [7, 10], [7, 11], [8, 11], [8, 12],
          [9, 13], [10, 13], [10, 14], [11, 14], [11, 15], [12, 15],
          [13, 16], [14, 16], [15, 16],
        ] as const
      ).map(([a, b]): [string, string] => [dag16Names[a - 1] as string, dag16Names[b - 1] as string]),
    ),
  ],
  nodes: stepconfNodes,
};

/** The StepConf workflows by their names in the paper. */
export const stepconfPresets = {
  ML: stepconfMl,
  Video: stepconfVideo,
  DAG16: stepconfDag16,
} as const satisfies Record<string, ScenarioFragment>;
