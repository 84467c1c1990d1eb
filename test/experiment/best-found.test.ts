import type { ParallelEnv } from '../../src/core/env.js';
import { InvalidActionError } from '../../src/core/errors.js';
import { ConfigurationLog, VERIFY_SEED, verificationSteps, verifyCandidates } from '../../src/experiment/best-found.js';
import { verificationPlan } from '../../src/experiment/compare.js';
import { make } from '../../src/registry/index.js';

type Par = ParallelEnv<string, unknown, unknown>;
const fresh = (): Par => make('FaaSConf-Sequential-v0') as unknown as Par;
/** Every function at the same position `v` of each of its 4 action ranges (-1 the smallest, 1 the largest). */
const level = (env: Par, v: number): number[] => env.possibleAgents.flatMap(() => [v, v, v, v]);
const split = (env: Par, joint: number[]): Record<string, number[]> => Object.fromEntries(env.possibleAgents.map((id, i) => [id, joint.slice(4 * i, 4 * i + 4)]));

describe('ConfigurationLog', () => {
  test('keeps the cheapest distinct configurations that met QoS, as the windows reported them', async () => {
    const inner = fresh();
    const log = new ConfigurationLog(inner, 3);
    await log.reset({ seed: 5 });
    const played: { joint: number[]; met: boolean; cost: number }[] = [];
    for (const v of [0.9, -0.5, 0.1, 1, 0.3, 0.1, -1, 0.6]) {
      const joint = level(inner, v);
      const r = await log.step(split(inner, joint));
      const info = r.infos[inner.possibleAgents[0] as string] as { qosMet: boolean; scaledCost: number };
      played.push({ joint, met: info.qosMet, cost: info.scaledCost });
    }
    expect(log.windows).toBe(8);
    expect(log.windowsMet).toBe(played.filter((p) => p.met).length);
    expect(played.filter((p) => !p.met).length).toBeGreaterThanOrEqual(2); // -0.5 and -1 miss QoS (so do cold windows)
    // Independent reading of the same windows: met ones, one entry per configuration (its cheaper window), cheapest first.
    const byConfig = new Map<string, { joint: number[]; cost: number }>();
    for (const p of played.filter((q) => q.met)) {
      const k = JSON.stringify(p.joint);
      if (!byConfig.has(k) || (byConfig.get(k) as { cost: number }).cost > p.cost) byConfig.set(k, { joint: p.joint, cost: p.cost });
    }
    expect(byConfig.size).toBeGreaterThan(3); // more than the capacity
    const expected = [...byConfig.values()].sort((a, b) => a.cost - b.cost).slice(0, 3);
    expect(log.cheapest().map((m) => [m.action, m.scaledCost])).toEqual(expected.map((e) => [e.joint, e.cost]));
    expect(log.cheapest(1)).toHaveLength(1);
    const copy = log.cheapest(1)[0] as { action: number[] };
    copy.action[0] = 42; // callers get copies
    expect(log.cheapest(1)[0]?.action[0]).not.toBe(42);
    await log.close();
  });

  test('an action missing for an agent is the environment\'s to refuse', async () => {
    const inner = fresh();
    const log = new ConfigurationLog(inner);
    await log.reset({ seed: 1 });
    const partial = split(inner, level(inner, 0));
    delete partial[inner.possibleAgents[0] as string];
    await expect(log.step(partial)).rejects.toThrow(InvalidActionError);
    expect(log.windows).toBe(0);
    await log.close();
  });

  test('refuses a capacity that is not a positive integer', () => {
    expect(() => new ConfigurationLog(fresh(), 0)).toThrow('ConfigurationLog: capacity must be a positive integer, got 0');
  });
});

describe('verifyCandidates', () => {
  test('holds each candidate on fresh episodes and chooses the cheapest that met QoS in every scored window', async () => {
    const env = fresh();
    const cands = [-0.5, 1, 0, 0.5].map((v, i) => ({ action: level(env, v), scaledCost: 0.1 * i, window: i }));
    const v = await verifyCandidates(env, cands, { episodes: 2, windows: 3 });
    expect(v.steps).toBe(4 * 2 * 3);
    expect(v.steps).toBe(verificationSteps(4, { episodes: 2, windows: 3 }));
    expect(v.candidates.map((c) => c.windows)).toEqual([4, 4, 4, 4]); // the first window of each episode is not scored
    // -0.5 (3.7 s latency) misses the 1.5 s target; the centre and above meet it once warm.
    expect(v.candidates.map((c) => c.passed)).toEqual([false, true, true, true]);
    expect(v.candidates[0]?.windowsMet).toBe(0);
    expect(v.chosen?.action).toEqual(level(env, 0));
    expect(v.chosen?.foundCost).toBe(0.2); // as the candidate was found
    expect(v.chosen?.scaledCost).toBeCloseTo(0.352, 3); // as re-measured
    expect(v.candidates[1]?.scaledCost).toBeGreaterThan(v.candidates[3]?.scaledCost as number); // all-max dearer than 0.5
    // Deterministic: the episodes are reset with VERIFY_SEED + e.
    expect(await verifyCandidates(env, cands, { episodes: 2, windows: 3, seed: VERIFY_SEED })).toEqual(v);
    const none = await verifyCandidates(env, [cands[0] as (typeof cands)[0]], { episodes: 1, windows: 2 });
    expect(none.chosen).toBeNull();
    expect(none.steps).toBe(2);
    await env.close();
  });

  test('refuses bad episodes, windows and candidates of the wrong size', async () => {
    const env = fresh();
    const c = [{ action: level(env, 0), scaledCost: 0.3, window: 0 }];
    await expect(verifyCandidates(env, c, { windows: 1 })).rejects.toThrow('verifyCandidates: windows must be an integer >= 2 (the first window of an episode is not scored), got 1');
    await expect(verifyCandidates(env, c, { episodes: 0 })).rejects.toThrow('verifyCandidates: episodes must be a positive integer, got 0');
    await expect(verifyCandidates(env, [{ action: [0, 0, 0, 0], scaledCost: 0.3, window: 0 }])).rejects.toThrow('verifyCandidates: a candidate has 4 action values, the environment\'s agents take 20');
    await env.close();
  });
});

describe('verificationPlan', () => {
  test('8 candidates of 3 × 11 windows, at most a tenth of the budget', () => {
    expect(verificationPlan(10_000)).toEqual({ candidates: 8, episodes: 3, windows: 11, steps: 264 });
    expect(verificationPlan(1000)).toEqual({ candidates: 3, episodes: 3, windows: 11, steps: 99 });
    expect(verificationPlan(330)).toEqual({ candidates: 1, episodes: 3, windows: 11, steps: 33 });
    expect(verificationPlan(329)).toEqual({ candidates: 0, episodes: 3, windows: 11, steps: 0 });
    expect(verificationPlan(10_000, { candidates: 2, episodes: 1, windows: 10 })).toEqual({ candidates: 2, episodes: 1, windows: 10, steps: 20 });
    expect(() => verificationPlan(100, { windows: 1 })).toThrow('compare: verify.windows must be an integer >= 2, got 1');
    expect(() => verificationPlan(100, { candidates: -1 })).toThrow('compare: verify.candidates must be an integer >= 0, got -1');
  });
});
