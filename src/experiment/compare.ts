/**
 * Learners against random search on a FaaSConf workflow with the same budget
 * of environment steps (the comparison of FaaSConf 000 §5.2.1, Fig. 8: cost
 * at met QoS): each learner trains for `steps` windows; random search spends
 * the same windows on its trials (`budget` = steps / `trialSteps`). Then each
 * plays greedily on fresh episodes (seeds 1,000,000 + i, the same for all)
 * and is scored per 30 s window from the environment's `info`: the fraction
 * of windows meeting QoS, the scaled cost ŷ, the cost of the windows that
 * met QoS, and the end-to-end latency.
 *
 * `faasgym compare` prints the table; `npm start` runs it for AttMF on
 * FaaSConf-Sequential-v0.
 */
import type { Agent } from '../../agents/agent.js';
import type { AnyEnv, Info } from '../core/env.js';
import { ConfigError, quote } from '../core/errors.js';
import { make } from '../registry/index.js';
import { evaluate, train, type EvaluationResult, type Progress } from './train.js';
import { buildRun, resolveTrainingRun, type ResolvedTrainingRun } from './training-run.js';

/** Agents that spend their budget searching when created instead of learning in `train()`, and the option that takes it. */
const SEARCHERS: Record<string, { budgetOption: string; stepsPerTrial: (options: Record<string, unknown>) => number }> = {
  'random-search': { budgetOption: 'budget', stepsPerTrial: (o) => (typeof o.trialSteps === 'number' ? o.trialSteps : 2) },
};

/** Episode seeds of the greedy evaluation, as `faasgym eval` uses. */
export const COMPARE_EVAL_SEED = 1_000_000;
/** A policy "meets QoS" when at least this fraction of its evaluation windows do. */
export const QOS_MET_TARGET = 0.95;

export interface CompareSpec {
  env: string;
  envConfig?: Record<string, unknown>;
  /** Agent names, e.g. ['attmf', 'random-search']. */
  agents: string[];
  /** Environment steps for every agent. @default the first learner's zoo budget (100,000 without an entry, as `faasgym train`); 10,000 when every agent is a searcher */
  steps?: number;
  /** @default 0 */
  seed?: number;
  /** Greedy evaluation episodes per agent. @default 5 */
  evalEpisodes?: number;
  /** Per-agent option layers over the zoo entries. */
  options?: Record<string, Record<string, unknown>>;
  /** Use the zoo (default true). */
  zoo?: boolean | string;
}

/** Per-window statistics of a greedy evaluation. */
export interface WindowStats {
  windows: number;
  /** Fraction of windows that met both QoS targets. */
  qosMet: number;
  /** Mean scaled cost ŷ = y(C)/y_max per window. */
  scaledCost: number;
  /** Mean ŷ over the windows that met QoS (null when none did). */
  costAtMetQos: number | null;
  /** Mean of the windows' mean end-to-end latency, s (windows with completions). */
  meanLatency: number | null;
  /** Mean of the windows' p95 end-to-end latency, s. */
  p95Latency: number | null;
  /** Mean team reward per window. */
  rewardPerWindow: number;
}

export interface CompareEntry {
  agent: string;
  /** Environment steps spent learning or searching. */
  steps: number;
  wallSeconds: number;
  sources: string[];
  meanReturn: number;
  stats: WindowStats;
}

export interface CompareReport {
  env: string;
  envConfig: Record<string, unknown> | null;
  seed: number;
  steps: number;
  evalEpisodes: number;
  entries: CompareEntry[];
}

export interface CompareCallbacks {
  /** Before each agent starts. */
  onStart?: (agent: string, run: ResolvedTrainingRun) => void;
  onProgress?: (agent: string, p: Progress, a: Agent) => void;
  progressEvery?: number;
  onEntry?: (e: CompareEntry) => void;
}

function mean(xs: number[]): number | null {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
}

/** Statistics of FaaSConf windows from their infos (one info per window). */
export function windowStats(infos: Info[], rewards: number[]): WindowStats {
  const num = (i: Info, k: string): number | null => (typeof i[k] === 'number' && Number.isFinite(i[k]) ? (i[k] as number) : null);
  const met = infos.filter((i) => i.qosMet === true);
  const pick = (xs: Info[], k: string): number[] => xs.map((i) => num(i, k)).filter((v): v is number => v !== null);
  return {
    windows: infos.length,
    qosMet: infos.length ? met.length / infos.length : 0,
    scaledCost: mean(pick(infos, 'scaledCost')) ?? Number.NaN,
    costAtMetQos: mean(pick(met, 'scaledCost')),
    meanLatency: mean(pick(infos, 'meanLatency')),
    p95Latency: mean(pick(infos, 'p95Latency')),
    rewardPerWindow: mean(rewards) ?? Number.NaN,
  };
}

/**
 * Play `agent` greedily for `episodes` episodes on a FaaSConf `env` (episode i
 * reset with seed `seed + i`) and return the per-window statistics with the
 * evaluation.
 */
export async function scoreWindows(env: AnyEnv, agent: Agent, opts: { episodes?: number; seed?: number } = {}): Promise<{ stats: WindowStats; evaluation: EvaluationResult }> {
  const infos: Info[] = [];
  const rewards: number[] = [];
  const onStep = (reward: number, byAgent: Record<string, Info>): void => {
    const first = Object.values(byAgent)[0]; // FaaSConf's window figures are shared by all agents
    if (first) infos.push(first);
    rewards.push(reward);
  };
  const evaluation = await evaluate(env, agent, { episodes: opts.episodes ?? 5, seed: opts.seed ?? COMPARE_EVAL_SEED, onStep });
  return { stats: windowStats(infos, rewards), evaluation };
}

/** Train (or search) and evaluate every agent in turn on fresh environments. */
export async function compareAgents(spec: CompareSpec, cb: CompareCallbacks = {}): Promise<CompareReport> {
  if (!spec.agents.length) throw new ConfigError('compare: name at least one agent');
  if (!/^FaaSConf-/.test(spec.env)) throw new ConfigError(`compare: scores FaaSConf windows (QoS met, scaled cost, latency), so it needs a FaaSConf-*-v0 environment, got ${quote(spec.env)}`);
  const seed = spec.seed ?? 0;
  const evalEpisodes = spec.evalEpisodes ?? 5;
  if (!Number.isSafeInteger(evalEpisodes) || evalEpisodes < 1) throw new ConfigError(`compare: evalEpisodes must be a positive integer, got ${quote(evalEpisodes)}`);
  // One budget and one environment config for all: the first learner's zoo entry decides them when the caller does not.
  const firstLearner = spec.agents.find((a) => !(a in SEARCHERS));
  const reference = firstLearner ? resolveTrainingRun({ env: spec.env, agent: firstLearner, zoo: spec.zoo ?? true, evalEpisodes: 0 }) : null;
  const steps = spec.steps ?? reference?.steps ?? 10_000;
  const envConfig = spec.envConfig ?? reference?.envConfig;
  const entries: CompareEntry[] = [];
  for (const name of spec.agents) {
    const layers = spec.options?.[name] ? [{ source: `options for ${name}`, options: spec.options[name] as Record<string, unknown> }] : [];
    const searcher = SEARCHERS[name];
    let run = resolveTrainingRun({ env: spec.env, agent: name, steps, seed, zoo: spec.zoo ?? true, evalEpisodes: 0, evalEvery: 0, layers, ...(envConfig ? { envConfig } : {}) });
    if (searcher && !(searcher.budgetOption in run.options)) {
      const trials = Math.max(1, Math.floor(steps / searcher.stepsPerTrial(run.options)));
      run = { ...run, options: { ...run.options, [searcher.budgetOption]: trials }, sources: [...run.sources, `${searcher.budgetOption} = ${steps} steps / ${searcher.stepsPerTrial(run.options)} per trial`] };
    }
    cb.onStart?.(name, run);
    const t0 = performance.now();
    const { env, agent } = await buildRun(run); // a searcher spends its budget here
    const evalEnv = make(run.env, run.envConfig);
    try {
      if (!searcher) {
        await train({
          env,
          agent,
          steps,
          seed,
          ...(cb.progressEvery ? { progressEvery: cb.progressEvery } : {}),
          ...(cb.onProgress ? { onProgress: (p: Progress) => cb.onProgress?.(name, p, agent) } : {}),
        });
      }
      const wallSeconds = (performance.now() - t0) / 1000;
      const { stats, evaluation } = await scoreWindows(evalEnv, agent, { episodes: evalEpisodes });
      const entry: CompareEntry = { agent: name, steps, wallSeconds, sources: run.sources, meanReturn: evaluation.meanReturn, stats };
      entries.push(entry);
      cb.onEntry?.(entry);
    } finally {
      agent.dispose();
      await env.close();
      await evalEnv.close();
    }
  }
  return { env: spec.env, envConfig: envConfig ?? null, seed, steps, evalEpisodes, entries };
}

/** Cost at met QoS, or null when the policy missed QoS in more than 5 % of its windows. */
export function qualifiedCost(s: WindowStats): number | null {
  return s.qosMet >= QOS_MET_TARGET ? s.scaledCost : null;
}

/** Whether `a` beats `b` on cost at met QoS: `a` meets QoS and `b` does not, or both do and `a` is cheaper. */
export function beatsOnCostAtMetQos(a: WindowStats, b: WindowStats): boolean {
  const ca = qualifiedCost(a), cb = qualifiedCost(b);
  if (ca === null) return false;
  return cb === null || ca < cb;
}

const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
const fix = (x: number | null, d = 3): string => (x === null || !Number.isFinite(x) ? '-' : x.toFixed(d));

/** The comparison as a table, then one line per learner against each searcher. */
export function formatCompareReport(r: CompareReport): string {
  const head = `${r.env}${r.envConfig ? ` ${JSON.stringify(r.envConfig)}` : ''}, seed ${r.seed}: ${r.steps} environment steps each, then ${r.evalEpisodes} greedy episode${r.evalEpisodes === 1 ? '' : 's'} (${r.entries[0]?.stats.windows ?? 0} windows) on the same seeds`;
  const cols = ['agent', 'wall s', 'return/ep', 'QoS met', 'scaled cost', 'cost at met QoS', 'latency s', 'p95 s'];
  const rows = r.entries.map((e) => [e.agent, e.wallSeconds.toFixed(1), e.meanReturn.toFixed(2), pct(e.stats.qosMet), fix(e.stats.scaledCost), fix(e.stats.costAtMetQos), fix(e.stats.meanLatency), fix(e.stats.p95Latency)]);
  const widths = cols.map((c, i) => Math.max(c.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  const out = [head, '', line(cols), ...rows.map(line), ''];
  const searchers = r.entries.filter((e) => e.agent in SEARCHERS);
  for (const l of r.entries.filter((e) => !(e.agent in SEARCHERS))) {
    for (const s of searchers) {
      const lc = qualifiedCost(l.stats), sc = qualifiedCost(s.stats);
      let verdict: string;
      if (lc === null) verdict = `misses QoS in ${pct(1 - l.stats.qosMet)} of windows (target: at most ${pct(1 - QOS_MET_TARGET)})`;
      else if (sc === null) verdict = `meets QoS in ${pct(l.stats.qosMet)} of windows at scaled cost ${fix(lc)}; ${s.agent} misses it in ${pct(1 - s.stats.qosMet)}`;
      else verdict = `scaled cost ${fix(lc)} vs ${fix(sc)} (${lc < sc ? `${pct(1 - lc / sc)} cheaper` : `${pct(lc / sc - 1)} dearer`}), both meeting QoS (${pct(l.stats.qosMet)} and ${pct(s.stats.qosMet)} of windows)`;
      out.push(`${l.agent} vs ${s.agent}: ${beatsOnCostAtMetQos(l.stats, s.stats) ? 'BETTER' : 'NOT BETTER'} on cost at met QoS: ${verdict}`);
    }
  }
  return `${out.join('\n')}\n`;
}
