/**
 * FaaSConf-{Sequential,Parallel,Branch,TrainTicket}-v0: QoS-aware hybrid
 * resource configuration of a serverless workflow, one agent per function
 * (paper 000, FaaSConf).
 *
 * ## Description
 *
 * A serverless workflow runs on OpenFaaS over Kubernetes (8 VMs of 8 cores
 * and 16 GB, 000 §5.1.1) under closed-loop users who send a request, wait for
 * the answer, think, and send the next (Locust, §5.1.2). Every function of the
 * workflow has an agent that sets its *hybrid* configuration C^j (§3): CPU
 * limit, memory limit, number of replicas and concurrency limit (OpenFaaS
 * `max_inflight`). All agents act at once; the joint configuration is applied
 * and the users then load the workflow for one 30 s window, after which the
 * agents see the window's telemetry and share one reward: pay for what is
 * provisioned (eq. 2) and earn a bonus when the end-to-end QoS targets, mean
 * latency and throughput, are met (§4.1). The goal of eq. (1) is the cheapest
 * configuration that meets QoS. A `ParallelEnv` (PettingZoo parallel API) with
 * `adjacency()` (the workflow topology, for mean-field and attention agents,
 * §4.2) and `state()` (the global state of CTDE critics).
 *
 * Workflows (src/workloads/presets/faasconf.ts, 000 Fig. 6): Sequential (5 ML
 * functions in a chain), Parallel (6: fan-out to four models and a join),
 * Branch (7: one of three paths per request), TrainTicket (12 lightweight
 * Java functions of the ticket search, *TcktApp*).
 *
 * ## Action Space
 *
 * Per agent `Box(-1, 1, [4], float32)`, mapped affinely onto the ranges of
 * §5.1.2 (a = -1: minimum, a = 1: maximum, a = 0: middle):
 *
 * | i | sets | ML workflows | TrainTicket | rounding |
 * |---|---|---|---|---|
 * | 0 | CPU limit, millicores | 250–2000 | 250–1000 | whole millicores |
 * | 1 | memory limit, MB | 256–2024 | 128–1024 | whole MB |
 * | 2 | replicas | 1–8 | 1–8 | nearest integer |
 * | 3 | concurrency limit (`max_inflight`) | 1–10 | 1–10 | nearest integer |
 *
 * Only what changes is applied. Memory below a function's footprint makes its
 * invocations fail (OOM). When the joint configuration does not fit on the
 * nodes, replicas are granted round-robin over the functions and the rest are
 * refused; the observation shows the replicas actually configured.
 *
 * ## Observation Space
 *
 * Per agent `Box(0, 1, [9], float32)` (§4.1 State Space), about the last window:
 *
 * | i | observation | normalisation |
 * |---|---|---|
 * | 0 | CPU utilisation (RU) | CPU used / limit |
 * | 1 | memory utilisation (RU) | in use / limit (1 when the limit is below the footprint) |
 * | 2 | network (RU) | log(1 + MB/s) / log(101) |
 * | 3 | tail latency (FP): the function's p95 | p95 / (p95 + qosLatency) |
 * | 4 | concurrent requests (CR): in flight + queued | / users |
 * | 5 | CPU limit (RLT) | position in its range |
 * | 6 | memory limit (RLT) | position in its range |
 * | 7 | replicas (NI) | position in its range |
 * | 8 | concurrency limit (CL) | position in its range |
 *
 * `state()`: the agents' observations concatenated (in `possibleAgents`
 * order), then users / peak users, the end-to-end mean latency as
 * L / (L + qosLatency) (1 when no request completed) and the throughput ×
 * think / users (a user sends at most 1/think requests per second).
 * `adjacency()`: n × n, 1 where one function invokes the other (either
 * direction), 0 on the diagonal.
 *
 * ## Rewards
 *
 * Shared by all agents (§4.1): `R = α·ŷ(C) + β·[QoS met]`, where ŷ(C) is the
 * window's provisioned cost y(C) of eq. (2) — Σ_j ExecTime·(0.173·C_cpu^j +
 * 0.0123·C_mem^j)·C_instance^j, USD, Azure premium prices, replica-time
 * integrated by the backend — divided by y_max, eq. (2) of the all-max
 * configuration over the window; α = -1 and β = 1 by default. QoS is met when
 * at least one request completed, the mean end-to-end latency is at most
 * `qosLatency` and the throughput at least `qosThroughputPerUser` × users.
 * Rewards lie in [α·ŷ_max, β]; the cheapest QoS-meeting configuration earns most.
 *
 * `info` of every agent: `cost` (USD), `scaledCost` (ŷ), `meanLatency`,
 * `p95Latency` (end-to-end, s; `null` when no request completed), `throughput`
 * (req/s), `completed`, `failed`, `qosMet`, `qosTargets`, `users`,
 * `rejectedChanges`, and `config` (that agent's applied configuration).
 *
 * ## Starting State
 *
 * A fresh cluster per episode, its seed drawn from the environment's
 * generator. Every function starts at `initialConfig`: `preset` (default) —
 * the preset's configuration clipped to the ranges (ML: 1000 m, 1024 MB, 1
 * replica, concurrency 10; TrainTicket: 500 m, 512 MB, 1, 10) — or `random`,
 * uniform in the action box. The reset option `initialAction`
 * (`reset({ options: { initialAction: { [agent]: action } } })`) starts the
 * named agents' functions at those actions' configurations instead. The
 * cluster is deployed at the preset's configuration and moved to the starting
 * one as a step would (what does not fit on the nodes is refused). The users
 * spawn (10/s) and one window runs before the first observation.
 *
 * ## Episode End
 *
 * Never terminates. Truncation after 60 steps (`maxEpisodeSteps`; 30 minutes
 * of load). With `workload: 'azure-dynamic'` the environment also truncates
 * at the end of the trace (170 windows of 30 s); make it with
 * `make(id, { workload: 'azure-dynamic' }, { maxEpisodeSteps: 170 })` to run
 * the whole 85 minutes.
 *
 * ## Arguments
 *
 * `make(id, config)` with any of: `users` (30), `spawnRate` (10/s),
 * `thinkSeconds` (1.5), `windowSeconds` (30), `workload` (`static` |
 * `azure-dynamic`), `traceSeed` (31), `qosLatency` and `qosThroughputPerUser`
 * (per workflow), `alpha` (-1), `beta` (1), `initialConfig` (`preset` |
 * `random`), `backend` (null: the simulator). See docs/envs/faasconf.md.
 * Bad values raise `ConfigError` naming the field; `azure-dynamic` on a
 * backend that cannot change its user count (no `setUsers`) is refused at
 * `make`.
 *
 * ## Version History
 *
 * - v0: initial version.
 *
 * ## Source
 *
 * Paper 000 (FaaSConf: QoS-aware hybrid resources configuration for serverless
 * workflows): §3 (problem, eq. 1 and eq. 2 cost), §4.1 (state, action, shared
 * reward), §4.2 (topology adjacency), §5.1 (testbed, workflows, action ranges,
 * Locust load, 30 s windows, QoS as mean latency and throughput), §5.2.2
 * (85-minute Azure trace).
 */
import { canSetUsers, type Cluster, type ClusterSnapshot, type FunctionState } from '../../src/cluster/types.js';
import type { ScenarioSpec, SimFunctionSpec } from '../../src/cluster/sim/spec.js';
import { BaseParallelEnv } from '../../src/core/base-parallel-env.js';
import type { Info, ParallelResetResult, ParallelStepResult } from '../../src/core/env.js';
import type { JointAction, PricedEnv } from '../../src/core/priced-env.js';
import { BackendError, ConfigError, quote } from '../../src/core/errors.js';
import { Box } from '../../src/spaces/box.js';
import { createCluster, parseBackend, type BackendConfig } from '../common/backend.js';
import { actionToConfig, clip, configChanges, type FunctionConfig } from './actions.js';
import { WORKFLOWS, parseFaasconfConfig, type ActionRanges, type FaaSConfConfig, type FaaSConfWorkflow } from './config.js';
import { OBS_SIZE, agentObservation, agentObservationSpace, globalState, GLOBAL_STATE_FIELDS, type ObservationScales } from './observation.js';
import { faasconfPrice, faasconfReward, maxWindowCostUsd, qosMet, type QosTargets } from './reward.js';
import { workflowAdjacency } from './topology.js';
import { dynamicUsers } from './workload.js';

/** The end-to-end results of one window. */
interface WindowResult {
  snapshot: ClusterSnapshot;
  users: number;
  completed: number;
  failed: number;
  meanLatency: number | null;
  p95Latency: number | null;
  throughput: number;
}

export class FaaSConfEnv extends BaseParallelEnv<string, number[], number[]> implements PricedEnv {
  readonly id: string;
  readonly workflow: FaaSConfWorkflow;
  readonly config: Readonly<FaaSConfConfig>;
  readonly possibleAgents: readonly string[];
  readonly ranges: ActionRanges;
  /** Users of each window of the `azure-dynamic` trace (null for `static`). */
  readonly usersPerWindow: readonly number[] | null;
  /** y_max of the reward: eq. (2) of the all-max configuration over one window, USD. */
  readonly maxCostUsd: number;

  private readonly backend: BackendConfig;
  private readonly workflowName: string;
  private readonly obsSpace = agentObservationSpace();
  private readonly actSpace: Box = new Box({ low: -1, high: 1, shape: [4], dtype: 'float32' });
  private readonly adjacencyMatrix: number[][];
  private readonly scales: ObservationScales;
  private cluster: Cluster | null = null;
  private pendingClose: Promise<void> | null = null;
  private current: FunctionConfig[] = [];
  /** Steps taken in this episode. */
  private t = 0;
  private lastObs: number[][];
  private lastGlobal: number[];

  constructor(workflow: FaaSConfWorkflow, config: unknown = {}) {
    super();
    const wf = WORKFLOWS[workflow];
    if (!wf) throw new ConfigError(`unknown FaaSConf workflow ${quote(workflow)} (expected one of ${Object.keys(WORKFLOWS).join(', ')})`);
    this.workflow = workflow;
    this.id = `FaaSConf-${workflow}-v0`;
    this.config = Object.freeze(parseFaasconfConfig(this.id, config, workflow));
    this.backend = parseBackend(this.id, this.config.backend);
    this.ranges = wf.ranges;
    this.possibleAgents = Object.freeze(wf.preset.functions.map((f) => f.name));
    const spec = wf.preset.workflows[0];
    if (!spec) throw new ConfigError(`${this.id}: the preset has no workflow`);
    this.workflowName = spec.name;
    this.adjacencyMatrix = workflowAdjacency(spec, this.possibleAgents);
    this.maxCostUsd = maxWindowCostUsd(this.possibleAgents.length, this.ranges, this.config.windowSeconds);
    this.scales = { latency: this.config.qosLatency, users: this.config.users, ranges: this.ranges };
    this.usersPerWindow = this.config.workload === 'azure-dynamic'
      ? Object.freeze(dynamicUsers(this.config.users, this.config.traceSeed, this.config.windowSeconds))
      : null;
    this.lastObs = this.possibleAgents.map(() => new Array<number>(OBS_SIZE).fill(0));
    this.lastGlobal = new Array<number>(GLOBAL_STATE_FIELDS.length).fill(0);
    if (this.usersPerWindow) this.assertBackendSetsUsers();
  }

  observationSpace(_agent: string): Box {
    return this.obsSpace;
  }

  actionSpace(_agent: string): Box {
    return this.actSpace;
  }

  /** `PricedEnv`: FaaSConf eq. (2)'s rate of the configuration a joint action (`possibleAgents` order) maps to, USD per hour. */
  readonly priceModel = 'faasconf-eq2';

  priceOf(joint: JointAction): number {
    return faasconfPrice(this.ranges)(joint);
  }

  /** The workflow's adjacency matrix over `possibleAgents` (0/1, symmetric). */
  adjacency(): number[][] {
    return this.adjacencyMatrix.map((row) => [...row]);
  }

  /** Global state: the per-agent observations concatenated, then users, end-to-end latency and throughput (normalised). */
  state(): number[] {
    const out: number[] = [];
    for (const o of this.lastObs) out.push(...o);
    out.push(...this.lastGlobal);
    return out;
  }

  /** The backend's view of the functions now (replicas, limits, `maxInflight`); empty before the first reset. */
  functionStates(): FunctionState[] {
    return this.cluster ? this.cluster.functions() : [];
  }

  /** The configuration every function has now (`possibleAgents` order). */
  currentConfig(): FunctionConfig[] {
    return this.current.map((c) => ({ ...c }));
  }

  protected async resetEnv(options: Record<string, unknown>): Promise<ParallelResetResult<string, number[]>> {
    const initialAction = this.parseResetOptions(options);
    await this.releaseCluster();
    const seed = this.rng.nextUint32();
    const start = this.initialConfig();
    this.possibleAgents.forEach((agent, i) => {
      const a = initialAction[agent];
      if (a) start[i] = actionToConfig(a, this.ranges);
    });
    this.t = 0;
    // The cluster is deployed at the preset's configuration (which fits), then moved to the start like a step would.
    this.current = this.presetConfig();
    const cluster = createCluster(this.backend, this.scenario(seed, this.usersAt(0), this.current));
    this.cluster = cluster;
    const rejected = await this.applyConfig(cluster, start);
    const result = this.summarise(await cluster.advance({ seconds: this.config.windowSeconds }), this.usersAt(0));
    const { obs, infos } = this.observe(result, rejected);
    return { obs, info: infos };
  }

  /** Apply a joint configuration; `this.current` becomes what the backend holds. Returns the number of refused changes. */
  private async applyConfig(cluster: Cluster, target: FunctionConfig[]): Promise<number> {
    const changes = configChanges(this.possibleAgents, this.current, target);
    if (changes.length === 0) return 0;
    const applied = await cluster.apply(changes);
    const rejected = applied.rejected.length;
    this.current = rejected > 0 ? this.readConfig(applied.functions) : target;
    return rejected;
  }

  protected async stepEnv(actions: Record<string, number[]>): Promise<ParallelStepResult<string, number[]>> {
    const cluster = this.cluster as Cluster;
    const fns = this.possibleAgents;
    const rejected = await this.applyConfig(cluster, fns.map((a) => actionToConfig(actions[a] as number[], this.ranges)));
    const users = this.usersAt(this.t);
    if (this.usersPerWindow) {
      if (!canSetUsers(cluster)) throw new BackendError(`${this.id}: the backend lost Cluster.setUsers after make checked it`);
      cluster.setUsers(0, users);
    }
    const result = this.summarise(await cluster.advance({ seconds: this.config.windowSeconds }), users);
    this.t += 1;
    const { obs, infos, reward } = this.observe(result, rejected);
    const truncated = this.usersPerWindow !== null && this.t >= this.usersPerWindow.length;
    const rewards: Record<string, number> = {};
    const terminations: Record<string, boolean> = {};
    const truncations: Record<string, boolean> = {};
    for (const a of fns) {
      rewards[a] = reward;
      terminations[a] = false;
      truncations[a] = truncated;
    }
    return { obs, rewards, terminations, truncations, infos };
  }

  protected override async closeEnv(): Promise<void> {
    await this.releaseCluster();
  }

  // ------------------------------------------------------------------ internals

  /** Reset option `initialAction`: `{agent: action}` for the agents that start elsewhere than `initialConfig`. */
  private parseResetOptions(options: Record<string, unknown>): Record<string, number[]> {
    for (const key of Object.keys(options)) {
      if (key !== 'initialAction') throw new ConfigError(`${this.id}: unknown reset option ${quote(key)} (expected initialAction)`);
    }
    const given = options.initialAction;
    if (given === undefined) return {};
    if (typeof given !== 'object' || given === null || Array.isArray(given)) {
      throw new ConfigError(`${this.id}: reset option initialAction must be an object {agent: action}, got ${quote(given)}`);
    }
    const out: Record<string, number[]> = {};
    for (const [agent, action] of Object.entries(given as Record<string, unknown>)) {
      if (!this.possibleAgents.includes(agent)) throw new ConfigError(`${this.id}: reset option initialAction names ${quote(agent)}, which is not an agent (agents: ${this.possibleAgents.join(', ')})`);
      this.actSpace.assertContains(action, `initialAction of ${agent}`);
      out[agent] = Array.from(action as ArrayLike<number>);
    }
    return out;
  }

  private usersAt(window: number): number {
    const curve = this.usersPerWindow;
    if (!curve) return this.config.users;
    return curve[Math.min(window, curve.length - 1)] as number;
  }

  private initialConfig(): FunctionConfig[] {
    const presetFns = WORKFLOWS[this.workflow].preset.functions;
    if (this.config.initialConfig === 'random') return presetFns.map(() => actionToConfig(this.actSpace.sample(this.rng), this.ranges));
    return this.presetConfig();
  }

  /** The preset's configuration clipped to the action ranges. */
  private presetConfig(): FunctionConfig[] {
    const r = this.ranges;
    return WORKFLOWS[this.workflow].preset.functions.map((f) => ({
      cpuMilli: clip(f.cpuMilli ?? 1000, r.cpuMilli),
      memoryMb: clip(f.memoryMb ?? 512, r.memoryMb),
      replicas: clip(f.replicas ?? 1, r.replicas),
      // max_inflight 0 (unlimited) is outside the range: the most the range allows.
      concurrency: f.maxInflight ? clip(f.maxInflight, r.concurrency) : r.concurrency[1],
    }));
  }

  private scenario(seed: number, users: number, config: readonly FunctionConfig[]): ScenarioSpec {
    const preset = WORKFLOWS[this.workflow].preset;
    const functions: SimFunctionSpec[] = preset.functions.map((f, i) => {
      const c = config[i] as FunctionConfig;
      return { ...f, cpuMilli: c.cpuMilli, memoryMb: c.memoryMb, replicas: c.replicas, maxInflight: c.concurrency };
    });
    return {
      name: this.id,
      seed,
      duration: this.config.windowSeconds,
      nodes: preset.nodes ?? [],
      functions,
      workflows: preset.workflows,
      loads: [{ kind: 'closed', target: this.workflowName, users, spawnRate: this.config.spawnRate, think: this.config.thinkSeconds }],
    };
  }

  private readConfig(states: FunctionState[]): FunctionConfig[] {
    const byName = new Map(states.map((s) => [s.name, s]));
    return this.possibleAgents.map((name, i) => {
      const s = byName.get(name);
      if (!s) return this.current[i] as FunctionConfig;
      return { cpuMilli: s.limits.cpuMilli, memoryMb: s.limits.memoryMb, replicas: s.desiredReplicas, concurrency: s.maxInflight };
    });
  }

  private summarise(snapshot: ClusterSnapshot, users: number): WindowResult {
    const wf = snapshot.workflows[this.workflowName];
    const completed = wf?.completed ?? 0;
    const seconds = snapshot.window > 0 ? snapshot.window : this.config.windowSeconds;
    return {
      snapshot,
      users,
      completed,
      failed: wf?.failed ?? 0,
      meanLatency: completed > 0 && wf ? wf.latency.mean : null,
      p95Latency: completed > 0 && wf ? wf.latency.p95 : null,
      throughput: completed / seconds,
    };
  }

  private observe(r: WindowResult, rejectedChanges: number): { obs: Record<string, number[]>; infos: Record<string, Info>; reward: number } {
    const fns = this.possibleAgents;
    const obs: Record<string, number[]> = {};
    for (let i = 0; i < fns.length; i++) {
      const name = fns[i] as string;
      const o = agentObservation(r.snapshot.functions[name], this.current[i] as FunctionConfig, this.scales);
      this.lastObs[i] = o;
      obs[name] = [...o];
    }
    this.lastGlobal = globalState(r.users, r.meanLatency, r.throughput, this.config.thinkSeconds, this.scales);
    const targets: QosTargets = { latency: this.config.qosLatency, throughput: this.config.qosThroughputPerUser * r.users };
    const qos = qosMet({ completed: r.completed, meanLatency: r.meanLatency ?? Infinity, throughput: r.throughput }, targets);
    const cost = r.snapshot.cost.provisionedUsd;
    const shared = {
      cost,
      scaledCost: cost / this.maxCostUsd,
      meanLatency: r.meanLatency,
      p95Latency: r.p95Latency,
      throughput: r.throughput,
      completed: r.completed,
      failed: r.failed,
      qosMet: qos,
      qosTargets: targets,
      users: r.users,
      rejectedChanges,
      // Backend flags (a real cluster's missing or stale counters); empty on the simulator.
      warnings: [...r.snapshot.warnings],
    };
    const infos: Record<string, Info> = {};
    for (let i = 0; i < fns.length; i++) infos[fns[i] as string] = { ...shared, config: { ...(this.current[i] as FunctionConfig) } };
    return { obs, infos, reward: faasconfReward(cost, this.maxCostUsd, qos, this.config) };
  }

  /** `azure-dynamic` changes the user count every window: refuse a backend that cannot (checked on a throw-away cluster). */
  private assertBackendSetsUsers(): void {
    const probe = createCluster(this.backend, this.scenario(0, this.usersAt(0), this.presetConfig()));
    const ok = canSetUsers(probe);
    this.pendingClose = probe.close();
    if (!ok) {
      throw new ConfigError(`${this.id}: config.workload "azure-dynamic" needs a backend that can change the number of users (Cluster.setUsers); backend ${quote(this.backend.kind)} cannot`);
    }
  }

  private async releaseCluster(): Promise<void> {
    const pending = this.pendingClose;
    this.pendingClose = null;
    if (pending) await pending;
    const cluster = this.cluster;
    this.cluster = null;
    if (cluster) await cluster.close();
  }
}
