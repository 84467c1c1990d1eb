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
    const spec = { env: 'FaaSConf-Sequential-v0', agents: ['attmf', 'random-search'], steps: 700, evalEpisodes: 1, seed: 4, options: { attmf: { learningStarts: 40, batchSize: 16, hidden: [16] } } };
    const a = await compareAgents(spec);
    expect(a.verify).toEqual({ candidates: 2, episodes: 3, windows: 11, steps: 66 }); // a tenth of 700 steps at most
    expect(a.entries.map((e) => e.agent)).toEqual(['attmf', 'random-search']);
    for (const e of a.entries) {
      expect(e.steps).toBe(700);
      expect(e.learningSteps).toBe(634);
      expect(e.stats.windows).toBe(60); // one 60-window episode each
      expect(e.stats.qosMet).toBeGreaterThanOrEqual(0);
      expect(e.stats.scaledCost).toBeGreaterThan(0);
      expect(e.stats.scaledCost).toBeLessThan(1.01);
      expect(e.meanReturn).toBeCloseTo(e.stats.rewardPerWindow * 60, 9); // the team reward per window sums to the return
      // Every learning or searching window went through the log; the re-measurement did not.
      const b = e.bestFound;
      expect(b.windows).toBe(634);
      expect(b.windowsMet).toBeLessThanOrEqual(634);
      const v = b.verification;
      expect(v?.steps).toBe(33 * (v?.candidates.length ?? 0));
      expect(v?.candidates.length).toBe(Math.min(2, b.windowsMet));
      if (b.action) {
        // The delivered configuration passed re-measurement and is the cheapest that did; held, it plays those values every window.
        expect(v?.chosen?.action).toEqual(b.action);
        expect(v?.chosen?.passed).toBe(true);
        for (const c of v?.candidates ?? []) if (c.passed) expect(c.scaledCost).toBeGreaterThanOrEqual(v?.chosen?.scaledCost as number);
        expect(b.stats?.windows).toBe(60);
        expect(b.stats?.scaledCost).toBeCloseTo(v?.chosen?.scaledCost as number, 9); // ŷ depends on the configuration alone
      } else {
        expect(b.stats).toBeNull();
      }
    }
    expect(a.entries.some((e) => e.bestFound.action !== null)).toBe(true); // the checks above ran on a found configuration
    expect(a.entries[1]?.sources).toContain('budget = 634 steps / 2 per trial');
    expect(a.entries[0]?.sources).toContain('options for attmf');
    const b = await compareAgents(spec);
    expect(b.entries.map((e) => [e.meanReturn, e.stats, e.bestFound])).toEqual(a.entries.map((e) => [e.meanReturn, e.stats, e.bestFound]));
    const text = formatCompareReport(a);
    expect(text).toContain('FaaSConf-Sequential-v0, seed 4: 700 environment steps each (634 learning or searching, 66 re-measuring the 2 cheapest configurations that met QoS, 3 × 11 windows each), then 1 greedy episode (60 windows) on the same seeds');
    expect(text).toMatch(/\nagent +played +wall s +return\/ep +QoS met +scaled cost +cost at met QoS +latency s +p95 s\n/);
    expect(text).toMatch(/\nBest configuration found within the budget \(FaaSConf Fig. 8, Fig. 13\):\nattmf vs random-search: (NOT )?BETTER on cost at met QoS: .+\nTrained policy against the searcher's own pick:\nattmf vs random-search: (NOT )?BETTER on cost at met QoS: /);
  }, 180_000);

  test('the verdicts on the best configurations found: none found loses, a cheaper one that meets QoS wins', () => {
    const found = (st: WindowStats | null) => ({ windows: 10, windowsMet: 5, verification: null, action: st ? [0] : null, foundCost: st ? st.scaledCost : null, meanReturn: st ? 1 : null, stats: st });
    const entry = (agent: string, policy: WindowStats, best: WindowStats | null) => ({ agent, steps: 10, learningSteps: 10, wallSeconds: 1, sources: [], meanReturn: 1, stats: policy, bestFound: found(best) });
    const report = (l: WindowStats | null, s: WindowStats | null) => ({ env: 'FaaSConf-Sequential-v0', envConfig: null, seed: 0, steps: 10, verify: { candidates: 0, episodes: 3, windows: 11, steps: 0 }, evalEpisodes: 1, entries: [entry('attmf', stats(1, 0.3), l), entry('random-search', stats(1, 0.2), s)] });
    const verdicts = (text: string) => text.split('\n').filter((l) => l.startsWith('attmf vs'));
    expect(verdicts(formatCompareReport(report(stats(1, 0.15), stats(1, 0.2))))).toEqual([
      'attmf vs random-search: BETTER on cost at met QoS: scaled cost 0.150 vs 0.200 (25.0 % cheaper), both meeting QoS (100.0 % and 100.0 % of windows)',
      'attmf vs random-search: NOT BETTER on cost at met QoS: scaled cost 0.300 vs 0.200 (50.0 % dearer), both meeting QoS (100.0 % and 100.0 % of windows)',
    ]);
    expect(verdicts(formatCompareReport(report(null, stats(1, 0.2))))[0]).toBe('attmf vs random-search: NOT BETTER on cost at met QoS: attmf found no configuration that held QoS');
    expect(verdicts(formatCompareReport(report(stats(0.97, 0.4), null)))[0]).toBe('attmf vs random-search: BETTER on cost at met QoS: random-search found no configuration that held QoS');
    expect(verdicts(formatCompareReport(report(stats(0.9, 0.1), null)))[0]).toBe('attmf vs random-search: NOT BETTER on cost at met QoS: random-search found no configuration that held QoS');
    const text = formatCompareReport(report(null, stats(1, 0.2)));
    expect(text).toContain('10 environment steps each (too few to re-measure configurations: the cheapest that met QoS once is taken as found)');
    expect(text).toMatch(/\n +best found +- +none found +- +- +- +-\n/);
  });
});
