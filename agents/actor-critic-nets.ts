/**
 * Per-agent networks evaluated for all agents in one op per layer: a
 * `StackedMlp` holds either one set of weights shared by every agent
 * (parameter sharing) or one set per agent stacked along a leading axis, and
 * maps inputs `[agents, batch, in]` to `[agents, batch, out]` with batched
 * matrix products. Weights are drawn from the run's Rng as `src/nn/init.ts`
 * draws them (He-uniform before ReLU/ELU, Glorot-uniform otherwise, zero biases).
 */
import { ConfigError, quote } from '../src/core/errors.js';
import type { Rng } from '../src/core/rng.js';
import { DenseStack } from '../src/nn/dense.js';
import { linear } from '../src/nn/linear.js';
import { tf } from '../src/nn/tf.js';

export type StackedActivation = 'relu' | 'elu' | 'tanh' | 'linear';

export interface StackedMlpOptions {
  /** Agents whose inputs are stacked along axis 0. */
  agents: number;
  /** One set of weights for all agents (true) or one per agent. */
  shared: boolean;
  input: number;
  hidden: readonly number[];
  output: number;
  activation: StackedActivation;
  outputActivation: StackedActivation;
  /** Label of the weights in checkpoints. */
  name: string;
}

function activate(h: tf.Tensor, act: StackedActivation): tf.Tensor {
  return act === 'relu' ? h.relu() : act === 'elu' ? h.elu() : act === 'tanh' ? h.tanh() : h;
}

export class StackedMlp {
  /** Per layer, per weight group (one group when shared, else one per agent): kernel [in, out]. */
  readonly kernels: tf.Variable[][] = [];
  /** Per layer, per group: bias [out]. */
  readonly biases: tf.Variable[][] = [];
  readonly opts: Readonly<StackedMlpOptions>;

  constructor(opts: StackedMlpOptions, rng: Rng) {
    for (const key of ['agents', 'input', 'output'] as const) {
      if (!Number.isSafeInteger(opts[key]) || opts[key] < 1) throw new ConfigError(`${opts.name}: ${key} must be a positive integer, got ${quote(opts[key])}`);
    }
    this.opts = { ...opts, hidden: [...opts.hidden] };
    const widths = [opts.input, ...opts.hidden, opts.output];
    const groups = opts.shared ? 1 : opts.agents;
    for (let l = 0; l + 1 < widths.length; l++) {
      const fanIn = widths[l] as number, fanOut = widths[l + 1] as number;
      const act = l + 2 === widths.length ? opts.outputActivation : opts.activation;
      const limit = act === 'relu' || act === 'elu' ? Math.sqrt(6 / fanIn) : Math.sqrt(6 / (fanIn + fanOut));
      const ks: tf.Variable[] = [], bs: tf.Variable[] = [];
      for (let g = 0; g < groups; g++) {
        const values = new Float32Array(fanIn * fanOut);
        for (let i = 0; i < values.length; i++) values[i] = rng.uniform(-limit, limit);
        ks.push(tf.variable(tf.tensor2d(values, [fanIn, fanOut]), true));
        bs.push(tf.variable(tf.zeros([fanOut]), true));
      }
      this.kernels.push(ks);
      this.biases.push(bs);
    }
  }

  /** Every variable, layer by layer, group by group: kernel then bias. */
  get variables(): tf.Variable[] {
    return this.kernels.flatMap((ks, l) => ks.flatMap((k, g) => [k, (this.biases[l] as tf.Variable[])[g] as tf.Variable]));
  }

  /** Checkpoint entries with stable names (`<name>/l0/kernel`, or `<name>/l0/g3/kernel` per agent), in `variables` order. */
  named(): { name: string; tensor: tf.Tensor }[] {
    const shared = this.opts.shared;
    return this.kernels.flatMap((ks, l) => ks.flatMap((k, g) => {
      const at = shared ? `${this.opts.name}/l${l}` : `${this.opts.name}/l${l}/g${g}`;
      return [{ name: `${at}/kernel`, tensor: k as tf.Tensor }, { name: `${at}/bias`, tensor: (this.biases[l] as tf.Variable[])[g] as tf.Tensor }];
    }));
  }

  /** `[agents, batch, in]` → `[agents, batch, out]`. */
  apply(x: tf.Tensor3D): tf.Tensor3D {
    return this.forward(x, true);
  }

  /** The output layer's pre-activations (logits) `[agents, batch, out]`; `apply` is the output activation of these. */
  logits(x: tf.Tensor3D): tf.Tensor3D {
    return this.forward(x, false);
  }

  private forward(x: tf.Tensor3D, activateOutput: boolean): tf.Tensor3D {
    const [n, b, d] = x.shape;
    if (n !== this.opts.agents || d !== this.opts.input) throw new ConfigError(`${this.opts.name}: input must be [${this.opts.agents}, batch, ${this.opts.input}], got ${quote(x.shape)}`);
    const last = this.kernels.length - 1;
    const act = (l: number): StackedActivation => (l === last ? (activateOutput ? this.opts.outputActivation : 'linear') : this.opts.activation);
    if (this.opts.shared) {
      let h: tf.Tensor = x.reshape([n * b, d]);
      this.kernels.forEach((ks, l) => (h = activate(linear(h as tf.Tensor2D, ks[0] as tf.Variable as tf.Tensor2D, (this.biases[l] as tf.Variable[])[0] as tf.Variable as tf.Tensor1D), act(l))));
      return h.reshape([n, b, this.opts.output]) as tf.Tensor3D;
    }
    // One plain 2-D product per agent (batched 3-D products are slow on tfjs-wasm).
    const hs = n === 1 ? [x.reshape([b, d])] : tf.unstack(x);
    const out = hs.map((h0, g) => {
      let h: tf.Tensor = h0;
      this.kernels.forEach((ks, l) => (h = activate(linear(h as tf.Tensor2D, ks[g] as tf.Variable as tf.Tensor2D, (this.biases[l] as tf.Variable[])[g] as tf.Variable as tf.Tensor1D), act(l))));
      return h;
    });
    return (n === 1 ? (out[0] as tf.Tensor).reshape([1, b, this.opts.output]) : tf.stack(out)) as tf.Tensor3D;
  }

  private stacks: DenseStack[] | null = null;

  /** Weight group `g`'s layers as a `DenseStack` (src/nn/dense.ts), the learners' fast path; made once. */
  dense(g = 0): DenseStack {
    this.stacks ??= (this.kernels[0] as tf.Variable[]).map((_, group) =>
      new DenseStack(this.kernels.map((ks, l) => ({
        kernel: ks[group] as tf.Variable,
        bias: (this.biases[l] as tf.Variable[])[group] as tf.Variable,
        activation: l === this.kernels.length - 1 ? this.opts.outputActivation : this.opts.activation,
      }))),
    );
    return this.stacks[g] as DenseStack;
  }

  dispose(): void {
    for (const s of this.stacks ?? []) s.dispose();
    for (const v of this.variables) v.dispose();
  }
}
