/**
 * Calibration on the papers' measurements; each test cites its source.
 */
import { SimCluster } from '../../../src/cluster/sim/sim-cluster.js';
import type { ScenarioSpec, SimFunctionSpec } from '../../../src/cluster/sim/spec.js';
import { FAASRANK_TABLE2, darlyNodes, darlyVideo, faasrank, faasrankNodes, stepconfVideo } from '../../../src/workloads/presets/index.js';

const paper = (await import('node:fs')).readFileSync(new URL('../../fixtures/paper-numbers.json', import.meta.url), 'utf8');
const numbers = JSON.parse(paper) as {
  faasconf: { motivation_fig1: { latency_growth_3_to_30_users: number; concurrency_limit_effect_percent: { meanLatency: number; p95Latency: number; throughput: number } } };
};

describe('FaaSConf §2.2, Fig. 1: concurrency hurts, a concurrency limit helps (2-core / 2 GB replica, limit 3)', () => {
  // SentimentAnalysis-like work; Locust users spawning at 10/s and thinking 1.5 s; γ is the default.
  const run = async (users: number, maxInflight: number) => {
    const c = new SimCluster({
      seed: 1, duration: 1,
      nodes: [{ name: 'n', cores: 8, memoryMb: 16384 }],
      functions: [{ name: 'sentiment', work: { kind: 'lognormal', median: 0.2, sigma: 0.3 }, cpuMilli: 2000, memoryMb: 2048, maxInflight }],
      loads: [{ kind: 'closed', target: 'sentiment', users, spawnRate: 10, think: 1.5 }],
    });
    await c.advance({ seconds: 60 });
    return (await c.advance({ seconds: 3000 })).functions.sentiment!;
  };

  test('latency grows ~10× from 3 to 30 users; the limit cuts mean and p95 latency and raises throughput by about the paper\'s percentages', async () => {
    const fig1 = numbers.faasconf.motivation_fig1;
    const [u3, u30, limited] = [await run(3, 0), await run(30, 0), await run(30, 3)];
    const growth = u30.latency.mean / u3.latency.mean;
    expect(growth).toBeGreaterThan(fig1.latency_growth_3_to_30_users * 0.8);
    expect(growth).toBeLessThan(fig1.latency_growth_3_to_30_users * 1.3);
    const pct = (a: number, b: number) => (a / b - 1) * 100;
    const effect = fig1.concurrency_limit_effect_percent;
    // within ±30 % of each reported effect
    expect(pct(limited.latency.mean, u30.latency.mean)).toBeGreaterThan(effect.meanLatency * 1.3);
    expect(pct(limited.latency.mean, u30.latency.mean)).toBeLessThan(effect.meanLatency * 0.7);
    expect(pct(limited.latency.p95, u30.latency.p95)).toBeGreaterThan(effect.p95Latency * 1.3);
    expect(pct(limited.latency.p95, u30.latency.p95)).toBeLessThan(effect.p95Latency * 0.7);
    expect(pct(limited.throughput, u30.throughput)).toBeGreaterThan(effect.throughput * 0.7);
    expect(pct(limited.throughput, u30.throughput)).toBeLessThan(effect.throughput * 1.3);
  }, 60_000);
});

describe('FaaSRank Table II: uncontended cold and warm times', () => {
  test.each(FAASRANK_TABLE2.map((row) => [row.abbr, row] as const))('%s: cold and warm latency within 5 %%', async (_abbr, row) => {
    const fn = faasrank.functions.find((f) => f.name === row.name) as SimFunctionSpec;
    const c = new SimCluster({
      seed: 2, duration: 1,
      nodes: faasrankNodes('aws').slice(0, 1),
      functions: [fn],
      // one request every 100 s: the first is cold, the next ones find the container kept alive (600 s)
      loads: [{ kind: 'constant', target: row.name, rate: 0.01 }],
    });
    const first = await c.advance({ seconds: 110 }); // the first request arrives at t = 100
    expect(first.functions[row.name]!.coldStarts).toBe(1);
    expect(Math.abs(first.functions[row.name]!.latency.mean / row.coldSeconds - 1)).toBeLessThan(0.05);
    const later = await c.advance({ seconds: 490 });
    expect(later.functions[row.name]!.coldStarts).toBe(0);
    expect(Math.abs(later.functions[row.name]!.latency.mean / row.warmSeconds - 1)).toBeLessThan(0.05);
  });
});

describe('Darly §3.3: interference and heterogeneity', () => {
  const framerAlone = async (node: string, stress: number, fnName = 'framer') => {
    const fn = darlyVideo.functions.find((f) => f.name === fnName) as SimFunctionSpec;
    const c = new SimCluster({
      seed: 3, duration: 1,
      nodes: darlyNodes.filter((n) => n.name === node).map((n) => ({ ...n, stress: { kind: 'constant' as const, level: stress } })),
      functions: [{ ...fn, work: (fn.work as number) * 16 }], // a 16-frame request
      loads: [{ kind: 'closed', target: fnName, users: 1, think: 1 }],
    });
    await c.advance({ seconds: 30 }); // past the replica's cold start
    return (await c.advance({ seconds: 600 })).functions[fnName]!.latency.mean;
  };

  test('CPU pressure below 50 % costs little; 75 % costs ~50–60 % for the framer and less for the ML models', async () => {
    const base = await framerAlone('w01', 0);
    const slow = async (s: number, fn?: string) => (await framerAlone('w01', s, fn)) / (fn ? await framerAlone('w01', 0, fn) : base) - 1;
    expect(await slow(0.25)).toBeLessThan(0.02);
    expect(await slow(0.5)).toBeLessThan(0.1);
    const framer75 = await slow(0.75);
    expect(framer75).toBeGreaterThan(0.5);
    expect(framer75).toBeLessThan(0.6);
    const ml75 = await slow(0.75, 'face-analyzer');
    expect(ml75).toBeGreaterThan(0.4);
    expect(ml75).toBeLessThan(framer75);
  });

  test('the 4-vCPU node (w04) is 10–35 % slower than w01', async () => {
    const ratio = (await framerAlone('w04', 0)) / (await framerAlone('w01', 0)) - 1;
    expect(ratio).toBeGreaterThan(0.1);
    expect(ratio).toBeLessThan(0.35);
  });
});

describe('StepConf: mapping delay, memory/CPU coupling and data-transfer tails', () => {
  const video = stepconfVideo.functions[0] as SimFunctionSpec;

  test('Fig. 3: the mapping delay of a step stays small up to ~30–40 parallel instances, then climbs', async () => {
    // Each instance computes 5 s; the step's latency minus 5 s is the delay until its last instance started.
    const mapping = async (p: number) => {
      const c = new SimCluster({
        seed: 4, duration: 1, nodes: stepconfVideo.nodes ?? [{ name: 'n', cores: 64, memoryMb: 131072 }],
        functions: [{ ...video, work: 5 * p, download: 0, upload: 0, keepAlive: 1 }],
        workflows: [{ name: 'step', stages: [{ fn: video.name, parallelism: p }] }],
        // one step every 60 s; keepAlive 1 s, so every step maps onto cold instances
        loads: [{ kind: 'constant', target: 'step', rate: 1 / 60 }],
      });
      return (await c.advance({ seconds: 60 * 40 + 30 })).workflows.step!.latency.mean - 5;
    };
    const [d10, d30, d40, d50, d80] = [await mapping(10), await mapping(30), await mapping(40), await mapping(50), await mapping(80)];
    expect(d30 / d10).toBeLessThan(1.4);
    expect(d40 / d30).toBeLessThan(1.2);
    expect(d50 / d40).toBeGreaterThan(1.5);
    expect(d80 / d50).toBeGreaterThan(2);
  });

  test('Figs. 5–6: single-threaded work stops improving past one vCPU of memory (1769 MB); multi-core work keeps improving', async () => {
    const latency = async (memoryMb: number, threads: number) => {
      const c = new SimCluster({
        seed: 5, duration: 1, nodes: [{ name: 'n', cores: 64, memoryMb: 131072 }],
        functions: [{ ...video, name: 'f', work: 10, threads, download: 0, upload: 0, memoryMb }],
        loads: [{ kind: 'closed', target: 'f', users: 1, think: 1 }],
      });
      await c.advance({ seconds: 30 });
      return (await c.advance({ seconds: 300 })).functions.f!.latency.mean;
    };
    const single = [await latency(885, 1), await latency(1769, 1), await latency(3538, 1), await latency(7076, 1)];
    expect(single[0]! / single[1]!).toBeCloseTo(1769 / 885, 2); // below one vCPU: time ∝ 1/memory
    expect(single[2]! / single[1]!).toBeCloseTo(1, 6); // above: flat
    expect(single[3]! / single[1]!).toBeCloseTo(1, 6);
    const multi = [await latency(1769, 4), await latency(3538, 4), await latency(7076, 4)];
    expect(multi[1]! / multi[0]!).toBeCloseTo(0.5, 2);
    expect(multi[2]! / multi[0]!).toBeCloseTo(0.25, 2);
  });

  test('§2.3: data-transfer delays are long-tailed (p99/p50 ≥ 3)', async () => {
    const c = new SimCluster({
      seed: 6, duration: 1, nodes: [{ name: 'n', cores: 64, memoryMb: 131072 }],
      functions: [{ ...video, name: 'io', work: 0, upload: 0 }],
      loads: [{ kind: 'poisson', target: 'io', rate: 50 }],
    });
    await c.advance({ seconds: 60 });
    const lat = (await c.advance({ seconds: 400 })).functions.io!.latency;
    expect(lat.count).toBeGreaterThan(15_000);
    expect(lat.p99 / lat.p50).toBeGreaterThanOrEqual(3);
  });
});

test('scenario type stays usable from presets', () => {
  const s: ScenarioSpec = { duration: 1, nodes: darlyNodes, functions: darlyVideo.functions, workflows: darlyVideo.workflows, loads: [] };
  expect(new SimCluster(s).nodes().map((n) => n.name)).toEqual(['w01', 'w02', 'w03', 'w04']);
});
