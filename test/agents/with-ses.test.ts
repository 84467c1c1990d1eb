import '../../agents/index.js';
import { agentFamilies, getAgentFactory } from '../../agents/registry.js';
import { SafeExploration } from '../../agents/ses.js';
import { resolveTrainingRun } from '../../src/experiment/training-run.js';
import { initTf } from '../../src/nn/tf.js';
import { make } from '../../src/registry/index.js';

beforeAll(async () => {
  await initTf({ quiet: true });
});

describe('<learner>+ses', () => {
  test('is SES around the learner: SES keys go to SES, the rest to the learner', async () => {
    const f = getAgentFactory('attmf+ses');
    expect(f.name).toBe('attmf+ses');
    expect(getAgentFactory('attmf+ses')).toBe(f); // built once
    expect(f.zooAgent).toBe('attmf');
    expect(f.trainingBudgetOption).toBe('totalSteps');
    expect(agentFamilies()).toContain('<learner>+ses');
    const env = make('FaaSConf-Sequential-v0');
    try {
      expect(f.supports(env)).toBeNull();
      const agent = (await f.create(env, { gamma: 0.25, hidden: [8], kSigma: 1.5, noiseStd: 0.05, totalSteps: 500 }, 1)) as SafeExploration;
      try {
        expect(agent).toBeInstanceOf(SafeExploration);
        expect(agent.hyperparameters).toMatchObject({ inner: 'attmf', kSigma: 1.5, noiseStd: 0.05, priceModel: 'faasconf-eq2' });
        expect(agent.hyperparameters.innerOptions).toMatchObject({ gamma: 0.25, hidden: [8] });
        expect(agent.hyperparameters.innerOptions).not.toHaveProperty('kSigma');
      } finally {
        agent.dispose();
      }
      await expect(f.create(env, { gama: 0.5 }, 0)).rejects.toThrow('attmf: options.gama: unknown key');
    } finally {
      await env.close();
    }
    const cartpole = make('CartPole-v1');
    expect(f.supports(cartpole)).toMatch(/Box/);
    await cartpole.close();
  });

  test('takes the learner\'s zoo entry and the run\'s budget', () => {
    const run = resolveTrainingRun({ env: 'FaaSConf-Sequential-v0', agent: 'meanfield+ses', layers: [{ source: '--set', options: { kSigma: 3 } }] });
    expect(run.sources[0]).toMatch(/^zoo .*configs\/zoo\/meanfield\.yaml#FaaSConf-Sequential-v0$/);
    expect(run.steps).toBe(10_000);
    expect(run.options).toMatchObject({ gamma: 0.5, learningStarts: 1000, kSigma: 3, totalSteps: 10_000 });
  });

  test('malformed and unknown names are refused with the reason', () => {
    expect(() => getAgentFactory('+ses')).toThrow('agent "+ses": +ses wraps one learner (e.g. "attmf+ses"), not nothing');
    expect(() => getAgentFactory('ses+ses')).toThrow('agent "ses+ses": +ses wraps one learner (e.g. "attmf+ses"), not "ses"');
    expect(() => getAgentFactory('attmf+ses+ses')).toThrow('agent "attmf+ses+ses": +ses wraps one learner (e.g. "attmf+ses"), not "attmf+ses"');
    expect(() => getAgentFactory('atmf+ses')).toThrow(/^unknown agent "atmf" \(available: .*attmf.*; or <learner>\+ses\)$/);
    expect(() => getAgentFactory('atmf')).toThrow(/; or <learner>\+ses\)$/);
  });
});
