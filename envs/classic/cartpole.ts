/**
 * CartPole-v1, a faithful port of Gymnasium 1.0's `CartPoleEnv`
 * (`gymnasium/envs/classic_control/cartpole.py`): same constants, dynamics,
 * integrators, reset distribution, termination and rewards.
 *
 * ## Description
 *
 * This environment corresponds to the version of the cart-pole problem described
 * by Barto, Sutton and Anderson in "Neuronlike Adaptive Elements That Can Solve
 * Difficult Learning Control Problems". A pole is attached by an un-actuated
 * joint to a cart, which moves along a frictionless track. The pendulum is placed
 * upright on the cart and the goal is to balance the pole by applying forces in
 * the left and right direction on the cart.
 *
 * ## Action Space
 *
 * `Discrete(2)`: the direction of the fixed force (10 N) the cart is pushed with.
 *
 * - 0: push the cart to the left
 * - 1: push the cart to the right
 *
 * The velocity that is reduced or increased by the applied force is not fixed:
 * it depends on the angle the pole is pointing, as the pole's centre of gravity
 * changes the energy needed to move the cart underneath it.
 *
 * ## Observation Space
 *
 * `Box(float32, shape [4])`:
 *
 * | Num | Observation           | Min                 | Max               |
 * |-----|-----------------------|---------------------|-------------------|
 * | 0   | Cart Position         | -4.8                | 4.8               |
 * | 1   | Cart Velocity         | -float32 max        | float32 max       |
 * | 2   | Pole Angle            | ~ -0.418 rad (-24°) | ~ 0.418 rad (24°) |
 * | 3   | Pole Angular Velocity | -float32 max        | float32 max       |
 *
 * These are the bounds of the observation space, not of the states of an
 * unterminated episode: the episode terminates when the cart leaves (-2.4, 2.4)
 * or the pole angle leaves (-0.2095, 0.2095) rad (±12°). The state is integrated
 * in float64; the observation is that state rounded to float32 (as Gymnasium's
 * `np.array(self.state, dtype=np.float32)`). The unrounded state is available
 * from the read-only `state` getter.
 *
 * ## Rewards
 *
 * +1 for every step taken, including the terminating step (the reward threshold
 * of v1 is 475). With `suttonBartoReward: true` (Gymnasium's
 * `sutton_barto_reward=True`): 0 for every non-terminating step and -1 for the
 * terminating step.
 *
 * ## Starting State
 *
 * Each of the four state variables is drawn uniformly from [-0.05, 0.05). The
 * reset options `low` and `high` change these bounds (Gymnasium's
 * `utils.maybe_parse_reset_bounds`; `low` must not exceed `high`).
 *
 * ## Episode End
 *
 * 1. Termination: the pole angle is greater than ±12°.
 * 2. Termination: the cart position is greater than ±2.4 (the centre of the cart
 *    reaches the edge of the display).
 * 3. Truncation: the episode length reaches 500 (applied by the registry's
 *    `TimeLimit`, `maxEpisodeSteps: 500`).
 *
 * Stepping after termination throws `ResetNeededError` (`BaseEnv`), so
 * Gymnasium's "steps beyond terminated" path (reward 0 with a warning) does not
 * exist here.
 *
 * ## Arguments
 *
 * Config `{ kinematicsIntegrator?: 'euler' | 'semi-implicit euler', suttonBartoReward?: boolean }`
 * (defaults `'euler'`, `false`). Unknown keys and wrong types raise `ConfigError`.
 *
 * ## Version History
 *
 * - v1: `max_time_steps` raised to 500. In Gymnasium 1.0.0a2 the
 *   `sutton_barto_reward` argument was added.
 * - v0: initial version (200 steps, reward threshold 195).
 *
 * ## Source
 *
 * - A. G. Barto, R. S. Sutton and C. W. Anderson, "Neuronlike adaptive elements
 *   that can solve difficult learning control problems", IEEE Transactions on
 *   Systems, Man, and Cybernetics, SMC-13(5):834–846, 1983.
 * - Gymnasium `gymnasium/envs/classic_control/cartpole.py` (Farama Foundation),
 *   itself from Rich Sutton's `pole.c` (http://incompleteideas.net/sutton/book/code/pole.c).
 * - Equations: R. V. Florian, "Correct equations for the dynamics of the
 *   cart-pole system" (2005), https://coneural.org/florian/papers/05_cart_pole.pdf
 */
import { ConfigError, quote } from '../../src/core/errors.js';
import type { ResetResult, StepResult } from '../../src/core/env.js';
import { BaseEnv } from '../../src/core/base-env.js';
import { Box } from '../../src/spaces/box.js';
import { Discrete } from '../../src/spaces/discrete.js';
import { boolean, oneOf, options, parseConfig, type ConfigOf } from '../common/config.js';

const ID = 'CartPole-v1';
const FLOAT32_MAX = 3.4028234663852886e38;

/** The config schema of `CartPole-v1` (rendered into the docs by `npm run docs:options`). */
export const CARTPOLE_SCHEMA = options({
  kinematicsIntegrator: oneOf({ values: ['euler', 'semi-implicit euler'] as const, default: 'euler', doc: 'integration of the cart and pole dynamics', source: 'Gymnasium CartPole-v1' }),
  suttonBartoReward: boolean({ default: false, doc: 'Gymnasium\'s `sutton_barto_reward`: 0 per step, -1 on termination', source: 'Gymnasium CartPole-v1' }),
});

export type CartPoleConfig = Partial<ConfigOf<typeof CARTPOLE_SCHEMA>>;
export type KinematicsIntegrator = ConfigOf<typeof CARTPOLE_SCHEMA>['kinematicsIntegrator'];

/** Gymnasium's `utils.maybe_parse_reset_bounds(options, -0.05, 0.05)`, strict about unknown keys and non-numbers. */
function parseResetBounds(options: Record<string, unknown>, defaultLow: number, defaultHigh: number): [number, number] {
  for (const key of Object.keys(options)) {
    if (key !== 'low' && key !== 'high') {
      throw new ConfigError(`${ID}: unknown reset option ${quote(key)} (expected low, high)`);
    }
  }
  const low = options.low ?? defaultLow;
  const high = options.high ?? defaultHigh;
  if (typeof low !== 'number' || !Number.isFinite(low)) {
    throw new ConfigError(`${ID}: reset option low must be a finite number, got ${quote(low)}`);
  }
  if (typeof high !== 'number' || !Number.isFinite(high)) {
    throw new ConfigError(`${ID}: reset option high must be a finite number, got ${quote(high)}`);
  }
  if (low > high) {
    throw new ConfigError(`${ID}: reset option low (${quote(low)}) must not be greater than high (${quote(high)})`);
  }
  return [low, high];
}

/** The cart-pole balancing task of Barto, Sutton & Anderson (1983), as Gymnasium's CartPole-v1. */
export class CartPoleEnv extends BaseEnv<number[], number> {
  readonly gravity = 9.8;
  readonly masscart = 1.0;
  readonly masspole = 0.1;
  readonly totalMass = this.masspole + this.masscart;
  /** Half the pole's length. */
  readonly length = 0.5;
  readonly polemassLength = this.masspole * this.length;
  readonly forceMag = 10.0;
  /** Seconds between state updates. */
  readonly tau = 0.02;
  /** Angle at which the episode terminates (12°). */
  readonly thetaThresholdRadians = (12 * 2 * Math.PI) / 360;
  readonly xThreshold = 2.4;
  readonly kinematicsIntegrator: KinematicsIntegrator;
  readonly suttonBartoReward: boolean;

  readonly observationSpace: Box;
  readonly actionSpace = new Discrete(2);

  /** [x, x_dot, theta, theta_dot] in float64. */
  private s: [number, number, number, number] = [0, 0, 0, 0];

  constructor(config: CartPoleConfig = {}) {
    super();
    const c = parseConfig(ID, config, CARTPOLE_SCHEMA);
    this.kinematicsIntegrator = c.kinematicsIntegrator;
    this.suttonBartoReward = c.suttonBartoReward;
    // Angle limit set to 2 * theta_threshold_radians so that a failing observation is still within bounds.
    const high = [this.xThreshold * 2, FLOAT32_MAX, this.thetaThresholdRadians * 2, FLOAT32_MAX];
    this.observationSpace = new Box({ low: high.map((h) => -h), high, dtype: 'float32' });
  }

  /** A copy of the float64 state [x, x_dot, theta, theta_dot] (the observation is this rounded to float32). */
  get state(): number[] {
    return [...this.s];
  }

  protected resetEnv(options: Record<string, unknown>): ResetResult<number[]> {
    const [low, high] = parseResetBounds(options, -0.05, 0.05);
    this.s = [this.rng.uniform(low, high), this.rng.uniform(low, high), this.rng.uniform(low, high), this.rng.uniform(low, high)];
    return { obs: this.observe(), info: {} };
  }

  protected stepEnv(action: number): StepResult<number[]> {
    let [x, xDot, theta, thetaDot] = this.s;
    const force = action === 1 ? this.forceMag : -this.forceMag;
    const costheta = Math.cos(theta);
    const sintheta = Math.sin(theta);
    const temp = (force + this.polemassLength * thetaDot ** 2 * sintheta) / this.totalMass;
    const thetaacc =
      (this.gravity * sintheta - costheta * temp) /
      (this.length * (4.0 / 3.0 - (this.masspole * costheta ** 2) / this.totalMass));
    const xacc = temp - (this.polemassLength * thetaacc * costheta) / this.totalMass;

    if (this.kinematicsIntegrator === 'euler') {
      x = x + this.tau * xDot;
      xDot = xDot + this.tau * xacc;
      theta = theta + this.tau * thetaDot;
      thetaDot = thetaDot + this.tau * thetaacc;
    } else {
      xDot = xDot + this.tau * xacc;
      x = x + this.tau * xDot;
      thetaDot = thetaDot + this.tau * thetaacc;
      theta = theta + this.tau * thetaDot;
    }
    this.s = [x, xDot, theta, thetaDot];

    const terminated =
      x < -this.xThreshold ||
      x > this.xThreshold ||
      theta < -this.thetaThresholdRadians ||
      theta > this.thetaThresholdRadians;
    const reward = this.suttonBartoReward ? (terminated ? -1.0 : 0.0) : 1.0;
    return { obs: this.observe(), reward, terminated, truncated: false, info: {} };
  }

  private observe(): number[] {
    return this.s.map(Math.fround);
  }
}
