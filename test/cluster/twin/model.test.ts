/** The pieces under the twin's HTTP layer: the engine's end hook, the clock, and the declared-state model. */
import { SimCluster } from '../../../src/cluster/sim/sim-cluster.js';
import type { ScenarioSpec } from '../../../src/cluster/sim/spec.js';
import { TwinClock } from '../../../src/cluster/twin/clock.js';
import { TwinModel } from '../../../src/cluster/twin/model.js';
import { presetNames, presetScenario, resolveTwinScenario } from '../../../src/cluster/twin/scenario-source.js';
import { ConfigError } from '../../../src/core/errors.js';
import { NS, testScenario, until } from './helpers.js';

describe('Engine.submit end hook', () => {
  test('reports ok with the simulated latency, rejected (429) and failed (OOM); does not change the run', () => {
    const spec = testScenario();
    spec.loads = [{ kind: 'poisson', target: 'echo', rate: 1 }];
    const a = new SimCluster(spec);
    const b = new SimCluster(spec);
    const seen: [string, number, boolean][] = [];
    a.engine.runUntil(1);
    b.engine.runUntil(1);
    a.engine.submit('limited', (o, lat, cold) => seen.push([o, lat, cold]));
    a.engine.submit('limited', (o, lat, cold) => seen.push([o, lat, cold])); // over max_inflight 1: rejected at once
    a.engine.submit('hog', (o, lat, cold) => seen.push([o, lat, cold])); // fits: 512 MB >= 300 MB
    b.engine.submit('limited');
    b.engine.submit('limited');
    b.engine.submit('hog');
    expect(seen).toEqual([['rejected', 0, false]]);
    a.engine.runUntil(10);
    b.engine.runUntil(10);
    expect(seen[1]).toEqual(['ok', expect.closeTo(0.2, 9), false]); // hog: 0.1 s of work at 500m
    expect(seen[2]).toEqual(['ok', expect.closeTo(2, 9), false]); // limited: 2 s on one core
    // the hook draws no randomness: both runs are identical
    expect(a.runWindow({ seconds: 0 }).functions).toEqual(b.runWindow({ seconds: 0 }).functions);
    const oom = new SimCluster({ ...testScenario(), functions: [{ name: 'hog', work: 0.1, memoryMb: 128, memoryFootprintMb: 300 }] });
    const out: string[] = [];
    oom.engine.submit('hog', (o) => out.push(o));
    expect(out).toEqual(['failed']);
  });

  test('fires once when a workflow request finishes', () => {
    const spec: ScenarioSpec = {
      duration: 100,
      nodes: [{ name: 'n', cores: 4, memoryMb: 4096 }],
      functions: [{ name: 'a', work: 1, contention: 0 }, { name: 'b', work: 2, contention: 0 }],
      workflows: [{ name: 'wf', stages: ['a', 'b'], edges: [['a', 'b']] }],
      loads: [],
    };
    const c = new SimCluster(spec);
    const ends: [string, number][] = [];
    c.engine.submit('wf', (o, lat) => ends.push([o, lat]));
    c.engine.runUntil(50);
    expect(ends).toEqual([['ok', expect.closeTo(3, 9)]]);
  });
});

describe('TwinClock', () => {
  test('simulated time follows wall time × speed; invocations end after latency / speed', async () => {
    const cluster = new SimCluster(testScenario());
    const clock = new TwinClock(cluster, { speed: 50, tickMs: 20, windowMs: 100_000 });
    clock.start();
    try {
      const t0 = performance.now();
      const done = await new Promise<{ outcome: string; latency: number }>((resolve) => clock.invoke('limited', resolve));
      const wall = performance.now() - t0;
      expect(done).toMatchObject({ outcome: 'ok', latency: expect.closeTo(2, 6) });
      expect(wall).toBeGreaterThanOrEqual(39); // 2 s / 50
      expect(wall).toBeLessThan(40 + 200);
      expect(clock.inflight).toBe(0);
      await new Promise((r) => setTimeout(r, 100));
      clock.catchUp();
      const expected = ((performance.now() - t0) / 1000) * 50;
      expect(cluster.engine.now).toBeGreaterThan(expected - 1);
      expect(cluster.engine.now).toBeLessThan(expected + 5);
    } finally {
      clock.stop();
    }
  });

  test('closes metrics windows and answers gated stages by itself', async () => {
    const spec: ScenarioSpec = {
      duration: 100,
      nodes: [{ name: 'n', cores: 4, memoryMb: 4096 }],
      functions: [{ name: 'a', work: 1 }],
      workflows: [{ name: 'wf', stages: ['a'], gated: true }],
      loads: [],
    };
    const cluster = new SimCluster(spec);
    const snaps: number[] = [];
    const engine = cluster.engine;
    const clock = new TwinClock(cluster, {
      speed: 100, tickMs: 10, windowMs: 50,
      onSnapshot: (s) => snaps.push(s.window),
      decide: (d) => { if (d.kind === 'stage') engine.configureStage(d.id, {}); },
    });
    clock.start();
    try {
      const end = await new Promise<{ outcome: string }>((resolve) => clock.invoke('wf', resolve));
      expect(end.outcome).toBe('ok');
      expect(await until(() => snaps.length >= 2, 5000)).toBe(true);
      expect(snaps.every((w) => w > 0)).toBe(true);
    } finally {
      clock.stop();
    }
  });
});

describe('TwinModel', () => {
  test('initial configuration: quantities, env, placement as nodeSelector or affinity', () => {
    const spec = testScenario();
    spec.functions.push({ name: 'spread', work: 1, nodeSelector: ['n1', 'n2'], cpuMilli: 250, memoryMb: 1536 });
    const m = new TwinModel(new SimCluster(spec), NS, { profile: 'lenient' });
    expect(m.config('echo')).toMatchObject({ replicas: 1, limits: { cpu: '1', memory: '256Mi' }, nodeSelector: { 'kubernetes.io/hostname': 'n1' }, affinityNodes: null, envVars: {} });
    expect(m.config('limited')?.envVars).toEqual({ max_inflight: '1' });
    expect(m.config('spread')).toMatchObject({ limits: { cpu: '250m', memory: '1536Mi' }, nodeSelector: null, affinityNodes: ['n1', 'n2'] });
    expect(m.config('nope')).toBeUndefined();
    expect(JSON.parse(m.dump()).map((c: { name: string }) => c.name)).toEqual(['echo', 'hog', 'limited', 'spread']);
  });

  test('validation refuses what Kubernetes would, naming the field; nothing is applied', async () => {
    const cluster = new SimCluster(testScenario());
    const m = new TwinModel(cluster, NS, { profile: 'lenient' });
    const before = m.dump();
    const cfg = m.config('echo');
    if (!cfg) throw new Error('no echo');
    await expect(m.update('echo', { ...cfg, limits: { cpu: '500m' }, requests: { cpu: '1' } })).rejects.toThrow(/requests\.cpu \(1\) must be less than or equal to limits\.cpu/);
    await expect(m.update('echo', { ...cfg, envVars: { max_inflight: '-2' } })).rejects.toThrow(/max_inflight/);
    await expect(m.update('echo', { ...cfg, affinityNodes: ['n7'] })).rejects.toThrow(/unknown node "n7"/);
    await expect(m.update('echo', { ...cfg, nodeSelector: { zone: 'z' } })).rejects.toThrow(/no node matches/);
    await expect(m.update('echo', { ...cfg, replicas: 1.5 })).rejects.toThrow(/replicas must be a non-negative integer/);
    await expect(m.update('echo', { ...cfg, limits: { cpu: '0' } })).rejects.toThrow(/limits\.cpu must be > 0/);
    await expect(m.update('echo', { ...cfg, templateLabels: {} })).rejects.toThrow(/selector does not match template labels/);
    await expect(m.update('echo', { ...cfg, name: 'x' })).rejects.toThrow(/immutable/);
    await expect(m.scale('ghost', 1)).rejects.toThrow(ConfigError);
    expect(m.dump()).toBe(before);
  });

  test('replicas that do not fit stay pending and start when room frees up', async () => {
    const cluster = new SimCluster(testScenario());
    const m = new TwinModel(cluster, NS, { profile: 'lenient' });
    // echo is pinned to n1 (4 cores) where limited or hog may sit too: ask for 6 replicas of 1 core
    const r = await m.scale('echo', 6);
    expect(r.config.replicas).toBe(6);
    const fitted = cluster.engine.fnByName.get('echo')?.desired ?? 0;
    expect(fitted).toBeLessThan(6);
    expect(m.view('echo').pending).toBe(6 - fitted);
    expect(r.warnings.join(' ')).toMatch(/no node has room/);
    // free n1 entirely: move the others to n2, then sync retries the scale
    for (const other of ['limited', 'hog']) {
      const c = m.config(other);
      if (c) await m.update(other, { ...c, nodeSelector: { zone: 'b' } });
    }
    cluster.engine.runUntil(cluster.engine.now + 30); // migrations finish, old replicas drain
    m.sync();
    expect(cluster.engine.fnByName.get('echo')?.desired).toBe(4);
    expect(m.view('echo').pending).toBe(2);
  });

  test('follows the simulator when it scales by itself (scale from zero)', async () => {
    const cluster = new SimCluster(testScenario());
    const m = new TwinModel(cluster, NS, { profile: 'lenient' });
    await m.scale('echo', 0);
    cluster.engine.runUntil(1);
    expect(m.view('echo').replicas).toHaveLength(0);
    cluster.engine.submit('echo');
    m.sync();
    expect(m.config('echo')?.replicas).toBe(1);
  });
});

describe('scenario sources', () => {
  test('every preset becomes a scenario with a modest load (or none)', () => {
    for (const name of presetNames()) {
      const s = presetScenario(name);
      expect(s.nodes.length).toBeGreaterThan(0);
      expect(s.loads.every((l) => l.kind === 'poisson' && l.rate === 0.5)).toBe(true);
      expect(() => new SimCluster(s)).not.toThrow();
    }
    expect(presetScenario('faasrank', { rate: 0 }).loads).toEqual([]);
    expect(() => presetScenario('faasrank', { rate: -1 })).toThrow(/rate must be/);
    expect(resolveTwinScenario('configs/scenarios/mm1.yaml').name).toBe('mm1');
    expect(() => resolveTwinScenario('bogus')).toThrow(/neither a scenario file/);
  });
});
