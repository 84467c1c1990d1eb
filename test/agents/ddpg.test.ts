import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DDPG, DDPG_DEFAULTS, ddpgFactory, resolveDDPGOptions } from '../../agents/ddpg.js';
import type { Losses } from '../../agents/agent.js';
import { CartPoleEnv } from '../../envs/classic/cartpole.js';
import { PendulumEnv } from '../../envs/classic/pendulum.js';
import { ConfigError } from '../../src/core/errors.js';
import { TimeLimit } from '../../src/core/wrappers/time-limit.js';
import { evaluate, train } from '../../src/experiment/train.js';
import { initTf, tf } from '../../src/nn/tf.js';
import { ContinuousBandit, CooperativeTargets, MixedActions } from './toy-envs.js';

/** Small, fast settings for the mechanics tests. */
const FAST = { hidden: [32, 32], batchSize: 32, learningStarts: 10 };

beforeAll(async () => {
  await initTf({ quiet: true });
});

/** Run `steps` explore steps on the bandit with `agent`, recording actions and losses. */
async function run(agent: DDPG, steps: number, seed: number): Promise<{ actions: number[][]; losses: (Losses | null)[] }> {
  const env = new ContinuousBandit();
  const actions: number[][] = [], losses: (Losses | null)[] = [];
  let obs = (await env.reset({ seed })).obs;
  for (let i = 0; i < steps; i++) {
    const action = await agent.act(obs, { explore: true });
    const r = await env.step(action);
    agent.observe({ obs, action, reward: r.reward, nextObs: r.obs, terminated: r.terminated, truncated: r.truncated, info: r.info });
    actions.push(action);
    losses.push(await agent.update());
    obs = r.terminated || r.truncated ? (await env.reset()).obs : r.obs;
  }
  return { actions, losses };
}

function values(vars: readonly tf.Variable[]): Float32Array[] {
  return vars.map((v) => v.dataSync().slice() as Float32Array);
}

describe('options', () => {
  test('defaults are SB3 DDPG (net [400, 300], lr 1e-3, batch 256, τ 0.005, γ 0.99, learning starts 100, normal noise 0.1)', () => {
    expect(resolveDDPGOptions({})).toEqual(DDPG_DEFAULTS);
    expect(DDPG_DEFAULTS).toMatchObject({ hidden: [400, 300], actorLearningRate: 1e-3, criticLearningRate: 1e-3, batchSize: 256, tau: 0.005, gamma: 0.99, learningStarts: 100, noise: 'normal', noiseSigma: 0.1 });
  });

  test('bad values are refused with the value quoted', () => {
    expect(() => resolveDDPGOptions({ tau: 0 })).toThrow('ddpg: options.tau: expected a number in (0, 1], got 0');
    expect(() => resolveDDPGOptions({ batchSize: 2.5 })).toThrow('ddpg: options.batchSize: expected an integer in [1, 65536], got 2.5');
    expect(() => resolveDDPGOptions({ noise: 'pink' })).toThrow('ddpg: options.noise: expected one of "normal", "ornstein-uhlenbeck", "none", got "pink"');
    expect(() => resolveDDPGOptions({ hidden: [] })).toThrow('ddpg: options.hidden: expected an array of 1 to 8 integers in [1, 2048], got []');
    expect(() => resolveDDPGOptions({ learningRate: 1 })).toThrow(/ddpg: options.learningRate: unknown key \(known: hidden, activation/);
    expect(() => new DDPG(new ContinuousBandit(), {}, -1)).toThrow('ddpg seed must be a non-negative safe integer, got -1');
  });

  // Issue 12: finite but huge values that exhausted the heap or never returned, and keys from Object.prototype.
  test.each([
    [{ hidden: [100000, 100000] }, 'ddpg: options.hidden[0]: expected an array of 1 to 8 integers in [1, 2048], got 100000'],
    [{ batchSize: 1e9 }, 'ddpg: options.batchSize: expected an integer in [1, 65536], got 1000000000'],
    [{ gradientSteps: 1e7 }, 'ddpg: options.gradientSteps: expected an integer in [1, 1000], got 10000000'],
    [JSON.parse('{"__proto__": {"tau": 2}}'), 'ddpg: options.__proto__: unknown key'],
    [{ constructor: 1 }, 'ddpg: options.constructor: unknown key'],
  ])('%j is refused: %s', (options, message) => {
    expect(() => resolveDDPGOptions(options)).toThrow(message);
  });

  test('every bad field is listed in one error', () => {
    expect(() => resolveDDPGOptions({ tau: 0, gamma: 2 })).toThrow('ddpg: options.gamma: expected a number in [0, 1], got 2\nddpg: options.tau: expected a number in (0, 1], got 0');
  });

  test('saved hyperparameters rebuild the same agent (as faasgym eval does)', async () => {
    const a = await DDPG.create(new ContinuousBandit(), FAST, 3);
    const b = (await ddpgFactory.create(new ContinuousBandit(), a.hyperparameters, 3)) as DDPG;
    expect(b.hyperparameters).toEqual(a.hyperparameters);
    expect(await b.act([0.4], { explore: false })).toEqual(await a.act([0.4], { explore: false }));
    a.dispose();
    b.dispose();
  });

  test('supports: bounded Box actions only, with a clear refusal', () => {
    expect(ddpgFactory.supports(new TimeLimit(new PendulumEnv(), 200))).toBeNull();
    expect(ddpgFactory.supports(new CooperativeTargets())).toBeNull(); // joint Box through CentralizedEnv
    expect(ddpgFactory.supports(new CartPoleEnv())).toMatch(/^ddpg needs a Box action space, got Discrete/);
    expect(ddpgFactory.supports(new MixedActions())).toMatch(/^ddpg needs a Box action space \(the joint action of the parallel env\)/);
    expect(() => new DDPG(new CartPoleEnv())).toThrow(ConfigError);
  });
});

describe('mechanics', () => {
  test('actions lie in the Box; uniformly random before learningStarts, then μ(s) + noise', async () => {
    const agent = await DDPG.create(new TimeLimit(new PendulumEnv(), 200), { ...FAST, learningStarts: 5 }, 3);
    const env = new TimeLimit(new PendulumEnv(), 200);
    let obs = (await env.reset({ seed: 1 })).obs;
    for (let i = 0; i < 20; i++) {
      const a = await agent.act(obs, { explore: true });
      expect(env.actionSpace.contains(a)).toBe(true);
      const r = await env.step(a);
      agent.observe({ obs, action: a, reward: r.reward, nextObs: r.obs, terminated: r.terminated, truncated: r.truncated, info: r.info });
      obs = r.obs;
    }
    const greedy = await agent.act(obs, { explore: false });
    expect(await agent.act(obs, { explore: false })).toEqual(greedy);
    expect(env.actionSpace.contains(greedy)).toBe(true);
    agent.dispose();
    agent.dispose(); // safe twice
  });

  test('no tensor leak across act/observe/update after warm-up', async () => {
    const agent = await DDPG.create(new ContinuousBandit(), FAST, 1);
    await run(agent, 30, 1);
    const before = tf.memory().numTensors;
    await run(agent, 20, 2);
    expect(tf.memory().numTensors).toBe(before);
    agent.dispose();
  });

  test('online weights move after an update; targets follow θ\' ← τθ + (1 − τ)θ\' exactly', async () => {
    const tau = 0.05;
    const agent = await DDPG.create(new ContinuousBandit(), { ...FAST, tau }, 2);
    await run(agent, 15, 3);
    const nets = [[agent.actor, agent.actorTarget], [agent.critic, agent.criticTarget]] as const;
    const onlineBefore = nets.map(([o]) => values(o.variables));
    const targetBefore = nets.map(([, t]) => values(t.variables));
    const losses = await run(agent, 1, 4);
    expect(losses.losses[0]).not.toBeNull();
    const t32 = Math.fround(tau), u32 = Math.fround(1 - tau);
    nets.forEach(([online, target], n) => {
      const now = values(online.variables);
      const moved = now.some((w, i) => w.some((x, k) => x !== (onlineBefore[n] as Float32Array[])[i]?.[k]));
      expect(moved).toBe(true);
      const tNow = values(target.variables);
      now.forEach((w, i) => {
        const old = (targetBefore[n] as Float32Array[])[i] as Float32Array;
        const expected = Float32Array.from(w, (x, k) => Math.fround(Math.fround(x * t32) + Math.fround((old[k] as number) * u32)));
        expect(Array.from(tNow[i] as Float32Array)).toEqual(Array.from(expected));
      });
    });
    agent.dispose();
  });

  test('the same seed twice gives identical actions and losses', async () => {
    const a = await DDPG.create(new ContinuousBandit(), FAST, 7);
    const b = await DDPG.create(new ContinuousBandit(), FAST, 7);
    const ra = await run(a, 40, 5), rb = await run(b, 40, 5);
    expect(ra.actions).toEqual(rb.actions);
    expect(ra.losses).toEqual(rb.losses);
    expect(ra.losses.filter((l) => l !== null).length).toBeGreaterThan(20);
    const c = await DDPG.create(new ContinuousBandit(), FAST, 8);
    expect((await run(c, 40, 5)).actions).not.toEqual(ra.actions);
    for (const x of [a, b, c]) x.dispose();
  });

  test('save → load gives identical greedy actions, targets, optimizer state and counters', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faasgym-ddpg-'));
    try {
      const env = new TimeLimit(new PendulumEnv(), 200);
      const agent = await DDPG.create(env, { ...FAST, noise: 'ornstein-uhlenbeck' }, 4);
      await train({ env, agent, steps: 40, seed: 1 });
      await agent.save(dir);
      const copy = await DDPG.create(env, { ...FAST, noise: 'ornstein-uhlenbeck' }, 99);
      await copy.load(dir);
      for (const obs of [[1, 0, 0], [0, 1, -3], [-0.6, 0.8, 7.5]]) expect(await copy.act(obs, { explore: false })).toEqual(await agent.act(obs, { explore: false }));
      expect(values(copy.criticTarget.variables)).toEqual(values(agent.criticTarget.variables));
      expect(values(copy.actorTarget.variables)).toEqual(values(agent.actorTarget.variables));
      expect(copy.optimizerStates()).toEqual(agent.optimizerStates());
      expect(copy.numTimesteps).toBe(40);
      expect(copy.numGradientSteps).toBe(agent.numGradientSteps);
      // Same counters, Rng and noise states: the next exploring actions agree too.
      const obs = [0.2, -0.98, 1];
      expect(await copy.act(obs, { explore: true })).toEqual(await agent.act(obs, { explore: true }));
      const other = await DDPG.create(env, { ...FAST, hidden: [16] }, 4);
      await expect(other.load(dir)).rejects.toThrow('checkpoint has hidden [32,32], this agent [16]');
      for (const x of [agent, copy, other]) x.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('learning', () => {
  test('solves a 1-D continuous bandit (a = s) within 600 steps', async () => {
    const env = new ContinuousBandit();
    const agent = await DDPG.create(env, { hidden: [64, 64], batchSize: 64, learningStarts: 100 }, 0);
    await train({ env, agent, steps: 600, seed: 1 });
    const result = await evaluate(new ContinuousBandit(), agent, { episodes: 100 });
    // Random play scores about −1.67, always answering 0 about −0.33.
    expect(result.meanReturn).toBeGreaterThan(-0.05);
    agent.dispose();
  });
});

describe('fast path', () => {
  const worstRelative = (a: Float32Array, b: Float32Array): number => {
    let scale = 0, worst = 0;
    for (let i = 0; i < a.length; i++) scale = Math.max(scale, Math.abs(b[i] as number));
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
    expect(scale).toBeGreaterThan(0);
    return worst / scale;
  };

  test.each([['relu'], ['tanh'], ['elu']])('critic and actor losses and gradients equal the tfjs autodiff reference on the same weights and batch (%s)', async (activation) => {
    const agent = new DDPG(new PendulumEnv(), { ...FAST, activation, learningStarts: 0 }, 6);
    const env = new TimeLimit(new PendulumEnv(), 50);
    let obs = (await env.reset({ seed: 1 })).obs;
    for (let i = 0; i < 40; i++) {
      const action = await agent.act(obs, { explore: true });
      const r = await env.step(action);
      agent.observe({ obs, action, reward: r.reward, nextObs: r.obs, terminated: i % 7 === 0, truncated: r.truncated, info: r.info });
      await agent.update(); // targets drift away from the online networks
      obs = r.truncated ? (await env.reset()).obs : r.obs;
    }
    const batch = agent.sampleBatch(Int32Array.from({ length: 24 }, (_, k) => (k * 7) % 40));
    const before = tf.memory().numTensors;
    const fast = { critic: agent.criticGradients(batch, 'fast'), actor: agent.actorGradients(batch, 'fast'), grads: agent.lastGradients() };
    const ref = { critic: agent.criticGradients(batch, 'reference'), actor: agent.actorGradients(batch, 'reference'), grads: agent.lastGradients() };
    expect(tf.memory().numTensors).toBe(before);
    expect(fast.critic).toBeCloseTo(ref.critic, 4);
    expect(fast.actor).toBeCloseTo(ref.actor, 4);
    expect(worstRelative(fast.grads.critic, ref.grads.critic)).toBeLessThan(1e-4);
    expect(worstRelative(fast.grads.actor, ref.grads.actor)).toBeLessThan(1e-4);
    agent.dispose();
  });

  test('training on the reference path follows the fast path within float32 rounding', async () => {
    const go = async (fastPath: boolean) => {
      const agent = new DDPG(new ContinuousBandit(), FAST, 2);
      agent.fastPath = fastPath;
      const r = await run(agent, 40, 1);
      const w = values(agent.actor.variables).flatMap((x) => Array.from(x));
      agent.dispose();
      return { ...r, w };
    };
    const fast = await go(true), ref = await go(false);
    fast.losses.forEach((l, i) => {
      if (!l) return expect(ref.losses[i]).toBeNull();
      expect(Math.abs((l.critic as number) - (ref.losses[i]?.critic as number))).toBeLessThan(1e-4);
    });
    fast.w.forEach((x, i) => expect(Math.abs(x - (ref.w[i] as number))).toBeLessThan(1e-4));
  });
});
