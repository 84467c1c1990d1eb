/**
 * A static configuration: the same action at every step, never adapted — the
 * "configure once and leave it" baseline (FaaSConf's and StepConf's static
 * settings, a fixed Autoscale or Darly action). CLI name `static`.
 *
 * Options (on the single-agent view's action space: the joint action on a
 * ParallelEnv):
 *
 * - `action`: the action itself (a number for Discrete, an array for
 *   MultiDiscrete and Box). On FaaSConf an array of 4 is one function's
 *   action, given to every function.
 * - `level` (when `action` is absent): where in each dimension's range, as
 *   `'min'`, `'middle'` (the default), `'max'` or a fraction in [0, 1]:
 *   Discrete/MultiDiscrete index `start + round(level · (n − 1))`, Box
 *   `low + level · (high − low)` (0 clipped into the bounds where a bound is
 *   infinite). So on StepConf `'max'` is the all-large configuration (largest
 *   memory, p and q for every step) and `'min'` the all-small one; on
 *   FaaSConf `'middle'` is the centre of the action box (1125 m, 1140 MB, 5
 *   replicas, concurrency 6 on the ML workflows); on Autoscale `'middle'` is
 *   "keep" for every function.
 *
 * Refused on `FaaSRank-v0`: its valid invokers change between episodes and
 * routing every invocation to one invoker is no configuration (the routing
 * baselines are round-robin, least-connections, ow-hashing, greedy-packing,
 * static-rank).
 */
import type { AnyEnv } from '../../src/core/env.js';
import { ConfigError, quote } from '../../src/core/errors.js';
import { Box } from '../../src/spaces/box.js';
import { Discrete } from '../../src/spaces/discrete.js';
import { MultiDiscrete } from '../../src/spaces/multi-discrete.js';
import type { Space } from '../../src/spaces/space.js';
import { BaselineAgent, clamp, familyOf, registerBaseline, singleView, type Options } from './common.js';

export type StaticLevel = 'min' | 'middle' | 'max' | number;

/** The action at `level` (a fraction in [0, 1]) of every dimension of `space`. */
export function actionAtLevel(space: Space<unknown>, level: number): unknown {
  if (space instanceof Discrete) return space.start + Math.round(level * (space.n - 1));
  if (space instanceof MultiDiscrete) return space.nvec.map((n, i) => (space.start[i] as number) + Math.round(level * (n - 1)));
  if (space instanceof Box) {
    return space.low.map((lo, i) => {
      const hi = space.high[i] as number;
      let v = Number.isFinite(lo) && Number.isFinite(hi) ? lo + level * (hi - lo) : clamp(0, lo, hi);
      if (space.dtype === 'float32') v = clamp(Math.fround(v), lo, hi);
      else if (space.dtype !== 'float64') v = clamp(Math.round(v), lo, hi);
      return v;
    });
  }
  throw new ConfigError(`static: cannot place a level in a ${space.type} action space`);
}

function levelValue(o: Options): number {
  const v = o.value('level');
  if (v === undefined || v === 'middle') return 0.5;
  if (v === 'min') return 0;
  if (v === 'max') return 1;
  if (typeof v === 'number' && v >= 0 && v <= 1) return v;
  throw new ConfigError(`static: options.level: expected "min", "middle", "max" or a number in [0, 1], got ${quote(v)}`);
}

export class StaticAgent extends BaselineAgent {
  constructor(env: AnyEnv, readonly action: unknown, hyperparameters: Record<string, unknown>, seed: number) {
    super('static', env, hyperparameters, seed);
  }

  async act(): Promise<unknown> {
    return Array.isArray(this.action) ? [...this.action] : this.action;
  }
}

export const staticFactory = registerBaseline({
  name: 'static',
  description: 'a fixed action every step (option action, or level min/middle/max; default the middle of the action space)',
  supports(env) {
    if (familyOf(env).family === 'faasrank') {
      return 'static does not run on FaaSRank-v0: its valid invokers change between episodes and sending every invocation to one invoker is no configuration (use round-robin, least-connections, ow-hashing, greedy-packing or static-rank)';
    }
    let space: Space<unknown>;
    try {
      space = singleView(env).actionSpace;
    } catch (err) {
      return `static cannot view this environment as a single agent: ${(err as Error).message}`;
    }
    if (!(space instanceof Discrete || space instanceof MultiDiscrete || space instanceof Box)) {
      return `static needs a Discrete, MultiDiscrete or Box action space, got ${space.type}`;
    }
    return null;
  },
  build(env, o, seed) {
    const space = singleView(env).actionSpace;
    const f = familyOf(env);
    let action: unknown;
    let hp: Record<string, unknown>;
    if (o.has('action')) {
      if (o.has('level')) throw new ConfigError('static: options.action: give action or level, not both');
      action = o.value('action');
      if (f.family === 'faasconf' && Array.isArray(action) && action.length === 4 && space instanceof Box && space.size !== 4) {
        const one = action as unknown[];
        action = Array.from({ length: space.size }, (_, i) => one[i % 4]);
      }
      if (!space.contains(action)) throw new ConfigError(`static: options.action: ${quote(action)} is not in the action space ${space.toString()}${f.family === 'faasconf' ? ' (or give one function\'s 4 values)' : ''}`);
      hp = { action };
    } else {
      const level = levelValue(o);
      action = actionAtLevel(space, level);
      hp = { level, action };
    }
    o.done();
    return new StaticAgent(env, action, hp, seed);
  },
});
