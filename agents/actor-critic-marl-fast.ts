/**
 * The fast path of the multi-agent actor-critics (MADDPG, mean-field, AttMF):
 * the same losses and gradients as the tfjs autodiff update in
 * `actor-critic-marl.ts` (its reference path), computed with src/nn's
 * machinery. The variant's `MarlStrategy` (its own file) assembles the actor
 * and critic inputs in JavaScript on flat agent-major arrays [N, B, ·] and
 * back-propagates into any parameters they hold (AttMF's attention); actors
 * and critics run here as `DenseStack`s (one over N·B rows with parameter
 * sharing, else one per agent over B rows), with the losses and
 * ∂loss/∂output in JavaScript. The update (`criticGradients`,
 * `actorGradients`) runs them as `FlatDense`s over this path's own `Gemm`
 * arena (src/nn/flat-dense.ts: the same passes without tfjs tensors), and
 * frees what it allocated there before it returns; acting (`policy`) keeps
 * the `DenseStack`s.
 */
import { ConfigError } from '../src/core/errors.js';
import type { VariableAdam } from '../src/nn/adam.js';
import { Tape, type DenseStack } from '../src/nn/dense.js';
import { FlatDense, type FlatTape } from '../src/nn/flat-dense.js';
import { Gemm } from '../src/nn/gemm.js';
import type { tf } from '../src/nn/tf.js';
import type { StackedMlp } from './actor-critic-nets.js';
import type { InputBackward, MarlNetworks, MarlStrategy } from './actor-critic-marl-strategy.js';

/** A minibatch as flat agent-major arrays. */
export interface MarlBatch {
  size: number;
  /** [N, B, D]. */
  obs: Float32Array;
  nextObs: Float32Array;
  /** [N, B, M] in [-1, 1]. */
  actions: Float32Array;
  /** [N, B]. */
  reward: Float32Array;
  done: Float32Array;
  live: Float32Array;
  /** [B, G] (MADDPG's global state), or null. */
  state: Float32Array | null;
  nextState: Float32Array | null;
}

export interface MarlLayout {
  agents: number;
  obsDim: number;
  actionDim: number;
  agentIds: boolean;
  /** [N, M]: 1 on each agent's real action elements; null when every agent has M. */
  actionMask: Float32Array | null;
}

interface Input {
  x: Float32Array;
  width: number;
  /** Gradients of the parameters the input was built with (AttMF's attention), or null. */
  backward: InputBackward | null;
}

export class MarlFastPath {
  private readonly N: number;
  private readonly D: number;
  private readonly M: number;
  private readonly ids: number;
  /** The update's arena (activations, gradients and weight copies of one gradient computation). */
  private readonly gemm = new Gemm();
  private readonly flats = new WeakMap<DenseStack, FlatDense>();

  constructor(readonly layout: MarlLayout, private readonly strategy: MarlStrategy) {
    this.N = layout.agents;
    this.D = layout.obsDim;
    this.M = layout.actionDim;
    this.ids = layout.agentIds ? layout.agents : 0;
  }

  private writeIds(x: Float32Array, width: number, B: number): void {
    if (!this.ids) return;
    for (let j = 0; j < this.N; j++) for (let k = 0; k < B; k++) x[(j * B + k) * width + width - this.N + j] = 1;
  }

  /** Actor input [N, B, ·]: the strategy's, then the agent id. */
  actorInput(nets: MarlNetworks, obs: Float32Array, B: number): Input {
    const width = this.strategy.actorWidth + this.ids;
    const x = new Float32Array(this.N * B * width);
    const backward = this.strategy.fillActorInput(nets, obs, B, x, width);
    this.writeIds(x, width, B);
    return { x, width, backward };
  }

  /** Critic input [N, B, ·] with agent j's own action from `own`, the others' from `others` (both [N, B, M]). */
  criticInput(nets: MarlNetworks, obs: Float32Array, own: Float32Array, others: Float32Array, global: Float32Array | null, B: number): Input {
    const width = this.strategy.criticWidth + this.ids;
    const x = new Float32Array(this.N * B * width);
    const backward = this.strategy.fillCriticInput(nets, obs, own, others, global, B, x, width);
    this.writeIds(x, width, B);
    return { x, width, backward };
  }

  /** A stacked network's outputs [N, B, out] (`tapes`: keep each weight group's forward pass). */
  run(net: StackedMlp, x: Float32Array, B: number, tapes: Tape[] | null, logits = false): Float32Array {
    const N = this.N, width = net.opts.input, out = net.opts.output;
    if (net.opts.shared) {
      const tape = tapes ? new Tape() : undefined;
      if (tape) tapes?.push(tape);
      return net.dense(0).forward(x, N * B, { tape, logits });
    }
    const y = new Float32Array(N * B * out);
    for (let j = 0; j < N; j++) {
      const tape = tapes ? new Tape() : undefined;
      if (tape) tapes?.push(tape);
      net.dense(j).forward(x.subarray(j * B * width, (j + 1) * B * width), B, { tape, logits, out: y.subarray(j * B * out, (j + 1) * B * out) });
    }
    return y;
  }

  /** Weight group `g` of `net` as a `FlatDense` over this path's arena (made once). */
  private flat(net: StackedMlp, g: number): FlatDense {
    const stack = net.dense(g);
    let f = this.flats.get(stack);
    if (!f) {
      f = new FlatDense(this.gemm, stack.layers);
      this.flats.set(stack, f);
    }
    return f;
  }

  /** `run` on the arena (the update path): outputs [N, B, out]; with `tapes`, each weight group's pass kept. */
  private runFlat(net: StackedMlp, x: Float32Array, B: number, tapes: FlatTape[] | null, logits = false): Float32Array {
    const N = this.N, width = net.opts.input, out = net.opts.output;
    const tape = tapes !== null;
    if (net.opts.shared) {
      const r = this.flat(net, 0).forward(x, N * B, { tape, logits });
      if (r.tape) tapes?.push(r.tape);
      return r.out;
    }
    const y = new Float32Array(N * B * out);
    for (let j = 0; j < N; j++) {
      const r = this.flat(net, j).forward(x.subarray(j * B * width, (j + 1) * B * width), B, { tape, logits, out: y.subarray(j * B * out, (j + 1) * B * out) });
      if (r.tape) tapes?.push(r.tape);
    }
    return y;
  }

  /** `back` for `runFlat`'s tapes. */
  private backFlat(net: StackedMlp, tapes: FlatTape[], dOut: Float32Array, B: number, opt: VariableAdam | null, dInput: Float32Array | null): void {
    const N = this.N, width = net.opts.input, out = net.opts.output;
    const groups = net.opts.shared ? 1 : N;
    const rows = net.opts.shared ? N * B : B;
    for (let g = 0; g < groups; g++) {
      const flat = this.flat(net, g);
      // Straight into the optimiser's gradient where the group's variables lie there in FlatDense's order (shared networks).
      const at = opt ? contiguousOffset(opt, flat) : -1;
      const grad = opt ? (at >= 0 ? opt.grad.subarray(at, at + flat.size) : new Float32Array(flat.size)) : null;
      flat.backward(tapes[g] as FlatTape, dOut.subarray(g * rows * out, (g + 1) * rows * out), grad, dInput ? dInput.subarray(g * rows * width, (g + 1) * rows * width) : null);
      if (opt && grad && at < 0) {
        flat.layers.forEach((l, i) => {
          const o = flat.offsets[i] as { w: number; b: number };
          opt.grad.set(grad.subarray(o.w, o.b), offsetOf(opt, l.kernel));
          opt.grad.set(grad.subarray(o.b, o.b + l.bias.size), offsetOf(opt, l.bias));
        });
      }
    }
  }

  /** `policy` on the arena (the update path). */
  private policyFlat(nets: MarlNetworks, obs: Float32Array, B: number): Float32Array {
    const a = this.runFlat(nets.actor, this.actorInput(nets, obs, B).x, B, null);
    this.mask(a, B);
    return a;
  }

  /** Run `f` and free what it allocated in the arena. */
  private scoped<T>(f: () => T): T {
    const mark = this.gemm.used;
    try {
      return f();
    } finally {
      this.gemm.release(mark);
    }
  }

  /** Masked actions [N, B, M] of `nets`' actors for observations [N, B, D]. */
  policy(nets: MarlNetworks, obs: Float32Array, B: number): Float32Array {
    const a = this.run(nets.actor, this.actorInput(nets, obs, B).x, B, null);
    this.mask(a, B);
    return a;
  }

  private mask(a: Float32Array, B: number): void {
    const m = this.layout.actionMask;
    if (!m) return;
    const { N, M } = this;
    for (let j = 0; j < N; j++) for (let k = 0; k < B; k++) for (let i = 0; i < M; i++) a[(j * B + k) * M + i] = (a[(j * B + k) * M + i] as number) * (m[j * M + i] as number);
  }

  /** Critic loss Σ live (Q_j − y_j)² / Σ live, y_j = r_j + γ (1 − done_j) Q'_j(s', π'(s')), and its gradient into `opt`. */
  criticGradients(b: MarlBatch, online: MarlNetworks, target: MarlNetworks, gamma: number, opt: VariableAdam): number {
    return this.scoped(() => this.criticGradientsIn(b, online, target, gamma, opt));
  }

  private criticGradientsIn(b: MarlBatch, online: MarlNetworks, target: MarlNetworks, gamma: number, opt: VariableAdam): number {
    const B = b.size, N = this.N;
    const nextActions = this.policyFlat(target, b.nextObs, B);
    const nextQ = this.runFlat(target.critic, this.criticInput(target, b.nextObs, nextActions, nextActions, b.nextState, B).x, B, null);
    const input = this.criticInput(online, b.obs, b.actions, b.actions, b.state, B);
    const tapes: FlatTape[] = [];
    const q = this.runFlat(online.critic, input.x, B, tapes);
    let liveCount = 0;
    for (let r = 0; r < N * B; r++) liveCount += b.live[r] as number;
    liveCount = Math.max(liveCount, 1);
    const dq = new Float32Array(N * B);
    let loss = 0;
    for (let r = 0; r < N * B; r++) {
      const y = (b.reward[r] as number) + (1 - (b.done[r] as number)) * (nextQ[r] as number) * gamma;
      const td = (q[r] as number) - y;
      const live = b.live[r] as number;
      loss += td * td * live;
      dq[r] = (2 * td * live) / liveCount;
    }
    const dInput = input.backward ? new Float32Array(input.x.length) : null;
    this.backFlat(online.critic, tapes, dq, B, opt, dInput);
    if (input.backward && dInput) input.backward(dInput, opt);
    return loss / liveCount;
  }

  /**
   * Actor loss −Σ live Q_j(…, a_j = π_j(·), …) / Σ live with the others'
   * actions from the replay (+ λ·mean(z²) over the pre-tanh outputs), and its
   * gradient into `opt`.
   */
  actorGradients(b: MarlBatch, online: MarlNetworks, actionRegularization: number, opt: VariableAdam): number {
    return this.scoped(() => this.actorGradientsIn(b, online, actionRegularization, opt));
  }

  private actorGradientsIn(b: MarlBatch, online: MarlNetworks, actionRegularization: number, opt: VariableAdam): number {
    const B = b.size, { N, M } = this;
    const actorIn = this.actorInput(online, b.obs, B);
    const actorTapes: FlatTape[] = [];
    const z = this.runFlat(online.actor, actorIn.x, B, actorTapes, true);
    const a = new Float32Array(z.length);
    for (let i = 0; i < z.length; i++) a[i] = Math.tanh(z[i] as number);
    const own = a.slice();
    this.mask(own, B);
    const criticIn = this.criticInput(online, b.obs, own, b.actions, b.state, B);
    const criticTapes: FlatTape[] = [];
    const q = this.runFlat(online.critic, criticIn.x, B, criticTapes);
    let liveCount = 0;
    for (let r = 0; r < N * B; r++) liveCount += b.live[r] as number;
    liveCount = Math.max(liveCount, 1);
    let loss = 0;
    const dq = new Float32Array(N * B);
    for (let r = 0; r < N * B; r++) {
      loss -= (q[r] as number) * (b.live[r] as number);
      dq[r] = -(b.live[r] as number) / liveCount;
    }
    loss /= liveCount;
    const dCritic = new Float32Array(criticIn.x.length);
    this.backFlat(online.critic, criticTapes, dq, B, null, dCritic);
    const lambda = actionRegularization;
    const mask = this.layout.actionMask;
    const dz = new Float32Array(z.length);
    let reg = 0;
    for (let j = 0; j < N; j++) {
      const at = this.strategy.ownColumn(j);
      for (let k = 0; k < B; k++) {
        const r = j * B + k, live = b.live[r] as number;
        for (let i = 0; i < M; i++) {
          const e = r * M + i;
          const m = mask ? (mask[j * M + i] as number) : 1;
          const y = a[e] as number;
          dz[e] = (dCritic[r * criticIn.width + at + i] as number) * m * (1 - y * y);
          if (lambda > 0) {
            const zi = z[e] as number;
            reg += zi * zi * live;
            dz[e] = (dz[e] as number) + (lambda * 2 * zi * live) / (liveCount * M);
          }
        }
      }
    }
    if (lambda > 0) loss += (lambda * reg) / (liveCount * M);
    const dActor = actorIn.backward ? new Float32Array(actorIn.x.length) : null;
    this.backFlat(online.actor, actorTapes, dz, B, opt, dActor);
    if (actorIn.backward && dActor) actorIn.backward(dActor, opt);
    return loss;
  }
}

const offsets = new WeakMap<VariableAdam, Map<tf.Variable, number>>();

/** Where `flat`'s gradient starts in `opt`'s when its variables lie there in its own layout (kernel, bias, layer by layer), else −1. */
function contiguousOffset(opt: VariableAdam, flat: FlatDense): number {
  const base = offsetOf(opt, (flat.layers[0] as FlatDense['layers'][number]).kernel);
  const fits = flat.layers.every((l, i) => offsetOf(opt, l.kernel) === base + (flat.offsets[i] as { w: number }).w && offsetOf(opt, l.bias) === base + (flat.offsets[i] as { b: number }).b);
  return fits ? base : -1;
}

function offsetOf(opt: VariableAdam, v: tf.Variable): number {
  let map = offsets.get(opt);
  if (!map) {
    map = new Map(opt.params.vars.map((x, i) => [x, opt.params.offsets[i] as number]));
    offsets.set(opt, map);
  }
  const at = map.get(v);
  if (at === undefined) throw new ConfigError(`MarlFastPath: variable ${v.name} is not one the optimizer trains`);
  return at;
}
