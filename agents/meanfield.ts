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
 * actor j ascends Q_j(s_j, π_j(s_j), ā_j) with ā_j from the replay. What the
 * actors and critics see is `MeanFieldStrategy` below.
 *
 * Defaults are MADDPG's (`maddpg.ts`, Lowe et al. and the FaaSConf authors'
 * implementation) except `shareParameters`: 'auto', one actor and one critic
 * for all agents when their spaces match, as the FaaSConf implementation
 * (`MF_MARL.py`, `Attmf.py`) shares one network among all functions.
 */
import type { AnyEnv } from '../src/core/env.js';
import { tf } from '../src/nn/tf.js';
import { MultiAgentActorCritic, marlSupports } from './actor-critic-marl.js';
import { marlFields, resolveMarlOptions, type MarlHyperparameters } from './actor-critic-marl-options.js';
import { copy, type MarlContext, type MarlNetworks, type MarlStrategy, type MarlStrategyFactory } from './actor-critic-marl-strategy.js';
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

// ================================================================ INPUTS

/**
 * Mean-field inputs: actor j sees s_j; critic j sees (s_j, a_j, ā_j) with
 * ā_j = Σ_k Â^{jk} a_k, Â the adjacency with each row divided by its sum
 * (the mean over N^j, eq. 5; a row without neighbours stays zero).
 */
class MeanFieldStrategy implements MarlStrategy {
  readonly actorWidth: number;
  readonly criticWidth: number;
  private readonly N: number;
  private readonly D: number;
  private readonly M: number;
  /** Row-normalised adjacency Â [N, N], as a tensor and as numbers. */
  private readonly meanFieldT: tf.Tensor2D;
  private readonly meanField: Float32Array;

  constructor(ctx: MarlContext) {
    this.N = ctx.agents;
    const D = (this.D = ctx.obsDim), M = (this.M = ctx.actionDim);
    this.actorWidth = D;
    this.criticWidth = D + 2 * M;
    this.meanFieldT = tf.tidy(() => {
      const rows = ctx.adjacencyT.sum(1, true);
      return ctx.adjacencyT.div(tf.where(rows.greater(0), rows, tf.onesLike(rows))) as tf.Tensor2D;
    });
    this.meanField = this.meanFieldT.dataSync() as Float32Array;
  }

  actorInput(_nets: MarlNetworks, obs: tf.Tensor3D): tf.Tensor3D {
    return obs;
  }

  criticInput(_nets: MarlNetworks, obs: tf.Tensor3D, own: tf.Tensor3D, others: tf.Tensor3D): tf.Tensor3D {
    const [N, B] = obs.shape;
    const M = this.M;
    // (s_j, a_j, ā_j): one [N, N] × [N, B·M] product gives every agent's neighbour mean (eq. 5).
    const mean = tf.matMul(this.meanFieldT, others.reshape([N, B * M])).reshape([N, B, M]);
    return tf.concat([obs, own, mean], 2) as tf.Tensor3D;
  }

  fillActorInput(_nets: MarlNetworks, obs: Float32Array, B: number, x: Float32Array, width: number): null {
    for (let r = 0; r < this.N * B; r++) copy(x, r * width, obs, r * this.D, this.D);
    return null;
  }

  fillCriticInput(_nets: MarlNetworks, obs: Float32Array, own: Float32Array, others: Float32Array, _global: Float32Array | null, B: number, x: Float32Array, width: number): null {
    const { N, D, M } = this;
    for (let j = 0; j < N; j++) {
      for (let k = 0; k < B; k++) {
        const o = (j * B + k) * width;
        copy(x, o, obs, (j * B + k) * D, D);
        copy(x, o + D, own, (j * B + k) * M, M);
        for (let l = 0; l < N; l++) {
          const c = this.meanField[j * N + l] as number;
          if (c === 0) continue;
          for (let i = 0; i < M; i++) x[o + D + M + i] = (x[o + D + M + i] as number) + c * (others[(l * B + k) * M + i] as number);
        }
      }
    }
    return null;
  }

  ownColumn(): number {
    return this.D;
  }

  dispose(): void {
    this.meanFieldT.dispose();
  }
}

/** Mean-field as a variant of the shared learner: neighbours from `env.adjacency()`, no global state. */
export const MEANFIELD_STRATEGY: MarlStrategyFactory = {
  name: 'meanfield',
  usesAdjacency: true,
  attention: false,
  globalStateDim: () => 0,
  create: (ctx) => new MeanFieldStrategy(ctx),
};

// ================================================================ AGENT

export class MeanField extends MultiAgentActorCritic {
  readonly name = 'meanfield' as const;

  /** Build for `env` (call `await initTf()` first, or use `MeanField.create`). */
  constructor(env: AnyEnv, options: MeanFieldOptions | Record<string, unknown> = {}, seed = 0) {
    super(MEANFIELD_STRATEGY, env, resolveMeanFieldOptions(options), seed);
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
  supports: (env) => marlSupports(MEANFIELD_STRATEGY, env),
  create: (env, options, seed) => MeanField.create(env, options, seed),
};

registerAgent(meanfieldFactory);
