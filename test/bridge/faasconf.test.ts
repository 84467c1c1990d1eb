/**
 * FaaSConf-Sequential-v0 (a parallel environment on the simulator) through the
 * bridge: a full episode driven by a real Python client must equal the same
 * seed and actions run in process.
 */
import type { ParallelEnv } from '../../src/core/env.js';
import { makeParallel, registry } from '../../src/registry/index.js';
import { lastJson, runPython, startServe, type ServeProcess } from './helpers.js';

const ID = 'FaaSConf-Sequential-v0';
let serve: ServeProcess;

beforeAll(async () => {
  serve = await startServe(['--bind', 'tcp://127.0.0.1:*']);
});

afterAll(async () => {
  expect((await serve.stop()).code).toBe(0);
});

interface ParallelEpisode {
  class: string;
  possible_agents: string[];
  obs0: Record<string, number[]>;
  info0: Record<string, unknown>;
  steps: { actions: Record<string, number[]>; obs: unknown; rewards: unknown; terminations: unknown; truncations: unknown; infos: unknown; agents: string[] }[];
}

/** -0 → 0 everywhere: JSON numbers carry no sign of zero. */
function signlessZeros<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}

test(`${ID} is registered (this test must run, not skip)`, () => {
  expect(registry.has(ID)).toBe(true);
});

test(`a full ${ID} episode from Python reproduces the in-process trajectory step for step`, async () => {
  const r = await runPython(['test/bridge/py/episode.py', serve.endpoint, ID, '4'], { timeoutMs: 60_000 });
  const ep = lastJson<ParallelEpisode>(r);
  expect(ep.class).toBe('RemoteParallelEnv');
  const env: ParallelEnv<string, number[], number[]> = makeParallel(ID);
  expect(ep.possible_agents).toEqual([...env.possibleAgents]);
  const r0 = await env.reset({ seed: 4 });
  expect(ep.obs0).toEqual(signlessZeros(r0.obs));
  expect(ep.info0).toEqual(signlessZeros(r0.info));
  expect(ep.steps.length).toBe(env.spec?.maxEpisodeSteps);
  for (const [i, step] of ep.steps.entries()) {
    const mine = await env.step(step.actions);
    const expected = { i, actions: step.actions, obs: mine.obs, rewards: mine.rewards, terminations: mine.terminations, truncations: mine.truncations, infos: mine.infos, agents: [...env.agents] };
    expect({ i, ...step }).toEqual(signlessZeros(expected));
  }
  expect(env.agents).toEqual([]);
  await env.close();
});
