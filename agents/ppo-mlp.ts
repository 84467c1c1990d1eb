/**
 * PPO's MLP policy (agents/ppo.ts): separate actor and critic MLPs over the
 * flat observation (CleanRL), with a categorical, multi-categorical
 * (independent categoricals, log-probabilities and entropies summed) or
 * diagonal-Gaussian head (state-independent log-std; the sample is clipped to
 * the bounds when stepping and stored unclipped for the log-prob).
 *
 * Acting runs JavaScript mirrors of the networks that read the optimiser's
 * flat parameters in place (`DenseMirror.over`); the update runs on the fast
 * path (`fastEvaluate`: `DenseStack` forward and backward, the heads'
 * derivatives written out below) or, as the reference, through tfjs autodiff
 * (`evaluate`).
 */
import { ConfigError, quote } from '../src/core/errors.js';
import type { Rng } from '../src/core/rng.js';
import { CheckpointError, modelGroup, restoreModel, type LoadedCheckpoint } from '../src/nn/checkpoint.js';
import { DenseStack, Tape } from '../src/nn/dense.js';
import { mlp } from '../src/nn/mlp.js';
import { tf } from '../src/nn/tf.js';
import { Box } from '../src/spaces/box.js';
import { Discrete } from '../src/spaces/discrete.js';
import { MultiBinary } from '../src/spaces/multi-binary.js';
import { MultiDiscrete } from '../src/spaces/multi-discrete.js';
import type { Space } from '../src/spaces/space.js';
import { categoricalGrad, logSoftmaxInto } from './ppo-fast.js';
import { categorical, DenseMirror, orthogonalInit } from './ppo-nets.js';
import type { ActResult, FastEvaluation, PolicyKind, PpoPolicy, ResolvedPPOOptions } from './ppo-options.js';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

type MlpHead =
  | { kind: 'categorical'; space: Discrete }
  | { kind: 'multi-categorical'; space: MultiDiscrete | MultiBinary; nvec: number[]; start: number[] }
  | { kind: 'gaussian'; space: Box };

/** Actor and critic MLPs over the flat observation, with a categorical, multi-categorical or Gaussian head. */
export class MlpPolicy implements PpoPolicy {
  readonly kind: PolicyKind;
  readonly actionDim: number;
  readonly trainable: tf.Variable[];
  readonly actor: tf.Sequential;
  readonly critic: tf.Sequential;
  /** The Gaussian head's log standard deviations (Box actions only). */
  readonly logStd: tf.Variable | null;
  private readonly actorStack: DenseStack;
  private readonly criticStack: DenseStack;
  private actorMirror: DenseMirror | null = null;
  private criticMirror: DenseMirror | null = null;
  /** The Gaussian head's log-stds, a view of the bound flat parameters. */
  private logStdValues: Float32Array = new Float32Array(0);
  private readonly head: MlpHead;
  /** Category counts per head part (categorical heads). */
  private readonly sizes: number[];

  constructor(readonly obsDim: number, actionSpace: Space<unknown>, o: ResolvedPPOOptions, rng: Rng) {
    this.head = mlpHead(actionSpace);
    this.kind = this.head.kind;
    const outputs = this.head.kind === 'categorical' ? this.head.space.n : this.head.kind === 'gaussian' ? this.head.space.size : this.head.nvec.reduce((a, b) => a + b, 0);
    this.actionDim = this.head.kind === 'categorical' ? 1 : this.head.kind === 'gaussian' ? this.head.space.size : this.head.nvec.length;
    this.sizes = this.head.kind === 'categorical' ? [this.head.space.n] : this.head.kind === 'multi-categorical' ? this.head.nvec : [];
    this.actor = mlp({ input: obsDim, hidden: o.hidden, output: outputs, activation: o.activation, name: 'ppo_actor' }, rng);
    this.critic = mlp({ input: obsDim, hidden: o.hidden, output: 1, activation: o.activation, name: 'ppo_critic' }, rng);
    if (o.orthoInit) {
      orthogonalInit(this.actor, [...o.hidden.map(() => Math.SQRT2), 0.01], rng);
      orthogonalInit(this.critic, [...o.hidden.map(() => Math.SQRT2), 1], rng);
    }
    const size = this.head.kind === 'gaussian' ? this.head.space.size : 0;
    this.logStd = size > 0 ? tf.tidy(() => tf.variable(tf.fill([size], o.logStdInit), true)) : null;
    this.actorStack = DenseStack.fromModel(this.actor);
    this.criticStack = DenseStack.fromModel(this.critic);
    this.trainable = [...this.actorStack.variables, ...this.criticStack.variables];
    if (this.logStd) this.trainable.push(this.logStd);
  }

  bind(theta: Float32Array): void {
    const a = this.actorStack.size, c = this.criticStack.size;
    this.actorMirror = DenseMirror.over(this.actorStack, theta, 0);
    this.criticMirror = DenseMirror.over(this.criticStack, theta, a);
    if (this.logStd) this.logStdValues = theta.subarray(a + c, a + c + this.logStd.size);
  }

  private mirrors(): [DenseMirror, DenseMirror] {
    if (!this.actorMirror || !this.criticMirror) throw new ConfigError('PPO MlpPolicy: bind(theta) the optimiser\'s parameters before acting');
    return [this.actorMirror, this.criticMirror];
  }

  act(obs: ArrayLike<number>, explore: boolean, rng: Rng): ActResult {
    const out = this.mirrors()[0].forward(obs);
    const value = explore ? this.value(obs) : 0;
    const h = this.head;
    if (h.kind === 'categorical') {
      const { index, logProb } = categorical(out, 0, h.space.n, explore, rng);
      return { envAction: h.space.start + index, action: [index], logProb, value };
    }
    if (h.kind === 'multi-categorical') {
      const action: number[] = [], envAction: number[] = [];
      let logProb = 0, at = 0;
      h.nvec.forEach((n, k) => {
        const c = categorical(out, at, n, explore, rng);
        action.push(c.index);
        envAction.push((h.start[k] as number) + c.index);
        logProb += c.logProb;
        at += n;
      });
      return { envAction, action, logProb, value };
    }
    const d = h.space.size;
    const action = new Array<number>(d), envAction = new Array<number>(d);
    let logProb = 0;
    for (let i = 0; i < d; i++) {
      const logStd = this.logStdValues[i] as number;
      const z = explore ? rng.normal() : 0;
      const a = (out[i] as number) + Math.exp(logStd) * z;
      action[i] = a;
      logProb += -0.5 * z * z - logStd - HALF_LOG_2PI;
      envAction[i] = Math.min(Math.max(a, h.space.low[i] as number), h.space.high[i] as number);
    }
    return { envAction, action, logProb, value };
  }

  value(obs: ArrayLike<number>): number {
    return this.mirrors()[1].forward(obs)[0] as number;
  }

  evaluate(obs: tf.Tensor2D, actions: tf.Tensor2D): { logProb: tf.Tensor1D; entropy: tf.Tensor1D; value: tf.Tensor1D } {
    const out = this.actor.apply(obs) as tf.Tensor2D;
    const value = (this.critic.apply(obs) as tf.Tensor2D).reshape([-1]) as tf.Tensor1D;
    const h = this.head;
    if (h.kind === 'gaussian') {
      const logStd = this.logStd as tf.Variable;
      const z = actions.sub(out).div(logStd.exp());
      const logProb = z.square().mul(-0.5).sub(logStd).sub(HALF_LOG_2PI).sum(1) as tf.Tensor1D;
      const entropy = logStd.add(0.5 + HALF_LOG_2PI).sum().mul(tf.onesLike(value)) as tf.Tensor1D;
      return { logProb, entropy, value };
    }
    const sizes = this.sizes;
    const parts = sizes.length === 1 ? [out] : tf.split(out, sizes, 1);
    const acts = sizes.length === 1 ? [actions] : tf.split(actions, sizes.length, 1);
    let logProb: tf.Tensor1D | null = null, entropy: tf.Tensor1D | null = null;
    parts.forEach((logits, k) => {
      const logp = tf.logSoftmax(logits);
      const onehot = tf.oneHot((acts[k] as tf.Tensor).reshape([-1]).toInt(), sizes[k] as number);
      const lp = logp.mul(onehot).sum(1) as tf.Tensor1D;
      const ent = logp.exp().mul(logp).sum(1).neg() as tf.Tensor1D;
      logProb = logProb ? (logProb.add(lp) as tf.Tensor1D) : lp;
      entropy = entropy ? (entropy.add(ent) as tf.Tensor1D) : ent;
    });
    return { logProb: logProb as unknown as tf.Tensor1D, entropy: entropy as unknown as tf.Tensor1D, value };
  }

  fastEvaluate(obs: Float32Array, actions: Float32Array, m: number): FastEvaluation {
    const actorTape = new Tape(), criticTape = new Tape();
    const dispose = (): void => {
      actorTape.dispose();
      criticTape.dispose();
    };
    let out: Float32Array, v: Float32Array;
    try {
      out = this.actorStack.forward(obs, m, { tape: actorTape });
      v = this.criticStack.forward(obs, m, { tape: criticTape });
    } catch (err) {
      dispose();
      throw err;
    }
    const O = this.actorStack.outputs, A = this.actionDim;
    const logProb = new Float64Array(m), entropy = new Float64Array(m), value = Float64Array.from(v);
    const h = this.head;
    if (h.kind === 'gaussian') {
      const d = h.space.size, s = this.logStdValues;
      let ent = 0;
      for (let i = 0; i < d; i++) ent += (s[i] as number) + 0.5 + HALF_LOG_2PI;
      const z = new Float64Array(m * d);
      for (let r = 0; r < m; r++) {
        let lp = 0;
        for (let i = 0; i < d; i++) {
          const zi = ((actions[r * A + i] as number) - (out[r * O + i] as number)) / Math.exp(s[i] as number);
          z[r * d + i] = zi;
          lp += -0.5 * zi * zi - (s[i] as number) - HALF_LOG_2PI;
        }
        logProb[r] = lp;
        entropy[r] = ent;
      }
      return {
        logProb, entropy, value, dispose,
        backward: (dLogProb, dEntropy, dValue, grad) => {
          const dOut = new Float32Array(m * O), dLogStd = new Float64Array(d);
          for (let r = 0; r < m; r++) {
            const g = dLogProb[r] as number;
            for (let i = 0; i < d; i++) {
              const zi = z[r * d + i] as number;
              dOut[r * O + i] = (g * zi) / Math.exp(s[i] as number); // ∂logπ/∂μ = z/σ
              dLogStd[i] = (dLogStd[i] as number) + g * (zi * zi - 1) + (dEntropy[r] as number); // ∂logπ/∂log σ = z² − 1; ∂H/∂log σ = 1
            }
          }
          this.backward(actorTape, criticTape, dOut, dValue, grad);
          grad.set(dLogStd, this.actorStack.size + this.criticStack.size);
        },
      };
    }
    const logp = new Float64Array(m * O), parts = this.sizes.length, partH = new Float64Array(m * parts);
    for (let r = 0; r < m; r++) {
      let at = 0, lp = 0, ent = 0;
      for (let k = 0; k < parts; k++) {
        const n = this.sizes[k] as number;
        const hk = logSoftmaxInto(out, r * O + at, n, logp);
        partH[r * parts + k] = hk;
        ent += hk;
        lp += logp[r * O + at + (actions[r * A + k] as number)] as number;
        at += n;
      }
      logProb[r] = lp;
      entropy[r] = ent;
    }
    return {
      logProb, entropy, value, dispose,
      backward: (dLogProb, dEntropy, dValue, grad) => {
        const dOut = new Float32Array(m * O);
        for (let r = 0; r < m; r++) {
          let at = 0;
          for (let k = 0; k < parts; k++) {
            const n = this.sizes[k] as number;
            categoricalGrad(logp, r * O + at, n, actions[r * A + k] as number, partH[r * parts + k] as number, dLogProb[r] as number, dEntropy[r] as number, dOut, r * O + at);
            at += n;
          }
        }
        this.backward(actorTape, criticTape, dOut, dValue, grad);
      },
    };
  }

  /** Actor and critic gradients into `grad` (frees both tapes). */
  private backward(actorTape: Tape, criticTape: Tape, dOut: Float32Array, dValue: Float64Array, grad: Float32Array): void {
    try {
      this.actorStack.backward(actorTape, dOut, grad);
    } finally {
      this.criticStack.backward(criticTape, Float32Array.from(dValue), grad, null, this.actorStack.size);
    }
  }

  groups(): Record<string, { name: string; tensor: tf.Tensor }[]> {
    const g: Record<string, { name: string; tensor: tf.Tensor }[]> = { actor: modelGroup(this.actor), critic: modelGroup(this.critic) };
    if (this.logStd) g.log_std = [{ name: 'log_std', tensor: this.logStd }];
    return g;
  }

  restore(groups: LoadedCheckpoint['groups']): void {
    restoreModel(this.actor, groups.actor, 'actor');
    restoreModel(this.critic, groups.critic, 'critic');
    if (this.logStd) {
      const entry = groups.log_std?.[0];
      if (!entry || entry.shape.join('x') !== this.logStd.shape.join('x')) throw new CheckpointError(`checkpoint has no log_std of shape ${quote(this.logStd.shape)}`);
      tf.tidy(() => (this.logStd as tf.Variable).assign(tf.tensor(entry.values, entry.shape)));
    }
  }

  describe(): Record<string, unknown> {
    return { kind: this.kind, obsDim: this.obsDim, actionSpace: this.head.space.toJSON() };
  }

  dispose(): void {
    this.actorStack.dispose();
    this.criticStack.dispose();
    this.actor.dispose();
    this.critic.dispose();
    this.logStd?.dispose();
  }
}

function mlpHead(space: Space<unknown>): MlpHead {
  if (space instanceof Discrete) return { kind: 'categorical', space };
  if (space instanceof MultiDiscrete) return { kind: 'multi-categorical', space, nvec: [...space.nvec], start: [...space.start] };
  if (space instanceof MultiBinary) return { kind: 'multi-categorical', space, nvec: new Array<number>(space.n).fill(2), start: new Array<number>(space.n).fill(0) };
  if (space instanceof Box) return { kind: 'gaussian', space };
  throw new ConfigError(`PPO: no policy for action space ${space.toString()}`);
}

/** Why PPO's MLP policy cannot act in `actionSpace`, or null. */
export function mlpActionSupport(actionSpace: Space<unknown>): string | null {
  if (actionSpace instanceof Discrete || actionSpace instanceof MultiDiscrete) return null;
  if (actionSpace instanceof MultiBinary) return actionSpace.n > 0 ? null : 'PPO needs a non-empty MultiBinary action space';
  if (actionSpace instanceof Box) {
    if (actionSpace.dtype !== 'float32' && actionSpace.dtype !== 'float64') return `PPO's Gaussian policy needs a float Box action space, got dtype ${quote(actionSpace.dtype)}`;
    if (actionSpace.size === 0) return 'PPO needs a non-empty Box action space';
    return null;
  }
  return `PPO supports Discrete, MultiDiscrete, MultiBinary and Box action spaces, got ${actionSpace.toString()}`;
}
