/**
 * AttMF: attention mean-field MARL, FaaSConf's learner (paper 000, §4.2,
 * eqs. 6–9, Fig. 5). CLI name `attmf`.
 *
 * A weighted mean field replaces MADDPG's joint state and action: agent j's
 * critic sees its own state and action and the attention-weighted means of
 * its neighbours' states and actions, and its actor its own state and the
 * neighbours' weighted mean state:
 *
 *   Q_j(s_j, s̃_j, a_j, ã_j),  s̃_j = Σ_{k ∈ N^j} w^{jk} s_k / W_j,  ã_j = Σ w^{jk} a_k / W_j   (eqs. 6–7)
 *   π_j(s_j, ŝ_j),            ŝ_j = Σ_{k ∈ N^j} u^{jk} s_k / U_j                             (eq. 8)
 *
 * The weights come from two separate attention modules, one for the critic
 * (w) and one for the actor (u), each with learnable query and key
 * projections W_q, W_k of agent states, a scaled dot product, and the
 * workflow adjacency A (`env.adjacency()`; all other agents when absent):
 * α^{jk} ∝ exp(s_j W_q · s_k W_k / √d_k) · A^{jk} (eq. 9, `src/nn/attention.ts`;
 * masked neighbours get exactly zero weight and each row sums to 1, so W_j =
 * U_j = 1). The critic attention trains with the critic loss, the actor
 * attention with the actor loss; both have target copies. Training as
 * MADDPG (`actor-critic-marl.ts`): y_j = r_j + γ Q'_j(s'_j, s̃'_j, π'_j, ã'_j)
 * with every agent's next action from the target actors; actor j ascends Q_j
 * with a_j = π_j(s_j, ŝ_j) and the neighbours' actions in ã_j as sampled.
 *
 * Defaults are MADDPG's (`maddpg.ts`) except `shareParameters`: 'auto' (the
 * FaaSConf implementation, `Attmf.py`, shares one actor, one critic and one
 * attention module per role among all functions) and `attentionDim` 32
 * (its `networks.py`). Its attention squares the dot product instead of the
 * paper's exp; we follow the paper.
 */
import type { AnyEnv } from '../src/core/env.js';
import { MultiAgentActorCritic, marlSupports, resolveMarlOptions, type MarlHyperparameters } from './actor-critic-marl.js';
import { integer, type z } from './option-fields.js';
import type { AgentFactory } from './agent.js';
import { MEANFIELD_SCHEMA } from './meanfield.js';
import { registerAgent } from './registry.js';

/** The options of `attmf`: those of `meanfield` plus the attention size. */
export const ATTMF_SCHEMA = MEANFIELD_SCHEMA.extend({
  attentionDim: integer({ default: 32, min: 1, max: 1024, maxWhy: 'queries and keys of 1024 already outnumber any observation here', doc: 'size d_k of the attention queries and keys', source: 'FaaSConf implementation, networks.py' }),
});

export type AttMFOptions = z.input<typeof ATTMF_SCHEMA>;

export const ATTMF_DEFAULTS: Readonly<MarlHyperparameters> = Object.freeze(ATTMF_SCHEMA.parse({}));

export function resolveAttMFOptions(options: AttMFOptions | Record<string, unknown> = {}): MarlHyperparameters {
  return resolveMarlOptions('attmf', ATTMF_SCHEMA, options);
}

export class AttMF extends MultiAgentActorCritic {
  readonly name = 'attmf' as const;

  /** Build for `env` (call `await initTf()` first, or use `AttMF.create`). */
  constructor(env: AnyEnv, options: AttMFOptions | Record<string, unknown> = {}, seed = 0) {
    super('attmf', env, resolveAttMFOptions(options), seed);
  }

  static async create(env: AnyEnv, options: AttMFOptions | Record<string, unknown> = {}, seed = 0): Promise<AttMF> {
    await MultiAgentActorCritic.ready();
    return new AttMF(env, options, seed);
  }
}

export const attmfFactory: AgentFactory = {
  name: 'attmf',
  kind: 'multi',
  description: 'Attention mean-field MARL (FaaSConf §4.2, eqs. 6–9): topology-masked attention over neighbour states/actions, separate actor and critic attention; Box actions',
  supports: (env) => marlSupports('attmf', env),
  create: (env, options, seed) => AttMF.create(env, options, seed),
};

registerAgent(attmfFactory);
