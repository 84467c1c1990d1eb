/**
 * DecisionControl: OpenWhisk-style invoker routing (FaaSRank) and gated
 * workflow stages (StepConf).
 */
import { SimCluster } from '../../../src/cluster/sim/sim-cluster.js';
import type { ScenarioSpec, SimFunctionSpec } from '../../../src/cluster/sim/spec.js';
import type { DecisionPoint } from '../../../src/cluster/types.js';

const invokerFn = (name: string, extra: Partial<SimFunctionSpec> = {}): SimFunctionSpec => ({
  name, work: 1, coldStart: 2, scaling: 'per-request', dispatch: 'invoker', scheduler: 'external', memoryMb: 256, cpuMilli: 1000, keepAlive: 600, ...extra,
});

function invokers(functions: SimFunctionSpec[], loads: ScenarioSpec['loads'], memory = 512): ScenarioSpec {
  return {
    seed: 1, duration: 1,
    nodes: [{ name: 'inv0', cores: 8, memoryMb: 8192, functionMemoryMb: memory }, { name: 'inv1', cores: 8, memoryMb: 8192, functionMemoryMb: memory }],
    functions,
    loads,
  };
}

describe('invoker routing', () => {
  test('each arrival is a route decision; a container on the chosen invoker is reused warm', async () => {
    const c = new SimCluster(invokers([invokerFn('f')], [{ kind: 'trace', target: 'f', counts: [3], secondsPerMinute: 30 }]));
    const ctl = c.control;
    const seen: DecisionPoint[] = [];
    for (let d = await ctl.nextDecision(); d; d = await ctl.nextDecision()) {
      seen.push(d);
      expect(d).toMatchObject({ kind: 'route', fn: 'f' });
      ctl.route(d.id, 'inv0');
    }
    expect(seen).toHaveLength(3);
    const s = await c.advance({ seconds: 0 });
    expect(s.functions.f!.successes).toBe(3);
    expect(ctl.inflightNow()).toBe(0);
    // the window runs from construction, so it holds all three; the first was cold, later ones found it warm
    expect(s.functions.f!.requests).toBe(3);
    expect(s.functions.f!.replicaStarts).toBeLessThanOrEqual(2);
    expect(s.functions.f!.coldStarts).toBe(s.functions.f!.replicaStarts);
  });

  test('warm containers are reused, the container memory bounds concurrency, and waiting invocations start when memory frees', async () => {
    // 512 MB of container memory = two 256 MB containers; three long invocations arrive together
    const c = new SimCluster(invokers([invokerFn('f', { work: 10, coldStart: 1 })], [{ kind: 'trace', target: 'f', counts: [3], secondsPerMinute: 0.001 }]));
    const ctl = c.control;
    const ids: number[] = [];
    for (let d = await ctl.nextDecision(0.01); d; d = await ctl.nextDecision(0.01)) {
      ids.push(d.id);
      ctl.route(d.id, 'inv0');
    }
    expect(ids).toHaveLength(3);
    const state = ctl.invokers('f');
    expect(state[0]).toMatchObject({ node: 'inv0', memoryMb: 512, memoryFreeMb: 0, inflight: 0, queued: 1, containers: 2 });
    expect(state[1]).toMatchObject({ node: 'inv1', memoryFreeMb: 512, containers: 0 });
    const s = await c.advance({ seconds: 30 });
    const lat = s.functions.f!.latency;
    expect(s.functions.f!.successes).toBe(3);
    // two ran cold (1 s + 10 s); the third reused a warm container as soon as one finished (≈ 11 s + 10 s)
    expect(lat.max).toBeCloseTo(21, 1);
    expect(s.functions.f!.replicaStarts).toBe(2);
    expect(s.functions.f!.coldStarts).toBe(2); // the third waited for memory, then ran warm
    expect(ctl.invokers('f')[0]).toMatchObject({ warm: 2, containers: 2, queued: 0 });
  });

  test('with eviction: the LRU idle container of another function makes room', async () => {
    const spec = invokers([invokerFn('a', { work: 0.1 }), invokerFn('b', { work: 0.1 }), invokerFn('c', { work: 0.1 })], []);
    const c = new SimCluster(spec);
    const ctl = c.control;
    const run = async (fn: string) => {
      ctl.submit(fn);
      const d = await ctl.nextDecision(0);
      ctl.route((d as DecisionPoint).id, 'inv0');
      await ctl.nextDecision(10);
    };
    await run('a'); // t ≈ 2.1: a idle
    await run('b'); // b idle; inv0 full (2 × 256 MB)
    await run('c'); // evicts a (least recently used)
    const names = ['a', 'b', 'c'].map((f) => ctl.invokers(f)[0]!.containers);
    expect(names).toEqual([0, 1, 1]);
  });

  test('OpenWhisk hashing sends a function to its home invoker while it has room', async () => {
    const spec = invokers([invokerFn('f', { scheduler: 'hash', work: 0.1 })], [{ kind: 'poisson', target: 'f', rate: 0.2 }], 2048);
    const c = new SimCluster(spec);
    const s = await c.advance({ seconds: 2000 });
    const st = c.control.invokers('f');
    expect(s.functions.f!.successes).toBeGreaterThan(300);
    // all containers on one (home) invoker, reused warm (a second one only if an arrival came during a cold start)
    expect(st.filter((x) => x.containers > 0)).toHaveLength(1);
    expect(s.functions.f!.replicaStarts).toBeLessThanOrEqual(3);
    expect(s.functions.f!.coldStarts).toBe(s.functions.f!.replicaStarts);
  });

  test('the in-flight integral equals the sum of completion times of a finite workload', async () => {
    const c = new SimCluster(invokers([invokerFn('f', { work: { kind: 'exponential', mean: 0.5 } }), invokerFn('g', { work: 0.3 })], [
      { kind: 'trace', target: 'f', counts: [40, 10, 25], secondsPerMinute: 5 },
      { kind: 'trace', target: 'g', counts: [5, 30], secondsPerMinute: 5 },
    ], 1024));
    const ctl = c.control;
    let k = 0;
    for (let d = await ctl.nextDecision(); d; d = await ctl.nextDecision()) ctl.route(d.id, k++ % 2 ? 'inv0' : 'inv1');
    expect(k).toBe(110);
    const s = await c.advance({ seconds: 0 });
    const total = s.functions.f!.latency.mean * s.functions.f!.latency.count + s.functions.g!.latency.mean * s.functions.g!.latency.count;
    expect(s.functions.f!.successes + s.functions.g!.successes).toBe(110);
    expect(ctl.inflightIntegral()).toBeCloseTo(total, 6);
  });

  test('routing to an unknown node or a stale decision is refused', async () => {
    const c = new SimCluster(invokers([invokerFn('f')], [{ kind: 'constant', target: 'f', rate: 1 }]));
    const d = (await c.control.nextDecision()) as DecisionPoint;
    expect(() => c.control.route(d.id, 'nope')).toThrow('route: unknown node "nope"');
    c.control.route(d.id, 'inv0');
    expect(() => c.control.route(d.id, 'inv0')).toThrow(`no pending route decision ${d.id}`);
  });
});

describe('gated workflow stages', () => {
  const lambda = (name: string, work: number): SimFunctionSpec => ({
    name, work, coldStart: 0.5, download: 0.2, upload: 0.1, scaling: 'per-request', memoryMb: 1769, cpuPerMemoryMb: 1769, keepAlive: 600,
  });
  const gated: ScenarioSpec = {
    seed: 2, duration: 1,
    nodes: [{ name: 'n', cores: 64, memoryMb: 131072 }],
    functions: [lambda('split', 8), lambda('merge', 1)],
    workflows: [{ name: 'job', stages: ['split', 'merge'], edges: [['split', 'merge']], gated: true }],
    loads: [],
  };

  test('each ready stage is a decision; its configuration applies; reports break the stage into its phases', async () => {
    const c = new SimCluster(gated);
    const ctl = c.control;
    ctl.submit('job');
    const first = (await ctl.nextDecision()) as DecisionPoint;
    expect(first).toMatchObject({ kind: 'stage', workflow: 'job', stage: 'split', fn: 'split', time: 0, requestStart: 0 });
    // 4 instances of 2 × 1769 MB (two vCPUs), each using both cores: 8 s of work / 4 / 2 = 1 s
    ctl.configureStage(first.id, { memoryMb: 3538, parallelism: 4, threads: 2 });
    const second = (await ctl.nextDecision()) as DecisionPoint;
    expect(second).toMatchObject({ kind: 'stage', stage: 'merge' });
    const [split] = ctl.takeStageReports();
    expect(split).toMatchObject({ stage: 'split', parallelism: 4, memoryMb: 3538, threads: 2, failed: 0 });
    expect(split!.mappingDelay).toBeCloseTo(0.5, 9); // all four cold-start together
    expect(split!.download).toBeCloseTo(0.2, 9);
    expect(split!.compute).toBeCloseTo(1, 9);
    expect(split!.upload).toBeCloseTo(0.1, 9);
    expect(split!.completedAt - split!.firedAt).toBeCloseTo(0.5 + 0.2 + 1 + 0.1, 9);
    // Lambda cost: 4 invocations × 1.3 s × 3.455 GB × price + 4 requests
    expect(split!.costUsd).toBeCloseTo(4 * (1.3 * (3538 / 1024) * 0.0000166667 + 0.2e-6), 12);
    ctl.configureStage(second.id, {});
    expect(await ctl.nextDecision()).toBeNull();
    const [merge] = ctl.takeStageReports();
    expect(merge).toMatchObject({ stage: 'merge', parallelism: 1, memoryMb: 1769, threads: 1 });
    expect(merge!.compute).toBeCloseTo(1, 9);
    const s = await c.advance({ seconds: 0 });
    expect(s.workflows.job!.completed).toBe(1);
  });

  test('a stage configured below its memory footprint fails the request, and the report says so', async () => {
    const c = new SimCluster({ ...gated, functions: [{ ...lambda('split', 8), memoryFootprintMb: 1000 }, lambda('merge', 1)] });
    c.control.submit('job');
    const d = (await c.control.nextDecision()) as DecisionPoint;
    c.control.configureStage(d.id, { memoryMb: 512, parallelism: 2 });
    expect(await c.control.nextDecision()).toBeNull();
    expect(c.control.takeStageReports()).toMatchObject([{ stage: 'split', failed: 1 }]);
    expect((await c.advance({ seconds: 0 })).workflows.job!.failed).toBe(1);
  });

  test('invalid stage configurations are refused with the value', async () => {
    const c = new SimCluster(gated);
    c.control.submit('job');
    const d = (await c.control.nextDecision()) as DecisionPoint;
    expect(() => c.control.configureStage(d.id, { parallelism: 0 })).toThrow('configureStage: parallelism must be a positive integer, got 0');
    expect(() => c.control.configureStage(d.id, { memoryMb: -1 })).toThrow('configureStage: memoryMb must be a finite number > 0, got -1');
    expect(() => c.control.configureStage(d.id + 1, {})).toThrow(`no pending stage decision ${d.id + 1}`);
  });
});
