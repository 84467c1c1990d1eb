/**
 * FaaSRank-v0 (paper 003): per-invocation invoker routing with a padded,
 * masked observation and the eq. (8) reward.
 */
import { registerBackend } from '../../envs/common/backend.js';
import { schemaTable } from '../../envs/common/config.js';
import {
  FAASRANK_FUNCTIONS, FAASRANK_SCHEMA, FaaSRankEnv, INVOKER_FEATURE, FEATURES_PER_INVOKER, FUNCTION_FEATURES, benchFaasrankSteps,
  faasrankLayout, faasrankReward, leastConnections, randomValid, rewardFromIntegral, workloadLoads,
} from '../../envs/faasrank/index.js';
import { SimCluster } from '../../src/cluster/sim/sim-cluster.js';
import type { Cluster, InvokerState } from '../../src/cluster/types.js';
import type { Env, Info, StepResult } from '../../src/core/env.js';
import { ConfigError, InvalidActionError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/rng.js';
import { checkEnv } from '../../src/registry/checker.js';
import { make } from '../../src/registry/index.js';
import { FAASRANK_TABLE2 } from '../../src/workloads/presets/faasrank.js';
import { readFileSync } from 'node:fs';

type Policy = (info: Info, rng: Rng) => number;

const lc: Policy = (info) => leastConnections(info.invokers as InvokerState[]);
const random: Policy = (info, rng) => randomValid(info.actionMask as number[], rng);

interface Episode {
  rewards: number[];
  obs: number[][];
  last: StepResult<number[]>;
  first: Info;
}

async function runEpisode(env: Env<number[], number>, seed: number, policy: Policy, onStep?: (info: Info, action: number, s: StepResult<number[]>) => void): Promise<Episode> {
  const rng = new Rng(seed + 1000);
  const r = await env.reset({ seed });
  let info = r.info;
  const rewards: number[] = [];
  const obs: number[][] = [r.obs];
  for (;;) {
    const a = policy(info, rng);
    const s = await env.step(a);
    onStep?.(info, a, s);
    rewards.push(s.reward);
    obs.push(s.obs);
    info = s.info;
    if (s.terminated || s.truncated) return { rewards, obs, last: s, first: r.info };
  }
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

describe('FaaSRank-v0 contract', () => {
  test('passes the checker (default config, and a short workload whose episodes end inside the check)', async () => {
    for (const config of [{}, { traceFraction: 0.05 }]) {
      const report = await checkEnv(make('FaaSRank-v0', config) as Env<unknown, unknown>, { steps: 60 });
      expect(report.failed).toEqual([]);
      expect(report.passed).toContain('deterministic');
    }
  });

  test('spaces: Discrete(maxInvokers) and a flat float32 Box with the documented layout', () => {
    const env = new FaaSRankEnv({ maxInvokers: 16 });
    const layout = faasrankLayout(16);
    expect(env.actionSpace.n).toBe(16);
    expect(env.observationSpace.shape).toEqual([16 * 9 + 16 + 12]);
    expect(env.observationSpace.dtype).toBe('float32');
    expect(layout).toEqual({ maxInvokers: 16, featuresPerInvoker: 9, invokerOffset: 0, maskOffset: 144, functionOffset: 160, size: 172 });
    expect(FEATURES_PER_INVOKER).toBe(9);
    expect(FUNCTION_FEATURES).toHaveLength(2 + FAASRANK_FUNCTIONS.length);
    // deltas may be negative, everything else is in [0, 1]
    expect(env.observationSpace.low[INVOKER_FEATURE.cpuUtilDelta]).toBe(-1);
    expect(env.observationSpace.low[9 * 15 + INVOKER_FEATURE.memoryFreeDelta]).toBe(-1);
    expect(env.observationSpace.low[INVOKER_FEATURE.cpuUtil]).toBe(0);
    expect(Math.max(...env.observationSpace.high)).toBe(1);
    expect(new FaaSRankEnv().observationSpace.shape).toEqual([172]); // 16 padded invoker rows by default
  });

  test('same seed, same trajectory (bit for bit); another seed, another one', async () => {
    const env = new FaaSRankEnv({ traceFraction: 0.3 });
    const a = await runEpisode(env, 7, random);
    const b = await runEpisode(env, 7, random);
    const c = await runEpisode(env, 8, random);
    expect(b.obs).toEqual(a.obs);
    expect(b.rewards).toEqual(a.rewards);
    expect(b.last.info.averageFct).toBe(a.last.info.averageFct);
    expect(c.rewards).not.toEqual(a.rewards);
    // observations are float32 values
    expect(a.obs.every((o) => o.every((v) => Math.fround(v) === v))).toBe(true);
    await env.close();
  });

  test('the episode ends when every invocation has finished; the end info has the average completion time', async () => {
    const env = new FaaSRankEnv({ traceFraction: 0.25 });
    const calls = sum(workloadLoads('SC', 0, 0.25).loads.map((l) => sum((l as { counts: number[] }).counts)));
    const ep = await runEpisode(env, 3, lc);
    const info = ep.last.info;
    expect(ep.last.terminated).toBe(true);
    expect(ep.rewards).toHaveLength(calls);
    expect(info.invocations).toBe(calls);
    expect(info.averageFct).toBeCloseTo((info.totalFct as number) / calls, 12);
    expect(info.averageFct as number).toBeGreaterThan(0.09); // at least the fastest warm run (IR, Table II)
    const snap = await (env.cluster as Cluster).advance({ seconds: 0 });
    const done = Object.values(snap.functions).reduce((a, f) => a + f.successes, 0);
    expect(done).toBe(calls);
    await expect(env.step(0)).rejects.toThrow(/reset/);
    await env.close();
    await env.close();
  });

  test('invalid configs are refused naming the field', () => {
    expect(() => new FaaSRankEnv({ workload: 'M11' })).toThrow(ConfigError);
    expect(() => new FaaSRankEnv({ workload: 'M11' })).toThrow('FaaSRank-v0: config.workload: expected one of');
    expect(() => new FaaSRankEnv({ invokers: 20 })).toThrow('config.maxInvokers: expected at least the largest invoker count, invokers (20), got 16');
    expect(() => new FaaSRankEnv({ invokerRange: [8, 4], maxInvokers: 16 })).toThrow('config.invokerRange: expected [] or [min, max]');
    expect(() => new FaaSRankEnv({ invokerRange: [4, 20], maxInvokers: 16 })).toThrow(/config.maxInvokers: expected at least the largest invoker count, invokerRange \[4,20\], got 16/);
    expect(() => new FaaSRankEnv({ traceFraction: 0 })).toThrow('config.traceFraction: expected a number in (0, 1], got 0');
    expect(() => new FaaSRankEnv({ invoker: 3 })).toThrow('config.invoker: unknown key');
    expect(() => new FaaSRankEnv({ backend: { kind: 'nope' } })).toThrow('config.backend.kind "nope" is not available');
  });

  test('a backend without DecisionControl is refused at reset with a ConfigError', async () => {
    registerBackend('faasrank-test-no-control', (scenario) => {
      const sim = new SimCluster(scenario);
      const cluster: Cluster = {
        nodes: () => sim.nodes(),
        functions: () => sim.functions(),
        apply: (changes) => sim.apply(changes),
        advance: (until) => sim.advance(until),
        close: () => sim.close(),
      };
      return cluster;
    });
    const env = make('FaaSRank-v0', { backend: { kind: 'faasrank-test-no-control' } }) as Env<number[], number>;
    await expect(env.reset({ seed: 0 })).rejects.toThrow(ConfigError);
    await expect(env.reset({ seed: 0 })).rejects.toThrow(/offers no DecisionControl/);
    await env.close();
  });

  test('the config table is in docs/envs/faasrank.md', () => {
    const page = readFileSync(new URL('../../docs/envs/faasrank.md', import.meta.url), 'utf8');
    expect(page).toContain(schemaTable(FAASRANK_SCHEMA));
  });
});

describe('padding, mask and a variable cluster', () => {
  test('a masked invoker is an InvalidActionError and changes nothing', async () => {
    const env = new FaaSRankEnv({ maxInvokers: 16, traceFraction: 0.1 });
    const r = await env.reset({ seed: 1 });
    const layout = env.layout;
    const mask = r.info.actionMask as number[];
    expect(mask).toEqual([...new Array(10).fill(1), ...new Array(6).fill(0)]);
    expect(r.obs.slice(layout.maskOffset, layout.maskOffset + 16)).toEqual(mask);
    expect(r.obs.slice(10 * 9, layout.maskOffset).every((v) => v === 0)).toBe(true); // padding rows
    await expect(env.step(12)).rejects.toThrow(InvalidActionError);
    await expect(env.step(10)).rejects.toThrow('FaaSRank-v0: invoker 10 is masked (this episode has 10 invokers: actions 0..9; see info.actionMask)');
    await expect(env.step(16)).rejects.toThrow(InvalidActionError); // outside the space
    const s = await env.step(3);
    expect(s.info.warmStart).toBe(false); // the first invocation finds an empty cluster
    expect(env.observationSpace.contains(s.obs)).toBe(true);
    await env.close();
  });

  test('invokers join and leave between episodes; the spaces stay fixed and every observation is in them', async () => {
    const env = new FaaSRankEnv({ invokerRange: [3, 8], maxInvokers: 8, traceFraction: 0.1 });
    const counts = new Set<number>();
    for (let seed = 0; seed < 8; seed++) {
      const ep = await runEpisode(env, seed, lc, (info, a) => expect(a).toBeLessThan((info.invokers as InvokerState[]).length));
      const n = ep.first.invokerCount as number;
      counts.add(n);
      expect(env.plan?.invokers).toBe(n);
      expect(ep.first.actionMask).toEqual(Array.from({ length: 8 }, (_, i) => (i < n ? 1 : 0)));
      for (const o of ep.obs) expect(env.observationSpace.explain(o)).toBeNull();
    }
    expect(counts.size).toBeGreaterThan(2);
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(3);
    expect(Math.max(...counts)).toBeLessThanOrEqual(8);
    await env.close();
  });

  test('multi-workload episodes draw M1–M10; a reset option picks one', async () => {
    const env = new FaaSRankEnv({ workload: 'multi', traceFraction: 0.05 });
    const seen = new Set<string>();
    for (let seed = 0; seed < 6; seed++) {
      await env.reset({ seed });
      seen.add(env.plan?.workload as string);
    }
    expect([...seen].every((w) => /^M\d+$/.test(w))).toBe(true);
    expect(seen.size).toBeGreaterThan(1);
    await env.reset({ options: { workload: 'SA' } });
    expect(env.plan).toMatchObject({ workload: 'SA', cluster: 'aws' });
    await expect(env.reset({ options: { workload: 'XX' } })).rejects.toThrow('reset option workload must be one of');
    await expect(env.reset({ options: { load: 1 } })).rejects.toThrow('unknown reset option "load"');
    await env.close();
  });
});

describe('eq. (8) reward', () => {
  test('hand-computed: r = −(t_i − t_{i−1})·F_i, F_i the time-average in-flight count of the interval', () => {
    // 0.5 s with 3 invocations in flight throughout
    expect(faasrankReward(0.5, 3)).toBe(-1.5);
    // [1.0, 1.5]: 2 in flight until 1.3, then 1 → ∫F dt = 2·0.3 + 1·0.2 = 0.8, F̄ = 1.6
    const integralAt10 = 4.25, integralAt15 = integralAt10 + 2 * 0.3 + 1 * 0.2;
    expect(rewardFromIntegral(integralAt10, integralAt15)).toBeCloseTo(-0.8, 12);
    expect(faasrankReward(1.5 - 1.0, 1.6)).toBeCloseTo(rewardFromIntegral(integralAt10, integralAt15), 12);
    expect(faasrankReward(0, 7)).toBe(-0);
  });

  test('the rewards of an episode sum to minus the total completion time (the cluster\'s own latencies)', async () => {
    const env = new FaaSRankEnv({ traceFraction: 0.3 });
    const ep = await runEpisode(env, 5, random);
    const snap = await (env.cluster as Cluster).advance({ seconds: 0 });
    const totalLatency = Object.values(snap.functions).reduce((a, f) => a + f.latency.mean * f.latency.count, 0);
    expect(-sum(ep.rewards)).toBeCloseTo(totalLatency, 6);
    expect(-sum(ep.rewards)).toBeCloseTo(ep.last.info.totalFct as number, 9);
    expect(ep.rewards.every((r) => r <= 0)).toBe(true);
    expect(ep.rewards.filter((r) => r < 0).length).toBeGreaterThan(ep.rewards.length / 2);
    await env.close();
  });
});

describe('the action changes the cluster', () => {
  test('routing to an invoker with a warm container starts warm; to one without, cold', async () => {
    const memory = new Map(FAASRANK_TABLE2.map((r) => [r.name, r.memoryMb]));
    // warm where possible, else the invoker with the most free memory (so nothing waits)
    const policy: Policy = (info) => {
      const inv = info.invokers as InvokerState[];
      const warm = inv.findIndex((s) => s.warm > 0);
      if (warm >= 0) return warm;
      let best = 0;
      inv.forEach((s, i) => { if (s.memoryFreeMb > (inv[best] as InvokerState).memoryFreeMb) best = i; });
      return best;
    };
    // stretched 4× (a light load), so that the invoker with the most free memory has room without evicting
    const env = new FaaSRankEnv({ traceFraction: 0.25, timeScale: 4 });
    let predictedWarm = 0, predictedCold = 0;
    const ep = await runEpisode(env, 2, policy, (info, a, s) => {
      const chosen = (info.invokers as InvokerState[])[a] as InvokerState;
      if (chosen.warm > 0) {
        predictedWarm++;
        expect(s.info.warmStart).toBe(true);
      } else {
        predictedCold++;
        expect(s.info.warmStart).toBe(false);
        expect(chosen.memoryFreeMb).toBeGreaterThanOrEqual(memory.get(info.fn as string) as number); // room: a cold start, not a wait
      }
    });
    expect(predictedWarm).toBeGreaterThan(10);
    expect(predictedCold).toBeGreaterThan(10);
    const snap = await (env.cluster as Cluster).advance({ seconds: 0 });
    const cold = Object.values(snap.functions).reduce((a, f) => a + f.coldStarts, 0);
    const starts = Object.values(snap.functions).reduce((a, f) => a + f.replicaStarts, 0);
    expect(cold).toBe(predictedCold);
    expect(starts).toBe(predictedCold);
    expect(ep.rewards).toHaveLength(predictedWarm + predictedCold);
    await env.close();
  });

  test('the observation shows the container the action started: warm on that invoker for the next invocation of the function', async () => {
    const env = new FaaSRankEnv({ traceFraction: 0.25 });
    const r = await env.reset({ seed: 4 });
    const fn = 'email-generation'; // the most frequent function of SC
    const F = FEATURES_PER_INVOKER;
    // every invocation of `fn` goes to invoker 5, all others to invoker 0
    let obs = r.obs, info = r.info, warmRoutes = 0, coldRoutes = 0;
    for (;;) {
      const mine = info.fn === fn;
      if (mine) for (let i = 0; i < 10; i++) if (i !== 5) expect(obs[i * F + INVOKER_FEATURE.containers]).toBe(0);
      const warmSeen = mine && (obs[5 * F + INVOKER_FEATURE.warm] as number) > 0;
      const s = await env.step(mine ? 5 : 0);
      if (mine) {
        expect(s.info.warmStart).toBe(warmSeen);
        if (warmSeen) warmRoutes++;
        else coldRoutes++;
      }
      if (s.terminated) break;
      obs = s.obs;
      info = s.info;
    }
    expect(warmRoutes).toBeGreaterThan(0);
    expect(coldRoutes).toBeGreaterThan(0);
    await env.close();
  });
});

describe('baselines', () => {
  test('least-connections beats random on average completion time (SC at Table III\'s load)', async () => {
    // SC asks for Table III's 4,368.71 CPU-seconds in 60 s, 91 % of the 80 vCPUs: where an
    // invocation goes matters (LC ≈ 15 % below random on seeds 2,000,000–2,000,002).
    const env = new FaaSRankEnv();
    const fct = { lc: [] as number[], random: [] as number[] };
    for (const seed of [1, 2, 3, 4, 5]) {
      fct.lc.push((await runEpisode(env, seed, lc)).last.info.averageFct as number);
      fct.random.push((await runEpisode(env, seed, random)).last.info.averageFct as number);
    }
    const mean = (xs: number[]): number => sum(xs) / xs.length;
    expect(mean(fct.lc)).toBeLessThan(mean(fct.random));
    expect(mean(fct.lc)).toBeLessThan(0.95 * mean(fct.random));
    await env.close();
  });

  test('leastConnections counts running and queued invocations, ties to the lowest index; randomValid keeps to the mask', () => {
    const s = (inflight: number, queued: number): InvokerState => ({ node: 'n', cores: 8, busyCores: 0, memoryMb: 2048, memoryFreeMb: 0, inflight, queued, warm: 0, containers: 0 });
    expect(leastConnections([s(3, 0), s(1, 2), s(2, 0), s(2, 0)])).toBe(2);
    expect(() => leastConnections([])).toThrow(ConfigError);
    const rng = new Rng(0);
    const mask = [0, 1, 0, 1, 1, 0];
    const picks = new Set(Array.from({ length: 200 }, () => randomValid(mask, rng)));
    expect([...picks].sort()).toEqual([1, 3, 4]);
  });
});

describe('speed', () => {
  test('benchFaasrankSteps measures random-policy steps', async () => {
    const r = await benchFaasrankSteps(0.3);
    expect(r.steps).toBeGreaterThan(0);
    expect(r.stepsPerSecond).toBeCloseTo(r.steps / r.wallSeconds, 6);
    // The target (>= 20,000/s) is for compiled code (docs/envs/faasrank.md); under ts-jest this only
    // guards against an order-of-magnitude regression.
    expect(r.stepsPerSecond).toBeGreaterThanOrEqual(2000);
  });
});
