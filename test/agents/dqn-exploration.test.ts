import { DQN } from '../../agents/dqn.js';
import { ConfigError } from '../../src/core/errors.js';
import { initTf } from '../../src/nn/tf.js';
import { make } from '../../src/registry/index.js';

/** Act `n` times on one observation; per action, how many of the 9 heads differ from the greedy action. */
async function deviations(exploration: 'joint' | 'per-head', eps: number, n: number): Promise<number[]> {
  const env = make('Autoscale-Vertical-v0');
  const agent = new DQN(env, { multiDiscrete: 'factored', exploration, learningStarts: 0, explorationInitialEps: eps, explorationFinalEps: eps, hidden: [8] }, 3);
  try {
    const obs = new Array(108).fill(0.5);
    const greedy = (await agent.act(obs, { explore: false })) as number[];
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const a = (await agent.act(obs, { explore: true })) as number[];
      out.push(a.filter((x, d) => x !== greedy[d]).length);
    }
    return out;
  } finally {
    agent.dispose();
    await env.close();
  }
}

describe("DQN exploration: 'joint' vs 'per-head' on a factored MultiDiscrete", () => {
  beforeAll(async () => {
    await initTf();
  });

  it("per-head: each of the 9 heads explores alone with probability ε (a uniform draw, 2/3 of which differ from greedy)", async () => {
    const d = await deviations('per-head', 0.3, 2000);
    const mean = d.reduce((a, b) => a + b, 0) / d.length;
    expect(mean).toBeGreaterThan(9 * 0.3 * (2 / 3) * 0.9); // 1.8 expected
    expect(mean).toBeLessThan(9 * 0.3 * (2 / 3) * 1.1);
    // Binomial(9, 0.2): all greedy in 0.8^9 = 13.4 % of the actions; 6 or more heads off almost never.
    const allGreedy = d.filter((x) => x === 0).length / d.length;
    expect(allGreedy).toBeGreaterThan(0.10);
    expect(allGreedy).toBeLessThan(0.17);
    expect(d.filter((x) => x >= 6).length / d.length).toBeLessThan(0.01);
  });

  it('joint: the whole action is a uniform sample with probability ε, otherwise greedy', async () => {
    const d = await deviations('joint', 0.3, 2000);
    // Greedy in 70 % + 30 % · (1/3)^9; when exploring, 6 heads off on average.
    const allGreedy = d.filter((x) => x === 0).length / d.length;
    expect(allGreedy).toBeGreaterThan(0.66);
    expect(allGreedy).toBeLessThan(0.74);
    const off = d.filter((x) => x > 0);
    expect(off.reduce((a, b) => a + b, 0) / off.length).toBeGreaterThan(5.5);
  });

  it('the default stays joint, and a wrong value names the option', async () => {
    const env = make('Autoscale-Vertical-v0');
    const agent = new DQN(env, { hidden: [8], multiDiscrete: 'factored' }, 0);
    expect(agent.hyperparameters.exploration).toBe('joint');
    agent.dispose();
    expect(() => new DQN(env, { exploration: 'boltzmann' }, 0)).toThrow(ConfigError);
    expect(() => new DQN(env, { exploration: 'boltzmann' }, 0)).toThrow(/exploration/);
    await env.close();
  });
});
