/**
 * StepConf's online configurator (paper 001 §4.3 Algorithm 1, §5) as a policy
 * on `StepConf-{ML,Video,DAG16}-v0`. CLI name `stepconf`.
 *
 * At creation the policy profiles the workflow's functions on the
 * environment's backend (`env.profilingSamples`, a grid of M × P × Q × job
 * counts) and fits the performance estimator of §3 (agents/stepconf-estimator.ts:
 * eq. 1 for compute, eq. 2 at ω = 0.9 for mapping and transfer delays). It
 * learns nothing afterwards: `observe` and `update` do nothing.
 *
 * ## Which step is being configured
 *
 * `act(obs)` reads the step from the observation, so the policy works on any
 * environment of the same id and config (the CLI evaluates on a fresh one):
 * γ = obs[0]·max(jobRange), the request's elapsed time = obs[4]·S, the number
 * of steps configured = obs[8]·n (0 starts a new episode). The candidates are
 * the steps not yet configured whose predecessors all are; the one whose
 * observation features (data size, function class, step and critical-path
 * estimates, recomputed with the environment's own `observe`) match obs is the
 * step. Candidates identical in every feature are told apart by the bound
 * environment's `pendingStep` when it is one of them, else the lowest index.
 * Episodes are tracked one at a time: interleaving the episodes of two
 * environments (evaluation every few training steps) restarts the tracking,
 * and an episode joined after its start is matched against every step not
 * configured since (its earlier steps are unknown to the policy).
 *
 * ## Algorithm 1 (global-cached most cost-effective critical path)
 *
 * The global cache holds, for every step planned on a critical path and not
 * yet configured, its latest start (the latest finish of whatever sub-graph
 * feeds it, lines 13–15) and its plan group. For the ready step v_i at τ_i:
 *
 * 1. If v_i was planned, the rest of its critical path is planned afresh
 *    (lines 17–19: the remaining critical path keeps the latest finish 𝒯_i,
 *    so slack or delay so far is shared anew).
 * 2. G_i: the steps reachable from v_i through unplanned, unconfigured steps
 *    (line 2). Each gets the weight t_m(θ*), θ* its most cost-effective
 *    configuration: eq. (13) read as the least c(θ)·t(θ) (cost over
 *    performance t⁻¹; the printed arg max would pick the least cost-effective
 *    one) (lines 4–6).
 * 3. A step u of G_i has a deadline when its planned successors give one (the
 *    least of their latest starts) or it is a sink (S). The critical path L_i
 *    is the heaviest path from v_i to the u with the least ratio
 *    (D(u) − τ_i) / Σ_path t(θ*), i.e. the heaviest path to the sub-graph's
 *    latest finish when there is one deadline (line 7); each step on it gets
 *    the sub-SLO t_m(θ*) × that ratio (eq. 14 with S_i = D − τ_i, lines 8–9).
 * 4. θ_i = the cheapest configuration whose predicted duration (P90 phases)
 *    fits s_i·(1 − sloMargin) (eq. 12, line 10); the fastest when none does.
 * 5. The steps of L_i after v_i are stored with their latest starts
 *    τ_i + Σ_{before} s (lines 16, 19). Steps off L_i stay unplanned: when one
 *    becomes ready, its own paths end at the planned steps they feed, whose
 *    latest starts bound them — the side sub-graphs of lines 11–15, found
 *    per path so that a DAG whose side steps interleave (DAG16) bounds each
 *    step by the critical steps it actually reaches.
 *
 * The per-step candidates are cached too: for each (step, γ, prewarm state)
 * the Pareto front of (predicted time, predicted cost) over Θ, sorted by
 * time, so line 10 is a scan of a few entries (the "local record of optimal
 * configuration" after Theorem 2).
 *
 * ## Configuration-aware prewarming (§5)
 *
 * With `prewarm: true` the environment starts p_ref instances of every
 * successor at the reference memory m_ref when a step is configured. The
 * policy knows it: a step whose predecessors are configured has p_ref warm
 * instances at m_ref, so θ with m = m_ref starts only max(0, p − p_ref)
 * instances cold, and its mapping delay is eq. (2) at that count (0 when
 * none). Warm configurations therefore fit tighter sub-SLOs and win when
 * they are the cheapest that fit. The policy also computes the paper's
 * configuration-aware prewarm plan (`lastPrewarmPlan`): after configuring
 * v_i it assumes v_i finishes as predicted and runs the same selection for
 * each successor, giving the θ to prewarm and the time τ^p = τ_k − t^m − s_k
 * to start it; the environment's prewarm does not take a plan (it always
 * prewarms the reference configuration), so the plan is informational.
 *
 * Checkpoints hold the fitted estimator (JSON in `manifest.extra`); `load`
 * replaces the estimator the factory fitted.
 */
import { isParallelEnv, type AnyEnv } from '../src/core/env.js';
import { ConfigError, quote } from '../src/core/errors.js';
import { CheckpointError, loadCheckpoint, saveCheckpoint } from '../src/nn/checkpoint.js';
import { expectedPhases, longestPathsToSink, type WorkflowGraph } from '../envs/stepconf/critical-path.js';
import { observe as observeFeatures } from '../envs/stepconf/observation.js';
import type { ProfileOptions, ProfileSample } from '../envs/stepconf/profiling.js';
import { NOMINAL_JOBS } from '../envs/stepconf/scenario.js';
import { StepConfEnv } from '../envs/stepconf/stepconf-env.js';
import type { StepconfSettings } from '../envs/stepconf/config.js';
import type { ActOptions, Agent, AgentFactory, Losses } from './agent.js';
import { boolean, integer, number, numbers, oneOf, options, parseOptions, type z } from './option-fields.js';
import { registerAgent } from './registry.js';
import { StepEstimator, type StepEstimatorJSON, type StepEstimatorOptions, type StepPrediction, type StepTheta } from './stepconf-estimator.js';

/** The innermost environment under wrappers (`.env` chains: TimeLimit, OrderEnforcing, …). */
function unwrapEnv(env: unknown): unknown {
  let e = env as { env?: unknown };
  for (let i = 0; i < 64 && e && typeof e === 'object' && e.env && typeof (e.env as { step?: unknown }).step === 'function'; i++) e = e.env as { env?: unknown };
  return e;
}

// ================================================================ OPTIONS

const GRID_WHY = 'every grid point is profiled on the simulator: 64 values per axis';

/** The options of the StepConf policy: type, bounds, default and its source per field. */
export const STEPCONF_POLICY_SCHEMA = options({
  quantile: number({ default: 0.9, gt: 0, lt: 1, max: 1, doc: 'ω of eq. (2)', source: 'StepConf §3.4, §7.2' }),
  multiCoreModel: oneOf({ values: ['exponential', 'inverse'] as const, default: 'exponential', doc: 'eq. (1) for multi-core code at m ≥ m_s', source: 'StepConf §3.3' }),
  serialTerm: boolean({ default: true, doc: 'serial term φ_γ·γ̄ in eq. (1) (see stepconf-estimator.ts)' }),
  singleCoreMemoryMb: number({ default: 1769, gt: 0, max: 10240, maxWhy: 'AWS Lambda\'s largest memory size', doc: 'm_s, MB', source: 'AWS Lambda' }),
  sloMargin: number({ default: 0.05, min: 0, lt: 1, max: 1, doc: 'fraction of each sub-SLO held back as a margin (chosen: 50 held-out seeds of each workflow all met the SLO; with 0 one ML request in 50 missed by 0.3 %)' }),
  prewarmAware: boolean({ default: true, doc: 'count the environment\'s prewarmed instances (when its `prewarm` is on)' }),
  profile: options({
    memories: numbers({ default: [], min: 128, max: 10240, minLength: 1, maxLength: 64, maxWhy: GRID_WHY, doc: 'memory sizes profiled, MB' }).optional(),
    parallelisms: numbers({ default: [], int: true, min: 1, max: 1000, minLength: 1, maxLength: 64, maxWhy: GRID_WHY, doc: 'inter-function parallelisms profiled' }).optional(),
    intraParallelisms: numbers({ default: [], int: true, min: 1, max: 64, minLength: 1, maxLength: 64, maxWhy: GRID_WHY, doc: 'intra-function parallelisms profiled' }).optional(),
    jobs: numbers({ default: [], int: true, min: 1, max: 100_000, minLength: 1, maxLength: 64, maxWhy: GRID_WHY, doc: 'job counts profiled' }).optional(),
    repeats: integer({ default: 1, min: 1, max: 100, maxWhy: 'repeats multiply the whole grid', doc: 'runs per grid point' }).optional(),
    seed: integer({ default: 0, min: 0, max: Number.MAX_SAFE_INTEGER, doc: 'seed of the profiling runs' }).optional(),
  }).optional().meta({ doc: 'profiling grid (default: the environment\'s M, P and Q, the two ends of `jobRange`, 1 repeat, the agent\'s seed)', expected: 'an object', kind: 'object', range: '' }),
});

/** What `stepconfFactory.create(env, options)` accepts: any subset of the fields. */
export type StepConfPolicyOptions = z.input<typeof STEPCONF_POLICY_SCHEMA>;

export const STEPCONF_POLICY_DEFAULTS = Object.freeze((({ profile: _p, ...rest }) => rest)(STEPCONF_POLICY_SCHEMA.parse({})));

type ResolvedProfile = { memories?: number[]; parallelisms?: number[]; intraParallelisms?: number[]; jobs?: number[]; repeats?: number; seed?: number };

function resolve(o: StepConfPolicyOptions): typeof STEPCONF_POLICY_DEFAULTS & { profile: Required<ResolvedProfile> | null } {
  const r = parseOptions(STEPCONF_POLICY_SCHEMA, o, 'stepconf', 'options');
  // Only the given profile fields: the policy fills the rest from the environment.
  const given = (o as { profile?: Record<string, unknown> }).profile;
  const profile = given === undefined ? null : (Object.fromEntries(Object.keys(given).map((k) => [k, (r.profile as Record<string, unknown>)[k]])) as Required<ResolvedProfile>);
  const { profile: _p, ...rest } = r;
  return { ...rest, profile };
}

// ================================================================ THE POLICY

/** A candidate configuration with its predictions. */
interface Candidate {
  action: [number, number, number];
  theta: StepTheta;
  prediction: StepPrediction;
}

/** One entry of the global cache: a step planned on a critical path, with its latest start (s since the request started). */
export interface PlannedStep {
  stage: string;
  latestStart: number;
  /** Steps planned together (one critical path) share a group. */
  group: number;
}

/** What Algorithm 1 decided for a step. */
export interface StepDecision {
  stage: string;
  fn: string;
  /** τ_i, S_i and s_i, seconds. */
  time: number;
  budget: number;
  subSlo: number;
  criticalPath: string[];
  theta: StepTheta;
  action: number[];
  prediction: StepPrediction;
  /** Whether a configuration fitted the sub-SLO. */
  feasible: boolean;
}

export interface PrewarmPlanItem {
  stage: string;
  fn: string;
  memoryMb: number;
  parallelism: number;
  /** τ^p: when to start the instances, s since the request started. */
  at: number;
}

interface EpisodeState {
  jobs: number;
  /** Joined after its start: which steps ran before is unknown. */
  partial: boolean;
  configured: Set<number>;
  /** The global cache: latest start and plan group of every planned, not yet configured step. */
  latestStart: Map<number, number>;
  group: Map<number, number>;
  nextGroup: number;
  decisions: StepDecision[];
}

export class StepConfPolicy implements Agent {
  readonly name = 'stepconf';
  readonly kind = 'single' as const;
  readonly hyperparameters: Record<string, unknown>;
  readonly settings: StepconfSettings;
  readonly graph: WorkflowGraph;
  estimator: StepEstimator;
  /** Prewarm plan after the last decision (§5). */
  lastPrewarmPlan: PrewarmPlanItem[] = [];
  private episode: EpisodeState | null = null;
  private readonly frontiers = new Map<string, Candidate[]>();
  private readonly weights = new Map<string, number>();
  private readonly expected = new Map<string, number[]>();
  private readonly options: ReturnType<typeof resolve>;
  private readonly maxDataMb: number;

  constructor(readonly env: StepConfEnv, estimator: StepEstimator, options: StepConfPolicyOptions = {}) {
    this.options = resolve(options);
    this.settings = env.settings;
    this.graph = env.graph;
    this.estimator = estimator;
    for (const fn of this.graph.fns) estimator.model(fn); // every function must be fitted
    this.maxDataMb = Math.max(...this.graph.fns.map((f) => this.dataMb(f, this.settings.jobRange[1])));
    const { profile, ...rest } = this.options;
    this.hyperparameters = { ...rest, ...(profile ? { profile } : {}) };
  }

  /** Profile `env`'s functions and fit the estimator (the factory's path). */
  static async create(env: AnyEnv, options: StepConfPolicyOptions = {}, seed = 0): Promise<StepConfPolicy> {
    const base = unwrapEnv(env);
    if (!(base instanceof StepConfEnv)) throw new ConfigError(`stepconf: needs a StepConf environment (StepConf-ML-v0, StepConf-Video-v0, StepConf-DAG16-v0), got ${quote((env as { spec?: { id?: string } }).spec?.id ?? String(env))}`);
    const o = resolve(options);
    const s = base.settings;
    const p: NonNullable<StepConfPolicyOptions['profile']> = o.profile ?? {};
    const grid: Omit<ProfileOptions, 'backend'> = {
      memories: p.memories ?? s.memorySizesMb,
      parallelisms: p.parallelisms ?? s.parallelisms,
      intraParallelisms: p.intraParallelisms ?? s.intraParallelisms,
      jobs: p.jobs ?? [...new Set(s.jobRange)],
      repeats: p.repeats ?? 1,
      seed: p.seed ?? seed,
    };
    const samples = await base.profilingSamples(grid);
    return StepConfPolicy.fromSamples(base, samples, options);
  }

  /** Fit the estimator on given profiling samples. */
  static fromSamples(env: StepConfEnv, samples: readonly ProfileSample[], options: StepConfPolicyOptions = {}): StepConfPolicy {
    const o = resolve(options);
    const transferMb = Object.fromEntries(env.graph.fns.map((f) => [f, env.functionSpec(f).transferMb ?? 0]));
    const estOptions: StepEstimatorOptions = { quantile: o.quantile, multiCoreModel: o.multiCoreModel, serialTerm: o.serialTerm, singleCoreMemoryMb: o.singleCoreMemoryMb, nominalJobs: NOMINAL_JOBS };
    return new StepConfPolicy(env, StepEstimator.fit(samples, transferMb, estOptions), options);
  }

  /** Decisions of the current (or last) episode. */
  get decisions(): StepDecision[] {
    return this.episode ? [...this.episode.decisions] : [];
  }

  /** The global cache of the current episode: the planned steps and their latest starts. */
  get cache(): PlannedStep[] {
    const ep = this.episode;
    if (!ep) return [];
    return [...ep.latestStart.entries()].map(([m, t]) => ({ stage: this.graph.stages[m] as string, latestStart: t, group: ep.group.get(m) as number }));
  }

  private dataMb(fn: string, jobs: number): number {
    return ((this.env.functionSpec(fn).transferMb ?? 0) * jobs) / NOMINAL_JOBS;
  }

  // ------------------------------------------------------------ identifying the step

  /** The observation the environment would show for stage `s` (features that depend on the step only). */
  private expectedObs(s: number, jobs: number): number[] {
    const key = `${s}/${jobs}`;
    const hit = this.expected.get(key);
    if (hit) return hit;
    const S = this.settings.sloSeconds;
    const fns = this.graph.fns;
    const estimates = fns.map((f) => expectedPhases(this.env.functionSpec(f), jobs / NOMINAL_JOBS, this.settings.reference).total);
    const cp = longestPathsToSink(this.graph, estimates);
    const fn = fns[s] as string;
    const out = observeFeatures({
      jobs, maxJobs: this.settings.jobRange[1], sloSeconds: S, elapsed: 0, stepsTotal: fns.length, decided: 0, running: 0,
      step: { dataMb: this.dataMb(fn, jobs), maxDataMb: this.maxDataMb, multiCore: (this.env.functionSpec(fn).threads ?? 1) > 1, estimate: estimates[s] as number, criticalPath: cp[s] as number },
    });
    this.expected.set(key, out);
    return out;
  }

  /** Which stage `obs` is about (see the file's doc). */
  identify(obs: readonly number[], ep: EpisodeState): number {
    const n = this.graph.stages.length;
    let candidates = [...Array(n).keys()].filter((s) => !ep.configured.has(s) && (ep.partial || (this.graph.prev[s] as number[]).every((p) => ep.configured.has(p))));
    if (candidates.length === 0) candidates = [...Array(n).keys()].filter((s) => !ep.configured.has(s));
    if (candidates.length === 0) candidates = [...Array(n).keys()];
    const FEATURES = [1, 2, 3, 6, 7];
    const scored = candidates.map((s) => {
      const e = this.expectedObs(s, ep.jobs);
      return { s, d: FEATURES.reduce((acc, i) => acc + Math.abs((e[i] as number) - (obs[i] as number)), 0) };
    });
    const best = Math.min(...scored.map((x) => x.d));
    const tied = scored.filter((x) => x.d <= best + 1e-6).map((x) => x.s);
    const pending = this.env.pendingStep;
    const hint = pending ? this.graph.index.get(pending.stage) : undefined;
    return hint !== undefined && tied.includes(hint) ? hint : (tied[0] as number);
  }

  // ------------------------------------------------------------ Algorithm 1

  /** Warm instances a step would find at the reference memory (prewarming on, predecessors configured). */
  private warmFor(s: number, configured: Set<number>): number {
    if (!this.options.prewarmAware || !this.settings.prewarm) return 0;
    const prev = this.graph.prev[s] as number[];
    return prev.length > 0 && prev.some((p) => configured.has(p)) ? this.settings.reference.parallelism : 0;
  }

  /** Pareto front (time ascending, cost descending) of stage `s` with `jobs` jobs and `warm` prewarmed instances at m_ref; cached. */
  frontier(s: number, jobs: number, warm = 0): Candidate[] {
    const key = `${s}/${jobs}/${warm}`;
    const hit = this.frontiers.get(key);
    if (hit) return hit;
    const fn = this.graph.fns[s] as string;
    const st = this.settings;
    const all: Candidate[] = [];
    st.memorySizesMb.forEach((memoryMb, mi) => st.parallelisms.forEach((parallelism, pi) => st.intraParallelisms.forEach((intra, qi) => {
      const theta = { memoryMb, parallelism, intra };
      const cold = warm > 0 && memoryMb === st.reference.memoryMb ? Math.max(0, parallelism - warm) : parallelism;
      all.push({ action: [mi, pi, qi], theta, prediction: this.estimator.predict(fn, theta, jobs, cold) });
    })));
    all.sort((a, b) => a.prediction.total - b.prediction.total || a.prediction.costUsd - b.prediction.costUsd);
    const front: Candidate[] = [];
    for (const c of all) if (front.length === 0 || c.prediction.costUsd < (front[front.length - 1] as Candidate).prediction.costUsd) front.push(c);
    this.frontiers.set(key, front);
    return front;
  }

  /** t(θ*) of eq. (13): the predicted time of the configuration with the least cost × time; cached. */
  weight(s: number, jobs: number): number {
    const key = `${s}/${jobs}`;
    const hit = this.weights.get(key);
    if (hit !== undefined) return hit;
    let best = Infinity, t = 0;
    for (const c of this.frontier(s, jobs)) {
      const v = c.prediction.costUsd * c.prediction.total;
      if (v < best) {
        best = v;
        t = c.prediction.total;
      }
    }
    this.weights.set(key, t);
    return t;
  }

  /** Line 10: the cheapest candidate that fits `subSlo`, else the fastest. */
  private choose(s: number, jobs: number, warm: number, subSlo: number): { c: Candidate; feasible: boolean } {
    const front = this.frontier(s, jobs, warm);
    const limit = subSlo * (1 - this.options.sloMargin);
    let pick: Candidate | null = null;
    for (const c of front) if (c.prediction.total <= limit) pick = c; // the front's cost falls with time
    return pick ? { c: pick, feasible: true } : { c: front[0] as Candidate, feasible: false };
  }

  /**
   * Algorithm 1 for stage `s` at `now` (pure: the caller commits the result).
   *
   * If `s` was planned on a critical path, the rest of that path is planned
   * afresh (lines 17–19: the remaining critical path keeps the latest finish,
   * and its slack or delay is shared anew). G_i is every step reachable from
   * `s` through unplanned steps; a planned step bounds it: the steps before it
   * must finish by its latest start (lines 11–15). Every path from `s` to a
   * step u of G_i with a deadline D(u) (the least latest start of its planned
   * successors, or S at a sink) gets the ratio (D(u) − now) / Σ_path t(θ*);
   * the heaviest path to the u with the least ratio is the critical path L_i
   * (with one deadline, the heaviest path of lines 4–7) and the sub-SLO of
   * each step on it is its weight times that ratio (eq. 14, lines 8–9).
   */
  private plan(s: number, now: number, ep: EpisodeState): { decision: StepDecision; unplan: number[]; latestStart: Map<number, number> } {
    const g = this.graph;
    const S = this.settings.sloSeconds;
    const mine = ep.group.get(s);
    const unplan = mine === undefined ? [] : [...ep.group.entries()].filter(([, gr]) => gr === mine).map(([m]) => m);
    const planned = (m: number): boolean => ep.latestStart.has(m) && !unplan.includes(m);
    const w = (m: number): number => Math.max(1e-9, this.weight(m, ep.jobs));
    // Heaviest path from s to every step of G_i (topological order), and each step's deadline.
    const longest = new Map<number, number>([[s, w(s)]]), via = new Map<number, number>();
    const pos = new Map(g.order.map((m, i) => [m, i]));
    for (const u of g.order.slice(pos.get(s) as number)) {
      const lu = longest.get(u);
      if (lu === undefined) continue;
      for (const v of g.next[u] as number[]) {
        if (planned(v) || ep.configured.has(v)) continue;
        if (lu + w(v) > (longest.get(v) ?? -1)) {
          longest.set(v, lu + w(v));
          via.set(v, u);
        }
      }
    }
    let target = s, ratio = Infinity;
    for (const [u, len] of longest) {
      const succ = g.next[u] as number[];
      let deadline = succ.length === 0 ? S : Infinity;
      for (const v of succ) if (planned(v)) deadline = Math.min(deadline, ep.latestStart.get(v) as number);
      if (!Number.isFinite(deadline)) continue;
      const r = (deadline - now) / len;
      if (r < ratio || (r === ratio && len > (longest.get(target) as number))) {
        ratio = r;
        target = u;
      }
    }
    if (!Number.isFinite(ratio)) ratio = (S - now) / (longest.get(s) as number);
    ratio = Math.max(0, ratio);
    const L = [target];
    while (L[0] !== s) L.unshift(via.get(L[0] as number) as number);
    const subSlo = w(s) * ratio;
    const { c, feasible } = this.choose(s, ep.jobs, this.warmFor(s, ep.configured), subSlo);
    const latestStart = new Map<number, number>();
    let at = now;
    for (const m of L) {
      if (m !== s) latestStart.set(m, at);
      at += w(m) * ratio;
    }
    const decision: StepDecision = {
      stage: g.stages[s] as string, fn: g.fns[s] as string, time: now, budget: at - now, subSlo,
      criticalPath: L.map((m) => g.stages[m] as string), theta: c.theta, action: [...c.action], prediction: c.prediction, feasible,
    };
    return { decision, unplan, latestStart };
  }

  /** Store a plan in the global cache (lines 16 and 19). */
  private commit(s: number, ep: EpisodeState, p: { unplan: number[]; latestStart: Map<number, number> }): void {
    for (const m of [s, ...p.unplan]) {
      ep.latestStart.delete(m);
      ep.group.delete(m);
    }
    const group = ep.nextGroup++;
    for (const [m, t] of p.latestStart) {
      ep.latestStart.set(m, t);
      ep.group.set(m, group);
    }
    ep.configured.add(s);
  }

  /**
   * §5: configure each successor of `s` ahead, assuming `s` ends at `finish`
   * as predicted. τ^p = τ_k − t^m − s_k, and τ_k − s_k (the successor's latest
   * start) is `finish` itself when Algorithm 1 runs for it at `finish`.
   */
  private prewarmPlan(s: number, finish: number, ep: EpisodeState): PrewarmPlanItem[] {
    const out: PrewarmPlanItem[] = [];
    for (const t of this.graph.next[s] as number[]) {
      if (ep.configured.has(t) || !(this.graph.prev[t] as number[]).every((p) => ep.configured.has(p))) continue;
      const { decision } = this.plan(t, finish, ep);
      out.push({ stage: decision.stage, fn: decision.fn, memoryMb: decision.theta.memoryMb, parallelism: decision.theta.parallelism, at: Math.max(0, finish - decision.prediction.mapping) });
    }
    return out;
  }

  // ------------------------------------------------------------ Agent

  /** The MultiDiscrete action [memory index, p index, q index] for the step `obs` describes. */
  async act(obs: unknown, _opts: ActOptions): Promise<number[]> {
    const o = Array.from(obs as ArrayLike<number>);
    const n = this.graph.stages.length;
    const jobs = Math.round((o[0] as number) * this.settings.jobRange[1]);
    const decided = Math.round((o[8] as number) * n);
    if (decided === 0 || !this.episode || this.episode.jobs !== jobs || (!this.episode.partial && this.episode.configured.size !== decided)) {
      // A new episode (or one this policy did not follow from its start: start its bookkeeping afresh).
      this.episode = { jobs, partial: decided !== 0, configured: new Set(), latestStart: new Map(), group: new Map(), nextGroup: 0, decisions: [] };
    }
    const ep = this.episode;
    const s = this.identify(o, ep);
    const now = (o[4] as number) * this.settings.sloSeconds;
    const p = this.plan(s, now, ep);
    this.commit(s, ep, p);
    ep.decisions.push(p.decision);
    this.lastPrewarmPlan = this.prewarmPlan(s, now + p.decision.prediction.total, ep);
    return p.decision.action;
  }

  observe(): void {}

  async update(): Promise<Losses | null> {
    return null;
  }

  async save(dir: string): Promise<string> {
    return saveCheckpoint(dir, { agent: this.name, env: this.settings.id, hyperparameters: { ...this.hyperparameters }, extra: { estimator: this.estimator.toJSON() }, groups: {} });
  }

  async load(dir: string): Promise<void> {
    const ckpt = loadCheckpoint(dir);
    if (ckpt.manifest.agent !== this.name) throw new CheckpointError(`${ckpt.path} holds a ${quote(ckpt.manifest.agent)} checkpoint, not stepconf`);
    const est = StepEstimator.fromJSON(ckpt.manifest.extra.estimator as StepEstimatorJSON);
    for (const fn of this.graph.fns) est.model(fn);
    this.estimator = est;
    this.frontiers.clear();
    this.weights.clear();
    this.episode = null;
  }

  dispose(): void {}
}

// ================================================================ FACTORY

export const stepconfFactory: AgentFactory = {
  name: 'stepconf',
  kind: 'single',
  description: 'StepConf (001 §3–§5): eq. 1/eq. 2 estimator fitted on profiling runs, Algorithm 1 critical-path sub-SLOs, prewarm-aware; StepConf-* only',
  supports(env) {
    if (isParallelEnv(env)) return 'stepconf configures StepConf environments (single-agent), not parallel ones';
    return unwrapEnv(env) instanceof StepConfEnv ? null : 'stepconf needs a StepConf environment (StepConf-ML-v0, StepConf-Video-v0, StepConf-DAG16-v0)';
  },
  create: (env, options, seed) => StepConfPolicy.create(env, options as StepConfPolicyOptions, seed),
};

registerAgent(stepconfFactory);
