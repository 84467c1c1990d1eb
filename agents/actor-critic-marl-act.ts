/**
 * The multi-agent actor-critics' actors for acting (MADDPG, mean-field,
 * AttMF; `actor-critic-marl.ts`): one `ActMirror` (src/nn/act-mirror.ts) per
 * weight group of the online `StackedMlp` actor (one shared by all agents,
 * run on N rows, or one per agent on its own row), loaded from the actor
 * optimizer's flat parameters after each update. Acting then runs no tfjs
 * kernel: before an action it only checks that no variable was given new data
 * from outside (a checkpoint load, an `assign`), and reloads if one was.
 */
import { ConfigError } from '../src/core/errors.js';
import { ActMirror } from '../src/nn/act-mirror.js';
import type { VariableAdam } from '../src/nn/adam.js';
import type { tf } from '../src/nn/tf.js';
import type { StackedMlp } from './actor-critic-nets.js';

export class MarlActors {
  private readonly mirrors: ActMirror[];
  /** Per weight group, per layer: the kernel's offset in the optimizer's vector (its bias follows). */
  private readonly offsets: number[][];

  /** `mask` [N, M]: 1 on each agent's real action elements, or null when every agent has M. */
  constructor(private readonly actor: StackedMlp, private readonly opt: VariableAdam, private readonly mask: Float32Array | null) {
    const { agents, shared } = actor.opts;
    const groups = shared ? 1 : agents;
    const at = new Map<tf.Variable, number>(opt.params.vars.map((v, i) => [v, opt.params.offsets[i] as number]));
    const offsetOf = (v: tf.Variable): number => {
      const o = at.get(v);
      if (o === undefined) throw new ConfigError(`MarlActors: ${v.name} is not a variable the actor optimizer trains`);
      return o;
    };
    this.mirrors = [];
    this.offsets = [];
    for (let g = 0; g < groups; g++) {
      this.mirrors.push(ActMirror.ofStack(actor.dense(g), shared ? agents : 1));
      this.offsets.push(actor.kernels.map((ks, l) => {
        const kernel = ks[g] as tf.Variable, o = offsetOf(kernel);
        if (offsetOf((actor.biases[l] as tf.Variable[])[g] as tf.Variable) !== o + kernel.size) throw new ConfigError(`MarlActors: layer ${l}'s bias does not follow its kernel in the optimizer's vector`);
        return o;
      }));
    }
    this.load();
  }

  /** Copy the optimizer's current parameters in (after every update). */
  load(): void {
    this.mirrors.forEach((m, g) => m.load(this.opt.adam.theta, this.offsets[g] as number[]));
  }

  /** Every agent's masked action in [-1, 1], agent-major [N · M] (a new array), from the actor inputs `x` [N, width]. */
  policy(x: Float32Array): Float32Array {
    if (this.opt.params.pull()) this.load(); // variables given new data outside an update
    const { agents: N, output: M, input: width, shared } = this.actor.opts;
    const a = new Float32Array(N * M);
    if (shared) a.set((this.mirrors[0] as ActMirror).forward(x, N));
    else this.mirrors.forEach((m, j) => a.set(m.forward(x, 1, j * width), j * M));
    const mask = this.mask;
    if (mask) for (let i = 0; i < a.length; i++) a[i] = (a[i] as number) * (mask[i] as number);
    return a;
  }
}
