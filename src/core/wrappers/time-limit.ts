import { ConfigError, ResetNeededError, quote } from '../errors.js';
import type { Env, ParallelEnv, ParallelStepResult, ResetOptions, ResetResult, StepResult } from '../env.js';
import { ParallelWrapper, Wrapper } from './wrapper.js';

function checkSteps(maxEpisodeSteps: number): void {
  if (!Number.isSafeInteger(maxEpisodeSteps) || maxEpisodeSteps < 1) {
    throw new ConfigError(`maxEpisodeSteps must be a positive integer, got ${quote(maxEpisodeSteps)}`);
  }
}

/**
 * Truncates the episode after `maxEpisodeSteps` steps (`truncated: true`), as
 * Gymnasium's TimeLimit; a further `step` before `reset` throws `ResetNeededError`.
 */
export class TimeLimit<O, A> extends Wrapper<O, A> {
  private elapsed = 0;

  constructor(env: Env<O, A>, readonly maxEpisodeSteps: number) {
    super(env);
    checkSteps(maxEpisodeSteps);
  }

  override async reset(opts?: ResetOptions): Promise<ResetResult<O>> {
    this.elapsed = 0;
    return this.env.reset(opts);
  }

  override async step(action: A): Promise<StepResult<O>> {
    if (this.elapsed >= this.maxEpisodeSteps) {
      throw new ResetNeededError(`the episode was truncated after ${this.maxEpisodeSteps} steps; call reset()`);
    }
    const result = await this.env.step(action);
    this.elapsed += 1;
    if (this.elapsed >= this.maxEpisodeSteps) result.truncated = true;
    return result;
  }
}

/** Truncates every live agent after `maxEpisodeSteps` parallel steps. */
export class ParallelTimeLimit<Id extends string, O, A> extends ParallelWrapper<Id, O, A> {
  private elapsed = 0;
  private truncatedAll = false;

  constructor(env: ParallelEnv<Id, O, A>, readonly maxEpisodeSteps: number) {
    super(env);
    checkSteps(maxEpisodeSteps);
  }

  override get agents(): readonly Id[] {
    return this.truncatedAll ? [] : this.env.agents;
  }

  override async reset(opts?: ResetOptions): ReturnType<ParallelEnv<Id, O, A>['reset']> {
    this.elapsed = 0;
    this.truncatedAll = false;
    return this.env.reset(opts);
  }

  override async step(actions: Record<Id, A>): Promise<ParallelStepResult<Id, O>> {
    if (this.truncatedAll) throw new ResetNeededError(`the episode was truncated after ${this.maxEpisodeSteps} steps; call reset()`);
    const result = await this.env.step(actions);
    this.elapsed += 1;
    if (this.elapsed >= this.maxEpisodeSteps) {
      for (const agent of Object.keys(result.truncations) as Id[]) result.truncations[agent] = true;
      this.truncatedAll = true;
    }
    return result;
  }
}
