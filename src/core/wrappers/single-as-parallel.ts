import type { Env, EnvSpecInfo, Info, ParallelEnv, ParallelResetResult, ParallelStepResult, ResetOptions } from '../env.js';
import { ResetNeededError } from '../errors.js';
import type { Space } from '../../spaces/space.js';

/**
 * A single-agent Env seen as a ParallelEnv with one agent (`agent_0`), so
 * multi-agent learners run on single-agent environments.
 */
export class SingleAgentAsParallel<O, A> implements ParallelEnv<'agent_0', O, A> {
  readonly possibleAgents = ['agent_0'] as const;
  agents: 'agent_0'[] = [];

  constructor(readonly env: Env<O, A>) {}

  get spec(): EnvSpecInfo | undefined {
    return this.env.spec;
  }

  set spec(value: EnvSpecInfo | undefined) {
    this.env.spec = value;
  }

  observationSpace(): Space<O> {
    return this.env.observationSpace;
  }

  actionSpace(): Space<A> {
    return this.env.actionSpace;
  }

  async reset(opts?: ResetOptions): Promise<ParallelResetResult<'agent_0', O>> {
    const r = await this.env.reset(opts);
    this.agents = ['agent_0'];
    return { obs: { agent_0: r.obs }, info: { agent_0: r.info } };
  }

  async step(actions: Record<'agent_0', A>): Promise<ParallelStepResult<'agent_0', O>> {
    if (this.agents.length === 0) throw new ResetNeededError('call reset() before step() (SingleAgentAsParallel)');
    const r = await this.env.step(actions.agent_0);
    if (r.terminated || r.truncated) this.agents = [];
    const info: Info = r.info;
    return { obs: { agent_0: r.obs }, rewards: { agent_0: r.reward }, terminations: { agent_0: r.terminated }, truncations: { agent_0: r.truncated }, infos: { agent_0: info } };
  }

  close(): Promise<void> {
    return this.env.close();
  }
}
