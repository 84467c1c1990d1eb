import { ResetNeededError } from '../errors.js';
import type { ParallelEnv, ParallelStepResult, ResetOptions, ResetResult, StepResult } from '../env.js';
import { ParallelWrapper, Wrapper } from './wrapper.js';

/** Throws `ResetNeededError` when `step` is called before the first `reset` (Gymnasium's OrderEnforcing). */
export class OrderEnforcing<O, A> extends Wrapper<O, A> {
  private hasReset = false;

  override async reset(opts?: ResetOptions): Promise<ResetResult<O>> {
    const result = await this.env.reset(opts);
    this.hasReset = true;
    return result;
  }

  override async step(action: A): Promise<StepResult<O>> {
    if (!this.hasReset) throw new ResetNeededError('call reset() before step() (OrderEnforcing)');
    return this.env.step(action);
  }
}

/** Parallel counterpart of `OrderEnforcing`. */
export class ParallelOrderEnforcing<Id extends string, O, A> extends ParallelWrapper<Id, O, A> {
  private hasReset = false;

  override async reset(opts?: ResetOptions): ReturnType<ParallelEnv<Id, O, A>['reset']> {
    const result = await this.env.reset(opts);
    this.hasReset = true;
    return result;
  }

  override async step(actions: Record<Id, A>): Promise<ParallelStepResult<Id, O>> {
    if (!this.hasReset) throw new ResetNeededError('call reset() before step() (OrderEnforcing)');
    return this.env.step(actions);
  }
}
