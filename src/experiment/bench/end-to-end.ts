/**
 * The end-to-end row of `faasgym bench agents`: environment steps per second
 * of `train` (acting, observing and learning, as `faasgym train` runs it) for
 * each learner on its paper environment, next to the same environment driven
 * by the `random` agent, so the learner's share of the wall time shows.
 */
import type { AnyEnv } from '../../core/env.js';
import { make } from '../../registry/index.js';
import { getAgentFactory } from '../../../agents/index.js';
import { train } from '../train.js';
import { round3 } from './stats.js';

/** Each learner's paper environment (DQN: Darly's; DDPG: FaaSConf's Firm baseline; PPO: FaaSRank's score-rank-select). */
export const PAPER_ENVS: Readonly<Record<string, string>> = Object.freeze({
  dqn: 'Darly-Profile-v0',
  ddpg: 'FaaSConf-Sequential-v0',
  maddpg: 'FaaSConf-Sequential-v0',
  meanfield: 'FaaSConf-Sequential-v0',
  attmf: 'FaaSConf-Sequential-v0',
  ppo: 'FaaSRank-v0',
});

export interface EndToEndRow {
  learner: string;
  env: string;
  /** Environment steps trained (the first `learningStarts` of them with random actions). */
  steps: number;
  learningStarts: number | null;
  trainStepsPerSecond: number;
  /** The same environment and step count with the `random` agent. */
  randomPolicyStepsPerSecond: number;
  /** 1 − train ÷ random: the share of the wall time the learner takes. */
  learnerShare: number;
}

async function stepsPerSecond(envId: string, agentName: string, options: Record<string, unknown>, steps: number, seed: number): Promise<number> {
  const env = make(envId) as AnyEnv;
  const agent = await getAgentFactory(agentName).create(env, options, seed);
  try {
    const r = await train({ env, agent, steps, seed, progressEvery: 0 });
    return r.steps / Math.max(1e-9, r.wallSeconds);
  } finally {
    agent.dispose?.();
    await env.close();
  }
}

/** Train each learner for `steps` environment steps (learning from step `learningStarts`), and the random policy alike. */
export async function runEndToEnd(learners: readonly string[], steps: number, seed: number, onProgress: (line: string) => void): Promise<EndToEndRow[]> {
  const rows: EndToEndRow[] = [];
  const learningStarts = Math.max(1, Math.floor(steps / 10));
  for (const learner of learners) {
    const envId = PAPER_ENVS[learner];
    if (!envId) continue;
    // PPO has no learningStarts: it learns after every rollout from the start.
    const options = learner === 'ppo' ? {} : { learningStarts };
    const random = await stepsPerSecond(envId, 'random', {}, steps, seed);
    const ours = await stepsPerSecond(envId, learner, options, steps, seed);
    rows.push({
      learner, env: envId, steps, learningStarts: learner === 'ppo' ? null : learningStarts,
      trainStepsPerSecond: round3(ours), randomPolicyStepsPerSecond: round3(random), learnerShare: round3(1 - ours / random),
    });
    onProgress(`bench agents: end to end: ${learner} on ${envId}: ${ours.toFixed(0)} steps/s training, ${random.toFixed(0)} random`);
  }
  return rows;
}
