/**
 * Uniformly random actions: the floor every heuristic and learner should
 * clear. On `FaaSRank-v0` a uniformly random *valid* invoker (the mask in the
 * observation, `randomValid` of envs/faasrank/policies.ts); elsewhere
 * `actionSpace.sample` of the single-agent view (the joint action on a
 * ParallelEnv). Draws come from the agent's seeded Rng. CLI name `random`;
 * every env whose action space can be sampled.
 */
import type { FaaSRankEnv } from '../../envs/faasrank/faasrank-env.js';
import { randomValid } from '../../envs/faasrank/policies.js';
import type { AnyEnv } from '../../src/core/env.js';
import type { Space } from '../../src/spaces/space.js';
import { BaselineAgent, familyOf, NO_OPTIONS, registerBaseline, singleView } from './common.js';

export class RandomAgent extends BaselineAgent {
  private readonly space: Space<unknown>;
  /** FaaSRank: where the mask lies in the observation. */
  private readonly mask: { offset: number; length: number } | null;

  constructor(env: AnyEnv, seed: number) {
    super('random', env, {}, seed);
    this.space = singleView(env).actionSpace;
    const f = familyOf(env);
    this.mask = f.family === 'faasrank' ? { offset: (f.env as FaaSRankEnv).layout.maskOffset, length: (f.env as FaaSRankEnv).layout.maxInvokers } : null;
  }

  async act(obs: unknown): Promise<unknown> {
    if (this.mask) {
      const o = obs as ArrayLike<number>;
      return randomValid(Array.from({ length: this.mask.length }, (_, i) => o[(this.mask as { offset: number }).offset + i] as number), this.rng);
    }
    return this.space.sample(this.rng);
  }
}

export const randomFactory = registerBaseline({
  name: 'random',
  description: 'uniformly random actions (valid invokers only on FaaSRank-v0): the floor to beat',
  supports(env) {
    try {
      const space = singleView(env).actionSpace;
      if (typeof space.sample !== 'function') return 'random needs an action space it can sample';
    } catch (err) {
      return `random cannot view this environment as a single agent: ${(err as Error).message}`;
    }
    return null;
  },
  schema: NO_OPTIONS,
  build(env, _o, seed) {
    return new RandomAgent(env, seed);
  },
});
