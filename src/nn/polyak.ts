/**
 * Polyak averaging of target networks, θ' ← τ·θ + (1 − τ)·θ' (τ = 1 copies):
 * over flat vectors (the learners' fast path) and over paired tf.Variables.
 */
import { ConfigError, quote } from '../core/errors.js';
import type { ParamSet } from './params.js';
import { tf } from './tf.js';

function checkTau(tau: number): void {
  if (!(tau > 0 && tau <= 1)) throw new ConfigError(`polyak: tau must be in (0, 1], got ${quote(tau)}`);
}

/** θ' ← τ·θ + (1 − τ)·θ' elementwise, in place of `target` (float32 arithmetic). */
export function polyak(target: Float32Array, source: Float32Array, tau: number): void {
  checkTau(tau);
  if (target.length !== source.length) throw new ConfigError(`polyak: target has ${target.length} numbers, source ${source.length}`);
  if (tau === 1) {
    target.set(source);
    return;
  }
  // In float32 arithmetic, as tfjs computes s·τ + t·(1 − τ): the same bits as `polyakVariables`.
  const t32 = Math.fround(tau), u32 = Math.fround(1 - tau);
  for (let i = 0; i < target.length; i++) target[i] = Math.fround((source[i] as number) * t32) + Math.fround((target[i] as number) * u32);
}

/** θ' ← τ·θ + (1 − τ)·θ' over paired variables, computed by tfjs (τ = 1 copies). */
export function polyakVariables(targets: readonly tf.Variable[], sources: readonly tf.Variable[], tau: number): void {
  checkTau(tau);
  if (targets.length !== sources.length) throw new ConfigError(`polyak: ${targets.length} target variables but ${sources.length} sources`);
  tf.tidy(() => {
    targets.forEach((t, i) => {
      const s = sources[i] as tf.Variable;
      t.assign(tau === 1 ? s.clone() : s.mul(tau).add(t.mul(1 - tau)));
    });
  });
}

/**
 * The soft target update after an optimiser step, over flat vectors: refresh
 * both sets from their variables, θ' ← τ·θ + (1 − τ)·θ' (`polyak`), and give
 * the target variables the result.
 */
export function polyakParams(target: ParamSet, online: ParamSet, tau: number): void {
  online.pull();
  target.pull();
  polyak(target.theta, online.theta, tau);
  target.push();
}
