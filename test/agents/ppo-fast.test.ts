/**
 * PPO's fast path (agents/ppo-fast.ts, the policies' `fastEvaluate` on
 * src/nn/dense.ts's DenseStack) against the tfjs-autodiff reference on the
 * same weights and minibatch, for every policy head: the total loss and its
 * parts, and the gradient of every trained tensor. Nothing here is timed.
 */
import { PPO } from '../../agents/ppo.js';
import type { Minibatch } from '../../agents/ppo-fast.js';
import { BaseEnv } from '../../src/core/base-env.js';
import type { AnyEnv, Env, ResetResult, StepResult } from '../../src/core/env.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../src/core/rng.js';
import { optimizerGroup, saveCheckpoint } from '../../src/nn/checkpoint.js';
import { initTf, tf } from '../../src/nn/tf.js';
import { make, makeEnv } from '../../src/registry/index.js';
import { Discrete } from '../../src/spaces/discrete.js';
import { MultiDiscrete } from '../../src/spaces/multi-discrete.js';

beforeAll(async () => {
  await initTf({ quiet: true });
});

/** A tiny env with a MultiDiscrete action (offset starts) and a Discrete observation. */
class MultiEnv extends BaseEnv<number, number[]> {
  readonly observationSpace = new Discrete(3);
  readonly actionSpace = new MultiDiscrete([2, 3, 4], [1, -1, 0]);
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

/** Collect `n` steps into the agent's rollout (no update). */
async function collect(agent: PPO, env: AnyEnv, n: number): Promise<void> {
  const e = env as Env<unknown, unknown>;
  let obs = (await e.reset({ seed: 4 })).obs;
  for (let i = 0; i < n; i++) {
    const action = await agent.act(obs, { explore: true });
    const r = await e.step(action);
    agent.observe({ obs, action, reward: r.reward, nextObs: r.obs, terminated: r.terminated, truncated: r.truncated, info: r.info });
    obs = r.terminated || r.truncated ? (await e.reset()).obs : r.obs;
  }
}

/** A minibatch of the rollout's observations and actions, with old log-probs and values moved away from the current ones (so both clipping branches occur), random advantages and returns. */
function minibatch(agent: PPO, rng: Rng): { mb: Minibatch; m: number } {
  const steps = agent.buffer.steps, m = steps.length, D = agent.policy.obsDim, A = agent.policy.actionDim;
  const mb: Minibatch = { obs: new Float32Array(m * D), act: new Float32Array(m * A), logp: new Float32Array(m), values: new Float32Array(m), adv: new Float32Array(m), ret: new Float32Array(m) };
  steps.forEach((s, i) => {
    mb.obs.set(s.obs as number[], i * D);
    mb.act.set(s.action as number[], i * A);
    mb.logp[i] = s.logProb + rng.uniform(-0.5, 0.5);
    mb.values[i] = s.value + rng.uniform(-0.5, 0.5);
    mb.adv[i] = rng.normal();
    mb.ret[i] = s.value + rng.normal();
  });
  return { mb, m };
}

/**
 * Worst |a − b| over the largest |b| of each trained tensor's block of the flat
 * gradient. A block whose gradient is far below the others (score-rank-select's
 * score-output bias: softmax is shift-invariant, its exact gradient is 0 and
 * both paths give rounding noise) is measured against 1 % of the largest.
 */
function worstRelativePerTensor(agent: PPO, a: Float32Array, b: Float32Array): number {
  let global = 0;
  for (let i = 0; i < b.length; i++) global = Math.max(global, Math.abs(b[i] as number));
  expect(global).toBeGreaterThan(0);
  let at = 0, worst = 0;
  for (const v of agent.policy.trainable) {
    let scale = 0, diff = 0;
    for (let i = at; i < at + v.size; i++) {
      scale = Math.max(scale, Math.abs(b[i] as number));
      diff = Math.max(diff, Math.abs((a[i] as number) - (b[i] as number)));
    }
    worst = Math.max(worst, diff / Math.max(scale, 0.01 * global));
    at += v.size;
  }
  expect(at).toBe(a.length);
  return worst;
}

const CASES: [string, () => AnyEnv, Record<string, unknown>][] = [
  ['categorical (CartPole-v1, clipped value loss)', () => makeEnv('CartPole-v1'), { hidden: [16, 16] }],
  ['multi-categorical (MultiDiscrete, relu, unclipped value loss)', () => new MultiEnv(), { hidden: [12], activation: 'relu', clipValueLoss: false }],
  ['gaussian (Pendulum-v1, elu)', () => makeEnv('Pendulum-v1'), { hidden: [16, 8], activation: 'elu', logStdInit: -0.5 }],
  ['score-rank-select (FaaSRank-v0, entropy bonus, clipped value loss)', () => make('FaaSRank-v0', { traceFraction: 0.05, maxInvokers: 12, invokerRange: [4, 10] }), { policy: 'rank', entCoef: 0.05, clipValueLoss: true }],
  ['score-rank-select (FaaSRank-v0 defaults)', () => make('FaaSRank-v0', { traceFraction: 0.05, maxInvokers: 12, invokerRange: [4, 10] }), { policy: 'rank' }],
];

describe('fast path against the tfjs autodiff reference', () => {
  test.each(CASES)('%s: loss within 1e-5 relative, every gradient within 1e-4, no tensor left', async (_name, makeIt, options) => {
    const env = makeIt();
    const agent = await PPO.create(env, { ...options, nSteps: 48, rolloutEpisodes: 0 }, 3);
    await collect(agent, env, 48);
    const { mb, m } = minibatch(agent, new Rng(8));
    agent.minibatchGradients(mb, m, 0.2, 'fast'); // caches the DenseStacks' weight views
    const before = tf.memory().numTensors;
    const fast = agent.minibatchGradients(mb, m, 0.2, 'fast');
    const fastGrad = agent.gradient();
    const ref = agent.minibatchGradients(mb, m, 0.2, 'reference');
    const refGrad = agent.gradient();
    expect(tf.memory().numTensors).toBe(before);
    expect(Math.abs(fast.loss - ref.loss) / Math.max(1e-3, Math.abs(ref.loss))).toBeLessThan(1e-5);
    fast.stats.forEach((x, i) => expect(Math.abs(x - (ref.stats[i] as number))).toBeLessThan(1e-5 * Math.max(1, Math.abs(ref.stats[i] as number))));
    // The minibatch exercises both sides of the ratio clip.
    expect(ref.stats[4]).toBeGreaterThan(0.05);
    expect(ref.stats[4]).toBeLessThan(0.95);
    expect(worstRelativePerTensor(agent, fastGrad, refGrad)).toBeLessThan(1e-4);
    if (agent.policy.kind === 'rank') {
      // Adding a constant to every score changes nothing: the score network's output bias gets no gradient on either path.
      const bias = agent.policy.trainable.findIndex((v) => v.name.startsWith('ppo_rank_score_out') && v.rank === 1);
      const at = agent.policy.trainable.slice(0, bias).reduce((x, v) => x + v.size, 0);
      expect(Math.abs(fastGrad[at] as number)).toBeLessThan(1e-6);
      expect(Math.abs(refGrad[at] as number)).toBeLessThan(1e-6);
    }
    agent.dispose();
    await env.close();
  });

  test('a masked action in a minibatch is refused by name (the act path never takes one)', async () => {
    const env = make('FaaSRank-v0', { traceFraction: 0.05, maxInvokers: 12, invokers: 4 });
    const agent = await PPO.create(env, { nSteps: 4, rolloutEpisodes: 0 }, 0);
    await collect(agent, env, 4);
    const { mb, m } = minibatch(agent, new Rng(1));
    mb.act[2] = 11;
    const before = tf.memory().numTensors;
    expect(() => agent.minibatchGradients(mb, m, 0.2, 'fast')).toThrow('score-rank-select: minibatch sample 2 took row 11, which its mask marks invalid');
    expect(tf.memory().numTensors).toBe(before);
    agent.dispose();
    await env.close();
  });

  test('training on the reference path follows the fast path within float32 rounding; each path is deterministic under a seed', async () => {
    const go = async (fastPath: boolean): Promise<{ losses: number[]; w: number[] }> => {
      const env = makeEnv('CartPole-v1');
      const agent = await PPO.create(env, { nSteps: 32, minibatches: 2, epochs: 2, hidden: [16, 16] }, 5);
      agent.fastPath = fastPath;
      const losses: number[] = [];
      let obs = (await env.reset({ seed: 2 })).obs;
      for (let i = 0; i < 96; i++) {
        const action = await agent.act(obs, { explore: true });
        const r = await env.step(action);
        agent.observe({ obs, action, reward: r.reward, nextObs: r.obs, terminated: r.terminated, truncated: r.truncated, info: r.info });
        const l = await agent.update();
        if (l) losses.push(l.policy as number, l.value as number, l.entropy as number);
        obs = r.terminated || r.truncated ? (await env.reset()).obs : r.obs;
      }
      const w = agent.policy.trainable.flatMap((v) => Array.from(v.dataSync()));
      agent.dispose();
      return { losses, w };
    };
    const fast = await go(true), ref = await go(false);
    expect(fast.losses).toHaveLength(9);
    fast.losses.forEach((l, i) => expect(Math.abs(l - (ref.losses[i] as number))).toBeLessThan(1e-4 * Math.max(1, Math.abs(l))));
    fast.w.forEach((x, i) => expect(Math.abs(x - (ref.w[i] as number))).toBeLessThan(1e-4));
    expect(await go(true)).toEqual(fast);
  });

  test('a checkpoint written with the former tfjs Adam(W) state loads: its step and moments become the flat optimiser\'s', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ppo-legacy-'));
    try {
      const env = makeEnv('CartPole-v1');
      const old = await PPO.create(env, { hidden: [8] }, 1);
      // What agents/ppo-adamw.ts saved: tfjs's Adam over the trained variables, two steps.
      const adam = tf.train.adam(1e-3, 0.9, 0.999, 1e-5);
      const rng = new Rng(2);
      for (let t = 0; t < 2; t++) {
        const grads = Object.fromEntries(old.policy.trainable.map((v) => [v.name, tf.tensor(Float32Array.from({ length: v.size }, () => rng.normal()), v.shape)]));
        adam.applyGradients(grads as unknown as Parameters<typeof adam.applyGradients>[0]);
        for (const g of Object.values(grads)) g.dispose();
      }
      const group = await optimizerGroup(adam);
      const moments = (suffix: string): number[] => group.filter((e) => e.name.endsWith(suffix)).flatMap((e) => Array.from(e.tensor.dataSync()));
      const m = moments('/m'), v = moments('/v');
      await saveCheckpoint(dir, {
        agent: 'ppo', env: 'CartPole-v1', hyperparameters: old.hyperparameters,
        extra: { seed: 1, policy: old.policy.describe(), counters: { ...old.counters }, learningRate: 1e-3 },
        groups: { ...old.policy.groups(), optimizer: group },
      });
      for (const e of group) if (e.dispose) e.tensor.dispose();
      const fresh = await PPO.create(env, { hidden: [8] }, 9);
      await fresh.load(dir);
      const state = fresh.optimizerState();
      expect(state.step).toBe(2);
      expect(state.m).toEqual(m);
      expect(state.v).toEqual(v);
      expect(m.length).toBe(old.policy.trainable.reduce((a, x) => a + x.size, 0));
      // The acting mirrors read the loaded weights (`old`'s variables were stepped behind its back: it reloads them too).
      await old.load(dir);
      expect(old.optimizerState()).toEqual(state);
      const obs = (await env.reset({ seed: 3 })).obs;
      expect(await fresh.act(obs, { explore: false })).toBe(await old.act(obs, { explore: false }));
      expect(fresh.policy.value(obs as number[])).toBeCloseTo(old.policy.value(obs as number[]), 6);
      adam.dispose();
      old.dispose();
      fresh.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
