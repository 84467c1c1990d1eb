import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PPO, ppoSupports } from '../../agents/ppo.js';
import { PPO_RANK_DEFAULTS, RankPolicy, candidateLayoutOf, type CandidateLayout } from '../../agents/ppo-rank.js';
import { BaseEnv } from '../../src/core/base-env.js';
import type { ResetResult, StepResult } from '../../src/core/env.js';
import { InvalidActionError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/rng.js';
import { TimeLimit } from '../../src/core/wrappers/time-limit.js';
import { resolvePPOOptions } from '../../agents/ppo.js';
import { initTf, tf } from '../../src/nn/tf.js';
import { make, makeEnv } from '../../src/registry/index.js';
import { Box } from '../../src/spaces/box.js';
import { Discrete } from '../../src/spaces/discrete.js';

beforeAll(async () => {
  await initTf({ quiet: true });
});

const ROWS = 5, F = 2, G = 1;

/**
 * Pick the best of 2–5 candidates: each valid row has feature 0 = 1 for the
 * one good candidate (reward 1 when picked) and 0 for the others (reward 0);
 * feature 1 and the shared feature are noise. Padding rows look like good
 * candidates (feature 0 = 1), so a policy that ignores the mask would pick
 * them — and the env refuses a masked action, as FaaSRank-v0 does.
 */
class PickEnv extends BaseEnv<number[], number> {
  readonly candidateLayout: CandidateLayout = { rows: ROWS, features: F, rowOffset: 0, maskOffset: ROWS * F, globalOffset: ROWS * F + ROWS, globalSize: G };
  readonly observationSpace = new Box({ low: 0, high: 1, shape: [ROWS * F + ROWS + G] });
  readonly actionSpace = new Discrete(ROWS);
  private valid = 0;
  private good = 0;
  private t = 0;
  private obs: number[] = [];

  protected async resetEnv(): Promise<ResetResult<number[]>> {
    this.valid = this.rng.integer(2, ROWS + 1);
    this.t = 0;
    return { obs: this.draw(), info: {} };
  }

  protected async stepEnv(action: number): Promise<StepResult<number[]>> {
    if (action >= this.valid) throw new InvalidActionError(`PickEnv: row ${action} is masked`);
    const reward = action === this.good ? 1 : 0;
    this.t++;
    return { obs: this.draw(), reward, terminated: this.t >= 8, truncated: false, info: {} };
  }

  private draw(): number[] {
    this.good = this.rng.integer(0, this.valid);
    const x = new Array<number>(this.observationSpace.size).fill(0);
    for (let k = 0; k < ROWS; k++) {
      x[k * F] = k >= this.valid || k === this.good ? 1 : 0;
      x[k * F + 1] = this.rng.random();
      x[ROWS * F + k] = k < this.valid ? 1 : 0;
    }
    x[ROWS * F + ROWS] = this.rng.random();
    this.obs = x;
    return x;
  }

  /** Fraction of `steps` decisions on which `agent` picks the good row (sampling from the policy, or greedily). */
  async accuracy(agent: PPO, steps: number, explore: boolean): Promise<number> {
    let hits = 0;
    let obs = (await this.reset({ seed: 12345 })).obs;
    for (let i = 0; i < steps; i++) {
      const a = (await agent.act(obs, { explore })) as number;
      const r = await this.step(a);
      hits += r.reward;
      obs = r.terminated ? (await this.reset()).obs : r.obs;
    }
    return hits / steps;
  }
}

async function drive(agent: PPO, env: PickEnv, steps: number, seed: number): Promise<Record<string, number>[]> {
  const losses: Record<string, number>[] = [];
  let obs = (await env.reset({ seed })).obs;
  for (let i = 0; i < steps; i++) {
    const action = await agent.act(obs, { explore: true });
    const r = await env.step(action as number);
    agent.observe({ obs, action, reward: r.reward, nextObs: r.obs, terminated: r.terminated, truncated: r.truncated, info: r.info });
    const l = await agent.update();
    if (l) losses.push(l);
    obs = r.terminated || r.truncated ? (await env.reset()).obs : r.obs;
  }
  return losses;
}

describe('detection', () => {
  test('candidateLayout is found through wrappers; FaaSRank-v0\'s layout is translated; CartPole has none', () => {
    const wrapped = new TimeLimit(new PickEnv(), 100);
    expect(candidateLayoutOf(wrapped)).toEqual({ rows: 5, features: 2, rowOffset: 0, maskOffset: 10, globalOffset: 15, globalSize: 1 });
    const fr = make('FaaSRank-v0', { maxInvokers: 10 });
    expect(candidateLayoutOf(fr)).toEqual({ rows: 10, features: 9, rowOffset: 0, maskOffset: 90, globalOffset: 100, globalSize: 12 });
    expect(ppoSupports(fr)).toBeNull();
    expect(candidateLayoutOf(makeEnv('CartPole-v1'))).toBeNull();
  });

  test('ppo picks score-rank-select automatically (with FaaSRank defaults), the MLP policy when told', async () => {
    const env = new PickEnv();
    const rank = await PPO.create(env, {}, 0);
    expect(rank.policy.kind).toBe('rank');
    expect(rank.options).toMatchObject({ hidden: [32, 16], learningRate: 2e-4, weightDecay: 0.01, epochs: 5, clipCoef: 0.2, gamma: 1, gaeLambda: 1, rolloutEpisodes: 1 });
    expect(rank.hyperparameters).toMatchObject({ policy: 'rank', hidden: [32, 16] });
    expect(rank.policy.describe()).toMatchObject({ kind: 'rank', layout: { rows: 5, features: 2 } });
    const plain = await PPO.create(env, { policy: 'mlp' }, 0);
    expect(plain.policy.kind).toBe('categorical');
    expect(plain.options.hidden).toEqual([64, 64]);
    rank.dispose();
    plain.dispose();
  });

  test('layouts that do not fit the spaces are refused', () => {
    const env = new PickEnv();
    (env as { candidateLayout: CandidateLayout }).candidateLayout = { rows: 6, features: 2, rowOffset: 0, maskOffset: 10 };
    expect(ppoSupports(env)).toMatch(/mask .* run past the observation|Discrete\(6\)/);
  });

  test('two 32-16 tanh networks over 26 inputs hold 2818 parameters (FaaSRank §V-B)', () => {
    const layout = { rows: 4, features: 20, rowOffset: 0, maskOffset: 80, globalOffset: 84, globalSize: 6 };
    const o = resolvePPOOptions({}, { ...resolvePPOOptions({}), ...PPO_RANK_DEFAULTS });
    const p = new RankPolicy(layout, 90, new Discrete(4), o, new Rng(0));
    expect(p.parameterCount).toBe(2818);
    p.dispose();
  });
});

describe('masking', () => {
  test('masked candidates are never sampled nor chosen, and get probability 0 in the update', async () => {
    const env = new PickEnv();
    const agent = await PPO.create(env, {}, 3);
    const policy = agent.policy as RankPolicy;
    // Two valid rows; the padding rows carry huge features (whatever their scores, they must not be picked).
    const obs = new Array<number>(env.observationSpace.size).fill(0);
    for (let k = 0; k < ROWS; k++) obs[k * F] = obs[k * F + 1] = k < 2 ? 0 : 50;
    obs[10] = obs[11] = 1;
    const rng = new Rng(1);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) seen.add(policy.act(obs, true, rng).envAction as number);
    expect([...seen].sort()).toEqual([0, 1]);
    expect([0, 1]).toContain(policy.act(obs, false, rng).envAction);
    const lp = tf.tidy(() => policy.evaluate(tf.tensor2d([obs, obs]), tf.tensor2d([[4], [0]])).logProb.arraySync());
    expect(lp[0]).toBeLessThan(-1e8);
    expect(lp[1]).toBeGreaterThan(-5);
    const none = obs.map((v, i) => (i >= 10 && i < 15 ? 0 : v));
    expect(() => policy.act(none, true, rng)).toThrow(/no valid candidate/);
    agent.dispose();
  });
});

describe('learning and state', () => {
  test('LEARNS to pick the signalled candidate far above chance (PickEnv raises on any masked pick)', async () => {
    const env = new PickEnv();
    const agent = await PPO.create(env, { rolloutEpisodes: 8, minibatches: 2, learningRate: 3e-3 }, 0);
    // Chance (a uniform pick among 2–5 valid rows) is about 0.32; the fresh policy is near uniform.
    const before = await env.accuracy(agent, 400, true);
    const losses = await drive(agent, env, 4000, 0);
    expect(losses.length).toBeGreaterThan(50);
    expect(before).toBeLessThan(0.5);
    expect(await env.accuracy(agent, 400, true)).toBeGreaterThan(0.85);
    expect(await env.accuracy(agent, 400, false)).toBeGreaterThan(0.95);
    agent.dispose();
  }, 90_000);

  test('no tensor leak across act/update; same seed twice identical; save → load identical greedy actions', async () => {
    const opts = { rolloutEpisodes: 2, minibatches: 2 };
    const run = async (): Promise<[PPO, Record<string, number>[]]> => {
      const env = new PickEnv();
      const agent = await PPO.create(env, opts, 5);
      const losses = await drive(agent, env, 48, 1);
      return [agent, losses];
    };
    const [a, la] = await run();
    const [b, lb] = await run();
    expect(la.length).toBe(3);
    expect(lb).toEqual(la);
    const before = tf.memory().numTensors;
    await drive(a, new PickEnv(), 32, 2);
    expect(tf.memory().numTensors).toBe(before);
    const dir = mkdtempSync(join(tmpdir(), 'ppo-rank-'));
    try {
      await a.save(dir);
      const c = await PPO.create(new PickEnv(), opts, 77);
      await c.load(dir);
      const env = new PickEnv();
      let obs = (await env.reset({ seed: 8 })).obs;
      for (let i = 0; i < 40; i++) {
        const x = await a.act(obs, { explore: false });
        expect(await c.act(obs, { explore: false })).toBe(x);
        const r = await env.step(x as number);
        obs = r.terminated ? (await env.reset()).obs : r.obs;
      }
      const plain = await PPO.create(new PickEnv(), { ...opts, policy: 'mlp' }, 0);
      await expect(plain.load(dir)).rejects.toThrow(/the policy's kind is "rank" in the checkpoint but "categorical"/);
      c.dispose();
      plain.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    a.dispose();
    b.dispose();
  });

  test('runs a FaaSRank-v0 episode and updates once per episode', async () => {
    const env = makeEnv('FaaSRank-v0', { traceFraction: 0.05, maxInvokers: 12, invokerRange: [6, 10] });
    const agent = await PPO.create(env, {}, 0);
    expect(agent.policy.kind).toBe('rank');
    let obs = (await env.reset({ seed: 0 })).obs, losses: Awaited<ReturnType<typeof agent.update>>, steps = 0;
    for (;;) {
      const action = await agent.act(obs, { explore: true });
      const r = await env.step(action);
      agent.observe({ obs, action, reward: r.reward, nextObs: r.obs, terminated: r.terminated, truncated: r.truncated, info: r.info });
      losses = await agent.update();
      steps++;
      if (r.terminated || r.truncated) break;
      expect(losses).toBeNull();
      obs = r.obs;
    }
    expect(steps).toBeGreaterThan(1);
    expect(losses).not.toBeNull();
    expect(Number.isFinite(losses?.policy)).toBe(true);
    agent.dispose();
    await env.close();
  });
});
