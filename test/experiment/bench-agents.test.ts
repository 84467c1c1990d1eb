/**
 * `faasgym bench agents` (src/experiment/bench/): the statistics, the report's
 * shape and arithmetic, that every row times the registered agent, and the
 * paths without PyTorch. Nothing here is timed: step counts are tiny.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAgentBench, type AgentBenchReport, type LearnerRow } from '../../src/experiment/bench/agents.js';
import { BENCH_LEARNERS, setupLearner } from '../../src/experiment/bench/learners.js';
import { computeRatios, median, quantile } from '../../src/experiment/bench/stats.js';
import { defaultTorchPython } from '../../src/experiment/bench/torch-process.js';
import { initTf, tf } from '../../src/nn/tf.js';

beforeAll(async () => {
  await initTf({ quiet: true });
});

const python = defaultTorchPython();
const pythonRuns = spawnSync(python, ['--version']).status === 0;
const torchImports = pythonRuns && spawnSync(python, ['-c', 'import torch']).status === 0;
const TINY = { steps: 2, actions: 3, rounds: 2, warmup: 1, replay: 200 };

describe('statistics and ratios', () => {
  test('nearest-rank quantiles and medians', () => {
    const v = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(quantile(v, 0.5)).toBe(5);
    expect(quantile(v, 0.99)).toBe(10);
    expect(quantile(v, 0)).toBe(1);
    expect(quantile([], 0.5)).toBeNaN();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([NaN, 1])).toBe(1);
  });

  test('throughput is ours ÷ torch, latency torch ÷ ours; null without torch', () => {
    const ours = { trainStepsPerSecond: 300, actionLatencyUs: { median: 20, p99: 80 }, actionAfterUpdateUs: 120 };
    const torch = { trainStepsPerSecond: 150, actionLatencyUs: { median: 40, p99: 40 }, actionAfterUpdateUs: 60 };
    expect(computeRatios(ours, torch)).toEqual({ train: 2, actionMedian: 2, actionP99: 0.5, actionAfterUpdate: 0.5 });
    expect(computeRatios(ours, null)).toEqual({ train: null, actionMedian: null, actionP99: null, actionAfterUpdate: null });
    expect(computeRatios(ours, { trainStepsPerSecond: 0, actionLatencyUs: { median: 3, p99: 3 } }).train).toBeNull();
  });
});

describe('the learners timed are the registered agents', () => {
  test.each([...BENCH_LEARNERS])('%s: update() trains (weights move), act() answers, nothing leaks', async (name) => {
    const setup = await setupLearner(name, 0, 200);
    try {
      expect(await setup.contender.trainStep()).not.toBeNull(); // one gradient step per update() call
      await setup.contender.act(); // warm-up: cached weight views, twice (acting and training keep their own)
      await setup.contender.trainStep();
      await setup.contender.act();
      const before = tf.memory().numTensors;
      const varsBefore = tf.engine().state.numDataBuffers;
      expect(await setup.contender.trainStep()).not.toBeNull();
      await setup.contender.act();
      expect(tf.memory().numTensors).toBe(before);
      expect(tf.engine().state.numDataBuffers).toBe(varsBefore);
      expect(setup.torchSpec).not.toBeNull();
    } finally {
      setup.dispose();
    }
  });

  test('unknown learners are refused by name', async () => {
    await expect(runAgentBench({ ...TINY, learners: ['dqn', 'sarsa'], python: null })).rejects.toThrow('bench agents: unknown learner "sarsa" (known: dqn, ddpg, maddpg, meanfield, attmf, ppo, ppo-rank)');
  });
});

function expectLatency(l: { median: number; p99: number }): void {
  expect(l.median).toBeGreaterThan(0);
  expect(l.p99).toBeGreaterThanOrEqual(l.median);
}

function expectRow(row: LearnerRow): void {
  expect(row.trainStepsPerSecond).toBeGreaterThan(0);
  expectLatency(row.actionLatencyUs);
  expect(row.actionAfterUpdateUs).toBeGreaterThan(0);
  expect(row.rounds).toHaveLength(2);
}

function expectShape(r: AgentBenchReport, learners: string[]): void {
  expect(r.benchmark).toBe('agents');
  expect(['wasm', 'tensorflow', 'cpu']).toContain(r.backend);
  expect(r.threads).toBeGreaterThanOrEqual(1);
  expect(r.learners.map((x) => x.learner)).toEqual(learners);
  for (const row of r.learners) expectRow(row);
  expect(r.notes.length).toBeGreaterThan(0);
  expect(JSON.parse(JSON.stringify(r))).toEqual(r);
}

describe('runAgentBench (tiny step counts)', () => {
  test('without PyTorch: each row says why, ratios are null', async () => {
    // A python whose `import torch` fails: a torch.py that raises ImportError, first on PYTHONPATH.
    const dir = mkdtempSync(join(tmpdir(), 'faasgym-notorch-'));
    try {
      writeFileSync(join(dir, 'torch.py'), 'raise ImportError("torch hidden by the test")\n');
      const r = await runAgentBench({ ...TINY, learners: ['meanfield'], pythonEnv: { PYTHONPATH: dir } });
      expectShape(r, ['meanfield']);
      expect(r.torch.available).toBe(false);
      if (!r.torch.available) expect(r.torch.reason).toMatch(pythonRuns ? /torch hidden by the test/ : /cannot run/);
      const row = r.learners[0] as LearnerRow;
      expect(row.torch).toEqual({ available: false, reason: expect.stringMatching(/\S/) });
      expect(row.ratios).toEqual({ train: null, actionMedian: null, actionP99: null, actionAfterUpdate: null });
      expect(row.rounds.every((x) => x.torch === null)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an interpreter that cannot be started is a reason, not an error; the end-to-end row compares with the random policy', async () => {
    const r = await runAgentBench({ ...TINY, learners: ['ddpg'], endToEndSteps: 12, python: join(tmpdir(), 'no-such-python-for-faasgym') });
    expectShape(r, ['ddpg']);
    expect(r.torch).toEqual({ available: false, reason: expect.stringMatching(/cannot run .*no-such-python-for-faasgym/) });
    expect(r.endToEnd).toHaveLength(1);
    const e = r.endToEnd[0];
    expect(e).toMatchObject({ learner: 'ddpg', env: 'FaaSConf-Sequential-v0', steps: 12, learningStarts: 1 });
    expect(e?.trainStepsPerSecond).toBeGreaterThan(0);
    expect(e?.randomPolicyStepsPerSecond).toBeGreaterThan(0);
    expect(e?.learnerShare).toBeCloseTo(1 - (e?.trainStepsPerSecond as number) / (e?.randomPolicyStepsPerSecond as number), 2);
  });

  test("with this machine's python: PyTorch measured for every learner that has a reference, ratios from the medians", async () => {
    const r = await runAgentBench({ ...TINY, learners: ['dqn', 'attmf', 'ppo', 'ppo-rank'], python });
    expectShape(r, ['dqn', 'attmf', 'ppo', 'ppo-rank']);
    expect(r.torch.available).toBe(torchImports);
    if (!r.torch.available) return;
    expect(r.torch.blas.kind).toMatch(/\S/);
    for (const row of r.learners) {
      if ('available' in row.torch) throw new Error(`no torch numbers for ${row.learner}: ${row.torch.reason}`);
      expect(row.torch.trainStepsPerSecond).toBeGreaterThan(0);
      expectLatency(row.torch.actionLatencyUs);
      expect(row.ratios.train).toBeCloseTo(row.trainStepsPerSecond / row.torch.trainStepsPerSecond, 2);
      expect(row.ratios.actionMedian).toBeCloseTo(row.torch.actionLatencyUs.median / row.actionLatencyUs.median, 2);
      expect(row.ratios.actionAfterUpdate).toBeCloseTo(row.torch.actionAfterUpdateUs / row.actionAfterUpdateUs, 2);
      expect(row.rounds.every((x) => x.torch !== null && x.torch.trainStepsPerSecond > 0)).toBe(true);
    }
  });
});
