import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentNames, getAgentFactory } from '../../agents/index.js';
import { formatLearnBenchReport, LEARN_BENCHMARKS, runLearnBenchmarks } from '../../src/experiment/bench-learn.js';
import { beatsOnCostAtMetQos, foundBeats } from '../../src/experiment/compare.js';
import { resolveTrainingRun } from '../../src/experiment/training-run.js';
import { defaultZooDir, loadZoo, loadZooFile, parseZoo } from '../../src/experiment/zoo.js';
import { initTf } from '../../src/nn/tf.js';
import { make } from '../../src/registry/index.js';

beforeAll(async () => {
  await initTf({ quiet: true });
});

describe('zoo files', () => {
  test('validation errors name the file and the key', () => {
    expect(() => parseZoo({ 'CartPole-v1': { steps: 0 } }, 'z.yaml')).toThrow('z.yaml: CartPole-v1.steps: expected an integer in [1, 1000000000], got 0');
    expect(() => parseZoo({ 'CartPole-v1': { steps: 10, option: {} } }, 'z.yaml')).toThrow('z.yaml: CartPole-v1.option: unknown key (known: steps, options, evalEpisodes, evalEvery, stopAtReturn, envConfig)');
    expect(() => parseZoo({ 'CartPole-v1': { steps: 10, options: [1] } }, 'z.yaml')).toThrow('z.yaml: CartPole-v1.options: expected a mapping of keys to values, got [1]');
    expect(() => parseZoo([1, 2], 'z.yaml')).toThrow('z.yaml: expected a mapping of environment ids to entries, got [1,2]');
    expect(() => parseZoo({ 'CartPole-v1': { steps: 10, stopAtReturn: 475 } }, 'z.yaml')).toThrow('z.yaml: CartPole-v1.stopAtReturn needs CartPole-v1.evalEvery');
    expect(() => parseZoo({ 'CartPole-v1': { steps: 10, evalEvery: -5 } }, 'z.yaml')).toThrow('z.yaml: CartPole-v1.evalEvery: expected an integer in [1, 1000000000], got -5');
    expect(() => parseZoo({ 'CartPole-v1': { steps: 1e12 } }, 'z.yaml')).toThrow('z.yaml: CartPole-v1.steps: expected an integer in [1, 1000000000], got 1000000000000');
    expect(() => parseZoo({ 'CartPole-v1': { evalEvery: 5 } }, 'z.yaml')).toThrow('z.yaml: CartPole-v1.steps: expected an integer in [1, 1000000000], got nothing');
    expect(() => parseZoo(JSON.parse('{"__proto__": {"steps": 5}}'), 'z.yaml')).toThrow('z.yaml: __proto__: expected an environment id, got "__proto__"');
    expect(() => parseZoo({ 'CartPole-v1': { steps: 5, constructor: 1 } }, 'z.yaml')).toThrow('z.yaml: CartPole-v1.constructor: unknown key');
    // Agent options pass through unchanged, a `__proto__` key included, for the agent to refuse.
    expect(Object.keys(parseZoo({ 'CartPole-v1': { steps: 5, options: JSON.parse('{"__proto__": 1}') } }, 'z.yaml').entries['CartPole-v1']!.options)).toEqual(['__proto__']);
    const dir = mkdtempSync(join(tmpdir(), 'faasgym-zoo-'));
    try {
      writeFileSync(join(dir, 'bad.yaml'), 'CartPole-v1: [unclosed\n');
      expect(() => loadZooFile(join(dir, 'bad.yaml'))).toThrow(`${join(dir, 'bad.yaml')}: invalid YAML`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('every shipped zoo entry loads and its options are accepted by the agent on that environment', async () => {
    const dir = defaultZooDir();
    expect(dir).not.toBeNull();
    const files = readdirSync(dir as string).filter((f) => /\.(ya?ml|json)$/.test(f));
    expect(files).toContain('dqn.yaml');
    for (const file of files) {
      const agent = file.replace(/\.(ya?ml|json)$/, '');
      if (!agentNames().includes(agent)) continue; // a zoo for an agent still to come
      const zoo = loadZoo(agent);
      for (const [envId, entry] of Object.entries(zoo?.entries ?? {})) {
        const env = make(envId, entry.envConfig);
        const built = await getAgentFactory(agent).create(env, { ...entry.options }, 0);
        built.dispose();
        await env.close();
      }
    }
  });

  test('options layer as defaults < zoo < config < --set, and the budget fills totalSteps', () => {
    const run = resolveTrainingRun({ env: 'CartPole-v1', agent: 'dqn', steps: 1234, layers: [{ source: 'a.yaml', options: { batchSize: 8, gamma: 0.9 } }, { source: '--set', options: { gamma: 0.95 } }] });
    expect(run.options).toMatchObject({ hidden: [256, 256], learningRate: 0.0023, batchSize: 8, gamma: 0.95, totalSteps: 1234 });
    expect(run).toMatchObject({ evalEpisodes: 20, evalEvery: 2500, stopAtReturn: 475 });
    expect(resolveTrainingRun({ env: 'CartPole-v1', agent: 'dqn' }).steps).toBe(50_000); // the zoo's budget
    const bare = resolveTrainingRun({ env: 'CartPole-v1', agent: 'dqn', zoo: false });
    expect(bare.options).toEqual({ totalSteps: 100_000 });
    expect(bare.sources).toEqual([]);
    expect(bare).toMatchObject({ evalEpisodes: 10, evalEvery: 0, stopAtReturn: null });
    expect(() => resolveTrainingRun({ env: 'CartPole-v1', agent: 'dqn', zoo: false, stopAtReturn: 100 })).toThrow('stopAtReturn 100 needs periodic evaluations (evalEvery > 0 and evalEpisodes > 0, got 0 and 10)');
    expect(resolveTrainingRun({ env: 'CartPole-v1', agent: 'dqn', evalEpisodes: 0 })).toMatchObject({ evalEvery: 2500, stopAtReturn: null }); // the zoo's stop lapses
  });
});

describe('bench learn', () => {
  test('the case list names DQN on CartPole-v1 at 475 within 50,000 steps', () => {
    expect(LEARN_BENCHMARKS).toContainEqual(expect.objectContaining({ agent: 'dqn', env: 'CartPole-v1', steps: 50_000, threshold: 475 }));
  });

  test('runs registered cases, skips unregistered agents, and reports the fields', async () => {
    const report = await runLearnBenchmarks({
      cases: [
        { agent: 'dqn', env: 'CartPole-v1', steps: 300, threshold: 1, evalEpisodes: 2, options: { hidden: [8], learningStarts: 50, trainFreq: 8, gradientSteps: 1 }, quick: { steps: 200, threshold: 1 } },
        { agent: 'not-an-agent', env: 'CartPole-v1', steps: 10, threshold: 0, quick: { steps: 10, threshold: 0 } },
      ],
      quick: true,
    });
    expect(report.skipped).toEqual([{ agent: 'not-an-agent', env: 'CartPole-v1' }]);
    expect(report.benchmarks).toHaveLength(1);
    expect(report.benchmarks[0]).toMatchObject({ agent: 'dqn', env: 'CartPole-v1', steps: 200, budget: 200, stoppedEarly: false, threshold: 1, solved: true, evalEpisodes: 2, quick: true });
    expect(report.benchmarks[0]?.wallSeconds).toBeGreaterThan(0);
    expect(report.benchmarks[0]?.meanReturn).toBeGreaterThanOrEqual(8);
  });

  test('a case with a baseline is solved by beating it on cost at met QoS with its best configuration found, measured in the same run', async () => {
    const multi = LEARN_BENCHMARKS.filter((c) => c.env === 'FaaSConf-Sequential-v0');
    expect(multi.map((c) => [c.agent, c.baseline, c.steps, c.quick !== null])).toEqual([
      ['maddpg', 'random-search', 10_000, true],
      ['meanfield', 'random-search', 10_000, true],
      ['attmf', 'random-search', 10_000, true],
      ['maddpg+ses', 'random-search', 10_000, false],
      ['meanfield+ses', 'random-search', 10_000, false],
      ['attmf+ses', 'random-search', 10_000, false],
    ]);
    const report = await runLearnBenchmarks({
      cases: [
        { agent: 'attmf+ses', env: 'FaaSConf-Sequential-v0', steps: 400, threshold: 47.4, evalEpisodes: 1, baseline: 'random-search', options: { hidden: [16], learningStarts: 40, batchSize: 16 }, quick: null },
        { agent: 'nosuch+ses', env: 'FaaSConf-Sequential-v0', steps: 10, threshold: 0, quick: null },
      ],
      seed: 3,
    });
    expect(report.benchmarks.map((r) => r.agent)).toEqual(['attmf+ses']); // a composed name of a registered learner counts as registered
    expect(report.skipped).toEqual([{ agent: 'nosuch+ses', env: 'FaaSConf-Sequential-v0' }]);
    const b = report.benchmarks[0];
    expect(b).toMatchObject({ agent: 'attmf+ses', steps: 400, budget: 400, evalEpisodes: 1, quick: false, comparison: expect.objectContaining({ baseline: 'random-search' }) });
    const c = b?.comparison;
    if (!c) throw new Error('no comparison');
    expect(c.learner.windows).toBe(60);
    expect(c.baselineStats.windows).toBe(60);
    expect(b?.solved).toBe(foundBeats(c.learnerFound, c.baselineFound));
    expect(c.policyBetter).toBe(beatsOnCostAtMetQos(c.learner, c.baselineStats));
    expect(b?.meanReturn).toBeCloseTo(60 * c.learner.rewardPerWindow, 9);
    expect(formatLearnBenchReport(report)).toMatch(/^attmf\+ses on FaaSConf-Sequential-v0 +400\/400 steps +[\d.]+ s {2}best found: (QoS met [\d.]+ % at scaled cost [\d.]+|none held QoS) vs random-search ([\d.]+ % at [\d.]+|none held QoS) \(cost at met QoS\); policy: return -?[\d.]+, QoS met [\d.]+ % at scaled cost [\d.]+ vs [\d.]+ % at [\d.]+ \((not )?better\) {2}(NOT )?SOLVED\nnosuch\+ses on FaaSConf-Sequential-v0 +skipped \(agent not registered\)\n$/);
    // The quick variant leaves out the cases without one.
    const quick = await runLearnBenchmarks({ cases: [{ agent: 'attmf+ses', env: 'FaaSConf-Sequential-v0', steps: 10, threshold: 0, quick: null }], quick: true });
    expect(quick.benchmarks).toEqual([]);
  }, 90_000);
});
