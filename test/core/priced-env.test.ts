/**
 * Prices as an environment capability (src/core/priced-env.ts): found on the
 * env or through wrappers that pass actions on unchanged, never through one
 * that changes them.
 */
import '../../envs/index.js';
import type { Env, ParallelEnv, StepResult } from '../../src/core/env.js';
import { isPricedEnv, pricedEnvOf, type JointAction, type PricedEnv } from '../../src/core/priced-env.js';
import { CentralizedEnv } from '../../src/core/wrappers/centralized-env.js';
import { RescaleAction } from '../../src/core/wrappers/rescale-action.js';
import { TimeLimit } from '../../src/core/wrappers/time-limit.js';
import { make } from '../../src/registry/index.js';
import { Box } from '../../src/spaces/box.js';

/** A single-agent env whose price is the sum of its action. */
class PricedToy implements Env<number[], number[]>, PricedEnv {
  readonly observationSpace = new Box({ low: 0, high: 1, shape: [1], dtype: 'float64' });
  readonly actionSpace = new Box({ low: 0, high: 4, shape: [2], dtype: 'float64' });
  readonly priceModel = 'toy-sum';
  priceOf(joint: JointAction): number {
    return joint.flat().reduce((a, b) => a + b, 0);
  }
  async reset() {
    return { obs: [0], info: {} };
  }
  async step(): Promise<StepResult<number[]>> {
    return { obs: [0], reward: 0, terminated: false, truncated: false, info: {} };
  }
  async close() {}
}

describe('PricedEnv', () => {
  test('FaaSConf offers its eq. 2 rate, also under make\'s wrappers', async () => {
    const env = make('FaaSConf-Sequential-v0') as ParallelEnv<string, number[], number[]>;
    try {
      expect(isPricedEnv(env)).toBe(false); // make's wrappers do not claim prices themselves
      const priced = pricedEnvOf(env);
      expect(priced?.priceModel).toBe('faasconf-eq2');
      const max = [1, 1, 1, 1];
      // Eq. 2 rate of the all-max configuration: 5 × (0.173·2 + 0.0123·2024/1024)·8 USD/h.
      expect(priced?.priceOf([max, max, max, max, max])).toBeCloseTo(5 * (0.173 * 2 + (0.0123 * 2024) / 1024) * 8, 9);
      // CentralizedEnv takes one flat joint action: the per-agent prices below are not its prices.
      expect(pricedEnvOf(new CentralizedEnv(env))).toBeNull();
    } finally {
      await env.close();
    }
  });

  test('found through a TimeLimit, not through a wrapper that rescales the actions; absent on an env without prices', async () => {
    const toy = new PricedToy();
    expect(pricedEnvOf(toy)).toBe(toy);
    expect(pricedEnvOf(new TimeLimit(toy, 5))).toBe(toy);
    expect(pricedEnvOf(new RescaleAction(toy, -1, 1))).toBeNull();
    const pendulum = make('Pendulum-v1');
    expect(pricedEnvOf(pendulum)).toBeNull();
    await pendulum.close();
    expect(pricedEnvOf(null)).toBeNull();
  });
});
