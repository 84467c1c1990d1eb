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
 * targets, checkpoints) is in `actor-critic-marl.ts`; what MADDPG's actors
 * and critics see is `MaddpgStrategy` below.
 *
 * FaaSConf gives no hyperparameters for MADDPG (its §5.2.3 ablation names
 * it only); the defaults follow Lowe et al. and the FaaSConf authors'
 * implementation (github.com/wiluen/FaaSConf, `MADDPG.py`), each with its
 * source in `MADDPG_SCHEMA` below (rendered into docs/agents/learners.md).
 */
import type { AnyEnv, ParallelEnv } from '../src/core/env.js';
import { ConfigError, quote } from '../src/core/errors.js';
import { tf } from '../src/nn/tf.js';
import { MultiAgentActorCritic, marlSupports } from './actor-critic-marl.js';
import { marlFields, resolveMarlOptions, type MarlHyperparameters } from './actor-critic-marl-options.js';
import { copy, type MarlContext, type MarlNetworks, type MarlStrategy, type MarlStrategyFactory } from './actor-critic-marl-strategy.js';
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

// ================================================================ INPUTS

/**
 * MADDPG's inputs: actor j sees s_j; critic j sees (x, a_1 … a_n), x the
 * global state (`env.state()`) or (s_1 … s_n), with a_j in block j of the
 * joint action (eqs. 3–4). Every critic reads the same joint action except
 * its own block, which the actor loss replaces with π_j(s_j).
 */
class MaddpgStrategy implements MarlStrategy {
  readonly actorWidth: number;
  readonly criticWidth: number;
  private readonly N: number;
  private readonly D: number;
  private readonly M: number;
  private readonly G: number;
  /** [N, 1, N·M]: 1 on agent j's own block of the joint action; `otherBlocks` = 1 − `ownBlock`. */
  private readonly ownBlock: tf.Tensor3D;
  private readonly otherBlocks: tf.Tensor3D;

  constructor(ctx: MarlContext) {
    const N = (this.N = ctx.agents), D = (this.D = ctx.obsDim), M = (this.M = ctx.actionDim), G = (this.G = ctx.globalStateDim);
    this.actorWidth = D;
    this.criticWidth = (G > 0 ? G : N * D) + N * M;
    const own = new Float32Array(N * N * M);
    for (let j = 0; j < N; j++) own.fill(1, (j * N + j) * M, (j * N + j + 1) * M);
    this.ownBlock = tf.tensor3d(own, [N, 1, N * M]);
    this.otherBlocks = tf.tidy(() => tf.scalar(1).sub(this.ownBlock) as tf.Tensor3D);
  }

  actorInput(_nets: MarlNetworks, obs: tf.Tensor3D): tf.Tensor3D {
    return obs;
  }

  criticInput(_nets: MarlNetworks, obs: tf.Tensor3D, own: tf.Tensor3D, others: tf.Tensor3D, global: tf.Tensor2D | null): tf.Tensor3D {
    const [N, B] = obs.shape;
    const M = this.M;
    // (x, a_1 … a_n) with a_j from `own` in critic j's own block.
    const joint = others.transpose([1, 0, 2]).reshape([1, B, N * M]);
    const actions = own === others ? tf.tile(joint, [N, 1, 1]) : joint.mul(this.otherBlocks).add(tf.tile(own, [1, 1, N]).mul(this.ownBlock));
    const g = (global ?? obs.transpose([1, 0, 2]).reshape([B, N * this.D])).expandDims(0);
    return tf.concat([tf.tile(g, [N, 1, 1]), actions], 2) as tf.Tensor3D;
  }

  fillActorInput(_nets: MarlNetworks, obs: Float32Array, B: number, x: Float32Array, width: number): null {
    for (let r = 0; r < this.N * B; r++) copy(x, r * width, obs, r * this.D, this.D);
    return null;
  }

  fillCriticInput(_nets: MarlNetworks, obs: Float32Array, own: Float32Array, others: Float32Array, global: Float32Array | null, B: number, x: Float32Array, width: number): null {
    const { N, D, M, G } = this;
    for (let j = 0; j < N; j++) {
      for (let k = 0; k < B; k++) {
        const o = (j * B + k) * width;
        if (global) copy(x, o, global, k * G, G);
        else for (let l = 0; l < N; l++) copy(x, o + l * D, obs, (l * B + k) * D, D);
        const g = this.ownColumn(j) - j * M;
        for (let l = 0; l < N; l++) copy(x, o + g + l * M, l === j ? own : others, (l * B + k) * M, M);
      }
    }
    return null;
  }

  ownColumn(j: number): number {
    return (this.G > 0 ? this.G : this.N * this.D) + j * this.M;
  }

  dispose(): void {
    this.ownBlock.dispose();
    this.otherBlocks.dispose();
  }
}

/** MADDPG as a variant of the shared learner: every other agent a neighbour, the global state when asked for. */
export const MADDPG_STRATEGY: MarlStrategyFactory = {
  name: 'maddpg',
  usesAdjacency: false,
  attention: false,
  globalStateDim(view: ParallelEnv<string, unknown, unknown>, useGlobalState: boolean | undefined): number {
    if (!useGlobalState || !view.state) return 0;
    let s: unknown;
    try {
      s = view.state();
    } catch (err) {
      throw new ConfigError(`maddpg: env.state() failed before reset (${(err as Error).message}); pass useGlobalState: false to use the concatenated observations`);
    }
    if (!Array.isArray(s) || s.length === 0) throw new ConfigError(`maddpg: env.state() must return a non-empty number array, got ${quote(s)}`);
    return s.length;
  },
  create: (ctx) => new MaddpgStrategy(ctx),
};

// ================================================================ AGENT

export class MADDPG extends MultiAgentActorCritic {
  readonly name = 'maddpg' as const;

  /** Build for `env` (call `await initTf()` first, or use `MADDPG.create`). */
  constructor(env: AnyEnv, options: MADDPGOptions | Record<string, unknown> = {}, seed = 0) {
    super(MADDPG_STRATEGY, env, resolveMADDPGOptions(options), seed);
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
  supports: (env) => marlSupports(MADDPG_STRATEGY, env),
  create: (env, options, seed) => MADDPG.create(env, options, seed),
};

registerAgent(maddpgFactory);
