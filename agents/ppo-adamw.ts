/**
 * AdamW — Adam with decoupled weight decay (Loshchilov & Hutter, "Decoupled
 * Weight Decay Regularization", ICLR 2019, Algorithm 2) — as a small wrapper
 * around tfjs's Adam, which has no weight decay of its own.
 *
 * One step, for every variable θ with gradient g (PyTorch's `torch.optim.AdamW`
 * convention: the decay is scaled by the learning rate and uses θ before the
 * Adam step):
 *
 *     θ ← θ − lr · wd · θ            (decoupled decay, not added to g)
 *     θ ← θ − lr · m̂ / (√v̂ + ε)      (tfjs Adam, bias-corrected moments of g)
 *
 * which is exactly θ_t = θ_{t−1} − lr·(m̂/(√v̂ + ε) + wd·θ_{t−1}). With
 * `weightDecay` 0 it is plain Adam. The learning rate may be changed between
 * steps (annealing). Every variable passed to `applyGradients` is decayed,
 * biases included, as PyTorch does for `AdamW(model.parameters())`.
 *
 * PPO no longer trains with it: it uses src/nn/adam.ts's `VariableAdam` (the
 * same decoupled decay, over one flat vector; agents/ppo.ts still loads
 * checkpoints written with this class's state). It stays exported for code
 * built on it.
 */
import { ConfigError, quote } from '../src/core/errors.js';
import { tf } from '../src/nn/tf.js';

/** A named tensor, as tfjs optimizers save their state. */
export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

export interface AdamWOptions {
  learningRate: number;
  /** Decoupled weight decay λ (PyTorch's default for AdamW is 0.01). @default 0 */
  weightDecay?: number;
  /** @default 0.9 */
  beta1?: number;
  /** @default 0.999 */
  beta2?: number;
  /** @default 1e-8 */
  epsilon?: number;
}

export class AdamW {
  /** The wrapped tfjs Adam (its state is what checkpoints save). */
  readonly adam: tf.AdamOptimizer;
  readonly weightDecay: number;
  private lr: number;

  constructor(opts: AdamWOptions) {
    const { learningRate, weightDecay = 0, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8 } = opts;
    if (!(typeof learningRate === 'number' && learningRate > 0 && Number.isFinite(learningRate))) throw new ConfigError(`AdamW: learningRate must be a positive number, got ${quote(learningRate)}`);
    if (!(typeof weightDecay === 'number' && weightDecay >= 0 && Number.isFinite(weightDecay))) throw new ConfigError(`AdamW: weightDecay must be a non-negative number, got ${quote(weightDecay)}`);
    for (const [k, v] of [['beta1', beta1], ['beta2', beta2]] as const) {
      if (!(typeof v === 'number' && v >= 0 && v < 1)) throw new ConfigError(`AdamW: ${k} must be in [0, 1), got ${quote(v)}`);
    }
    if (!(typeof epsilon === 'number' && epsilon > 0)) throw new ConfigError(`AdamW: epsilon must be a positive number, got ${quote(epsilon)}`);
    this.lr = learningRate;
    this.weightDecay = weightDecay;
    this.adam = tf.train.adam(learningRate, beta1, beta2, epsilon);
  }

  get learningRate(): number {
    return this.lr;
  }

  /** Change the learning rate for the following steps (the decay uses it too). */
  set learningRate(lr: number) {
    if (!(typeof lr === 'number' && lr >= 0 && Number.isFinite(lr))) throw new ConfigError(`AdamW: learningRate must be a non-negative number, got ${quote(lr)}`);
    this.lr = lr;
    // tfjs reads this (protected) field on every applyGradients.
    (this.adam as unknown as { learningRate: number }).learningRate = lr;
  }

  /** Steps taken so far. */
  get iterations(): number {
    return this.adam.iterations;
  }

  /**
   * One step. `grads` maps variable names (as `tf.variableGrads` returns them)
   * to gradients; keep the same variables in the same order on every call
   * (tfjs's Adam keys its moments by position).
   */
  applyGradients(grads: tf.NamedTensorMap): void {
    const factor = 1 - this.lr * this.weightDecay;
    if (this.weightDecay > 0 && factor !== 1) {
      tf.tidy(() => {
        for (const name of Object.keys(grads)) {
          const v = tf.engine().registeredVariables[name];
          if (!v) throw new ConfigError(`AdamW: no variable named ${quote(name)}`);
          v.assign(tf.mul(v, factor));
        }
      });
    }
    this.adam.applyGradients(grads as Parameters<tf.AdamOptimizer["applyGradients"]>[0]);
  }

  /**
   * The optimizer state as named tensors: first `iter` (a new scalar the
   * caller must dispose: tfjs makes it anew on every call), then the live
   * first- and second-moment variables (not to be disposed).
   */
  async getWeights(): Promise<NamedTensor[]> {
    return this.adam.getWeights();
  }

  /**
   * Restore `getWeights()`'s state into a fresh optimizer (one that has not
   * stepped yet: tfjs replaces the moment variables without disposing old
   * ones). The optimizer keeps its own references: the caller may dispose
   * `weights` afterwards.
   */
  async setWeights(weights: NamedTensor[]): Promise<void> {
    await this.adam.setWeights(weights);
  }

  dispose(): void {
    this.adam.dispose();
  }
}
