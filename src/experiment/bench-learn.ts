/**
 * Learning benchmarks (`faasgym bench learn`): each case trains one agent on one
 * environment from its zoo entry within a step budget, then evaluates it
 * greedily; it is solved when the mean evaluation return reaches the threshold
 * — or, for a case with a `baseline`, when the learner's best configuration
 * found within the budget beats the baseline's on cost at met QoS (FaaSConf
 * Fig. 8), both measured in the same run (`compareAgents`,
 * src/experiment/compare.ts); the greedy policies' comparison is reported too.
 *
 * To add a learner's benchmark, append a case to `LEARN_BENCHMARKS`; cases whose
 * agent is not registered are skipped, so the list may name agents still to come.
 */
import { getAgentFactory } from '../../agents/registry.js';
import { ConfigError, quote } from '../core/errors.js';
import { beatsOnCostAtMetQos, compareAgents, foundBeats, type CompareEntry, type WindowStats } from './compare.js';
import { executeTrainingRun, resolveTrainingRun } from './training-run.js';

function registered(agent: string): boolean {
  try {
    getAgentFactory(agent);
    return true;
  } catch {
    return false;
  }
}

export interface LearnBenchCase {
  agent: string;
  env: string;
  /** Environment steps of the full benchmark. */
  steps: number;
  /** Mean evaluation return that counts as solved. */
  threshold: number;
  /** Greedy evaluation episodes. @default 20 */
  evalEpisodes?: number;
  /** @default 0 */
  seed?: number;
  /** Options over the zoo entry. */
  options?: Record<string, unknown>;
  /** Evaluation schedule and early stop over the zoo entry's (`stopAtReturn` null: train the whole budget). */
  evalEvery?: number;
  stopAtReturn?: number | null;
  /**
   * Full benchmark only: instead of `threshold`, solved when the learner's
   * best configuration found beats this baseline's (the same steps, scored on
   * the same episodes) on cost at met QoS: QoS met in ≥ 95 % of windows, at a
   * lower mean scaled cost than the baseline's, or the baseline finding none
   * that meets QoS.
   */
  baseline?: 'random-search';
  /** The CI variant (`--quick`): a shorter budget and a lower bar (always a return threshold); null: not part of it. */
  quick: { steps: number; threshold: number; options?: Record<string, unknown>; evalEvery?: number; stopAtReturn?: number | null } | null;
}

/** The learning benchmarks; thresholds as in the learners issue. */
export const LEARN_BENCHMARKS: LearnBenchCase[] = [
  // CartPole-v1's reward threshold (475) within SB3 rl-zoo's budget for DQN; the zoo entry stops
  // training once an evaluation (every 2,500 steps) reaches 475, and the reported mean comes from a
  // final evaluation on other episode seeds. Quick: stop at 200 (evaluated every 1,000 steps) within
  // 10,000 steps, pass at 150 (seeds 0-3 stopped after 3,000-7,000 steps and scored 240-289).
  { agent: 'dqn', env: 'CartPole-v1', steps: 50_000, threshold: 475, evalEpisodes: 20, quick: { steps: 10_000, threshold: 150, evalEvery: 1000, stopAtReturn: 200 } },
  // Other learners add theirs here, e.g.
  // PPO (configs/zoo/ppo.yaml, SB3 rl-zoo's CartPole PPO): 475 within 100,000 steps; quick: clearly learning within 20,000 (lr and clip annealed over the shorter budget).
  { agent: 'ppo', env: 'CartPole-v1', steps: 100_000, threshold: 475, evalEpisodes: 20, quick: { steps: 20_000, threshold: 150 } },
  // DDPG (configs/zoo/ddpg.yaml, SB3 rl-zoo's Pendulum DDPG with learning starts 1000 and a [64, 64] net): -200 within 20,000 steps
  // (measured -189.0 / -183.0 / -184.6 at the end, first ≥ -200 at 7,000 / 5,000 / 8,000 steps, seeds 0–2); quick: clearly swinging up within 12,000 (below).
  // Quick: 12,000 steps (was 8,000, at the edge of the 5,000–8,000 steps where it first reaches -200). With the
  // src/nn fast path's float order, seed 0 at 8,000 steps scored -830.5 (seeds 1, 2: -191.3, -202.0; the tfjs
  // reference path on seed 0: -187.7); at 12,000 steps seed 0 scores -196.7. The bar stays -400.
  { agent: 'ddpg', env: 'Pendulum-v1', steps: 20_000, threshold: -200, evalEpisodes: 20, quick: { steps: 12_000, threshold: -400 } },
  // FaaSConf's learners (configs/zoo/{maddpg,meanfield,attmf}.yaml) must beat random search on FaaSConf-Sequential-v0 in cost at
  // met QoS with the same step budget, compared as the paper does (Fig. 8, Fig. 13): the best configuration each found within the
  // 10,000 windows (random search: 5,000 trials of 2 windows), re-measured and held on the same 5 greedy episodes. `threshold` is
  // only the return the report shows for reference (random search's at seed 0: 47.4). Quick: clearly learning (random play ≈ -12;
  // measured 38.1 / 40.4 / 41.2 within 3,000 steps). The `+ses` cases are the FaaSConf system: the learner inside SES (§4.3).
  // Measured best found, seeds 0-4 (docs/agents/learners.md): every `+ses` case beats random search, 18-37 % cheaper; alone,
  // maddpg / meanfield / attmf beat it on 3 / 1 / 2 of seeds 0-2.
  { agent: 'maddpg', env: 'FaaSConf-Sequential-v0', steps: 10_000, threshold: 47.4, evalEpisodes: 5, baseline: 'random-search', quick: { steps: 3_000, threshold: 30 } },
  { agent: 'meanfield', env: 'FaaSConf-Sequential-v0', steps: 10_000, threshold: 47.4, evalEpisodes: 5, baseline: 'random-search', quick: { steps: 3_000, threshold: 30 } },
  { agent: 'attmf', env: 'FaaSConf-Sequential-v0', steps: 10_000, threshold: 47.4, evalEpisodes: 5, baseline: 'random-search', quick: { steps: 3_000, threshold: 30 } },
  { agent: 'maddpg+ses', env: 'FaaSConf-Sequential-v0', steps: 10_000, threshold: 47.4, evalEpisodes: 5, baseline: 'random-search', quick: null },
  { agent: 'meanfield+ses', env: 'FaaSConf-Sequential-v0', steps: 10_000, threshold: 47.4, evalEpisodes: 5, baseline: 'random-search', quick: null },
  { agent: 'attmf+ses', env: 'FaaSConf-Sequential-v0', steps: 10_000, threshold: 47.4, evalEpisodes: 5, baseline: 'random-search', quick: null },
];

export interface LearnBenchResult {
  agent: string;
  env: string;
  /** Environment steps trained (less than `budget` when an evaluation reached the run's stopAtReturn). */
  steps: number;
  budget: number;
  stoppedEarly: boolean;
  wallSeconds: number;
  meanReturn: number;
  stdReturn: number;
  threshold: number;
  solved: boolean;
  evalEpisodes: number;
  seed: number;
  quick: boolean;
  /**
   * Cases with a baseline: both sides' per-window statistics, of the greedy
   * policies (`learner`, `baselineStats`) and of the best configurations found
   * (null: none held QoS); `solved` says whether the learner's best found beat
   * the baseline's on cost at met QoS, `policyBetter` whether its policy did.
   */
  comparison?: { baseline: string; learner: WindowStats; baselineStats: WindowStats; baselineReturn: number; learnerFound: WindowStats | null; baselineFound: WindowStats | null; policyBetter: boolean };
}

export interface LearnBenchReport {
  benchmarks: LearnBenchResult[];
  /** Cases skipped because their agent is not registered. */
  skipped: { agent: string; env: string }[];
  node: string;
}

export interface LearnBenchOptions {
  quick?: boolean;
  /** Run only the cases of these agents (or `agent:env` names). */
  only?: string[];
  seed?: number;
  cases?: LearnBenchCase[];
  /** Called after each case. */
  onResult?: (r: LearnBenchResult) => void;
}

export async function runLearnBenchmarks(opts: LearnBenchOptions = {}): Promise<LearnBenchReport> {
  const quick = opts.quick ?? false;
  const cases = (opts.cases ?? LEARN_BENCHMARKS).filter((c) => !quick || c.quick !== null);
  const selected = opts.only?.length ? cases.filter((c) => opts.only?.includes(c.agent) || opts.only?.includes(`${c.agent}:${c.env}`)) : cases;
  if (opts.only?.length && selected.length === 0) {
    throw new ConfigError(`bench learn: no benchmark matches ${quote(opts.only)} (cases: ${cases.map((c) => `${c.agent}:${c.env}`).join(', ')})`);
  }
  const benchmarks: LearnBenchResult[] = [];
  const skipped: LearnBenchReport['skipped'] = [];
  for (const c of selected) {
    if (!registered(c.agent)) {
      skipped.push({ agent: c.agent, env: c.env });
      continue;
    }
    const q = quick ? c.quick : null;
    const steps = q ? q.steps : c.steps;
    const threshold = q ? q.threshold : c.threshold;
    const options = { ...(c.options ?? {}), ...(q?.options ?? {}) };
    const seed = opts.seed ?? c.seed ?? 0;
    const evalEvery = q ? (q.evalEvery ?? c.evalEvery) : c.evalEvery;
    const stopAtReturn = q && q.stopAtReturn !== undefined ? q.stopAtReturn : c.stopAtReturn;
    const layers = Object.keys(options).length ? [{ source: `bench case ${c.agent}:${c.env}`, options }] : [];
    if (c.baseline && !quick) {
      const report = await compareAgents({ env: c.env, agents: [c.agent, c.baseline], steps, seed, evalEpisodes: c.evalEpisodes ?? 20, ...(layers.length ? { options: { [c.agent]: options } } : {}) });
      const [learner, base] = report.entries as [CompareEntry, CompareEntry];
      const result: LearnBenchResult = {
        agent: c.agent,
        env: c.env,
        steps,
        budget: steps,
        stoppedEarly: false,
        wallSeconds: learner.wallSeconds,
        meanReturn: learner.meanReturn,
        stdReturn: Number.NaN,
        threshold,
        solved: foundBeats(learner.bestFound.stats, base.bestFound.stats),
        evalEpisodes: report.evalEpisodes,
        seed,
        quick,
        comparison: {
          baseline: c.baseline,
          learner: learner.stats,
          baselineStats: base.stats,
          baselineReturn: base.meanReturn,
          learnerFound: learner.bestFound.stats,
          baselineFound: base.bestFound.stats,
          policyBetter: beatsOnCostAtMetQos(learner.stats, base.stats),
        },
      };
      benchmarks.push(result);
      opts.onResult?.(result);
      continue;
    }
    const run = resolveTrainingRun({
      env: c.env,
      agent: c.agent,
      steps,
      seed,
      evalEpisodes: c.evalEpisodes ?? 20,
      ...(evalEvery !== undefined ? { evalEvery } : {}),
      ...(stopAtReturn !== undefined ? { stopAtReturn } : {}),
      layers,
    });
    const r = await executeTrainingRun(run);
    const meanReturn = r.evaluation?.meanReturn ?? Number.NaN;
    const result: LearnBenchResult = {
      agent: c.agent,
      env: c.env,
      steps: r.train.steps,
      budget: steps,
      stoppedEarly: r.train.stoppedEarly,
      wallSeconds: r.train.wallSeconds,
      meanReturn,
      stdReturn: r.evaluation?.stdReturn ?? Number.NaN,
      threshold,
      solved: meanReturn >= threshold,
      evalEpisodes: run.evalEpisodes,
      seed,
      quick,
    };
    benchmarks.push(result);
    opts.onResult?.(result);
  }
  return { benchmarks, skipped, node: process.version };
}

/** One case's criterion and outcome in words. */
export function describeLearnResult(b: LearnBenchResult): string {
  if (!b.comparison) return `mean return ${b.meanReturn.toFixed(1).padStart(8)} (threshold ${b.threshold})`;
  const { learner: l, baselineStats: s, baseline, learnerFound: lf, baselineFound: sf } = b.comparison;
  const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
  const side = (w: WindowStats | null): string => (w ? `QoS met ${pct(w.qosMet)} at scaled cost ${w.scaledCost.toFixed(3)}` : 'none held QoS');
  return `best found: ${side(lf)} vs ${baseline} ${sf ? `${pct(sf.qosMet)} at ${sf.scaledCost.toFixed(3)}` : 'none held QoS'} (cost at met QoS); policy: return ${b.meanReturn.toFixed(1)}, ${side(l)} vs ${pct(s.qosMet)} at ${s.scaledCost.toFixed(3)} (${b.comparison.policyBetter ? 'better' : 'not better'})`;
}

export function formatLearnBenchReport(report: LearnBenchReport): string {
  const lines = report.benchmarks.map(
    (b) => `${`${b.agent} on ${b.env}`.padEnd(28)} ${String(b.steps).padStart(7)}/${b.budget} steps ${b.wallSeconds.toFixed(1).padStart(7)} s  ${describeLearnResult(b)}  ${b.solved ? 'SOLVED' : 'NOT SOLVED'}`,
  );
  for (const s of report.skipped) lines.push(`${`${s.agent} on ${s.env}`.padEnd(28)} skipped (agent not registered)`);
  return `${lines.join('\n')}\n`;
}
