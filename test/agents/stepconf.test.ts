import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../../agents/index.js';
import { getAgentFactory } from '../../agents/registry.js';
import { StepConfPolicy, stepconfFactory } from '../../agents/stepconf.js';
import {
  QuantileRegression, SINGLE_CORE_MEMORY_MB, StepEstimator, evalCompute, fitExponential, fitInverse, pinballLoss, quadraticTerms, weightedLeastSquares,
  type ComputePoint, type ExponentialFit, type InverseFit,
} from '../../agents/stepconf-estimator.js';
import { StepConfEnv, profileSamples } from '../../envs/stepconf/index.js';
import type { Env } from '../../src/core/env.js';
import { ConfigError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/rng.js';
import { make, makeEnv } from '../../src/registry/index.js';

const tmpDirs: string[] = [];
afterAll(() => {
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});

// ------------------------------------------------------------------ eq. (1)

const GRID: { jobsPerInstance: number; cores: number }[] = [];
for (const jobsPerInstance of [1, 3, 8, 20, 50, 120]) for (const cores of [1, 1.2, 1.6, 2, 2.5, 3.3, 4, 5.8]) GRID.push({ jobsPerInstance, cores });

describe('eq. (1) piece-wise compute fit (001 §3.3)', () => {
  test('least squares recovers known exponential (case 1) parameters from exact data', () => {
    const truth: ExponentialFit = { form: 'exponential', a1: 0.6, b1: 2, a2: 0.8, phi: 0.5, phiPerJob: 0, relRmse: 0, n: 0 };
    const pts: ComputePoint[] = GRID.map((g) => ({ ...g, seconds: evalCompute(truth, g.jobsPerInstance, g.cores) }));
    for (const serialTerm of [false, true]) {
      const fit = fitExponential(pts, { serialTerm });
      expect(fit.a1).toBeCloseTo(0.6, 5);
      expect(fit.b1).toBeCloseTo(2, 4);
      expect(fit.a2).toBeCloseTo(0.8, 5);
      expect(fit.phi).toBeCloseTo(0.5, 4);
      expect(Math.abs(fit.phiPerJob)).toBeLessThan(1e-5);
      expect(fit.relRmse).toBeLessThan(1e-6);
    }
  });

  test('least squares recovers known inverse (case 2) parameters from exact data', () => {
    const truth: InverseFit = { form: 'inverse', a2: 0.3, b2: 0.25, deltaS: 1, phi: 0.2, phiPerJob: 0, relRmse: 0, n: 0 };
    const pts: ComputePoint[] = GRID.map((g) => ({ jobsPerInstance: g.jobsPerInstance, cores: g.cores / 2, seconds: evalCompute(truth, g.jobsPerInstance, g.cores / 2) }));
    for (const serialTerm of [false, true]) {
      const fit = fitInverse(pts, { serialTerm });
      expect(fit.a2).toBeCloseTo(0.3, 5);
      expect(fit.b2).toBeCloseTo(0.25, 5);
      expect(fit.phi).toBeCloseTo(0.2, 5);
      expect(Math.abs(fit.phiPerJob)).toBeLessThan(1e-6);
    }
    // Amdahl with a serial part per job (t = γ̄·(0.05 + 0.95/k)) is exact with the serial term.
    const amdahl = GRID.map((g) => ({ ...g, seconds: g.jobsPerInstance * (0.05 + 0.95 / g.cores) }));
    const fit = fitInverse(amdahl);
    expect(fit.a2).toBeCloseTo(0.95, 5);
    expect(fit.phiPerJob).toBeCloseTo(0.05, 5);
    expect(fit.relRmse).toBeLessThan(1e-6);
  });

  test('bad input is refused with the value in the message', () => {
    expect(() => fitInverse([{ jobsPerInstance: 1, cores: 1, seconds: -1 }, { jobsPerInstance: 2, cores: 1, seconds: 1 }])).toThrow(/seconds/);
    expect(() => fitExponential(GRID.slice(0, 5).map((g) => ({ ...g, cores: 1, seconds: 1 })))).toThrow(/distinct core counts/);
  });

  test('weightedLeastSquares solves a small system (mathjs lusolve)', () => {
    const x = weightedLeastSquares([[1, 0], [0, 1], [1, 1]], [1, 2, 3]);
    expect(x[0]).toBeCloseTo(1, 8);
    expect(x[1]).toBeCloseTo(2, 8);
  });
});

// ------------------------------------------------------------------ eq. (2)

describe('eq. (2) quantile regression (001 §3.4)', () => {
  test('terms are the inputs, their squares and their interactions', () => {
    expect(quadraticTerms([2, 3])).toEqual([1, 2, 3, 4, 9, 6]);
    expect(quadraticTerms([2, 3, 5])).toEqual([1, 2, 3, 5, 4, 9, 25, 6, 10, 15]);
  });

  test('≈ 90 % of the points lie below the ω = 0.9 fit (skewed noise, two inputs)', () => {
    const rng = new Rng(11);
    const X: number[][] = [], y: number[] = [];
    for (let i = 0; i < 1500; i++) {
      const p = rng.uniform(1, 64), s = rng.uniform(5, 200);
      X.push([p, s]);
      y.push(1 + 0.05 * p + 0.0004 * p * p + 0.002 * s + rng.exponential(1 / (0.3 + 0.01 * p)));
    }
    const q90 = QuantileRegression.fit(X, y, 0.9);
    const below = X.filter((x, i) => (y[i] as number) <= q90.predict(x)).length / X.length;
    expect(below).toBeGreaterThan(0.87);
    expect(below).toBeLessThan(0.93);
    const q50 = QuantileRegression.fit(X, y, 0.5);
    const below50 = X.filter((x, i) => (y[i] as number) <= q50.predict(x)).length / X.length;
    expect(Math.abs(below50 - 0.5)).toBeLessThan(0.03);
    // Held-out points from the same process: still ≈ 90 % below.
    let held = 0;
    for (let i = 0; i < 1000; i++) {
      const p = rng.uniform(1, 64), s = rng.uniform(5, 200);
      const v = 1 + 0.05 * p + 0.0004 * p * p + 0.002 * s + rng.exponential(1 / (0.3 + 0.01 * p));
      if (v <= q90.predict([p, s])) held++;
    }
    expect(held / 1000).toBeGreaterThan(0.86);
    expect(held / 1000).toBeLessThan(0.94);
    // The pinball loss at ω = 0.9 is lower than that of the least-squares line.
    const ols = QuantileRegression.fit(X, y, 0.5, 0);
    const res = (m: QuantileRegression): number[] => X.map((x, i) => (y[i] as number) - m.predict(x));
    expect(pinballLoss(res(q90), 0.9)).toBeLessThan(pinballLoss(res(ols), 0.9));
    // JSON round trip.
    expect(QuantileRegression.fromJSON(q90.toJSON()).predict([10, 50])).toBe(q90.predict([10, 50]));
  });

  test('quantile must lie in (0, 1)', () => {
    expect(() => QuantileRegression.fit([[1]], [1], 1)).toThrow(ConfigError);
  });
});

// ------------------------------------------------------------------ estimator and policy on the simulator

type Outcome = { met: number; costMilliUsd: number; stages: string[][] };

async function runEpisodes(env: Env<unknown, unknown>, act: (obs: number[]) => Promise<number[]> | number[], seeds: readonly number[]): Promise<Outcome> {
  let met = 0, cost = 0;
  const stages: string[][] = [];
  for (const seed of seeds) {
    let { obs } = await env.reset({ seed });
    const seen: string[] = [];
    for (;;) {
      const r = await env.step(await act(obs as number[]));
      seen.push(r.info.stage as string);
      obs = r.obs;
      if (r.terminated || r.truncated) {
        if (r.info.sloMet) met++;
        cost += r.info.totalCostUsd as number;
        break;
      }
    }
    stages.push(seen);
  }
  return { met: met / seeds.length, costMilliUsd: (1000 * cost) / seeds.length, stages };
}

describe('StepConf estimator on the simulator', () => {
  let video: StepConfPolicy;
  let videoEnv: Env<number[], number[]>;

  beforeAll(async () => {
    videoEnv = makeEnv<number[], number[]>('StepConf-Video-v0');
    video = await StepConfPolicy.create(videoEnv, {}, 0);
  });
  afterAll(async () => {
    await videoEnv.close();
  });

  test('eq. (1) predicts the compute time of held-out profiling samples within 10 % (Video, ML)', async () => {
    const mlEnv = makeEnv('StepConf-ML-v0');
    const ml = await StepConfPolicy.create(mlEnv, {}, 0);
    await mlEnv.close();
    // Held out: memories, parallelisms, q and job counts the fit never saw.
    const heldOut = { memories: [768, 1769, 3000, 6000], parallelisms: [3, 12, 24], intraParallelisms: [1, 2, 3], jobs: [75, 125], seed: 2 };
    for (const [name, policy] of [['Video', video], ['ML', ml]] as const) {
      const samples = await profileSamples(name, heldOut);
      let worst = 0, sum = 0, below = 0;
      for (const s of samples) {
        const theta = { memoryMb: s.memoryMb, parallelism: s.parallelism, intra: s.intra };
        const err = Math.abs(policy.estimator.compute(s.fn, theta, s.jobs) - s.compute) / s.compute;
        worst = Math.max(worst, err);
        sum += err;
        if (s.duration <= policy.estimator.predict(s.fn, theta, s.jobs).total) below++;
      }
      // Measured: mean 0.3 % (Video) and 1.0 % (ML), worst 3.6 % and 4.3 % (the exponential fit of multi-core code).
      expect(sum / samples.length).toBeLessThan(0.03);
      expect(worst).toBeLessThan(0.1);
      // The step duration at P90 phases bounds ~90 % or more of the held-out runs (measured 93 %, 96 %).
      expect(below / samples.length).toBeGreaterThan(0.85);
    }
  });

  test('functions are classed by threads and fitted piece-wise at m_s = 1769 MB', () => {
    expect(SINGLE_CORE_MEMORY_MB).toBe(1769);
    const sr = video.estimator.model('super-resolution'), od = video.estimator.model('object-detection');
    expect(sr).toMatchObject({ multiCore: true, threadsPerProcess: 2 });
    expect(sr.computeLow.form).toBe('inverse');
    expect(sr.computeHigh.form).toBe('exponential');
    expect(od).toMatchObject({ multiCore: false, threadsPerProcess: 1 });
    expect(od.computeLow).toEqual(od.computeHigh);
    // Single-threaded code gains nothing from memory past one vCPU at q = 1.
    const at = (m: number): number => video.estimator.compute('object-detection', { memoryMb: m, parallelism: 4, intra: 1 }, 100);
    expect(at(4192) / at(2048)).toBeCloseTo(1, 2);
    expect(at(512) / at(1024)).toBeCloseTo(2, 2);
    // JSON round trip.
    const again = StepEstimator.fromJSON(JSON.parse(JSON.stringify(video.estimator.toJSON())));
    expect(again.predict('super-resolution', { memoryMb: 4192, parallelism: 8, intra: 2 }, 120)).toEqual(video.estimator.predict('super-resolution', { memoryMb: 4192, parallelism: 8, intra: 2 }, 120));
  });

  test('the StepConf policy meets the SLO on Video and costs far less than all-large and less than the reference configuration', async () => {
    const seeds = [11, 12, 13, 14, 15, 16];
    const policy = await runEpisodes(videoEnv, (o) => video.act(o, { explore: false }), seeds);
    const large = await runEpisodes(videoEnv, () => [4, 6, 2], seeds); // 10240 MB, p 64, q 4
    const reference = await runEpisodes(videoEnv, () => [2, 3, 0], seeds); // 2048 MB, p 8, q 1
    expect(policy.met).toBe(1);
    expect(large.met).toBe(1);
    // Measured over 50 seeds: 9.1 vs 205.6 (all-large) and 12.5 (reference) thousandths of a dollar.
    expect(policy.costMilliUsd).toBeLessThan(0.1 * large.costMilliUsd);
    expect(policy.costMilliUsd).toBeLessThan(0.85 * reference.costMilliUsd);
    // The policy identified every step from the observation, in the environment's order.
    expect(video.decisions.map((d) => d.stage)).toEqual(policy.stages[policy.stages.length - 1]);
  });

  test('on ML, a fresh environment (the CLI evaluates on one) and with prewarming', async () => {
    const trainEnv = make('StepConf-ML-v0');
    const agent = (await getAgentFactory('stepconf').create(trainEnv, {}, 0)) as StepConfPolicy;
    const seeds = [21, 22, 23, 24, 25, 26];
    for (const prewarm of [false, true]) {
      const env = makeEnv<number[], number[]>('StepConf-ML-v0', { prewarm });
      const policy = await runEpisodes(env, (o) => agent.act(o, { explore: false }), seeds);
      const large = await runEpisodes(env, () => [4, 6, 2], seeds);
      expect(policy.met).toBe(1);
      expect(policy.costMilliUsd).toBeLessThan(0.1 * large.costMilliUsd);
      await env.close();
    }
    await trainEnv.close();
  });

  test('prewarm awareness: warm instances at the reference memory remove mapping delay; the §5 plan covers successors', async () => {
    const env = makeEnv<number[], number[]>('StepConf-Video-v0', { prewarm: true });
    const base = (env as unknown as { unwrapped: StepConfEnv }).unwrapped;
    const samples = await base.profilingSamples({ memories: [512, 1024, 2048, 4192, 10240], parallelisms: [1, 2, 4, 8, 16, 32, 64], intraParallelisms: [1, 2, 4], jobs: [50, 150], seed: 0 });
    const policy = StepConfPolicy.fromSamples(base, samples);
    const ref = base.settings.reference; // 2048 MB, p 8
    const s = base.graph.index.get('object-detection') as number;
    const warm = policy.frontier(s, 100, ref.parallelism), cold = policy.frontier(s, 100, 0);
    // Warm configurations (m_ref, p ≤ p_ref) join the Pareto front with no mapping delay; cold ones always have one.
    expect(warm.some((c) => c.theta.memoryMb === ref.memoryMb && c.theta.parallelism <= ref.parallelism && c.prediction.mapping === 0)).toBe(true);
    expect(cold.every((c) => c.prediction.mapping > 0)).toBe(true);
    expect(policy.estimator.mapping('object-detection', 0)).toBe(0);
    const { obs } = await env.reset({ seed: 3 });
    await policy.act(obs, { explore: false });
    expect(policy.lastPrewarmPlan.map((p) => p.stage).sort()).toEqual(['color-filtering', 'object-detection', 'super-resolution']);
    for (const p of policy.lastPrewarmPlan) expect(p.at).toBeGreaterThanOrEqual(0);
    // The global cache holds the rest of the critical path with increasing latest starts.
    const cache = policy.cache;
    expect(cache.length).toBeGreaterThan(0);
    expect(policy.decisions[0]?.criticalPath[0]).toBe('pull-frame');
    await env.close();
  });

  test('joining an episode after its start still identifies the step', async () => {
    const base = (videoEnv as unknown as { unwrapped: StepConfEnv }).unwrapped;
    let { obs } = await videoEnv.reset({ seed: 8 });
    for (let k = 0; k < 3; k++) obs = (await videoEnv.step([2, 3, 0])).obs;
    const pending = base.pendingStep?.stage;
    const action = await video.act(obs, { explore: false });
    expect(video.decisions.map((d) => d.stage)).toEqual([pending]);
    expect(videoEnv.actionSpace.contains(action)).toBe(true);
  });

  test('save/load round-trips the fitted estimator', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faasgym-stepconf-'));
    tmpDirs.push(dir);
    await video.save(dir);
    const base = (videoEnv as unknown as { unwrapped: StepConfEnv }).unwrapped;
    const other = StepConfPolicy.fromSamples(base, await base.profilingSamples({ memories: [1024, 4192], parallelisms: [1, 8, 32], intraParallelisms: [1, 2], jobs: [50, 150], seed: 9 }));
    expect(other.estimator.toJSON()).not.toEqual(video.estimator.toJSON());
    await other.load(dir);
    expect(other.estimator.toJSON()).toEqual(video.estimator.toJSON());
    const { obs } = await videoEnv.reset({ seed: 4 });
    expect(await other.act(obs, { explore: false })).toEqual(await video.act(obs, { explore: false }));
  });

  test('the factory is registered and refuses other environments', async () => {
    expect(getAgentFactory('stepconf')).toBe(stepconfFactory);
    expect(stepconfFactory.supports(videoEnv)).toBeNull();
    const faasconf = make('FaaSConf-Sequential-v0');
    expect(stepconfFactory.supports(faasconf)).toMatch(/StepConf/);
    await faasconf.close();
    const cartpole = make('CartPole-v1');
    expect(stepconfFactory.supports(cartpole)).toMatch(/StepConf/);
    await expect(stepconfFactory.create(cartpole, {}, 0)).rejects.toThrow(ConfigError);
    await cartpole.close();
    await expect(stepconfFactory.create(videoEnv, { sloMargin: 2 }, 0)).rejects.toThrow(/sloMargin/);
    await expect(stepconfFactory.create(videoEnv, { bogus: 1 }, 0)).rejects.toThrow(/bogus/);
    await expect(stepconfFactory.create(videoEnv, { sloMargin: 1 }, 0)).rejects.toThrow('stepconf: options.sloMargin: expected a number in [0, 1), got 1');
    // Issue 12: a profiling grid that would never finish, and keys from Object.prototype.
    await expect(stepconfFactory.create(videoEnv, { profile: { repeats: 1e9 } }, 0)).rejects.toThrow('stepconf: options.profile.repeats: expected an integer in [1, 100], got 1000000000');
    await expect(stepconfFactory.create(videoEnv, { profile: { memories: Array.from({ length: 1000 }, (_, i) => 128 + i) } }, 0)).rejects.toThrow(/^stepconf: options.profile.memories: expected an array of 1 to 64 numbers in \[128, 10240\]/);
    await expect(stepconfFactory.create(videoEnv, { constructor: 1 }, 0)).rejects.toThrow(/^stepconf: options.constructor: unknown key/);
  });
});
