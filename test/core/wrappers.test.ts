import { BaseEnv } from '../../src/core/base-env.js';
import { BaseParallelEnv } from '../../src/core/base-parallel-env.js';
import type { ParallelResetResult, ParallelStepResult, ResetResult, StepResult } from '../../src/core/env.js';
import { ConfigError, InvalidActionError, ResetNeededError } from '../../src/core/errors.js';
import {
  CentralizedEnv,
  ClipAction,
  FlattenObservation,
  NormalizeObservation,
  OrderEnforcing,
  ParallelOrderEnforcing,
  ParallelTimeLimit,
  RecordEpisodeStatistics,
  RescaleAction,
  TimeLimit,
  Wrapper,
} from '../../src/core/wrappers/index.js';
import { Box } from '../../src/spaces/box.js';
import { Dict, Tuple } from '../../src/spaces/composite.js';
import { Discrete } from '../../src/spaces/discrete.js';
import { MultiBinary } from '../../src/spaces/multi-binary.js';
import { MultiDiscrete } from '../../src/spaces/multi-discrete.js';
import type { Space } from '../../src/spaces/space.js';

// ---------------------------------------------------------------- toy envs

/** obs = previous action (reset: zeros), reward = sum(action), terminated after `horizon` steps. */
class ToyEnv extends BaseEnv<number[], number[]> {
  readonly observationSpace = new Box({ low: -100, high: 100, shape: [2], dtype: 'float64' });
  readonly actionSpace: Box;
  readonly received: number[][] = [];
  private t = 0;

  constructor(readonly horizon = 1000, actionSpace?: Box) {
    super();
    this.actionSpace = actionSpace ?? new Box({ low: [-1, 0], high: [1, 10], dtype: 'float64' });
  }

  protected resetEnv(): ResetResult<number[]> {
    this.t = 0;
    return { obs: [0, 0], info: {} };
  }

  protected stepEnv(action: number[]): StepResult<number[]> {
    this.received.push([...action]);
    this.t += 1;
    return { obs: [...action], reward: action.reduce((a, b) => a + b, 0), terminated: this.t >= this.horizon, truncated: false, info: { t: this.t } };
  }
}

/** Any spaces; obs from a function of the step count. */
class SpaceEnv<O, A> extends BaseEnv<O, A> {
  private t = 0;
  constructor(readonly observationSpace: Space<O>, readonly actionSpace: Space<A>, private readonly obsAt: (t: number) => O) {
    super();
  }
  protected resetEnv(): ResetResult<O> {
    this.t = 0;
    return { obs: this.obsAt(0), info: {} };
  }
  protected stepEnv(): StepResult<O> {
    this.t += 1;
    return { obs: this.obsAt(this.t), reward: 1, terminated: false, truncated: false, info: {} };
  }
}

type Agent = 'a' | 'b' | 'c';
const REWARD: Record<Agent, number> = { a: 1, b: 10, c: 100 };

/**
 * Three agents. Observations: a → Box[1] = [t]; b → Discrete(3) = t % 3; c → Box[2] = [t, -t].
 * Rewards a: 1, b: 10, c: 100. b terminates at step `bLeavesAt`; a and c end at `horizon`
 * (terminated or truncated per `end`).
 */
class ToyParallel extends BaseParallelEnv<Agent, unknown, unknown> {
  readonly possibleAgents: readonly Agent[] = ['a', 'b', 'c'];
  readonly received: Record<string, unknown>[] = [];
  closeCount = 0;
  private t = 0;
  private readonly obsSpaces: Record<Agent, Space<unknown>> = {
    a: new Box({ low: 0, high: 10, shape: [1], dtype: 'float64' }),
    b: new Discrete(3),
    c: new Box({ low: -10, high: 10, shape: [2], dtype: 'float64' }),
  };

  constructor(
    private readonly actSpaces: Record<Agent, Space<unknown>>,
    private readonly opts: { horizon?: number; bLeavesAt?: number; end?: 'terminate' | 'truncate' } = {},
  ) {
    super();
  }

  observationSpace(agent: Agent): Space<unknown> {
    return this.obsSpaces[agent];
  }

  actionSpace(agent: Agent): Space<unknown> {
    return this.actSpaces[agent];
  }

  state(): number[] {
    return [this.t, 42];
  }

  private obsOf(agent: Agent): unknown {
    return agent === 'a' ? [this.t] : agent === 'b' ? this.t % 3 : [this.t, -this.t];
  }

  protected resetEnv(): ParallelResetResult<Agent, unknown> {
    this.t = 0;
    const obs = {} as Record<Agent, unknown>;
    const info = {} as Record<Agent, Record<string, unknown>>;
    for (const agent of this.agents) {
      obs[agent] = this.obsOf(agent);
      info[agent] = {};
    }
    return { obs, info };
  }

  protected stepEnv(actions: Record<Agent, unknown>): ParallelStepResult<Agent, unknown> {
    this.received.push(structuredClone(actions));
    this.t += 1;
    const horizon = this.opts.horizon ?? 3;
    const result: ParallelStepResult<Agent, unknown> = { obs: {}, rewards: {}, terminations: {}, truncations: {}, infos: {} } as ParallelStepResult<Agent, unknown>;
    for (const agent of this.agents) {
      result.obs[agent] = this.obsOf(agent);
      result.rewards[agent] = REWARD[agent];
      const ends = agent === 'b' ? this.t >= (this.opts.bLeavesAt ?? 1) : this.t >= horizon;
      const truncate = agent !== 'b' && this.opts.end === 'truncate';
      result.terminations[agent] = ends && !truncate;
      result.truncations[agent] = ends && truncate;
      result.infos[agent] = { who: agent, t: this.t };
    }
    return result;
  }

  protected override closeEnv(): void {
    this.closeCount += 1;
  }
}

const boxActions = (): Record<Agent, Space<unknown>> => ({
  a: new Box({ low: -1, high: 1, shape: [2], dtype: 'float64' }),
  b: new Box({ low: 0, high: 5, shape: [1], dtype: 'float64' }),
  c: new Box({ low: -2, high: 2, shape: [3], dtype: 'float64' }),
});

async function expectError(promise: Promise<unknown> | (() => unknown), cls: new (...args: never[]) => Error, fragments: string[]): Promise<void> {
  let error: unknown;
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(cls);
  for (const fragment of fragments) expect((error as Error).message).toContain(fragment);
}

// ---------------------------------------------------------------- TimeLimit / OrderEnforcing

describe('TimeLimit', () => {
  it('truncates exactly at maxEpisodeSteps and not before', async () => {
    const env = new TimeLimit(new ToyEnv(), 3);
    await env.reset({ seed: 1 });
    for (let i = 1; i <= 2; i++) {
      const r = await env.step([0, 0]);
      expect(r.truncated).toBe(false);
      expect(r.terminated).toBe(false);
    }
    const last = await env.step([0, 0]);
    expect(last.truncated).toBe(true);
    expect(last.terminated).toBe(false);
    // the count restarts on reset
    await env.reset();
    expect((await env.step([0, 0])).truncated).toBe(false);
  });

  it('does not truncate when the inner env terminates first', async () => {
    const env = new TimeLimit(new ToyEnv(2), 5);
    await env.reset({ seed: 1 });
    await env.step([0, 0]);
    const r = await env.step([0, 0]);
    expect(r).toMatchObject({ terminated: true, truncated: false });
  });

  it('rejects a bad step count', async () => {
    await expectError(() => new TimeLimit(new ToyEnv(), 0), ConfigError, ['maxEpisodeSteps', 'got 0']);
  });
});

describe('OrderEnforcing', () => {
  it('throws ResetNeededError before the first reset', async () => {
    const env = new OrderEnforcing(new ToyEnv());
    await expectError(env.step([0, 0]), ResetNeededError, ['call reset() before step()', 'OrderEnforcing']);
    await env.reset({ seed: 0 });
    expect((await env.step([0.5, 1])).obs).toEqual([0.5, 1]);
  });

  it('has a parallel counterpart', async () => {
    const env = new ParallelOrderEnforcing(new ToyParallel(boxActions()));
    await expectError(env.step({ a: [0, 0], b: [0], c: [0, 0, 0] }), ResetNeededError, ['OrderEnforcing']);
  });
});

// ---------------------------------------------------------------- ClipAction / RescaleAction

describe('ClipAction', () => {
  it('clips each element into the inner bounds', async () => {
    const inner = new ToyEnv();
    const env = new ClipAction(inner);
    await env.reset({ seed: 0 });
    await env.step([5, -3]);
    await env.step([-Infinity, 11]);
    await env.step([0.25, 4]);
    expect(inner.received).toEqual([[1, 0], [-1, 10], [0.25, 4]]);
  });

  it('exposes Box(-inf, inf) of the same shape, float32', () => {
    const env = new ClipAction(new ToyEnv());
    const space = env.actionSpace as Box;
    expect(space).toBeInstanceOf(Box);
    expect(space.shape).toEqual([2]);
    expect(space.dtype).toBe('float32');
    expect(space.low).toEqual([-Infinity, -Infinity]);
    expect(space.high).toEqual([Infinity, Infinity]);
    expect(env.observationSpace).toBe(env.env.observationSpace);
  });

  it('still rejects NaN and wrong sizes', async () => {
    const env = new ClipAction(new ToyEnv());
    await env.reset({ seed: 0 });
    await expectError(env.step([NaN, 0]), InvalidActionError, ['NaN']);
    await expectError(env.step([0, 0, 0]), InvalidActionError, ['expected 2 elements']);
  });

  it('needs a Box action space', () => {
    const env = new SpaceEnv(new Discrete(2), new Discrete(2), () => 0);
    expect(() => new ClipAction(env as never)).toThrow(ConfigError);
    expect(() => new ClipAction(env as never)).toThrow('ClipAction needs an environment with a Box action space, got "Discrete"');
  });
});

describe('RescaleAction', () => {
  const innerBox = () => new Box({ low: [0.1, -3], high: [0.7, 5], dtype: 'float64' });

  it('maps min → low, max → high and the midpoint to the midpoint exactly', async () => {
    const inner = new ToyEnv(1000, innerBox());
    const env = new RescaleAction(inner, -1, 1);
    const { low, high } = inner.actionSpace;
    await env.reset({ seed: 0 });
    await env.step([-1, -1]);
    await env.step([1, 1]);
    await env.step([0, 0]);
    await env.step([0.5, -0.5]);
    expect(inner.received[0]).toEqual([low[0], low[1]]);
    expect(inner.received[1]).toEqual([high[0], high[1]]);
    expect(inner.received[2]).toEqual([((low[0] as number) + (high[0] as number)) / 2, ((low[1] as number) + (high[1] as number)) / 2]);
    expect(inner.received[2]).toEqual([0.39999999999999997, 1]);
    expect(inner.received[3]?.[0]).toBeCloseTo(0.55, 12);
    expect(inner.received[3]?.[1]).toBeCloseTo(-1, 12);
  });

  it('accepts per-element ranges and exposes Box(min, max)', async () => {
    const inner = new ToyEnv(1000, innerBox());
    const env = new RescaleAction(inner, [0, -2], [4, 2]);
    const space = env.actionSpace as Box;
    expect(space.low).toEqual([0, -2]);
    expect(space.high).toEqual([4, 2]);
    expect(space.dtype).toBe('float64');
    await env.reset({ seed: 0 });
    await env.step([4, -2]);
    expect(inner.received[0]).toEqual([0.7, -3]);
    await expectError(env.step([4.5, 0]), InvalidActionError, ['[4.5,0]', 'outside']);
  });

  it('validates its configuration', () => {
    expect(() => new RescaleAction(new ToyEnv(1000, innerBox()), 1, 1)).toThrow(ConfigError);
    expect(() => new RescaleAction(new ToyEnv(1000, innerBox()), [0, 2], [1, 1])).toThrow('element 1 has min 2 and max 1');
    expect(() => new RescaleAction(new ToyEnv(1000, innerBox()), [0, 0, 0], 1)).toThrow('must have 2 elements (the action size), got [0,0,0]');
    expect(() => new RescaleAction(new ToyEnv(1000, innerBox()), -Infinity, 1)).toThrow('minAction[0] must be a finite number, got -Infinity');
    const unbounded = new ToyEnv(1000, new Box({ low: [-1, 0], high: [1, Infinity], dtype: 'float64' }));
    expect(() => new RescaleAction(unbounded, -1, 1)).toThrow(ConfigError);
    expect(() => new RescaleAction(unbounded, -1, 1)).toThrow('RescaleAction needs a bounded Box action space, got low=[-1,0] high=[1,"Infinity"]');
    const discrete = new SpaceEnv(new Discrete(2), new Discrete(2), () => 0);
    expect(() => new RescaleAction(discrete as never, -1, 1)).toThrow('RescaleAction needs an environment with a Box action space, got "Discrete"');
  });
});

// ---------------------------------------------------------------- NormalizeObservation

/** Gymnasium's RunningMeanStd.update for a batch of one observation, transcribed from numpy. */
function gymUpdate(state: { mean: number[]; var: number[]; count: number }, x: number[]): void {
  const batchMean = x, batchVar = x.map(() => 0), batchCount = 1;
  const totCount = state.count + batchCount;
  const newMean: number[] = [], newVar: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const delta = (batchMean[i] as number) - (state.mean[i] as number);
    newMean.push((state.mean[i] as number) + (delta * batchCount) / totCount);
    const mA = (state.var[i] as number) * state.count;
    const mB = (batchVar[i] as number) * batchCount;
    const m2 = mA + mB + (delta * delta * state.count * batchCount) / totCount;
    newVar.push(m2 / totCount);
  }
  state.mean = newMean;
  state.var = newVar;
  state.count = totCount;
}

describe('NormalizeObservation', () => {
  const actions = [[0.5, 3], [-0.25, 7], [1, 0], [-1, 9.5], [0.125, 2]];

  it('matches Gymnasium RunningMeanStd and normalises with it', async () => {
    const env = new NormalizeObservation(new ToyEnv());
    const ref = { mean: [0, 0], var: [1, 1], count: 1e-4 };
    const norm = (x: number[]) => x.map((v, i) => Math.fround((v - (ref.mean[i] as number)) / Math.sqrt((ref.var[i] as number) + 1e-8)));

    const first = await env.reset({ seed: 0 });
    gymUpdate(ref, [0, 0]);
    expect(first.obs).toEqual(norm([0, 0]));
    for (const action of actions) {
      const r = await env.step(action);
      gymUpdate(ref, action);
      expect(r.obs).toEqual(norm(action));
    }
    const state = env.getState();
    expect(state.count).toBeCloseTo(6.0001, 12);
    for (let i = 0; i < 2; i++) {
      expect(Math.abs((state.mean[i] as number) - (ref.mean[i] as number))).toBeLessThan(1e-9);
      expect(Math.abs((state.var[i] as number) - (ref.var[i] as number))).toBeLessThan(1e-9);
    }
    // sanity: close to the sample statistics of the six observations
    const seen = [[0, 0], ...actions];
    const sampleMean = [0, 1].map((i) => seen.reduce((a, x) => a + (x[i] as number), 0) / seen.length);
    expect(state.mean[1]).toBeCloseTo(sampleMean[1] as number, 3);
  });

  it('freezes statistics when updateRunningMean is false, and restores them with setState', async () => {
    const env = new NormalizeObservation(new ToyEnv(), { epsilon: 1e-8 });
    expect(env.updateRunningMean).toBe(true);
    await env.reset({ seed: 0 });
    for (const action of actions) await env.step(action);
    const frozen = env.getState();
    env.updateRunningMean = false;
    const r = await env.step([0.75, 5]);
    expect(env.getState()).toEqual(frozen);
    expect(r.obs).toEqual([0.75, 5].map((v, i) => Math.fround((v - (frozen.mean[i] as number)) / Math.sqrt((frozen.var[i] as number) + 1e-8))));

    const copy = new NormalizeObservation(new ToyEnv());
    copy.setState(frozen);
    copy.updateRunningMean = false;
    await copy.reset({ seed: 0 });
    expect((await copy.step([0.75, 5])).obs).toEqual(r.obs);
    expect(() => copy.setState({ mean: [0], var: [1, 1], count: 1 })).toThrow(ConfigError);
    expect(() => copy.setState({ mean: [0, 0], var: [1, 1], count: 0 })).toThrow('count must be a finite number > 0, got 0');
  });

  it('exposes Box(-inf, inf) float32 and needs Box observations', () => {
    const env = new NormalizeObservation(new ToyEnv());
    const space = env.observationSpace as Box;
    expect(space.shape).toEqual([2]);
    expect(space.dtype).toBe('float32');
    expect(space.isBounded()).toBe(false);
    const discrete = new SpaceEnv(new Discrete(3), new Discrete(2), () => 0);
    expect(() => new NormalizeObservation(discrete as never)).toThrow(ConfigError);
    expect(() => new NormalizeObservation(discrete as never)).toThrow('NormalizeObservation needs an environment with a Box observation space, got "Discrete"');
    expect(() => new NormalizeObservation(new ToyEnv(), { epsilon: -1 })).toThrow('epsilon must be a finite number >= 0, got -1');
  });
});

// ---------------------------------------------------------------- RecordEpisodeStatistics

describe('RecordEpisodeStatistics', () => {
  it('reports the return and length when the episode ends', async () => {
    const env = new RecordEpisodeStatistics(new ToyEnv(3));
    await env.reset({ seed: 0 });
    const r1 = await env.step([0.5, 1]);
    const r2 = await env.step([1, 2]);
    expect(r1.info.episode).toBeUndefined();
    expect(r2.info.episode).toBeUndefined();
    const r3 = await env.step([-1, 0]);
    expect(r3.terminated).toBe(true);
    const episode = r3.info.episode as { r: number; l: number; t: number };
    expect(episode.r).toBe(3.5);
    expect(episode.l).toBe(3);
    expect(episode.t).toBeGreaterThanOrEqual(0);
    expect(episode.t).toBeLessThan(60);
    expect(r3.info.t).toBe(3); // inner info kept
    expect(env.returnQueue).toEqual([3.5]);
    expect(env.lengthQueue).toEqual([3]);
    expect(env.episodeCount).toBe(1);
  });

  it('counts truncated episodes and keeps the last bufferLength', async () => {
    const env = new RecordEpisodeStatistics(new TimeLimit(new ToyEnv(), 2), { bufferLength: 2 });
    for (let ep = 1; ep <= 3; ep++) {
      await env.reset({ seed: ep });
      await env.step([0, ep]);
      const last = await env.step([0, ep]);
      expect(last.truncated).toBe(true);
      expect(last.info.episode).toMatchObject({ r: 2 * ep, l: 2 });
    }
    expect(env.returnQueue).toEqual([4, 6]);
    expect(env.lengthQueue).toEqual([2, 2]);
    expect(env.timeQueue).toHaveLength(2);
    expect(() => new RecordEpisodeStatistics(new ToyEnv(), { bufferLength: 0 })).toThrow('bufferLength must be a positive integer, got 0');
  });
});

// ---------------------------------------------------------------- FlattenObservation

describe('FlattenObservation', () => {
  it('flattens Dict(Discrete, Box) into one-hot + box', async () => {
    const obsSpace = new Dict({ pos: new Discrete(3), vel: new Box({ low: -1, high: 1, shape: [2], dtype: 'float64' }) });
    const inner = new SpaceEnv(obsSpace, new Discrete(2), (t) => ({ pos: t % 3, vel: [t / 4, -t / 4] }));
    const env = new FlattenObservation(inner);
    const space = env.observationSpace as Box;
    expect(space.shape).toEqual([5]);
    expect(space.low).toEqual([0, 0, 0, -1, -1]);
    expect(space.high).toEqual([1, 1, 1, 1, 1]);
    expect((await env.reset({ seed: 0 })).obs).toEqual([1, 0, 0, 0, -0]);
    expect((await env.step(0)).obs).toEqual([0, 1, 0, 0.25, -0.25]);
    expect((await env.step(1)).obs).toEqual([0, 0, 1, 0.5, -0.5]);
    expect(env).toBeInstanceOf(Wrapper);
    expect(env.unwrapped).toBe(inner);
  });
});

// ---------------------------------------------------------------- CentralizedEnv

describe('CentralizedEnv', () => {
  it('concatenates flattened observations in possibleAgents order and keeps a departed agent\'s last one', async () => {
    const env = new CentralizedEnv(new ToyParallel(boxActions()));
    const space = env.observationSpace;
    // a: Box[1] in [0,10]; b: one-hot of 3; c: Box[2] in [-10,10]
    expect(space.low).toEqual([0, 0, 0, 0, -10, -10]);
    expect(space.high).toEqual([10, 1, 1, 1, 10, 10]);
    expect(space.dtype).toBe('float64');
    const reset = await env.reset({ seed: 3 });
    expect(reset.obs).toEqual([0, 1, 0, 0, 0, -0]);
    expect(reset.info.seed).toBeUndefined();
    expect(Object.keys(reset.info.agents as object)).toEqual(['a', 'b', 'c']);
    const act = [0, 0, 0, 0, 0, 0];
    const s1 = await env.step(act);
    expect(s1.obs).toEqual([1, 0, 1, 0, 1, -1]);
    // b left at step 1: its one-hot stays [0,1,0] although t % 3 moves on
    const s2 = await env.step(act);
    expect(s2.obs).toEqual([2, 0, 1, 0, 2, -2]);
    expect(env.observationSpace.contains(s2.obs)).toBe(true);
  });

  it('reports an entropy seed from the inner env in info.seed', async () => {
    const env = new CentralizedEnv(new ToyParallel(boxActions()));
    const { info } = await env.reset();
    expect(typeof info.seed).toBe('number');
  });

  it('splits a Box joint action per agent and ignores departed agents\' slices', async () => {
    const inner = new ToyParallel(boxActions());
    const env = new CentralizedEnv(inner);
    expect(env.jointActionKind).toBe('box');
    const space = env.actionSpace as Box;
    expect(space.low).toEqual([-1, -1, 0, -2, -2, -2]);
    expect(space.high).toEqual([1, 1, 5, 2, 2, 2]);
    expect(space.dtype).toBe('float64');
    await env.reset({ seed: 0 });
    await env.step([0.1, 0.2, 3, -1, 0, 1.5]);
    await env.step([-0.5, 0.5, 4, 2, -2, 0]);
    expect(inner.received[0]).toEqual({ a: [0.1, 0.2], b: [3], c: [-1, 0, 1.5] });
    expect(inner.received[1]).toEqual({ a: [-0.5, 0.5], c: [2, -2, 0] });
  });

  it('builds a MultiDiscrete joint space from Discrete and MultiDiscrete agents', async () => {
    const inner = new ToyParallel({ a: new Discrete(2), b: new MultiDiscrete([3, 4], [1, 0]), c: new Discrete(5, 10) });
    const env = new CentralizedEnv(inner);
    expect(env.jointActionKind).toBe('multi-discrete');
    const space = env.actionSpace as MultiDiscrete;
    expect(space).toBeInstanceOf(MultiDiscrete);
    expect(space.nvec).toEqual([2, 3, 4, 5]);
    expect(space.start).toEqual([0, 1, 0, 10]);
    await env.reset({ seed: 0 });
    await env.step([1, 3, 2, 12]);
    await env.step([0, 1, 0, 14]);
    expect(inner.received).toEqual([{ a: 1, b: [3, 2], c: 12 }, { a: 0, c: 14 }]);
    await expectError(env.step([0, 0, 0, 10]), InvalidActionError, ['[0,0,0,10]', 'element 1 = 0 is outside [1, 3]']);
  });

  it('falls back to a Tuple of the agents\' spaces for mixed kinds', async () => {
    const inner = new ToyParallel({ a: new Box({ low: -1, high: 1, shape: [1], dtype: 'float64' }), b: new Discrete(2), c: new MultiBinary(2) });
    const env = new CentralizedEnv(inner);
    expect(env.jointActionKind).toBe('tuple');
    expect(env.actionSpace).toBeInstanceOf(Tuple);
    await env.reset({ seed: 0 });
    await env.step([[0.5], 1, [1, 0]]);
    expect(inner.received[0]).toEqual({ a: [0.5], b: 1, c: [1, 0] });
  });

  it('reduces rewards of the live agents by mean or sum', async () => {
    const mean = new CentralizedEnv(new ToyParallel(boxActions()));
    const sum = new CentralizedEnv(new ToyParallel(boxActions()), { rewardReduction: 'sum' });
    const act = [0, 0, 0, 0, 0, 0];
    await mean.reset({ seed: 0 });
    await sum.reset({ seed: 0 });
    expect((await mean.step(act)).reward).toBe(37); // (1 + 10 + 100) / 3
    expect((await sum.step(act)).reward).toBe(111);
    expect((await mean.step(act)).reward).toBe(50.5); // b has left: (1 + 100) / 2
    expect((await sum.step(act)).reward).toBe(101);
  });

  it('terminates when every agent terminated, truncates otherwise, and needs a reset after', async () => {
    const env = new CentralizedEnv(new ToyParallel(boxActions(), { horizon: 3 }));
    const act = [0, 0, 0, 0, 0, 0];
    await env.reset({ seed: 0 });
    const s1 = await env.step(act);
    expect(s1).toMatchObject({ terminated: false, truncated: false });
    expect(s1.info.agents).toEqual({ a: { who: 'a', t: 1 }, b: { who: 'b', t: 1 }, c: { who: 'c', t: 1 } });
    expect(await env.step(act)).toMatchObject({ terminated: false, truncated: false });
    const s3 = await env.step(act);
    expect(s3).toMatchObject({ terminated: true, truncated: false });
    expect(Object.keys(s3.info.agents as object)).toEqual(['a', 'c']);
    await expectError(env.step(act), ResetNeededError, ['call reset() before step()']);

    const trunc = new CentralizedEnv(new ToyParallel(boxActions(), { horizon: 2, end: 'truncate' }));
    await trunc.reset({ seed: 0 });
    await trunc.step(act);
    expect(await trunc.step(act)).toMatchObject({ terminated: false, truncated: true });

    const limited = new CentralizedEnv(new ParallelTimeLimit(new ToyParallel(boxActions(), { horizon: 10 }), 2));
    await limited.reset({ seed: 0 });
    expect(await limited.step(act)).toMatchObject({ terminated: false, truncated: false });
    expect(await limited.step(act)).toMatchObject({ terminated: false, truncated: true });
  });

  it('rejects a joint action outside the joint space with InvalidActionError naming the value', async () => {
    const inner = new ToyParallel(boxActions());
    const env = new CentralizedEnv(inner);
    await expectError(env.step([0, 0, 0, 0, 0, 0]), ResetNeededError, ['reset()']);
    await env.reset({ seed: 0 });
    await expectError(env.step([5, 0, 0, 0, 0, 0]), InvalidActionError, ['[5,0,0,0,0,0]', 'element 0 = 5 is outside [-1, 1]']);
    await expectError(env.step([0, 0, 0]), InvalidActionError, ['[0,0,0]', 'expected 6 elements']);
    expect(inner.received).toHaveLength(0);
  });

  it('passes state() through, leaves adjacency() out, validates options and closes idempotently', async () => {
    const inner = new ToyParallel(boxActions());
    const env = new CentralizedEnv(inner);
    await env.reset({ seed: 0 });
    expect(env.state?.()).toEqual([0, 42]);
    expect(env.adjacency).toBeUndefined();
    expect(() => new CentralizedEnv(inner, { rewardReduction: 'max' as never })).toThrow(ConfigError);
    expect(() => new CentralizedEnv(inner, { rewardReduction: 'max' as never })).toThrow('rewardReduction must be one of ["mean","sum"], got "max"');
    expect(() => new CentralizedEnv(new ToyEnv() as never)).toThrow('CentralizedEnv needs a ParallelEnv');
    await env.close();
    await env.close();
    expect(inner.closeCount).toBe(1);
    await expectError(env.step([0, 0, 0, 0, 0, 0]), ResetNeededError, ['closed']);
  });
});
