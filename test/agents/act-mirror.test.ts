/**
 * Acting without tfjs (src/nn/act-mirror.ts) in DQN, DDPG and the
 * multi-agent actor-critics: the action path reads a copy of the optimizer's
 * parameters, reloaded after each update, so these tests check that what it
 * computes is the tfjs forward pass of the networks' current weights (the
 * same bits through DQN's ReLU network on the wasm backend; float32
 * tolerance through tanh), right after updates, after weights changed from
 * outside an update, and without making a tensor. Nothing here is timed.
 */
import type { MultiAgentActorCritic } from '../../agents/actor-critic-marl.js';
import { ActionScaler } from '../../agents/actor-critic-common.js';
import { AttMF } from '../../agents/attmf.js';
import { DDPG } from '../../agents/ddpg.js';
import { DQN } from '../../agents/dqn.js';
import { MADDPG } from '../../agents/maddpg.js';
import { MeanField } from '../../agents/meanfield.js';
import type { Env } from '../../src/core/env.js';
import { Rng } from '../../src/core/rng.js';
import { mlpPredict, mlpPredictRelease } from '../../src/nn/mlp.js';
import { initTf, tf } from '../../src/nn/tf.js';
import { Box } from '../../src/spaces/box.js';
import { Discrete } from '../../src/spaces/discrete.js';
import { CooperativeTargets } from './toy-envs.js';

beforeAll(async () => {
  await initTf({ quiet: true });
});

/** The largest difference relative to max(|reference|, 1) (actions live in [-1, 1]: there, absolute). */
function worstRelative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)) / Math.max(1, Math.abs(b[i] as number)));
  return worst;
}

const argmax = (q: ArrayLike<number>): number => {
  let best = 0;
  for (let i = 1; i < q.length; i++) if ((q[i] as number) > (q[best] as number)) best = i;
  return best;
};

describe('DQN', () => {
  /** Darly's sizes: 35 observations, 15 actions, the 256-128-64 ReLU network; replay of random transitions, one update per call. */
  async function darlyDqn(seed: number): Promise<{ agent: DQN; rng: Rng; row: () => number[] }> {
    const env = { observationSpace: new Box({ low: -1, high: 1, shape: [35] }), actionSpace: new Discrete(15) } as unknown as Env<number[], number>;
    const agent = await DQN.create(env, { batchSize: 16, learningStarts: 0, trainFreq: 1, totalSteps: 1000, targetUpdateInterval: 7 }, seed);
    const rng = new Rng(seed + 1);
    const row = (): number[] => Array.from({ length: 35 }, () => rng.uniform(-1, 1));
    for (let i = 0; i < 64; i++) agent.observe({ obs: row(), action: rng.integer(0, 15), reward: rng.uniform(-1, 1), nextObs: row(), terminated: false, truncated: false, info: {} });
    return { agent, rng, row };
  }

  test('Q-values right after each update are the tfjs forward pass of the updated online network (same bits on wasm); greedy actions agree on random observations', async () => {
    const { agent, row } = await darlyDqn(3);
    const exact = tf.getBackend() === 'wasm';
    let before = agent.qValues(row())[0] as Float32Array;
    for (let u = 0; u < 5; u++) {
      await agent.update();
      for (let k = 0; k < 20; k++) {
        const obs = row();
        const q = agent.qValues(obs)[0] as Float32Array;
        const reference = mlpPredict(agent.online, Float32Array.from(obs), 1);
        if (exact) expect(Array.from(q)).toEqual(Array.from(reference));
        else expect(worstRelative(q, reference)).toBeLessThan(1e-5);
        expect(await agent.act(obs, { explore: false })).toBe(argmax(reference));
        if (k === 0) {
          expect(Array.from(q)).not.toEqual(Array.from(before)); // the update reached the action path
          before = q;
        }
      }
    }
    mlpPredictRelease(agent.online);
    agent.dispose();
  });

  test('weights given new data outside an update (setWeights) reach the action path; acting makes no tensor', async () => {
    const { agent, row } = await darlyDqn(4);
    const other = (await darlyDqn(5)).agent;
    await agent.update();
    const obs = row();
    const mine = agent.qValues(obs)[0] as Float32Array;
    agent.online.setWeights(other.online.getWeights());
    const theirs = other.qValues(obs)[0] as Float32Array;
    expect(Array.from(agent.qValues(obs)[0] as Float32Array)).toEqual(Array.from(theirs));
    expect(Array.from(theirs)).not.toEqual(Array.from(mine));
    const tensors = tf.memory().numTensors;
    for (let i = 0; i < 10; i++) await agent.act(row(), { explore: false });
    expect(tf.memory().numTensors).toBe(tensors);
    agent.dispose();
    other.dispose();
  });
});

describe('DDPG', () => {
  test('the greedy action right after each update is the tfjs actor forward pass, scaled (the same bits on wasm); acting makes no tensor', async () => {
    const env = new CooperativeTargets(3, 10); // centralised: 6 observations, 3 actions in [-1, 1]
    const agent = await DDPG.create(env, { hidden: [64, 48], batchSize: 16, learningStarts: 0 }, 7);
    const rng = new Rng(2);
    const row = (): number[] => Array.from({ length: agent.observationDim }, () => rng.uniform(-1, 1));
    for (let i = 0; i < 40; i++) {
      agent.observe({ obs: row(), action: Array.from({ length: agent.actionDim }, () => rng.uniform(-1, 1)), reward: rng.uniform(-1, 1), nextObs: row(), terminated: false, truncated: false, info: {} });
    }
    const scaler = new ActionScaler(new Box({ low: -1, high: 1, shape: [agent.actionDim] }));
    let previous: number[] | null = null;
    const probe = row();
    for (let u = 0; u < 5; u++) {
      await agent.update();
      const tensors = tf.memory().numTensors;
      for (let k = 0; k < 10; k++) {
        const obs = k === 0 ? probe : row();
        const action = await agent.act(obs, { explore: false });
        const reference = scaler.toEnv(agent.actor.dense().forward(Float32Array.from(obs), 1));
        if (tf.getBackend() === 'wasm') expect(action).toEqual(reference); // ReLU hidden layers, tanh output: the same bits
        else expect(worstRelative(action, reference)).toBeLessThan(1e-5);
        if (k === 0) {
          if (previous) expect(action).not.toEqual(previous);
          previous = action;
        }
      }
      expect(tf.memory().numTensors).toBe(tensors);
    }
    agent.dispose();
  });
});

describe('multi-agent actor-critics', () => {
  const CLASSES = { maddpg: MADDPG, meanfield: MeanField, attmf: AttMF } as const;

  test.each([
    ['maddpg', 'per-agent', {}],
    ['maddpg', 'shared, with agent ids', { shareParameters: true, agentIds: true }],
    ['meanfield', 'shared', {}],
    ['meanfield', 'per-agent, tanh', { shareParameters: false, activation: 'tanh' }],
    ['attmf', 'shared', {}],
    ['attmf', 'per-agent, elu', { shareParameters: false, activation: 'elu' }],
  ] as ['maddpg' | 'meanfield' | 'attmf', string, Record<string, unknown>][])('%s (%s): actions right after each update equal the tfjs reference policy; the mirror follows a checkpoint-style assign', async (variant, _what, extra) => {
    const env = new CooperativeTargets(3, 10);
    const agent: MultiAgentActorCritic = await CLASSES[variant].create(env, { hidden: [32, 32], batchSize: 16, learningStarts: 0, ...extra }, 5);
    let obs: Record<string, number[]> = (await env.reset({ seed: 1 })).obs;
    const rng = new Rng(8);
    const exact = tf.getBackend() === 'wasm' && variant !== 'attmf' && extra.activation !== 'elu';
    for (let i = 0; i < 30; i++) {
      const state = env.state();
      const a = await agent.act(obs, { explore: true });
      const r = await env.step(a);
      agent.observe({ obs, actions: a, rewards: r.rewards, nextObs: r.obs, terminations: r.terminations, truncations: r.truncations, infos: r.infos, state, nextState: env.state() });
      await agent.update();
      // Right after the update: the mirror's policy is the tfjs one on the updated weights.
      const probe = Object.fromEntries(Object.keys(obs).map((id) => [id, [rng.uniform(-1, 1), rng.uniform(-1, 1)]]));
      const fast = agent.policyActions(probe);
      agent.fastPath = false;
      const reference = agent.policyActions(probe);
      agent.fastPath = true;
      // MADDPG's and mean-field's actors see the observations as they are: the same bits on wasm (ReLU or tanh). AttMF's
      // attention is computed in JavaScript on one side and by tfjs on the other; ELU in double precision: float32 tolerance.
      if (exact) expect(Array.from(fast)).toEqual(Array.from(reference));
      else expect(worstRelative(fast, reference)).toBeLessThan(1e-5);
      obs = env.agents.length === 0 ? (await env.reset()).obs : r.obs;
    }
    // Weights given new data outside an update (as a checkpoint load does) reach the action path.
    const probe = Object.fromEntries(Object.keys(obs).map((id) => [id, [0.3, -0.2]]));
    const old = agent.policyActions(probe);
    for (const v of agent.online.actor.variables) tf.tidy(() => v.assign(v.mul(1.5)));
    const fresh = agent.policyActions(probe);
    agent.fastPath = false;
    expect(worstRelative(fresh, agent.policyActions(probe))).toBeLessThan(1e-5);
    expect(Array.from(fresh)).not.toEqual(Array.from(old));
    agent.fastPath = true;
    const tensors = tf.memory().numTensors;
    const attention = agent.online.actorAttention;
    let reads = 0;
    const watched = attention ? [attention.wq, attention.wk] : [];
    for (const v of watched) {
      const read = v.dataSync.bind(v);
      v.dataSync = ((): ReturnType<typeof read> => (reads++, read())) as typeof v.dataSync; // an own property over the prototype's method
    }
    for (let i = 0; i < 5; i++) await agent.act(probe, { explore: false });
    expect(tf.memory().numTensors).toBe(tensors);
    expect(reads).toBe(0); // AttMF's attention weights were read once after they last changed, not per action
    for (const v of watched) delete (v as { dataSync?: unknown }).dataSync;
    agent.dispose();
  });
});
