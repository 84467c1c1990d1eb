import { InvalidActionError, ResetNeededError, quote } from './errors.js';
import type { EnvSpecInfo, Info, ParallelEnv, ParallelResetResult, ParallelStepResult, ResetOptions } from './env.js';
import { Rng, entropySeed } from './rng.js';
import type { Space } from '../spaces/space.js';

/**
 * Base class for PettingZoo-style parallel environments. Like `BaseEnv` it owns
 * the seeded `rng`, enforces reset-before-step, validates actions (one per live
 * agent, each inside that agent's action space, no extra agents) and makes
 * `close()` idempotent. It also maintains `agents`: after each step, agents
 * whose termination or truncation is true leave the list.
 */
export abstract class BaseParallelEnv<Id extends string, O, A> implements ParallelEnv<Id, O, A> {
  abstract readonly possibleAgents: readonly Id[];
  agents: Id[] = [];
  spec?: EnvSpecInfo;
  protected rng: Rng = new Rng(0);
  private seeded = false;
  private closed = false;

  abstract observationSpace(agent: Id): Space<O>;
  abstract actionSpace(agent: Id): Space<A>;

  async reset(opts: ResetOptions = {}): Promise<ParallelResetResult<Id, O>> {
    let seedInfo: Info = {};
    if (opts.seed !== undefined) {
      this.rng = new Rng(opts.seed);
      this.seeded = true;
    } else if (!this.seeded) {
      const seed = entropySeed();
      this.rng = new Rng(seed);
      this.seeded = true;
      seedInfo = { seed };
    }
    this.agents = [...this.possibleAgents];
    const result = await this.resetEnv(opts.options ?? {});
    if (Object.keys(seedInfo).length > 0) {
      for (const agent of this.agents) result.info[agent] = { ...result.info[agent], ...seedInfo };
    }
    return result;
  }

  async step(actions: Record<Id, A>): Promise<ParallelStepResult<Id, O>> {
    if (this.agents.length === 0) {
      throw new ResetNeededError(`${this.constructor.name}: no live agents; call reset() before step()${this.closed ? ' (the environment was closed)' : ''}`);
    }
    if (typeof actions !== 'object' || actions === null || Array.isArray(actions)) {
      throw new InvalidActionError(`actions must be an object keyed by agent, got ${quote(actions)}`);
    }
    for (const agent of Object.keys(actions)) {
      if (!this.agents.includes(agent as Id)) {
        throw new InvalidActionError(`action for ${quote(agent)}, which is not a live agent (live: ${quote(this.agents)})`);
      }
    }
    for (const agent of this.agents) {
      if (!(agent in actions)) throw new InvalidActionError(`missing action for live agent ${quote(agent)}`);
      const space: Space<A> = this.actionSpace(agent);
      space.assertContains(actions[agent], `action for ${agent}`);
    }
    const result = await this.stepEnv(actions);
    this.agents = this.agents.filter((a) => !result.terminations[a] && !result.truncations[a]);
    return result;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.agents = [];
    await this.closeEnv();
  }

  /** The generator's state, for a training run's checkpoint (see src/experiment/train.ts). */
  getRngState(): number[] {
    return this.rng.getState();
  }

  /** Put back a state from `getRngState()`; the next unseeded `reset` then starts the same episode it did. */
  setRngState(state: readonly number[]): void {
    this.rng.setState(state);
    this.seeded = true;
  }

  protected abstract resetEnv(options: Record<string, unknown>): Promise<ParallelResetResult<Id, O>> | ParallelResetResult<Id, O>;
  /** Receives validated actions for exactly the live agents; returns results for them. */
  protected abstract stepEnv(actions: Record<Id, A>): Promise<ParallelStepResult<Id, O>> | ParallelStepResult<Id, O>;
  protected closeEnv(): Promise<void> | void {}
}
