/**
 * A training run that dies after a checkpoint and is resumed ends exactly
 * where an uninterrupted run does: same final weights, optimiser state, replay
 * buffer (byte-identical weight files), same metrics rows. The crash is
 * simulated in-process here (an exception after step `crashAt`); the CLI test
 * kills a real process with SIGKILL.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../../agents/index.js';
import { getAgentFactory } from '../../agents/registry.js';
import { initTf } from '../../src/nn/tf.js';
import { readCheckpointManifest } from '../../src/nn/checkpoint.js';
import { make } from '../../src/registry/index.js';
import { train, type TrainOptions } from '../../src/experiment/train.js';

let dir: string;
beforeAll(async () => {
  await initTf({ quiet: true });
  dir = mkdtempSync(join(tmpdir(), 'faasgym-resume-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Metrics rows without their wall-clock field. */
function rows(out: string): unknown[] {
  return readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => {
    const r = JSON.parse(l) as Record<string, unknown>;
    delete r.wallSeconds;
    return r;
  });
}

interface Case {
  agent: string;
  env: string;
  envConfig?: Record<string, unknown>;
  options: Record<string, unknown>;
  steps: number;
  checkpointEvery: number;
  crashAt: number;
  evalEvery?: number;
}

async function run(c: Case, out: string, extra: Partial<TrainOptions>): Promise<void> {
  const env = make(c.env, c.envConfig);
  const evalEnv = c.evalEvery ? make(c.env, c.envConfig) : undefined;
  const agent = await getAgentFactory(c.agent).create(env, c.options, 3);
  try {
    await train({ env, agent, steps: c.steps, seed: 5, out, checkpointEvery: c.checkpointEvery, progressEvery: 1, ...(evalEnv ? { evalEnv, evalEvery: c.evalEvery as number, evalEpisodes: 1 } : {}), ...extra });
  } finally {
    agent.dispose();
    await env.close();
    await evalEnv?.close();
  }
}

/** Train uninterrupted; train again, crash after `crashAt`, resume; compare. */
async function expectResumeMatches(name: string, c: Case): Promise<void> {
  const whole = join(dir, `${name}-whole`), broken = join(dir, `${name}-broken`);
  await run(c, whole, {});
  await expect(run(c, broken, { onProgress: (p) => { if (p.step === c.crashAt) throw new Error('simulated crash'); } })).rejects.toThrow('simulated crash');
  const saved = readCheckpointManifest(join(broken, 'checkpoint')).manifest.training as { step: number };
  expect(saved.step).toBe(Math.floor(c.crashAt / c.checkpointEvery) * c.checkpointEvery);
  await run(c, broken, { resume: true });
  const a = readCheckpointManifest(join(whole, 'checkpoint')).manifest;
  const b = readCheckpointManifest(join(broken, 'checkpoint')).manifest;
  expect(b.extra).toEqual(a.extra); // counters and Rng states (SES: its records and bands)
  // A wrapper (SES) keeps the learner's checkpoint in inner/.
  const inner = existsSync(join(whole, 'checkpoint', 'inner'));
  const ai = inner ? readCheckpointManifest(join(whole, 'checkpoint', 'inner')).manifest : a;
  const bi = inner ? readCheckpointManifest(join(broken, 'checkpoint', 'inner')).manifest : b;
  if (c.agent !== 'stepconf') expect(Object.keys(bi.files ?? {}).length).toBeGreaterThan(0); // stepconf holds no tensors
  expect(bi.files).toEqual(ai.files); // every weight, optimiser and replay file, by SHA-256
  expect(bi.extra).toEqual(ai.extra);
  expect(rows(broken)).toEqual(rows(whole));
}

test('a fresh run refuses an out directory that holds a run; overwrite replaces it', async () => {
  const c: Case = { agent: 'dqn', env: 'CartPole-v1', options: { hidden: [8], learningStarts: 10, batchSize: 8, totalSteps: 30 }, steps: 30, checkpointEvery: 0, crashAt: 0 };
  const out = join(dir, 'refuse');
  await run(c, out, {});
  const before = readFileSync(join(out, 'metrics.jsonl'), 'utf8');
  await expect(run(c, out, {})).rejects.toThrow(`train: "${out}" already holds a run (metrics.jsonl, checkpoint); resume it or overwrite it explicitly`);
  expect(readFileSync(join(out, 'metrics.jsonl'), 'utf8')).toBe(before);
  await expect(run(c, out, { resume: true })).rejects.toThrow(`train: the run in "${out}" already finished (30 steps); nothing to resume (overwrite it to train again)`);
  writeFileSync(join(out, 'metrics.jsonl'), 'x');
  await run(c, out, { overwrite: true });
  expect(rows(out)).toEqual(before.trim().split('\n').map((l) => {
    const r = JSON.parse(l) as Record<string, unknown>;
    delete r.wallSeconds;
    return r;
  }));
}, 60_000);

test('dqn on CartPole resumes mid-episode to the same weights, Adam state, replay buffer and metrics', async () => {
  await expectResumeMatches('dqn', {
    agent: 'dqn', env: 'CartPole-v1', steps: 400, checkpointEvery: 100, crashAt: 250, evalEvery: 200,
    options: { hidden: [16], learningStarts: 50, batchSize: 16, totalSteps: 400, targetUpdateInterval: 50, prioritizedReplay: true },
  });
}, 120_000);

const SMALL_AC = { hidden: [16], batchSize: 8, learningStarts: 20, bufferSize: 500 };

test('ddpg on Pendulum resumes to the same actor, critic, targets, Adam states, noise, replay and metrics', async () => {
  await expectResumeMatches('ddpg', { agent: 'ddpg', env: 'Pendulum-v1', steps: 300, checkpointEvery: 100, crashAt: 170, options: SMALL_AC });
}, 120_000);

// Episodes are 60 windows: the checkpoint at 70 is inside the second episode, which began with an unseeded reset (its Rng state is restored).
test.each(['maddpg', 'meanfield', 'attmf'])('%s on FaaSConf-Sequential resumes to the same networks, replay and metrics', async (agent) => {
  await expectResumeMatches(agent, { agent, env: 'FaaSConf-Sequential-v0', steps: 130, checkpointEvery: 70, crashAt: 100, options: SMALL_AC });
}, 180_000);

test('ppo on CartPole resumes mid-rollout to the same weights, AdamW state, rollout and metrics', async () => {
  await expectResumeMatches('ppo', { agent: 'ppo', env: 'CartPole-v1', steps: 300, checkpointEvery: 100, crashAt: 150, options: { nSteps: 64, minibatches: 2, epochs: 2, hidden: [16] } });
}, 120_000);

test('ppo score-rank-select on FaaSRank resumes to the same weights and metrics', async () => {
  await expectResumeMatches('ppo-rank', { agent: 'ppo', env: 'FaaSRank-v0', steps: 400, checkpointEvery: 150, crashAt: 200, options: { policy: 'rank', normalizeRewards: true } });
}, 180_000);

test.each(['attmf+ses', 'ses'])('%s on FaaSConf-Sequential resumes to the same learner, SES records and metrics', async (agent) => {
  const options = agent === 'ses' ? { inner: 'ddpg', innerOptions: SMALL_AC, refreshEvery: 10, minBandRecords: 5 } : { ...SMALL_AC, refreshEvery: 10, minBandRecords: 5 };
  await expectResumeMatches(agent.replace('+', '-'), { agent, env: 'FaaSConf-Sequential-v0', steps: 90, checkpointEvery: 30, crashAt: 50, options });
}, 180_000);

test('stepconf (which does not learn online) resumes mid-episode to the same decisions and metrics', async () => {
  await expectResumeMatches('stepconf', { agent: 'stepconf', env: 'StepConf-ML-v0', steps: 40, checkpointEvery: 15, crashAt: 20, options: {} });
}, 180_000);
