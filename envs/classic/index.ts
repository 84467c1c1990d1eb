import type { EnvSpec } from '../../src/registry/registry.js';
import { CartPoleEnv, type CartPoleConfig } from './cartpole.js';
import { PendulumEnv, type PendulumConfig } from './pendulum.js';


const cartPoleSpec: EnvSpec<CartPoleConfig> = {
  id: 'CartPole-v1',
  kind: 'single',
  entryPoint: (config) => new CartPoleEnv(config),
  maxEpisodeSteps: 500,
  rewardThreshold: 475,
  description: 'Balance a pole on a cart by pushing it left or right (Gymnasium CartPole-v1, Barto, Sutton & Anderson 1983)',
};

const pendulumSpec: EnvSpec<PendulumConfig> = {
  id: 'Pendulum-v1',
  kind: 'single',
  entryPoint: (config) => new PendulumEnv(config),
  maxEpisodeSteps: 200,
  description: 'Swing a pendulum up and keep it upright with a bounded torque (Gymnasium Pendulum-v1)',
};

/** CartPole-v1 and Pendulum-v1, Gymnasium's classic-control tasks with identical dynamics. */
export const classicSpecs: EnvSpec<never>[] = [cartPoleSpec, pendulumSpec];
