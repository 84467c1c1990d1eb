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
import { z, type FieldMeta } from '../../src/core/schema.js';
import { options } from '../option-fields.js';
import { BaselineAgent, clamp, familyOf, registerBaseline, singleView } from './common.js';

export type StaticLevel = 'min' | 'middle' | 'max' | number;

const LEVEL_EXPECTED = '"min", "middle", "max" or a number in [0, 1]';

/** The static baseline's options: type, bounds, default and its source per field. */
export const STATIC_SCHEMA = options({
  action: z.unknown().optional().meta({
    doc: 'the action itself (a number for Discrete, an array for MultiDiscrete and Box; on FaaSConf 4 numbers are one function\'s action, given to every function); checked against the action space',
    expected: 'an action of the action space', kind: 'number \\| number[]', range: '',
  } satisfies FieldMeta),
  level: z.union([z.enum(['min', 'middle', 'max'], { error: LEVEL_EXPECTED }), z.number({ error: LEVEL_EXPECTED }).gte(0, { error: LEVEL_EXPECTED }).lte(1, { error: LEVEL_EXPECTED })], { error: LEVEL_EXPECTED }).default('middle').meta({
    doc: 'without `action`: where in each dimension\'s range, `min` (0), `middle` (0.5), `max` (1) or a fraction',
    expected: LEVEL_EXPECTED, kind: '`min` \\| `middle` \\| `max` \\| number', range: '[0, 1]',
  } satisfies FieldMeta),
});

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

/** The fraction a level names. */
function levelValue(level: StaticLevel): number {
  return level === 'middle' ? 0.5 : level === 'min' ? 0 : level === 'max' ? 1 : level;
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
  schema: STATIC_SCHEMA,
  build(env, o, seed, given) {
    const space = singleView(env).actionSpace;
    const f = familyOf(env);
    let action: unknown;
    let hp: Record<string, unknown>;
    if (given.has('action')) {
      if (given.has('level')) throw new ConfigError('static: options.action: give action or level, not both');
      action = o.action;
      if (f.family === 'faasconf' && Array.isArray(action) && action.length === 4 && space instanceof Box && space.size !== 4) {
        const one = action as unknown[];
        action = Array.from({ length: space.size }, (_, i) => one[i % 4]);
      }
      if (!space.contains(action)) throw new ConfigError(`static: options.action: ${quote(action)} is not in the action space ${space.toString()}${f.family === 'faasconf' ? ' (or give one function\'s 4 values)' : ''}`);
      hp = { action };
    } else {
      const level = levelValue(o.level);
      action = actionAtLevel(space, level);
      hp = { level, action };
    }
    return new StaticAgent(env, action, hp, seed);
  },
});
