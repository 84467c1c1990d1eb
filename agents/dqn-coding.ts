/**
 * DQN's view of an environment (`dqn.ts`): the single-agent view, what it
 * supports, how Discrete and MultiDiscrete actions map to Q heads (see the
 * `multiDiscrete` option in dqn.ts's module doc), and the running
 * observation statistics of `normalizeObservations`.
 */
import { isParallelEnv, type AnyEnv, type Env } from '../src/core/env.js';
import { ConfigError, quote } from '../src/core/errors.js';
import { singleView } from '../src/core/wrappers/centralized-env.js';
import { Discrete } from '../src/spaces/discrete.js';
import { flatdim } from '../src/spaces/flatten.js';
import { MultiDiscrete } from '../src/spaces/multi-discrete.js';
import type { Space } from '../src/spaces/space.js';

/** Largest joint action count `multiDiscrete: 'flatten'` accepts. */
const MAX_FLAT_ACTIONS = 65_536;


/** Why DQN cannot run on `env`, or null. */
export function dqnSupports(env: AnyEnv): string | null {
  let view: Env<unknown, unknown>;
  try {
    view = singleView(env);
  } catch (err) {
    return `dqn cannot view this environment as a single agent: ${(err as Error).message}`;
  }
  const space = view.actionSpace;
  if (!(space instanceof Discrete) && !(space instanceof MultiDiscrete)) {
    return `dqn needs a Discrete or MultiDiscrete action space, got ${(space as Space<unknown>).type ?? String(space)}${isParallelEnv(env) ? ' (the joint action of the parallel env)' : ''}`;
  }
  try {
    flatdim(view.observationSpace);
  } catch (err) {
    return `dqn needs a flattenable observation space: ${(err as Error).message}`;
  }
  return null;
}

/**
 * How env actions map to Q heads: `heads[d]` actions in head d; a replay row
 * stores one index per head.
 */
export interface ActionCoding {
  heads: number[];
  /** Env action → head indices (written into `out`). */
  encode(action: unknown, out: Float32Array): void;
  /** Head indices → env action. */
  decode(indices: ArrayLike<number>): number | number[];
}

export function actionCoding(space: Discrete | MultiDiscrete, mode: 'flatten' | 'factored'): ActionCoding {
  if (space instanceof Discrete) {
    return {
      heads: [space.n],
      encode: (a, out) => void (out[0] = (a as number) - space.start),
      decode: (idx) => (idx[0] as number) + space.start,
    };
  }
  const { nvec, start } = space;
  if (mode === 'factored') {
    return {
      heads: [...nvec],
      encode: (a, out) => nvec.forEach((_, d) => void (out[d] = ((a as ArrayLike<number>)[d] as number) - (start[d] as number))),
      decode: (idx) => nvec.map((_, d) => (idx[d] as number) + (start[d] as number)),
    };
  }
  const total = nvec.reduce((a, b) => a * b, 1);
  if (total > MAX_FLAT_ACTIONS) {
    throw new ConfigError(`dqn multiDiscrete "flatten" would need one head over ${total} joint actions (nvec ${quote(nvec)}; limit ${MAX_FLAT_ACTIONS}): use multiDiscrete "factored"`);
  }
  // Row-major strides: dimension 0 is the most significant digit.
  const strides = nvec.map((_, d) => nvec.slice(d + 1).reduce((a, b) => a * b, 1));
  return {
    heads: [total],
    encode: (a, out) => {
      let index = 0;
      nvec.forEach((_, d) => (index += (((a as ArrayLike<number>)[d] as number) - (start[d] as number)) * (strides[d] as number)));
      out[0] = index;
    },
    decode: (idx) => nvec.map((n, d) => Math.floor((idx[0] as number) / (strides[d] as number)) % n + (start[d] as number)),
  };
}
