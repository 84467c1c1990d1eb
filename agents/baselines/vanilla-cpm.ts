/**
 * StepConf's "Vanilla" baseline (001 §7.1, Table 3; the critical path method
 * of its [26], Kwok & Ahmad): a static workflow configuration, fixed before
 * the request runs, that sets only each step's memory — no inter-function
 * (p) or intra-function (q) parallelism: p = 1 and q = 1 (the smallest
 * choices when 1 is not offered). The rule, per episode (it depends only on
 * the request's job count):
 *
 * 1. weight every step by its expected duration at the reference memory
 *    (`referenceConfig`'s, 2048 MB) with p = q = 1 — the §3.2 phases on the
 *    simulator's model, `env.expectedStep`;
 * 2. the critical path CP is the heaviest source-to-sink path
 *    (`longestPathsToSink`); each step's sub-SLO is its share of the SLO,
 *    S · w_i / CP, so every path's sub-SLOs add up to at most S (the sub-SLO
 *    split of §4.3, static and without parallelism);
 * 3. each step gets the cheapest memory of M (billed memory × expected
 *    download + compute + upload time) whose expected duration meets its
 *    sub-SLO; when none does, the fastest.
 *
 * The plan is not revised as the request runs (that is what StepConf adds).
 * The step to configure is read from `env.pendingStep`. CLI name
 * `vanilla-cpm`; `StepConf-*-v0` only.
 */
import { longestPathsToSink } from '../../envs/stepconf/critical-path.js';
import { stepCostUsd } from '../../envs/stepconf/reward.js';
import type { StepConfEnv } from '../../envs/stepconf/stepconf-env.js';
import type { AnyEnv } from '../../src/core/env.js';
import { BaselineAgent, familyOf, refuseUnless, NO_OPTIONS, registerBaseline } from './common.js';
import { planAction, type StepPlan } from './stepconf-plan.js';

/** Index of 1 in `values`, else of the smallest value. */
function oneOrSmallest(values: readonly number[]): number {
  const one = values.indexOf(1);
  if (one >= 0) return one;
  return values.indexOf(Math.min(...values));
}

/** The Vanilla plan for the env's current episode (see the module comment), with each step's sub-SLO. */
export function vanillaPlan(env: StepConfEnv): { plan: StepPlan; subSlo: Record<string, number>; criticalPath: number } {
  const s = env.settings, g = env.graph;
  const pi = oneOrSmallest(s.parallelisms), qi = oneOrSmallest(s.intraParallelisms);
  const p = s.parallelisms[pi] as number, q = s.intraParallelisms[qi] as number;
  const weights = g.stages.map((st) => env.expectedStep(st, { memoryMb: s.reference.memoryMb, parallelism: p, intra: q }).total);
  const criticalPath = Math.max(...longestPathsToSink(g, weights));
  const plan: StepPlan = new Map();
  const subSlo: Record<string, number> = {};
  g.stages.forEach((st, i) => {
    const budget = criticalPath > 0 ? (s.sloSeconds * (weights[i] as number)) / criticalPath : s.sloSeconds;
    subSlo[st] = budget;
    let cheapest = -1, cheapestCost = Infinity, fastest = 0, fastestTime = Infinity;
    s.memorySizesMb.forEach((m, mi) => {
      const ph = env.expectedStep(st, { memoryMb: m, parallelism: p, intra: q });
      if (ph.total < fastestTime) {
        fastestTime = ph.total;
        fastest = mi;
      }
      const cost = stepCostUsd({ parallelism: p, seconds: ph.download + ph.compute + ph.upload, memoryMb: m });
      if (ph.total <= budget && (cost < cheapestCost || (cost === cheapestCost && m < (s.memorySizesMb[cheapest] as number)))) {
        cheapestCost = cost;
        cheapest = mi;
      }
    });
    plan.set(st, [cheapest >= 0 ? cheapest : fastest, pi, qi]);
  });
  return { plan, subSlo, criticalPath };
}

export class VanillaCpmAgent extends BaselineAgent {
  private readonly env: StepConfEnv;
  /** Plans per job count (the plan depends on nothing else). */
  private readonly plans = new Map<number, StepPlan>();

  constructor(env: AnyEnv, seed: number) {
    super('vanilla-cpm', env, {}, seed);
    this.env = familyOf(env).env as StepConfEnv;
  }

  async act(): Promise<number[]> {
    const jobs = this.env.jobs ?? 0;
    let plan = this.plans.get(jobs);
    if (!plan) {
      plan = vanillaPlan(this.env).plan;
      this.plans.set(jobs, plan);
    }
    return planAction(this.env, plan);
  }
}

export const vanillaCpmFactory = registerBaseline({
  name: 'vanilla-cpm',
  description: 'StepConf §7.1 Vanilla: static critical-path configuration of each step\'s memory, no inter- or intra-function parallelism (StepConf)',
  supports: (env) => refuseUnless('vanilla-cpm', env, ['stepconf'], 'it configures the steps of a StepConf workflow from its critical path'),
  schema: NO_OPTIONS,
  build(env, _o, seed) {
    return new VanillaCpmAgent(env, seed);
  },
});
