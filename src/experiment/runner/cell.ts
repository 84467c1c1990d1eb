/**
 * One cell of an experiment (one env × agent × seed), run inside its own
 * worker process (worker.ts):
 *
 * 1. the agent learns (a learner trains for the budget), searches (random
 *    search spends the budget on trials when it is built) or, for a baseline
 *    policy, does neither; every step taken meanwhile is recorded (the info
 *    fields the metrics read), which gives the `training` protocol's metrics
 *    and the learning curve;
 * 2. with the `best-found` protocol (FaaSConf), the end of the budget
 *    re-measures the cheapest QoS-meeting configurations seen, as
 *    `faasgym compare` does (src/experiment/compare.ts, best-found.ts);
 * 3. `greedy`: the agent is played greedily on `eval.episodes` fresh
 *    episodes (seeds eval.seed + i, the same for every cell); `best-found`:
 *    the configuration found is held on the same episodes.
 *
 * The cell folder gets `run.json` (what ran), `metrics.jsonl` (per episode:
 * return, length and the paper metrics, training then evaluation),
 * `checkpoint/` and, last and atomically, `result.json`.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Agent } from '../../../agents/agent.js';
import { getAgentFactory } from '../../../agents/registry.js';
import { isParallelEnv, type AnyEnv, type Env, type Info, type ParallelEnv, type ParallelStepResult, type StepResult } from '../../core/env.js';
import { ParallelWrapper, Wrapper } from '../../core/wrappers/wrapper.js';
import { initTf } from '../../nn/tf.js';
import { make } from '../../registry/index.js';
import { ConfigurationLog } from '../best-found.js';
import { bestFound, verificationPlan } from '../compare.js';
import { evaluate, train } from '../train.js';
import { buildRun, resolveTrainingRun } from '../training-run.js';
import type { CellSpec } from './cells.js';
import { episodesOf, fieldsOf, measure, project, type StepRecord } from './metrics.js';
import type { CellResult, CurvePoint } from './types.js';

/** Agents that spend their budget searching when they are built, and the option that takes it (as in compare.ts). */
const SEARCHERS: Record<string, { budgetOption: string; stepsPerTrial: (o: Record<string, unknown>) => number }> = {
  'random-search': { budgetOption: 'budget', stepsPerTrial: (o) => (typeof o.trialSteps === 'number' ? o.trialSteps : 2) },
};

const LEARNERS = new Set(['dqn', 'ppo', 'ddpg', 'maddpg', 'meanfield', 'attmf', 'ses']);

/** How an agent spends a cell's budget. */
export function agentRole(agent: string): 'learner' | 'searcher' | 'policy' {
  if (agent in SEARCHERS) return 'searcher';
  return LEARNERS.has(agent) || /\+ses$/.test(agent) ? 'learner' : 'policy';
}

/** Step budget used when neither the experiment nor the zoo gives one. */
export const DEFAULT_CELL_STEPS = 100_000;

/** Records every step played through it (for the training protocol and the curve). */
class Recorder {
  readonly steps: StepRecord[] = [];
  private ret = 0;
  private len = 0;
  constructor(private readonly fields: readonly string[]) {}
  push(reward: number, done: boolean, info: Info | undefined): void {
    this.ret += reward;
    this.len++;
    const rec: StepRecord = { reward, done, info: project(info, this.fields) };
    if (done) {
      rec.episodeReturn = this.ret;
      rec.episodeLength = this.len;
      this.ret = 0;
      this.len = 0;
    }
    this.steps.push(rec);
  }
  /** A reset starts a new episode (an unfinished one is dropped from the returns). */
  restart(): void {
    this.ret = 0;
    this.len = 0;
  }
}

class RecordingEnv extends Wrapper {
  constructor(env: Env<unknown, unknown>, readonly rec: Recorder) {
    super(env);
  }
  override async reset(opts?: Parameters<Env<unknown, unknown>['reset']>[0]): ReturnType<Env<unknown, unknown>['reset']> {
    this.rec.restart();
    return this.env.reset(opts);
  }
  override async step(action: unknown): Promise<StepResult<unknown>> {
    const r = await this.env.step(action);
    this.rec.push(r.reward, r.terminated || r.truncated, r.info);
    return r;
  }
}

class RecordingParallelEnv extends ParallelWrapper<string, unknown, unknown> {
  constructor(env: ParallelEnv<string, unknown, unknown>, readonly rec: Recorder) {
    super(env);
  }
  override reset(opts?: Parameters<ParallelEnv<string, unknown, unknown>['reset']>[0]): ReturnType<ParallelEnv<string, unknown, unknown>['reset']> {
    this.rec.restart();
    return this.env.reset(opts);
  }
  override async step(actions: Record<string, unknown>): Promise<ParallelStepResult<string, unknown>> {
    const r = await this.env.step(actions);
    const live = Object.keys(r.rewards);
    const reward = live.length ? live.reduce((s, k) => s + (r.rewards[k] as number), 0) / live.length : 0;
    this.rec.push(reward, this.env.agents.length === 0, Object.values(r.infos)[0]); // FaaSConf's window figures are shared by all agents
    return r;
  }
}

function record(env: AnyEnv, rec: Recorder): AnyEnv {
  return isParallelEnv(env) ? new RecordingParallelEnv(env as ParallelEnv<string, unknown, unknown>, rec) : new RecordingEnv(env as Env<unknown, unknown>, rec);
}

/** Play `agent` greedily for `episodes` episodes (episode i reset with seed + i) and keep every step. */
async function playGreedy(env: AnyEnv, agent: Agent, episodes: number, seed: number, fields: readonly string[]): Promise<StepRecord[]> {
  const steps: StepRecord[] = [];
  const ev = await evaluate(env, agent, {
    episodes,
    seed,
    onStep: (reward, infos) => {
      steps.push({ reward, done: false, info: project(Object.values(infos)[0], fields) });
    },
  });
  // Mark the episodes' ends from the lengths evaluate reports.
  let at = 0;
  for (const l of ev.lengths) {
    at += l;
    const s = steps[at - 1];
    if (s) {
      s.done = true;
      s.episodeLength = l;
      s.episodeReturn = steps.slice(at - l, at).reduce((a, b) => a + b.reward, 0);
    }
  }
  return steps;
}

/** Write `data` as JSON to `path` atomically (a temp file in the same folder, then rename). */
export function writeJsonAtomic(path: string, data: unknown): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(data, null, 2)}\n`);
  renameSync(tmp, path);
}

/** The learning curve: the metrics over `points` equal slices of the training steps. */
function curveOf(steps: readonly StepRecord[], metrics: readonly string[], points: number): CurvePoint[] {
  if (points === 0 || steps.length === 0) return [];
  const n = Math.min(points, steps.length);
  const out: CurvePoint[] = [];
  for (let k = 0; k < n; k++) {
    const from = Math.floor((k * steps.length) / n), to = Math.floor(((k + 1) * steps.length) / n);
    out.push({ step: to, metrics: measure(metrics, steps.slice(from, to)) });
  }
  return out;
}

/** Envs and agents to close when the worker is told to stop. */
export const openResources = new Set<{ close(): Promise<void> | void }>();
/** Set by the worker when told to stop: a cell cut short writes no result (a resumed run reruns it). */
export const cellState = { stopping: false };

/** Run one cell into `dir`; returns its result (also written as `dir/result.json`, last). */
export async function runCell(spec: CellSpec, dir: string): Promise<CellResult> {
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  mkdirSync(dir, { recursive: true });
  rmSync(join(dir, 'result.json'), { force: true });
  const fields = fieldsOf(spec.metrics);
  const role = agentRole(spec.agent);
  const protocols = spec.eval.protocols;
  const base = { cell: spec.key, configHash: spec.configHash, startedAt };
  try {
    const tfBackend = await initTf();
    const layers = Object.keys(spec.options).length ? [{ source: 'experiment file', options: spec.options }] : [];
    const ref = resolveTrainingRun({ env: spec.envId, agent: spec.agent, seed: spec.key.seed, zoo: spec.zoo, evalEpisodes: 0, evalEvery: 0, layers, ...(spec.budget !== null ? { steps: spec.budget } : {}) });
    const steps = role === 'policy' ? 0 : spec.budget ?? ref.steps ?? DEFAULT_CELL_STEPS;
    const bestFoundOn = protocols.includes('best-found');
    const plan = bestFoundOn && steps > 0 ? verificationPlan(steps, spec.eval.verify) : { candidates: 0, episodes: 0, windows: 0, steps: 0 };
    const learningSteps = steps - plan.steps;
    let run = resolveTrainingRun({ env: spec.envId, agent: spec.agent, seed: spec.key.seed, zoo: spec.zoo, evalEpisodes: 0, evalEvery: 0, layers, steps: Math.max(1, learningSteps), ...(spec.envConfig ? { envConfig: spec.envConfig } : {}) });
    const searcher = SEARCHERS[spec.agent];
    if (searcher && !(searcher.budgetOption in run.options)) {
      const per = searcher.stepsPerTrial(run.options);
      run = { ...run, options: { ...run.options, [searcher.budgetOption]: Math.max(1, Math.floor(learningSteps / per)) }, sources: [...run.sources, `${searcher.budgetOption} = ${learningSteps} steps / ${per} per trial`] };
    }
    const rec = new Recorder(fields);
    let log: ConfigurationLog | null = null;
    const wrapEnv = (env: AnyEnv): AnyEnv => {
      if (bestFoundOn && steps > 0) log = new ConfigurationLog(env as ParallelEnv<string, unknown, unknown>, Math.max(1, plan.candidates));
      return record(log ?? env, rec);
    };
    // A policy is built on the env it is evaluated on (some, like StepConf's and the Oracle, act only on the env they were created with).
    const evalEnv = make(spec.envId, spec.envConfig ?? undefined);
    openResources.add(evalEnv);
    const { env, agent } = role === 'policy' ? { env: evalEnv, agent: await getAgentFactory(spec.agent).create(evalEnv, run.options, spec.key.seed) } : await buildRun(run, { wrapEnv }); // a searcher spends its budget here
    openResources.add(env);
    openResources.add({ close: () => agent.dispose() });
    writeJsonAtomic(join(dir, 'run.json'), {
      faasgym: spec.packageVersion, cell: spec.key, env: spec.envId, envConfig: spec.envConfig, agent: spec.agent, role, seed: spec.key.seed,
      steps, learningSteps, verify: plan, eval: spec.eval, metrics: spec.metrics, sources: run.sources, options: run.options,
      hyperparameters: agent.hyperparameters, tfBackend, configHash: spec.configHash, startedAt, pid: process.pid,
    });
    const metrics: CellResult['metrics'] = {};
    const rows: Record<string, unknown>[] = [];
    let trainRows = new Map<number, unknown>();
    try {
      if (role === 'learner' && learningSteps > 0) {
        await train({ env, agent, steps: learningSteps, seed: spec.key.seed, out: dir, progressEvery: 0, overwrite: true });
        trainRows = lossesByStep(join(dir, 'metrics.jsonl'));
      } else {
        await agent.save(join(dir, 'checkpoint')).catch(() => undefined);
      }
      let at = 0;
      episodesOf(rec.steps).forEach((ep, i) => {
        at += ep.length;
        const end = ep[ep.length - 1] as StepRecord;
        if (!end.done) return;
        rows.push({ phase: 'train', episode: i + 1, step: at, return: end.episodeReturn, length: end.episodeLength, metrics: measure(spec.metrics, ep), ...(trainRows.has(at) ? { losses: trainRows.get(at) } : {}) });
      });
      let verifySteps = 0;
      if (bestFoundOn) {
        const found = log !== null ? await bestFound(log, plan) : null;
        verifySteps = found?.verification?.steps ?? 0;
        if (found?.action) {
          const held = await getAgentFactory('static').create(evalEnv, { action: found.action }, spec.key.seed);
          try {
            const trace = await playGreedy(evalEnv, held, spec.eval.episodes, spec.eval.seed, fields);
            metrics['best-found'] = measure(spec.metrics, trace);
            pushEval(rows, 'best-found', trace, spec);
          } finally {
            held.dispose();
          }
        } else metrics['best-found'] = Object.fromEntries(spec.metrics.map((m) => [m, null]));
      }
      if (protocols.includes('greedy')) {
        const trace = await playGreedy(evalEnv, agent, spec.eval.episodes, spec.eval.seed, fields);
        metrics.greedy = measure(spec.metrics, trace);
        pushEval(rows, 'greedy', trace, spec);
      }
      if (protocols.includes('training')) metrics.training = role === 'policy' ? Object.fromEntries(spec.metrics.map((m) => [m, null])) : measure(spec.metrics, rec.steps, true);
      const curve = curveOf(rec.steps, spec.metrics, spec.eval.curvePoints);
      const tmp = join(dir, `metrics.jsonl.tmp-${process.pid}`);
      writeFileSync(tmp, rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
      renameSync(tmp, join(dir, 'metrics.jsonl'));
      if (cellState.stopping) throw new Error('stopped');
      const result: CellResult = { ...base, status: 'ok', steps: rec.steps.length + verifySteps, metrics, curve, wallSeconds: (performance.now() - t0) / 1000, finishedAt: new Date().toISOString() };
      writeJsonAtomic(join(dir, 'result.json'), result);
      return result;
    } finally {
      agent.dispose();
      await env.close();
      if (evalEnv !== env) await evalEnv.close();
      openResources.clear();
    }
  } catch (err) {
    if (cellState.stopping) throw err;
    const result: CellResult = { ...base, status: 'failed', error: `${(err as Error).name}: ${(err as Error).message.split('\n')[0]}`, steps: 0, metrics: {}, curve: [], wallSeconds: (performance.now() - t0) / 1000, finishedAt: new Date().toISOString() };
    writeJsonAtomic(join(dir, 'result.json'), result);
    return result;
  }
}

function pushEval(rows: Record<string, unknown>[], protocol: string, trace: readonly StepRecord[], spec: CellSpec): void {
  episodesOf(trace).forEach((ep, i) => {
    const end = ep[ep.length - 1] as StepRecord;
    rows.push({ phase: 'eval', protocol, episode: i + 1, seed: spec.eval.seed + i, return: end.episodeReturn ?? null, length: ep.length, metrics: measure(spec.metrics, ep) });
  });
}

/** The losses train() logged at each episode's end, by step. */
function lossesByStep(path: string): Map<number, unknown> {
  const out = new Map<number, unknown>();
  if (!existsSync(path)) return out;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line) continue;
    const row = JSON.parse(line) as { step?: number; episode?: number; losses?: unknown };
    if (typeof row.step === 'number' && row.episode !== undefined) out.set(row.step, row.losses ?? null);
  }
  return out;
}
