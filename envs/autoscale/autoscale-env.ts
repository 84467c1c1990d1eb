/**
 * Autoscale-Vertical-v0 and Autoscale-Horizontal-v0: DQN-style autoscaling of
 * the vSwarm online-shop functions on vHive (paper 002, §3.2–§4, Table 1).
 *
 * ## Description
 *
 * The 9 gRPC functions of vSwarm's online-shop (Google's Online Boutique)
 * serve open-loop Poisson arrivals of a shopper's visit (catalogue →
 * recommendations, ads, currency → cart → checkout → shipping, payment →
 * e-mail; `src/workloads/presets/vhive.ts`). Every 10 s the agent moves each
 * function's CPU limit (vertical) or replica count (horizontal) down, keeps
 * it, or moves it up, and is paid for keeping every function's p90 latency
 * under its SLA with as little CPU as it can. The paper trains one DQN agent
 * per axis; its vertical scaler converged in about twenty 10 s steps to a p90
 * of 1000–2000 µs (§4.1). Runs on any backend (`config.backend`): the
 * simulator by default, a real or twin cluster through the same `Cluster`.
 *
 * ## Action Space
 *
 * `MultiDiscrete([3, 3, 3, 3, 3, 3, 3, 3, 3])`, one element per function in
 * the order productcatalogservice, recommendationservice, adservice,
 * currencyservice, cartservice, checkoutservice, shippingservice,
 * paymentservice, emailservice:
 *
 * - 0: down — CPU limit −`cpuStepMilli` (vertical) or one replica fewer (horizontal)
 * - 1: keep
 * - 2: up — CPU limit +`cpuStepMilli` or one replica more
 *
 * Settings are clamped to [`minCpuMilli`, `maxCpuMilli`] (default 250–4000 m
 * in 250 m steps, one replica) or [`minReplicas`, `maxReplicas`] (default
 * 1–10 replicas of 1000 m). On the simulator a resize takes effect at once; a
 * new replica cold-starts (log-normal, median 1.5 s) before it serves.
 *
 * ## Observation Space
 *
 * `Box(float32, shape [108])`: 12 features for each of the 9 functions
 * (function-major, index = 12·function + feature), over the last window:
 *
 * | Num | Observation                                                  | Min | Max |
 * |-----|--------------------------------------------------------------|-----|-----|
 * | 0–3 | p50, p90, p99, p99.9 latency / the function's SLA            | 0   | 10  |
 * | 4–6 | mean idle, user, system CPU fraction of its replicas' nodes  | 0   | 1   |
 * | 7   | free memory / memory of its replicas' nodes                  | 0   | 1   |
 * | 8   | completed invocations per second / `rate`                    | 0   | 4   |
 * | 9   | requested (arrived) invocations per second / `rate`          | 0   | 4   |
 * | 10  | CPU utilisation: CPU used / CPU limit                        | 0   | 1   |
 * | 11  | setting: CPU limit / `maxCpuMilli` or replicas / `maxReplicas` | 0 | 1   |
 *
 * Features 0–9 are Table 1's metrics (latency percentiles, idle/user/system
 * CPU, free memory, completed vs requested throughput). The snapshot holds
 * the CPU and memory figures per node; a function gets the mean over the nodes
 * its replicas run on (one weight per replica), and, because co-located
 * functions share them, its own CPU utilisation as feature 10. Values are
 * clipped to the bounds and rounded to float32; a function that received
 * requests but completed none reads as latency 10 (the clip).
 *
 * ## Rewards
 *
 * r = −1 if any function's p90 exceeds its SLA, otherwise
 * 1 − (mean_i p90_i / SLA_i)^0.4; then r −= `cpuPenalty` · mean_i
 * (allocated_i / maxAllocated_i), allocated = CPU limit × replicas, maximum =
 * the largest setting (`envs/autoscale/reward.ts`); with `violation:
 * 'per-function'` the latency term is instead the mean over functions of −1
 * or 1 − (p90_i/SLA_i)^0.4; `violationSlope` g makes a miss −1 −
 * g · (min(p90/SLA, 10) − 1) instead of −1. Without the penalty the
 * agent would scale without bound (§4.1: "the reward function also penalized
 * high CPU usage, which is why it did not scale infinitely"). Range:
 * [−1 − 9g − cpuPenalty, 1].
 *
 * ## Starting State
 *
 * A fresh cluster per episode (the previous one is closed): every function at
 * 1000 m and one replica (`initialCpuMilli` / `initialReplicas`), at most
 * `maxInflight` (8) requests per replica, on `nodes` 10-core workers (auto:
 * enough for every function at its maximum setting: 5 vertical, 9
 * horizontal). The simulator's seed is drawn from the environment's generator,
 * so `reset({seed})` fixes the episode. `warmupSeconds` (10 s) are run and
 * discarded, then one `stepSeconds` window gives the first observation. At the
 * default 300 requests/s the starting setting is within capacity (the busiest
 * function, recommendationservice, at 36 % utilisation) but its p90 is just
 * over its SLA, so the agent has to act. On a real cluster the starting
 * setting is applied first.
 *
 * ## Episode End
 *
 * Never terminates; truncated after 100 steps (1000 s) by the registry's
 * `TimeLimit` (`maxEpisodeSteps: 100`).
 *
 * ## Arguments
 *
 * `make('Autoscale-Vertical-v0', config)`: `backend`, `rate` (300),
 * `stepSeconds` (10), `warmupSeconds` (10), `slaMs` (2.5 × each function's
 * median work: 1, 3, 2.25, 1.5, 1.75, 1.25, 0.75, 1.25, 2.5 ms), `cpuPenalty`
 * (0.25), `maxInflight` (8), `nodes` (0 = auto), `initialCpuMilli` (1000),
 * `minCpuMilli` (250), `maxCpuMilli` (4000), `cpuStepMilli` (250).
 * `Autoscale-Horizontal-v0` replaces the last four with `cpuMilli` (1000),
 * `initialReplicas` (1), `minReplicas` (1), `maxReplicas` (10). Unknown keys,
 * wrong types and min > initial > max raise `ConfigError` naming the field.
 * The table with every field is in docs/envs/autoscale.md.
 *
 * `info` after each step: `p90Ms`, `slaMs`, `violations` (functions over
 * their SLA), `settings`, `allocatedCpuMilli` (per function) and
 * `totalCpuMilli`, `rewardParts` (`reward`, `latencyTerm`, `penalty`,
 * `meanRatio`, `violated`), `rejected` (changes the cluster refused), `time`.
 *
 * ## Version History
 *
 * - v0: initial version.
 *
 * ## Source
 *
 * Paper 002 (`../shared/papers/002_455c806ede19b1b8.txt`): RL-based resource
 * management on vHive/vSwarm — §3.1 (p90 as the QoS metric), §3.2 (9
 * online-shop functions, Table 1 metrics), §3.3 (DQN, CPU limit or replica
 * actions, 10 s steps), §4.1 (convergence, CPU penalty). The reward's form,
 * the SLAs, the bounds and the load are the issue's and this file's choices;
 * the paper gives none of them.
 */
import { BackendError, quote } from '../../src/core/errors.js';
import type { Info, ResetResult, StepResult } from '../../src/core/env.js';
import { BaseEnv } from '../../src/core/base-env.js';
import type { Box } from '../../src/spaces/box.js';
import { MultiDiscrete } from '../../src/spaces/multi-discrete.js';
import type { Cluster, ClusterSnapshot, FunctionState } from '../../src/cluster/types.js';
import { createCluster } from '../common/backend.js';
import { actionChanges, allocatedMilli, currentSetting } from './actions.js';
import { AUTOSCALE_FUNCTIONS, parseHorizontal, parseVertical, type AutoscaleSettings, type HorizontalConfig, type VerticalConfig } from './config.js';
import { autoscaleObservation, autoscaleObservationSpace, latencyMs } from './observation.js';
import { autoscaleReward } from './reward.js';
import { autoscaleScenario, startingChanges } from './scenario.js';

/** Scenario seeds are drawn below this bound. */
const SEED_BOUND = 2 ** 31;

/** One agent scaling the 9 online-shop functions, vertically or horizontally (see the file's doc block). */
export class AutoscaleEnv extends BaseEnv<number[], number[]> {
  readonly observationSpace: Box;
  readonly actionSpace: MultiDiscrete;
  readonly settings: AutoscaleSettings;
  /** Function names, in action and observation order. */
  readonly functionNames: readonly string[] = AUTOSCALE_FUNCTIONS;
  private cluster: Cluster | null = null;
  private memoryMb = new Map<string, number>();

  constructor(settings: AutoscaleSettings) {
    super();
    this.settings = settings;
    this.observationSpace = autoscaleObservationSpace();
    this.actionSpace = new MultiDiscrete(AUTOSCALE_FUNCTIONS.map(() => 3));
  }

  /** The cluster of the running episode (for tests and diagnostics); `null` before the first reset and after close. */
  get currentCluster(): Cluster | null {
    return this.cluster;
  }

  protected async resetEnv(): Promise<ResetResult<number[]>> {
    await this.releaseCluster();
    const s = this.settings;
    const seed = this.rng.integer(0, SEED_BOUND);
    const cluster = createCluster(s.backend, autoscaleScenario(s, seed));
    this.cluster = cluster;
    this.memoryMb = new Map(cluster.nodes().map((n) => [n.name, n.memoryMb]));
    const start = startingChanges(s, cluster.functions());
    if (start.length > 0) {
      const applied = await cluster.apply(start);
      if (applied.rejected.length > 0) {
        throw new BackendError(`${s.id}: the cluster refused the starting setting: ${quote(applied.rejected.map((r) => `${r.change.fn}: ${r.reason}`))}`);
      }
    }
    if (s.warmupSeconds > 0) await cluster.advance({ seconds: s.warmupSeconds });
    const snap = await cluster.advance({ seconds: s.stepSeconds });
    const { obs, info } = this.observe(snap);
    return { obs, info: { ...info, scenarioSeed: seed } };
  }

  protected async stepEnv(action: number[]): Promise<StepResult<number[]>> {
    const cluster = this.cluster as Cluster;
    const before = this.shopFunctions();
    const current = before.map((f) => currentSetting(this.settings, f));
    const changes = actionChanges(this.settings, this.functionNames, current, action);
    const refused = changes.length > 0 ? (await cluster.apply(changes)).rejected : [];
    const snap = await cluster.advance({ seconds: this.settings.stepSeconds });
    const { obs, info, reward } = this.observe(snap);
    const rejected = refused.map((r) => `${r.change.fn}: ${r.reason}`);
    return { obs, reward, terminated: false, truncated: false, info: { ...info, rejected } };
  }

  protected override async closeEnv(): Promise<void> {
    await this.releaseCluster();
  }

  private async releaseCluster(): Promise<void> {
    const cluster = this.cluster;
    this.cluster = null;
    if (cluster) await cluster.close();
  }

  /** The online-shop functions' states, in action order; a missing one is a backend error. */
  private shopFunctions(): FunctionState[] {
    const byName = new Map((this.cluster as Cluster).functions().map((f) => [f.name, f]));
    return this.functionNames.map((name) => {
      const f = byName.get(name);
      if (!f) throw new BackendError(`${this.settings.id}: the cluster has no function ${quote(name)} (deploy vSwarm's online-shop)`);
      return f;
    });
  }

  private observe(snap: ClusterSnapshot): { obs: number[]; reward: number; info: Info } {
    const s = this.settings;
    const fns = this.shopFunctions();
    const obs = autoscaleObservation(s, snap, fns, this.memoryMb);
    const p90Ms = fns.map((f) => latencyMs(snap.functions[f.name], 'p90'));
    const alloc = fns.map(allocatedMilli);
    const parts = autoscaleReward({ p90Ms, slaMs: s.slaMs, allocFraction: alloc.map((a) => a / s.maxAllocMilli), cpuPenalty: s.cpuPenalty, violation: s.violation, violationSlope: s.violationSlope });
    const record = (values: readonly number[]): Record<string, number> => Object.fromEntries(fns.map((f, i) => [f.name, values[i] as number]));
    const info: Info = {
      p90Ms: record(p90Ms),
      slaMs: record(s.slaMs),
      violations: fns.filter((_, i) => (p90Ms[i] as number) > (s.slaMs[i] as number)).map((f) => f.name),
      settings: record(fns.map((f) => currentSetting(s, f))),
      allocatedCpuMilli: record(alloc),
      totalCpuMilli: alloc.reduce((a, b) => a + b, 0),
      rewardParts: parts,
      time: snap.time,
    };
    return { obs, reward: parts.reward, info };
  }
}

export function makeVertical(config: VerticalConfig = {}): AutoscaleEnv {
  return new AutoscaleEnv(parseVertical(config));
}

export function makeHorizontal(config: HorizontalConfig = {}): AutoscaleEnv {
  return new AutoscaleEnv(parseHorizontal(config));
}
