/**
 * Every ConfigChange has its effect, in the expected direction.
 */
import { SimCluster } from '../../../src/cluster/sim/sim-cluster.js';
import type { ScenarioSpec, SimFunctionSpec } from '../../../src/cluster/sim/spec.js';
import { canSetUsers, type Cluster } from '../../../src/cluster/types.js';

function oneFunction(fn: Partial<SimFunctionSpec>, load: ScenarioSpec['loads'][number] | null, nodes = 2): ScenarioSpec {
  return {
    seed: 7,
    duration: 1,
    nodes: Array.from({ length: nodes }, (_, i) => ({ name: `n${i}`, cores: 8, memoryMb: 16384 })),
    functions: [{ name: 'f', work: { kind: 'exponential', mean: 0.1 }, cpuMilli: 1000, memoryMb: 512, ...fn }],
    loads: load ? [load] : [],
  };
}

const poisson = (rate: number) => ({ kind: 'poisson' as const, target: 'f', rate });

describe('scale', () => {
  test('more replicas lower latency under load', async () => {
    const run = async (replicas: number) => {
      const c = new SimCluster(oneFunction({ replicas }, poisson(18)));
      await c.advance({ seconds: 50 });
      return (await c.advance({ seconds: 2000 })).functions.f!;
    };
    const two = await run(2), four = await run(4);
    expect(four.latency.mean).toBeLessThan(two.latency.mean * 0.6);
    expect(four.instances.total).toBeCloseTo(4, 5);
  });

  test('scaling out at runtime starts replicas that serve after their cold start', async () => {
    const c = new SimCluster(oneFunction({ replicas: 1, coldStart: 2 }, poisson(5)));
    await c.advance({ seconds: 10 });
    const res = await c.apply([{ kind: 'scale', fn: 'f', replicas: 3 }]);
    expect(res.rejected).toEqual([]);
    expect(res.functions).toEqual(c.functions()); // the state the change left, without a second read
    expect(res.functions[0]!.desiredReplicas).toBe(3);
    expect(c.functions()[0]!.replicas.map((r) => r.phase).sort()).toEqual(['ready', 'starting', 'starting']);
    const s = await c.advance({ seconds: 10 });
    expect(s.functions.f!.replicaStarts).toBe(2); // started by apply(), counted in the window that follows
    expect(c.functions()[0]!.replicas.every((r) => r.phase === 'ready')).toBe(true);
    expect(c.functions()[0]!.desiredReplicas).toBe(3);
    // starting replicas are instances too (they hold their resources and are billed)
    expect(s.functions.f!.instances.total).toBeCloseTo(3, 5);
  });

  test('scaling in drains: in-flight requests finish, nothing is lost', async () => {
    const c = new SimCluster(oneFunction({ replicas: 4, work: 1 }, poisson(3)));
    await c.advance({ seconds: 30 });
    await c.apply([{ kind: 'scale', fn: 'f', replicas: 1 }]);
    const s = await c.advance({ seconds: 200 });
    expect(c.functions()[0]!.replicas).toHaveLength(1);
    expect(s.functions.f!.failed + s.functions.f!.rejected).toBe(0);
  });

  test('a node that cannot fit another replica is reported, not ignored', async () => {
    const c = new SimCluster(oneFunction({ replicas: 1, cpuMilli: 6000 }, null, 1));
    const res = await c.apply([{ kind: 'scale', fn: 'f', replicas: 2 }]);
    expect(res.rejected[0]?.reason).toBe('no node has room for replica 2 of f (6000m CPU, 512 MB)');
    expect(c.functions()[0]!.replicas).toHaveLength(1);
  });
});

describe('resize', () => {
  test('lower CPU raises latency; a single-threaded request cannot use more than one core', async () => {
    const run = async (cpuMilli: number, threads = 1) => {
      const c = new SimCluster(oneFunction({ replicas: 1, maxInflight: 1, work: 0.5, threads }, { kind: 'closed', target: 'f', users: 1 }));
      await c.apply([{ kind: 'resize', fn: 'f', cpuMilli }]);
      return (await c.advance({ seconds: 100 })).functions.f!.latency.mean;
    };
    expect(await run(500)).toBeCloseTo(1.0, 6); // half a core: 0.5 s of work takes 1 s
    expect(await run(1000)).toBeCloseTo(0.5, 6);
    expect(await run(4000)).toBeCloseTo(0.5, 6); // single-threaded: extra cores do not help
    expect(await run(4000, 4)).toBeCloseTo(0.125, 6); // 4 threads use all 4 cores
  });

  test('memory below the footprint fails every request (OOM)', async () => {
    const c = new SimCluster(oneFunction({ memoryFootprintMb: 300 }, poisson(2)));
    await c.apply([{ kind: 'resize', fn: 'f', memoryMb: 256 }]);
    const s = await c.advance({ seconds: 100 });
    expect(s.functions.f!.failed).toBe(s.functions.f!.requests);
    expect(s.functions.f!.successes).toBe(0);
    await c.apply([{ kind: 'resize', fn: 'f', memoryMb: 512 }]);
    const t = await c.advance({ seconds: 100 });
    expect(t.functions.f!.failed).toBe(0);
  });

  test('invalid values are rejected with a reason', async () => {
    const c = new SimCluster(oneFunction({}, null));
    const res = await c.apply([{ kind: 'resize', fn: 'f', cpuMilli: -5 }, { kind: 'resize', fn: 'nope', cpuMilli: 5 }]);
    expect(res.rejected.map((r) => r.reason)).toEqual(['cpuMilli must be a finite number > 0, got -5', 'unknown function "nope"']);
    expect(res.functions).toEqual(c.functions());
    expect(res.functions[0]!.limits.cpuMilli).toBeGreaterThan(0); // the refused resize left the function as it was
  });
});

describe('concurrency', () => {
  test('maxInflight with overflow reject answers 429 beyond the limit', async () => {
    // two single-threaded slots on two cores: an M/G/2/2 loss system
    const c = new SimCluster(oneFunction({ replicas: 1, maxInflight: 2, overflow: 'reject', work: 1, cpuMilli: 2000 }, poisson(4)));
    const s = await c.advance({ seconds: 20_000 });
    const f = s.functions.f!;
    expect(f.rejected).toBeGreaterThan(0.3 * f.requests);
    expect(f.successes + f.rejected).toBeGreaterThan(f.requests - 5);
    // Erlang loss (insensitive to the work distribution): 2 slots, offered load a = 4, blocking B(2, 4) = 8/13
    expect(Math.abs(f.rejected / f.requests / (8 / 13) - 1)).toBeLessThan(0.02);
  });

  test('lowering maxInflight at runtime takes effect as in-flight requests finish', async () => {
    const scenario = (maxInflight: number) => oneFunction({ replicas: 1, maxInflight, work: 0.5, cpuMilli: 1000 }, { kind: 'closed', target: 'f', users: 10 });
    const lowered = new SimCluster(scenario(10));
    await lowered.advance({ seconds: 100 });
    await lowered.apply([{ kind: 'concurrency', fn: 'f', maxInflight: 1 }]);
    await lowered.advance({ seconds: 20 }); // in-flight requests drain
    const after = await lowered.advance({ seconds: 500 });
    const fromStart = new SimCluster(scenario(1));
    await fromStart.advance({ seconds: 120 });
    const reference = await fromStart.advance({ seconds: 500 });
    // with the limit at 1 a replica never holds more than one request
    expect(after.functions.f!.inflight).toBeLessThanOrEqual(1);
    expect(after.functions.f!.inflight).toBeCloseTo(reference.functions.f!.inflight, 2);
    expect(after.functions.f!.latency.mean).toBeCloseTo(reference.functions.f!.latency.mean, 0);
  });

  test('raising maxInflight drains the queue into the replica', async () => {
    const c = new SimCluster(oneFunction({ replicas: 1, maxInflight: 1, work: 1, cpuMilli: 8000 }, null));
    const cluster = c as SimCluster;
    await cluster.apply([{ kind: 'concurrency', fn: 'f', maxInflight: 8 }]);
    expect(cluster.functions()[0]!.maxInflight).toBe(8);
  });
});

describe('migrate and place', () => {
  test('migration moves the replica by a rolling update that pays one cold start', async () => {
    const c = new SimCluster(oneFunction({ replicas: 1, coldStart: 3 }, poisson(2)));
    await c.advance({ seconds: 20 });
    const before = c.functions()[0]!.replicas[0]!.node;
    const to = before === 'n0' ? 'n1' : 'n0';
    expect((await c.apply([{ kind: 'migrate', fn: 'f', to }])).rejected).toEqual([]);
    // during the cold start the old replica keeps serving
    const mid = await c.advance({ seconds: 2 });
    expect(mid.functions.f!.replicaStarts).toBe(1);
    expect(c.functions()[0]!.replicas.map((r) => `${r.node}:${r.phase}`).sort()).toEqual([`${before}:ready`, `${to}:starting`].sort());
    const after = await c.advance({ seconds: 20 });
    expect(c.functions()[0]!.replicas.map((r) => r.node)).toEqual([to]);
    expect(after.functions.f!.failed + after.functions.f!.rejected + mid.functions.f!.failed).toBe(0);
    expect(after.functions.f!.coldStarts + mid.functions.f!.coldStarts).toBe(0); // nobody waited for the new replica
  });

  test('place pins replicas to the given nodes and rolls the others', async () => {
    const c = new SimCluster(oneFunction({ replicas: 4 }, null, 3));
    await c.apply([{ kind: 'place', fn: 'f', nodes: ['n2'] }]);
    await c.advance({ seconds: 5 });
    expect(c.functions()[0]!.replicas.map((r) => r.node)).toEqual(['n2', 'n2', 'n2', 'n2']);
    expect((await c.apply([{ kind: 'place', fn: 'f', nodes: ['zz'] }])).rejected[0]?.reason).toBe('unknown node "zz"');
  });
});

describe('prewarm', () => {
  test('prewarmed per-request instances remove the cold start', async () => {
    const scenario = oneFunction({ scaling: 'per-request', coldStart: 2, work: 0.1, keepAlive: 600 }, null);
    const cold = new SimCluster({ ...scenario, loads: [{ kind: 'constant', target: 'f', rate: 0.01 }] });
    const a = await cold.advance({ seconds: 150 });
    expect(a.functions.f!.coldStarts).toBe(1);
    expect(a.functions.f!.latency.mean).toBeCloseTo(2.1, 6);

    const warm = new SimCluster({ ...scenario, loads: [{ kind: 'constant', target: 'f', rate: 0.01 }] });
    await warm.apply([{ kind: 'prewarm', fn: 'f', count: 1 }]);
    const b = await warm.advance({ seconds: 150 });
    expect(b.functions.f!.coldStarts).toBe(0);
    expect(b.functions.f!.latency.mean).toBeCloseTo(0.1, 6);
  });

  test('prewarm in replicas mode adds ready capacity', async () => {
    const c = new SimCluster(oneFunction({ replicas: 1 }, null));
    await c.apply([{ kind: 'prewarm', fn: 'f', count: 2 }]);
    await c.advance({ seconds: 1 });
    expect(c.functions()[0]!.replicas.filter((r) => r.phase === 'ready')).toHaveLength(3);
  });
});

describe('scale from zero and keep-alive (replicas mode)', () => {
  test('the first request starts a replica and waits for it; idle replicas scale to zero after keepAlive', async () => {
    const c = new SimCluster(oneFunction({ replicas: 0, coldStart: 4, work: 0.5, keepAlive: 30 }, { kind: 'constant', target: 'f', rate: 1 / 100 }));
    // the first request arrives at t = 100, its replica is ready at 104
    const s = await c.advance({ seconds: 110 });
    const f = s.functions.f!;
    expect(f.requests).toBe(1);
    expect(f.coldStarts).toBe(1);
    expect(f.latency.mean).toBeCloseTo(4.5, 6);
    expect(f.instances.total).toBeCloseTo(10 / 110, 9); // alive from t = 100
    expect(c.functions()[0]!.replicas).toHaveLength(1);
    // idle from t = 104.5: scaled to zero at 134.5, before the next request at 200
    await c.advance({ seconds: 30 });
    expect(c.functions()[0]!.replicas).toHaveLength(0);
    const t = await c.advance({ seconds: 70 });
    expect(t.functions.f!.coldStarts).toBe(1);
  });
});

test('initial replicas that fit on no node are a ConfigError naming the function, not a silent gap', () => {
  expect(() => new SimCluster(oneFunction({ replicas: 3, cpuMilli: 6000 }, null, 2))).toThrow(
    'functions[0].replicas: no node has room for replica 3 of "f" (6000m CPU, 512 MB requested per replica)',
  );
});

describe('optional capabilities', () => {
  test('setUsers is found by its type guard: the simulator offers it, a Cluster without it does not', async () => {
    const sim = new SimCluster(oneFunction({}, { kind: 'closed', target: 'f', users: 2 }));
    expect(canSetUsers(sim)).toBe(true);
    const plain: Cluster = { nodes: () => sim.nodes(), functions: () => sim.functions(), apply: (c) => sim.apply(c), advance: (w) => sim.advance(w), close: () => sim.close() };
    expect(canSetUsers(plain)).toBe(false);
    sim.setUsers(0, 5);
    expect(() => sim.setUsers(0, -1)).toThrow('setUsers: users must be a non-negative integer, got -1');
  });
});
