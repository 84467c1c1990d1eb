/**
 * Seeded weight initialisation from the run's `Rng` (tfjs initialisers have
 * their own generator; re-drawing every weight from our Rng makes a run's
 * networks a function of its seed alone).
 */
import type { Rng } from '../core/rng.js';
import { tf } from './tf.js';

/**
 * Re-initialise every Dense kernel of `model` with Glorot-uniform (or He-uniform
 * for ReLU layers, as is usual) and every bias with zeros, drawn from `rng`.
 * Other layer kinds keep their weights.
 */
export function seedWeights(model: tf.LayersModel, rng: Rng): void {
  for (const layer of model.layers) {
    const weights = layer.getWeights();
    if (weights.length === 0) continue;
    const activation = (layer.getConfig() as { activation?: string }).activation;
    const next = weights.map((w) => {
      if (w.shape.length === 1) return tf.zeros(w.shape);
      const [fanIn, fanOut] = [w.shape[0] as number, w.shape[w.shape.length - 1] as number];
      const limit = activation === 'relu' ? Math.sqrt(6 / fanIn) : Math.sqrt(6 / (fanIn + fanOut));
      const values = new Float32Array(w.size);
      for (let i = 0; i < values.length; i++) values[i] = rng.uniform(-limit, limit);
      return tf.tensor(values, w.shape);
    });
    layer.setWeights(next);
    for (const t of next) t.dispose();
  }
}
