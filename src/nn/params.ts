/**
 * A list of tf.Variables seen as one flat float32 vector (a `FlatAdam`'s
 * `theta`, or a target network's copy), in the variables' order, each
 * row-major. The variables stay the source of truth for everything else
 * (acting, checkpoints, `setWeights`): `pull` copies in a variable that was
 * given new data since the last `push`/`pull` (tracked by its data id, which
 * every `assign` replaces), `push` gives every variable the vector's values.
 */
import { ConfigError, quote } from '../core/errors.js';
import { tf } from './tf.js';

const dataOf = (t: tf.Tensor): object => (t as unknown as { dataId: object }).dataId;

export class ParamSet {
  /** Offset of each variable in the vector. */
  readonly offsets: number[];
  readonly size: number;
  private readonly seen: (object | null)[];

  constructor(readonly vars: readonly tf.Variable[], readonly theta: Float32Array = new Float32Array(vars.reduce((a, v) => a + v.size, 0))) {
    this.offsets = [];
    let size = 0;
    for (const v of vars) {
      this.offsets.push(size);
      size += v.size;
    }
    if (theta.length < size) throw new ConfigError(`ParamSet: a vector of ${theta.length} numbers cannot hold ${size} parameters`);
    this.size = size;
    this.seen = vars.map(() => null);
    this.pull();
  }

  /** Copy every variable that changed since the last push or pull into the vector; true when one did. */
  pull(): boolean {
    let changed = false;
    this.vars.forEach((v, i) => {
      if (this.seen[i] === dataOf(v)) return;
      this.theta.set(v.dataSync() as Float32Array, this.offsets[i] as number);
      this.seen[i] = dataOf(v);
      changed = true;
    });
    return changed;
  }

  /** Give every variable the vector's values. */
  push(): void {
    // The wasm backend copies into its heap at once; others may keep the array, which the optimiser then changes.
    const copy = tf.getBackend() !== 'wasm';
    this.vars.forEach((v, i) => {
      const at = this.offsets[i] as number;
      const values = copy ? this.theta.slice(at, at + v.size) : this.theta.subarray(at, at + v.size);
      const t = tf.tensor(values, v.shape, 'float32');
      v.assign(t);
      t.dispose();
      this.seen[i] = dataOf(v);
    });
  }

  /** The view of variable `i` in `vector` (a gradient laid out like `theta`). */
  slice(vector: Float32Array, i: number): Float32Array {
    const at = this.offsets[i] as number;
    return vector.subarray(at, at + (this.vars[i] as tf.Variable).size);
  }

  /** Flatten a `tf.variableGrads` map (keyed by variable name) into `out` (zeros where a variable has no gradient). */
  gradsInto(grads: tf.NamedTensorMap, out: Float32Array): void {
    this.vars.forEach((v, i) => {
      const g = grads[v.name];
      const view = this.slice(out, i);
      if (!g) view.fill(0);
      else if (g.size !== v.size) throw new ConfigError(`ParamSet: gradient of ${quote(v.name)} has ${g.size} numbers, the variable ${v.size}`);
      else view.set(g.dataSync() as Float32Array);
    });
  }
}
