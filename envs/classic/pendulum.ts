/**
 * Pendulum-v1, a faithful port of Gymnasium 1.0's `PendulumEnv`
 * (`gymnasium/envs/classic_control/pendulum.py`): same constants, dynamics,
 * reset distribution, reward and (absent) termination.
 *
 * ## Description
 *
 * The inverted pendulum swing-up problem, a classic problem in control theory.
 * The system consists of a pendulum attached at one end to a fixed point, the
 * other end being free. The pendulum starts in a random position and the goal is
 * to apply torque on the free end to swing it into an upright position, with its
 * centre of gravity right above the fixed point. `theta` is the angle in radians
 * (0 = upright), the torque is positive counter-clockwise.
 *
 * ## Action Space
 *
 * `Box(float32, low [-2], high [2], shape [1])`: the torque applied to the free
 * end of the pendulum, in N·m. Actions outside the space are refused with
 * `InvalidActionError` (`BaseEnv`), so Gymnasium's `np.clip(u, -2, 2)` is kept
 * but never changes a value here.
 *
 * ## Observation Space
 *
 * `Box(float32, shape [3])`:
 *
 * | Num | Observation      | Min  | Max |
 * |-----|------------------|------|-----|
 * | 0   | x = cos(theta)   | -1.0 | 1.0 |
 * | 1   | y = sin(theta)   | -1.0 | 1.0 |
 * | 2   | Angular Velocity | -8.0 | 8.0 |
 *
 * The state [theta, theta_dot] is integrated in float64 (theta is not wrapped);
 * the observation is rounded to float32 as Gymnasium's `_get_obs`. The
 * unrounded state is available from the read-only `state` getter.
 *
 * ## Rewards
 *
 * r = -(theta² + 0.1·theta_dot² + 0.001·torque²), where theta is the angle
 * normalised into [-pi, pi) by `angleNormalize` (Python modulo semantics) and
 * theta_dot the angular velocity before the step. The minimum reward is
 * -(pi² + 0.1·8² + 0.001·2²) = -16.2736044, the maximum 0 (upright, at rest, no
 * torque).
 *
 * ## Starting State
 *
 * theta uniform in [-pi, pi), theta_dot uniform in [-1, 1). The reset options
 * `x_init` and `y_init` (Gymnasium's names) replace the bounds pi and 1: theta in
 * [-x_init, x_init), theta_dot in [-y_init, y_init).
 *
 * ## Episode End
 *
 * The episode never terminates; it is truncated after 200 steps by the
 * registry's `TimeLimit` (`maxEpisodeSteps: 200`).
 *
 * ## Arguments
 *
 * Config `{ g?: number }`: the acceleration of gravity in m/s² (default 10.0;
 * must be finite and > 0). Unknown keys and wrong types raise `ConfigError`.
 *
 * ## Version History
 *
 * - v1: simplified the math equations, no difference in behaviour.
 * - v0: initial version.
 *
 * ## Source
 *
 * Gymnasium `gymnasium/envs/classic_control/pendulum.py` (Farama Foundation,
 * originally OpenAI Gym).
 */
import { ConfigError, quote } from '../../src/core/errors.js';
import type { ResetResult, StepResult } from '../../src/core/env.js';
import { BaseEnv } from '../../src/core/base-env.js';
import { Box } from '../../src/spaces/box.js';
import { number, options, parseConfig, type ConfigOf } from '../common/config.js';

const ID = 'Pendulum-v1';
/** Gymnasium's DEFAULT_X (bound of the initial angle) and DEFAULT_Y (bound of the initial angular velocity). */
const DEFAULT_X = Math.PI;
const DEFAULT_Y = 1.0;

/** The config schema of `Pendulum-v1` (rendered into the docs by `npm run docs:options`). */
export const PENDULUM_SCHEMA = options({
  g: number({ default: 10.0, gt: 0, max: 1000, maxWhy: 'a hundred times Earth\'s gravity; the torque limit of 2 cannot lift the pole far below it anyway', doc: 'acceleration of gravity, m/s²', source: 'Gymnasium Pendulum-v1' }),
});

export type PendulumConfig = Partial<ConfigOf<typeof PENDULUM_SCHEMA>>;

/** Python's `a % b`: the result has the sign of the divisor (JavaScript's `%` takes the sign of the dividend). */
export function pymod(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && (r < 0) !== (b < 0) ? r + b : r;
}

/** Gymnasium's `angle_normalize`: `((x + pi) % (2 pi)) - pi` with Python modulo, in [-pi, pi). */
export function angleNormalize(x: number): number {
  return pymod(x + Math.PI, 2 * Math.PI) - Math.PI;
}


function resetBound(options: Record<string, unknown>, key: 'x_init' | 'y_init', fallback: number): number {
  const value = options[key] ?? fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ConfigError(`${ID}: reset option ${key} must be a finite number, got ${quote(value)}`);
  }
  return value;
}

/** The inverted-pendulum swing-up task, as Gymnasium's Pendulum-v1. */
export class PendulumEnv extends BaseEnv<number[], number[]> {
  readonly maxSpeed = 8;
  readonly maxTorque = 2.0;
  readonly dt = 0.05;
  readonly g: number;
  readonly m = 1.0;
  readonly l = 1.0;

  readonly observationSpace = new Box({ low: [-1, -1, -8], high: [1, 1, 8], dtype: 'float32' });
  readonly actionSpace = new Box({ low: -2, high: 2, shape: [1], dtype: 'float32' });

  /** [theta, theta_dot] in float64. */
  private s: [number, number] = [0, 0];

  constructor(config: PendulumConfig = {}) {
    super();
    this.g = parseConfig(ID, config, PENDULUM_SCHEMA).g;
  }

  /** A copy of the float64 state [theta, theta_dot]. */
  get state(): number[] {
    return [...this.s];
  }

  protected resetEnv(options: Record<string, unknown>): ResetResult<number[]> {
    for (const key of Object.keys(options)) {
      if (key !== 'x_init' && key !== 'y_init') {
        throw new ConfigError(`${ID}: unknown reset option ${quote(key)} (expected x_init, y_init)`);
      }
    }
    const x = resetBound(options, 'x_init', DEFAULT_X);
    const y = resetBound(options, 'y_init', DEFAULT_Y);
    // Symmetric limits, drawn in Gymnasium's order: theta, then theta_dot.
    this.s = [this.rng.uniform(-x, x), this.rng.uniform(-y, y)];
    return { obs: this.observe(), info: {} };
  }

  protected stepEnv(action: number[]): StepResult<number[]> {
    const [th, thdot] = this.s;
    const { g, m, l, dt } = this;
    const u = clip(action[0] as number, -this.maxTorque, this.maxTorque);
    const costs = angleNormalize(th) ** 2 + 0.1 * thdot ** 2 + 0.001 * u ** 2;

    let newthdot = thdot + (((3 * g) / (2 * l)) * Math.sin(th) + (3.0 / (m * l ** 2)) * u) * dt;
    newthdot = clip(newthdot, -this.maxSpeed, this.maxSpeed);
    const newth = th + newthdot * dt;
    this.s = [newth, newthdot];
    return { obs: this.observe(), reward: -costs, terminated: false, truncated: false, info: {} };
  }

  private observe(): number[] {
    const [theta, thetadot] = this.s;
    return [Math.fround(Math.cos(theta)), Math.fround(Math.sin(theta)), Math.fround(thetadot)];
  }
}

function clip(v: number, lo: number, hi: number): number {
  return Math.min(Math.max(v, lo), hi);
}
