/**
 * MADDPG: multi-agent deep deterministic policy gradient (Lowe et al.,
 * "Multi-Agent Actor-Critic for Mixed Cooperative-Competitive Environments",
 * NeurIPS 2017), as FaaSConf formulates it (paper 000, §4.1, eqs. 3–4).
 * CLI name `maddpg`.
 *
 * Centralised training with decentralised execution: every agent j has a
 * deterministic actor π_j(s_j) on its own observation and a centralised critic
 * Q_j(s_1 … s_n, a_1 … a_n) over the global state and the joint action. The
 * global state is `env.state()` when the env has one (FaaSConf's: all
 * functions' observations plus end-to-end latency, throughput and users) and
 * `useGlobalState` is on, else the concatenated observations. Critics regress
 * on y_j = r_j + γ Q'_j(s', π'_1(s'_1) … π'_n(s'_n)) (eq. 3); actor j ascends
 * Q_j with its own action replaced by π_j(s_j) and the others' as sampled
 * (eq. 4). Machinery shared with the mean-field variants (replay, noise,
 * targets, checkpoints) is in `actor-critic-marl.ts`.
 *
 * FaaSConf gives no hyperparameters for MADDPG (its §5.2.3 ablation names
 * it only); the defaults follow Lowe et al. and the FaaSConf authors'
 * implementation (github.com/wiluen/FaaSConf, `MADDPG.py`), each with its
 * source in `MADDPG_SCHEMA` below (rendered into docs/agents/learners.md).
 */
import type { AnyEnv } from '../src/core/env.js';
import { MultiAgentActorCritic, marlFields, marlSupports, resolveMarlOptions, type MarlHyperparameters } from './actor-critic-marl.js';
import { boolean, options, type z } from './option-fields.js';
import type { AgentFactory } from './agent.js';
import { registerAgent } from './registry.js';

/** Where MADDPG's defaults come from (meanfield and attmf inherit them). */
export const MADDPG_SOURCES = {
  hidden: 'Lowe et al. §5 (two-layer ReLU MLP, 64 units); FaaSConf networks.py',
  activation: 'Lowe et al. §5; FaaSConf networks.py',
  actorLearningRate: 'FaaSConf MADDPG.py lr_a (Lowe et al.: 0.01)',
  criticLearningRate: 'SB3 DDPG (FaaSConf MADDPG.py: 0.003)',
  batchSize: 'FaaSConf MADDPG.py, Attmf.py (Lowe et al.: 1024)',
  gamma: 'Lowe et al.; FaaSConf MADDPG.py',
  tau: 'Lowe et al.; FaaSConf Attmf.py soft_replace_rate',
  bufferSize: 'Lowe et al.',
  learningStarts: 'SB3 off-policy defaults',
  trainFreq: 'SB3 off-policy defaults',
  gradientSteps: 'SB3 off-policy defaults',
  noise: 'FaaSConf MADDPG.py/Attmf.py: a + N(0, 0.1) (on a [0, 1] scale there)',
  noiseSigma: 'FaaSConf MADDPG.py/Attmf.py',
  maxGradNorm: 'Lowe et al.\'s code; FaaSConf MADDPG.py',
  actionRegularization: 'off as in FaaSConf MADDPG.py (Lowe et al.\'s code: 1e-3 on the pre-activations)',
  shareParameters: 'Lowe et al. and MADDPG.py: one actor and one critic per agent',
} as const;

/** MADDPG's options: type, bounds, default and its source per field. */
export const MADDPG_SCHEMA = options({
  ...marlFields({
    hidden: [64, 64],
    activation: 'relu',
    actorLearningRate: 0.001,
    criticLearningRate: 0.001,
    batchSize: 64,
    gamma: 0.95,
    tau: 0.01,
    bufferSize: 1_000_000,
    learningStarts: 100,
    trainFreq: 1,
    gradientSteps: 1,
    noise: 'normal',
    noiseSigma: 0.1,
    noiseTheta: 0.15,
    maxGradNorm: 0.5,
    actionRegularization: 0,
    shareParameters: false,
    agentIds: false,
  }, MADDPG_SOURCES),
  useGlobalState: boolean({ default: true, doc: 'feed the critics `env.state()` when the env has one; else (or when false) the concatenated observations', source: 'FaaSConf §4.1' }),
});

export type MADDPGOptions = z.input<typeof MADDPG_SCHEMA>;

export const MADDPG_DEFAULTS: Readonly<MarlHyperparameters> = Object.freeze(MADDPG_SCHEMA.parse({}));

export function resolveMADDPGOptions(options: MADDPGOptions | Record<string, unknown> = {}): MarlHyperparameters {
  return resolveMarlOptions('maddpg', MADDPG_SCHEMA, options);
}

export class MADDPG extends MultiAgentActorCritic {
  readonly name = 'maddpg' as const;

  /** Build for `env` (call `await initTf()` first, or use `MADDPG.create`). */
  constructor(env: AnyEnv, options: MADDPGOptions | Record<string, unknown> = {}, seed = 0) {
    super('maddpg', env, resolveMADDPGOptions(options), seed);
  }

  static async create(env: AnyEnv, options: MADDPGOptions | Record<string, unknown> = {}, seed = 0): Promise<MADDPG> {
    await MultiAgentActorCritic.ready();
    return new MADDPG(env, options, seed);
  }
}

export const maddpgFactory: AgentFactory = {
  name: 'maddpg',
  kind: 'multi',
  description: 'MADDPG (FaaSConf §4.1, Lowe et al. 2017): per-agent actors, centralised critics over the global state and joint action; Box actions',
  supports: (env) => marlSupports('maddpg', env),
  create: (env, options, seed) => MADDPG.create(env, options, seed),
};

registerAgent(maddpgFactory);
