import { BaseEnv } from '../../src/core/base-env.js';
import { BaseParallelEnv } from '../../src/core/base-parallel-env.js';
import type { Env, ParallelEnv, ResetResult, StepResult } from '../../src/core/env.js';
import { InvalidActionError } from '../../src/core/errors.js';
import { checkEnv, checkParallelEnv, formatReport, PARALLEL_RULES, SINGLE_RULES } from '../../src/registry/checker.js';
import { Box, Discrete, type Space } from '../../src/spaces/index.js';

/** A correct env: a 1-D random walk on [-10, 10], terminating at the edges. */
class Walk extends BaseEnv<number[], number> {
  readonly observationSpace = new Box({ low: -10, high: 10, shape: [1] });
  readonly actionSpace = new Discrete(3);
  private x = 0;
  protected resetEnv(): ResetResult<number[]> {
    this.x = Math.round(this.rng.uniform(-3, 3));
    return { obs: [this.x], info: {} };
  }
  protected stepEnv(action: number): StepResult<number[]> {
    this.x += action - 1 + (this.rng.bernoulli(0.1) ? 1 : 0);
    const terminated = Math.abs(this.x) >= 10;
    this.x = Math.max(-10, Math.min(10, this.x));
    return { obs: [this.x], reward: -Math.abs(this.x), terminated, truncated: false, info: { x: this.x } };
  }
}

/** Breaks one rule each: no order enforcing, obs outside its space, accepts any action, NaN reward, nondeterministic, close throws twice. */
class Broken implements Env<number[], number> {
  readonly observationSpace: Space<number[]> = new Box({ low: 0, high: 1, shape: [2] });
  readonly actionSpace: Space<number> = new Discrete(2);
  private calls = 0;
  private closed = false;
  async reset(): Promise<ResetResult<number[]>> {
    return { obs: [0.5, 0.5], info: {} };
  }
  async step(): Promise<StepResult<number[]>> {
    this.calls += 1;
    return { obs: [this.calls, 0], reward: Number.NaN, terminated: false, truncated: false, info: {} };
  }
  async close(): Promise<void> {
    if (this.closed) throw new Error('already closed');
    this.closed = true;
  }
}

describe('checkEnv', () => {
  test('a correct environment passes every rule', async () => {
    const report = await checkEnv(new Walk(), { steps: 200 });
    expect(report.failed).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.passed.sort()).toEqual([...SINGLE_RULES].sort());
  });

  test('a broken environment fails with the right rule names', async () => {
    const report = await checkEnv(new Broken());
    expect(report.ok).toBe(false);
    expect(report.failed.map((f) => f.rule).sort()).toEqual(
      ['close-twice', 'deterministic', 'invalid-action-rejected', 'step-before-reset', 'step-obs-in-space', 'step-result'].sort(),
    );
    const byRule = Object.fromEntries(report.failed.map((f) => [f.rule, f.message]));
    expect(byRule['step-before-reset']).toBe('step() before reset() did not throw ResetNeededError');
    expect(byRule['step-result']).toBe('reward must be a finite number, got NaN');
    expect(byRule['step-obs-in-space']).toMatch(/^step 0 observation \[3,0\] is not in the observation space/);
    expect(byRule['close-twice']).toBe('threw Error: already closed');
    expect(formatReport('Broken-v0', report)).toContain('✗ deterministic: same seed and actions gave different trajectories');
  });

  test('spaces that are not spaces stop the check early', async () => {
    const env = { observationSpace: { n: 2 }, actionSpace: new Discrete(2), reset: async () => ({ obs: 0, info: {} }), step: async () => ({}), close: async () => {} };
    const report = await checkEnv(env as never);
    expect(report.failed).toEqual([{ rule: 'spaces-are-spaces', message: 'observationSpace is not a Space: {"n":2}' }]);
  });

  test('nondeterministic environments skip the determinism rule', async () => {
    const report = await checkEnv(new Broken(), { nondeterministic: true });
    expect(report.failed.map((f) => f.rule)).not.toContain('deterministic');
    expect(report.skipped.map((f) => f.rule)).toEqual(['deterministic']);
  });
});

type Id = 'a' | 'b' | 'c';
/** Three agents; agent c terminates after 3 steps; shared reward. */
class Team extends BaseParallelEnv<Id, number[], number> {
  readonly possibleAgents: readonly Id[] = ['a', 'b', 'c'];
  private t = 0;
  private level = 0;
  observationSpace(): Space<number[]> {
    return new Box({ low: 0, high: 100, shape: [1] });
  }
  actionSpace(): Space<number> {
    return new Discrete(2);
  }
  state(): number[] {
    return [this.t, this.level];
  }
  adjacency(): number[][] {
    return [[0, 1, 0], [0, 0, 1], [0, 0, 0]];
  }
  protected resetEnv() {
    this.t = 0;
    this.level = this.rng.integer(0, 10);
    const obs = Object.fromEntries(this.agents.map((a) => [a, [this.level]])) as Record<Id, number[]>;
    const info = Object.fromEntries(this.agents.map((a) => [a, {}])) as Record<Id, Record<string, unknown>>;
    return { obs, info };
  }
  protected stepEnv(actions: Record<Id, number>) {
    this.t += 1;
    this.level = Math.min(100, this.level + Object.values<number>(actions).reduce((x, y) => x + y, 0));
    const live = this.agents;
    const pick = <T>(f: (a: Id) => T) => Object.fromEntries(live.map((a) => [a, f(a)])) as Record<Id, T>;
    return {
      obs: pick(() => [this.level]),
      rewards: pick(() => this.level / 10),
      terminations: pick((a) => (a === 'c' && this.t >= 3) || this.t >= 8),
      truncations: pick(() => false),
      infos: pick(() => ({})),
    };
  }
}

describe('checkParallelEnv', () => {
  test('a correct parallel environment passes every rule', async () => {
    const report = await checkParallelEnv(new Team() as unknown as ParallelEnv<string, unknown, unknown>, { steps: 30 });
    expect(report.failed).toEqual([]);
    expect(report.passed.sort()).toEqual([...PARALLEL_RULES].sort());
  });

  test('agents that do not shrink, a bad adjacency and out-of-space observations are reported', async () => {
    class BadTeam extends Team {
      override adjacency(): number[][] {
        return [[0, 1], [1, 0]];
      }
      override async step(actions: Record<Id, number>) {
        const result = await super.step(actions);
        this.agents = [...this.possibleAgents]; // forgets to drop terminated agents
        for (const a of Object.keys(result.obs) as Id[]) result.obs[a] = [-1];
        return result;
      }
    }
    const report = await checkParallelEnv(new BadTeam() as unknown as ParallelEnv<string, unknown, unknown>, { steps: 10 });
    expect(report.failed.map((f) => f.rule).sort()).toEqual(['agents-shrink', 'state-and-adjacency', 'step-obs-in-space'].sort());
    const byRule = Object.fromEntries(report.failed.map((f) => [f.rule, f.message]));
    expect(byRule['agents-shrink']).toBe('step 2: agents should be ["a","b"] (live minus terminated/truncated), got ["a","b","c"]');
    expect(byRule['state-and-adjacency']).toBe('adjacency() must be a 3×3 matrix of finite numbers, got [[0,1],[1,0]]');
  });
});

describe('action masks', () => {
  test('the checker samples only allowed actions when info.actionMask is given, and refuses masked ones otherwise', async () => {
    class Masked extends BaseEnv<number[], number> {
      readonly observationSpace = new Box({ low: 0, high: 10, shape: [1] });
      readonly actionSpace = new Discrete(4);
      private t = 0;
      private mask(): number[] {
        return [1, this.t % 2, 0, 1];
      }
      protected resetEnv(): ResetResult<number[]> {
        this.t = 0;
        return { obs: [0], info: { actionMask: this.mask() } };
      }
      protected stepEnv(a: number): StepResult<number[]> {
        if (!this.mask()[a]) throw new InvalidActionError(`action ${a} is masked`);
        this.t++;
        return { obs: [this.t % 10], reward: a, terminated: this.t >= 20, truncated: false, info: { actionMask: this.mask() } };
      }
    }
    const report = await checkEnv(new Masked(), { steps: 200 });
    expect(report.failed).toEqual([]);
  });
});
