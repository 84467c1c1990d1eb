/**
 * PPO's options (the schema, its defaults, `resolvePPOOptions`) and the policy
 * contract (`PpoPolicy`, `ActResult`) that agents/ppo.ts's MLP policy and
 * agents/ppo-rank.ts's score-rank-select policy both implement. In a file of
 * its own so that neither policy imports the other (agents/ppo.ts picks one).
 */
import type { Rng } from '../src/core/rng.js';
import type { LoadedCheckpoint } from '../src/nn/checkpoint.js';
import type { tf } from '../src/nn/tf.js';
import { boolean, gamma, gradientSteps, hidden, integer, learningRate, maxGradNorm, nullableNumber, number, oneOf, options, parseOptions, steps, unit, type z } from './option-fields.js';
// ============================================================================
// Options
// ============================================================================

/**
 * The options of PPO: type, bounds, default and its source per field. The
 * defaults are the MLP policy's, CleanRL `ppo.py` (SB3's PPO agrees except
 * `n_steps` 2048, batch 64, 10 epochs, no value clipping, entropy 0);
 * score-rank-select overlays `PPO_RANK_DEFAULTS` (FaaSRank §IV-C, §V-B).
 */
export const PPO_SCHEMA = options({
  policy: oneOf({ values: ['auto', 'mlp', 'rank'] as const, default: 'auto', doc: '`auto`: score-rank-select when the env exposes a candidate layout, else the MLP policy' }),
  learningRate: learningRate(2.5e-4, { doc: 'Adam(W) learning rate (score-rank-select: 2e-4, FaaSRank §V-B)', source: 'CleanRL ppo.py' }),
  weightDecay: number({ default: 0, min: 0, max: 1, maxWhy: 'a decay of more than the whole weight per step', doc: 'decoupled weight decay (AdamW; 0 = Adam; score-rank-select: 0.01, §V-B names AdamW, 0.01 is PyTorch\'s default)', source: 'CleanRL uses Adam' }),
  adamEps: number({ default: 1e-5, gt: 0, max: 1, maxWhy: 'an ε beyond 1 swamps Adam\'s second moment', doc: 'Adam ε (score-rank-select: 1e-8, PyTorch\'s AdamW default)', source: 'CleanRL, SB3' }),
  nSteps: integer({ default: 128, min: 1, max: 1_000_000, maxWhy: 'a rollout is held in memory, with its observations', doc: 'environment steps per rollout (`num_steps`; ignored when `rolloutEpisodes` > 0)', source: 'CleanRL ppo.py' }),
  rolloutEpisodes: integer({ default: 0, min: 0, max: 10_000, maxWhy: 'a rollout of whole episodes is held in memory', doc: 'when > 0, a rollout is this many whole episodes instead of `nSteps` steps (score-rank-select: 1, §IV-C: update after each episode)' }),
  minibatches: integer({ default: 4, min: 1, max: 65_536, maxWhy: 'more minibatches than a rollout\'s steps are empty', doc: 'minibatches per epoch (`num_minibatches`)', source: 'CleanRL ppo.py (FaaSRank does not say)' }),
  epochs: gradientSteps(4, { doc: 'passes over each rollout (`update_epochs`; score-rank-select: 5, §V-B)', source: 'CleanRL ppo.py' }),
  gamma: gamma(0.99, { doc: 'discount γ (score-rank-select: 1, §IV-C)', source: 'CleanRL ppo.py' }),
  gaeLambda: unit(0.95, { doc: 'GAE λ (score-rank-select: 1, Algorithm 1: advantage = return − baseline)', source: 'CleanRL ppo.py' }),
  clipCoef: number({ default: 0.2, gt: 0, max: 10, maxWhy: 'a ratio clip beyond 10 clips nothing', doc: 'surrogate clip ε', source: 'CleanRL; FaaSRank §V-B' }),
  clipValueLoss: boolean({ default: true, doc: 'clip the value loss around the old values with `clipCoef` (`clip_vloss`; score-rank-select: false, eq. 7 is a plain squared error)', source: 'CleanRL ppo.py' }),
  entCoef: number({ default: 0.01, min: 0, max: 100, maxWhy: 'beyond 100 the entropy bonus is all the loss', doc: 'entropy bonus coefficient (score-rank-select: 0, eq. 10 has none)', source: 'CleanRL ppo.py' }),
  vfCoef: number({ default: 0.5, min: 0, max: 100, maxWhy: 'beyond 100 the value loss is all the loss', doc: 'value loss coefficient', source: 'CleanRL ppo.py' }),
  maxGradNorm: maxGradNorm(0.5, { source: 'CleanRL ppo.py' }),
  normalizeAdvantages: boolean({ default: true, doc: 'normalise advantages per minibatch (`norm_adv`)', source: 'CleanRL ppo.py' }),
  targetKl: nullableNumber({ gt: 0, max: 100, maxWhy: 'a KL beyond 100 never stops anything: use null', doc: 'stop an update\'s epochs early once the approximate KL exceeds this (`target_kl`); null: never', source: 'CleanRL ppo.py' }),
  hidden: hidden([64, 64], { doc: 'hidden layer widths of actor and critic (score-rank-select: [32, 16], §V-B)', source: 'CleanRL ppo.py' }),
  activation: oneOf({ values: ['relu', 'tanh', 'sigmoid', 'linear', 'elu'] as const, default: 'tanh', doc: 'hidden activation', source: 'CleanRL; FaaSRank §V-B' }),
  orthoInit: boolean({ default: true, doc: 'orthogonal initialisation (`layer_init`: gain √2 hidden, 0.01 policy output, 1 value output) instead of Glorot', source: 'CleanRL ppo.py' }),
  logStdInit: number({ default: 0, min: -20, max: 20, maxWhy: 'σ = e^±20 is no longer a usable Gaussian policy', doc: 'initial log standard deviation of the Gaussian policy (Box actions)', source: 'CleanRL ppo_continuous_action.py' }),
  totalSteps: steps(100_000, 1, { doc: 'training horizon in environment steps, over which `annealLr`/`annealClip` anneal (`total_timesteps`; `faasgym train` sets it to `--steps`)', source: 'SB3 rl-zoo\'s CartPole budget, as DQN' }),
  annealLr: boolean({ default: false, doc: 'anneal the learning rate linearly to 0 over `totalSteps` (CleanRL `anneal_lr`)' }),
  annealClip: boolean({ default: false, doc: 'anneal the clip range linearly to 0 over `totalSteps` (SB3 zoo\'s `clip_range: lin_0.2`)' }),
  rewardScale: number({ default: 1, gt: 0, max: 1e6, maxWhy: 'rewards stay finite in float32', doc: 'rewards are multiplied by this before they are stored' }),
  normalizeRewards: boolean({ default: false, doc: 'divide rewards (after `rewardScale`) by the running standard deviation of the discounted return (Gymnasium\'s `NormalizeReward`, as CleanRL\'s continuous PPO and SB3\'s `VecNormalize(norm_reward=True)`): keeps the critic\'s targets near unit scale when returns are large (FaaSRank-v0\'s γ = 1 returns are about −10³)' }),
});

export type PPOPolicyChoice = z.output<typeof PPO_SCHEMA>['policy'];
/** What `new PPO(env, options)` accepts: any subset of the fields. */
export type PPOOptions = z.input<typeof PPO_SCHEMA>;
/** Every option, resolved. */
export type ResolvedPPOOptions = z.output<typeof PPO_SCHEMA>;

/** The MLP policy's defaults (the schema parsed from nothing). */
export const PPO_DEFAULTS: Readonly<ResolvedPPOOptions> = Object.freeze(PPO_SCHEMA.parse({}));

/**
 * Merge `options` over `defaults` (a policy's defaults, e.g. score-rank-select's)
 * and validate every field; one `ConfigError` lists every bad field with its value.
 */
export function resolvePPOOptions(options: PPOOptions | Record<string, unknown>, defaults: Readonly<Partial<ResolvedPPOOptions>> = PPO_DEFAULTS): ResolvedPPOOptions {
  const given = typeof options === 'object' && options !== null && !Array.isArray(options) ? Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) : options;
  const merged = typeof given === 'object' && given !== null && !Array.isArray(given) ? { ...defaults, ...given } : given;
  return parseOptions(PPO_SCHEMA, merged, 'ppo', 'options');
}

// ============================================================================
// Policies: what an act returns and what an update evaluates
// ============================================================================

export type PolicyKind = 'categorical' | 'multi-categorical' | 'gaussian' | 'rank';

export interface ActResult {
  /** The action handed to the environment (clipped for Box). */
  envAction: unknown;
  /** The action as stored for the update: category indices from 0, or the unclipped Gaussian sample. */
  action: number[];
  logProb: number;
  value: number;
}

/**
 * The fast path's forward pass over a minibatch (src/nn/dense.ts's
 * `DenseStack`, taped): per sample the log-probability of the stored action,
 * the entropy and the value, computed outside any autodiff graph.
 */
export interface FastEvaluation {
  logProb: Float64Array;
  entropy: Float64Array;
  value: Float64Array;
  /**
   * Given ∂loss/∂logProb, ∂loss/∂entropy and ∂loss/∂value per sample, write
   * ∂loss/∂θ for every trainable parameter into `grad` (laid out as
   * `trainable`); frees the tapes.
   */
  backward(dLogProb: Float64Array, dEntropy: Float64Array, dValue: Float64Array, grad: Float32Array): void;
  /** Free the tapes without a backward pass (idempotent). */
  dispose(): void;
}

/** A PPO policy: actor and critic, acting in JavaScript, trained on the fast path (or tfjs autodiff, the reference). */
export interface PpoPolicy {
  readonly kind: PolicyKind;
  /** Flat observation width. */
  readonly obsDim: number;
  /** Width of the stored action vector. */
  readonly actionDim: number;
  /** Everything the optimizer trains, in a fixed order (the layout of the flat parameters and gradients). */
  readonly trainable: tf.Variable[];
  /** Act on one flat observation (no tensors; draws from `rng` only when exploring; the value only when exploring, else 0). */
  act(obs: ArrayLike<number>, explore: boolean, rng: Rng): ActResult;
  /** The critic's value of one flat observation. */
  value(obs: ArrayLike<number>): number;
  /** The reference path: for a minibatch ([B, obsDim], [B, actionDim]) the log-probability of the actions, entropy and value, each [B]. Call inside `tf.tidy`. */
  evaluate(obs: tf.Tensor2D, actions: tf.Tensor2D): { logProb: tf.Tensor1D; entropy: tf.Tensor1D; value: tf.Tensor1D };
  /** The fast path: the same for `rows` samples of row-major `obs` and `actions`, with the backward pass to follow. */
  fastEvaluate(obs: Float32Array, actions: Float32Array, rows: number): FastEvaluation;
  /** Act from `theta` from now on: the optimiser's flat parameters, laid out as `trainable` (kept current by the optimiser and by loads). */
  bind(theta: Float32Array): void;
  /** Checkpoint groups (model weights and parameters). */
  groups(): Record<string, { name: string; tensor: tf.Tensor }[]>;
  /** Assign the checkpoint's weights to the variables (the caller refreshes the flat parameters). */
  restore(groups: LoadedCheckpoint['groups']): void;
  /** Facts a checkpoint must match to be loaded (kind, widths, layout). */
  describe(): Record<string, unknown>;
  dispose(): void;
}
