/**
 * FaaSRank-v0: route every arriving function invocation to an invoker of an
 * OpenWhisk-like cluster so that the average function completion time is
 * smallest (paper 003, FaaSRank).
 *
 * ## Description
 *
 * An Apache OpenWhisk cluster (003 §V-A, §VI-B): invokers of 8 vCPUs, each
 * with 2 GB of memory for function containers and CPU shared in proportion
 * to container memory, run the 10 Python functions of Table II (web,
 * multimedia, ML, scientific). An invocation runs in an idle warm container
 * of its function on the chosen invoker, or cold-starts a new one there
 * (cold − warm seconds of Table II) if the invoker's container memory has
 * room — evicting idle containers, least recently used first — or else waits
 * on that invoker until memory frees. Idle containers stay warm for 10
 * minutes (OpenWhisk's keep-alive). The load is a Table III workload: 10
 * Azure-schema traces (synthetic, src/workloads/synthetic-trace.ts), one per
 * function, scaled to the workload's number of calls and replayed with one
 * trace minute per second (§VI-B; `timeScale` compresses or stretches it).
 *
 * A step is one arriving invocation (§III, §V-B): the environment stops the
 * cluster when an invocation arrives, shows the agent the state of every
 * invoker and the function, and the action picks the invoker that runs it.
 * The goal is the smallest average function completion time (FCT, eq. 3):
 * arrival to completion, with cold starts and waiting included. The number of
 * invokers may change between episodes (`invokerRange`); the observation is
 * padded to `maxInvokers` with a validity mask, so the spaces stay fixed (the
 * score function of §IV-B scores each row with shared weights).
 *
 * ## Action Space
 *
 * `Discrete(maxInvokers)` (default 16): the index of the invoker that runs the
 * arriving invocation. Only invokers of this episode are valid: the mask is in
 * the observation and in `info.actionMask` (1 valid, 0 padding), and a masked
 * index raises `InvalidActionError` (the step is refused and nothing changes).
 *
 * ## Observation Space
 *
 * `Box(float32, shape [maxInvokers·9 + maxInvokers + 12])` (112 by default),
 * laid out as `faasrankLayout(maxInvokers)` says (envs/faasrank/features.ts):
 *
 * | offset | length | holds |
 * |---|---|---|
 * | 0 | maxInvokers × 9 | invoker i's features at 9i … 9i + 8; zero rows for padding |
 * | 9·maxInvokers | maxInvokers | mask: 1 for this episode's invokers, 0 for padding |
 * | 10·maxInvokers | 12 | the arriving function |
 *
 * Per invoker (a *slot* is 256 MB of function memory, the smallest container;
 * 8 per invoker), Table I:
 *
 * | i | feature | Table I | value, bounds |
 * |---|---|---|---|
 * | 0 | `cpuUtil` | (a) CPU time shares | busy cores / cores now, [0, 1] |
 * | 1 | `cpuUtilDelta` | (a) Δ over the interval | change of 0 since the previous decision, [−1, 1] |
 * | 2 | `loadAvg` | (a) cpu_load_avg | 60 s exponential average of in flight + queued (sampled at decisions) per slot, x/(1+x) |
 * | 3 | `memoryFree` | (a) memory_free, (b) avail_memory | function memory not held by containers / function memory, [0, 1] |
 * | 4 | `memoryFreeDelta` | (a) Δ | change of 3 since the previous decision, [−1, 1] |
 * | 5 | `inflight` | (b) inflight_invocations | invocations running there / slots, clipped to [0, 1] |
 * | 6 | `queued` | — | invocations waiting there for memory, q/(q + slots) |
 * | 7 | `warm` | (b) warm_infrastructures | idle warm containers of the arriving function / slots, [0, 1] |
 * | 8 | `containers` | — | all containers of the arriving function there / slots, [0, 1] |
 *
 * Function part: `requestedMemory` (Table I(b): memory / 512 MB), `initTime`
 * (Table I(b): Table II init seconds / 4.77 s), then a one-hot over the 10
 * Table II functions in table order. The paper concatenates these to every
 * server's vector (Fig. 2); here they appear once, for the agent to broadcast.
 *
 * Table I(a) fields without a simulator counterpart are left out: the
 * simulator's CPU is busy or idle (no user/nice/kernel/iowait/irq/softirq/
 * steal split, no context switches), and the Table II functions move no disk
 * or network bytes there (no disk reads/writes, network bytes, memory
 * buffers/cached). The Δ counters of a real host are CPU time over the
 * sampling interval; the simulator reports the busy cores at the decision, so
 * the observation has the utilisation now and its change since the last
 * decision.
 *
 * ## Rewards
 *
 * Eq. (8): after the i-th action, r_i = −(t_i − t_{i−1})·F_i, with t the
 * decision times and F_i the number of invocations in flight (arrived, not
 * finished) during the interval. F changes inside the interval, so its exact
 * value is the time average, and r_i = −∫ F dt over the interval, read from
 * the cluster's in-flight integral (`DecisionControl.inflightIntegral`). The
 * interval after an action runs to the next arrival; the last one runs until
 * every invocation has finished. The rewards of an episode therefore sum to
 * −Σ FCT exactly (the paper's "approximates the total FCT"), so maximising
 * the undiscounted return (γ = 1, as §IV-C) minimises the average FCT.
 *
 * `info` of reset and every step: `actionMask` (number[], one per action),
 * `invokers` (the cluster's `InvokerState` per valid invoker, in action order,
 * for baselines such as least-connections), `fn` (the arriving function),
 * `time` (simulated seconds); of a step also `warmStart` (the invocation just
 * routed found an idle warm container of its function on the chosen invoker,
 * so it started warm). At the end: `averageFct` (s), `totalFct` (s),
 * `invocations`, `makespan` (s, time the last invocation finished).
 *
 * ## Starting State
 *
 * A fresh, empty cluster per episode (no containers: the first invocation of
 * each function on an invoker is a cold start), its seed drawn from the
 * environment's generator; the episode's workload (`multi`), invoker count
 * (`invokerRange`) and trace (`resampleTrace`) are drawn from it too. The
 * first observation is the first invocation's arrival.
 *
 * ## Episode End
 *
 * Termination when every invocation of the workload has been routed and has
 * finished (the last step's reward includes that tail; §IV-C: "when all
 * function invocations finish, we consider the episode complete"). A Table
 * III workload has 178–408 invocations; `maxEpisodeSteps` (10000) only
 * guards against runaway backends.
 *
 * ## Arguments
 *
 * `make('FaaSRank-v0', config)` with any of `workload` (`SC`; `SA`, `M1`…`M10`,
 * `multi`), `cluster` (`auto`), `traceSeed` (0), `resampleTrace` (false),
 * `traceFraction` (1), `timeScale` (1 s per trace minute), `invokers` (10),
 * `invokerRange` ([] = fixed),
 * `maxInvokers` (16), `backend` (null: the simulator). See
 * docs/envs/faasrank.md. Bad values raise `ConfigError` naming the field; a
 * backend without `DecisionControl` is refused at reset. Reset option:
 * `{ workload }` plays that Table III workload this episode.
 *
 * ## Version History
 *
 * - v0: initial version.
 *
 * ## Source
 *
 * Paper 003 (H. Yu, A. A. Irissappane, H. Wang, W. J. Lloyd, "FaaSRank:
 * Learning to Schedule Functions in Serverless Platforms", ACSOS 2021):
 * §II-B and §VI-A (schedulers), §III (objective, eq. 3), Table I (state),
 * §IV-A/B (server assessment, score function over a variable set of servers),
 * §IV-C (episodes, eq. 8 reward), §VI-B (clusters, Table II functions, Table
 * III workloads, Azure traces replayed minutes-as-seconds).
 */
import type { Cluster, DecisionControl, DecisionPoint, InvokerState } from '../../src/cluster/types.js';
import { BaseEnv } from '../../src/core/base-env.js';
import type { Info, ResetResult, StepResult } from '../../src/core/env.js';
import { BackendError, ConfigError, InvalidActionError, quote } from '../../src/core/errors.js';
import { Box } from '../../src/spaces/box.js';
import { Discrete } from '../../src/spaces/discrete.js';
import type { FaasrankWorkloadName } from '../../src/workloads/presets/faasrank.js';
import { createCluster } from '../common/backend.js';
import { FAASRANK_ID, FAASRANK_WORKLOADS, MULTI_WORKLOADS, parseFaasrankConfig, type FaaSRankConfig, type FaaSRankSettings } from './config.js';
import { FeatureWriter, faasrankLayout, faasrankObservationSpace, type FaasrankLayout } from './features.js';
import { rewardFromIntegral } from './reward.js';
import { FAASRANK_FUNCTIONS, ScenarioCache, type EpisodePlan } from './scenario.js';

type RoutePoint = Extract<DecisionPoint, { kind: 'route' }>;

const FN_INDEX = new Map(FAASRANK_FUNCTIONS.map((f, i) => [f, i]));

export class FaaSRankEnv extends BaseEnv<number[], number> {
  readonly observationSpace: Box;
  readonly actionSpace: Discrete;
  readonly settings: Readonly<FaaSRankSettings>;
  readonly layout: Readonly<FaasrankLayout>;

  private readonly writer: FeatureWriter;
  private readonly scenarios = new ScenarioCache();
  private activeCluster: Cluster | null = null;
  private ctl: DecisionControl | null = null;
  private pending: RoutePoint | null = null;
  private states: InvokerState[] = [];
  private nodeNames: string[] = [];
  private mask: readonly number[] = [];
  private startIntegral = 0;
  private lastIntegral = 0;
  private routed = 0;
  private episode: EpisodePlan | null = null;

  constructor(config: FaaSRankConfig | Record<string, unknown> = {}) {
    super();
    this.settings = Object.freeze(parseFaasrankConfig(config));
    this.layout = Object.freeze(faasrankLayout(this.settings.maxInvokers));
    this.observationSpace = faasrankObservationSpace(this.layout);
    this.actionSpace = new Discrete(this.settings.maxInvokers);
    this.writer = new FeatureWriter(this.layout);
  }

  /** The cluster of the current episode (for diagnostics and tests); null before the first reset and after close. */
  get cluster(): Cluster | null {
    return this.activeCluster;
  }

  /** What the current episode plays (workload, invokers, trace and simulator seeds); null before the first reset. */
  get plan(): Readonly<EpisodePlan> | null {
    return this.episode;
  }

  protected async resetEnv(options: Record<string, unknown>): Promise<ResetResult<number[]>> {
    const forced = parseResetOptions(options);
    await this.releaseCluster();
    const plan = this.drawPlan(forced);
    const cluster = createCluster(this.settings.backend, this.scenarios.scenario(plan, !this.settings.resampleTrace));
    const ctl = cluster.control;
    if (!ctl) {
      await cluster.close();
      throw new ConfigError(`${FAASRANK_ID}: backend ${quote(this.settings.backend.kind)} offers no DecisionControl (per-invocation routing), which FaaSRank needs`);
    }
    this.activeCluster = cluster;
    this.ctl = ctl;
    this.episode = Object.freeze(plan);
    this.startIntegral = this.lastIntegral = ctl.inflightIntegral();
    this.routed = 0;
    const start = ctl.now();
    const first = asRoute(await ctl.nextDecision());
    if (first === null) throw new BackendError(`${FAASRANK_ID}: no invocation arrived (workload ${plan.workload})`);
    const states = ctl.invokers(first.fn);
    if (states.length === 0 || states.length > this.settings.maxInvokers) {
      throw new ConfigError(`${FAASRANK_ID}: the cluster has ${states.length} invokers; config.maxInvokers (${this.settings.maxInvokers}) must be at least that (and there must be one)`);
    }
    this.nodeNames = states.map((s) => s.node);
    this.mask = Object.freeze(Array.from({ length: this.settings.maxInvokers }, (_, i) => (i < states.length ? 1 : 0)));
    this.writer.reset(states.length, start);
    this.pending = first;
    this.observe(states, first.fn, first.time);
    return { obs: this.writer.toArray(), info: { actionMask: this.mask, invokers: states, fn: first.fn, time: first.time, workload: plan.workload, invokerCount: states.length } };
  }

  protected async stepEnv(action: number): Promise<StepResult<number[]>> {
    const valid = this.nodeNames.length;
    if (action >= valid) {
      throw new InvalidActionError(`${FAASRANK_ID}: invoker ${action} is masked (this episode has ${valid} invokers: actions 0..${valid - 1}; see info.actionMask)`);
    }
    const ctl = this.ctl as DecisionControl;
    const routedFn = (this.pending as RoutePoint).fn;
    const warmStart = (this.states[action] as InvokerState).warm > 0;
    ctl.route((this.pending as RoutePoint).id, this.nodeNames[action] as string);
    this.routed++;
    const next = asRoute(await ctl.nextDecision());
    const integral = ctl.inflightIntegral();
    const reward = rewardFromIntegral(this.lastIntegral, integral);
    this.lastIntegral = integral;
    if (next === null) {
      const time = ctl.now();
      const states = this.observe(ctl.invokers(routedFn), routedFn, time);
      this.pending = null;
      const totalFct = integral - this.startIntegral;
      const info: Info = {
        actionMask: this.mask, invokers: states, fn: routedFn, time, warmStart,
        averageFct: totalFct / this.routed, totalFct, invocations: this.routed, makespan: time,
      };
      return { obs: this.writer.toArray(), reward, terminated: true, truncated: false, info };
    }
    this.pending = next;
    const states = this.observe(ctl.invokers(next.fn), next.fn, next.time);
    return { obs: this.writer.toArray(), reward, terminated: false, truncated: false, info: { actionMask: this.mask, invokers: states, fn: next.fn, time: next.time, warmStart } };
  }

  protected override async closeEnv(): Promise<void> {
    await this.releaseCluster();
  }

  // ------------------------------------------------------------------ internals

  private observe(states: InvokerState[], fn: string, time: number): InvokerState[] {
    if (states.length !== this.nodeNames.length) {
      throw new BackendError(`${FAASRANK_ID}: the cluster reported ${states.length} invokers during an episode that started with ${this.nodeNames.length}`);
    }
    this.states = states;
    this.writer.write(states, FN_INDEX.get(fn) ?? -1, time);
    return states;
  }

  private drawPlan(forced: FaasrankWorkloadName | undefined): EpisodePlan {
    const s = this.settings;
    const workload = forced ?? (s.workload === 'multi' ? MULTI_WORKLOADS[this.rng.integer(0, MULTI_WORKLOADS.length)] as FaasrankWorkloadName : s.workload);
    const invokers = s.minInvokers === s.maxClusterInvokers ? s.minInvokers : this.rng.integer(s.minInvokers, s.maxClusterInvokers + 1);
    const traceSeed = s.resampleTrace ? this.rng.integer(0, 0x80000000) : s.traceSeed;
    const cluster = s.cluster === 'auto' ? (workload === 'SC' ? 'canada' : 'aws') : s.cluster;
    const seed = this.rng.integer(0, 0x80000000);
    return { workload, cluster, invokers, traceSeed, traceFraction: s.traceFraction, timeScale: s.timeScale, seed };
  }

  private async releaseCluster(): Promise<void> {
    const cluster = this.activeCluster;
    this.activeCluster = null;
    this.ctl = null;
    this.pending = null;
    if (cluster) await cluster.close();
  }
}

function asRoute(d: DecisionPoint | null): RoutePoint | null {
  if (d === null || d.kind === 'route') return d;
  throw new BackendError(`${FAASRANK_ID}: expected a route decision, the cluster paused at a ${quote(d.kind)} decision`);
}

function parseResetOptions(options: Record<string, unknown>): FaasrankWorkloadName | undefined {
  for (const key of Object.keys(options)) {
    if (key !== 'workload') throw new ConfigError(`${FAASRANK_ID}: unknown reset option ${quote(key)} (expected workload)`);
  }
  const w = options.workload;
  if (w === undefined) return undefined;
  if (typeof w !== 'string' || !(FAASRANK_WORKLOADS as string[]).includes(w)) {
    throw new ConfigError(`${FAASRANK_ID}: reset option workload must be one of ${FAASRANK_WORKLOADS.join(', ')}, got ${quote(w)}`);
  }
  return w as FaasrankWorkloadName;
}
