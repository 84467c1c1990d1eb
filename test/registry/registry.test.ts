import { BaseEnv } from '../../src/core/base-env.js';
import type { ResetResult, StepResult } from '../../src/core/env.js';
import { ConfigError, ResetNeededError } from '../../src/core/errors.js';
import { Registry, parseEnvId, makeEnv, makeParallel, registry } from '../../src/registry/index.js';
import { Box, Discrete } from '../../src/spaces/index.js';

class Counter extends BaseEnv<number[], number> {
  readonly observationSpace = new Box({ low: 0, high: 1000, shape: [1] });
  readonly actionSpace = new Discrete(2);
  private n = 0;
  constructor(readonly config: Record<string, unknown>) {
    super();
  }
  protected resetEnv(): ResetResult<number[]> {
    this.n = 0;
    return { obs: [0], info: {} };
  }
  protected stepEnv(a: number): StepResult<number[]> {
    this.n += a;
    return { obs: [this.n], reward: a, terminated: false, truncated: false, info: {} };
  }
}

describe('parseEnvId', () => {
  test('splits namespace, name and version', () => {
    expect(parseEnvId('CartPole-v1')).toEqual({ name: 'CartPole', version: 1 });
    expect(parseEnvId('lab/FaaSConf-Sequential-v0')).toEqual({ namespace: 'lab', name: 'FaaSConf-Sequential', version: 0 });
  });
  test.each(['CartPole', 'CartPole-1', 'Cart Pole-v1', '', 'x/y/z-v1'])('rejects %j', (id) => {
    expect(() => parseEnvId(id)).toThrow(`environment id must look like "Name-vN" (e.g. "CartPole-v1"), got ${JSON.stringify(id)}`);
  });
});

describe('Registry', () => {
  const reg = new Registry();
  reg.register({ id: 'Counter-v0', kind: 'single', entryPoint: (c) => new Counter(c), maxEpisodeSteps: 3, rewardThreshold: 2, description: 'counts' });

  test('make applies the time limit, order enforcing and spec, and passes the config through', async () => {
    const env = reg.make('Counter-v0', { speed: 2 }) as unknown as BaseEnv<number[], number> & { env: unknown };
    expect(env.spec).toEqual({ id: 'Counter-v0', kind: 'single', nondeterministic: false, maxEpisodeSteps: 3, rewardThreshold: 2 });
    await expect(env.step(1)).rejects.toThrow(ResetNeededError);
    await env.reset({ seed: 0 });
    expect((await env.step(1)).truncated).toBe(false);
    expect((await env.step(1)).truncated).toBe(false);
    const last = await env.step(1);
    expect(last.truncated).toBe(true);
    expect(last.obs).toEqual([3]);
    expect((reg.make('Counter-v0', { speed: 2 }, { maxEpisodeSteps: null }) as { spec?: unknown }).spec).toEqual({
      id: 'Counter-v0', kind: 'single', nondeterministic: false, rewardThreshold: 2,
    });
  });

  test('duplicate ids, bad specs and unknown ids are ConfigErrors with helpful messages', () => {
    expect(() => reg.register({ id: 'Counter-v0', kind: 'single', entryPoint: (c) => new Counter(c) })).toThrow(
      'environment "Counter-v0" is already registered (pass {override: true} to replace it)',
    );
    expect(() => reg.register({ id: 'X-v0', kind: 'multi' as never, entryPoint: (c) => new Counter(c) })).toThrow('X-v0: kind must be "single" or "parallel", got "multi"');
    expect(() => reg.register({ id: 'X-v0', kind: 'single', entryPoint: (c) => new Counter(c), maxEpisodeSteps: 0 })).toThrow('X-v0: maxEpisodeSteps must be a positive integer, got 0');
    expect(() => reg.make('Counter-v1')).toThrow('environment "Counter-v1" is not registered; available versions: Counter-v0');
    expect(() => reg.make('Countr-v0')).toThrow('environment "Countr-v0" is not registered; did you mean Counter-v0?');
    expect(() => reg.make('Counter-v0', [] as never)).toThrow(ConfigError);
  });

  test('an environment on a backend other than the simulator is marked nondeterministic', () => {
    expect((reg.make('Counter-v0', { backend: { kind: 'kubernetes' } }) as { spec?: { nondeterministic: boolean } }).spec?.nondeterministic).toBe(true);
    expect((reg.make('Counter-v0', { backend: 'twin' }) as { spec?: { nondeterministic: boolean } }).spec?.nondeterministic).toBe(true);
    expect((reg.make('Counter-v0', { backend: { kind: 'sim' } }) as { spec?: { nondeterministic: boolean } }).spec?.nondeterministic).toBe(false);
  });

  test('a kind mismatch between spec and entry point is refused', () => {
    reg.register({ id: 'Liar-v0', kind: 'parallel', entryPoint: (c) => new Counter(c) });
    expect(() => reg.make('Liar-v0')).toThrow('Liar-v0: registered as kind "parallel" but its entry point built a single-agent environment');
  });
});

describe('default registry', () => {
  test('holds the classic control environments', () => {
    expect(registry.ids()).toEqual(expect.arrayContaining(['CartPole-v1', 'Pendulum-v1']));
    expect(registry.spec('CartPole-v1')).toMatchObject({ maxEpisodeSteps: 500, rewardThreshold: 475, kind: 'single' });
    expect(registry.spec('Pendulum-v1')).toMatchObject({ maxEpisodeSteps: 200, kind: 'single' });
  });
  test('makeEnv / makeParallel refuse the other kind', () => {
    expect(() => makeParallel('CartPole-v1')).toThrow('"CartPole-v1" is a single-agent environment: use makeEnv()');
    expect(makeEnv('CartPole-v1').actionSpace.toJSON()).toEqual({ type: 'Discrete', n: 2, start: 0 });
  });
});

test('maxEpisodeSteps may depend on the config', async () => {
  const reg = new Registry();
  reg.register({ id: 'Long-v0', kind: 'single', entryPoint: (c) => new Counter(c), maxEpisodeSteps: (c) => ((c as { long?: boolean }).long ? 5 : 2) });
  expect((reg.make('Long-v0') as { spec?: { maxEpisodeSteps?: number } }).spec?.maxEpisodeSteps).toBe(2);
  expect((reg.make('Long-v0', { long: true }) as { spec?: { maxEpisodeSteps?: number } }).spec?.maxEpisodeSteps).toBe(5);
});
