/**
 * Option fields the learners share, as zod schemas (src/core/schema.ts): the
 * same bounds, reasons and wording in every learner. Each learner's schema
 * sits at the top of its file and picks its defaults and their sources.
 *
 * The upper bounds keep one option from hanging a run or exhausting the heap
 * (`--set hidden=[100000,100000]` was 10¹⁰ weights; `batchSize=1e9` and
 * `gradientSteps=1e7` never returned).
 */
import { integer, number, numbers, type FieldDoc } from '../src/core/schema.js';

export { boolean, integer, literal, nullableNumber, number, numbers, oneOf, options, parseOptions, z } from '../src/core/schema.js';

type Doc = Pick<FieldDoc, 'source'> & { doc?: string };

/** Widest hidden layer and most hidden layers: 8 layers of 2048 are ≈ 30 M weights, a few hundred MB with Adam's moments. */
export const MAX_WIDTH = 2048;
export const MAX_LAYERS = 8;
const WIDTH_WHY = `layers of at most ${MAX_WIDTH} units, at most ${MAX_LAYERS} of them: ≈ 30 M weights, a few hundred MB with the optimiser's moments`;

/** Hidden layer widths. */
export function hidden(dflt: readonly number[], o: Doc & { allowEmpty?: boolean } = {}) {
  return numbers({ default: dflt, int: true, min: 1, max: MAX_WIDTH, minLength: o.allowEmpty ? 0 : 1, maxLength: MAX_LAYERS, maxWhy: WIDTH_WHY, doc: o.doc ?? 'hidden layer widths', source: o.source });
}

export function learningRate(dflt: number, o: Doc = {}) {
  return number({ default: dflt, gt: 0, max: 1, maxWhy: 'a step size above 1 diverges with any of the optimisers here', doc: o.doc ?? 'Adam learning rate', source: o.source });
}

export function batchSize(dflt: number, o: Doc = {}) {
  return integer({ default: dflt, min: 1, max: 65_536, maxWhy: 'a minibatch is batchSize × layer width floats per layer: 65 536 × 2048 is already 512 MB', doc: o.doc ?? 'minibatch size', source: o.source });
}

export function gamma(dflt: number, o: Doc = {}) {
  return number({ default: dflt, min: 0, max: 1, doc: o.doc ?? 'discount factor γ', source: o.source });
}

export function tau(dflt: number, o: Doc = {}) {
  return number({ default: dflt, gt: 0, max: 1, doc: o.doc ?? 'target update factor: 1 is a hard copy, below 1 Polyak averaging θ\' ← τθ + (1 − τ)θ\'', source: o.source });
}

export function bufferSize(dflt: number, o: Doc = {}) {
  return integer({ default: dflt, min: 1, max: 10_000_000, maxWhy: 'transitions held in memory (allocated as they arrive): 10⁷ of a 100-float observation is 8 GB', doc: o.doc ?? 'replay capacity in transitions', source: o.source });
}

/** Environment steps (learning starts, totals, intervals): at most 10⁹, longer than any run. */
export function steps(dflt: number, min: number, o: Doc & { doc: string }) {
  return integer({ default: dflt, min, max: 1e9, maxWhy: 'environment steps: 10⁹ is longer than any run', doc: o.doc, source: o.source });
}

export function gradientSteps(dflt: number, o: Doc = {}) {
  return integer({ default: dflt, min: 1, max: 1000, maxWhy: 'updates per training round: 1000 already makes one environment step take minutes', doc: o.doc ?? 'minibatch updates per training round', source: o.source });
}

export function maxGradNorm(dflt: number, o: Doc = {}) {
  return number({ default: dflt, min: 0, max: 1e6, maxWhy: 'a norm beyond 10⁶ clips nothing: use 0', doc: o.doc ?? 'clip gradients to this global norm (0: no clipping)', source: o.source });
}

/** A probability, fraction or ε in [0, 1]. */
export function unit(dflt: number, o: Doc & { doc: string; gt0?: boolean }) {
  return number({ default: dflt, ...(o.gt0 ? { gt: 0 } : { min: 0 }), max: 1, doc: o.doc, source: o.source });
}
