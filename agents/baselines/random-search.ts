/**
 * Random search (FaaSConf 000 §5.1.3 "RS", after Bergstra & Bengio 2012):
 * sample resource configurations uniformly from the search space, keep the
 * one with the best reward, then exploit it. No model, no use of earlier
 * trials. CLI name `random-search`.
 *
 * The exploration budget is spent when the agent is created: `create(env,
 * options, seed)` plays `budget` sampled configurations on `env` (episodes
 * reset with seeds drawn from the agent's seeded Rng) and keeps the best, so
 * `evaluate(env, agent)` measures the configuration it found; `act` only
 * replays it. The trials' scores are in `agent.trials`.
 *
 * - `FaaSConf-*-v0`: a configuration is the joint action (every function's
 *   CPU, memory, replicas, concurrency; uniform over the action box). The
 *   trials run back to back as the paper's online search does: each is
 *   applied and held for `trialSteps` windows (default 2, a new episode when
 *   one ends) and scored by the reward of its last window (the first absorbs
 *   the change: new replicas cold-start). Budget default 20 (40 windows).
 * - `StepConf-*-v0`: a configuration is a static plan, one θ = (m, p, q) per
 *   step drawn uniformly from M × P × Q; each trial is one episode, scored by
 *   its return. Budget default 20 episodes.
 *
 * Refused elsewhere: FaaSRank routes invocations, Autoscale and Darly move
 * settings by relative steps; none of their actions is a configuration.
 *
 * Options: `budget` (20), `trialSteps` (FaaSConf, 2).
 */
import type { StepConfEnv } from '../../envs/stepconf/stepconf-env.js';
import type { AnyEnv, Env } from '../../src/core/env.js';
import { ConfigError } from '../../src/core/errors.js';
import { integer, options } from '../option-fields.js';
import { BaselineAgent, familyOf, refuseUnless, registerBaseline, singleView } from './common.js';

/** Random search's options: type, bounds, default and its source per field. */
export const RANDOM_SEARCH_SCHEMA = options({
  budget: integer({ default: 20, min: 1, max: 1_000_000, maxWhy: 'trials run at `create`, each at least one window or episode', doc: 'configurations tried (FaaSConf: joint actions; StepConf: static plans, one episode each)', source: 'FaaSConf §5.1.3 (RS)' }),
  trialSteps: integer({ default: 2, min: 1, max: 1_000_000, maxWhy: 'windows per trial, as `budget`', doc: 'FaaSConf only: windows each trial is held, scored by the last (a StepConf trial is one whole episode)' }),
});
import { planAction, planFromJSON, planToJSON, playPlan, thetaCount, thetaIndices, type StepPlan } from './stepconf-plan.js';

const SEED_BOUND = 2 ** 31;

export interface RandomSearchOptions {
  budget: number;
  trialSteps: number;
}

export class RandomSearchAgent extends BaselineAgent {
  /** The best configuration: the joint action (FaaSConf) or the plan (StepConf). */
  private bestAction: number[] | null = null;
  private bestPlan: StepPlan | null = null;
  private bestScore = -Infinity;
  /** Score of every trial, in order. */
  readonly trials: number[] = [];
  private readonly stepconf: StepConfEnv | null;

  private constructor(env: AnyEnv, readonly options: RandomSearchOptions, seed: number) {
    super('random-search', env, { ...options }, seed);
    const f = familyOf(env);
    this.stepconf = f.family === 'stepconf' ? f.env : null;
  }

  /** Build the agent and spend the budget on `env`. */
  static async create(env: AnyEnv, options: RandomSearchOptions, seed: number): Promise<RandomSearchAgent> {
    const agent = new RandomSearchAgent(env, options, seed);
    await agent.search(singleView(env));
    return agent;
  }

  /** The best score found (mean reward of its scored window, or return). */
  get best(): { score: number; action: number[] | null; plan: Record<string, number[]> | null } {
    return { score: this.bestScore, action: this.bestAction ? [...this.bestAction] : null, plan: this.bestPlan ? planToJSON(this.bestPlan) : null };
  }

  private async search(view: Env<unknown, unknown>): Promise<void> {
    const search = this.rng.fork();
    if (this.stepconf) {
      const inner = this.stepconf;
      const n = thetaCount(inner);
      for (let k = 0; k < this.options.budget; k++) {
        const plan: StepPlan = new Map(inner.graph.stages.map((st) => [st, thetaIndices(inner, search.integer(0, n))]));
        const seed = search.integer(0, SEED_BOUND);
        const score = await playPlan(inner, plan, () => view.reset({ seed }), (a) => view.step(a));
        this.record(score, null, plan);
      }
      return;
    }
    let live = false;
    for (let k = 0; k < this.options.budget; k++) {
      const action = view.actionSpace.sample(search) as number[];
      let last = 0;
      for (let t = 0; t < this.options.trialSteps; t++) {
        if (!live) {
          await view.reset({ seed: search.integer(0, SEED_BOUND) });
          live = true;
        }
        const r = await view.step(action);
        last = r.reward;
        if (r.terminated || r.truncated) live = false;
      }
      this.record(last, action, null);
    }
  }

  private record(score: number, action: number[] | null, plan: StepPlan | null): void {
    this.trials.push(score);
    if (score > this.bestScore) {
      this.bestScore = score;
      this.bestAction = action;
      this.bestPlan = plan;
    }
  }

  async act(): Promise<number[]> {
    if (this.stepconf) return planAction(this.stepconf, this.bestPlan as StepPlan);
    return [...(this.bestAction as number[])];
  }

  protected override state(): Record<string, unknown> {
    return { bestScore: this.bestScore, bestAction: this.bestAction, bestPlan: this.bestPlan ? planToJSON(this.bestPlan) : null, trials: [...this.trials] };
  }

  protected override restore(state: Record<string, unknown>): void {
    if (typeof state.bestScore === 'number') this.bestScore = state.bestScore;
    this.bestAction = Array.isArray(state.bestAction) ? [...(state.bestAction as number[])] : null;
    this.bestPlan = planFromJSON(state.bestPlan);
    this.trials.length = 0;
    if (Array.isArray(state.trials)) this.trials.push(...(state.trials as number[]));
  }
}


export const randomSearchFactory = registerBaseline({
  name: 'random-search',
  description: 'FaaSConf §5.1.3 random search: sample configurations (budget at create), keep the best by reward, exploit it (FaaSConf, StepConf)',
  supports: (env) => refuseUnless('random-search', env, ['faasconf', 'stepconf'], 'it samples configurations, and only FaaSConf\'s and StepConf\'s actions are configurations'),
  schema: RANDOM_SEARCH_SCHEMA,
  build(env, o, seed, given) {
    const stepconf = familyOf(env).family === 'stepconf';
    if (stepconf && given.has('trialSteps')) throw new ConfigError('random-search: options.trialSteps: applies to FaaSConf only (a StepConf trial is one whole episode)');
    return RandomSearchAgent.create(env, { budget: o.budget, trialSteps: stepconf ? 1 : o.trialSteps }, seed);
  },
});
