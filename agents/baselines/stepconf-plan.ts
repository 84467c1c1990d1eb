/**
 * What the StepConf baselines (random search, Vanilla, Oracle) share. A
 * *plan* is a static workflow configuration: one θ = (m, p, q) per step,
 * fixed before the request runs (001 §7.1, Table 3 "Static (Offline)"), kept
 * as the action indices per step name. The step to configure is
 * `env.pendingStep` (the observation does not name it; a workflow engine
 * knows which step is ready). Steps become ready in an order that timing can
 * change (ML's three pipelines), so a plan is looked up by step, never by
 * position.
 */
import type { StepConfEnv } from '../../envs/stepconf/stepconf-env.js';
import type { StepResult } from '../../src/core/env.js';
import { ConfigError, quote } from '../../src/core/errors.js';

/** Step name → action indices [memory, p, q]. */
export type StepPlan = Map<string, number[]>;

/** The step waiting for its configuration. */
export function pendingStage(env: StepConfEnv): string {
  const p = env.pendingStep;
  if (!p) throw new ConfigError(`${env.settings.id}: no step is waiting for a configuration (reset the environment first; the agent must act on the environment it was created with)`);
  return p.stage;
}

/** |M| · |P| · |Q|: the configurations of one step. */
export function thetaCount(env: StepConfEnv): number {
  const s = env.settings;
  return s.memorySizesMb.length * s.parallelisms.length * s.intraParallelisms.length;
}

/** The `k`-th configuration's action indices (memory most significant). */
export function thetaIndices(env: StepConfEnv, k: number): number[] {
  const s = env.settings;
  const nq = s.intraParallelisms.length, np = s.parallelisms.length;
  return [Math.floor(k / (np * nq)), Math.floor(k / nq) % np, k % nq];
}

/** The action of `plan` for the pending step. */
export function planAction(env: StepConfEnv, plan: StepPlan): number[] {
  const stage = pendingStage(env);
  const a = plan.get(stage);
  if (!a) throw new ConfigError(`${env.settings.id}: the plan has no configuration for step ${quote(stage)}`);
  return [...a];
}

/** A plan as JSON (`{step: [m, p, q] indices}`) and back. */
export function planToJSON(plan: StepPlan): Record<string, number[]> {
  return Object.fromEntries([...plan].map(([k, v]) => [k, [...v]]));
}

export function planFromJSON(x: unknown): StepPlan | null {
  if (typeof x !== 'object' || x === null) return null;
  return new Map(Object.entries(x as Record<string, number[]>).map(([k, v]) => [k, [...v]]));
}

/**
 * Play one episode with `plan`: `reset` starts it, `step` takes the action;
 * `inner` names the pending step. Returns the episode's return.
 */
export async function playPlan(
  inner: StepConfEnv,
  plan: StepPlan,
  reset: () => Promise<unknown>,
  step: (action: number[]) => Promise<StepResult<unknown>>,
): Promise<number> {
  await reset();
  let total = 0;
  for (let t = 0; t < 100_000; t++) {
    const r = await step(planAction(inner, plan));
    total += r.reward;
    if (r.terminated || r.truncated) return total;
  }
  throw new ConfigError(`${inner.settings.id}: an episode did not end`);
}
