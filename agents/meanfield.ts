/**
 * Mean-field actor-critic (Yang et al., "Mean Field Multi-Agent Reinforcement
 * Learning", ICML 2018), the MF baseline of FaaSConf (paper 000, §4.2 eq. 5;
 * the MF of SIMPPO in the §5.2.3 ablation), with deterministic actors. CLI name `meanfield`.
 *
 * Each agent's critic sees its own state and action and the mean action of
 * its neighbours instead of the joint action:
 *
 *   Q_j(s, a) ≈ Q_j(s_j, a_j, ā_j),  ā_j = (1 / |N^j|) Σ_{k ∈ N^j} a_k   (eq. 5)
 *
 * where N^j is agent j's neighbourhood in `env.adjacency()` (the workflow
 * topology; all other agents when the env has none; self-loops ignored; an
 * agent without neighbours gets ā_j = 0). The actor is π_j(s_j). Training as
 * MADDPG (`actor-critic-marl.ts`): critics regress on
 * y_j = r_j + γ Q'_j(s'_j, π'_j(s'_j), ā'_j) with ā' from the target actors;
 * actor j ascends Q_j(s_j, π_j(s_j), ā_j) with ā_j from the replay.
 *
 * Defaults are MADDPG's (`maddpg.ts`, Lowe et al. and the FaaSConf authors'
 * implementation) except `shareParameters`: 'auto', one actor and one critic
 * for all agents when their spaces match, as the FaaSConf implementation
 * (`MF_MARL.py`, `Attmf.py`) shares one network among all functions.
 */
import type { AnyEnv } from '../src/core/env.js';
import { MultiAgentActorCritic, marlFields, marlSupports, resolveMarlOptions, type MarlHyperparameters } from './actor-critic-marl.js';
import { options, type z } from './option-fields.js';
import type { AgentFactory } from './agent.js';
import { MADDPG_DEFAULTS, MADDPG_SOURCES } from './maddpg.js';
import { registerAgent } from './registry.js';

/** The options of `meanfield`: those of MADDPG without `useGlobalState`; `shareParameters` `auto` (FaaSConf implementation). */
export const MEANFIELD_SCHEMA = options(marlFields({ ...meanfieldDefaults(), shareParameters: 'auto' }, { ...MADDPG_SOURCES, shareParameters: 'FaaSConf MF_MARL.py, Attmf.py: one network shared by all functions' }));

function meanfieldDefaults(): Omit<MarlHyperparameters, 'useGlobalState' | 'attentionDim'> {
  const { useGlobalState: _unused, ...common } = MADDPG_DEFAULTS;
  return { ...common, hidden: [...common.hidden] };
}

export type MeanFieldOptions = z.input<typeof MEANFIELD_SCHEMA>;

export const MEANFIELD_DEFAULTS: Readonly<MarlHyperparameters> = Object.freeze(MEANFIELD_SCHEMA.parse({}));

export function resolveMeanFieldOptions(options: MeanFieldOptions | Record<string, unknown> = {}): MarlHyperparameters {
  return resolveMarlOptions('meanfield', MEANFIELD_SCHEMA, options);
}

export class MeanField extends MultiAgentActorCritic {
  readonly name = 'meanfield' as const;

  /** Build for `env` (call `await initTf()` first, or use `MeanField.create`). */
  constructor(env: AnyEnv, options: MeanFieldOptions | Record<string, unknown> = {}, seed = 0) {
    super('meanfield', env, resolveMeanFieldOptions(options), seed);
  }

  static async create(env: AnyEnv, options: MeanFieldOptions | Record<string, unknown> = {}, seed = 0): Promise<MeanField> {
    await MultiAgentActorCritic.ready();
    return new MeanField(env, options, seed);
  }
}

export const meanfieldFactory: AgentFactory = {
  name: 'meanfield',
  kind: 'multi',
  description: 'Mean-field actor-critic (FaaSConf §4.2 eq. 5, Yang et al. 2018): critics see own state/action and the neighbours\' mean action; Box actions',
  supports: (env) => marlSupports('meanfield', env),
  create: (env, options, seed) => MeanField.create(env, options, seed),
};

registerAgent(meanfieldFactory);
