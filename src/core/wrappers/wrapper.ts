import type { Env, EnvSpecInfo, ParallelEnv, ResetOptions, ResetResult, StepResult } from '../env.js';
import type { Space } from '../../spaces/space.js';

/**
 * Base of all single-agent wrappers: forwards everything to the wrapped env.
 * A wrapper overrides the one method it changes (and its spaces, if it changes them).
 */
export class Wrapper<O = unknown, A = unknown, IO = O, IA = A> implements Env<O, A> {
  constructor(readonly env: Env<IO, IA>) {}

  get observationSpace(): Space<O> {
    return this.env.observationSpace as unknown as Space<O>;
  }

  get actionSpace(): Space<A> {
    return this.env.actionSpace as unknown as Space<A>;
  }

  get spec(): EnvSpecInfo | undefined {
    return this.env.spec;
  }

  set spec(value: EnvSpecInfo | undefined) {
    this.env.spec = value;
  }

  /** The innermost environment. */
  get unwrapped(): Env<unknown, unknown> {
    let env: Env<unknown, unknown> = this.env as Env<unknown, unknown>;
    while (env instanceof Wrapper) env = env.env as Env<unknown, unknown>;
    return env;
  }

  reset(opts?: ResetOptions): Promise<ResetResult<O>> {
    return this.env.reset(opts) as unknown as Promise<ResetResult<O>>;
  }

  step(action: A): Promise<StepResult<O>> {
    return this.env.step(action as unknown as IA) as unknown as Promise<StepResult<O>>;
  }

  close(): Promise<void> {
    return this.env.close();
  }
}

/** Base of wrappers around parallel (multi-agent) environments. */
export class ParallelWrapper<Id extends string = string, O = unknown, A = unknown> implements ParallelEnv<Id, O, A> {
  constructor(readonly env: ParallelEnv<Id, O, A>) {
    if (env.state) this.state = () => (env.state as () => number[]).call(env);
    if (env.adjacency) this.adjacency = () => (env.adjacency as () => number[][]).call(env);
  }

  state?: () => number[];
  adjacency?: () => number[][];

  get possibleAgents(): readonly Id[] {
    return this.env.possibleAgents;
  }

  get agents(): readonly Id[] {
    return this.env.agents;
  }

  get spec(): EnvSpecInfo | undefined {
    return this.env.spec;
  }

  set spec(value: EnvSpecInfo | undefined) {
    this.env.spec = value;
  }

  observationSpace(agent: Id): Space<O> {
    return this.env.observationSpace(agent);
  }

  actionSpace(agent: Id): Space<A> {
    return this.env.actionSpace(agent);
  }

  reset(opts?: ResetOptions): ReturnType<ParallelEnv<Id, O, A>['reset']> {
    return this.env.reset(opts);
  }

  step(actions: Record<Id, A>): ReturnType<ParallelEnv<Id, O, A>['step']> {
    return this.env.step(actions);
  }

  close(): Promise<void> {
    return this.env.close();
  }
}
