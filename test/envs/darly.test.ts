import { readFileSync } from 'node:fs';
import { registerBackend } from '../../envs/common/backend.js';
import { schemaTable } from '../../envs/common/config.js';
import {
  DARLY_IDS, DARLY_NODES, DARLY_SCHEMA, DarlyEnv, darlyStepReward, describeAction, mapperFor, observationLabels, qosTargetAt,
  type ClusterView, type MapperName,
} from '../../envs/darly/index.js';
import { SimCluster } from '../../src/cluster/sim/sim-cluster.js';
import type { Cluster, ClusterSnapshot, FunctionState, NodeInfo } from '../../src/cluster/types.js';
import { BackendError, ConfigError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/rng.js';
import { checkEnv } from '../../src/registry/checker.js';
import { make } from '../../src/registry/index.js';
import type { Env } from '../../src/core/env.js';
import type { Wrapper } from '../../src/core/wrappers/wrapper.js';

const MAPPERS: MapperName[] = ['fullmap', 'custom', 'kubernetes', 'profile'];

/** Live (not draining) replica nodes of every function, sorted: the placement. */
function placement(cluster: Cluster): Record<string, string[]> {
  return Object.fromEntries(cluster.functions().map((f) => [f.name, f.replicas.filter((r) => r.phase !== 'draining').map((r) => r.node).sort()]));
}

function actionIndex(env: DarlyEnv, text: string): number {
  const i = env.actions.findIndex((a) => describeAction(a) === text);
  if (i < 0) throw new Error(`no action ${text} in ${env.id}`);
  return i;
}

describe('registration and the checker', () => {
  test.each(MAPPERS)('%s passes checkEnv', async (mapper) => {
    const env = make(DARLY_IDS[mapper]) as Env<unknown, unknown>;
    expect(env.spec?.maxEpisodeSteps).toBe(500);
    const report = await checkEnv(env, { steps: 60 });
    expect(report.failed).toEqual([]);
    expect(report.passed).toContain('deterministic');
  });

  test('spaces: 34 observations and 23/17/11/11 actions in the paper setting; 38 and 29/20/14/14 with the uploader', () => {
    const sizes = (controlled: 'paper' | 'all') => MAPPERS.map((m) => {
      const env = new DarlyEnv(m, { controlled });
      return [env.observationSpace.shape[0], env.actionSpace.n];
    });
    expect(sizes('paper')).toEqual([[34, 23], [34, 17], [34, 11], [34, 11]]);
    expect(sizes('all')).toEqual([[38, 29], [38, 20], [38, 14], [38, 14]]);
    const env = new DarlyEnv('kubernetes');
    expect(env.actions.map(describeAction)).toEqual([
      'noop', 'migrate framer -> (mapper)',
      'scale-out face-detector', 'scale-in face-detector', 'migrate face-detector -> (mapper)',
      'scale-out face-analyzer', 'scale-in face-analyzer', 'migrate face-analyzer -> (mapper)',
      'scale-out object-recognition', 'scale-in object-recognition', 'migrate object-recognition -> (mapper)',
    ]);
    expect(new DarlyEnv('custom').actions.filter((a) => a.kind === 'migrate' && a.to !== null).map((a) => (a as { fn: string }).fn))
      .toEqual([...Array(4).fill('framer'), ...Array(4).fill('face-detector')]);
    const labels = observationLabels(env.layout);
    expect(labels).toHaveLength(34);
    expect(labels.slice(0, 4)).toEqual(['w01.ipc', 'w01.l3Misses', 'w01.c0', 'w01.c6']);
    expect(labels.slice(16, 18)).toEqual(['framer@w01', 'framer@w02']);
    expect(labels.slice(-2)).toEqual(['qosTarget', 'lastLatency']);
  });

  test('bad config is a ConfigError naming the field', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ qosTarget: 30 }, 'Darly-Custom-v0: config.qosTarget: unknown key'],
      [{ qosTargets: [30, 0] }, 'config.qosTargets[1]: expected an array of 1 to 64 numbers in (0, 3600], got 0'],
      [{ qosPhaseSteps: [300] }, 'config.qosPhaseSteps: expected an array with one entry per QoS target (2), got [300]'],
      [{ qosPhaseSteps: [300, 2.5] }, 'config.qosPhaseSteps[1]: expected an array of 1 to 64 integers in [1, 1000000000], got 2.5'],
      [{ frames: [16, 0.5] }, 'config.frames[1]: expected'],
      [{ stressLevels: [0, 2] }, 'config.stressLevels[1]: expected'],
      [{ maxReplicas: 0 }, 'config.maxReplicas: expected an integer in [1, 8], got 0'],
      [{ controlled: 'some' }, 'config.controlled: expected one of "paper", "all"'],
      [{ backend: { kind: 'nope' } }, 'config.backend.kind "nope" is not available'],
    ];
    for (const [config, message] of cases) {
      expect(() => new DarlyEnv('custom', config)).toThrow(ConfigError);
      expect(() => new DarlyEnv('custom', config)).toThrow(message);
    }
  });
});

describe('episodes', () => {
  test('same seed and actions give the same trajectory; another seed another one', async () => {
    const run = async (seed: number) => {
      const env = new DarlyEnv('profile');
      const rng = new Rng(7);
      const out: unknown[] = [(await env.reset({ seed })).obs];
      for (let t = 0; t < 40; t++) {
        const s = await env.step(env.actionSpace.sample(rng));
        out.push([s.obs, s.reward, s.info]);
      }
      await env.close();
      return out;
    };
    const a = await run(3);
    expect(await run(3)).toEqual(a);
    expect(await run(4)).not.toEqual(a);
  });

  test('a fresh cluster per episode, the previous one closed; close twice is fine', async () => {
    const env = new DarlyEnv('fullmap');
    const r1 = await env.reset({ seed: 1 });
    const first = env.currentCluster as Cluster;
    const r2 = await env.reset();
    expect(env.currentCluster).not.toBe(first);
    expect(() => first.nodes()).toThrow(BackendError);
    expect(r2.info.scenarioSeed).not.toBe(r1.info.scenarioSeed);
    await expect(env.reset({ options: { qos: 1 } })).rejects.toThrow('unknown reset option "qos"');
    await env.close();
    await env.close();
    expect(env.currentCluster).toBeNull();
  });

  test('the QoS target switches on schedule and the observation carries the next one', async () => {
    const env = new DarlyEnv('kubernetes', { qosPhaseSteps: [3, 2] });
    const scale = env.layout.latencyScale;
    expect(scale).toBe(70);
    const r = await env.reset({ seed: 2 });
    expect(r.obs[r.obs.length - 2]).toBe(Math.fround(35 / 70));
    const targets: number[] = [];
    for (let t = 0; t < 7; t++) {
      const s = await env.step(0);
      targets.push(s.info.qosTarget as number);
      expect(s.obs[s.obs.length - 2]).toBe(Math.fround((s.info.nextQosTarget as number) / 70));
      const latency = s.info.latency as number;
      expect(s.obs[s.obs.length - 1]).toBe(Math.fround(Math.min(1, latency / 70)));
      expect(s.info.qosQuotient).toBeCloseTo(latency / (s.info.qosTarget as number), 12);
      expect(s.info.qosMet).toBe(latency <= (s.info.qosTarget as number));
    }
    expect(targets).toEqual([35, 35, 35, 26, 26, 35, 35]);
    expect([0, 299, 300, 499, 500].map((i) => qosTargetAt({ qosTargets: [35, 26], qosPhaseSteps: [300, 200] }, i))).toEqual([35, 35, 26, 26, 35]);
    await env.close();
  });

  test('interference is redrawn every stressEvery requests, and is optional for the backend', async () => {
    const env = new DarlyEnv('custom', { stressEvery: 4 });
    const r = await env.reset({ seed: 5 });
    const seen = [JSON.stringify(r.info.stress)];
    for (let t = 1; t <= 12; t++) seen.push(JSON.stringify((await env.step(0)).info.stress));
    expect(Object.keys(JSON.parse(seen[0] as string))).toEqual([...DARLY_NODES]);
    // new levels only before the 5th and the 9th request (after 4 and 8 served)
    for (const t of [1, 2, 3, 4, 6, 7, 8, 10, 11, 12]) expect(seen[t]).toBe(seen[t - 1]);
    expect(new Set([seen[0], seen[5], seen[9]]).size).toBeGreaterThan(1);
    await env.close();

    registerBackend('darly-test-nostress', (scenario) => {
      const sim = new SimCluster(scenario);
      return { nodes: () => sim.nodes(), functions: () => sim.functions(), apply: (c) => sim.apply(c), advance: (w) => sim.advance(w), close: () => sim.close() };
    });
    const plain = new DarlyEnv('profile', { backend: { kind: 'darly-test-nostress' } });
    expect((await plain.reset({ seed: 5 })).info.stress).toBeNull();
    for (let t = 0; t < 5; t++) expect((await plain.step(t % plain.actionSpace.n)).info.stress).toBeNull();
    await plain.close();
  });
});

describe('reward: eq. (3) with k1 = 3, k2 = 6, k3 = 4', () => {
  const base = { serversTotal: 4, maxReplicas: 14, k1: 3, k2: 6, k3: 4 };
  test('hand-computed values', () => {
    // met: N/sp + Rs/r + (La/Lt)·k1 = 4/2 + 14/7 + (20/35)·3 = 2 + 2 + 1.714285...
    expect(darlyStepReward({ ...base, latency: 20, qosTarget: 35, servers: 2, replicas: 7 })).toBeCloseTo(4 + 12 / 7, 12);
    // met exactly at the target, on one server with the minimum of five replicas: 4 + 2.8 + 3
    expect(darlyStepReward({ ...base, latency: 26, qosTarget: 26, servers: 1, replicas: 5 })).toBeCloseTo(9.8, 12);
    // violated: max(−6, −4 − 40/26) = −5.538461...
    expect(darlyStepReward({ ...base, latency: 40, qosTarget: 26, servers: 3, replicas: 5 })).toBeCloseTo(-4 - 40 / 26, 12);
    // badly violated: max(−6, −4 − 80/26 = −7.08) = −6; a failed request too
    expect(darlyStepReward({ ...base, latency: 80, qosTarget: 26, servers: 3, replicas: 5 })).toBe(-6);
    expect(darlyStepReward({ ...base, latency: null, qosTarget: 26, servers: 3, replicas: 5 })).toBe(-6);
    // a rolling update's time averages above N and Rs are clipped: 4/4 + 14/14 + (13/26)·3 = 3.5
    expect(darlyStepReward({ ...base, latency: 13, qosTarget: 26, servers: 4.3, replicas: 14.6 })).toBeCloseTo(3.5, 12);
    // fewer servers and replicas pay more for the same latency
    expect(darlyStepReward({ ...base, latency: 20, qosTarget: 35, servers: 1, replicas: 5 }))
      .toBeGreaterThan(darlyStepReward({ ...base, latency: 20, qosTarget: 35, servers: 4, replicas: 10 }));
  });

  test('the environment pays eq. (3) on the request it reports', async () => {
    const env = new DarlyEnv('custom', { k1: 2, k2: 7, k3: 5 });
    await env.reset({ seed: 9 });
    const rng = new Rng(1);
    for (let t = 0; t < 30; t++) {
      const s = await env.step(env.actionSpace.sample(rng));
      const i = s.info as { latency: number | null; qosTarget: number; servers: number; replicas: number };
      expect(s.reward).toBe(darlyStepReward({ latency: i.latency, qosTarget: i.qosTarget, servers: i.servers, replicas: i.replicas, serversTotal: 4, maxReplicas: 14, k1: 2, k2: 7, k3: 5 }));
    }
    await env.close();
  });
});

describe('actions change the cluster as they say', () => {
  test('no-op, scale out, scale in, migrate (Fullmap: the agent picks the node)', async () => {
    const env = new DarlyEnv('fullmap');
    await env.reset({ seed: 11 });
    const cluster = env.currentCluster as Cluster;
    const before = placement(cluster);
    await env.step(actionIndex(env, 'noop'));
    expect(placement(cluster)).toEqual(before);

    const out = await env.step(actionIndex(env, 'scale-out face-analyzer'));
    expect(out.info.skipped).toBeNull();
    expect(placement(cluster)['face-analyzer']).toHaveLength(2);
    const fa = 16 + 2 * 4; // face-analyzer's placement block
    expect(out.obs.slice(fa, fa + 4).reduce((a, b) => a + b, 0) * 4).toBeCloseTo(2, 6);

    await env.step(actionIndex(env, 'scale-in face-analyzer'));
    expect(placement(cluster)['face-analyzer']).toHaveLength(1);

    const from = (placement(cluster).framer as string[])[0] as string;
    const to = DARLY_NODES.find((n) => n !== from) as string;
    const moved = await env.step(actionIndex(env, `migrate framer -> ${to}`));
    expect(moved.info).toMatchObject({ from, to, skipped: null, rejected: [] });
    expect(placement(cluster).framer).toEqual([to]);
    const framerRow = moved.obs.slice(16, 20);
    expect(framerRow).toEqual(DARLY_NODES.map((n) => (n === to ? 1 : 0)));
    // The old replica drained once the new one was ready; the others did not move.
    expect(cluster.functions().find((f) => f.name === 'framer')?.replicas.map((r) => r.node)).toEqual([to]);
    const { framer: _a, ...rest } = placement(cluster);
    const { framer: _b, ...restBefore } = before;
    expect(rest).toEqual(restBefore);

    // Impossible actions change nothing and say why.
    const again = await env.step(actionIndex(env, `migrate framer -> ${to}`));
    expect(again.info.skipped).toBe(`every replica of framer is on ${to} already`);
    const single = await env.step(actionIndex(env, 'scale-in face-detector'));
    expect(single.info.skipped).toBe('face-detector has a single replica');
    for (let i = 0; i < 3; i++) await env.step(actionIndex(env, 'scale-out object-recognition'));
    expect(placement(cluster)['object-recognition']).toHaveLength(4);
    const full = await env.step(actionIndex(env, 'scale-out object-recognition'));
    expect(full.info.skipped).toBe('object-recognition is at its maximum of 4 replicas');
    expect(placement(cluster)['object-recognition']).toHaveLength(4);
    await env.close();
  });

  test.each(['custom', 'kubernetes', 'profile'] as const)('%s: a mapper-placed migration moves the replica to the mapper\'s node', async (mapper) => {
    const env = new DarlyEnv(mapper, { stressLevels: [0, 0.75] });
    await env.reset({ seed: 21 });
    const cluster = env.currentCluster as Cluster;
    await env.step(0);
    const fn = 'face-analyzer';
    const state = cluster.functions().find((f) => f.name === fn) as FunctionState;
    const from = state.replicas[0]?.node as string;
    // what the mapper would choose from the view the agent acted on
    const view = (env as unknown as { view: ClusterView }).view;
    const expected = mapperFor(mapper).destination(state, from, view);
    expect(expected).not.toBeNull();
    expect(expected).not.toBe(from);
    const s = await env.step(actionIndex(env, `migrate ${fn} -> (mapper)`));
    expect(s.info).toMatchObject({ from, to: expected, skipped: null });
    expect(placement(cluster)[fn]).toEqual([expected]);
    await env.close();
  });
});

describe('mappers choose destinations from what the cluster shows', () => {
  const node = (name: string, cores: number, speed: number, memoryMb = 16000): NodeInfo => ({ name, cores, memoryMb, cpuModel: 'x', l3Mb: 28, speed, labels: {} });
  const fn = (name: string, nodes: string[], cpuMilli = 1000, memoryMb = 512): FunctionState => ({
    name, scaling: 'replicas', desiredReplicas: nodes.length, limits: { cpuMilli, memoryMb }, requests: { cpuMilli, memoryMb },
    replicas: nodes.map((n, i) => ({ id: `${name}-${i}`, node: n, phase: 'ready', createdAt: 0, inflight: 0 })),
    maxInflight: 0, overflow: 'queue', nodeSelector: null, keepAlive: null,
  });
  const pcm = (c0: number) => ({ pcm: { ipc: 1, l3MissesM: 1, l3HitsM: 1, dramReadMBps: 1, dramWriteMBps: 1, c0, c1: 0, c6: 1 - c0 }, cpu: { idle: 1 - c0, user: c0, system: 0 }, freeMemoryMb: 0, interference: 0, replicas: 0 });
  // w01 fast but 75 % busy with other tenants; w02 nearly idle; w03 slow, idle; w04 full (its 4 cores requested).
  const nodes = [node('w01', 8, 1), node('w02', 8, 0.95), node('w03', 16, 0.88), node('w04', 4, 0.82)];
  const functions = [fn('framer', ['w03']), fn('face-analyzer', ['w03']), fn('filler', ['w04', 'w04', 'w04', 'w04'])];
  const snapshot = {
    time: 0, window: 10, workflows: {}, warnings: [], cost: { provisionedUsd: 0, lambdaUsd: 0, servers: 2, replicas: 6 },
    nodes: { w01: pcm(0.76), w02: pcm(0.1), w03: pcm(0.07), w04: pcm(0.02) },
    functions: {},
  } as unknown as ClusterSnapshot;
  const view: ClusterView = { nodes, functions, snapshot };
  const framer = functions[0] as FunctionState;

  test('Custom: least loaded (lowest C0) among the nodes with room', () => {
    expect(mapperFor('custom').destination(framer, 'w03', view)).toBe('w02'); // w04 is idle but full
    expect(mapperFor('custom').agentPicks('framer')).toBe(true);
    expect(mapperFor('custom').agentPicks('face-analyzer')).toBe(false);
  });
  test('Kubernetes: most free requested resources (LeastAllocated), blind to interference', () => {
    // w01 and w02 are empty 8-core nodes; w01 comes first (and is the stressed one)
    expect(mapperFor('kubernetes').destination(framer, 'w03', view)).toBe('w01');
    expect(mapperFor('kubernetes').destination(framer, 'w01', view)).toBe('w02');
  });
  test('Profile: lowest estimated latency — avoids the stressed fast node, prefers the faster of the idle ones', () => {
    expect(mapperFor('profile').destination(framer, 'w03', view)).toBe('w02');
    const calm: ClusterView = { ...view, snapshot: { ...snapshot, nodes: { ...snapshot.nodes, w01: pcm(0.05) } } as ClusterSnapshot };
    expect(mapperFor('profile').destination(framer, 'w03', calm)).toBe('w01');
  });
  test('no destination when no other node fits', () => {
    const tight: ClusterView = { ...view, functions: [fn('framer', ['w03'], 9000)] };
    expect(mapperFor('kubernetes').destination(tight.functions[0] as FunctionState, 'w03', tight)).toBeNull();
  });
});

/**
 * An interference-aware heuristic: move the framer (then any ML model) off a
 * node whose C0 shows heavy co-located load, scale the ML models out when the
 * last latency came near the target and in when it was far below.
 */
function heuristic(env: DarlyEnv, obs: number[]): number {
  const N = DARLY_NODES.length, ctl = env.layout.controlled, scale = env.layout.latencyScale;
  const c0 = (i: number) => obs[4 * i + 2] as number;
  const replicas = (f: string, i: number) => Math.round((obs[4 * N + ctl.indexOf(f) * N + i] as number) * env.layout.maxReplicas(f));
  const total = (f: string) => DARLY_NODES.reduce((s, _n, i) => s + replicas(f, i), 0);
  const qos = (obs[obs.length - 2] as number) * scale, latency = (obs[obs.length - 1] as number) * scale;
  const speed = [1, 0.95, 0.88, 0.82];
  const badness = (i: number) => (c0(i) > 0.5 ? 10 : 0) + 1 - (speed[i] as number);
  const best = [0, 1, 2, 3].reduce((b, i) => (badness(i) < badness(b) ? i : b), 0);
  const migrate = (f: string) => {
    const pick = env.actions.findIndex((a) => a.kind === 'migrate' && a.fn === f && a.to === DARLY_NODES[best]);
    return pick >= 0 ? pick : env.actions.findIndex((a) => a.kind === 'migrate' && a.fn === f && a.to === null);
  };
  if (c0(best) < 0.5) {
    for (const f of ['framer', 'face-detector', 'face-analyzer', 'object-recognition']) {
      if ([0, 1, 2, 3].some((i) => replicas(f, i) > 0 && c0(i) > 0.5)) return migrate(f);
    }
  }
  if (latency > 0.85 * qos) {
    for (const f of ['face-analyzer', 'face-detector', 'object-recognition']) if (total(f) < env.layout.maxReplicas(f)) return actionIndex(env, `scale-out ${f}`);
  }
  if (latency < 0.5 * qos) {
    for (const f of ['object-recognition', 'face-detector', 'face-analyzer']) if (total(f) > 1) return actionIndex(env, `scale-in ${f}`);
  }
  return 0;
}

describe('an interference-aware heuristic beats random actions', () => {
  const SEEDS = [1, 2, 3];
  async function evaluate(mapper: MapperName, policy: 'heuristic' | 'random'): Promise<{ reward: number; qosMet: number }> {
    let reward = 0, met = 0, steps = 0;
    for (const seed of SEEDS) {
      const env = make(DARLY_IDS[mapper]) as Env<number[], number>;
      const inner = (env as unknown as Wrapper).unwrapped as unknown as DarlyEnv;
      let { obs } = await env.reset({ seed });
      const rng = new Rng(100 + seed);
      for (;;) {
        const s = await env.step(policy === 'random' ? env.actionSpace.sample(rng) : heuristic(inner, obs));
        obs = s.obs;
        reward += s.reward;
        met += s.info.qosMet ? 1 : 0;
        steps += 1;
        if (s.terminated || s.truncated) break;
      }
      await env.close();
    }
    expect(steps).toBe(500 * SEEDS.length);
    return { reward: reward / steps, qosMet: met / steps };
  }

  test.each(MAPPERS)('%s, 3 episodes of 500 requests', async (mapper) => {
    const h = await evaluate(mapper, 'heuristic');
    const r = await evaluate(mapper, 'random');
    expect(h.reward).toBeGreaterThan(r.reward + 0.5);
    // The Kubernetes mapper migrates blind to interference (§5.1: it "fails to adjust" under the strict
    // target), so with the environment calibrated to §5.3 the same heuristic meets less there (0.74).
    expect(h.qosMet).toBeGreaterThan(mapper === 'kubernetes' ? 0.7 : 0.8);
  });
});

test('docs/envs/darly.md lists the ids and the config table', () => {
  const page = readFileSync(new URL('../../docs/envs/darly.md', import.meta.url), 'utf8');
  for (const id of Object.values(DARLY_IDS)) expect(page).toContain(id);
  expect(page).toContain(schemaTable(DARLY_SCHEMA));
});
