/**
 * StepConf's brute-force "Oracle" (001 §7.1, Table 3: the optimal static
 * workflow configuration, memory and both parallelisms jointly) made exact
 * on the simulator: for every episode it enumerates the static plans (one
 * θ = (m, p, q) per step), re-runs the episode from the same seed with each,
 * and plays the one with the best return. The simulator is deterministic
 * given the seed, so the Oracle's return is the best any static plan of its
 * space gets on that very episode — an upper bound for random search, Vanilla
 * and any other static plan drawn from the same choices. CLI name `oracle`.
 *
 * Feasible only on small instances: per-step plans number |M·P·Q|^steps
 * (105^9 on the default StepConf-ML); `create` refuses when the enumeration
 * needs more than `maxRuns` episodes. `space: 'uniform'` searches the |M·P·Q|
 * plans that give every step the same θ instead (105 runs by default).
 *
 * How it re-runs an episode: the agent listens to the resets of the
 * environment it was created with (it shadows the innermost env's `reset` on
 * that object while it lives; `dispose()` removes the listener) to learn each
 * episode's seed (the seed passed to `reset`, or the entropy seed a first
 * unseeded reset reports in `info.seed`), and at the episode's first step it
 * replays the episode on that env once per plan (bypassing the wrappers, so
 * their step counters are untouched), then resets it with the seed once more:
 * the env is back where `evaluate()` left it and the Oracle plays its best
 * plan. An episode whose reset continued the env's random stream (no seed,
 * after an earlier reset) cannot be re-run and the Oracle refuses to act in
 * it (`evaluate()` seeds every episode; `train()` only its first).
 * `StepConf-*-v0` on the simulator only.
 *
 * Options: `space` ('per-step' | 'uniform', default 'per-step'), `maxRuns`
 * (4096).
 */
import type { StepConfEnv } from '../../envs/stepconf/stepconf-env.js';
import type { AnyEnv, ResetOptions, ResetResult, StepResult } from '../../src/core/env.js';
import { ConfigError, quote } from '../../src/core/errors.js';
import { integer, oneOf, options } from '../option-fields.js';
import { BaselineAgent, familyOf, onSimulator, refuseUnless, registerBaseline } from './common.js';

/** The Oracle's options: type, bounds, default and its source per field. */
export const ORACLE_SCHEMA = options({
  space: oneOf({ values: ['per-step', 'uniform'] as const, default: 'per-step', doc: '`per-step`: every static plan, one θ = (m, p, q) per step (|M·P·Q|^steps runs); `uniform`: the plans that give every step the same θ (|M·P·Q| runs)', source: 'StepConf §7.1 (Oracle: the optimal static configuration)' }),
  maxRuns: integer({ default: 4096, min: 1, max: 1e9, maxWhy: 'episodes re-run per episode: 10⁹ never finishes', doc: 'refuse at `create` when one episode needs more re-runs than this' }),
});
import { planAction, playPlan, thetaCount, thetaIndices, type StepPlan } from './stepconf-plan.js';

type ResetFn = (opts?: ResetOptions) => Promise<ResetResult<unknown>>;
type ResetListener = (opts: ResetOptions | undefined, result: ResetResult<unknown>) => void;

interface Hook {
  /** The env's own reset (its prototype's, or an own one that was there before). */
  original: ResetFn;
  hadOwn: boolean;
  listeners: Set<ResetListener>;
}

const hooks = new WeakMap<object, Hook>();

/** Call `listener` after every reset of `env` (its own `reset`); returns the env's original reset and a release function. */
function listenToResets(env: StepConfEnv, listener: ResetListener): { original: ResetFn; release: () => void } {
  let hook = hooks.get(env);
  if (!hook) {
    const target = env as unknown as { reset: ResetFn };
    const h: Hook = { original: target.reset, hadOwn: Object.prototype.hasOwnProperty.call(env, 'reset'), listeners: new Set() };
    target.reset = async function reset(opts?: ResetOptions) {
      const result = await h.original.call(env, opts);
      for (const l of h.listeners) l(opts, result);
      return result;
    };
    hooks.set(env, h);
    hook = h;
  }
  const h = hook;
  h.listeners.add(listener);
  return {
    original: h.original,
    release: () => {
      h.listeners.delete(listener);
      if (h.listeners.size > 0) return;
      hooks.delete(env);
      const target = env as unknown as { reset?: ResetFn };
      if (h.hadOwn) target.reset = h.original;
      else delete target.reset;
    },
  };
}

export type OracleSpace = 'per-step' | 'uniform';

export interface OracleOptions {
  space: OracleSpace;
  maxRuns: number;
}

/** Episodes the Oracle re-runs per episode for `space` on `env`. */
export function oracleRuns(env: StepConfEnv, space: OracleSpace): number {
  const n = thetaCount(env);
  return space === 'uniform' ? n : n ** env.graph.stages.length;
}

export class OracleAgent extends BaselineAgent {
  private readonly env: StepConfEnv;
  private readonly original: ResetFn;
  private readonly unlisten: () => void;
  /** Seed of the current episode (null: reset without one, or not reset since the agent was built). */
  private seed: number | null = null;
  private plan: StepPlan | null = null;
  private replaying = false;
  /** The last episode's search: best return and how many episodes were re-run. */
  lastSearch: { seed: number; bestReturn: number; runs: number } | null = null;

  constructor(env: AnyEnv, readonly options: OracleOptions, seed: number) {
    super('oracle', env, { ...options }, seed);
    this.env = familyOf(env).env as StepConfEnv;
    const runs = oracleRuns(this.env, options.space);
    if (runs > options.maxRuns) {
      const n = thetaCount(this.env), steps = this.env.graph.stages.length;
      throw new ConfigError(
        `oracle: ${options.space === 'uniform' ? `${n} uniform plans` : `${n}^${steps} = ${quote(runs)} per-step plans (|M·P·Q| = ${n} per step, ${steps} steps)`} ` +
          `would be re-run every episode, more than maxRuns = ${options.maxRuns}; shrink memorySizesMb/parallelisms/intraParallelisms, raise maxRuns, or use space "uniform" (${n} runs)`,
      );
    }
    const hook = listenToResets(this.env, (opts, result) => {
      if (this.replaying) return;
      // A reset with a seed, or the first reset without one (the env draws an entropy seed and reports it in info.seed).
      const seed = opts?.seed ?? result.info?.seed;
      this.seed = typeof seed === 'number' ? seed : null;
      this.plan = null;
    });
    this.original = hook.original;
    this.unlisten = hook.release;
  }

  async act(): Promise<number[]> {
    if (!this.plan) {
      if (this.seed === null) {
        throw new ConfigError(`oracle: this episode of ${this.env.settings.id} was not reset with a seed (or the oracle acts on another environment than the one it was created with), so it cannot be re-run (evaluate() seeds every episode)`);
      }
      this.plan = await this.search(this.seed);
    }
    return planAction(this.env, this.plan);
  }

  /** Re-run the episode of `seed` with every plan; leave the env reset at `seed`; return the best plan (ties: the first enumerated). */
  private async search(seed: number): Promise<StepPlan> {
    const env = this.env, stages = env.graph.stages, n = thetaCount(env);
    const runs = oracleRuns(env, this.options.space);
    const reset = (): Promise<unknown> => this.original.call(env, { seed });
    const step = (a: number[]): Promise<StepResult<unknown>> => env.step(a);
    let best: StepPlan | null = null, bestReturn = -Infinity;
    this.replaying = true;
    try {
      for (let k = 0; k < runs; k++) {
        const plan: StepPlan = new Map();
        if (this.options.space === 'uniform') {
          for (const st of stages) plan.set(st, thetaIndices(env, k));
        } else {
          let rest = k;
          for (let i = stages.length - 1; i >= 0; i--) {
            plan.set(stages[i] as string, thetaIndices(env, rest % n));
            rest = Math.floor(rest / n);
          }
        }
        const ret = await playPlan(env, plan, reset, step);
        if (ret > bestReturn) {
          bestReturn = ret;
          best = plan;
        }
      }
      await reset();
    } finally {
      this.replaying = false;
    }
    this.lastSearch = { seed, bestReturn, runs };
    return best as StepPlan;
  }

  protected override release(): void {
    this.unlisten();
  }
}

export const oracleFactory = registerBaseline({
  name: 'oracle',
  description: 'StepConf §7.1 brute-force Oracle: re-runs each episode from its seed with every static plan, plays the best (StepConf on the simulator, small instances)',
  supports(env) {
    const why = refuseUnless('oracle', env, ['stepconf'], 'it enumerates StepConf\'s static step configurations');
    if (why) return why;
    const f = familyOf(env);
    if (!onSimulator(f)) return `oracle re-runs episodes from their seed, which only the simulator can; ${f.family === 'stepconf' ? f.env.settings.id : 'this env'} runs on backend ${quote((f.env as StepConfEnv).settings.backend.kind)}`;
    return null;
  },
  schema: ORACLE_SCHEMA,
  build: (env, o, seed) => new OracleAgent(env, { space: o.space, maxRuns: o.maxRuns }, seed),
});
