import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Agent } from '../../agents/agent.js';
import { Rng } from '../../src/core/rng.js';
import { DQN, dqnFactory, type DQNOptions } from '../../agents/dqn.js';
import { agentNames, getAgentFactory } from '../../agents/index.js';
import { BaseEnv } from '../../src/core/base-env.js';
import type { Env, ResetResult, StepResult } from '../../src/core/env.js';
import { CheckpointError, loadCheckpoint, modelGroup, saveCheckpoint } from '../../src/nn/checkpoint.js';
import { initTf, tf } from '../../src/nn/tf.js';
import { make } from '../../src/registry/index.js';
import { Box } from '../../src/spaces/box.js';
import { Discrete } from '../../src/spaces/discrete.js';
import { MultiDiscrete } from '../../src/spaces/multi-discrete.js';
import type { Space } from '../../src/spaces/space.js';
import { evaluate, train } from '../../src/experiment/train.js';

/**
 * A corridor of `n` cells: start in cell 0, reward 1 on reaching the last cell
 * (terminated), 0 otherwise; truncated after `limit` steps. The observation is
 * the one-hot cell. Action 1 moves right, 0 left (MultiDiscrete: element 0
 * decides, the other elements are distractors). A uniformly random walk rarely
 * gets to the end; the greedy optimum walks straight there.
 */
class Corridor extends BaseEnv<number[], number | number[]> {
  readonly observationSpace: Box;
  readonly actionSpace: Space<number | number[]>;
  private cell = 0;
  private t = 0;
  constructor(readonly n = 8, readonly limit = 24, actionSpace: Space<number | number[]> = new Discrete(2) as Space<number | number[]>) {
    super();
    this.observationSpace = new Box({ low: 0, high: 1, shape: [n] });
    this.actionSpace = actionSpace;
  }
  private obs(): number[] {
    return Array.from({ length: this.n }, (_, i) => (i === this.cell ? 1 : 0));
  }
  protected resetEnv(): ResetResult<number[]> {
    this.cell = 0;
    this.t = 0;
    return { obs: this.obs(), info: {} };
  }
  protected stepEnv(action: number | number[]): StepResult<number[]> {
    const right = (Array.isArray(action) ? action[0] : action) === 1;
    this.cell = Math.max(0, this.cell + (right ? 1 : -1));
    this.t++;
    const terminated = this.cell === this.n - 1;
    return { obs: this.obs(), reward: terminated ? 1 : 0, terminated, truncated: !terminated && this.t >= this.limit, info: {} };
  }
}

/** Small, fast settings for the property tests. */
const SMALL: DQNOptions = { hidden: [16, 16], batchSize: 8, learningStarts: 10, trainFreq: 1, targetUpdateInterval: 5, totalSteps: 1000 };

const weightsOf = (m: tf.LayersModel): number[][] => m.getWeights().map((w) => Array.from(w.dataSync()));
const cartpoleObs = [0.02, -0.01, 0.03, 0.015];

/** Drive `agent` for `steps` steps on `env` by hand; returns the actions and the losses. */
async function drive(agent: DQN, env: Env<unknown, unknown>, steps: number, seed: number): Promise<{ actions: unknown[]; losses: number[] }> {
  const actions: unknown[] = [], losses: number[] = [];
  let obs = (await env.reset({ seed })).obs;
  for (let i = 0; i < steps; i++) {
    const action = await agent.act(obs, { explore: true });
    actions.push(action);
    const r = await env.step(action);
    agent.observe({ obs, action, reward: r.reward, nextObs: r.obs, terminated: r.terminated, truncated: r.truncated, info: r.info });
    const l = await agent.update();
    if (l) losses.push(l.q as number);
    obs = r.terminated || r.truncated ? (await env.reset()).obs : r.obs;
  }
  return { actions, losses };
}

beforeAll(async () => {
  await initTf({ quiet: true });
});

describe('registration, supports() and option validation', () => {
  test('dqn is registered under its CLI name', () => {
    expect(agentNames()).toContain('dqn');
    expect(getAgentFactory('dqn')).toBe(dqnFactory);
    expect(dqnFactory.kind).toBe('single');
  });

  test('supports() accepts Discrete and MultiDiscrete and refuses other action spaces by name', async () => {
    expect(dqnFactory.supports(make('CartPole-v1'))).toBeNull();
    expect(dqnFactory.supports(new Corridor(4, 8, new MultiDiscrete([2, 3]) as Space<number | number[]>))).toBeNull();
    expect(dqnFactory.supports(make('Pendulum-v1'))).toBe('dqn needs a Discrete or MultiDiscrete action space, got Box');
    await expect(dqnFactory.create(make('Pendulum-v1'), {}, 0)).rejects.toThrow('dqn needs a Discrete or MultiDiscrete action space, got Box');
  });

  test.each([
    [{ learningRate: -1 }, 'dqn: options.learningRate: expected a number in (0, 1], got -1'],
    [{ learningRate: 'fast' }, 'dqn: options.learningRate: expected a number in (0, 1], got "fast"'],
    [{ gamma: 1.5 }, 'dqn: options.gamma: expected a number in [0, 1], got 1.5'],
    [{ batchSize: 0 }, 'dqn: options.batchSize: expected an integer in [1, 65536], got 0'],
    [{ learningStarts: 2.5 }, 'dqn: options.learningStarts: expected an integer in [0, 1000000000], got 2.5'],
    [{ hidden: [64, 0] }, 'dqn: options.hidden[1]: expected an array of at most 8 integers in [1, 2048], got 0'],
    [{ loss: 'l1' }, 'dqn: options.loss: expected one of "huber", "mse", got "l1"'],
    [{ multiDiscrete: 'joint' }, 'dqn: options.multiDiscrete: expected one of "flatten", "factored", got "joint"'],
    [{ doubleQ: 'yes' }, 'dqn: options.doubleQ: expected a boolean, got "yes"'],
    [{ tau: 0 }, 'dqn: options.tau: expected a number in (0, 1], got 0'],
    [{ lr: 0.001 }, 'dqn: options.lr: unknown key (known: hidden, activation, init, learningRate,'],
    // Issue 12: finite but huge values that exhausted the heap or never returned.
    [{ hidden: [100000, 100000] }, 'dqn: options.hidden[0]: expected an array of at most 8 integers in [1, 2048], got 100000'],
    [{ batchSize: 1e9 }, 'dqn: options.batchSize: expected an integer in [1, 65536], got 1000000000'],
    [{ gradientSteps: 1e7 }, 'dqn: options.gradientSteps: expected an integer in [1, 1000], got 10000000'],
    [{ bufferSize: 1e12 }, 'dqn: options.bufferSize: expected an integer in [1, 10000000], got 1000000000000'],
    [JSON.parse('{"__proto__": {"gamma": 0}}'), 'dqn: options.__proto__: unknown key'],
    [{ constructor: 1 }, 'dqn: options.constructor: unknown key'],
    [{ toString: 1 }, 'dqn: options.toString: unknown key'],
  ])('options %j are refused: %s', (options, message) => {
    expect(() => new DQN(make('CartPole-v1'), options as Record<string, unknown>, 0)).toThrow(message);
  });

  test('a flattened MultiDiscrete that is too large is refused with a hint', () => {
    const env = new Corridor(4, 8, new MultiDiscrete([64, 64, 64]) as Space<number | number[]>);
    expect(() => new DQN(env, { multiDiscrete: 'flatten' })).toThrow('one head over 262144 joint actions');
    expect(() => new DQN(env, { multiDiscrete: 'flatten' })).toThrow('use multiDiscrete "factored"');
    const factored = new DQN(env, { multiDiscrete: 'factored', hidden: [8] });
    expect(factored.heads).toEqual([64, 64, 64]);
    factored.dispose();
  });

  test('Darly §4.5 defaults', () => {
    const agent = new DQN(make('CartPole-v1'), {}, 0);
    expect(agent.hyperparameters).toMatchObject({ hidden: [256, 128, 64], activation: 'relu', batchSize: 32, learningRate: 0.0025, gamma: 0.99, targetUpdateInterval: 60, bufferSize: 1_000_000 });
    agent.dispose();
  });
});

describe('actions', () => {
  test('MultiDiscrete actions, flattened or factored, stay in the space (with start offsets)', async () => {
    const space = new MultiDiscrete([2, 3, 4], [0, 1, -2]);
    for (const multiDiscrete of ['flatten', 'factored'] as const) {
      const env = new Corridor(5, 10, space as Space<number | number[]>);
      const agent = new DQN(env, { ...SMALL, multiDiscrete, dueling: true, learningStarts: 0 }, 3);
      expect(agent.heads).toEqual(multiDiscrete === 'flatten' ? [24] : [2, 3, 4]);
      const { actions } = await drive(agent, env, 40, 1);
      for (const a of actions) expect(space.contains(a)).toBe(true);
      const greedy = await agent.act([1, 0, 0, 0, 0], { explore: false });
      expect(space.contains(greedy)).toBe(true);
      agent.dispose();
    }
  });
});

describe('tensors and the target network', () => {
  test.each([
    ['plain', {}],
    ['double + dueling + prioritised + normalised + mse', { doubleQ: true, dueling: true, prioritizedReplay: true, normalizeObservations: true, loss: 'mse' }],
    ['factored MultiDiscrete', { multiDiscrete: 'factored', dueling: true, doubleQ: true }],
  ])('no tensor leaks across act/observe/update (%s)', async (_name, extra) => {
    const env = (extra as DQNOptions).multiDiscrete === 'factored' ? new Corridor(6, 12, new MultiDiscrete([2, 3]) as Space<number | number[]>) : make('CartPole-v1');
    const agent = new DQN(env, { ...SMALL, ...(extra as DQNOptions) }, 1);
    await drive(agent, env as Env<unknown, unknown>, 30, 0); // warm-up: Adam creates its moments on the first update
    const before = tf.memory().numTensors;
    const { losses } = await drive(agent, env as Env<unknown, unknown>, 40, 1); // includes target updates and greedy actions
    await agent.act((await (env as Env<unknown, unknown>).reset({ seed: 2 })).obs, { explore: false });
    expect(losses.length).toBe(40);
    expect(tf.memory().numTensors).toBe(before);
    agent.dispose();
  });

  test('online weights move on every update; the target holds until the interval, then equals the online network', async () => {
    const env = make('CartPole-v1');
    const agent = new DQN(env, { ...SMALL, learningStarts: 0, targetUpdateInterval: 6 }, 2);
    const initial = weightsOf(agent.online);
    expect(weightsOf(agent.target)).toEqual(initial);
    const step = async (i: number) => {
      agent.observe({ obs: cartpoleObs, action: i % 2, reward: 1, nextObs: cartpoleObs.map((x) => x * 1.1), terminated: i % 3 === 0, truncated: false, info: {} });
      return agent.update();
    };
    let previous = initial;
    for (let i = 1; i <= 5; i++) {
      expect(await step(i)).not.toBeNull();
      const now = weightsOf(agent.online);
      expect(now).not.toEqual(previous);
      previous = now;
      expect(weightsOf(agent.target)).toEqual(initial);
    }
    await step(6); // the 6th environment step: train, then hard update
    expect(weightsOf(agent.target)).toEqual(weightsOf(agent.online));
    expect(weightsOf(agent.target)).not.toEqual(initial);
    await step(7);
    expect(weightsOf(agent.target)).not.toEqual(weightsOf(agent.online));
    agent.dispose();
  });
});

describe('determinism', () => {
  test('the same seed gives identical actions and losses; another seed does not', async () => {
    const run = async (seed: number) => {
      const env = make('CartPole-v1') as Env<unknown, unknown>;
      const agent = new DQN(env, { ...SMALL, prioritizedReplay: true, doubleQ: true }, seed);
      const r = await drive(agent, env, 120, 5);
      agent.dispose();
      return r;
    };
    const a = await run(7), b = await run(7), c = await run(8);
    expect(a.losses.length).toBeGreaterThan(100);
    expect(b.actions).toEqual(a.actions);
    expect(b.losses).toEqual(a.losses);
    expect(c.losses).not.toEqual(a.losses);
  });
});

describe('checkpoints', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'faasgym-dqn-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('save → load gives identical greedy actions, Q-values, optimizer state, counters and ε', async () => {
    const env = make('CartPole-v1') as Env<unknown, unknown>;
    const options: DQNOptions = { ...SMALL, normalizeObservations: true };
    const trained = new DQN(env, options, 11);
    await drive(trained, env, 80, 3);
    await trained.save(dir);

    const fresh = (await dqnFactory.create(env, trained.hyperparameters, 99)) as DQN;
    expect(await fresh.optimizerState()).not.toEqual(await trained.optimizerState());
    await fresh.load(dir);
    expect(await fresh.optimizerState()).toEqual(await trained.optimizerState());
    expect(weightsOf(fresh.online)).toEqual(weightsOf(trained.online));
    expect(weightsOf(fresh.target)).toEqual(weightsOf(trained.target));
    expect([fresh.numTimesteps, fresh.numGradientSteps, fresh.explorationRate]).toEqual([trained.numTimesteps, trained.numGradientSteps, trained.explorationRate]);
    const probes = [cartpoleObs, [0.1, 0.5, -0.05, -0.4], [-0.2, -0.3, 0.1, 0.6], [0, 0, 0, 0]];
    for (const obs of probes) {
      expect(await fresh.act(obs, { explore: false })).toBe(await trained.act(obs, { explore: false }));
      expect(fresh.qValues(obs)).toEqual(trained.qValues(obs));
    }
    // Training continues identically after a load (same Rng streams, same Adam state); the replay
    // buffer is not saved, so both continue from a buffer refilled the same way.
    const fresh2 = (await dqnFactory.create(env, trained.hyperparameters, 99)) as DQN;
    await fresh2.load(dir);
    expect(await fresh2.act(cartpoleObs, { explore: true })).toEqual(await fresh.act(cartpoleObs, { explore: true }));
    for (const a of [trained, fresh, fresh2]) a.dispose();
  });

  test('loading into a different network or agent is refused with the reason', async () => {
    const env = make('CartPole-v1');
    const agent = new DQN(env, SMALL, 1);
    await agent.save(dir);
    const other = new DQN(env, { ...SMALL, hidden: [32] }, 1);
    await expect(other.load(dir)).rejects.toThrow(CheckpointError);
    await expect(other.load(dir)).rejects.toThrow('checkpoint has hidden [16,16], this agent [32]');
    const corridor = new DQN(new Corridor(6), SMALL, 1);
    await expect(corridor.load(dir)).rejects.toThrow('trained on observations of 4 numbers, this environment has 6');
    for (const a of [agent, other, corridor] as Agent[]) a.dispose();
    agent.dispose(); // safe twice
  });
});

describe('learning', () => {
  // It must learn, not just run: a random walk reaches the end of the corridor in
  // ~20 % of episodes; the trained greedy policy walks straight there.
  test.each([
    ['Discrete(2)', new Discrete(2), {}],
    ['MultiDiscrete([2, 3]) factored, double, dueling', new MultiDiscrete([2, 3]), { multiDiscrete: 'factored', doubleQ: true, dueling: true }],
  ])('solves an 8-cell corridor within 3,000 steps (%s)', async (_name, space, extra) => {
    const env = new Corridor(8, 24, space as Space<number | number[]>);
    const agent = new DQN(env, { hidden: [32], batchSize: 32, learningRate: 0.005, learningStarts: 200, trainFreq: 2, targetUpdateInterval: 100, explorationFraction: 0.5, gamma: 0.9, totalSteps: 3000, ...(extra as DQNOptions) }, 0);
    // The task is not trivial: uniformly random actions reach the end within 24 steps in well under half the episodes.
    const walker = new Corridor(8, 24, space as Space<number | number[]>);
    const rng = new Rng(7);
    let reached = 0;
    for (let ep = 0; ep < 200; ep++) {
      await walker.reset({ seed: ep });
      for (let done = false; !done; ) {
        const r = await walker.step(walker.actionSpace.sample(rng));
        if (r.terminated) reached++;
        done = r.terminated || r.truncated;
      }
    }
    expect(reached / 200).toBeLessThan(0.5);
    await train({ env, agent, steps: 3000, seed: 0 });
    const after = await evaluate(new Corridor(8, 24, space as Space<number | number[]>), agent, { episodes: 5 });
    expect(after.meanReturn).toBe(1);
    expect(after.lengths).toEqual([7, 7, 7, 7, 7]);
    agent.dispose();
  }, 120_000);
});

describe('fast path', () => {
  test.each([
    ['plain Huber', {}, 'discrete'],
    ['double + dueling + prioritised + mse + tanh', { doubleQ: true, dueling: true, prioritizedReplay: true, loss: 'mse', activation: 'tanh' }, 'discrete'],
    ['factored MultiDiscrete with dueling and double', { multiDiscrete: 'factored', dueling: true, doubleQ: true }, 'factored'],
  ])('loss, gradient and |TD| equal the tfjs autodiff reference on the same weights and batch (%s)', async (_name, extra, kind) => {
    const env = kind === 'factored' ? new Corridor(6, 12, new MultiDiscrete([2, 3, 4]) as Space<number | number[]>) : make('CartPole-v1');
    const agent = new DQN(env, { ...SMALL, ...(extra as DQNOptions), learningStarts: 0, targetUpdateInterval: 3 }, 4);
    await drive(agent, env as Env<unknown, unknown>, 25, 0); // target and online differ; Adam has moved the weights
    const D = agent.heads.length, dim = agent.observationDim;
    const rng = new Rng(9);
    const B = 16;
    const batch = {
      size: B,
      obs: Float32Array.from({ length: B * dim }, () => rng.uniform(-1, 1)),
      nextObs: Float32Array.from({ length: B * dim }, () => rng.uniform(-1, 1)),
      action: Float32Array.from({ length: B * D }, (_, i) => rng.integer(0, agent.heads[i % D] as number)),
      reward: Float32Array.from({ length: B }, () => rng.uniform(-2, 2)),
      done: Float32Array.from({ length: B }, (_, k) => (k % 4 === 0 ? 1 : 0)),
      weights: Float32Array.from({ length: B }, () => rng.uniform(0.2, 1)),
      indices: Int32Array.from({ length: B }, (_, k) => k),
    };
    const fast = agent.gradients(batch, 'fast');
    const fastGrad = fast.grad.slice();
    const ref = agent.gradients(batch, 'reference');
    expect(fast.loss).toBeGreaterThan(0);
    expect(Math.abs(fast.loss - ref.loss) / ref.loss).toBeLessThan(1e-5);
    let scale = 0, worst = 0;
    for (let i = 0; i < fastGrad.length; i++) scale = Math.max(scale, Math.abs(ref.grad[i] as number));
    for (let i = 0; i < fastGrad.length; i++) worst = Math.max(worst, Math.abs((fastGrad[i] as number) - (ref.grad[i] as number)));
    expect(scale).toBeGreaterThan(0);
    expect(worst / scale).toBeLessThan(1e-5);
    if ((extra as DQNOptions).prioritizedReplay) {
      for (let k = 0; k < B; k++) expect(fast.tdAbs?.[k]).toBeCloseTo(ref.tdAbs?.[k] as number, 5);
    } else expect(fast.tdAbs).toBeNull();
    agent.dispose();
  });

  test('training on the reference path follows the fast path within float32 rounding', async () => {
    const run = async (fastPath: boolean) => {
      const env = make('CartPole-v1') as Env<unknown, unknown>;
      const agent = new DQN(env, { ...SMALL, learningStarts: 0 }, 3);
      agent.fastPath = fastPath;
      const r = await drive(agent, env, 30, 1);
      const w = weightsOf(agent.online).flat();
      agent.dispose();
      return { ...r, w };
    };
    const fast = await run(true), ref = await run(false);
    expect(fast.losses.length).toBe(30);
    fast.losses.forEach((l, i) => expect(Math.abs(l - (ref.losses[i] as number))).toBeLessThan(1e-4 * Math.max(1, Math.abs(l))));
    fast.w.forEach((x, i) => expect(Math.abs(x - (ref.w[i] as number))).toBeLessThan(1e-4));
  });
});

describe('checkpoints written before FlatAdam', () => {
  test("tfjs Adam's state (iter, <variable>/m …, <variable>/v …) loads into FlatAdam in the variables' order", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faasgym-dqn-legacy-'));
    try {
      const env = make('CartPole-v1') as Env<unknown, unknown>;
      const agent = new DQN(env, SMALL, 1);
      await agent.save(dir);
      const vars = agent.online.trainableWeights.map((w) => w.read() as tf.Variable);
      const m = vars.map((v, i) => tf.fill(v.shape, 0.01 * (i + 1)));
      const v = vars.map((x, i) => tf.fill(x.shape, 0.001 * (i + 1)));
      const legacy = [
        { name: 'iter', tensor: tf.scalar(7, 'int32'), dispose: true },
        ...vars.map((x, i) => ({ name: `${x.name}/m`, tensor: m[i] as tf.Tensor, dispose: true })),
        ...vars.map((x, i) => ({ name: `${x.name}/v`, tensor: v[i] as tf.Tensor, dispose: true })),
      ];
      const ckpt = loadCheckpoint(dir);
      const { optimizerStep: _, ...extra } = ckpt.manifest.extra as Record<string, unknown>;
      const other = new DQN(env, SMALL, 1);
      await saveCheckpoint(dir, {
        agent: 'dqn', env: ckpt.manifest.env ?? null, hyperparameters: ckpt.manifest.hyperparameters, extra,
        groups: { online: modelGroup(other.online), target: modelGroup(other.target), optimizer: legacy },
      });
      const fresh = new DQN(env, SMALL, 2);
      await fresh.load(dir);
      const state = await fresh.optimizerState();
      expect(state[0]).toEqual({ name: 'step', values: [7] });
      const expectM = vars.flatMap((x, i) => new Array<number>(x.size).fill(Math.fround(0.01 * (i + 1))));
      const expectV = vars.flatMap((x, i) => new Array<number>(x.size).fill(Math.fround(0.001 * (i + 1))));
      expect(state[1]?.values).toEqual(expectM);
      expect(state[2]?.values).toEqual(expectV);
      for (const a of [agent, other, fresh]) a.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
