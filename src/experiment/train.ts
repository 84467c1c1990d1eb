/**
 * The training loop and evaluation, shared by the CLI and users' scripts:
 * `import { train, evaluate } from 'faasgym'`.
 *
 * Kinds are adapted as the Agent contract says: a single-agent learner on a
 * ParallelEnv runs through `CentralizedEnv`, a multi-agent learner on an Env
 * runs through `SingleAgentAsParallel`.
 */
import { appendFileSync, existsSync, mkdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Agent, Losses, MultiTransition } from '../../agents/agent.js';
import { isParallelEnv, type AnyEnv, type Env, type Info, type ParallelEnv } from '../core/env.js';
import { ConfigError, quote } from '../core/errors.js';
import { singleView } from '../core/wrappers/centralized-env.js';
import { SingleAgentAsParallel } from '../core/wrappers/single-as-parallel.js';
import { attachToNextSave, CheckpointError, readCheckpointManifest } from '../nn/checkpoint.js';

export interface Progress {
  step: number;
  steps: number;
  episodes: number;
  /** Return of the last finished episode, and the mean of the last 100. */
  lastReturn: number | null;
  meanReturn: number | null;
  losses: Losses | null;
  stepsPerSecond: number;
  evaluation: EvaluationResult | null;
}

export interface TrainOptions {
  env: AnyEnv;
  agent: Agent;
  /** Environment steps. */
  steps: number;
  /** Seed of the first reset. @default 0 */
  seed?: number;
  /** Environment for evaluations (never the training env, whose episode it would cut). */
  evalEnv?: AnyEnv;
  /** Evaluate every this many steps (0: only at the end when `evalEnv` is given). @default 0 */
  evalEvery?: number;
  /** @default 10 */
  evalEpisodes?: number;
  /** Seed of the first episode of each periodic evaluation (episode i uses seed + i); the final evaluation always uses `evaluate`'s default. @default 1_000_000 */
  evalSeed?: number;
  /** End training once a periodic evaluation's mean return reaches this (SB3's StopTrainingOnRewardThreshold); needs `evalEnv` and `evalEvery`. */
  stopAtReturn?: number;
  /** Save a checkpoint into `<out>/checkpoint` every this many steps (0: only at the end). @default 0 */
  checkpointEvery?: number;
  /**
   * Output directory: `metrics.jsonl` and `checkpoint/`. Metrics or a
   * checkpoint already there are never overwritten silently: pass `resume`
   * or `overwrite`.
   */
  out?: string;
  /**
   * Continue the run whose checkpoint is in `<out>/checkpoint`: the agent's
   * whole state, the loop's counters, the environment's episode (its Rng and
   * the actions taken so far in it are replayed) and `metrics.jsonl` up to the
   * checkpoint; a deterministic learner then ends exactly where an
   * uninterrupted run would. @default false
   */
  resume?: boolean;
  /** Replace `metrics.jsonl` and `checkpoint/` in `out`. @default false */
  overwrite?: boolean;
  onProgress?: (p: Progress) => void;
  /** Call `onProgress` every this many steps. @default 1000 */
  progressEvery?: number;
  /**
   * Divergence bound: training stops at the first update whose losses (every
   * value the agent reports: TD loss, DQN's `qMax`, PPO's value loss, …) has
   * an absolute value above this, or is NaN/±Infinity (always checked, even
   * with `Infinity` here). The step is in `TrainResult.diverged` and in
   * `metrics.jsonl`. @default DEFAULT_MAX_LOSS
   */
  maxLoss?: number;
}

/**
 * Default divergence bound. Losses and Q-values of the zoo's learners stay
 * below 1e4 on every environment with its normalised rewards; the vHive DQN
 * of issue 14 reached 1.1e6 when it diverged.
 */
export const DEFAULT_MAX_LOSS = 1e6;

/** Where and how training diverged. */
export interface Divergence {
  /** Environment step of the update whose losses crossed the bound. */
  step: number;
  /** The loss entry (`q`, `qMax`, `value`, …) and its value (NaN or ±Infinity included). */
  key: string;
  value: number;
  bound: number;
}

/** The first entry of `losses` that is not finite or whose magnitude exceeds `bound`, or null. */
export function checkDivergence(losses: Losses, step: number, bound: number): Divergence | null {
  for (const [key, value] of Object.entries(losses)) {
    if (!Number.isFinite(value) || Math.abs(value) > bound) return { step, key, value, bound };
  }
  return null;
}

/** One line saying where training diverged, for the CLI and reports. */
export function describeDivergence(d: Divergence): string {
  const v = Number.isNaN(d.value) ? 'NaN' : Number.isFinite(d.value) ? d.value.toPrecision(3) : String(d.value);
  return `diverged at step ${d.step}: ${d.key} = ${v}${Number.isFinite(d.value) ? ` (bound ${d.bound.toPrecision(3)})` : ''}`;
}

export interface EvaluationResult {
  meanReturn: number;
  stdReturn: number;
  episodes: number;
  returns: number[];
  lengths: number[];
}

export interface TrainResult {
  /** Environment steps done (fewer than asked when `stopAtReturn` ended training). */
  steps: number;
  /** True when `stopAtReturn` ended training. */
  stoppedEarly: boolean;
  /** Set when training stopped because a loss crossed `maxLoss` or went NaN; `steps` is then its step. */
  diverged: Divergence | null;
  episodes: number;
  wallSeconds: number;
  /** Returns of the episodes this call finished (a resumed run starts from the last 100 before the checkpoint). */
  returns: number[];
  finalEvaluation: EvaluationResult | null;
}

type Driver = {
  reset(seed?: number): Promise<unknown>;
  /** One step with the agent; returns [reward (team: mean over agents), done, per-agent infos (a single-agent env's under its id `agent`)]. */
  step(agent: Agent, explore: boolean, learn: boolean): Promise<[number, boolean, Record<string, Info>]>;
  /** Actions of the current episode so far, as JSON (kept only while `record` is on). */
  actions: unknown[];
  record: boolean;
  /** Step with a recorded action, without the agent (resuming an episode). */
  replay(action: unknown): Promise<void>;
};

/** An action as JSON (typed arrays become arrays), for a checkpoint. */
function jsonAction(a: unknown): unknown {
  if (ArrayBuffer.isView(a)) return Array.from(a as unknown as ArrayLike<number>);
  if (Array.isArray(a)) return a.map(jsonAction);
  if (a !== null && typeof a === 'object') return Object.fromEntries(Object.entries(a).map(([k, v]) => [k, jsonAction(v)]));
  return a;
}

/** Adapt `env` to the agent's kind and return a small driver over it. */
function driverFor(env: AnyEnv, agent: Agent): Driver {
  if (agent.kind === 'single') {
    const single = singleView(env);
    let obs: unknown = null;
    return {
      actions: [],
      record: false,
      async reset(seed) {
        this.actions = [];
        obs = (await single.reset(seed === undefined ? {} : { seed })).obs;
        return obs;
      },
      async replay(action) {
        obs = (await single.step(action)).obs;
        this.actions.push(action);
      },
      async step(a, explore, learn) {
        const action = await a.act(obs, { explore });
        if (this.record) this.actions.push(jsonAction(action));
        const r = await single.step(action);
        if (learn) a.observe({ obs, action, reward: r.reward, nextObs: r.obs, terminated: r.terminated, truncated: r.truncated, info: r.info });
        obs = r.obs;
        return [r.reward, r.terminated || r.truncated, single === env ? { agent: r.info } : (r.info.agents as Record<string, Info>)];
      },
    };
  }
  const par = (isParallelEnv(env) ? env : new SingleAgentAsParallel(env as Env<unknown, unknown>)) as ParallelEnv<string, unknown, unknown>;
  let obs: Record<string, unknown> = {};
  return {
    actions: [],
    record: false,
    async reset(seed) {
      this.actions = [];
      obs = (await par.reset(seed === undefined ? {} : { seed })).obs;
      return obs;
    },
    async replay(action) {
      obs = (await par.step(action as Record<string, unknown>)).obs;
      this.actions.push(action);
    },
    async step(a, explore, learn) {
      const state = par.state?.();
      const actions = (await a.act(obs, { explore })) as Record<string, unknown>;
      if (this.record) this.actions.push(jsonAction(actions));
      const r = await par.step(actions);
      const live = Object.keys(r.rewards);
      const reward = live.length ? live.reduce((s, k) => s + (r.rewards[k] as number), 0) / live.length : 0;
      if (learn) {
        const t: MultiTransition = { obs, actions, rewards: r.rewards, nextObs: r.obs, terminations: r.terminations, truncations: r.truncations, infos: r.infos };
        if (state) {
          t.state = state;
          t.nextState = par.state?.() as number[];
        }
        a.observe(t);
      }
      obs = r.obs;
      return [reward, par.agents.length === 0, r.infos];
    },
  };
}

/** Run `episodes` greedy episodes; episode i is reset with seed `seed + i`. Parallel envs score the team (mean reward over live agents per step). */
export async function evaluate(
  env: AnyEnv,
  agent: Agent,
  opts: { episodes?: number; seed?: number; maxSteps?: number; /** Called after every step with its (team) reward and per-agent infos. */ onStep?: (reward: number, infos: Record<string, Info>) => void } = {},
): Promise<EvaluationResult> {
  const episodes = opts.episodes ?? 10;
  if (!Number.isSafeInteger(episodes) || episodes < 1) throw new ConfigError(`evaluate: episodes must be a positive integer, got ${quote(episodes)}`);
  const driver = driverFor(env, agent);
  const returns: number[] = [], lengths: number[] = [];
  const seed = opts.seed ?? 1_000_000;
  const maxSteps = opts.maxSteps ?? 1_000_000;
  for (let ep = 0; ep < episodes; ep++) {
    await driver.reset(seed + ep);
    let total = 0, len = 0, done = false;
    while (!done && len < maxSteps) {
      const [r, d, infos] = await driver.step(agent, false, false);
      opts.onStep?.(r, infos);
      total += r;
      len++;
      done = d;
    }
    returns.push(total);
    lengths.push(len);
  }
  const mean = returns.reduce((a, b) => a + b, 0) / episodes;
  const std = Math.sqrt(returns.reduce((a, b) => a + (b - mean) ** 2, 0) / episodes);
  return { meanReturn: mean, stdReturn: std, episodes, returns, lengths };
}

/** What a training loop saves with each checkpoint to resume from it (the manifest's `training` field). */
export interface TrainingState {
  format: 'faasgym-train-state';
  /** Environment steps done. */
  step: number;
  /** The run's budget when it was saved, and whether it had ended (a finished run is not resumed). */
  steps: number;
  finished: boolean;
  stoppedEarly: boolean;
  episodes: number;
  epReturn: number;
  epLength: number;
  /** Returns of the last 100 episodes (progress lines). */
  recentReturns: number[];
  lastLosses: Losses | null;
  lastEval: EvaluationResult | null;
  /** Length of `metrics.jsonl` in bytes when the checkpoint was written. */
  metricsBytes: number;
  wallSeconds: number;
  /** How the current episode began: a seeded reset, or an unseeded one from this env Rng state (null: not restorable). */
  episodeStart: { seed: number } | { rng: number[] } | null;
  /** Actions of the current episode so far (replayed on resume). */
  episodeActions: unknown[];
}

/** The environment under the wrappers that owns the Rng (`BaseEnv`, `BaseParallelEnv`), if any. */
function rngOwner(env: AnyEnv): { getRngState(): number[]; setRngState(s: readonly number[]): void } | null {
  let e: unknown = env;
  for (let depth = 0; depth < 32 && e !== null && typeof e === 'object'; depth++) {
    const o = e as { getRngState?: unknown; setRngState?: unknown; env?: unknown };
    if (typeof o.getRngState === 'function' && typeof o.setRngState === 'function') return o as { getRngState(): number[]; setRngState(s: readonly number[]): void };
    e = o.env;
  }
  return null;
}

/** Train's own outputs in `out` that a new run would overwrite. */
export function existingOutputs(out: string): string[] {
  return ['metrics.jsonl', 'checkpoint'].filter((name) => existsSync(join(out, name)));
}

/** The training state of the checkpoint in `dir` (a CheckpointError when there is none to resume from). */
export function readTrainingState(dir: string): TrainingState {
  const { manifest, path } = readCheckpointManifest(dir);
  const t = manifest.training as Partial<TrainingState> | undefined;
  if (!t || t.format !== 'faasgym-train-state' || !Number.isSafeInteger(t.step) || !Number.isSafeInteger(t.metricsBytes)) {
    throw new CheckpointError(`${path} was not saved by a training loop (no training state), so a run cannot resume from it`);
  }
  return t as TrainingState;
}

/** Train `agent` on `env` for `steps` environment steps (or, with `resume`, up to `steps` in all). */
export async function train(opts: TrainOptions): Promise<TrainResult> {
  const { env, agent, steps } = opts;
  if (!Number.isSafeInteger(steps) || steps < 1) throw new ConfigError(`train: steps must be a positive integer, got ${quote(steps)}`);
  const evalEvery = opts.evalEvery ?? 0, checkpointEvery = opts.checkpointEvery ?? 0, progressEvery = opts.progressEvery ?? 1000;
  for (const [k, v] of [['evalEvery', evalEvery], ['checkpointEvery', checkpointEvery], ['progressEvery', progressEvery]] as const) {
    if (!Number.isSafeInteger(v) || v < 0) throw new ConfigError(`train: ${k} must be a non-negative integer, got ${quote(v)}`);
  }
  const maxLoss = opts.maxLoss ?? DEFAULT_MAX_LOSS;
  if (typeof maxLoss !== 'number' || Number.isNaN(maxLoss) || maxLoss <= 0) throw new ConfigError(`train: maxLoss must be a positive number (Infinity: NaN only), got ${quote(maxLoss)}`);
  if (opts.stopAtReturn !== undefined && (!Number.isFinite(opts.stopAtReturn) || !opts.evalEnv || evalEvery === 0)) {
    throw new ConfigError(`train: stopAtReturn needs a finite number, an evalEnv and evalEvery > 0, got ${quote(opts.stopAtReturn)} with evalEvery ${evalEvery}`);
  }
  if (opts.resume && opts.overwrite) throw new ConfigError('train: resume and overwrite exclude each other');
  if (opts.resume && !opts.out) throw new ConfigError('train: resume needs out (the directory of the run to continue)');
  const metricsPath = opts.out ? join(opts.out, 'metrics.jsonl') : null;
  const ckptDir = opts.out ? join(opts.out, 'checkpoint') : null;
  let resumed: TrainingState | null = null;
  if (opts.out) {
    if (opts.resume) {
      resumed = readTrainingState(ckptDir as string);
      if (resumed.finished) throw new ConfigError(`train: the run in ${quote(opts.out)} already finished (${resumed.step} steps); nothing to resume (overwrite it to train again)`);
      const size = existsSync(metricsPath as string) ? statSync(metricsPath as string).size : -1;
      if (size < resumed.metricsBytes) {
        throw new CheckpointError(`${metricsPath}: ${size < 0 ? 'missing' : `${size} bytes`}, but the checkpoint was written after ${resumed.metricsBytes} bytes of it; it was edited or truncated, so the run cannot resume consistently`);
      }
      // Rows written after the checkpoint are written again, identically, by the resumed run.
      truncateSync(metricsPath as string, resumed.metricsBytes);
      await agent.load(ckptDir as string);
    } else {
      const found = existsSync(opts.out) ? existingOutputs(opts.out) : [];
      if (found.length && !opts.overwrite) {
        throw new ConfigError(`train: ${quote(opts.out)} already holds a run (${found.join(', ')}); resume it or overwrite it explicitly`);
      }
      mkdirSync(opts.out, { recursive: true });
      if (found.includes('checkpoint')) rmSync(ckptDir as string, { recursive: true, force: true });
      writeFileSync(metricsPath as string, '');
    }
  }
  let metricsBytes = resumed?.metricsBytes ?? 0;
  const log = (row: Record<string, unknown>): void => {
    if (!metricsPath) return;
    const line = `${JSON.stringify(row)}\n`;
    appendFileSync(metricsPath, line);
    metricsBytes += Buffer.byteLength(line);
  };
  const driver = driverFor(env, agent);
  driver.record = ckptDir !== null;
  const owner = rngOwner(env);
  const t0 = performance.now() - (resumed?.wallSeconds ?? 0) * 1000;
  const returns: number[] = resumed ? [...resumed.recentReturns] : [];
  let episodes = resumed?.episodes ?? 0, epReturn = resumed?.epReturn ?? 0, epLength = resumed?.epLength ?? 0;
  let lastLosses: Losses | null = resumed?.lastLosses ?? null, lastEval: EvaluationResult | null = resumed?.lastEval ?? null;
  let stepsDone = steps, stoppedEarly = false, diverged: Divergence | null = null;
  let episodeStart: TrainingState['episodeStart'] = { seed: opts.seed ?? 0 };
  const startEpisode = async (seed?: number): Promise<void> => {
    episodeStart = seed !== undefined ? { seed } : owner ? { rng: owner.getRngState() } : null;
    await driver.reset(seed);
  };
  if (resumed) {
    // The episode under way at the checkpoint: the same start, the same actions.
    const start = resumed.episodeStart;
    if (start && 'rng' in start) owner?.setRngState(start.rng);
    episodeStart = start;
    await driver.reset(start && 'seed' in start ? start.seed : undefined);
    for (const action of resumed.episodeActions) await driver.replay(action);
  } else await startEpisode(opts.seed ?? 0);
  const progress = (step: number): Progress => {
    const recent = returns.slice(-100);
    return {
      step, steps, episodes,
      lastReturn: returns.length ? (returns[returns.length - 1] as number) : null,
      meanReturn: recent.length ? recent.reduce((a, b) => a + b, 0) / recent.length : null,
      losses: lastLosses,
      stepsPerSecond: (step - (resumed?.step ?? 0)) / Math.max(1e-9, (performance.now() - t0) / 1000 - (resumed?.wallSeconds ?? 0)),
      evaluation: lastEval,
    };
  };
  const state = (step: number, finished: boolean): TrainingState => ({
    format: 'faasgym-train-state', step, steps, finished, stoppedEarly, episodes, epReturn, epLength,
    recentReturns: returns.slice(-100), lastLosses, lastEval, metricsBytes, wallSeconds: (performance.now() - t0) / 1000,
    episodeStart, episodeActions: driver.actions,
  });
  const save = async (step: number, finished: boolean): Promise<void> => {
    attachToNextSave(ckptDir as string, state(step, finished) as unknown as Record<string, unknown>);
    await agent.save(ckptDir as string);
  };
  for (let step = (resumed?.step ?? 0) + 1; step <= steps; step++) {
    const [reward, done] = await driver.step(agent, true, true);
    epReturn += reward;
    epLength++;
    const losses = await agent.update();
    if (losses) {
      lastLosses = losses;
      diverged = checkDivergence(losses, step, maxLoss);
    }
    if (diverged) {
      log({ step, diverged, losses });
      if (opts.onProgress) opts.onProgress(progress(step));
      stepsDone = step;
      break;
    }
    if (done) {
      episodes++;
      returns.push(epReturn);
      log({ step, episode: episodes, return: epReturn, length: epLength, losses: lastLosses, wallSeconds: (performance.now() - t0) / 1000 });
      epReturn = 0;
      epLength = 0;
      await startEpisode();
    }
    if (opts.evalEnv && evalEvery > 0 && step % evalEvery === 0) {
      lastEval = await evaluate(opts.evalEnv, agent, { episodes: opts.evalEpisodes ?? 10, ...(opts.evalSeed !== undefined ? { seed: opts.evalSeed } : {}) });
      log({ step, evaluation: { meanReturn: lastEval.meanReturn, stdReturn: lastEval.stdReturn, episodes: lastEval.episodes } });
      if (opts.stopAtReturn !== undefined && lastEval.meanReturn >= opts.stopAtReturn) {
        stoppedEarly = true;
        log({ step, stopped: true, stopAtReturn: opts.stopAtReturn });
      }
    }
    if (ckptDir && checkpointEvery > 0 && step % checkpointEvery === 0 && !stoppedEarly && step < steps) await save(step, false);
    if (opts.onProgress && progressEvery > 0 && (step % progressEvery === 0 || step === steps || stoppedEarly)) opts.onProgress(progress(step));
    if (stoppedEarly) {
      stepsDone = step;
      break;
    }
  }
  let finalEvaluation: EvaluationResult | null = null;
  if (opts.evalEnv && !diverged) {
    finalEvaluation = await evaluate(opts.evalEnv, agent, { episodes: opts.evalEpisodes ?? 10 });
    log({ step: stepsDone, evaluation: { meanReturn: finalEvaluation.meanReturn, stdReturn: finalEvaluation.stdReturn, episodes: finalEvaluation.episodes }, final: true });
  }
  if (ckptDir) await save(stepsDone, true);
  return { steps: stepsDone, stoppedEarly, diverged, episodes, wallSeconds: (performance.now() - t0) / 1000, returns, finalEvaluation };
}
