import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getAgentFactory } from '../../agents/registry.js';
import { PPO, PPO_DEFAULTS, normalizeAdvantages, ppoSupports, resolvePPOOptions } from '../../agents/ppo.js';
import { BaseEnv } from '../../src/core/base-env.js';
import type { Env, ResetResult, StepResult } from '../../src/core/env.js';
import { ConfigError } from '../../src/core/errors.js';
import { evaluate, train } from '../../src/experiment/train.js';
import { RolloutBuffer } from '../../src/nn/rollout.js';
import { initTf, tf } from '../../src/nn/tf.js';
import { makeEnv } from '../../src/registry/index.js';
import { Box } from '../../src/spaces/box.js';
import { Tuple } from '../../src/spaces/composite.js';
import { Discrete } from '../../src/spaces/discrete.js';
import { MultiDiscrete } from '../../src/spaces/multi-discrete.js';

beforeAll(async () => {
  await initTf({ quiet: true });
});

/** A tiny env with a MultiDiscrete action (offset starts) and a Discrete observation. */
class MultiEnv extends BaseEnv<number, number[]> {
  readonly observationSpace = new Discrete(3);
  readonly actionSpace = new MultiDiscrete([2, 3], [1, -1]);
  private t = 0;
  protected async resetEnv(): Promise<ResetResult<number>> {
    this.t = 0;
    return { obs: 0, info: {} };
  }
  protected async stepEnv(action: number[]): Promise<StepResult<number>> {
    this.t++;
    return { obs: this.t % 3, reward: action[0] === 2 ? 1 : 0, terminated: this.t >= 5, truncated: false, info: {} };
  }
}

/** Run `steps` training steps on `env` (act → step → observe → update), collecting the actions and losses. */
async function drive(agent: PPO, env: Env<unknown, unknown>, steps: number, seed = 0): Promise<{ actions: unknown[]; losses: Record<string, number>[] }> {
  const actions: unknown[] = [], losses: Record<string, number>[] = [];
  let obs = (await env.reset({ seed })).obs;
  for (let i = 0; i < steps; i++) {
    const action = await agent.act(obs, { explore: true });
    actions.push(action);
    const r = await env.step(action);
    agent.observe({ obs, action, reward: r.reward, nextObs: r.obs, terminated: r.terminated, truncated: r.truncated, info: r.info });
    const l = await agent.update();
    if (l) losses.push(l);
    obs = r.terminated || r.truncated ? (await env.reset()).obs : r.obs;
  }
  return { actions, losses };
}

function weightsOf(agent: PPO): Float32Array[] {
  return agent.policy.trainable.map((v) => Float32Array.from(v.dataSync()));
}

describe('options', () => {
  test('defaults are CleanRL ppo.py', () => {
    const o = resolvePPOOptions({});
    expect(o).toMatchObject({ learningRate: 2.5e-4, nSteps: 128, minibatches: 4, epochs: 4, gamma: 0.99, gaeLambda: 0.95, clipCoef: 0.2, entCoef: 0.01, vfCoef: 0.5, maxGradNorm: 0.5, hidden: [64, 64], activation: 'tanh' });
    expect(PPO_DEFAULTS.clipValueLoss).toBe(true);
  });

  test('bad values are refused with the value quoted', () => {
    expect(() => resolvePPOOptions({ learningRate: -1 })).toThrow('ppo: options.learningRate: expected a number in (0, 1], got -1');
    expect(() => resolvePPOOptions({ gamma: 1.5 })).toThrow('ppo: options.gamma: expected a number in [0, 1], got 1.5');
    expect(() => resolvePPOOptions({ hidden: [64, 0] })).toThrow('ppo: options.hidden[1]: expected an array of 1 to 8 integers in [1, 2048], got 0');
    expect(() => resolvePPOOptions({ nSteps: 2.5 })).toThrow('ppo: options.nSteps: expected an integer in [1, 1000000], got 2.5');
    expect(() => resolvePPOOptions({ policy: 'ranked' })).toThrow('ppo: options.policy: expected one of "auto", "mlp", "rank", got "ranked"');
    expect(() => resolvePPOOptions({ lr: 0.1 })).toThrow(/ppo: options.lr: unknown key \(known: policy, learningRate/);
    expect(() => resolvePPOOptions({ annealLr: true, totalSteps: 0 })).toThrow('ppo: options.totalSteps: expected an integer in [1, 1000000000], got 0');
    expect(() => resolvePPOOptions({ targetKl: 0 })).toThrow(ConfigError);
    // Issue 12: finite but huge values, and keys from Object.prototype.
    expect(() => resolvePPOOptions({ hidden: [100000, 100000] })).toThrow('ppo: options.hidden[0]: expected an array of 1 to 8 integers in [1, 2048], got 100000');
    expect(() => resolvePPOOptions({ epochs: 1e7 })).toThrow('ppo: options.epochs: expected an integer in [1, 1000], got 10000000');
    expect(() => resolvePPOOptions({ nSteps: 1e9 })).toThrow('ppo: options.nSteps: expected an integer in [1, 1000000], got 1000000000');
    expect(() => resolvePPOOptions(JSON.parse('{"__proto__": {"gamma": 2}}'))).toThrow('ppo: options.__proto__: unknown key');
    expect(() => resolvePPOOptions({ toString: 1 })).toThrow('ppo: options.toString: unknown key');
    expect(() => resolvePPOOptions({ normalizeRewards: 'yes' })).toThrow('ppo: options.normalizeRewards: expected a boolean, got "yes"');
  });

  test('the constructor validates too', async () => {
    const env = makeEnv('CartPole-v1');
    await expect(PPO.create(env, { epochs: 0 })).rejects.toThrow('ppo: options.epochs: expected an integer in [1, 1000], got 0');
    await expect(PPO.create(env, {}, -1)).rejects.toThrow(/seed must be a non-negative safe integer, got -1/);
  });
});

describe('supports', () => {
  test('Discrete, Box and MultiDiscrete actions; clear refusals otherwise', () => {
    expect(ppoSupports(makeEnv('CartPole-v1'))).toBeNull();
    expect(ppoSupports(makeEnv('Pendulum-v1'))).toBeNull();
    expect(ppoSupports(new MultiEnv())).toBeNull();
    const tuple = { observationSpace: new Box({ low: 0, high: 1, shape: [2] }), actionSpace: new Tuple([new Discrete(2), new Box({ low: 0, high: 1, shape: [1] })]) } as unknown as Env;
    expect(ppoSupports(tuple)).toMatch(/supports Discrete, MultiDiscrete, MultiBinary and Box action spaces, got .*Tuple/);
    const intBox = { observationSpace: new Box({ low: 0, high: 1, shape: [2] }), actionSpace: new Box({ low: 0, high: 3, shape: [1], dtype: 'int32' }) } as unknown as Env;
    expect(ppoSupports(intBox)).toMatch(/float Box .* "int32"/);
    expect(ppoSupports(makeEnv('CartPole-v1'), 'rank')).toMatch(/needs an environment that exposes a candidate layout/);
    expect(getAgentFactory('ppo').supports(makeEnv('CartPole-v1'))).toBeNull();
  });
});

describe('advantages', () => {
  test('per-minibatch normalisation: zero mean, unit (Bessel) std; fewer than two values untouched', () => {
    const out = normalizeAdvantages([1, 2, 3, 4]);
    const mean = out.reduce((a, b) => a + b, 0) / 4;
    const std = Math.sqrt(out.reduce((a, b) => a + (b - mean) ** 2, 0) / 3);
    expect(mean).toBeCloseTo(0, 6);
    expect(std).toBeCloseTo(1, 5);
    expect(out[0]).toBeCloseTo(-1.5 / Math.sqrt(5 / 3), 5);
    expect(Array.from(normalizeAdvantages([7]))).toEqual([7]);
  });

  test('GAE as PPO feeds it: truncation bootstraps from V(next), termination does not', () => {
    const buf = new RolloutBuffer();
    const base = { obs: [0], action: 0, logProb: 0 };
    buf.add({ ...base, value: 1, reward: 1, terminated: false, truncated: false });
    buf.add({ ...base, value: 2, reward: 1, terminated: false, truncated: true, nextValue: 5 });
    buf.add({ ...base, value: 3, reward: 2, terminated: true, truncated: false });
    const g = 0.9, l = 0.8;
    const { advantages, returns } = buf.computeGae(100, g, l);
    const d2 = 2 - 3, d1 = 1 + g * 5 - 2, d0 = 1 + g * 2 - 1;
    expect(advantages[2]).toBeCloseTo(d2, 6);
    expect(advantages[1]).toBeCloseTo(d1, 6);
    expect(advantages[0]).toBeCloseTo(d0 + g * l * d1, 6);
    expect(returns[0]).toBeCloseTo(advantages[0] as number + 1, 6);
  });
});

describe('PPO on CartPole', () => {
  const opts = { nSteps: 32, minibatches: 2, epochs: 2, hidden: [16, 16] };

  test('acting creates no tensors; no tensor leak across act/update; weights move after an update', async () => {
    const env = makeEnv('CartPole-v1');
    const agent = await PPO.create(env, opts, 1);
    await drive(agent, env, 32); // first update creates Adam's moments
    const before = tf.memory().numTensors;
    const obs = (await env.reset({ seed: 9 })).obs;
    for (let i = 0; i < 20; i++) await agent.act(obs, { explore: i % 2 === 0 });
    expect(tf.memory().numTensors).toBe(before);
    const w0 = weightsOf(agent);
    const { losses } = await drive(agent, env, 32, 5);
    expect(losses).toHaveLength(1);
    expect(tf.memory().numTensors).toBe(before);
    const w1 = weightsOf(agent);
    w0.forEach((w, i) => expect(Array.from(w1[i] as Float32Array)).not.toEqual(Array.from(w)));
    expect(Object.keys(losses[0] as object)).toEqual(expect.arrayContaining(['policy', 'value', 'entropy', 'approxKl', 'clipFraction', 'learningRate']));
    expect(agent.counters).toMatchObject({ steps: 64, updates: 2, gradientSteps: 8 });
    agent.dispose();
    agent.dispose();
  });

  test('the same seed twice gives identical actions and losses', async () => {
    const run = async () => {
      const env = makeEnv('CartPole-v1');
      const agent = await PPO.create(env, opts, 7);
      const r = await drive(agent, env, 96, 3);
      agent.dispose();
      return r;
    };
    const a = await run(), b = await run();
    expect(a.losses).toHaveLength(3);
    expect(b.actions).toEqual(a.actions);
    expect(b.losses).toEqual(a.losses);
  });

  test('save → load gives identical greedy actions, optimizer state and counters', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ppo-'));
    try {
      const env = makeEnv('CartPole-v1');
      const agent = await PPO.create(env, opts, 2);
      await drive(agent, env, 64);
      await agent.save(dir);
      // Rebuilt from the saved hyperparameters, as `faasgym eval` does.
      const other = await PPO.create(env, agent.hyperparameters, 99);
      const before = tf.memory().numTensors;
      await other.load(dir);
      // Adam's state lives in flat JavaScript arrays: loading leaves no tensor behind.
      expect(tf.memory().numTensors).toBe(before);
      expect(other.counters).toEqual(agent.counters);
      let obs = (await env.reset({ seed: 11 })).obs;
      for (let i = 0; i < 50; i++) {
        const a = await agent.act(obs, { explore: false });
        expect(await other.act(obs, { explore: false })).toBe(a);
        const r = await env.step(a);
        obs = r.terminated || r.truncated ? (await env.reset()).obs : r.obs;
      }
      // Training continues identically from the checkpoint (rollout restarts in both after a fresh load).
      await agent.load(dir);
      const x = await drive(agent, env, 32, 4), y = await drive(other, env, 32, 4);
      expect(y.losses).toEqual(x.losses);
      agent.dispose();
      other.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('LEARNS: greedy return ≥ 150 on CartPole-v1 within 15,000 steps', async () => {
    const env = makeEnv('CartPole-v1'), evalEnv = makeEnv('CartPole-v1');
    const steps = 15_000;
    const agent = await PPO.create(env, { nSteps: 256, minibatches: 2, epochs: 10, gamma: 0.98, gaeLambda: 0.8, entCoef: 0, learningRate: 3e-3, clipValueLoss: false, hidden: [32, 32], totalSteps: steps, annealLr: true }, 0);
    await train({ env, agent, steps, seed: 0 });
    const ev = await evaluate(evalEnv, agent, { episodes: 10 });
    expect(ev.meanReturn).toBeGreaterThanOrEqual(150);
    agent.dispose();
  }, 120_000);
});

describe('other action spaces', () => {
  test('Box: Gaussian samples are clipped to the bounds for the env, stored unclipped', async () => {
    const env = makeEnv('Pendulum-v1');
    const agent = await PPO.create(env, { logStdInit: 2 }, 0);
    expect(agent.policy.kind).toBe('gaussian');
    const obs = (await env.reset({ seed: 0 })).obs as number[];
    let outside = 0;
    for (let i = 0; i < 50; i++) {
      const r = agent.policy.act(obs, true, new (await import('../../src/core/rng.js')).Rng(i));
      const a = (r.envAction as number[])[0] as number;
      expect(a).toBeGreaterThanOrEqual(-2);
      expect(a).toBeLessThanOrEqual(2);
      if (Math.abs(r.action[0] as number) > 2) {
        outside++;
        expect(a).toBe(Math.sign(r.action[0] as number) * 2);
      }
    }
    expect(outside).toBeGreaterThan(0);
    const { losses } = await drive(agent, env, 128);
    expect(losses).toHaveLength(1);
    expect(Number.isFinite(losses[0]?.policy)).toBe(true);
    agent.dispose();
  });

  test('MultiDiscrete: independent categoricals with the space\'s starts', async () => {
    const env = new MultiEnv();
    const agent = await PPO.create(env, { nSteps: 20, minibatches: 2, epochs: 2 }, 0);
    expect(agent.policy.kind).toBe('multi-categorical');
    const { actions, losses } = await drive(agent, env, 40);
    for (const a of actions) expect(env.actionSpace.contains(a)).toBe(true);
    expect(losses).toHaveLength(2);
    agent.dispose();
  });

  test('normalizeRewards keeps the running statistics of the discounted return, saved with the checkpoint', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ppo-norm-'));
    try {
      const env = makeEnv('CartPole-v1');
      const agent = await PPO.create(env, { nSteps: 32, normalizeRewards: true, gamma: 0.9 }, 0);
      const { losses } = await drive(agent, env, 40);
      expect(losses).toHaveLength(1);
      await agent.save(dir);
      const { loadCheckpoint } = await import('../../src/nn/checkpoint.js');
      const stats = loadCheckpoint(dir).manifest.extra.returnStats as { mean: number; var: number; count: number };
      expect(stats.count).toBeCloseTo(40.0001, 6);
      // CartPole pays 1 per step: the discounted returns so far lie in [1, 1/(1 − γ)).
      expect(stats.mean).toBeGreaterThan(1);
      expect(stats.mean).toBeLessThan(10);
      expect(stats.var).toBeGreaterThan(0);
      agent.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('observe without a pending act is refused', async () => {
    const env = makeEnv('CartPole-v1');
    const agent = await PPO.create(env, {}, 0);
    const obs = (await env.reset({ seed: 0 })).obs;
    await agent.act(obs, { explore: false });
    expect(() => agent.observe({ obs, action: 0, reward: 1, nextObs: obs, terminated: false, truncated: false, info: {} })).toThrow(/no action pending/);
    agent.dispose();
  });
});
