/**
 * What distinguishes MADDPG, mean-field and AttMF (FaaSConf, paper 000,
 * §4.1–§4.2): only what each agent's actor and critic see. A `MarlStrategy`
 * is that difference, one per variant in the variant's own file
 * (`maddpg.ts`, `meanfield.ts`, `attmf.ts`): the input sizes, the actor and
 * critic inputs on the reference path (tfjs tensors, differentiated by tfjs)
 * and on the fast path (flat arrays, with a hand-written backward for any
 * parameters the inputs themselves hold, such as AttMF's attention). The
 * shared learner (`actor-critic-marl.ts`) and its fast path
 * (`actor-critic-marl-fast.ts`) do the rest and never ask which variant runs.
 *
 * Layout: agents' observations and actions are zero-padded to the largest
 * agent's sizes D and M and stacked agent-major, `[N, batch, ·]`. Inputs
 * here exclude the optional one-hot agent id, which the shared code appends.
 */
import type { ParallelEnv } from '../src/core/env.js';
import type { VariableAdam } from '../src/nn/adam.js';
import type { AgentAttention } from '../src/nn/attention.js';
import type { tf } from '../src/nn/tf.js';
import type { StackedMlp } from './actor-critic-nets.js';

/** The variants of the shared multi-agent learner. */
export type MarlVariant = 'maddpg' | 'meanfield' | 'attmf';

/** Online or target copies of a variant's networks (the attention modules: AttMF's, null for the others). */
export interface MarlNetworks {
  actor: StackedMlp;
  critic: StackedMlp;
  actorAttention: AgentAttention | null;
  criticAttention: AgentAttention | null;
}

/** The sizes and constants a strategy is built with. */
export interface MarlContext {
  /** N agents, padded observation size D, padded action size M. */
  agents: number;
  obsDim: number;
  actionDim: number;
  /** Size G of the global state (0 unless the strategy's `globalStateDim` asked for one). */
  globalStateDim: number;
  /** The neighbour matrix [N, N] (diagonal zeroed; all other agents when the env has none or the strategy ignores it), as numbers and as a tensor. */
  adjacency: Float32Array;
  adjacencyT: tf.Tensor2D;
}

/**
 * ∂loss/∂input → gradients of the parameters that built the input (AttMF's
 * attention), written into `opt`'s flat gradient; `dInput` is [N, B, width].
 */
export type InputBackward = (dInput: Float32Array, opt: VariableAdam) => void;

export interface MarlStrategy {
  /** Width of the actor's and the critic's input, without the agent id. */
  readonly actorWidth: number;
  readonly criticWidth: number;

  /** Reference path: actor input [N, B, actorWidth] of observations [N, B, D] (inside `tf.tidy`). */
  actorInput(nets: MarlNetworks, obs: tf.Tensor3D): tf.Tensor3D;
  /**
   * Reference path: critic input [N, B, criticWidth], agent j's own action
   * from `own`, everybody else's (or the neighbours' means) from `others`,
   * both [N, B, M]; `global` [B, G] is the global state when G > 0.
   */
  criticInput(nets: MarlNetworks, obs: tf.Tensor3D, own: tf.Tensor3D, others: tf.Tensor3D, global: tf.Tensor2D | null): tf.Tensor3D;

  /** Fast path: write the actor input of `obs` [N, B, D] into the first actorWidth columns of `x` (rows of `width`); the backward of any parameters used, or null. */
  fillActorInput(nets: MarlNetworks, obs: Float32Array, B: number, x: Float32Array, width: number): InputBackward | null;
  /** Fast path: as `criticInput`, into the first criticWidth columns of `x` (rows of `width`). */
  fillCriticInput(nets: MarlNetworks, obs: Float32Array, own: Float32Array, others: Float32Array, global: Float32Array | null, B: number, x: Float32Array, width: number): InputBackward | null;
  /** Column of agent j's own action in its critic input (where the actor's gradient is read). */
  ownColumn(j: number): number;

  /** Free the strategy's constant tensors. */
  dispose(): void;
}

/** A variant: its name, what it needs of the env, and how to build its strategy. */
export interface MarlStrategyFactory {
  readonly name: MarlVariant;
  /** Whether the variant reads `env.adjacency()` (else every other agent is a neighbour). */
  readonly usesAdjacency: boolean;
  /** Whether actor and critic each get an attention module (of size `attentionDim`, built and trained by the shared learner). */
  readonly attention: boolean;
  /** Size of the global state the critics see (0: none); may throw a `ConfigError`. */
  globalStateDim(view: ParallelEnv<string, unknown, unknown>, useGlobalState: boolean | undefined): number;
  create(ctx: MarlContext): MarlStrategy;
}

/** dst[d … d + n) = src[s … s + n), without allocating a view. */
export function copy(dst: Float32Array, d: number, src: Float32Array, s: number, n: number): void {
  for (let i = 0; i < n; i++) dst[d + i] = src[s + i] as number;
}
