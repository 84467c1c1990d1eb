/**
 * The simulated world of one StepConf episode: a StepConf workflow preset
 * (src/workloads/presets/stepconf.ts, 001 §7.1) with its stages gated (the
 * cluster pauses at every ready step for its configuration) and the episode's
 * job count as the request scale, no background load, and its own seed.
 */
import type { ScenarioSpec, SimFunctionSpec, SimWorkflowSpec } from '../../src/cluster/sim/spec.js';
import { ConfigError, quote } from '../../src/core/errors.js';
import { preset, type ScenarioFragment } from '../../src/workloads/presets/index.js';

/** The three workflows of 001 §7.1. */
export type StepconfWorkflow = 'ML' | 'Video' | 'DAG16';

export const STEPCONF_WORKFLOWS: readonly StepconfWorkflow[] = ['ML', 'Video', 'DAG16'];

const PRESET_NAMES = { ML: 'stepconf-ml', Video: 'stepconf-video', DAG16: 'stepconf-dag16' } as const;

/**
 * Jobs γ of a step at which the preset's step work applies: a step with γ jobs
 * does `work × γ / NOMINAL_JOBS` reference-core seconds (the request scale of
 * the simulator's workflow). Chosen: 100 jobs (frames, data chunks, numbers to
 * test) per request.
 */
export const NOMINAL_JOBS = 100;

/** A mutable copy of the workflow's preset, and its one workflow. */
export function stepconfFragment(workflow: StepconfWorkflow): { fragment: ScenarioFragment; workflow: SimWorkflowSpec; functions: Map<string, SimFunctionSpec> } {
  const name = PRESET_NAMES[workflow];
  if (name === undefined) throw new ConfigError(`unknown StepConf workflow ${quote(workflow)} (expected ${STEPCONF_WORKFLOWS.join(', ')})`);
  const fragment = preset(name);
  const wf = fragment.workflows[0] as SimWorkflowSpec;
  return { fragment, workflow: wf, functions: new Map(fragment.functions.map((f) => [f.name, f])) };
}

/** The scenario of one episode: one gated request of the workflow, with `jobs` jobs per step. */
export function episodeScenario(fragment: ScenarioFragment, opts: { seed: number; jobs: number }): ScenarioSpec {
  const wf = fragment.workflows[0] as SimWorkflowSpec;
  return {
    name: `stepconf-${wf.name}`,
    seed: opts.seed,
    duration: 1, // unused: the environment drives the cluster decision by decision
    nodes: structuredClone(fragment.nodes ?? []),
    functions: structuredClone(fragment.functions),
    workflows: [{ ...structuredClone(wf), gated: true, requestScale: opts.jobs / NOMINAL_JOBS }],
    loads: [],
  };
}
