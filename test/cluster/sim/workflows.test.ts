/**
 * Workflow DAGs: sequence, fan-out + join, probabilistic branch, per-stage
 * parallelism, failure propagation; and exact determinism under a seed.
 */
import { SimCluster } from '../../../src/cluster/sim/sim-cluster.js';
import type { ScenarioSpec, SimWorkflowSpec } from '../../../src/cluster/sim/spec.js';

const NODES = [{ name: 'n0', cores: 16, memoryMb: 32768 }];

function scenario(works: Record<string, number>, workflow: Omit<SimWorkflowSpec, 'name'>, extra: Partial<ScenarioSpec> = {}): ScenarioSpec {
  return {
    seed: 1,
    duration: 1,
    nodes: NODES,
    functions: Object.entries(works).map(([name, work]) => ({ name, work, cpuMilli: 1000, contention: 0 })),
    workflows: [{ name: 'wf', ...workflow }],
    loads: [{ kind: 'closed', target: 'wf', users: 1, think: 1 }],
    ...extra,
  };
}

test('a sequence takes the sum of its stages', async () => {
  const c = new SimCluster(scenario({ a: 0.1, b: 0.2, c: 0.3 }, { stages: ['a', 'b', 'c'], edges: [['a', 'b'], ['b', 'c']] }));
  const s = await c.advance({ seconds: 100 });
  expect(s.workflows.wf!.latency.mean).toBeCloseTo(0.6, 9);
  expect(s.workflows.wf!.latency.p99).toBeCloseTo(0.6, 2);
  expect(s.workflows.wf!.completed).toBe(Math.floor(100 / 1.6) + 1);
});

test('fan-out then join waits for the slowest branch', async () => {
  const c = new SimCluster(scenario({ a: 0.1, b: 0.5, c: 0.2, d: 0.1 }, {
    stages: ['a', 'b', 'c', 'd'],
    edges: [['a', 'b'], ['a', 'c'], ['b', 'd'], ['c', 'd']],
  }));
  const s = await c.advance({ seconds: 100 });
  expect(s.workflows.wf!.latency.mean).toBeCloseTo(0.7, 9);
  const n = s.workflows.wf!.completed;
  expect(s.functions.d!.successes).toBe(n); // the join ran once per request, not once per branch
  expect(s.functions.b!.successes).toBe(n);
});

test('a probabilistic branch takes one path, with its probability, and the join still fires', async () => {
  const c = new SimCluster(scenario({ a: 0.1, b: 0.3, c: 0.1, d: 0.1 }, {
    stages: ['a', 'b', 'c', 'd'],
    branches: [{ from: 'a', to: ['b', 'c'], probs: [0.25, 0.75] }],
    edges: [['b', 'd'], ['c', 'd']],
  }, { loads: [{ kind: 'poisson', target: 'wf', rate: 2 }] }));
  const s = await c.advance({ seconds: 20_000 });
  const n = s.workflows.wf!.completed;
  expect(n).toBeGreaterThan(35_000);
  const pb = s.functions.b!.successes / n;
  expect(Math.abs(pb - 0.25)).toBeLessThan(4 * Math.sqrt((0.25 * 0.75) / n));
  expect(s.functions.b!.successes + s.functions.c!.successes).toBe(n);
  expect(s.functions.d!.successes).toBe(n);
});

test('stage parallelism splits the work over parallel invocations', async () => {
  const c = new SimCluster({
    seed: 1, duration: 1, nodes: NODES,
    functions: [{ name: 'map', work: 4, scaling: 'per-request', memoryMb: 1769, cpuPerMemoryMb: 1769 }],
    workflows: [{ name: 'wf', stages: [{ fn: 'map', parallelism: 8 }] }],
    loads: [{ kind: 'closed', target: 'wf', users: 1, think: 1 }],
  });
  const s = await c.advance({ seconds: 60 });
  expect(s.workflows.wf!.latency.mean).toBeCloseTo(0.5, 9);
  expect(s.functions.map!.successes).toBe(8 * s.workflows.wf!.completed);
  expect(s.functions.map!.replicaStarts).toBe(8); // eight instances, reused warm by later requests
});

test('a failing stage fails the workflow request', async () => {
  const sc = scenario({ a: 0.1, b: 0.1 }, { stages: ['a', 'b'], edges: [['a', 'b']] });
  sc.functions[1] = { name: 'b', work: 0.1, memoryMb: 128, memoryFootprintMb: 256 };
  const s = await new SimCluster(sc).advance({ seconds: 50 });
  expect(s.workflows.wf!.completed).toBe(0);
  expect(s.workflows.wf!.failed).toBe(s.workflows.wf!.requests);
  expect(s.functions.b!.failed).toBe(s.workflows.wf!.requests);
});

describe('determinism', () => {
  const busy = (seed: number): ScenarioSpec => ({
    seed, duration: 1,
    nodes: [{ name: 'n0', cores: 4, memoryMb: 8192, stress: { kind: 'random', levels: [0, 0.25, 0.5, 0.75], every: 7 } }, { name: 'n1', cores: 4, memoryMb: 8192, speed: 0.8 }],
    functions: [
      { name: 'a', work: { kind: 'exponential', mean: 0.05 }, replicas: 2, coldStart: { kind: 'lognormal', median: 0.5, sigma: 0.3 } },
      { name: 'b', work: { kind: 'lognormal', median: 0.08, sigma: 0.5 }, maxInflight: 3, download: { kind: 'lognormal', median: 0.02, sigma: 0.6 } },
      { name: 'c', work: { kind: 'uniform', low: 0.01, high: 0.1 }, scaling: 'per-request', keepAlive: 5, coldStart: 0.3 },
    ],
    workflows: [{ name: 'wf', stages: ['a', 'b', 'c'], edges: [['a', 'b']], branches: [{ from: 'b', to: ['c'], probs: [1] }] }],
    loads: [{ kind: 'poisson', target: 'wf', rate: 15 }, { kind: 'closed', target: 'c', users: 5, spawnRate: 1, think: { kind: 'exponential', mean: 0.5 } }],
  });

  async function trajectory(seed: number) {
    const c = new SimCluster(busy(seed));
    const out = [];
    for (let k = 0; k < 5; k++) {
      if (k === 2) await c.apply([{ kind: 'scale', fn: 'a', replicas: 3 }, { kind: 'migrate', fn: 'b', to: 'n1' }]);
      out.push(await c.advance({ seconds: 30 }));
    }
    return out;
  }

  test('the same scenario and seed give identical snapshots, bit for bit', async () => {
    const first = await trajectory(42);
    expect(await trajectory(42)).toEqual(first);
    expect(JSON.stringify(await trajectory(42))).toBe(JSON.stringify(first));
    expect(first[4]!.workflows.wf!.completed).toBeGreaterThan(100);
  });

  test('a different seed gives a different run', async () => {
    expect(JSON.stringify(await trajectory(43))).not.toBe(JSON.stringify(await trajectory(42)));
  });
});
