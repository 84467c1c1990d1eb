/**
 * Trivially solvable environments for the actor-critic learners' tests:
 * a one-step continuous bandit (single agent) and a cooperative parallel env
 * whose agents must each act near a target read off their own observation
 * and their neighbour's.
 */
import { BaseEnv } from '../../src/core/base-env.js';
import { BaseParallelEnv } from '../../src/core/base-parallel-env.js';
import type { ParallelResetResult, ParallelStepResult, ResetResult, StepResult } from '../../src/core/env.js';
import { Box } from '../../src/spaces/box.js';
import { Discrete } from '../../src/spaces/discrete.js';

/** Observe s ~ U(-1, 1); act a ∈ [-2, 2]; reward −(a − s)²; one step per episode. Optimum 0, random ≈ −1.67. */
export class ContinuousBandit extends BaseEnv<number[], number[]> {
  readonly observationSpace = new Box({ low: -1, high: 1, shape: [1] });
  readonly actionSpace = new Box({ low: -2, high: 2, shape: [1] });
  private s = 0;

  protected resetEnv(): ResetResult<number[]> {
    this.s = Math.fround(this.rng.uniform(-1, 1));
    return { obs: [this.s], info: {} };
  }

  protected stepEnv(action: number[]): StepResult<number[]> {
    const a = action[0] as number;
    return { obs: [this.s], reward: -((a - this.s) ** 2), terminated: true, truncated: false, info: {} };
  }
}

/**
 * `n` agents in a chain (adjacency: j ~ j ± 1). Agent j observes
 * [x_j, x_{j+1 mod n}] with x ~ U(-1, 1) drawn afresh every step, acts
 * a_j ∈ [-1, 1] and should play t_j = (x_j + x_{j+1}) / 2. Every agent gets
 * the shared reward −mean_j |a_j − t_j| (optimum 0, uniform random ≈ −0.56).
 * Episodes last `horizon` steps (truncation). `state()` is all x.
 */
export class CooperativeTargets extends BaseParallelEnv<string, number[], number[]> {
  readonly possibleAgents: string[];
  private x: number[];

  constructor(readonly n = 3, readonly horizon = 10) {
    super();
    this.possibleAgents = Array.from({ length: n }, (_, j) => `f${j}`);
    this.x = new Array<number>(n).fill(0);
  }
  private t = 0;

  observationSpace(): Box {
    return new Box({ low: -1, high: 1, shape: [2] });
  }

  actionSpace(): Box {
    return new Box({ low: -1, high: 1, shape: [1] });
  }

  state(): number[] {
    return [...this.x];
  }

  adjacency(): number[][] {
    return this.possibleAgents.map((_, j) => this.possibleAgents.map((__, k) => (Math.abs(j - k) === 1 || Math.abs(j - k) === this.n - 1 ? 1 : 0)));
  }

  private draw(): Record<string, number[]> {
    this.x = this.possibleAgents.map(() => Math.fround(this.rng.uniform(-1, 1)));
    const obs: Record<string, number[]> = {};
    this.possibleAgents.forEach((id, j) => (obs[id] = [this.x[j] as number, this.x[(j + 1) % this.n] as number]));
    return obs;
  }

  /** The optimal action of agent j for the current observation. */
  targetOf(j: number): number {
    return ((this.x[j] as number) + (this.x[(j + 1) % this.n] as number)) / 2;
  }

  protected resetEnv(): ParallelResetResult<string, number[]> {
    this.t = 0;
    const obs = this.draw();
    return { obs, info: Object.fromEntries(this.possibleAgents.map((id) => [id, {}])) };
  }

  protected stepEnv(actions: Record<string, number[]>): ParallelStepResult<string, number[]> {
    let err = 0;
    this.possibleAgents.forEach((id, j) => (err += Math.abs((actions[id] as number[])[0] as number - this.targetOf(j))));
    const reward = -err / this.n;
    this.t++;
    const obs = this.draw();
    const done = this.t >= this.horizon;
    const per = <T>(v: T): Record<string, T> => Object.fromEntries(this.possibleAgents.map((id) => [id, v]));
    return { obs, rewards: per(reward), terminations: per(false), truncations: per(done), infos: per({}) };
  }
}

/** A parallel env whose second agent has a Discrete action: the Box learners must refuse it. */
export class MixedActions extends BaseParallelEnv<string, number[], unknown> {
  readonly possibleAgents = ['a', 'b'];
  observationSpace(): Box {
    return new Box({ low: -1, high: 1, shape: [1] });
  }
  actionSpace(agent: string): Box | Discrete {
    return agent === 'a' ? new Box({ low: -1, high: 1, shape: [1] }) : new Discrete(3);
  }
  protected resetEnv(): ParallelResetResult<string, number[]> {
    return { obs: { a: [0], b: [0] }, info: { a: {}, b: {} } };
  }
  protected stepEnv(): ParallelStepResult<string, number[]> {
    return { obs: { a: [0], b: [0] }, rewards: { a: 0, b: 0 }, terminations: { a: true, b: true }, truncations: { a: false, b: false }, infos: { a: {}, b: {} } };
  }
}
