/**
 * Darly-{Fullmap,Custom,Kubernetes,Profile}-v0: QoS-aware scheduling of a
 * serverless video-analytics pipeline on a heterogeneous edge cluster under
 * changing co-located interference (Darly, paper 004, §3–§5).
 *
 * ## Description
 *
 * A five-function OpenFaaS workflow — framer → face-detector →
 * {face-analyzer, object-recognition} → uploader (Fig. 1) — runs on the four
 * heterogeneous workers of Table 1 (w01, w02: 8 vCPUs; w03: 16 vCPUs, half the
 * L3; w04: 4 vCPUs, the oldest CPU). One user sends requests one after the
 * other; each carries a number of frames n drawn from {48, 65}, which
 * scales the work of every stage. Other tenants load each node's cores with
 * 0, 25, 50 or 75 % interference, redrawn at random every 50 requests; at 75 %
 * the Framer runs ≈ 58 % slower and the ML models ≈ 47 % (§3.3). The user's QoS
 * target L_t is 35 s for the first 300 requests and 26 s for the next 200
 * (§5.1). Before each request the agent may scale a function out or in,
 * migrate it to another node, or do nothing; it is paid by eq. (3) for meeting
 * the target with as few servers and replicas as possible.
 *
 * A step is one workflow request: the action is applied, the cluster runs the
 * request (after a pause of `settleSeconds`, in which a new or migrated replica
 * cold-starts — the rolling update of §4.3.3), and the observation, reward
 * and info describe that request. The four ids differ only in the Mapper (§5)
 * that picks a migrated function's destination (envs/darly/mappers.ts):
 *
 * | id | destination of a migration | actions (paper setting) |
 * |----|----------------------------|-------------------------|
 * | `Darly-Fullmap-v0` | the agent's, for every function (one action per node) | 23 |
 * | `Darly-Custom-v0` | the agent's for framer and face-detector; the least loaded node (lowest C0) for the others | 17 |
 * | `Darly-Kubernetes-v0` | kube-scheduler's LeastAllocated best fit: the node with the most free requested CPU and memory | 11 |
 * | `Darly-Profile-v0` | the lowest latency estimated from the §3.3 profile (node speed, interference sensitivity) and the interference read off the node's C0 | 11 |
 *
 * ## Action Space
 *
 * `Discrete(n)`, one action per step on one function (§4.3.3, per-function
 * actions; a DQN's discrete output). `env.actions[i]` says what action `i`
 * means (`describeAction` prints it). Index 0 is inactivity (no-op); then,
 * for each controlled function in pipeline order (framer, face-detector,
 * face-analyzer, object-recognition; and uploader with `controlled: 'all'`):
 *
 * - scale out (+1 replica, placed by the cluster's scheduler) and scale in
 *   (−1 replica), for every function but the Framer, which extracts frames
 *   sequentially and only migrates (§3.2, `DARLY_MIGRATE_ONLY`);
 * - migrate one replica (the one on the most loaded node, highest C0): one
 *   action whose destination the Mapper picks, or, where the agent picks it
 *   (Fullmap: every function; Custom: framer, face-detector), one action per
 *   node w01…w04 ("move function_i to node_j").
 *
 * With Fullmap: 0 no-op; 1–4 migrate framer → w01…w04; 5 scale-out
 * face-detector, 6 scale-in face-detector, 7–10 migrate face-detector →
 * w01…w04; 11–16 the same for face-analyzer; 17–22 for object-recognition.
 * With Kubernetes and Profile: 0 no-op; 1 migrate framer; 2, 3, 4 scale-out,
 * scale-in, migrate face-detector; 5–7 face-analyzer; 8–10 object-recognition.
 * With `controlled: 'all'`: 29, 20, 14, 14 actions.
 *
 * An action that cannot be carried out in the current state (scale out at
 * `maxReplicas`, scale in at one replica, migrate to the node the replica is
 * on or to a node without room) changes nothing; `info.skipped` says why.
 * Actions outside the space throw `InvalidActionError`.
 *
 * ## Observation Space
 *
 * `Box(0, 1, shape [4·N + F·N + 2], float32)` with N = 4 nodes and F = 4
 * controlled functions (5 with `controlled: 'all'`): 34 values (38). In order
 * (`observationLabels`):
 *
 * | index | value | normalisation |
 * |-------|-------|---------------|
 * | 4·i + 0 | IPC of node i (w01…w04) in the last request's window | / 2, clipped |
 * | 4·i + 1 | L3 misses per second of node i | / (12.5 M × cores), clipped |
 * | 4·i + 2 | C0 residency (busy fraction) of node i | as is |
 * | 4·i + 3 | C6 residency of node i | as is |
 * | 16 + 4·f + i | replicas of function f on node i (not draining): placement and replica counts | / maxReplicas(f) (1 for the framer) |
 * | 16 + 4·F | QoS target of the next request, L_t | / (2 × max(qosTargets)) |
 * | 17 + 4·F | end-to-end latency of the last request, L_a | / (2 × max(qosTargets)), clipped; 1 for a failed request |
 *
 * The window of a request spans the pause before it and its execution, so the
 * counters of a node show its co-located interference and the pipeline's load.
 *
 * ## Rewards
 *
 * Eq. (3) of §4.3.4 with k1 = 3, k2 = 6, k3 = 4 (§4.5), via `darlyReward`:
 *
 *     R = N/sp + Rs/r + (L_a/L_t)·k1     if L_a ≤ L_t
 *     R = max(−k2, −k3 − L_a/L_t)        otherwise (and for a failed request: −k2)
 *
 * N = 4 servers; sp = servers hosting at least one replica and r = replicas of
 * all five functions, both time-averaged over the request's window
 * (`ClusterSnapshot.cost`; a migration briefly holds two replicas, and this
 * overhead shows in the reward as §4.3.3 asks) and clipped to N and Rs; Rs =
 * the sum of the functions' maximum replica counts (framer 1, uploader 1
 * unless controlled, the others `maxReplicas`): 14 by default. A met request
 * earns between 1 + 1 + 0 and 4 + 2.8 + 3; a violated one −5 to −6.
 *
 * ## Starting State
 *
 * A fresh cluster per episode, its seed drawn from the environment's
 * generator: one replica per function, placed by the cluster's scheduler (as
 * Kubernetes deploys the pipeline, §5.3); interference levels drawn for every
 * node. One request is served before the first observation (its latency and
 * counters fill it); it is not a step.
 *
 * ## Episode End
 *
 * The task is continuing: the environment never terminates. Truncation after
 * 500 requests (`maxEpisodeSteps`, 300 loose + 200 strict, §5.1) by the
 * registry's `TimeLimit`. Without it the QoS schedule repeats.
 *
 * ## Arguments
 *
 * `make('Darly-Profile-v0', config)`, config fields (all optional; see
 * `DARLY_SCHEMA` in envs/darly/config.ts and docs/envs/darly.md): `backend`,
 * `qosTargets` [35, 26], `qosPhaseSteps` [300, 200], `frames` [48, 65],
 * `frameBatches` 8, `stressLevels` [0, 0.25, 0.5, 0.75], `stressEvery` 50,
 * `maxReplicas` 4, `settleSeconds` 10, `controlled` 'paper', `k1` 3, `k2` 6,
 * `k3` 4. Unknown keys and bad values raise `ConfigError` naming the field.
 * Interference is injected only where the backend has `setStress` (simulator,
 * twin); on a real cluster it is the other tenants' and `info.stress` is null.
 *
 * `info` of every step: `qosQuotient` (L_a/L_t, null for a failed request;
 * §5's metric, ≤ 1 meets the QoS), `qosMet`, `latency`, `qosTarget`,
 * `nextQosTarget`, `action` (described), `skipped`, `rejected` (reasons the
 * cluster gave), `from`/`to` of a migration, `servers` (sp), `replicas` (r),
 * `stress` (levels per node or null), `step`.
 *
 * ## Version History
 *
 * - v0: initial version.
 *
 * ## Source
 *
 * - D. Giagkos, A. Tzenetopoulos, D. Masouros, S. Xydis, F. Catthoor and
 *   D. Soudris, "AI-Driven QoS-Aware Scheduling for Serverless Video Analytics
 *   at the Edge", Information 15(8):480, 2024, https://doi.org/10.3390/info15080480
 *   (`../shared/papers/004_2835cb65e605e18f.txt`): §3.1 Table 1, §3.2 Fig. 1,
 *   §3.3 Figs. 2–3, §4.3.2–§4.3.4, §4.4, §4.5, §5. Extends the IEEE CLOUD 2023
 *   short paper "Darly: Deep Reinforcement Learning for QoS-aware scheduling
 *   under resource heterogeneity".
 * - Workload and cluster: `src/workloads/presets/darly.ts`.
 */
import { ConfigError, quote } from '../../src/core/errors.js';
import type { Info, ResetResult, StepResult } from '../../src/core/env.js';
import { BaseEnv } from '../../src/core/base-env.js';
import type { Cluster, ClusterSnapshot } from '../../src/cluster/types.js';
import { Box } from '../../src/spaces/box.js';
import { Discrete } from '../../src/spaces/discrete.js';
import { createCluster, parseBackend, type BackendConfig } from '../common/backend.js';
import { actionTable, describeAction, planAction, type DarlyAction } from './actions.js';
import { parseDarlyConfig, qosTargetAt, type DarlyConfig } from './config.js';
import { injectStress } from './interference.js';
import { mapperFor, type ClusterView, type Mapper, type MapperName } from './mappers.js';
import { buildObservation, observationSpace, type ObservationLayout } from './observation.js';
import { darlyStepReward } from './reward.js';
import {
  DARLY_FUNCTIONS, DARLY_NODES, DARLY_WORKFLOW, controlledFunctions, darlyScenario, maxReplicasOf, maxTotalReplicas,
} from './scenario.js';

/** The registered id of each mapper's environment. */
export const DARLY_IDS: Readonly<Record<MapperName, string>> = Object.freeze({
  fullmap: 'Darly-Fullmap-v0',
  custom: 'Darly-Custom-v0',
  kubernetes: 'Darly-Kubernetes-v0',
  profile: 'Darly-Profile-v0',
});

/** Largest scenario seed drawn per episode (exclusive). */
const SEED_RANGE = 0x7fffffff;

/** Darly's scheduling task with one of the four Mappers of §5 (see the module comment). */
export class DarlyEnv extends BaseEnv<number[], number> {
  readonly id: string;
  readonly config: DarlyConfig;
  readonly mapper: Mapper;
  /** `actions[i]` is what action `i` does. */
  readonly actions: readonly DarlyAction[];
  readonly layout: ObservationLayout;
  readonly observationSpace: Box;
  readonly actionSpace: Discrete;
  private readonly backend: BackendConfig;
  private readonly maxReplicas: (fn: string) => number;
  private readonly totalMaxReplicas: number;
  private cluster: Cluster | null = null;
  private view: ClusterView | null = null;
  private stress: Record<string, number> | null = null;
  /** Requests served as steps this episode. */
  private served = 0;

  constructor(mapper: MapperName, config: unknown = {}) {
    super();
    this.id = DARLY_IDS[mapper];
    this.config = parseDarlyConfig(this.id, config);
    this.backend = parseBackend(this.id, this.config.backend);
    this.mapper = mapperFor(mapper);
    const controlled = controlledFunctions(this.config.controlled);
    this.maxReplicas = (fn) => maxReplicasOf(fn, this.config);
    this.totalMaxReplicas = maxTotalReplicas(this.config);
    this.actions = Object.freeze(actionTable(controlled, DARLY_NODES, this.mapper));
    this.actionSpace = new Discrete(this.actions.length);
    this.layout = {
      nodes: DARLY_NODES,
      controlled,
      maxReplicas: this.maxReplicas,
      latencyScale: 2 * Math.max(...this.config.qosTargets),
    };
    this.observationSpace = observationSpace(this.layout);
  }

  /** The cluster of the current episode (null before the first reset and after close); for inspection, not for acting. */
  get currentCluster(): Cluster | null {
    return this.cluster;
  }

  protected async resetEnv(options: Record<string, unknown>): Promise<ResetResult<number[]>> {
    const unknown = Object.keys(options);
    if (unknown.length > 0) throw new ConfigError(`${this.id}: unknown reset option ${quote(unknown[0])} (it takes none)`);
    await this.closeCluster();
    const scenarioSeed = this.rng.integer(0, SEED_RANGE);
    const cluster = createCluster(this.backend, darlyScenario(this.config, scenarioSeed));
    this.cluster = cluster;
    this.checkCluster(cluster);
    this.stress = injectStress(cluster, this.rng, DARLY_NODES, this.config.stressLevels);
    this.served = 0;
    const snapshot = await this.runRequest(cluster);
    const latency = requestLatency(snapshot);
    const nextQosTarget = qosTargetAt(this.config, 0);
    return {
      obs: buildObservation(this.layout, this.view as ClusterView, nextQosTarget, latency),
      info: { scenarioSeed, latency, nextQosTarget, stress: this.stress },
    };
  }

  protected async stepEnv(action: number): Promise<StepResult<number[]>> {
    const cluster = this.cluster as Cluster;
    const a = this.actions[action] as DarlyAction;
    if (this.served > 0 && this.served % this.config.stressEvery === 0) {
      this.stress = injectStress(cluster, this.rng, DARLY_NODES, this.config.stressLevels);
    }
    const plan = planAction(a, this.view as ClusterView, this.mapper, this.maxReplicas);
    const rejected = plan.changes.length > 0 ? (await cluster.apply(plan.changes)).rejected : [];
    const qosTarget = qosTargetAt(this.config, this.served);
    const snapshot = await this.runRequest(cluster);
    this.served += 1;
    const latency = requestLatency(snapshot);
    const reward = darlyStepReward({
      latency,
      qosTarget,
      servers: snapshot.cost.servers,
      serversTotal: DARLY_NODES.length,
      replicas: snapshot.cost.replicas,
      maxReplicas: this.totalMaxReplicas,
      k1: this.config.k1,
      k2: this.config.k2,
      k3: this.config.k3,
    });
    const nextQosTarget = qosTargetAt(this.config, this.served);
    const info: Info = {
      step: this.served,
      action: describeAction(a),
      skipped: plan.skipped,
      rejected: rejected.map((r) => r.reason),
      ...(plan.from !== undefined ? { from: plan.from, to: plan.to } : {}),
      latency,
      qosTarget,
      qosQuotient: latency === null ? null : latency / qosTarget,
      qosMet: latency !== null && latency <= qosTarget,
      nextQosTarget,
      servers: snapshot.cost.servers,
      replicas: snapshot.cost.replicas,
      stress: this.stress === null ? null : { ...this.stress },
      // Backend flags (a real cluster's missing or stale PCM counters); empty on the simulator.
      warnings: [...snapshot.warnings],
    };
    const obs = buildObservation(this.layout, this.view as ClusterView, nextQosTarget, latency);
    return { obs, reward, terminated: false, truncated: false, info };
  }

  protected override async closeEnv(): Promise<void> {
    await this.closeCluster();
  }

  /** Run one workflow request and remember the cluster's state after it. */
  private async runRequest(cluster: Cluster): Promise<ClusterSnapshot> {
    const maxSeconds = this.config.settleSeconds + 20 * Math.max(...this.config.qosTargets);
    const snapshot = await cluster.advance({ requests: 1, maxSeconds });
    this.view = { nodes: cluster.nodes(), functions: cluster.functions(), snapshot };
    return snapshot;
  }

  private checkCluster(cluster: Cluster): void {
    const nodes = new Set(cluster.nodes().map((n) => n.name));
    const missingNode = DARLY_NODES.find((n) => !nodes.has(n));
    if (missingNode !== undefined) {
      throw new ConfigError(`${this.id}: the ${this.backend.kind} cluster has no node ${quote(missingNode)} (Darly needs Table 1's workers ${DARLY_NODES.join(', ')})`);
    }
    const fns = new Set(cluster.functions().map((f) => f.name));
    const missingFn = DARLY_FUNCTIONS.find((f) => !fns.has(f));
    if (missingFn !== undefined) {
      throw new ConfigError(`${this.id}: the ${this.backend.kind} cluster has no function ${quote(missingFn)} (Darly needs ${DARLY_FUNCTIONS.join(', ')})`);
    }
  }

  private async closeCluster(): Promise<void> {
    const cluster = this.cluster;
    this.cluster = null;
    this.view = null;
    if (cluster) await cluster.close();
  }
}

/** End-to-end latency of the window's request, or null when it failed or did not finish. */
export function requestLatency(snapshot: ClusterSnapshot): number | null {
  const wf = snapshot.workflows[DARLY_WORKFLOW];
  if (!wf || wf.completed < 1 || wf.failed > 0) return null;
  return wf.latency.mean;
}
