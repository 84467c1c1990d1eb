import { beatsOnCostAtMetQos, compareAgents, formatCompareReport, qualifiedCost, windowStats, type WindowStats } from '../../src/experiment/compare.js';
import { initTf } from '../../src/nn/tf.js';

beforeAll(async () => {
  await initTf({ quiet: true });
});

const stats = (qosMet: number, scaledCost: number): WindowStats => ({ windows: 100, qosMet, scaledCost, costAtMetQos: scaledCost, meanLatency: 1, p95Latency: 2, rewardPerWindow: 0 });

describe('window statistics', () => {
  test('QoS-met fraction, costs, latencies and reward from the infos', () => {
    const infos = [
      { qosMet: true, scaledCost: 0.2, meanLatency: 1.0, p95Latency: 2.0 },
      { qosMet: false, scaledCost: 0.1, meanLatency: 3.0, p95Latency: 6.0 },
      { qosMet: true, scaledCost: 0.4, meanLatency: 0.5, p95Latency: 1.0 },
      { qosMet: false, scaledCost: 0.1, meanLatency: null, p95Latency: null }, // no request completed
    ];
    const s = windowStats(infos, [0.8, -0.1, 0.6, -0.1]);
    expect(s.windows).toBe(4);
    expect(s.qosMet).toBe(0.5);
    expect(s.scaledCost).toBeCloseTo(0.2, 12);
    expect(s.costAtMetQos).toBeCloseTo(0.3, 12);
    expect(s.meanLatency).toBeCloseTo(1.5, 12); // windows without completions are left out
    expect(s.p95Latency).toBeCloseTo(3.0, 12);
    expect(s.rewardPerWindow).toBeCloseTo(0.3, 12);
    expect(windowStats([{ qosMet: false, scaledCost: 0.1 }], [0]).costAtMetQos).toBeNull();
  });

  test('cost at met QoS needs QoS in 95 % of windows; then the cheaper wins', () => {
    expect(qualifiedCost(stats(0.95, 0.2))).toBe(0.2);
    expect(qualifiedCost(stats(0.94, 0.2))).toBeNull();
    expect(beatsOnCostAtMetQos(stats(1, 0.19), stats(1, 0.2))).toBe(true);
    expect(beatsOnCostAtMetQos(stats(1, 0.2), stats(1, 0.19))).toBe(false);
    expect(beatsOnCostAtMetQos(stats(1, 0.3), stats(0.8, 0.1))).toBe(true); // the other misses QoS
    expect(beatsOnCostAtMetQos(stats(0.8, 0.1), stats(0.8, 0.3))).toBe(false); // neither meets it
  });
});

describe('compareAgents', () => {
  test('refuses environments that are not FaaSConf ones, and an empty list', async () => {
    await expect(compareAgents({ env: 'CartPole-v1', agents: ['dqn'] })).rejects.toThrow('compare: scores FaaSConf windows (QoS met, scaled cost, latency), so it needs a FaaSConf-*-v0 environment, got "CartPole-v1"');
    await expect(compareAgents({ env: 'FaaSConf-Sequential-v0', agents: [] })).rejects.toThrow('compare: name at least one agent');
  });

  test('a learner and random search get the same steps, are scored on the same episodes, and the run is deterministic', async () => {
    const spec = { env: 'FaaSConf-Sequential-v0', agents: ['attmf', 'random-search'], steps: 120, evalEpisodes: 1, seed: 4, options: { attmf: { learningStarts: 40, batchSize: 16, hidden: [16] } } };
    const a = await compareAgents(spec);
    expect(a.entries.map((e) => e.agent)).toEqual(['attmf', 'random-search']);
    for (const e of a.entries) {
      expect(e.steps).toBe(120);
      expect(e.stats.windows).toBe(60); // one 60-window episode each
      expect(e.stats.qosMet).toBeGreaterThanOrEqual(0);
      expect(e.stats.scaledCost).toBeGreaterThan(0);
      expect(e.stats.scaledCost).toBeLessThan(1.01);
      expect(e.meanReturn).toBeCloseTo(e.stats.rewardPerWindow * 60, 9); // the team reward per window sums to the return
    }
    expect(a.entries[1]?.sources).toContain('budget = 120 steps / 2 per trial');
    expect(a.entries[0]?.sources).toContain('options for attmf');
    const b = await compareAgents(spec);
    expect(b.entries.map((e) => [e.meanReturn, e.stats])).toEqual(a.entries.map((e) => [e.meanReturn, e.stats]));
    const text = formatCompareReport(a);
    expect(text).toContain('FaaSConf-Sequential-v0, seed 4: 120 environment steps each, then 1 greedy episode (60 windows) on the same seeds');
    expect(text).toMatch(/\nagent +wall s +return\/ep +QoS met +scaled cost +cost at met QoS +latency s +p95 s\n/);
    expect(text).toMatch(/\nattmf vs random-search: (NOT )?BETTER on cost at met QoS: /);
  }, 120_000);
});
