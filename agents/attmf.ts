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
 *
 * `AttMFStrategy` below is eqs. (6)–(8) as the actors' and critics' inputs,
 * on both paths: tfjs tensors (the reference, differentiated by tfjs) and
 * flat arrays with the attention's backward written out (the fast path).
 */
import type { AnyEnv } from '../src/core/env.js';
import type { VariableAdam } from '../src/nn/adam.js';
import { attentionBackward, attentionForward, smallBatchMatMul, type AgentAttention, type AttentionCache } from '../src/nn/attention.js';
import { Gemm } from '../src/nn/gemm.js';
import { tf } from '../src/nn/tf.js';
import { MultiAgentActorCritic, marlSupports } from './actor-critic-marl.js';
import { resolveMarlOptions, type MarlHyperparameters } from './actor-critic-marl-options.js';
import { copy, type InputBackward, type MarlContext, type MarlNetworks, type MarlStrategy, type MarlStrategyFactory } from './actor-critic-marl-strategy.js';
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

// ================================================================ INPUTS

/**
 * AttMF's inputs: actor j sees (s_j, ŝ_j) (eq. 8), critic j sees
 * (s_j, s̃_j, a_j, ã_j) (eqs. 6–7), the means weighted by the actor's (u)
 * and the critic's (w) attention over the neighbours (eq. 9).
 */
class AttMFStrategy implements MarlStrategy {
  readonly actorWidth: number;
  readonly criticWidth: number;
  private readonly N: number;
  private readonly D: number;
  private readonly M: number;
  /** Scratch arena for the attention's projections of a minibatch (`attentionForward`). */
  private readonly gemm = new Gemm({ floats: 1 << 14 });

  constructor(private readonly ctx: MarlContext) {
    this.N = ctx.agents;
    const D = (this.D = ctx.obsDim), M = (this.M = ctx.actionDim);
    this.actorWidth = 2 * D;
    this.criticWidth = 2 * D + 2 * M;
  }

  // ---------------------------------------------------------------- reference (tfjs)

  /** Σ_k weights[b, j, k] · values[k, b, ·]: weights [B, N, N], values [N, B, X] → [N, B, X] (eqs. 6–8). */
  private static weightedMean(weights: tf.Tensor3D, values: tf.Tensor3D): tf.Tensor3D {
    return smallBatchMatMul(weights, values.transpose([1, 0, 2]) as tf.Tensor3D).transpose([1, 0, 2]) as tf.Tensor3D;
  }

  actorInput(nets: MarlNetworks, obs: tf.Tensor3D): tf.Tensor3D {
    // (s_j, ŝ_j), ŝ_j = Σ_k u^{jk} s_k (eq. 8).
    const u = (nets.actorAttention as AgentAttention).weights(obs.transpose([1, 0, 2]) as tf.Tensor3D, this.ctx.adjacencyT);
    return tf.concat([obs, AttMFStrategy.weightedMean(u, obs)], 2) as tf.Tensor3D;
  }

  criticInput(nets: MarlNetworks, obs: tf.Tensor3D, own: tf.Tensor3D, others: tf.Tensor3D): tf.Tensor3D {
    // (s_j, s̃_j, a_j, ã_j) with the critic's attention weights w^{jk} (eqs. 6–7, 9).
    const w = (nets.criticAttention as AgentAttention).weights(obs.transpose([1, 0, 2]) as tf.Tensor3D, this.ctx.adjacencyT);
    return tf.concat([obs, AttMFStrategy.weightedMean(w, obs), own, AttMFStrategy.weightedMean(w, others)], 2) as tf.Tensor3D;
  }

  // ---------------------------------------------------------------- fast path (flat arrays)

  /** [N, B, D] agent-major → [B, N, D] (the attention's layout). */
  private statesOf(obs: Float32Array, B: number): Float32Array {
    const { N, D } = this;
    const out = new Float32Array(B * N * D);
    for (let j = 0; j < N; j++) for (let k = 0; k < B; k++) copy(out, (k * N + j) * D, obs, (j * B + k) * D, D);
    return out;
  }

  /** Attention weights [B, N, N] of `obs` (eq. 9), with what their backward needs. */
  private attend(module: AgentAttention, obs: Float32Array, B: number): AttentionCache {
    const { wq, wk } = module.values(); // read again only after the weights changed
    return attentionForward(this.statesOf(obs, B), B, module, wq, wk, this.ctx.adjacency, B > 1 ? this.gemm : undefined);
  }

  /** out[j, k, at … at + X) += Σ_l w[k, j, l] · values[l, k, ·] (values agent-major [N, B, X]; rows of `width`). */
  private weightedMean(w: Float32Array, values: Float32Array, X: number, B: number, out: Float32Array, width: number, at: number): void {
    const N = this.N;
    for (let j = 0; j < N; j++) {
      for (let k = 0; k < B; k++) {
        const o = (j * B + k) * width + at;
        for (let l = 0; l < N; l++) {
          const c = w[(k * N + j) * N + l] as number;
          if (c === 0) continue;
          const v = (l * B + k) * X;
          for (let i = 0; i < X; i++) out[o + i] = (out[o + i] as number) + c * (values[v + i] as number);
        }
      }
    }
  }

  /**
   * The backward of the weighted means in `parts` (each the `values` [N, B, X]
   * averaged into columns `at`): ∂loss/∂w [B, N, N] from ∂loss/∂input, then
   * through the attention into W_q, W_k's slices of `opt`'s flat gradient.
   */
  private backward(module: AgentAttention, cache: AttentionCache, parts: { values: Float32Array; X: number; at: number }[], width: number, B: number): InputBackward {
    return (dInput, opt) => {
      const N = this.N, w = cache.w, adjacency = this.ctx.adjacency;
      const dw = new Float32Array(B * N * N);
      for (let k = 0; k < B; k++) {
        for (let j = 0; j < N; j++) {
          const d = (j * B + k) * width;
          for (let l = 0; l < N; l++) {
            if ((w[(k * N + j) * N + l] as number) === 0 && (adjacency[j * N + l] as number) <= 0) continue;
            let sum = 0;
            for (const { values, X, at } of parts) for (let i = 0; i < X; i++) sum += (dInput[d + at + i] as number) * (values[(l * B + k) * X + i] as number);
            dw[(k * N + j) * N + l] = sum;
          }
        }
      }
      attentionParamGrad(module, cache, dw, opt);
    };
  }

  fillActorInput(nets: MarlNetworks, obs: Float32Array, B: number, x: Float32Array, width: number): InputBackward {
    const { N, D } = this;
    const module = nets.actorAttention as AgentAttention;
    for (let r = 0; r < N * B; r++) copy(x, r * width, obs, r * D, D);
    const cache = this.attend(module, obs, B);
    this.weightedMean(cache.w, obs, D, B, x, width, D); // ŝ_j
    return this.backward(module, cache, [{ values: obs, X: D, at: D }], width, B);
  }

  fillCriticInput(nets: MarlNetworks, obs: Float32Array, own: Float32Array, others: Float32Array, _global: Float32Array | null, B: number, x: Float32Array, width: number): InputBackward {
    const { N, D, M } = this;
    const module = nets.criticAttention as AgentAttention;
    for (let j = 0; j < N; j++) {
      for (let k = 0; k < B; k++) {
        const o = (j * B + k) * width;
        copy(x, o, obs, (j * B + k) * D, D); // s_j
        copy(x, o + 2 * D, own, (j * B + k) * M, M); // a_j
      }
    }
    const cache = this.attend(module, obs, B);
    this.weightedMean(cache.w, obs, D, B, x, width, D); // s̃_j
    this.weightedMean(cache.w, others, M, B, x, width, 2 * D + M); // ã_j
    return this.backward(module, cache, [{ values: obs, X: D, at: D }, { values: others, X: M, at: 2 * D + M }], width, B);
  }

  ownColumn(): number {
    return 2 * this.D;
  }

  dispose(): void {}
}

/** ∂loss/∂W_q, ∂loss/∂W_k of `module` from ∂loss/∂weights `dw`, into their slices of `opt`'s flat gradient. */
function attentionParamGrad(module: AgentAttention, cache: AttentionCache, dw: Float32Array, opt: VariableAdam): void {
  const dWq = opt.params.slice(opt.grad, opt.params.vars.indexOf(module.wq));
  const dWk = opt.params.slice(opt.grad, opt.params.vars.indexOf(module.wk));
  dWq.fill(0);
  dWk.fill(0);
  attentionBackward(cache, module, dw, dWq, dWk);
}

/** AttMF as a variant of the shared learner: neighbours from `env.adjacency()`, an attention module per role. */
export const ATTMF_STRATEGY: MarlStrategyFactory = {
  name: 'attmf',
  usesAdjacency: true,
  attention: true,
  globalStateDim: () => 0,
  create: (ctx) => new AttMFStrategy(ctx),
};

// ================================================================ AGENT

export class AttMF extends MultiAgentActorCritic {
  readonly name = 'attmf' as const;

  /** Build for `env` (call `await initTf()` first, or use `AttMF.create`). */
  constructor(env: AnyEnv, options: AttMFOptions | Record<string, unknown> = {}, seed = 0) {
    super(ATTMF_STRATEGY, env, resolveAttMFOptions(options), seed);
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
  supports: (env) => marlSupports(ATTMF_STRATEGY, env),
  create: (env, options, seed) => AttMF.create(env, options, seed),
};

registerAgent(attmfFactory);
