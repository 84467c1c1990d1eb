/**
 * One training run as `faasgym train` and `faasgym bench learn` do it: resolve
 * the agent's options (agent defaults < zoo entry < config file < `--set`),
 * build the environment and the agent, train, evaluate greedily on a fresh
 * environment, and write `run.json`, `metrics.jsonl` and the checkpoint.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Agent, AgentFactory } from '../../agents/agent.js';
import '../../agents/index.js'; // registers the built-in agents
import { getAgentFactory } from '../../agents/registry.js';
import type { AnyEnv } from '../core/env.js';
import { ConfigError, quote } from '../core/errors.js';
import { initTf } from '../nn/tf.js';
import { make } from '../registry/index.js';
import { version } from '../version.js';
import { train, type EvaluationResult, type Progress, type TrainResult } from './train.js';
import { zooEntry } from './zoo.js';
import { closeOnSignal } from './close-on-signal.js';

/** Budget used when neither `--steps` nor a zoo entry gives one. */
export const DEFAULT_STEPS = 100_000;
/** Episodes of the final evaluation when neither the caller nor the zoo says. */
export const DEFAULT_EVAL_EPISODES = 10;

/**
 * The option through which a factory's agents learn the run's step budget
 * (DQN's ε schedule is a fraction of it): a factory may declare
 * `trainingBudgetOption: 'totalSteps'`, and the run fills it with `steps`
 * unless an options layer set it.
 */
export function trainingBudgetOption(factory: AgentFactory): string | null {
  return typeof factory.trainingBudgetOption === 'string' ? factory.trainingBudgetOption : null;
}

export interface TrainingRunSpec {
  env: string;
  agent: string;
  /** @default the zoo entry's steps, else DEFAULT_STEPS */
  steps?: number;
  /** @default 0 */
  seed?: number;
  /** Config for `make`; @default the zoo entry's envConfig */
  envConfig?: Record<string, unknown>;
  /** Option layers applied over the zoo entry, in order (e.g. `--config`, then `--set`). */
  layers?: { source: string; options: Record<string, unknown> }[];
  /** Use `configs/zoo/<agent>.yaml` (true), a zoo directory (string), or no zoo (false). @default true */
  zoo?: boolean | string;
  /** @default the zoo entry's evalEpisodes, else DEFAULT_EVAL_EPISODES; 0: no evaluation */
  evalEpisodes?: number;
  /** Evaluate every this many steps during training (0: only at the end). @default the zoo entry's evalEvery, else 0 */
  evalEvery?: number;
  /** Stop once a periodic evaluation's mean return reaches this (null: never). @default the zoo entry's stopAtReturn, else null */
  stopAtReturn?: number | null;
  /** Divergence bound on the agent's losses (train's `maxLoss`). @default DEFAULT_MAX_LOSS */
  maxLoss?: number;
}

export interface ResolvedTrainingRun {
  env: string;
  agent: string;
  steps: number;
  seed: number;
  envConfig: Record<string, unknown> | undefined;
  /** Options handed to the factory (before the agent fills its defaults). */
  options: Record<string, unknown>;
  /** Where the options came from, in order (`zoo configs/zoo/dqn.yaml#CartPole-v1`, `--set`, …). */
  sources: string[];
  evalEpisodes: number;
  evalEvery: number;
  stopAtReturn: number | null;
  /** Absent: train's default. */
  maxLoss?: number;
}

/**
 * Seed of the first episode of the periodic evaluations. The final evaluation
 * uses `evaluate`'s default (1,000,000 + i, as `faasgym eval` does), so a run
 * that `stopAtReturn` ended is scored on episodes it was not selected on.
 */
export const PERIODIC_EVAL_SEED = 500_000;

export function resolveTrainingRun(spec: TrainingRunSpec): ResolvedTrainingRun {
  const factory = getAgentFactory(spec.agent);
  const sources: string[] = [];
  let options: Record<string, unknown> = {};
  const zooSetting = spec.zoo ?? true;
  const zoo = zooSetting === false ? null : zooEntry(factory.zooAgent ?? spec.agent, spec.env, typeof zooSetting === 'string' ? zooSetting : undefined);
  if (zoo) {
    options = { ...zoo.entry.options };
    sources.push(`zoo ${zoo.path}#${spec.env}`);
  }
  for (const layer of spec.layers ?? []) {
    options = { ...options, ...layer.options };
    sources.push(layer.source);
  }
  const steps = spec.steps ?? zoo?.entry.steps ?? DEFAULT_STEPS;
  if (!Number.isSafeInteger(steps) || steps < 1) throw new ConfigError(`steps must be a positive integer, got ${quote(steps)}`);
  const budget = trainingBudgetOption(factory);
  if (budget !== null && !(budget in options)) options[budget] = steps;
  const seed = spec.seed ?? 0;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new ConfigError(`seed must be a non-negative safe integer, got ${quote(seed)}`);
  const evalEpisodes = spec.evalEpisodes ?? zoo?.entry.evalEpisodes ?? DEFAULT_EVAL_EPISODES;
  if (!Number.isSafeInteger(evalEpisodes) || evalEpisodes < 0) throw new ConfigError(`evalEpisodes must be a non-negative integer, got ${quote(evalEpisodes)}`);
  const evalEvery = spec.evalEvery ?? zoo?.entry.evalEvery ?? 0;
  if (!Number.isSafeInteger(evalEvery) || evalEvery < 0) throw new ConfigError(`evalEvery must be a non-negative integer, got ${quote(evalEvery)}`);
  const periodic = evalEvery > 0 && evalEpisodes > 0;
  // The zoo's early stop lapses quietly when the caller turned periodic evaluations off; an explicit one must have them.
  const stopAtReturn = spec.stopAtReturn === undefined ? (periodic ? (zoo?.entry.stopAtReturn ?? null) : null) : spec.stopAtReturn;
  if (stopAtReturn !== null && (!Number.isFinite(stopAtReturn) || !periodic)) {
    throw new ConfigError(`stopAtReturn ${quote(stopAtReturn)} needs periodic evaluations (evalEvery > 0 and evalEpisodes > 0, got ${evalEvery} and ${evalEpisodes})`);
  }
  return { env: spec.env, agent: spec.agent, steps, seed, envConfig: spec.envConfig ?? zoo?.entry.envConfig, options, sources, evalEpisodes, evalEvery, stopAtReturn, ...(spec.maxLoss !== undefined ? { maxLoss: spec.maxLoss } : {}) };
}

/** Build `run.agent` on a fresh `run.env`; a refusal or a bad option names where the options came from. */
export async function buildRun(run: ResolvedTrainingRun, opts: { /** Wrap the environment before the agent is built on it (a searcher spends its budget on the wrapped env). */ wrapEnv?: (env: AnyEnv) => AnyEnv } = {}): Promise<{ env: AnyEnv; agent: Agent }> {
  await initTf();
  const factory = getAgentFactory(run.agent);
  const made = closeOnSignal(make(run.env, run.envConfig)); // a SIGINT/SIGTERM closes it (restores a real cluster)
  const env = opts.wrapEnv ? opts.wrapEnv(made) : made;
  const why = factory.supports(env);
  if (why) {
    await env.close();
    throw new ConfigError(`${run.agent} cannot run on ${run.env}: ${why}`);
  }
  try {
    return { env, agent: await factory.create(env, run.options, run.seed) };
  } catch (err) {
    await env.close();
    if (err instanceof ConfigError && run.sources.length) throw new ConfigError(`${err.message} (options from ${run.sources.join(', ')})`, { cause: err });
    throw err;
  }
}

export interface ExecuteOptions {
  /** Output directory: `run.json`, `metrics.jsonl`, `checkpoint/`. */
  out?: string;
  onProgress?: (p: Progress, agent: Agent) => void;
  progressEvery?: number;
  checkpointEvery?: number;
  /** Continue the run in `out` from its checkpoint (the same env, agent, seed and options, checked against its run.json). */
  resume?: boolean;
  /** Replace the run in `out` (its run.json, metrics.jsonl and checkpoint/; nothing else there is touched). */
  overwrite?: boolean;
}

/** What run.json records of a run; `--resume` must match it. */
function runRecord(run: ResolvedTrainingRun, agent: Agent): Record<string, unknown> {
  return {
    faasgym: version(),
    env: run.env,
    envConfig: run.envConfig ?? null,
    agent: run.agent,
    seed: run.seed,
    steps: run.steps,
    evalEpisodes: run.evalEpisodes,
    evalEvery: run.evalEvery,
    stopAtReturn: run.stopAtReturn,
    sources: run.sources,
    hyperparameters: agent.hyperparameters,
    startedAt: new Date().toISOString(),
  };
}

/** Refuse to write into a directory that holds anything, unless told to resume or overwrite (then check or clear it). */
export function prepareOutDir(out: string, opts: { resume?: boolean; overwrite?: boolean }): void {
  if (opts.resume && opts.overwrite) throw new ConfigError('--resume and --overwrite exclude each other');
  const entries = existsSync(out) ? readdirSync(out) : [];
  if (opts.resume) {
    if (!existsSync(join(out, 'run.json'))) throw new ConfigError(`--resume: ${quote(out)} holds no run (no run.json); train into it without --resume`);
    if (!existsSync(join(out, 'checkpoint'))) throw new ConfigError(`--resume: the run in ${quote(out)} stopped before its first checkpoint; --overwrite starts it again`);
    return;
  }
  if (entries.length === 0) return;
  if (!opts.overwrite) {
    const shown = entries.slice(0, 4).join(', ') + (entries.length > 4 ? `, … (${entries.length} entries)` : '');
    throw new ConfigError(`--out ${quote(out)} is not empty (${shown}): --resume continues the run in it, --overwrite replaces it, or choose another --out`);
  }
  for (const name of ['run.json', 'metrics.jsonl', 'checkpoint']) rmSync(join(out, name), { recursive: true, force: true });
}

/** `--resume` continues the same run: the fields that define it must match run.json. */
function checkResumable(out: string, record: Record<string, unknown>): Record<string, unknown> {
  const path = join(out, 'run.json');
  let old: Record<string, unknown>;
  try {
    old = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError(`--resume: ${path} cannot be read (${(err as Error).message})`);
  }
  for (const key of ['env', 'envConfig', 'agent', 'seed', 'evalEpisodes', 'evalEvery', 'stopAtReturn', 'hyperparameters']) {
    const a = JSON.stringify(old[key] ?? null), b = JSON.stringify(record[key] ?? null);
    if (a !== b) throw new ConfigError(`--resume: the run in ${quote(out)} has ${key} ${a.length > 200 ? `${a.slice(0, 200)}…` : a}, this command ${b.length > 200 ? `${b.slice(0, 200)}…` : b}; repeat the original command's options with --resume`);
  }
  return old;
}

export interface TrainingRunResult {
  run: ResolvedTrainingRun;
  /** The agent's resolved hyperparameters. */
  hyperparameters: Record<string, unknown>;
  train: TrainResult;
  /** Greedy evaluation on a fresh environment after training (null with evalEpisodes 0). */
  evaluation: EvaluationResult | null;
  /** The final checkpoint directory (`<out>/checkpoint`), or null without `out`. */
  checkpoint: string | null;
}

/** Train and evaluate; the agent and environments are disposed afterwards. */
export async function executeTrainingRun(run: ResolvedTrainingRun, opts: ExecuteOptions = {}): Promise<TrainingRunResult> {
  if (opts.out) prepareOutDir(opts.out, opts);
  const { env, agent } = await buildRun(run);
  const evalEnv = run.evalEpisodes > 0 ? closeOnSignal(make(run.env, run.envConfig)) : undefined;
  try {
    if (opts.out) {
      mkdirSync(opts.out, { recursive: true });
      let record = runRecord(run, agent);
      if (opts.resume) {
        const old = checkResumable(opts.out, record);
        record = { ...old, steps: run.steps, resumedAt: [...((old.resumedAt as string[] | undefined) ?? []), record.startedAt] };
      }
      writeFileSync(join(opts.out, 'run.json'), `${JSON.stringify(record, null, 2)}\n`);
    }
    const onProgress = opts.onProgress;
    const result = await train({
      env,
      agent,
      steps: run.steps,
      seed: run.seed,
      ...(evalEnv ? { evalEnv, evalEpisodes: run.evalEpisodes, evalEvery: run.evalEvery, evalSeed: PERIODIC_EVAL_SEED } : {}),
      ...(run.stopAtReturn !== null ? { stopAtReturn: run.stopAtReturn } : {}),
      ...(run.maxLoss !== undefined ? { maxLoss: run.maxLoss } : {}),
      ...(opts.checkpointEvery !== undefined ? { checkpointEvery: opts.checkpointEvery } : {}),
      ...(opts.out ? { out: opts.out, resume: opts.resume ?? false, overwrite: opts.overwrite ?? false } : {}),
      ...(onProgress ? { onProgress: (p: Progress) => onProgress(p, agent) } : {}),
      ...(opts.progressEvery !== undefined ? { progressEvery: opts.progressEvery } : {}),
    });
    return {
      run,
      hyperparameters: { ...agent.hyperparameters },
      train: result,
      evaluation: result.finalEvaluation,
      checkpoint: opts.out ? join(opts.out, 'checkpoint') : null,
    };
  } finally {
    agent.dispose();
    await env.close();
    await evalEnv?.close();
  }
}
