/**
 * The learners `faasgym bench agents` times: each one the REGISTERED agent
 * (`getAgentFactory(name).create`), built on the spaces of its paper
 * environment, its replay filled with random transitions, one update per
 * `update()` call (trainFreq 1, gradientSteps 1, learning already started),
 * and the sizes and hyperparameters the PyTorch reference
 * (bench/torch_agents_bench.py) builds the same networks and update from.
 */
import type { AnyEnv, Env, ParallelEnv } from '../../core/env.js';
import { Rng } from '../../core/rng.js';
import { CentralizedEnv } from '../../core/wrappers/centralized-env.js';
import { make } from '../../registry/index.js';
import { Box } from '../../spaces/box.js';
import { Discrete } from '../../spaces/discrete.js';
import type { Agent } from '../../../agents/agent.js';
import { getAgentFactory } from '../../../agents/index.js';
import type { Contender } from './stats.js';

/** One row per learner, in this order. */
export const BENCH_LEARNERS = ['dqn', 'ddpg', 'maddpg', 'meanfield', 'attmf', 'ppo', 'ppo-rank'] as const;
export type BenchLearner = (typeof BENCH_LEARNERS)[number];

/** Darly's DQN (§4.5, /work/shared/data/paper-numbers.json darly_nodes_table1.dqn) and SB3's update. */
export const DQN_BENCH_CONFIG = Object.freeze({
  obsDim: 35,
  hidden: Object.freeze([256, 128, 64]) as readonly number[],
  actions: 15,
  batchSize: 32,
  learningRate: 0.0025,
  gamma: 0.99,
  maxGradNorm: 10,
  loss: 'huber' as const,
  replaySize: 10_000,
});

/** The environment whose spaces the actor-critic rows use: FaaSConf's five-function chain (paper 000; DDPG is its Firm baseline). */
export const FAASCONF_BENCH_ENV = 'FaaSConf-Sequential-v0';

export interface LearnerSetup {
  name: BenchLearner;
  /** Where the spaces come from. */
  env: string;
  /** The network and update, as the report shows them. */
  network: Record<string, unknown>;
  contender: Contender;
  /** What bench/torch_agents_bench.py builds; null: no PyTorch reference (`torchMissing` says why). */
  torchSpec: Record<string, unknown> | null;
  torchMissing?: string;
  dispose(): void;
}

/** Build learner `name` as registered, its replay filled with `fill` random transitions (random actions: `act` explores before `learningStarts`), ready to time. */
export async function setupLearner(name: BenchLearner, seed: number, fill: number = DQN_BENCH_CONFIG.replaySize): Promise<LearnerSetup> {
  const rng = new Rng(seed + 7);
  if (name === 'dqn') return setupDqn(seed, rng, fill);
  if (name === 'ppo' || name === 'ppo-rank') return setupPpo(name, seed);
  const env = make(FAASCONF_BENCH_ENV) as AnyEnv;
  if (name === 'ddpg') return setupDdpg(env, seed, rng, fill);
  return setupMarl(name, env as ParallelEnv<string, unknown, unknown>, seed, rng, fill);
}

const noisy = (row: ArrayLike<number>, rng: Rng): number[] => Array.from(row, (x) => x + rng.uniform(-0.1, 0.1));

async function setupDqn(seed: number, rng: Rng, fill: number): Promise<LearnerSetup> {
  const c = DQN_BENCH_CONFIG;
  // Darly's observation (35 numbers) and action (15 choices) sizes.
  const env = { observationSpace: new Box({ low: -1, high: 1, shape: [c.obsDim] }), actionSpace: new Discrete(c.actions) } as unknown as AnyEnv;
  const agent = (await getAgentFactory('dqn').create(env, {
    hidden: [...c.hidden], learningRate: c.learningRate, batchSize: c.batchSize, gamma: c.gamma, loss: c.loss, maxGradNorm: c.maxGradNorm,
    bufferSize: c.replaySize, totalSteps: c.replaySize, learningStarts: 0, trainFreq: 1, gradientSteps: 1, targetUpdateInterval: 1_000_000_000, // never within a benchmark (the option's upper bound)
  }, seed)) as Agent;
  const row = (): number[] => Array.from({ length: c.obsDim }, () => rng.uniform(-1, 1));
  for (let i = 0; i < fill; i++) {
    agent.observe({ obs: row(), action: rng.integer(0, c.actions), reward: rng.uniform(-1, 1), nextObs: row(), terminated: rng.random() < 0.05, truncated: false, info: {} });
  }
  const obs = row();
  return {
    name: 'dqn',
    env: 'Darly §4.5 sizes (35 observations, 15 actions)',
    network: { layers: [c.obsDim, ...c.hidden, c.actions], batchSize: c.batchSize, optimizer: 'Adam', learningRate: c.learningRate, gamma: c.gamma, loss: 'huber', maxGradNorm: c.maxGradNorm, replay: c.replaySize },
    contender: { trainStep: () => agent.update(), act: () => agent.act(obs, { explore: false }) },
    torchSpec: { kind: 'dqn', obs: c.obsDim, hidden: [...c.hidden], actions: c.actions, batch: c.batchSize, lr: c.learningRate, gamma: c.gamma, maxGradNorm: c.maxGradNorm },
    dispose: () => agent.dispose?.(),
  };
}

async function setupDdpg(env: AnyEnv, seed: number, rng: Rng, fill: number): Promise<LearnerSetup> {
  const agent = (await getAgentFactory('ddpg').create(env, { learningStarts: fill, trainFreq: 1, gradientSteps: 1 }, seed)) as Agent & { observationDim: number; actionDim: number; hyperparameters: Record<string, unknown> };
  const view = new CentralizedEnv(env as ParallelEnv<string, unknown, unknown>) as unknown as Env<number[], number[]>;
  const start = (await view.reset({ seed })).obs;
  for (let i = 0; i <= fill; i++) {
    const obs = noisy(start, rng);
    agent.observe({ obs, action: await agent.act(obs, { explore: true }), reward: rng.uniform(-1, 1), nextObs: noisy(start, rng), terminated: rng.random() < 0.05, truncated: false, info: {} });
  }
  const hp = agent.hyperparameters;
  const obs = noisy(start, rng);
  return {
    name: 'ddpg',
    env: `${FAASCONF_BENCH_ENV} (centralised: all functions' observations and actions)`,
    network: { actor: [agent.observationDim, ...(hp.hidden as number[]), agent.actionDim], critic: [agent.observationDim + agent.actionDim, ...(hp.hidden as number[]), 1], batchSize: hp.batchSize, optimizer: 'Adam', tau: hp.tau, gamma: hp.gamma },
    contender: { trainStep: () => agent.update(), act: () => agent.act(obs, { explore: false }) },
    torchSpec: { kind: 'ddpg', obs: agent.observationDim, act: agent.actionDim, hidden: hp.hidden, activation: hp.activation, batch: hp.batchSize, lrActor: hp.actorLearningRate, lrCritic: hp.criticLearningRate, gamma: hp.gamma, tau: hp.tau, maxGradNorm: hp.maxGradNorm },
    dispose: () => agent.dispose?.(),
  };
}

type MarlAgent = Agent & { agentIds: readonly string[]; obsDim: number; actionDim: number; globalStateDim: number; adjacency: number[][]; hyperparameters: Record<string, unknown> };

async function setupMarl(name: 'maddpg' | 'meanfield' | 'attmf', env: ParallelEnv<string, unknown, unknown>, seed: number, rng: Rng, fill: number): Promise<LearnerSetup> {
  const agent = (await getAgentFactory(name).create(env, { learningStarts: fill, trainFreq: 1, gradientSteps: 1 }, seed)) as MarlAgent;
  const start = (await env.reset({ seed })).obs as Record<string, number[]>;
  const state = agent.globalStateDim > 0 ? env.state?.() : undefined;
  const record = (): Record<string, number[]> => Object.fromEntries(Object.entries(start).map(([id, o]) => [id, noisy(o, rng)]));
  const ids = agent.agentIds;
  for (let i = 0; i <= fill; i++) {
    const obs = record();
    const actions = (await agent.act(obs, { explore: true })) as Record<string, number[]>;
    const flags = Object.fromEntries(ids.map((id) => [id, false]));
    agent.observe({
      obs, actions, rewards: Object.fromEntries(ids.map((id) => [id, rng.uniform(-1, 1)])), nextObs: record(), terminations: flags, truncations: flags,
      infos: Object.fromEntries(ids.map((id) => [id, {}])), ...(state ? { state, nextState: state } : {}),
    });
  }
  const hp = agent.hyperparameters;
  const obs = record();
  const N = ids.length, D = agent.obsDim, M = agent.actionDim, G = agent.globalStateDim;
  const criticIn = name === 'maddpg' ? (G > 0 ? G : N * D) + N * M : name === 'meanfield' ? D + 2 * M : 2 * D + 2 * M;
  return {
    name,
    env: FAASCONF_BENCH_ENV,
    network: {
      agents: N, shared: hp.shareParameters, actor: [name === 'attmf' ? 2 * D : D, ...(hp.hidden as number[]), M], critic: [criticIn, ...(hp.hidden as number[]), 1],
      ...(name === 'attmf' ? { attentionDim: hp.attentionDim } : {}), batchSize: hp.batchSize, optimizer: 'Adam', maxGradNorm: hp.maxGradNorm, tau: hp.tau, gamma: hp.gamma,
    },
    contender: { trainStep: () => agent.update(), act: () => agent.act(obs, { explore: false }) },
    torchSpec: hp.agentIds ? null : {
      kind: 'marl', variant: name, agents: N, obs: D, act: M, globalState: G, hidden: hp.hidden, activation: hp.activation, batch: hp.batchSize,
      lrActor: hp.actorLearningRate, lrCritic: hp.criticLearningRate, gamma: hp.gamma, tau: hp.tau, maxGradNorm: hp.maxGradNorm,
      shared: hp.shareParameters, attentionDim: hp.attentionDim ?? 1, adjacency: agent.adjacency,
    },
    ...(hp.agentIds ? { torchMissing: 'agentIds is on: the PyTorch reference has no agent-id inputs' } : {}),
    dispose: () => agent.dispose?.(),
  };
}

/** The PPO rows: CartPole-v1 with CleanRL's defaults (MLP policy), and FaaSRank-v0's sizes with score-rank-select's (003 §V-B). */
export const PPO_BENCH_CONFIG = Object.freeze({
  /** FaaSRank updates after each episode; the benchmark fixes the rollout at this many steps so that both sides update on the same batch. */
  rankRollout: 128,
  /** Valid candidate rows of the FaaSRank rollout (its default 10 invokers in 16 padded rows). */
  rankValidRows: 10,
});

type PpoAgent = Agent & { options: Record<string, unknown>; buffer: { snapshot(): unknown; restore(steps: unknown, where: string): void; size: number }; rolloutReady: boolean; policy: { kind: string; obsDim: number; describe(): Record<string, unknown> } };

/**
 * One update() of PPO is one whole rollout's update (GAE, then epochs ×
 * minibatches gradient steps): the rollout is collected once (act and observe
 * on the environment, untimed), and each timed update() runs on it again
 * (restored from its snapshot first, which the timing includes: a few µs).
 */
async function setupPpo(name: 'ppo' | 'ppo-rank', seed: number): Promise<LearnerSetup> {
  const rank = name === 'ppo-rank';
  const env = (rank ? make('FaaSRank-v0', { invokers: PPO_BENCH_CONFIG.rankValidRows }) : make('CartPole-v1')) as Env<number[], number>;
  const agent = (await getAgentFactory('ppo').create(env, rank ? { policy: 'rank', rolloutEpisodes: 0, nSteps: PPO_BENCH_CONFIG.rankRollout } : { policy: 'mlp' }, seed)) as PpoAgent;
  let obs = (await env.reset({ seed })).obs;
  while (!agent.rolloutReady) {
    const action = (await agent.act(obs, { explore: true })) as number;
    const r = await env.step(action);
    agent.observe({ obs, action, reward: r.reward, nextObs: r.obs, terminated: r.terminated, truncated: r.truncated, info: r.info });
    obs = r.terminated || r.truncated ? (await env.reset()).obs : r.obs;
  }
  const rollout = agent.buffer.snapshot();
  const o = agent.options;
  const n = agent.buffer.size;
  const layout = rank ? (agent.policy.describe().layout as Record<string, number>) : null;
  await env.close();
  return {
    name,
    env: rank ? `FaaSRank-v0 sizes (${layout?.rows} candidate rows, ${PPO_BENCH_CONFIG.rankValidRows} valid, ${layout?.features} + ${layout?.globalSize} features; a rollout of ${n} steps)` : 'CartPole-v1 (CleanRL defaults)',
    network: {
      policy: rank ? 'score-rank-select: score and baseline networks per candidate, masked softmax' : 'MLP, separate actor and critic (CleanRL)',
      hidden: o.hidden, activation: o.activation, rollout: n, minibatches: o.minibatches, epochs: o.epochs, optimizer: (o.weightDecay as number) > 0 ? 'AdamW' : 'Adam',
      learningRate: o.learningRate, maxGradNorm: o.maxGradNorm, update: 'one whole rollout update (GAE, epochs × minibatches gradient steps)',
    },
    contender: {
      trainStep: () => {
        agent.buffer.restore(rollout, 'bench');
        return agent.update();
      },
      act: () => agent.act(obs, { explore: false }),
    },
    torchSpec: {
      kind: 'ppo', variant: rank ? 'rank' : 'mlp', obs: agent.policy.obsDim, actions: rank ? null : (env.actionSpace as Discrete).n, hidden: o.hidden, activation: o.activation,
      n, minibatches: o.minibatches, epochs: o.epochs, lr: o.learningRate, eps: o.adamEps, weightDecay: o.weightDecay, clip: o.clipCoef, clipValueLoss: o.clipValueLoss,
      entCoef: o.entCoef, vfCoef: o.vfCoef, maxGradNorm: o.maxGradNorm, gamma: o.gamma, gaeLambda: o.gaeLambda, normalizeAdvantages: o.normalizeAdvantages,
      ...(layout ? { ...layout, validRows: PPO_BENCH_CONFIG.rankValidRows } : {}),
    },
    dispose: () => agent.dispose?.(),
  };
}
