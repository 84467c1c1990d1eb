/**
 * Learners against random search on a FaaSConf workflow with the same budget
 * of environment steps (the comparison of FaaSConf 000 §5.2.1, Fig. 8: cost
 * at met QoS). Every agent gets `steps` windows:
 *
 * - it learns (a learner trains for them) or searches (random search spends
 *   them on trials, `budget` = windows / `trialSteps`) on an environment
 *   wrapped in a `ConfigurationLog`, which keeps the cheapest configurations
 *   that met QoS while it did;
 * - the last windows of the budget re-measure the cheapest of those
 *   (`verifyCandidates`, src/experiment/best-found.ts): the cheapest that
 *   holds QoS on re-measurement is the agent's *best configuration found*,
 *   the measure of the paper's Fig. 8 and Fig. 13.
 *
 * Then two things are played on fresh episodes (seeds 1,000,000 + i, the
 * same for all) and scored per window from the environment's `info` (the
 * fraction of windows meeting QoS, the scaled cost ŷ, the cost of the
 * windows that met QoS, the end-to-end latency): the agent itself, greedily
 * (a learner's trained policy, random search's best trial), and its best
 * configuration found, held. Both are reported; the verdicts compare each
 * learner with each searcher on both.
 *
 * `faasgym compare` prints the table; `npm start` runs it for FaaSConf
 * (`attmf+ses`: AttMF inside SES) on FaaSConf-Sequential-v0.
 */
import type { Agent } from '../../agents/agent.js';
import type { AnyEnv, Info, ParallelEnv } from '../core/env.js';
import { ConfigError, quote } from '../core/errors.js';
import { make } from '../registry/index.js';
import { getAgentFactory } from '../../agents/registry.js';
import { ConfigurationLog, verificationSteps, verifyCandidates, type MeasuredConfiguration, type Verification } from './best-found.js';
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
  /**
   * Re-measurement of each agent's cheapest QoS-meeting configurations, out
   * of its `steps`: `candidates` configurations (default 8, fewer when that
   * would take more than a tenth of `steps`; 0: take the cheapest as
   * measured), each held for `episodes` episodes (3) of `windows` windows (11).
   */
  verify?: { candidates?: number; episodes?: number; windows?: number };
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

/** An agent's best configuration found within its budget, and how it plays when held. */
export interface BestFound {
  /** Windows measured while learning or searching, and how many met QoS. */
  windows: number;
  windowsMet: number;
  /** The re-measurement of the cheapest of them (null when the budget left no room for it). */
  verification: Verification | null;
  /** The configuration delivered (joint action in `possibleAgents` order), null when none met QoS or none held it on re-measurement. */
  action: number[] | null;
  /** ŷ of the window it was found in. */
  foundCost: number | null;
  /** Held on the evaluation episodes (null without a configuration). */
  meanReturn: number | null;
  stats: WindowStats | null;
}

export interface CompareEntry {
  agent: string;
  /** Environment steps of the whole budget. */
  steps: number;
  /** Of those, the steps spent learning or searching (the rest re-measured configurations). */
  learningSteps: number;
  wallSeconds: number;
  sources: string[];
  /** The agent played greedily: a learner's trained policy, a searcher's own pick. */
  meanReturn: number;
  stats: WindowStats;
  bestFound: BestFound;
}

export interface CompareReport {
  env: string;
  envConfig: Record<string, unknown> | null;
  seed: number;
  steps: number;
  /** Candidates re-measured per agent, and the windows that took. */
  verify: { candidates: number; episodes: number; windows: number; steps: number };
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

const VERIFY_DEFAULTS = { candidates: 8, episodes: 3, windows: 11 };

/** The re-measurement plan for a budget of `steps`: at most a tenth of it. */
export function verificationPlan(steps: number, verify: CompareSpec['verify'] = {}): CompareReport['verify'] {
  const episodes = verify.episodes ?? VERIFY_DEFAULTS.episodes;
  const windows = verify.windows ?? VERIFY_DEFAULTS.windows;
  const wanted = verify.candidates ?? VERIFY_DEFAULTS.candidates;
  for (const [k, v, min] of [['candidates', wanted, 0], ['episodes', episodes, 1], ['windows', windows, 2]] as const) {
    if (!Number.isSafeInteger(v) || v < min) throw new ConfigError(`compare: verify.${k} must be an integer >= ${min}, got ${quote(v)}`);
  }
  const perCandidate = verificationSteps(1, { episodes, windows });
  const candidates = Math.min(wanted, Math.floor(steps / (10 * perCandidate)));
  return { candidates, episodes, windows, steps: candidates * perCandidate };
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
  const verify = verificationPlan(steps, spec.verify);
  const learningSteps = steps - verify.steps;
  const entries: CompareEntry[] = [];
  for (const name of spec.agents) {
    const layers = spec.options?.[name] ? [{ source: `options for ${name}`, options: spec.options[name] as Record<string, unknown> }] : [];
    const searcher = SEARCHERS[name];
    let run = resolveTrainingRun({ env: spec.env, agent: name, steps: learningSteps, seed, zoo: spec.zoo ?? true, evalEpisodes: 0, evalEvery: 0, layers, ...(envConfig ? { envConfig } : {}) });
    if (searcher && !(searcher.budgetOption in run.options)) {
      const per = searcher.stepsPerTrial(run.options);
      const trials = Math.max(1, Math.floor(learningSteps / per));
      run = { ...run, options: { ...run.options, [searcher.budgetOption]: trials }, sources: [...run.sources, `${searcher.budgetOption} = ${learningSteps} steps / ${per} per trial`] };
    }
    cb.onStart?.(name, run);
    const t0 = performance.now();
    const logs: ConfigurationLog[] = [];
    const wrapEnv = (env: AnyEnv): AnyEnv => {
      const log = new ConfigurationLog(env as ParallelEnv<string, unknown, unknown>, Math.max(1, verify.candidates));
      logs.push(log);
      return log;
    };
    const { env, agent } = await buildRun(run, { wrapEnv }); // a searcher spends its budget here
    const log = logs[0] as ConfigurationLog;
    const evalEnv = make(run.env, run.envConfig);
    try {
      if (!searcher) {
        await train({
          env,
          agent,
          steps: learningSteps,
          seed,
          ...(cb.progressEvery ? { progressEvery: cb.progressEvery } : {}),
          ...(cb.onProgress ? { onProgress: (p: Progress) => cb.onProgress?.(name, p, agent) } : {}),
        });
      }
      const found = await bestFound(log, verify);
      const wallSeconds = (performance.now() - t0) / 1000;
      const { stats, evaluation } = await scoreWindows(evalEnv, agent, { episodes: evalEpisodes });
      if (found.action) {
        const held = await getAgentFactory('static').create(evalEnv, { action: found.action }, seed);
        try {
          const h = await scoreWindows(evalEnv, held, { episodes: evalEpisodes });
          found.stats = h.stats;
          found.meanReturn = h.evaluation.meanReturn;
        } finally {
          held.dispose();
        }
      }
      const entry: CompareEntry = { agent: name, steps, learningSteps, wallSeconds, sources: run.sources, meanReturn: evaluation.meanReturn, stats, bestFound: found };
      entries.push(entry);
      cb.onEntry?.(entry);
    } finally {
      agent.dispose();
      await env.close();
      await evalEnv.close();
    }
  }
  return { env: spec.env, envConfig: envConfig ?? null, seed, steps, verify, evalEpisodes, entries };
}

/** The cheapest configuration `log` kept, re-measured when the plan has room for it (on the log's inner env, not logged). */
export async function bestFound(log: ConfigurationLog, verify: CompareReport['verify']): Promise<BestFound> {
  const base = { windows: log.windows, windowsMet: log.windowsMet, meanReturn: null, stats: null };
  if (verify.candidates === 0) {
    const top: MeasuredConfiguration | undefined = log.cheapest(1)[0];
    return { ...base, verification: null, action: top ? top.action : null, foundCost: top ? top.scaledCost : null };
  }
  const verification = await verifyCandidates(log.env, log.cheapest(verify.candidates), { episodes: verify.episodes, windows: verify.windows });
  const chosen = verification.chosen;
  return { ...base, verification, action: chosen ? chosen.action : null, foundCost: chosen ? chosen.foundCost : null };
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

/** `beatsOnCostAtMetQos` for best configurations found, where null means none held QoS. */
export function foundBeats(a: WindowStats | null, b: WindowStats | null): boolean {
  if (!a) return false;
  return b ? beatsOnCostAtMetQos(a, b) : qualifiedCost(a) !== null;
}

const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
const fix = (x: number | null, d = 3): string => (x === null || !Number.isFinite(x) ? '-' : x.toFixed(d));

function verdict(l: { agent: string; stats: WindowStats | null }, s: { agent: string; stats: WindowStats | null }): string {
  let why: string;
  if (!l.stats) why = `${l.agent} found no configuration that held QoS`;
  else if (!s.stats) why = `${s.agent} found no configuration that held QoS`;
  else {
    const lc = qualifiedCost(l.stats), sc = qualifiedCost(s.stats);
    if (lc === null) why = `misses QoS in ${pct(1 - l.stats.qosMet)} of windows (target: at most ${pct(1 - QOS_MET_TARGET)})`;
    else if (sc === null) why = `meets QoS in ${pct(l.stats.qosMet)} of windows at scaled cost ${fix(lc)}; ${s.agent} misses it in ${pct(1 - s.stats.qosMet)}`;
    else why = `scaled cost ${fix(lc)} vs ${fix(sc)} (${lc < sc ? `${pct(1 - lc / sc)} cheaper` : `${pct(lc / sc - 1)} dearer`}), both meeting QoS (${pct(l.stats.qosMet)} and ${pct(s.stats.qosMet)} of windows)`;
  }
  return `${l.agent} vs ${s.agent}: ${foundBeats(l.stats, s.stats) ? 'BETTER' : 'NOT BETTER'} on cost at met QoS: ${why}`;
}

/**
 * The comparison as a table (two rows per agent: the agent played greedily,
 * then its best configuration found, held), then the verdicts of every
 * learner against every searcher on both.
 */
export function formatCompareReport(r: CompareReport): string {
  const v = r.verify;
  const budget = v.candidates > 0
    ? `${r.steps} environment steps each (${r.steps - v.steps} learning or searching, ${v.steps} re-measuring ${v.candidates === 1 ? 'the cheapest configuration' : `the ${v.candidates} cheapest configurations`} that met QoS, ${v.episodes} × ${v.windows} windows each)`
    : `${r.steps} environment steps each (too few to re-measure configurations: the cheapest that met QoS once is taken as found)`;
  const windows = r.entries[0]?.stats.windows ?? 0;
  const head = `${r.env}${r.envConfig ? ` ${JSON.stringify(r.envConfig)}` : ''}, seed ${r.seed}: ${budget}, then ${r.evalEpisodes} greedy episode${r.evalEpisodes === 1 ? '' : 's'} (${windows} windows) on the same seeds`;
  const cols = ['agent', 'played', 'wall s', 'return/ep', 'QoS met', 'scaled cost', 'cost at met QoS', 'latency s', 'p95 s'];
  const row = (agent: string, played: string, wall: string, ret: number | null, st: WindowStats | null): string[] =>
    st ? [agent, played, wall, fix(ret, 2), pct(st.qosMet), fix(st.scaledCost), fix(st.costAtMetQos), fix(st.meanLatency), fix(st.p95Latency)] : [agent, played, wall, '-', 'none found', '-', '-', '-', '-'];
  const rows = r.entries.flatMap((e) => [
    row(e.agent, e.agent in SEARCHERS ? 'its pick' : 'policy', e.wallSeconds.toFixed(1), e.meanReturn, e.stats),
    row('', 'best found', '', e.bestFound.meanReturn, e.bestFound.stats),
  ]);
  const widths = cols.map((c, i) => Math.max(c.length, ...rows.map((cells) => (cells[i] as string).length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ').trimEnd();
  const out = [head, '', line(cols), ...rows.map(line), ''];
  const searchers = r.entries.filter((e) => e.agent in SEARCHERS);
  const learners = r.entries.filter((e) => !(e.agent in SEARCHERS));
  if (searchers.length && learners.length) {
    out.push('Best configuration found within the budget (FaaSConf Fig. 8, Fig. 13):');
    for (const l of learners) for (const s of searchers) out.push(verdict({ agent: l.agent, stats: l.bestFound.stats }, { agent: s.agent, stats: s.bestFound.stats }));
    out.push('Trained policy against the searcher\'s own pick:');
    for (const l of learners) for (const s of searchers) out.push(verdict(l, s));
  }
  return `${out.join('\n')}\n`;
}
