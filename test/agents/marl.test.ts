import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Losses } from '../../agents/agent.js';
import type { MultiAgentActorCritic } from '../../agents/actor-critic-marl.js';
import { AttMF, ATTMF_DEFAULTS, attmfFactory } from '../../agents/attmf.js';
import { MADDPG, MADDPG_DEFAULTS, maddpgFactory } from '../../agents/maddpg.js';
import { MeanField, meanfieldFactory } from '../../agents/meanfield.js';
import { BaseParallelEnv } from '../../src/core/base-parallel-env.js';
import type { ParallelResetResult, ParallelStepResult } from '../../src/core/env.js';
import { Rng } from '../../src/core/rng.js';
import { evaluate, train } from '../../src/experiment/train.js';
import { AgentAttention, adjacencyTensor, maskedAttentionWeights } from '../../src/nn/attention.js';
import { initTf, tf } from '../../src/nn/tf.js';
import { Box } from '../../src/spaces/box.js';
import { ContinuousBandit, CooperativeTargets, MixedActions } from './toy-envs.js';

type Variant = 'maddpg' | 'meanfield' | 'attmf';
const CLASSES = { maddpg: MADDPG, meanfield: MeanField, attmf: AttMF } as const;
const FAST = { hidden: [32, 32], batchSize: 32, learningStarts: 10 };

function make(variant: Variant, env: ConstructorParameters<typeof MADDPG>[0], options: Record<string, unknown>, seed: number): Promise<MultiAgentActorCritic> {
  return CLASSES[variant].create(env, options, seed);
}

beforeAll(async () => {
  await initTf({ quiet: true });
});

/** `steps` exploring steps on CooperativeTargets (state passed as the train driver does); actions and losses recorded. */
async function run(agent: MultiAgentActorCritic, steps: number, seed: number): Promise<{ actions: Record<string, number[]>[]; losses: (Losses | null)[] }> {
  const env = new CooperativeTargets(3, 10);
  const actions: Record<string, number[]>[] = [], losses: (Losses | null)[] = [];
  let obs: Record<string, number[]> = (await env.reset({ seed })).obs;
  for (let i = 0; i < steps; i++) {
    const state = env.state();
    const a = await agent.act(obs, { explore: true });
    const r = await env.step(a);
    agent.observe({ obs, actions: a, rewards: r.rewards, nextObs: r.obs, terminations: r.terminations, truncations: r.truncations, infos: r.infos, state, nextState: env.state() });
    actions.push(a);
    losses.push(await agent.update());
    obs = env.agents.length === 0 ? (await env.reset()).obs : r.obs;
  }
  return { actions, losses };
}

const snapshot = (vars: readonly tf.Variable[]): Float32Array[] => vars.map((v) => v.dataSync().slice() as Float32Array);

/** Two agents with different observation and action sizes (padding, per-agent networks). */
class Hetero extends BaseParallelEnv<string, number[], number[]> {
  readonly possibleAgents = ['small', 'big'];
  observationSpace(agent: string): Box {
    return new Box({ low: -1, high: 1, shape: [agent === 'small' ? 1 : 3] });
  }
  actionSpace(agent: string): Box {
    return agent === 'small' ? new Box({ low: 0, high: 10, shape: [1] }) : new Box({ low: -1, high: 1, shape: [2] });
  }
  state(): number[] {
    return [0, 0];
  }
  private obs(): Record<string, number[]> {
    return { small: [this.rng.uniform(-1, 1)], big: [this.rng.uniform(-1, 1), 0, 1] };
  }
  protected resetEnv(): ParallelResetResult<string, number[]> {
    return { obs: this.obs(), info: { small: {}, big: {} } };
  }
  protected stepEnv(actions: Record<string, number[]>): ParallelStepResult<string, number[]> {
    const r = -Math.abs((actions.small as number[])[0] as number - 5);
    return { obs: this.obs(), rewards: { small: r, big: r }, terminations: { small: false, big: false }, truncations: { small: false, big: false }, infos: { small: {}, big: {} } };
  }
}

describe('attention (src/nn/attention.ts)', () => {
  test('masked softmax: masked neighbours get exactly 0, rows sum to 1 over the unmasked, empty rows are 0 (hand-checked)', () => {
    const scores = tf.tensor3d([[[1, 2, 3], [0, 1000, 0], [5, 6, 7]], [[0, 0, 0], [0, 0, 0], [0, 0, 0]]]);
    const adjacency = tf.tensor2d([[0, 1, 1], [1, 0, 1], [0, 0, 0]]);
    const w = maskedAttentionWeights(scores, adjacency).arraySync() as number[][][];
    const e2 = Math.exp(2), e3 = Math.exp(3);
    expect(w[0]?.[0]?.[0]).toBe(0);
    expect(w[0]?.[0]?.[1]).toBeCloseTo(e2 / (e2 + e3), 6); // 0.268941
    expect(w[0]?.[0]?.[2]).toBeCloseTo(e3 / (e2 + e3), 6); // 0.731059
    expect(w[0]?.[1]).toEqual([0.5, 0, 0.5]); // the masked score 1000 neither wins nor overflows
    expect(w[0]?.[2]).toEqual([0, 0, 0]); // no neighbours: zeros, not NaN
    expect(w[1]?.[0]).toEqual([0, 0.5, 0.5]);
    for (const row of [w[0]?.[0], w[1]?.[1]]) expect((row as number[]).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    // A weighted adjacency scales the terms as eq. (9)'s Hadamard product: exp(0)·1 : exp(0)·3.
    const weighted = maskedAttentionWeights(tf.zeros([1, 1, 3]), tf.tensor2d([[0, 1, 3]])).arraySync() as number[][][];
    expect(weighted[0]?.[0]).toEqual([0, 0.25, 0.75]);
  });

  test('gradients through masked and empty rows are finite', () => {
    const x = tf.variable(tf.tensor3d([[[1, 2, 3], [0, 50, 0], [5, 6, 7]]]));
    const adjacency = tf.tensor2d([[0, 1, 1], [1, 0, 1], [0, 0, 0]]);
    const { grads } = tf.variableGrads(() => maskedAttentionWeights(x, adjacency).mul(tf.tensor3d([[[1, 2, 3], [4, 5, 6], [7, 8, 9]]])).sum() as tf.Scalar, [x]);
    const g = Array.from((Object.values(grads)[0] as tf.Tensor).dataSync());
    expect(g.every(Number.isFinite)).toBe(true);
    expect([g[0], g[4], g[6], g[7], g[8]]).toEqual([0, 0, 0, 0, 0]); // masked entries and the empty row get no gradient
  });

  test('AgentAttention: q = s W_q, k = s W_k, α ∝ exp(q·k/√d_k) over neighbours (hand-checked); per-agent modules agree when equal', () => {
    const states = tf.tensor3d([[[1, 0], [2, 0], [0, 1]]]); // q_j = s_j[0], k_k = s_k[1] = [0, 0, 1]
    const adjacency = adjacencyTensor([[0, 1, 1], [1, 0, 1], [1, 1, 0]], 3);
    const shared = new AgentAttention({ stateDim: 2, keyDim: 1, agents: 3 }, new Rng(0));
    shared.wq.assign(tf.tensor2d([[1], [0]]));
    shared.wk.assign(tf.tensor2d([[0], [1]]));
    const w = shared.weights(states, adjacency).arraySync() as number[][][];
    const e = Math.E, e2 = Math.exp(2);
    const expected = [[0, 1 / (1 + e), e / (1 + e)], [1 / (1 + e2), 0, e2 / (1 + e2)], [0.5, 0.5, 0]];
    expected.forEach((row, j) => row.forEach((v, k) => expect(w[0]?.[j]?.[k]).toBeCloseTo(v, 6)));
    const perAgent = new AgentAttention({ stateDim: 2, keyDim: 1, agents: 3, shared: false }, new Rng(0));
    perAgent.wq.assign(tf.tensor3d([[[1], [0]], [[1], [0]], [[1], [0]]]));
    perAgent.wk.assign(tf.tensor3d([[[0], [1]], [[0], [1]], [[0], [1]]]));
    const w2 = perAgent.weights(states, adjacency).arraySync() as number[][][];
    expected.forEach((row, j) => row.forEach((v, k) => expect(w2[0]?.[j]?.[k]).toBeCloseTo(v, 6)));
    expect(() => adjacencyTensor([[0, -1], [1, 0]], 2)).toThrow('adjacency[0][1] must be a finite number >= 0, got -1');
    expect(() => adjacencyTensor([[0, 1]], 2)).toThrow('adjacency must be 2 rows of 2 numbers, got [[0,1]]');
    shared.dispose();
    perAgent.dispose();
  });
});

describe('options and support', () => {
  test('defaults and their sources are as documented', () => {
    expect(MADDPG_DEFAULTS).toMatchObject({ hidden: [64, 64], gamma: 0.95, tau: 0.01, batchSize: 64, maxGradNorm: 0.5, shareParameters: false, useGlobalState: true });
    expect(ATTMF_DEFAULTS).toMatchObject({ shareParameters: 'auto', attentionDim: 32 });
  });

  test('bad options are refused with the value quoted', async () => {
    const env = new CooperativeTargets();
    expect(() => new MADDPG(env, { gamma: 2 })).toThrow('maddpg: options.gamma: expected a number in [0, 1], got 2');
    expect(() => new MADDPG(env, { attentionDim: 8 })).toThrow(/maddpg: options.attentionDim: unknown key/);
    expect(() => new MeanField(env, { useGlobalState: false })).toThrow(/meanfield: options.useGlobalState: unknown key/);
    expect(() => new AttMF(env, { attentionDim: 0 })).toThrow('attmf: options.attentionDim: expected an integer in [1, 1024], got 0');
    expect(() => new AttMF(env, { shareParameters: 'yes' })).toThrow('attmf: options.shareParameters: expected one of true, false, "auto", got "yes"');
    expect(() => new MeanField(new Hetero(), { shareParameters: true })).toThrow('meanfield: options.shareParameters: expected false or "auto" when the agents\' spaces differ (observation sizes [1,3], action sizes [1,2]), got true');
  });

  test("actionRegularization (Lowe et al.'s p_reg) pulls the actors' pre-tanh outputs toward 0; a negative weight is refused", async () => {
    expect(() => new MADDPG(new CooperativeTargets(), { actionRegularization: -1 })).toThrow('maddpg: options.actionRegularization: expected a number in [0, 1000], got -1');
    expect(MADDPG_DEFAULTS.actionRegularization).toBe(0);
    const obs = (await new CooperativeTargets(3, 10).reset({ seed: 9 })).obs;
    const meanAbs = async (agent: MultiAgentActorCritic): Promise<number> => {
      const a = Object.values(await agent.act(obs, { explore: false })).flat();
      return a.reduce((x, y) => x + Math.abs(y), 0) / a.length;
    };
    const plain = await make('maddpg', new CooperativeTargets(3, 10), FAST, 4);
    const reg = await make('maddpg', new CooperativeTargets(3, 10), { ...FAST, actionRegularization: 50 }, 4);
    expect(await meanAbs(reg)).toBe(await meanAbs(plain)); // same seed, same start
    const lp = (await run(plain, 80, 1)).losses, lr = (await run(reg, 80, 1)).losses;
    expect(lr[10]?.critic).toBe(lp[10]?.critic); // the first update's critic step is untouched
    expect(lr[10]?.actor as number).toBeGreaterThan(lp[10]?.actor as number); // the actor loss adds λ·mean(z²) > 0
    expect(await meanAbs(reg)).toBeLessThan(0.5 * (await meanAbs(plain)));
    plain.dispose();
    reg.dispose();
  });

  test('supports: Box actions for every agent, with a clear refusal', () => {
    for (const f of [maddpgFactory, meanfieldFactory, attmfFactory]) {
      expect(f.kind).toBe('multi');
      expect(f.supports(new CooperativeTargets())).toBeNull();
      expect(f.supports(new ContinuousBandit())).toBeNull(); // one agent through SingleAgentAsParallel
      expect(f.supports(new MixedActions())).toBe(`${f.name} needs a Box action space for agent "b", got Discrete (use dqn or ppo for discrete actions)`);
    }
  });

  test('saved hyperparameters rebuild the same agent (as faasgym eval does)', async () => {
    for (const f of [maddpgFactory, meanfieldFactory, attmfFactory]) {
      const a = (await f.create(new CooperativeTargets(), FAST, 3)) as MultiAgentActorCritic;
      const b = (await f.create(new CooperativeTargets(), a.hyperparameters, 3)) as MultiAgentActorCritic;
      expect(b.hyperparameters).toEqual(a.hyperparameters);
      expect(await b.act({ f0: [0.1, 0.2], f1: [0.3, -0.4], f2: [0, 1] }, { explore: false })).toEqual(await a.act({ f0: [0.1, 0.2], f1: [0.3, -0.4], f2: [0, 1] }, { explore: false }));
      a.dispose();
      b.dispose();
    }
  });

  test('shared parameters by default for the mean-field variants when spaces match, per-agent for MADDPG', async () => {
    const env = new CooperativeTargets();
    expect((await MeanField.create(env, FAST)).hyperparameters.shareParameters).toBe(true);
    expect((await AttMF.create(new Hetero(), FAST)).hyperparameters.shareParameters).toBe(false);
    const m = await MADDPG.create(env, FAST);
    expect(m.hyperparameters.shareParameters).toBe(false);
    expect(m.globalStateDim).toBe(3); // env.state()
    expect((await MADDPG.create(env, { ...FAST, useGlobalState: false })).globalStateDim).toBe(0);
  });
});

describe.each(['maddpg', 'meanfield', 'attmf'] as const)('%s', (variant) => {
  test('acts in every agent\'s Box (padding with different sizes, agent ids, a single-agent env) and updates', async () => {
    const hetero = new Hetero();
    const agent = await make(variant, hetero, { ...FAST, agentIds: true }, 1);
    await train({ env: hetero, agent, steps: 25, seed: 2 });
    const obs = (await hetero.reset({ seed: 3 })).obs;
    const a = await agent.act(obs, { explore: false });
    expect(Object.keys(a)).toEqual(['small', 'big']);
    expect(hetero.actionSpace('small').contains((a as Record<string, number[]>).small)).toBe(true);
    expect((a as Record<string, number[]>).big).toHaveLength(2);
    const single = new ContinuousBandit();
    const solo = await make(variant, single, FAST, 1);
    await train({ env: single, agent: solo, steps: 15, seed: 2 });
    expect(Object.keys(await solo.act({ agent_0: [0.3] }, { explore: false }))).toEqual(['agent_0']);
    agent.dispose();
    solo.dispose();
  });

  test('no tensor leak across act/observe/update after warm-up', async () => {
    const agent = await make(variant, new CooperativeTargets(3, 10), FAST, 1);
    await run(agent, 25, 1);
    const before = tf.memory().numTensors;
    await run(agent, 15, 2);
    expect(tf.memory().numTensors).toBe(before);
    agent.dispose();
  });

  test('online weights move after an update; targets follow θ\' ← τθ + (1 − τ)θ\' exactly', async () => {
    const tau = 0.05;
    const agent = await make(variant, new CooperativeTargets(3, 10), { ...FAST, tau }, 2);
    await run(agent, 15, 3);
    const onlineBefore = snapshot(agent.variables('online'));
    const targetBefore = snapshot(agent.variables('target'));
    const attention = [agent.online.actorAttention, agent.online.criticAttention].flatMap((m) => (m ? m.variables : []));
    const attentionBefore = snapshot(attention);
    expect((await run(agent, 1, 4)).losses[0]).not.toBeNull();
    // attmf: both attention modules (W_q, W_k of actor and critic) train with their losses
    snapshot(attention).forEach((w, i) => expect(Array.from(w)).not.toEqual(Array.from(attentionBefore[i] as Float32Array)));
    expect(attention.length).toBe(variant === 'attmf' ? 4 : 0);
    const online = snapshot(agent.variables('online'));
    const target = snapshot(agent.variables('target'));
    expect(online.some((w, i) => w.some((x, k) => x !== onlineBefore[i]?.[k]))).toBe(true);
    // actor, critic and (attmf) both attention modules all move
    expect(online.filter((w, i) => w.some((x, k) => x !== onlineBefore[i]?.[k])).length).toBeGreaterThan(online.length / 2);
    const t32 = Math.fround(tau), u32 = Math.fround(1 - tau);
    online.forEach((w, i) => {
      const old = targetBefore[i] as Float32Array;
      expect(Array.from(target[i] as Float32Array)).toEqual(Array.from(w, (x, k) => Math.fround(Math.fround(x * t32) + Math.fround((old[k] as number) * u32))));
    });
    agent.dispose();
  });

  test('the same seed twice gives identical actions and losses', async () => {
    const a = await make(variant, new CooperativeTargets(3, 10), FAST, 7);
    const b = await make(variant, new CooperativeTargets(3, 10), FAST, 7);
    const ra = await run(a, 30, 5), rb = await run(b, 30, 5);
    expect(ra.actions).toEqual(rb.actions);
    expect(ra.losses).toEqual(rb.losses);
    expect(ra.losses.filter((l) => l !== null).length).toBeGreaterThan(15);
    a.dispose();
    b.dispose();
  });

  test('save → load gives identical greedy actions, targets, optimizer state and counters', async () => {
    const dir = mkdtempSync(join(tmpdir(), `faasgym-${variant}-`));
    try {
      const env = new CooperativeTargets(3, 10);
      const agent = await make(variant, env, FAST, 4);
      await run(agent, 30, 6);
      await agent.save(dir);
      const copy = await make(variant, env, FAST, 99);
      await copy.load(dir);
      const obs = (await env.reset({ seed: 8 })).obs;
      expect(await copy.act(obs, { explore: false })).toEqual(await agent.act(obs, { explore: false }));
      expect(snapshot(copy.variables('target'))).toEqual(snapshot(agent.variables('target')));
      expect(copy.optimizerStates()).toEqual(agent.optimizerStates());
      expect([copy.numTimesteps, copy.numGradientSteps]).toEqual([agent.numTimesteps, agent.numGradientSteps]);
      expect(await copy.act(obs, { explore: true })).toEqual(await agent.act(obs, { explore: true }));
      const other = await make(variant, env, { ...FAST, hidden: [8] }, 4);
      await expect(other.load(dir)).rejects.toThrow('checkpoint has hidden [32,32], this agent [8]');
      for (const x of [agent, copy, other]) x.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('learns the cooperative targets: clearly beats random play within 500 steps', async () => {
    const env = new CooperativeTargets(3, 10);
    const agent = await make(variant, env, { hidden: [32, 32], learningStarts: 50 }, 0);
    const rng = new Rng(1);
    const random = { ...agent, kind: 'multi', act: async (obs: Record<string, unknown>) => Object.fromEntries(Object.keys(obs).map((id) => [id, [rng.uniform(-1, 1)]])) };
    const randomScore = (await evaluate(new CooperativeTargets(3, 10), random as unknown as MultiAgentActorCritic, { episodes: 10 })).meanReturn / 10;
    await train({ env, agent, steps: 500, seed: 1 });
    const score = (await evaluate(new CooperativeTargets(3, 10), agent, { episodes: 20 })).meanReturn / 10; // per step
    expect(randomScore).toBeLessThan(-0.4); // uniform play: ≈ −0.5 per step
    expect(score).toBeGreaterThan(-0.2);
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

  test.each([
    ['maddpg', 'per-agent', {}],
    ['maddpg', 'shared, with agent ids and output regularisation', { shareParameters: true, agentIds: true, actionRegularization: 0.01 }],
    ['meanfield', 'shared', {}],
    ['meanfield', 'per-agent, tanh', { shareParameters: false, activation: 'tanh' }],
    ['attmf', 'shared', {}],
    ['attmf', 'per-agent, with agent ids, elu', { shareParameters: false, agentIds: true, activation: 'elu' }],
  ] as [Variant, string, Record<string, unknown>][])('%s (%s): losses and gradients equal the tfjs autodiff reference on the same weights and batch', async (variant, _what, extra) => {
    const agent = await make(variant, new CooperativeTargets(3, 10), { ...FAST, ...extra, learningStarts: 0 }, 5);
    await run(agent, 30, 1); // targets drift away from the online networks
    const batch = agent.sampleBatch(Int32Array.from({ length: 20 }, (_, k) => (k * 7) % 30));
    const before = tf.memory().numTensors;
    const fast = { critic: agent.criticGradients(batch, 'fast'), actor: agent.actorGradients(batch, 'fast'), grads: agent.lastGradients() };
    const ref = { critic: agent.criticGradients(batch, 'reference'), actor: agent.actorGradients(batch, 'reference'), grads: agent.lastGradients() };
    expect(tf.memory().numTensors).toBe(before);
    expect(Math.abs(fast.critic - ref.critic)).toBeLessThan(1e-5 * Math.max(1, Math.abs(ref.critic)));
    expect(Math.abs(fast.actor - ref.actor)).toBeLessThan(1e-5 * Math.max(1, Math.abs(ref.actor)));
    expect(worstRelative(fast.grads.critic, ref.grads.critic)).toBeLessThan(1e-4);
    expect(worstRelative(fast.grads.actor, ref.grads.actor)).toBeLessThan(1e-4);
    agent.dispose();
  });

  test.each(['maddpg', 'meanfield', 'attmf'] as const)('%s with padded agents of different sizes: the two paths agree', async (variant) => {
    const agent = await make(variant, new Hetero(), { ...FAST, learningStarts: 0, agentIds: true }, 2);
    const env = new Hetero();
    let obs = (await env.reset({ seed: 3 })).obs;
    for (let i = 0; i < 25; i++) {
      const a = await agent.act(obs, { explore: true });
      const r = await env.step(a);
      agent.observe({ obs, actions: a, rewards: r.rewards, nextObs: r.obs, terminations: r.terminations, truncations: r.truncations, infos: r.infos, state: env.state(), nextState: env.state() });
      await agent.update();
      obs = r.obs;
    }
    const batch = agent.sampleBatch(Int32Array.from({ length: 16 }, (_, k) => k));
    const fast = { critic: agent.criticGradients(batch, 'fast'), actor: agent.actorGradients(batch, 'fast'), grads: agent.lastGradients() };
    const ref = { critic: agent.criticGradients(batch, 'reference'), actor: agent.actorGradients(batch, 'reference'), grads: agent.lastGradients() };
    expect(fast.critic).toBeCloseTo(ref.critic, 4);
    expect(fast.actor).toBeCloseTo(ref.actor, 4);
    expect(worstRelative(fast.grads.critic, ref.grads.critic)).toBeLessThan(1e-4);
    expect(worstRelative(fast.grads.actor, ref.grads.actor)).toBeLessThan(1e-4);
    // Acting: the fast policy is the reference one.
    const fastActions = agent.policyActions(obs);
    agent.fastPath = false;
    const refActions = agent.policyActions(obs);
    fastActions.forEach((x, i) => expect(x).toBeCloseTo(refActions[i] as number, 5));
    agent.dispose();
  });
});
