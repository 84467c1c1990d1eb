import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Agent, Losses } from '../../agents/agent.js';
import { DQN } from '../../agents/dqn.js';
import { ConfigError } from '../../src/core/errors.js';
import { checkDivergence, DEFAULT_MAX_LOSS, describeDivergence, train } from '../../src/experiment/train.js';
import { initTf } from '../../src/nn/tf.js';
import { make } from '../../src/registry/index.js';

/** An agent that always pushes left and reports `lossAt(updateIndex)` from every update. */
function scripted(lossAt: (i: number) => Losses | null): Agent & { updates: number } {
  const agent = {
    name: 'scripted', kind: 'single' as const, hyperparameters: {}, updates: 0,
    act: async () => 0,
    observe: () => undefined,
    update: async () => lossAt(++agent.updates),
    save: async (dir: string) => dir,
    load: async () => undefined,
    dispose: () => undefined,
  };
  return agent;
}

describe('divergence detection in train()', () => {
  it('checkDivergence flags NaN, ±Infinity and values past the bound, and names the entry', () => {
    expect(checkDivergence({ q: 10, qMax: 50 }, 7, 100)).toBeNull();
    expect(checkDivergence({ q: 10, qMax: 101 }, 7, 100)).toEqual({ step: 7, key: 'qMax', value: 101, bound: 100 });
    expect(checkDivergence({ q: -101 }, 3, 100)).toEqual({ step: 3, key: 'q', value: -101, bound: 100 });
    expect(checkDivergence({ q: Number.NaN }, 1, Infinity)?.key).toBe('q');
    expect(checkDivergence({ q: -Infinity }, 1, Infinity)?.value).toBe(-Infinity);
    expect(describeDivergence({ step: 11400, key: 'q', value: 1.1e6, bound: 1e6 })).toBe('diverged at step 11400: q = 1.10e+6 (bound 1.00e+6)');
    expect(describeDivergence({ step: 5, key: 'value', value: Number.NaN, bound: 1e6 })).toBe('diverged at step 5: value = NaN');
  });

  it('stops at the step whose loss crossed the bound, skips the final evaluation and logs the step', async () => {
    const out = mkdtempSync(join(tmpdir(), 'faasgym-div-'));
    try {
      // Loss doubles each update from 1: 2^20 > 1e6 first at update 21, i.e. step 21.
      const agent = scripted((i) => ({ q: 2 ** (i - 1) }));
      const env = make('CartPole-v1'), evalEnv = make('CartPole-v1');
      const r = await train({ env, agent, steps: 1000, seed: 0, evalEnv, evalEpisodes: 2, out });
      expect(r.diverged).toEqual({ step: 21, key: 'q', value: 2 ** 20, bound: DEFAULT_MAX_LOSS });
      expect(r.steps).toBe(21);
      expect(agent.updates).toBe(21);
      expect(r.finalEvaluation).toBeNull();
      const rows = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(rows.at(-1)).toEqual({ step: 21, diverged: { step: 21, key: 'q', value: 2 ** 20, bound: 1e6 }, losses: { q: 2 ** 20 } });
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('detects NaN even with an infinite bound, and ignores steps without an update', async () => {
    const agent = scripted((i): Losses | null => (i < 50 ? null : i === 60 ? { q: 1, v: Number.NaN } : { q: 1e12 }));
    const r = await train({ env: make('CartPole-v1'), agent, steps: 500, seed: 0, maxLoss: Infinity });
    expect(r.diverged).toMatchObject({ step: 60, key: 'v' });
    expect(Number.isNaN(r.diverged?.value)).toBe(true);
  });

  it('runs the whole budget when losses stay in bounds', async () => {
    const r = await train({ env: make('CartPole-v1'), agent: scripted(() => ({ q: 5 })), steps: 300, seed: 0, maxLoss: 10 });
    expect(r.diverged).toBeNull();
    expect(r.steps).toBe(300);
  });

  it('refuses a bound that is not a positive number', async () => {
    for (const maxLoss of [0, -1, Number.NaN]) {
      await expect(train({ env: make('CartPole-v1'), agent: scripted(() => null), steps: 10, maxLoss })).rejects.toThrow(ConfigError);
    }
    await expect(train({ env: make('CartPole-v1'), agent: scripted(() => null), steps: 10, maxLoss: -1 })).rejects.toThrow('train: maxLoss must be a positive number (Infinity: NaN only), got -1');
  });

  it("DQN reports its largest bootstrapped |Q| as qMax, and an exploding learning rate is caught", async () => {
    await initTf();
    const env = make('CartPole-v1');
    const agent = new DQN(env, { learningStarts: 100, hidden: [32], learningRate: 1 /* the option's upper bound */, loss: 'mse', maxGradNorm: 0 /* no clipping */, targetUpdateInterval: 10, totalSteps: 5000 }, 0);
    try {
      const r = await train({ env, agent, steps: 5000, seed: 0, maxLoss: 1e4 });
      expect(r.diverged).not.toBeNull();
      expect(['q', 'qMax']).toContain(r.diverged?.key);
      expect(r.steps).toBeLessThan(5000);
      expect(r.steps).toBeGreaterThan(100);
    } finally {
      agent.dispose();
    }
    const calm = new DQN(env, { learningStarts: 50, hidden: [16], totalSteps: 200 }, 0);
    try {
      let seen: Losses | null = null;
      await train({ env: make('CartPole-v1'), agent: calm, steps: 200, seed: 0, progressEvery: 200, onProgress: (p) => { seen = p.losses; } });
      expect(seen).not.toBeNull();
      const losses = seen as unknown as Losses;
      expect(losses.qMax).toBeGreaterThan(0);
      expect(losses.qMax).toBeLessThan(100);
    } finally {
      calm.dispose();
    }
  });
});
