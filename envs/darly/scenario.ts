/**
 * The cluster one Darly episode runs on: the preset's video pipeline (Fig. 1)
 * on Table 1's four workers, driven by one closed-loop user (a step is one
 * workflow request), as a `ScenarioSpec` for `createCluster`.
 */
import type { LoadSpec, ScenarioSpec, SimWorkflowSpec } from '../../src/cluster/sim/spec.js';
import { DARLY_MIGRATE_ONLY, darlyNodes, darlyVideo } from '../../src/workloads/presets/darly.js';
import type { DarlyConfig } from './config.js';

/** The workflow the environment invokes. */
export const DARLY_WORKFLOW = (darlyVideo.workflows[0] as SimWorkflowSpec).name;

/** The pipeline's functions, in stage order. */
export const DARLY_FUNCTIONS: readonly string[] = darlyVideo.functions.map((f) => f.name);

/** Table 1's workers, in the order of the observation and the action table. */
export const DARLY_NODES: readonly string[] = darlyNodes.map((n) => n.name);

/** The ML stages, whose frames are fanned out over the replicas (queue-worker invocations, §4.2). */
export const DARLY_ML_STAGES: readonly string[] = ['face-detector', 'face-analyzer', 'object-recognition'];

/** Functions the paper acts on (§3.3, §5: the Framer and the three ML models; the uploader is never an action target). */
export const DARLY_PAPER_CONTROLLED: readonly string[] = ['framer', ...DARLY_ML_STAGES];

/** Functions the agent acts on under `config.controlled`. */
export function controlledFunctions(controlled: DarlyConfig['controlled']): readonly string[] {
  return controlled === 'all' ? DARLY_FUNCTIONS : DARLY_PAPER_CONTROLLED;
}

/** True for a function that may be scaled horizontally (the Framer extracts frames sequentially, §3.2). */
export function isScalable(fn: string): boolean {
  return !DARLY_MIGRATE_ONLY.includes(fn);
}

/** Maximum replicas of `fn`: 1 for migrate-only functions and functions the agent does not control. */
export function maxReplicasOf(fn: string, config: Pick<DarlyConfig, 'maxReplicas' | 'controlled'>): number {
  return isScalable(fn) && controlledFunctions(config.controlled).includes(fn) ? config.maxReplicas : 1;
}

/** Rs of eq. (3): the sum of the functions' maximum replica counts. */
export function maxTotalReplicas(config: Pick<DarlyConfig, 'maxReplicas' | 'controlled'>): number {
  return DARLY_FUNCTIONS.reduce((sum, fn) => sum + maxReplicasOf(fn, config), 0);
}

/**
 * One episode's scenario: one replica per function placed by the cluster's
 * scheduler (as Kubernetes deploys the pipeline, §5.3), no interference (the
 * environment injects it), frames per request from `config.frames`, ML
 * stages split into `config.frameBatches` invocations, and one user who sends
 * the next request `config.settleSeconds` after the previous one completed.
 */
export function darlyScenario(config: DarlyConfig, seed: number): ScenarioSpec {
  const base = structuredClone(darlyVideo.workflows[0]) as SimWorkflowSpec;
  const workflow: SimWorkflowSpec = {
    ...base,
    stages: base.stages.map((s) => {
      const fn = typeof s === 'string' ? s : s.fn;
      return DARLY_ML_STAGES.includes(fn) ? { fn, parallelism: config.frameBatches } : s;
    }),
    requestScale: { kind: 'empirical', values: [...config.frames] },
  };
  const load: LoadSpec = { kind: 'closed', target: DARLY_WORKFLOW, users: 1, think: config.settleSeconds };
  return {
    name: 'darly',
    seed,
    duration: 1, // unused: the environment advances request by request
    nodes: structuredClone(darlyNodes),
    functions: structuredClone(darlyVideo.functions),
    workflows: [workflow],
    loads: [load],
  };
}
