import { ConfigError, quote } from '../core/errors.js';
import type { Rng } from '../core/rng.js';

/**
 * A distribution of non-negative durations or amounts, in the JSON form that
 * scenarios use. `lognormal` is given by its median and the sigma of the
 * underlying normal, so p99/p50 = exp(2.326·sigma).
 */
export type Dist =
  | { kind: 'constant'; value: number }
  | { kind: 'exponential'; mean: number }
  | { kind: 'uniform'; low: number; high: number }
  | { kind: 'lognormal'; median: number; sigma: number }
  | { kind: 'normal'; mean: number; std: number }
  | { kind: 'empirical'; values: number[] };

/** A number is shorthand for a constant. */
export type DistInput = Dist | number;

/** Validate a distribution (path names the field in error messages) and return it normalised. */
export function parseDist(input: unknown, path: string): Dist {
  if (typeof input === 'number') {
    if (!(input >= 0) || !Number.isFinite(input)) throw new ConfigError(`${path} must be a finite number >= 0, got ${quote(input)}`);
    return { kind: 'constant', value: input };
  }
  if (typeof input !== 'object' || input === null) throw new ConfigError(`${path} must be a number or a distribution {kind, ...}, got ${quote(input)}`);
  const d = input as Record<string, unknown>;
  const num = (key: string, positive = false): number => {
    const v = d[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (positive && v === 0)) {
      throw new ConfigError(`${path}.${key} must be a finite number ${positive ? '> 0' : '>= 0'}, got ${quote(v)}`);
    }
    return v;
  };
  switch (d.kind) {
    case 'constant':
      return { kind: 'constant', value: num('value') };
    case 'exponential':
      return { kind: 'exponential', mean: num('mean', true) };
    case 'uniform': {
      const low = num('low'), high = num('high');
      if (high < low) throw new ConfigError(`${path}: uniform high (${high}) must be >= low (${low})`);
      return { kind: 'uniform', low, high };
    }
    case 'lognormal':
      return { kind: 'lognormal', median: num('median', true), sigma: num('sigma') };
    case 'normal':
      return { kind: 'normal', mean: num('mean'), std: num('std') };
    case 'empirical': {
      const values = d.values;
      if (!Array.isArray(values) || values.length === 0 || values.some((v) => typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v))) {
        throw new ConfigError(`${path}.values must be a non-empty array of finite numbers >= 0, got ${quote(values)}`);
      }
      return { kind: 'empirical', values: [...(values as number[])] };
    }
    default:
      throw new ConfigError(`${path}.kind must be one of constant, exponential, uniform, lognormal, normal, empirical, got ${quote(d.kind)}`);
  }
}

/**
 * A compiled sampler: the hot path of the simulator draws millions of these,
 * so the switch over kinds happens once, here, not per draw.
 * Normal draws are truncated at 0 (durations cannot be negative).
 */
export function sampler(dist: Dist): (rng: Rng) => number {
  switch (dist.kind) {
    case 'constant': {
      const v = dist.value;
      return () => v;
    }
    case 'exponential': {
      const mean = dist.mean;
      return (rng) => -Math.log(1 - rng.random()) * mean;
    }
    case 'uniform': {
      const { low, high } = dist;
      return (rng) => low + (high - low) * rng.random();
    }
    case 'lognormal': {
      const { median, sigma } = dist;
      return (rng) => median * Math.exp(sigma * rng.normal());
    }
    case 'normal': {
      const { mean, std } = dist;
      return (rng) => Math.max(0, rng.normal(mean, std));
    }
    case 'empirical': {
      const values = dist.values;
      return (rng) => values[rng.integer(0, values.length)] as number;
    }
  }
}

/** The mean of a distribution (normal: of the untruncated normal). */
export function distMean(dist: Dist): number {
  switch (dist.kind) {
    case 'constant':
      return dist.value;
    case 'exponential':
      return dist.mean;
    case 'uniform':
      return (dist.low + dist.high) / 2;
    case 'lognormal':
      return dist.median * Math.exp((dist.sigma * dist.sigma) / 2);
    case 'normal':
      return dist.mean;
    case 'empirical':
      return dist.values.reduce((a, b) => a + b, 0) / dist.values.length;
  }
}
