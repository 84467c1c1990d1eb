/**
 * SES: FaaSConf's safe exploration strategy (paper 000 §4.3, eq. 10) as a
 * wrapper around any continuous-action agent. CLI name `ses`, with the inner
 * learner named by the `inner` option (`--set inner=ddpg`), or
 * `<learner>+ses` (`attmf+ses`: flat options, the learner's zoo entry;
 * agents/with-ses.ts).
 *
 * Every action the inner agent proposes while exploring is priced (FaaSConf
 * eq. 2 on the configuration it stands for) and checked against a *safe price
 * band* learnt from history:
 *
 *     A = A_c             if y(A_c) ∈ [lb, ub]
 *     A = A_safe + ε      otherwise                                  (eq. 10)
 *
 * - History: one record per observed step — the workload level (FaaSConf:
 *   `info.users`), the executed joint action, its price, the measured cost
 *   (`info.cost`) and whether QoS was met (`info.qosMet`).
 * - Band (k-σ rule): τ = the cheapest `topFraction` (20 %) of the QoS-meeting
 *   records of the current workload; [lb, ub] = mean(P(τ)) ∓ k·std(P(τ)) with
 *   k = 2 (the paper's N = 2; population standard deviation).
 * - A_safe: a QoS-meeting record of that workload whose price lies in the
 *   band, drawn uniformly (the record nearest the band when none lies in it);
 *   ε: Gaussian noise of `noiseStd` per action dimension, clipped to the
 *   action box.
 * - Unseen workload: the band of the nearest workload that has QoS-meeting
 *   records (ties: the larger workload, the safer side).
 * - No QoS-meeting record at all: nothing is known to be safe, the proposal
 *   passes through (counted as `noHistory`).
 * - Boundary adaptation: bands are cached per workload (they are the JSON
 *   records of the paper's Data Store: app, workload, lb, ub) and refreshed
 *   after `refreshEvery` new QoS-meeting records of that workload; after
 *   `violationThreshold` consecutive QoS violations the band in use is
 *   re-estimated from the latest data only (the workload's last
 *   `recentRecords` records; all of them when those hold fewer than
 *   `minBandRecords` QoS-meeting ones).
 *
 * The price estimator is pluggable (`priceOf(joint)`, joint = one action
 * vector per agent in `possibleAgents` order). The factory asks the
 * environment for its prices (the `PricedEnv` capability: FaaSConf offers its
 * eq. 2 rate, Σ_j (0.173·C_cpu^j + 0.0123·C_mem^j)·C_instance^j USD per hour)
 * and otherwise uses a resource proxy (agents/ses-price.ts). Workload, QoS and
 * cost readers are pluggable too (`workloadOf`, `qosOf`, `costOf` on a step's
 * info). The history and its bands are agents/ses-band.ts.
 *
 * Only exploring actions are filtered (`act(obs, { explore: true })`);
 * greedy ones pass through unless `applyWhenGreedy`. The inner agent observes
 * the executed (possibly replaced) action, which suits off-policy learners
 * (DDPG, MADDPG, the mean-field actor-critics); on-policy learners would see
 * actions their policy did not sample. The wrapper has the inner agent's kind
 * (`single` on a ParallelEnv: the flat joint Box of `CentralizedEnv`;
 * `multi`: `{agent: action}`).
 *
 * Checkpoints: the inner agent saves into `<dir>/inner`, then the wrapper
 * saves its own checkpoint into `<dir>` (no tensors; records, bands,
 * horizons, counters and its Rng state as JSON in `manifest.extra`) with
 * hyperparameters `{inner, innerOptions, …}`, enough for `faasgym eval` to
 * rebuild the pair through this factory.
 */
import { basename, dirname, join } from 'node:path';
import { existsSync } from 'node:fs';
import type { Info } from '../src/core/env.js';
import { ConfigError, quote } from '../src/core/errors.js';
import { Rng } from '../src/core/rng.js';
import { CheckpointError, loadCheckpoint, saveCheckpoint } from '../src/nn/checkpoint.js';
import type { ActOptions, Agent, AgentFactory, Losses, MultiTransition, SingleTransition } from './agent.js';
import { getAgentFactory, registerAgent } from './registry.js';
import { boolean, integer, number, options, parseOptions, unit, type z } from './option-fields.js';
import { SesHistory, type PriceBand, type SesCounters, type SesRecord } from './ses-band.js';
import { actionLayoutOf, defaultPriceFor, resourceProxyPrice, type ActionLayout, type JointAction, type PriceFn } from './ses-price.js';

export type { PriceBand, SesCounters, SesRecord } from './ses-band.js';
export { actionLayoutOf, resourceProxyPrice, type ActionLayout, type JointAction } from './ses-price.js';

// ================================================================ TYPES AND OPTIONS

/** Decision of the last `act` (for logging and tests). */
export interface SesDecision {
  kind: 'passed' | 'replaced' | 'no-history' | 'greedy';
  price: number | null;
  band: PriceBand | null;
  /** The record used as A_safe (replaced only). */
  safe: SesRecord | null;
}

/** What `new SafeExploration(...)` accepts: the settings of `SES_SCHEMA` and the hooks below. */
export interface SafeExplorationOptions extends Partial<z.input<typeof SES_SCHEMA>> {
  /** Application name written into the band records. @default the environment id */
  app?: string;
  /** Price of a joint action. @default FaaSConf eq. 2 on FaaSConf environments, else the resource proxy */
  priceOf?: PriceFn;
  /** Workload level of a step's info. @default `info.users` */
  workloadOf?: (info: Info) => number | null;
  /** Whether a step met QoS. @default `info.qosMet`, else `info.sloMet` */
  qosOf?: (info: Info) => boolean | null;
  /** Measured cost of a step. @default `info.cost`, else `info.totalCostUsd` */
  costOf?: (info: Info) => number | null;
  /** The name the inner agent's factory is registered under (saved as `hyperparameters.inner`). @default the inner agent's `name` */
  innerName?: string;
}

/** The numeric and boolean settings of the wrapper: type, bounds, default and its source per field. */
export const SES_SCHEMA = options({
  kSigma: number({ default: 2, min: 0, max: 100, maxWhy: 'a band of ±100 σ filters nothing', doc: 'N (k) of the k-σ rule', source: 'FaaSConf §4.3: "We experimentally determined that N = 2"' }),
  topFraction: unit(0.2, { gt0: true, doc: 'fraction of the cheapest QoS-meeting records forming τ', source: 'FaaSConf §4.3: "top 20%"' }),
  noiseStd: number({ default: 0.1, min: 0, max: 10, maxWhy: 'in action units of [-1, 1]: beyond 10 every action is clipped to a bound', doc: 'standard deviation of the Gaussian noise ε added to A_safe, in action units (chosen: 5 % of the [-1, 1] range)' }),
  violationThreshold: integer({ default: 3, min: 1, max: 1_000_000, maxWhy: 'counted in steps', doc: 'consecutive QoS violations that trigger a re-estimation of the band (chosen; the paper names no number)' }),
  recentRecords: integer({ default: 30, min: 1, max: 1_000_000, maxWhy: 'as `maxRecords`', doc: 'records of the workload a re-estimation uses (the latest data)' }),
  refreshEvery: integer({ default: 10, min: 0, max: 1e9, maxWhy: 'counted in records: 10⁹ is never', doc: 'refresh a cached band after this many new QoS-meeting records of its workload (0: never, only on violations)' }),
  minBandRecords: integer({ default: 1, min: 1, max: 1_000_000, maxWhy: 'as `maxRecords`', doc: 'fewest QoS-meeting records a band is estimated from' }),
  workloadTolerance: number({ default: 0, min: 0, max: 1e9, maxWhy: 'workload levels (users) are far below 10⁹', doc: 'records whose workloads differ by at most this count as the same workload' }),
  applyWhenGreedy: boolean({ default: false, doc: 'filter greedy (evaluation) actions too' }),
  maxRecords: integer({ default: 100_000, min: 1, max: 10_000_000, maxWhy: 'records are held in memory and saved with the agent', doc: 'most records kept (the oldest are dropped)' }),
});

/** The resolved numeric and boolean settings of the wrapper. */
export type SesSettings = z.output<typeof SES_SCHEMA>;

export const SES_DEFAULTS: Readonly<SesSettings> = Object.freeze(SES_SCHEMA.parse({}));

export type SesHyperparameters = SesSettings & { inner: string; innerOptions: Record<string, unknown>; app: string; priceModel: string };

/** The settings among `o` (its other fields are functions and names), validated: one `ConfigError` lists every bad field. */
function resolveOptions(o: SafeExplorationOptions): SesSettings {
  const given: Record<string, unknown> = {};
  for (const k of Object.keys(SES_SCHEMA.shape)) {
    const v = (o as Record<string, unknown>)[k];
    if (v !== undefined) given[k] = v;
  }
  return parseOptions(SES_SCHEMA, given, 'ses', 'options');
}

// ================================================================ INFO READERS

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const defaultWorkloadOf = (info: Info): number | null => num(info.users);
const defaultQosOf = (info: Info): boolean | null => (typeof info.qosMet === 'boolean' ? info.qosMet : typeof info.sloMet === 'boolean' ? info.sloMet : null);
const defaultCostOf = (info: Info): number | null => num(info.cost) ?? num(info.totalCostUsd);

/** The info describing a step: the first agent's (FaaSConf's is shared), or `info.agents`' first under CentralizedEnv. */
function stepInfo(t: SingleTransition | MultiTransition, agents: readonly string[]): Info {
  if ('infos' in t) {
    for (const a of agents) if (t.infos[a]) return t.infos[a] as Info;
    return (Object.values(t.infos)[0] ?? {}) as Info;
  }
  const nested = (t.info as { agents?: unknown }).agents;
  if (nested && typeof nested === 'object') {
    const rec = nested as Record<string, Info>;
    for (const a of agents) if (rec[a]) return rec[a] as Info;
    const first = Object.values(rec)[0];
    if (first) return first;
  }
  return t.info;
}

// ================================================================ THE WRAPPER

export class SafeExploration implements Agent {
  readonly name = 'ses';
  readonly kind: 'single' | 'multi';
  readonly hyperparameters: Record<string, unknown>;
  readonly options: Readonly<SesSettings>;
  readonly counters: SesCounters = { proposals: 0, passed: 0, replaced: 0, noHistory: 0, greedy: 0, nearestLookups: 0, bandEstimations: 0, reEstimations: 0, observed: 0, violations: 0 };
  /** The last `act`'s decision. */
  lastDecision: SesDecision | null = null;
  /** Consecutive QoS violations since the last QoS-meeting step or re-estimation. */
  consecutiveViolations = 0;

  /** The records and their price bands (agents/ses-band.ts). */
  private readonly store: SesHistory;
  private readonly rng: Rng;
  private readonly priceOf: (joint: JointAction) => number;
  private readonly workloadOf: (info: Info) => number | null;
  private readonly qosOf: (info: Info) => boolean | null;
  private readonly costOf: (info: Info) => number | null;
  private readonly dims: number[];
  private workload: number | null = null;
  private lastBandWorkload: number | null = null;

  /**
   * @param inner the continuous-action agent to filter (its kind is the wrapper's)
   * @param layout the agents and action bounds (see `actionLayoutOf`)
   * @param options see `SafeExplorationOptions`
   * @param seed seed of the noise and safe-record draws
   */
  constructor(readonly inner: Agent, readonly layout: ActionLayout, options: SafeExplorationOptions = {}, readonly seed = 0, private readonly envId: string | null = null) {
    if (typeof options !== 'object' || options === null) throw new ConfigError(`ses: options: expected an object, got ${quote(options)}`);
    this.options = Object.freeze(resolveOptions(options));
    this.kind = inner.kind;
    this.rng = new Rng(seed);
    this.dims = layout.low.map((l) => l.length);
    this.priceOf = options.priceOf ?? resourceProxyPrice(layout);
    this.workloadOf = options.workloadOf ?? defaultWorkloadOf;
    this.qosOf = options.qosOf ?? defaultQosOf;
    this.costOf = options.costOf ?? defaultCostOf;
    const app = options.app ?? envId ?? 'app';
    this.hyperparameters = {
      inner: options.innerName ?? inner.name,
      innerOptions: { ...inner.hyperparameters },
      ...this.options,
      app,
      priceModel: options.priceOf ? (options.priceOf.model ?? 'custom') : 'resource-proxy',
    };
    this.store = new SesHistory(this.options, this.counters, this.rng, app);
  }

  // ------------------------------------------------------------ history

  /** All records, oldest first (copies). */
  history(): SesRecord[] {
    return this.store.history();
  }

  /** Add records (e.g. from a previous run's Data Store) to the history. */
  addRecords(records: readonly SesRecord[]): void {
    this.store.addRecords(records);
  }

  /** The cached bands (the paper's JSON records), one per workload. */
  bandRecords(): PriceBand[] {
    return this.store.bandRecords();
  }

  /** The workload level `act` uses (the last observed one, or what `setWorkload` set). */
  get currentWorkload(): number | null {
    return this.workload;
  }

  /** Tell the wrapper the workload of the coming step (when known ahead, e.g. from a trace). */
  setWorkload(workload: number | null): void {
    this.workload = workload;
  }

  /** Price of a joint action by the configured estimator. */
  price(joint: JointAction): number {
    return this.priceOf(joint);
  }

  /** The safe price band for workload `w` (nearest workload when unseen); null without QoS-meeting history. */
  band(w: number | null = this.workload): PriceBand | null {
    return this.store.band(w ?? 0);
  }

  // ------------------------------------------------------------ action formats

  /** The inner agent's action as one vector per agent. */
  toJoint(action: unknown): JointAction {
    const { agents } = this.layout;
    if (this.kind === 'multi') {
      const rec = action as Record<string, ArrayLike<number>>;
      return agents.map((a, i) => {
        const v = rec[a];
        if (!v) throw new ConfigError(`ses: the inner agent's action has no entry for agent ${quote(a)}`);
        if (v.length !== this.dims[i]) throw new ConfigError(`ses: the action of agent ${quote(a)} has ${v.length} numbers, expected ${this.dims[i]}`);
        return Array.from(v);
      });
    }
    const flat = Array.from(action as ArrayLike<number>);
    const total = this.dims.reduce((a, b) => a + b, 0);
    if (flat.length !== total) throw new ConfigError(`ses: the inner agent's action has ${flat.length} numbers, expected ${total}`);
    const out: JointAction = [];
    let at = 0;
    for (const d of this.dims) {
      out.push(flat.slice(at, at + d));
      at += d;
    }
    return out;
  }

  /** A joint action in the inner agent's format. */
  fromJoint(joint: JointAction): unknown {
    if (this.kind === 'multi') return Object.fromEntries(this.layout.agents.map((a, i) => [a, joint[i] as number[]]));
    return joint.flat();
  }

  private noisy(joint: JointAction): JointAction {
    const sd = this.options.noiseStd;
    return joint.map((a, i) => a.map((v, d) => {
      const lo = (this.layout.low[i] as number[])[d] as number, hi = (this.layout.high[i] as number[])[d] as number;
      const x = sd > 0 ? v + this.rng.normal(0, sd) : v;
      return Math.min(hi, Math.max(lo, x));
    }));
  }

  // ------------------------------------------------------------ Agent

  /** The inner agent's action, filtered by eq. (10) while exploring. */
  async act(obs: unknown, opts: ActOptions): Promise<unknown> {
    const proposal = await this.inner.act(obs, opts);
    if (!opts.explore && !this.options.applyWhenGreedy) {
      this.counters.greedy++;
      this.lastDecision = { kind: 'greedy', price: null, band: null, safe: null };
      return proposal;
    }
    return this.filter(proposal);
  }

  /** Eq. (10) on one proposal (in the inner agent's format). */
  filter(proposal: unknown): unknown {
    this.counters.proposals++;
    const joint = this.toJoint(proposal);
    const price = this.priceOf(joint);
    const target = this.workload ?? 0;
    const band = this.band(target);
    if (!band) {
      this.counters.noHistory++;
      this.lastDecision = { kind: 'no-history', price, band: null, safe: null };
      return proposal;
    }
    if (!this.store.sameWorkload(band.workload, target)) this.counters.nearestLookups++;
    this.lastBandWorkload = band.workload;
    if (price >= band.lb && price <= band.ub) {
      this.counters.passed++;
      this.lastDecision = { kind: 'passed', price, band: { ...band }, safe: null };
      return proposal;
    }
    const safe = this.store.pickSafe(band);
    this.counters.replaced++;
    this.lastDecision = { kind: 'replaced', price, band: { ...band }, safe: { ...safe, action: safe.action.map((a) => [...a]) } };
    return this.fromJoint(this.noisy(safe.action));
  }

  /** Record the step, adapt the band on violations, and pass the transition on. */
  observe(t: SingleTransition | MultiTransition): void {
    this.record(t);
    this.inner.observe(t);
  }

  private record(t: SingleTransition | MultiTransition): void {
    const info = stepInfo(t, this.layout.agents);
    const qos = this.qosOf(info);
    const w = this.workloadOf(info);
    const step = this.store.steps++;
    this.counters.observed++;
    if (w !== null) this.workload = w;
    if (qos === null) return;
    const joint = this.toJoint('actions' in t ? t.actions : t.action);
    this.store.push({ workload: w ?? this.workload ?? 0, action: joint, price: this.priceOf(joint), cost: this.costOf(info), qosMet: qos, step });
    if (qos) {
      this.consecutiveViolations = 0;
      return;
    }
    this.counters.violations++;
    if (++this.consecutiveViolations >= this.options.violationThreshold) {
      this.consecutiveViolations = 0;
      this.reEstimate(this.lastBandWorkload ?? w ?? 0);
    }
  }

  /** Re-determine the band of workload `w` from its latest `recentRecords` records (000 §4.3, boundary adaptation). */
  reEstimate(w: number): PriceBand | null {
    return this.store.reEstimate(w);
  }

  update(): Promise<Losses | null> {
    return this.inner.update();
  }

  // ------------------------------------------------------------ checkpoints

  /** The wrapper's state as JSON (records, bands, horizons, counters, Rng). */
  state(): Record<string, unknown> {
    const h = this.store.state();
    return {
      seed: this.seed,
      agents: this.layout.agents,
      records: h.records,
      bands: h.bands,
      horizons: h.horizons,
      counters: { ...this.counters },
      consecutiveViolations: this.consecutiveViolations,
      workload: this.workload,
      lastBandWorkload: this.lastBandWorkload,
      steps: h.steps,
      rng: this.rng.getState(),
    };
  }

  /** Restore `state()`. */
  restore(s: Record<string, unknown>): void {
    if (!Array.isArray(s.records) || !Array.isArray(s.bands)) throw new CheckpointError(`ses: state needs records and bands arrays, got ${quote(Object.keys(s))}`);
    if (JSON.stringify(s.agents) !== JSON.stringify(this.layout.agents)) throw new CheckpointError(`ses: the records are for agents ${quote(s.agents)}, this environment has ${quote(this.layout.agents)}`);
    this.store.restore({ records: s.records as SesRecord[], bands: s.bands as PriceBand[], horizons: s.horizons as [number, number][] | undefined, steps: s.steps as number | undefined });
    Object.assign(this.counters, s.counters ?? {});
    this.consecutiveViolations = (s.consecutiveViolations as number) ?? 0;
    this.workload = (s.workload as number | null) ?? null;
    this.lastBandWorkload = (s.lastBandWorkload as number | null) ?? null;
    if (Array.isArray(s.rng)) this.rng.setState(s.rng as number[]);
  }

  /**
   * Save the inner agent into `<dir>/inner`, then the wrapper's checkpoint
   * (records as JSON) into `dir`, naming the inner checkpoint it goes with: a
   * crash between the two leaves the previous pair, which a load still finds.
   */
  async save(dir: string): Promise<string> {
    const innerSub = await this.inner.save(join(dir, 'inner'));
    return saveCheckpoint(dir, { agent: this.name, env: this.envId, hyperparameters: { ...this.hyperparameters }, extra: { ...this.state(), innerDir: 'inner', innerCheckpoint: basename(innerSub) }, groups: {} });
  }

  async load(dir: string): Promise<void> {
    const ckpt = loadCheckpoint(dir);
    const { manifest } = ckpt;
    if (manifest.agent !== this.name) throw new CheckpointError(`${ckpt.path} holds a ${quote(manifest.agent)} checkpoint, not ses`);
    if (manifest.hyperparameters.inner !== this.hyperparameters.inner) {
      throw new CheckpointError(`${ckpt.path}: the checkpoint wraps ${quote(manifest.hyperparameters.inner)}, this agent wraps ${quote(this.hyperparameters.inner)}`);
    }
    this.restore(manifest.extra);
    const innerName = typeof manifest.extra.innerDir === 'string' ? manifest.extra.innerDir : 'inner';
    if (!/^[A-Za-z0-9_-]+$/.test(innerName)) throw new CheckpointError(`${ckpt.path}: innerDir must be a plain directory name, got ${quote(innerName)}`);
    // `dir` is the checkpoint directory (latest.json) or one of its ckpt-NNNNNN subdirectories.
    const base = existsSync(join(dir, 'latest.json')) ? dir : dirname(ckpt.path);
    const paired = manifest.extra.innerCheckpoint;
    // The inner checkpoint saved with this one (older checkpoints: the inner directory's latest).
    await this.inner.load(typeof paired === 'string' && /^ckpt-\d{6}$/.test(paired) ? join(base, innerName, paired) : join(base, innerName));
  }

  dispose(): void {
    this.inner.dispose();
  }
}

// ================================================================ FACTORY

const WRAPPER_KEYS = new Set(['inner', 'innerOptions', 'totalSteps', 'app', 'priceModel', ...Object.keys(SES_DEFAULTS)]);

/**
 * `ses`: options `{ inner: '<agent name>', innerOptions: {...}, kSigma, topFraction,
 * noiseStd, violationThreshold, recentRecords, refreshEvery, minBandRecords,
 * workloadTolerance, applyWhenGreedy, maxRecords, app }`. `totalSteps` (the
 * CLI's training budget) is handed to the inner factory's budget option when
 * it has one.
 */
export const sesFactory: AgentFactory = {
  name: 'ses',
  kind: 'multi',
  description: 'Safe exploration (FaaSConf §4.3 eq. 10) around a continuous learner: k-σ price band over the cheapest 20 % of QoS-meeting history; --set inner=<agent>',
  trainingBudgetOption: 'totalSteps',
  supports(env) {
    const layout = actionLayoutOf(env);
    return typeof layout === 'string' ? layout : null;
  },
  async create(env, options, seed) {
    if (typeof options !== 'object' || options === null) throw new ConfigError(`ses: options: expected an object, got ${quote(options)}`);
    const innerName = options.inner;
    if (typeof innerName !== 'string' || innerName.length === 0) throw new ConfigError(`ses: options.inner: expected the name of the wrapped agent (e.g. "ddpg"), got ${quote(innerName)}`);
    if (innerName === 'ses') throw new ConfigError('ses: options.inner: expected an agent other than ses itself, got "ses"');
    for (const k of Object.keys(options)) if (!WRAPPER_KEYS.has(k)) throw new ConfigError(`ses: options.${k}: unknown key (known: ${[...WRAPPER_KEYS].join(', ')}; inner options go into innerOptions)`);
    const innerOptions = options.innerOptions ?? {};
    if (typeof innerOptions !== 'object' || innerOptions === null || Array.isArray(innerOptions)) throw new ConfigError(`ses: options.innerOptions: expected an object, got ${quote(innerOptions)}`);
    const layout = actionLayoutOf(env);
    if (typeof layout === 'string') throw new ConfigError(`ses: ${layout}`);
    const innerFactory = getAgentFactory(innerName);
    const why = innerFactory.supports(env);
    if (why) throw new ConfigError(`ses: inner agent ${quote(innerName)} cannot run here: ${why}`);
    const budget = innerFactory.trainingBudgetOption;
    const innerOpts: Record<string, unknown> = { ...(innerOptions as Record<string, unknown>) };
    if (typeof budget === 'string' && options.totalSteps !== undefined && !(budget in innerOpts)) innerOpts[budget] = options.totalSteps;
    const inner = await innerFactory.create(env, innerOpts, seed);
    const { priceOf, model } = defaultPriceFor(env, layout);
    const own: SafeExplorationOptions = {};
    for (const k of Object.keys(SES_DEFAULTS) as (keyof SesSettings)[]) if (options[k] !== undefined) (own as Record<string, unknown>)[k] = options[k];
    if (options.app !== undefined) {
      if (typeof options.app !== 'string') throw new ConfigError(`ses: options.app: expected a string, got ${quote(options.app)}`);
      own.app = options.app;
    }
    const tagged = Object.assign((joint: JointAction) => priceOf(joint), { model });
    try {
      return new SafeExploration(inner, layout, { ...own, priceOf: tagged, innerName }, seed, env.spec?.id ?? null);
    } catch (err) {
      inner.dispose();
      throw err;
    }
  },
};

registerAgent(sesFactory);
