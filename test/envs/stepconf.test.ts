/**
 * StepConf-{ML,Video,DAG16}-v0 (001 §3–§5, §7.1): contract, config, reward
 * (§3.5 cost, SLO penalty, Σ rewards identity), the direction of each action
 * dimension, the SLO defaults, profiling and prewarming.
 */
import { readFileSync } from 'node:fs';
import { SimCluster } from '../../src/cluster/sim/sim-cluster.js';
import type { Cluster } from '../../src/cluster/types.js';
import { ConfigError } from '../../src/core/errors.js';
import type { Env } from '../../src/core/env.js';
import { checkEnv } from '../../src/registry/checker.js';
import { makeEnv, registry } from '../../src/registry/index.js';
import { registerBackend } from '../../envs/common/backend.js';
import { schemaTable } from '../../envs/common/config.js';
import {
  FEATURES, STEPCONF_IDS, StepConfEnv, expectedPhases, featureIndex, longestPathsToSink, normalQuantile, profileSamples,
  sloMet, sloPenaltyUsd, stepCostUsd, stepReward, stepconfSchema, workflowGraph, type ProfileSample,
} from '../../envs/stepconf/index.js';

const IDS = Object.values(STEPCONF_IDS);
const STEPS: Record<string, number> = { 'StepConf-ML-v0': 9, 'StepConf-Video-v0': 8, 'StepConf-DAG16-v0': 16 };
const WORKFLOW = { 'StepConf-ML-v0': 'ML', 'StepConf-Video-v0': 'Video', 'StepConf-DAG16-v0': 'DAG16' } as const;

type Info = Record<string, unknown>;
interface Episode { obs: number[][]; rewards: number[]; infos: Info[]; last: Info }

/** Run one episode with a fixed action, or a function of the step number. */
async function episode(env: Env<number[], number[]>, seed: number, action: number[] | ((t: number) => number[])): Promise<Episode> {
  const r = await env.reset({ seed });
  const out: Episode = { obs: [r.obs], rewards: [], infos: [r.info], last: r.info };
  for (let t = 0; ; t++) {
    const s = await env.step(typeof action === 'function' ? action(t) : action);
    out.obs.push(s.obs);
    out.rewards.push(s.reward);
    out.infos.push(s.info);
    if (s.terminated || s.truncated) {
      out.last = s.info;
      return out;
    }
  }
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
const mean = (xs: number[]): number => sum(xs) / xs.length;
const make = (id: string, config: Record<string, unknown> = {}): Env<number[], number[]> => makeEnv<number[], number[]>(id, config);

describe('contract', () => {
  test.each(IDS)('%s passes the checker', async (id) => {
    const report = await checkEnv(make(id) as Env<unknown, unknown>, { steps: 60 });
    expect(report.failed).toEqual([]);
    expect(report.passed).toContain('deterministic');
  });

  test.each(IDS)('%s: spaces, registration, one env.step per workflow step', async (id) => {
    const env = make(id);
    expect(env.actionSpace.toJSON()).toEqual({ type: 'MultiDiscrete', nvec: [5, 7, 3] });
    expect(env.observationSpace.toJSON()).toMatchObject({ type: 'Box', shape: [FEATURES.length], dtype: 'float32' });
    const spec = registry.spec(id);
    expect(spec.maxEpisodeSteps).toBeGreaterThanOrEqual(STEPS[id] as number);
    expect(spec.description).toMatch(/SLO/);
    const ep = await episode(env, 1, [2, 3, 0]);
    expect(ep.rewards).toHaveLength(STEPS[id] as number);
    for (const o of ep.obs) {
      expect(env.observationSpace.contains(o)).toBe(true);
      for (const v of o) expect(Math.fround(v)).toBe(v);
    }
    // every step is reported exactly once, with its phases
    const reports = ep.infos.flatMap((i) => (i.reports ?? []) as Info[]);
    expect(reports.map((r) => r.stage).sort()).toEqual([...new StepConfEnv(WORKFLOW[id as keyof typeof WORKFLOW]).graph.stages].sort());
    for (const r of reports) {
      for (const k of ['mappingDelay', 'download', 'compute', 'upload', 'costUsd']) expect(r[k]).toBeGreaterThanOrEqual(0);
      expect(r).toMatchObject({ memoryMb: 2048, parallelism: 8, failed: 0 });
    }
    expect(ep.last).toMatchObject({ next: null, failed: false });
    expect(typeof ep.last.latency).toBe('number');
    await env.close();
  });

  test('the same seed gives the same episode, another seed another one', async () => {
    const env = make('StepConf-DAG16-v0');
    const policy = (t: number): number[] => [t % 5, (t * 3) % 7, t % 3];
    const a = await episode(env, 7, policy);
    const b = await episode(env, 7, policy);
    expect(b).toEqual(a);
    const c = await episode(env, 8, policy);
    expect(c.rewards).not.toEqual(a.rewards);
    await env.close();
  });
});

describe('config', () => {
  test.each([
    [{ sloSeconds: 0 }, 'StepConf-ML-v0: config.sloSeconds: expected a number in (0, 86400], got 0'],
    [{ memorySizesMb: [64, 1024] }, 'config.memorySizesMb[0]: expected an array of 1 to 64 numbers in [128, 10240], got 64'],
    [{ memorySizesMb: [512, 512] }, 'config.memorySizesMb: expected no value twice, got [512,512]'],
    [{ parallelisms: [1, 2.5] }, 'config.parallelisms[1]: expected an array of 1 to 64 integers in [1, 1000], got 2.5'],
    [{ intraParallelisms: [] }, 'config.intraParallelisms: expected an array of 1 to 64 integers in [1, 64], got []'],
    [{ jobRange: [150, 50] }, 'config.jobRange: expected [low, high] with low <= high, got [150,50]'],
    [{ referenceConfig: [2048, 2.5, 1] }, 'config.referenceConfig: expected [memory MB, p, q] with integer p and q'],
    [{ missPenaltyUsd: -1 }, 'config.missPenaltyUsd: expected a number in [0, 1000], got -1'],
    [{ prewarm: 'yes' }, 'config.prewarm: expected a boolean'],
    [{ backend: { kind: 'nope' } }, 'config.backend.kind "nope" is not available'],
    [{ slo: 3 }, 'StepConf-ML-v0: config.slo: unknown key'],
  ])('%j is refused', (config, message) => {
    expect(() => make('StepConf-ML-v0', config)).toThrow(ConfigError);
    expect(() => make('StepConf-ML-v0', config)).toThrow(message);
  });

  test('the choice sets shape the action space; the SLO default is per workflow', () => {
    const env = new StepConfEnv('Video', { memorySizesMb: [1769, 3538], parallelisms: [1, 40], intraParallelisms: [1] });
    expect(env.actionSpace.nvec).toEqual([2, 2, 1]);
    expect(env.decode([1, 1, 0])).toEqual({ memoryMb: 3538, parallelism: 40, intra: 1 });
    expect(new StepConfEnv('ML').settings.sloSeconds).toBe(25);
    expect(env.settings.sloSeconds).toBe(60);
    expect(new StepConfEnv('DAG16').settings.sloSeconds).toBe(60);
  });

  test('a backend without per-stage decisions is refused with a ConfigError at reset', async () => {
    registerBackend('stepconf-test-no-control', (scenario) => {
      const sim = new SimCluster(scenario);
      const plain: Cluster = {
        nodes: () => sim.nodes(), functions: () => sim.functions(), apply: (c) => sim.apply(c), advance: (w) => sim.advance(w), close: () => sim.close(),
      };
      return plain;
    });
    const env = new StepConfEnv('ML', { backend: { kind: 'stepconf-test-no-control' } });
    await expect(env.reset({ seed: 0 })).rejects.toThrow(ConfigError);
    await expect(env.reset({ seed: 0 })).rejects.toThrow('backend "stepconf-test-no-control" offers no per-stage decisions (Cluster.control)');
    await env.close();
  });

  test('the docs page holds the config table', () => {
    const page = readFileSync(new URL('../../docs/envs/stepconf.md', import.meta.url), 'utf8');
    expect(page).toContain(schemaTable(stepconfSchema('ML')));
    for (const id of IDS) expect(page).toContain(id);
  });
});

describe('reward', () => {
  test('§3.5 step cost c = p·(t·m·μ0 + μ1), by hand', () => {
    // 4 instances of 1.3 s at 3538 MB: 4 × (1.3 × 3.455078125 GB × $0.0000166667 + $0.0000002)
    expect(stepCostUsd({ parallelism: 4, seconds: 1.3, memoryMb: 3538 })).toBeCloseTo(0.00030024070304687507, 15);
    expect(stepCostUsd({ parallelism: 1, seconds: 2.5, memoryMb: 512 })).toBeCloseTo(2.1033375e-5, 15);
  });

  test('terminal SLO penalty and the reward of a step, by hand', () => {
    const w = { missPenaltyUsd: 0.02, latenessPenaltyUsd: 0.02 };
    expect(sloPenaltyUsd({ latency: 25, sloSeconds: 25, failed: false }, w)).toBe(0);
    expect(sloMet({ latency: 25, sloSeconds: 25, failed: false })).toBe(true);
    // 30 s against 25 s: 0.02 + 0.02 × (30 − 25) / 25 = 0.024
    expect(sloPenaltyUsd({ latency: 30, sloSeconds: 25, failed: false }, w)).toBeCloseTo(0.024, 15);
    expect(sloPenaltyUsd({ latency: 10, sloSeconds: 25, failed: true }, w)).toBe(0.02);
    // $0.001 of cost and that penalty, in thousandths of a dollar
    expect(stepReward(0.001, 0.024, 1000)).toBeCloseTo(-25, 12);
    expect(Object.is(stepReward(0, 0, 1000), 0)).toBe(true);
  });

  test('each step pays the cost the cluster billed; p = 1 steps match §3.5 from their phases', async () => {
    const env = make('StepConf-Video-v0');
    const ep = await episode(env, 3, [1, 0, 0]); // 1024 MB, p = 1
    for (let t = 0; t < ep.rewards.length; t++) {
      const info = ep.infos[t + 1] as Info;
      const reports = info.reports as { costUsd: number; download: number; compute: number; upload: number; memoryMb: number }[];
      for (const r of reports) {
        expect(r.costUsd).toBeCloseTo(stepCostUsd({ parallelism: 1, seconds: r.download + r.compute + r.upload, memoryMb: r.memoryMb }), 15);
      }
      const penalty = t === ep.rewards.length - 1 ? (ep.last.penaltyUsd as number) : 0;
      expect(ep.rewards[t]).toBeCloseTo(-1000 * (sum(reports.map((r) => r.costUsd)) + penalty), 12);
    }
    await env.close();
  });

  test.each([
    ['meets', [2, 3, 0]],
    ['misses', [0, 0, 0]],
  ])('Σ rewards = −rewardScale·(total cost + penalty) when the SLO %s', async (what, action) => {
    const env = make('StepConf-ML-v0', { rewardScale: 1 });
    const ep = await episode(env, 5, action);
    const { totalCostUsd, penaltyUsd, sloMet: met, latency } = ep.last as { totalCostUsd: number; penaltyUsd: number; sloMet: boolean; latency: number };
    expect(met).toBe(what === 'meets');
    expect(penaltyUsd).toBeCloseTo(met ? 0 : 0.02 + (0.02 * (latency - 25)) / 25, 15);
    expect(sum(ep.rewards)).toBeCloseTo(-(totalCostUsd + penaltyUsd), 14);
    const billed = ep.infos.flatMap((i) => ((i.reports ?? []) as { costUsd: number }[]).map((r) => r.costUsd));
    expect(sum(billed)).toBeCloseTo(totalCostUsd, 15);
    await env.close();
  });
});

describe('each action dimension moves the outcome the expected way', () => {
  const by = (samples: ProfileSample[], key: 'memoryMb' | 'parallelism' | 'intra', field: 'compute' | 'mappingDelay'): Map<number, number> => {
    const out = new Map<number, number[]>();
    for (const s of samples) out.set(s[key], [...(out.get(s[key]) ?? []), s[field]]);
    return new Map([...out].map(([k, v]) => [k, mean(v)]));
  };

  test('more memory: shorter compute for a CPU-bound single-threaded step, until one vCPU (1769 MB)', async () => {
    const samples = await profileSamples('DAG16', { functions: ['step-04'], memories: [256, 512, 1024, 1769, 2048, 4192, 10240], seed: 1 });
    const c = by(samples, 'memoryMb', 'compute');
    expect(c.get(256)).toBeGreaterThan(c.get(512) as number);
    expect(c.get(512)).toBeGreaterThan(c.get(1024) as number);
    expect(c.get(1024)).toBeGreaterThan(c.get(1769) as number);
    expect(c.get(1769)).toBeCloseTo(40, 9); // class D: 40 s of work on one vCPU
    for (const m of [2048, 4192, 10240]) expect(c.get(m)).toBeCloseTo(c.get(1769) as number, 9);
    // a multi-core step keeps gaining past one vCPU
    const train = by(await profileSamples('ML', { functions: ['ml1-train'], memories: [1769, 4192, 10240], seed: 1 }), 'memoryMb', 'compute');
    expect(train.get(1769)).toBeGreaterThan(train.get(4192) as number);
    expect(train.get(4192)).toBeGreaterThan(train.get(10240) as number);
  });

  test('more parallelism: shorter compute, but more mapping delay past the scale-out burst (40)', async () => {
    const samples = await profileSamples('Video', { functions: ['super-resolution'], memories: [2048], parallelisms: [8, 16, 32, 64], repeats: 4, seed: 2 });
    const compute = by(samples, 'parallelism', 'compute');
    const mapping = by(samples, 'parallelism', 'mappingDelay');
    expect(compute.get(8)).toBeGreaterThan(compute.get(16) as number);
    expect(compute.get(16)).toBeGreaterThan(compute.get(32) as number);
    expect(compute.get(32)).toBeGreaterThan(compute.get(64) as number);
    expect(mapping.get(32)).toBeLessThan(2.5); // below the burst: about one cold start
    expect(mapping.get(64) as number).toBeGreaterThan((mapping.get(32) as number) + 1.5); // 24 instances wait for tokens (5/s)
  });

  test('more intra-function parallelism: shorter compute once an instance has more than one vCPU', async () => {
    const single = await profileSamples('ML', { functions: ['ml1-preprocess'], memories: [1024, 10240], intraParallelisms: [1, 2, 4], seed: 3 });
    const at = (mem: number, q: number): number => (single.find((s) => s.memoryMb === mem && s.intra === q) as ProfileSample).compute;
    expect(at(10240, 1)).toBeGreaterThan(at(10240, 2));
    expect(at(10240, 2)).toBeGreaterThan(at(10240, 4));
    expect(at(1024, 4)).toBeCloseTo(at(1024, 1), 9); // under one vCPU, more processes do not help
    const multi = await profileSamples('ML', { functions: ['ml1-train'], memories: [10240], intraParallelisms: [1, 2], seed: 3 });
    expect(multi[0]?.threads).toBe(4);
    expect(multi[1]?.threads).toBe(8);
    expect(multi[0]?.compute).toBeGreaterThan(multi[1]?.compute as number);
  });

  test('in the environment: each dimension shortens the workflow (same seed, same jobs)', async () => {
    const env = make('StepConf-DAG16-v0');
    const latency = async (a: number[]): Promise<number> => (await episode(env, 11, a)).last.latency as number;
    expect(await latency([2, 0, 0])).toBeLessThan(await latency([0, 0, 0])); // memory 512 → 2048
    expect(await latency([2, 3, 0])).toBeLessThan(await latency([2, 0, 0])); // p 1 → 8
    expect(await latency([4, 3, 2])).toBeLessThan(await latency([4, 3, 0])); // q 1 → 4 at 10240 MB
    await env.close();
  });
});

describe('SLO', () => {
  test.each(IDS)('%s: the fixed all-large configuration meets the SLO where the all-small one misses it', async (id) => {
    const env = make(id);
    const large = [4, 6, 2], small = [0, 0, 0], reference = [2, 3, 0];
    for (const seed of [0, 1, 2, 3]) {
      const big = await episode(env, seed, large);
      const little = await episode(env, seed, small);
      expect(big.last.sloMet).toBe(true);
      expect(little.last.sloMet).toBe(false);
      expect(little.last.latency as number).toBeGreaterThan(2 * (big.last.latency as number));
      // the reference configuration meets it too, and the penalty makes missing dearer than meeting it
      const mid = await episode(env, seed, reference);
      expect(mid.last.sloMet).toBe(true);
      expect(sum(little.rewards)).toBeLessThan(sum(mid.rewards));
      expect(little.last.totalCostUsd as number).toBeLessThan(mid.last.totalCostUsd as number);
    }
    await env.close();
  });
});

describe('observation', () => {
  test('the critical-path estimate falls along a chain and the SLO budget with time', async () => {
    const env = make('StepConf-Video-v0');
    const ep = await episode(env, 4, [2, 3, 0]);
    const cp = featureIndex('criticalPath'), rem = featureIndex('sloRemaining'), el = featureIndex('elapsed');
    const first = ep.obs[0] as number[], second = ep.obs[1] as number[];
    expect(first[cp]).toBeGreaterThan(second[cp] as number); // pull-frame's sub-graph holds every later step
    expect(first[el]).toBe(0);
    expect(first[rem]).toBe(1);
    expect(second[el]).toBeGreaterThan(0);
    expect((second[el] as number) + (second[rem] as number)).toBeCloseTo(1, 6);
    const last = ep.obs[ep.obs.length - 1] as number[];
    expect(last[el]).toBeCloseTo(Math.fround((ep.last.latency as number) / 60), 6);
    expect(ep.obs.filter((o) => o[featureIndex('multiCore')] === 1)).toHaveLength(1); // super-resolution
    await env.close();
  });

  test('expected phases follow the simulator model; critical paths are longest paths', () => {
    const fn = { name: 'split', work: 8, coldStart: 0.5, download: 0.2, upload: 0.1, threads: 2, cpuPerMemoryMb: 1769, scaleOutBurst: 40, scaleOutRate: 5 };
    // decisions.test.ts: 4 instances of 3538 MB (2 vCPUs), 2 threads each: 8 / 4 / 2 = 1 s
    expect(expectedPhases(fn, 1, { memoryMb: 3538, parallelism: 4, intra: 1 })).toEqual({ mapping: 0.5, download: 0.2, compute: 1, upload: 0.1, total: 1.8 });
    // single-threaded code at 2 vCPUs needs q = 2 to use them
    expect(expectedPhases({ ...fn, threads: 1 }, 2, { memoryMb: 3538, parallelism: 1, intra: 1 }).compute).toBe(16);
    expect(expectedPhases({ ...fn, threads: 1 }, 2, { memoryMb: 3538, parallelism: 1, intra: 2 }).compute).toBe(8);
    const g = workflowGraph({ name: 'w', stages: ['a', 'b', 'c', 'd'], edges: [['a', 'b'], ['a', 'c'], ['b', 'd'], ['c', 'd']] });
    expect(longestPathsToSink(g, [1, 5, 2, 3])).toEqual([9, 8, 5, 3]);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 6);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 12);
  });
});

describe('profiling', () => {
  test('samples are deterministic under the seed and cover the grid', async () => {
    const opts = { memories: [512, 2048], parallelisms: [1, 4], intraParallelisms: [1, 2], jobs: [50, 100], repeats: 2, seed: 9 };
    const a = await profileSamples('StepConf-ML-v0', opts);
    expect(a).toHaveLength(9 * 2 * 2 * 2 * 2 * 2);
    expect(await profileSamples('ML', opts)).toEqual(a);
    const b = await profileSamples('ML', { ...opts, seed: 10 });
    expect(b.map((s) => s.download)).not.toEqual(a.map((s) => s.download));
    b.forEach((s, i) => expect(s.compute).toBeCloseTo((a[i] as ProfileSample).compute, 9)); // compute does not vary, transfers do
    expect(a[0]).toMatchObject({ fn: 'ml1-preprocess', memoryMb: 512, parallelism: 1, intra: 1, threads: 1, jobs: 50, repeat: 0, failed: 0 });
    // compute ∝ jobs / p
    const c = (jobs: number, p: number): number => (a.find((s) => s.fn === 'ml1-preprocess' && s.memoryMb === 2048 && s.intra === 1 && s.jobs === jobs && s.parallelism === p) as ProfileSample).compute;
    expect(c(100, 1)).toBeCloseTo(2 * c(50, 1), 9);
    expect(c(100, 1)).toBeCloseTo(4 * c(100, 4), 9);
  });

  test('the environment offers them on its backend; bad options are refused', async () => {
    const env = new StepConfEnv('Video');
    const s = await env.profilingSamples({ functions: ['merge-frame'], memories: [1769], seed: 1 });
    expect(s).toEqual(await profileSamples('Video', { functions: ['merge-frame'], memories: [1769], seed: 1 }));
    await expect(profileSamples('Video', { functions: ['nope'] })).rejects.toThrow('profileSamples: unknown function "nope"');
    await expect(profileSamples('Video', { parallelisms: [0] })).rejects.toThrow(ConfigError);
    await expect(profileSamples('Other-v0')).rejects.toThrow('profileSamples: unknown target "Other-v0"');
    await env.close();
  });
});

describe('prewarming (§5)', () => {
  test('successors prewarmed at the reference configuration start without mapping delay; each prewarmed instance costs a request', async () => {
    const ref = [2, 3, 0]; // 2048 MB, p = 8, q = 1: the default referenceConfig
    const cold = await episode(make('StepConf-Video-v0'), 6, ref);
    const env = make('StepConf-Video-v0', { prewarm: true });
    const warm = await episode(env, 6, ref);
    const mapping = (ep: Episode, stage: string): number =>
      (ep.infos.flatMap((i) => (i.reports ?? []) as Info[]).find((r) => r.stage === stage) as Info).mappingDelay as number;
    expect(mapping(cold, 'merge-frame')).toBeGreaterThan(0.3);
    expect(mapping(warm, 'merge-frame')).toBe(0);
    expect(mapping(warm, 'pull-frame')).toBeGreaterThan(0.3); // the entry step has no predecessor to prewarm it
    expect(warm.last.latency as number).toBeLessThan(cold.last.latency as number);
    const billed = sum(warm.infos.flatMap((i) => ((i.reports ?? []) as { costUsd: number }[]).map((r) => r.costUsd)));
    // 7 successor steps × 8 instances × $0.20 per million requests
    expect((warm.last.totalCostUsd as number) - billed).toBeCloseTo(7 * 8 * 0.2e-6, 15);
    expect(sum(warm.rewards)).toBeCloseTo(-1000 * ((warm.last.totalCostUsd as number) + (warm.last.penaltyUsd as number)), 10);
    await env.close();
  });
});
