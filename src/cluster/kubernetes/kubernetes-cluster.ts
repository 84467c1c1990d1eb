/**
 * `KubernetesCluster`: the `Cluster` seam over a real Kubernetes + OpenFaaS
 * cluster (or anything that speaks the same APIs, such as the twin).
 *
 * - Facts are read from the Kubernetes API (nodes, the functions'
 *   Deployments and pods), the OpenFaaS gateway (functions, usage,
 *   invocation counts) and InfluxDB (per-node Intel PCM counters).
 * - Changes go through the Kubernetes API (one strategic-merge patch of the
 *   Deployment's pod template: the container's limits, requests and
 *   `max_inflight` env var, the placement) and the gateway
 *   (`POST /system/scale-function` for replicas); never the gateway's `PUT`,
 *   which on faas-netes wipes the env (apply-changes.ts). Each apply reads its
 *   changes back and waits for the rollouts, with a deadline.
 * - Load comes from faasgym's own HTTP load generator (load-generator.ts),
 *   replaying the scenario's `loads`.
 *
 * Episode life cycle: the environment builds one cluster per episode (the
 * factory is synchronous and does no I/O). The first `apply` or `advance`
 * connects: it reads the nodes and the managed functions (the scenario's
 * functions — nothing else is touched), records their configuration
 * (safety.ts), and, with `syncToScenario` (default), brings them to the
 * scenario's configuration, so that an episode starts where the simulator's
 * would. Until then `nodes()` and `functions()` describe the scenario as
 * declared. `close()` stops the load and restores what was recorded, also
 * after an error; `dryRun` logs every intended change and applies none.
 *
 * Time: `advance({seconds})` waits `seconds / timeScale` of wall time while
 * the load runs (`timeScale` > 1 only for a twin that runs faster than real
 * time); windows are contiguous (a window runs from the end of the previous
 * one, so the time an apply takes counts in the next window, as the
 * simulator counts replica starts made between windows).
 *
 * The parts: connect.ts (node mapping, node sizes, load targets),
 * apply-changes.ts (the Deployment patches, read-back, CE replica range,
 * rollouts and refusals), window-snapshot.ts (a window's snapshot, a pure
 * function), safety.ts and journal.ts (record, restore, the on-disk journal).
 *
 * What a real cluster cannot tell is reported, never invented: every window's
 * `warnings` lists the metrics that were not measured (reported as 0) and every
 * missing or stale PCM counter.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { BackendError, ConfigError, quote } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import { resolveScenario } from '../sim/scenario.js';
import type { ResolvedFunction, ResolvedScenario, ScenarioSpec } from '../sim/spec.js';
import type {
  ApplyResult, Cluster, ClusterSnapshot, ConfigChange, FunctionState, NodeInfo, PcmCounters, ReplicaInfo, UserControl, WindowSpec,
} from '../types.js';
import { parseKubernetesConfig, type BackendSecrets, type KubernetesBackendConfig } from './config.js';
import { GatewayClient } from './gateway-client.js';
import type { InfluxReader } from './influx-reader.js';
import type { K8sClient } from './k8s-client.js';
import { FUNCTION_LABEL } from './rollout.js';
import { LoadGenerator } from './load-generator.js';
import { sleep } from './retry.js';
import { SafetyLedger, recordOf, type RestoreOps } from './safety.js';
import { applyChanges, awaitRollout, desiredOf, functionContainer, type ApplyContext, type Desired } from './apply-changes.js';
import { RestoreJournal } from './journal.js';
import { integrate, windowSnapshot, type Sample } from './window-snapshot.js';
import { loadEntries, mapNodes, nodeInfos } from './connect.js';


/** Hooks for a cluster whose endpoints exist only once started (the twin). */
export interface KubernetesClusterHooks {
  /** Called once before the first contact; returns backend config fields to fill in (URLs, kubeconfig, time scale). */
  prepare?: () => Promise<Record<string, unknown>>;
  /** Called last in `close()` (after the restore), also after errors. */
  release?: () => Promise<void>;
  /** Inject co-located interference on a node (a twin can; a real cluster cannot). */
  setStress?: (node: string, level: number) => void;
}

interface Connection {
  gateway: GatewayClient;
  k8s: K8sClient;
  influx: InfluxReader | null;
  lg: LoadGenerator;
  timeScale: number;
  /** Scenario node name ↔ Kubernetes node name. */
  toK8s: Map<string, string>;
  fromK8s: Map<string, string>;
  /** Load target → function invoked and headers. */
  entries: Map<string, { fn: string; headers: Record<string, string> }>;
}

export class KubernetesCluster implements Cluster, UserControl {
  readonly scenario: ResolvedScenario;
  /** Set when the backend can inject interference (a twin); absent on a real cluster. */
  readonly setStress?: (node: string, level: number) => void;

  private cfg: KubernetesBackendConfig | null = null;
  /** A config completed at the first contact (hooks.prepare). */
  private pendingConfig: unknown = undefined;
  private secrets: BackendSecrets = {};
  private readonly managed: string[];
  private readonly specs: Map<string, ResolvedFunction>;
  private nodesView: NodeInfo[];
  private readonly fnView = new Map<string, FunctionState>();
  private readonly desired = new Map<string, Desired>();
  private readonly ledger = new SafetyLedger();
  private journal: RestoreJournal | null = null;
  private replicaRange: { min: number; max: number } | null = null;
  private conn: Connection | null = null;
  private connecting: Promise<Connection> | null = null;
  private closed = false;
  private closing: Promise<void> | null = null;
  private readonly pendingUsers = new Map<number, number>();
  private readonly stress = new Map<string, number>();
  private readonly oneTimeWarnings: string[] = [];
  // window state
  private winStartSim = 0;
  private winStartWall = 0;
  private finishedAtWinStart = 0;
  private samples: Sample[] = [];
  private readonly lastInvocations = new Map<string, number>();
  private readonly seenPods = new Set<string>();
  private replicaStarts = new Map<string, number>();
  private lastPods: V1Pod[] = [];

  constructor(scenario: ScenarioSpec | ResolvedScenario, config: unknown, private readonly hooks: KubernetesClusterHooks = {}) {
    this.scenario = resolveScenario(scenario);
    this.managed = this.scenario.functions.map((f) => f.name);
    this.specs = new Map(this.scenario.functions.map((f) => [f.name, f]));
    if (!hooks.prepare) this.setConfig(config);
    else {
      // Completed at the first contact; checked now with a stand-in gateway so that a bad field fails at make().
      this.pendingConfig = config;
      parseKubernetesConfig({ ...(typeof config === 'object' && config !== null ? config : {}), gateway: { url: 'http://127.0.0.1' } });
    }
    this.nodesView = this.scenario.nodes.map((n) => ({ name: n.name, cores: n.cores, memoryMb: n.memoryMb, cpuModel: n.cpuModel, l3Mb: n.l3Mb, speed: n.speed, labels: { ...n.labels } }));
    for (const f of this.scenario.functions) {
      this.desired.set(f.name, { replicas: f.replicas, cpuMilli: f.cpuMilli, memoryMb: f.memoryMb, maxInflight: f.maxInflight, placement: f.nodeSelector ? [...f.nodeSelector] : null });
      this.fnView.set(f.name, this.declaredState(f));
    }
    if (hooks.setStress) {
      const inject = hooks.setStress;
      this.setStress = (node: string, level: number): void => {
        this.assertOpen();
        if (!this.nodesView.some((n) => n.name === node)) throw new ConfigError(`setStress: unknown node ${quote(node)}`);
        if (!(level >= 0 && level <= 1)) throw new ConfigError(`setStress: level must be in [0, 1], got ${quote(level)}`);
        inject(node, level);
        this.stress.set(node, level);
      };
    }
  }

  /** The validated backend config (null until known: a twin's is completed at the first contact). */
  get config(): Readonly<KubernetesBackendConfig> | null {
    return this.cfg;
  }

  /** Simulated seconds per wall second this cluster runs at (1 before the first contact). */
  get timeScale(): number {
    return this.conn?.timeScale ?? 1;
  }

  nodes(): NodeInfo[] {
    this.assertOpen();
    return this.nodesView.map((n) => ({ ...n, labels: { ...n.labels } }));
  }

  functions(): FunctionState[] {
    this.assertOpen();
    return this.managed.map((name) => structuredClone(this.fnView.get(name) as FunctionState));
  }

  setUsers(loadIndex: number, users: number): void {
    this.assertOpen();
    if (!Number.isSafeInteger(users) || users < 0) throw new ConfigError(`setUsers: users must be a non-negative integer, got ${quote(users)}`);
    const load = this.scenario.loads[loadIndex];
    if (!load || load.kind !== 'closed') throw new ConfigError(`setUsers: load ${quote(loadIndex)} is not a closed-loop load`);
    if (this.conn) this.conn.lg.setUsers(loadIndex, users);
    else this.pendingUsers.set(loadIndex, users);
  }

  async apply(changes: ConfigChange[]): Promise<ApplyResult> {
    this.assertOpen();
    const conn = await this.connect();
    const r = await applyChanges(this.applyContext(conn), changes);
    this.rebuildViews(conn);
    return { ...r, functions: this.functions() };
  }

  async advance(until: WindowSpec): Promise<ClusterSnapshot> {
    this.assertOpen();
    const conn = await this.connect();
    const lg = conn.lg;
    if (!lg.isRunning) this.startLoad(conn);
    // Replica samples for the cost integrals: often enough to see rollouts finish, rarely enough not to load the API server.
    const sampleMs = Math.max((this.cfg as KubernetesBackendConfig).pollSeconds * 1000, 200);
    let done: Promise<unknown>;
    if ('seconds' in until) {
      if (!(until.seconds >= 0) || !Number.isFinite(until.seconds)) throw new ConfigError(`advance: seconds must be a finite number >= 0, got ${quote(until.seconds)}`);
      done = sleep((until.seconds / conn.timeScale) * 1000);
    } else {
      if (!Number.isSafeInteger(until.requests) || until.requests < 1) throw new ConfigError(`advance: requests must be a positive integer, got ${quote(until.requests)}`);
      const maxSeconds = until.maxSeconds ?? 86_400;
      const already = lg.finished - this.finishedAtWinStart;
      const left = Math.max(0, until.requests - already);
      done = left === 0 ? Promise.resolve(true) : lg.waitForFinished(left, (maxSeconds / conn.timeScale) * 1000);
    }
    let finished = false;
    void done.finally(() => { finished = true; });
    while (!finished) {
      await Promise.race([done, sleep(sampleMs)]);
      if (!finished) await this.refreshPods(conn);
    }
    return this.snapshot(conn);
  }

  async close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closed = true;
    this.closing = this.shutdown();
    return this.closing;
  }

  // ------------------------------------------------------------------ connection

  private setConfig(input: unknown): void {
    const { config, secrets } = parseKubernetesConfig(input);
    this.cfg = config;
    this.secrets = secrets;
  }

  private log(line: string): void {
    this.cfg?.log(line);
  }

  private connect(): Promise<Connection> {
    if (this.conn) return Promise.resolve(this.conn);
    this.connecting ??= this.doConnect();
    return this.connecting;
  }

  private async doConnect(): Promise<Connection> {
    if (this.hooks.prepare) {
      const extra = await this.hooks.prepare();
      const base = (typeof this.pendingConfig === 'object' && this.pendingConfig !== null ? this.pendingConfig : {}) as Record<string, unknown>;
      this.setConfig({ ...base, ...extra });
    }
    const cfg = this.cfg as KubernetesBackendConfig;
    const seed = cfg.load.seed ?? this.scenario.seed;
    const jitter = new Rng(seed).fork();
    const onRetry = (line: string): void => this.log(line);
    const gateway = new GatewayClient({
      url: cfg.gateway.url,
      ...(cfg.gateway.user !== undefined ? { user: cfg.gateway.user } : {}),
      ...(this.secrets.gatewayPassword !== undefined ? { password: this.secrets.gatewayPassword } : {}),
      retry: cfg.retry, rng: jitter, onRetry,
    });
    // Loaded on first contact: @kubernetes/client-node takes seconds to import.
    const { K8sClient, loadKubeConfig } = await import('./k8s-client.js');
    const { InfluxReader } = await import('./influx-reader.js');
    const k8s = new K8sClient(loadKubeConfig(cfg.kubeconfig, cfg.context), { namespace: cfg.namespace, retry: cfg.retry, rng: jitter, onRetry });
    const influx = cfg.influx ? new InfluxReader({
      url: cfg.influx.url, database: cfg.influx.database,
      ...(cfg.influx.user !== undefined ? { user: cfg.influx.user } : {}),
      ...(this.secrets.influxPassword !== undefined ? { password: this.secrets.influxPassword } : {}),
      ...(cfg.influx.fieldMap ? { fieldMap: cfg.influx.fieldMap } : {}),
      ...(cfg.influx.freshnessSeconds !== undefined ? { freshnessSeconds: cfg.influx.freshnessSeconds } : {}),
      retry: cfg.retry, rng: jitter, onRetry,
    }) : null;

    const info = await gateway.info().catch(() => ({} as Record<string, unknown>));
    let timeScale = cfg.timeScale;
    if (timeScale === undefined) {
      const reported = (info as { timeScale?: unknown }).timeScale;
      timeScale = typeof reported === 'number' && reported > 0 && Number.isFinite(reported) ? reported : 1;
    }

    // Nodes.
    const k8sNodes = await k8s.listNodes();
    const { toK8s, fromK8s } = mapNodes(this.scenario, k8sNodes, cfg, this.oneTimeWarnings);
    this.nodesView = nodeInfos(this.scenario, k8sNodes, fromK8s);

    // The managed functions must exist; record them before anything changes.
    const statuses = await gateway.listFunctions(cfg.namespace);
    const byName = new Map(statuses.map((s) => [s.name, s]));
    const missing = this.managed.filter((n) => !byName.has(n));
    if (missing.length > 0) {
      throw new ConfigError(`the gateway has no function ${missing.map((m) => quote(m)).join(', ')} in namespace ${quote(cfg.namespace)} (the environment manages ${this.managed.join(', ')}; deploy them first, see docs/real-cluster.md)`);
    }
    // A journal left by a killed run holds the true original: restore it first, then record afresh.
    if (cfg.journalDir !== null && !cfg.dryRun) {
      this.journal = new RestoreJournal(cfg.journalDir, cfg.gateway.url, cfg.namespace);
      const left = this.journal.read();
      if (left) {
        this.log(`a restore journal was left by an earlier run (pid ${left.pid}, ${left.createdAt}): restoring ${left.functions.map((f) => f.name).join(', ')} from ${this.journal.path}`);
        const old = new SafetyLedger();
        for (const f of left.functions) old.record(f);
        old.touchAll();
        const problems = await old.restore(this.restoreOps({ gateway, k8s }, cfg, Date.now() + cfg.restoreTimeoutSeconds * 1000));
        if (problems.length > 0) throw new BackendError(`the restore journal ${this.journal.path} could not be applied (${problems.join('; ')}); restore the functions by hand (docs/real-cluster.md), then delete it`);
        this.journal.remove();
      }
    }
    for (const name of this.managed) {
      const dep = await k8s.readDeployment(name);
      this.ledger.record(recordOf(dep));
      const spec = this.specs.get(name) as ResolvedFunction;
      this.desired.set(name, desiredOf(dep, name, fromK8s, spec));
      // The list endpoint is the only one with invocation counts (the gateway's metrics handler wraps only it).
      this.lastInvocations.set(name, byName.get(name)?.invocationCount ?? 0);
      for (const e of functionContainer(dep, name)?.env ?? []) {
        if (e.valueFrom !== undefined) this.oneTimeWarnings.push(`${name}: env ${e.name} comes from ${Object.keys(e.valueFrom).join(', ')}; it is kept as is (changes patch the Deployment, never the gateway's PUT)`);
      }
    }
    this.journal?.write(this.ledger.all());
    // OpenFaaS CE keeps replicas in 1–5 (gateway/scaling/ranges.go, faas-netes replica_updater.go).
    const provider = String((info.provider as { provider?: unknown } | undefined)?.provider ?? '');
    this.replicaRange = /(^|-)ce$/i.test(provider) ? { min: 1, max: 5 } : null;

    const entries = loadEntries(this.scenario, cfg);
    const lg = new LoadGenerator({
      loads: this.scenario.loads,
      seed,
      timeScale,
      requestTimeoutMs: (cfg.load.requestTimeoutSeconds ?? 60) * 1000,
      maxInflight: cfg.load.maxInflight ?? 1000,
      latencyFrom: cfg.load.latencyFrom ?? 'client',
      send: (target, signal) => {
        const e = entries.get(target) as { fn: string; headers: Record<string, string> };
        return gateway.invoke(e.fn, { namespace: cfg.namespace, body: cfg.load.body ?? '', async: cfg.load.async ?? false, signal, headers: e.headers });
      },
    });
    for (const [i, users] of this.pendingUsers) lg.setUsers(i, users);
    this.pendingUsers.clear();
    const conn: Connection = { gateway, k8s, influx, lg, timeScale, toK8s, fromK8s, entries };
    this.conn = conn;
    await this.refreshPods(conn);
    for (const p of this.lastPods) this.seenPods.add(p.metadata?.uid ?? p.metadata?.name ?? '');
    this.replicaStarts = new Map();

    if (cfg.syncToScenario) {
      const changes = this.scenarioChanges();
      if (changes.length > 0) {
        this.log(`bringing ${[...new Set(changes.map((c) => c.fn))].join(', ')} to the scenario's configuration`);
        const r = await applyChanges(this.applyContext(conn), changes);
        this.rebuildViews(conn);
        for (const rej of r.rejected) this.oneTimeWarnings.push(`start: could not bring ${rej.change.fn} to the scenario's configuration (${rej.change.kind}): ${rej.reason}`);
      }
    }
    return conn;
  }

  private startLoad(conn: Connection): void {
    conn.lg.start();
    this.winStartSim = 0;
    this.winStartWall = Date.now();
    this.finishedAtWinStart = 0;
    this.samples = [this.sampleNow(conn, 0)];
    for (const k of this.replicaStarts.keys()) this.replicaStarts.set(k, 0);
  }

  // ------------------------------------------------------------------ reading state

  private declaredState(f: ResolvedFunction): FunctionState {
    return {
      name: f.name,
      scaling: 'replicas',
      desiredReplicas: f.replicas,
      replicas: [],
      limits: { cpuMilli: f.cpuMilli, memoryMb: f.memoryMb },
      requests: { cpuMilli: f.cpuMilli, memoryMb: f.memoryMb },
      maxInflight: f.maxInflight,
      overflow: f.overflow,
      nodeSelector: f.nodeSelector ? [...f.nodeSelector] : null,
      keepAlive: f.keepAlive,
    };
  }

  /** List the function pods and rebuild the per-function views from them. */
  private async refreshPods(conn: Connection): Promise<void> {
    const pods = (await conn.k8s.listFunctionPods()).filter((p) => this.managed.includes(p.metadata?.labels?.[FUNCTION_LABEL] ?? ''));
    this.lastPods = pods;
    for (const p of pods) {
      const id = p.metadata?.uid ?? p.metadata?.name ?? '';
      if (this.seenPods.has(id)) continue;
      this.seenPods.add(id);
      const fn = p.metadata?.labels?.[FUNCTION_LABEL] as string;
      this.replicaStarts.set(fn, (this.replicaStarts.get(fn) ?? 0) + 1);
    }
    this.rebuildViews(conn);
    if (conn.lg.isRunning) this.samples.push(this.sampleNow(conn, conn.lg.now()));
  }

  private rebuildViews(conn: Connection | null): void {
    const byFn = new Map<string, ReplicaInfo[]>();
    for (const p of this.lastPods) {
      const fn = p.metadata?.labels?.[FUNCTION_LABEL] as string;
      const k8sNode = p.spec?.nodeName;
      if (!k8sNode || p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') continue; // not scheduled, or gone
      const node = conn?.fromK8s.get(k8sNode) ?? k8sNode;
      const ready = p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
      const created = p.metadata?.creationTimestamp ? new Date(p.metadata.creationTimestamp).getTime() : Date.now();
      const list = byFn.get(fn) ?? [];
      list.push({
        id: p.metadata?.name ?? '',
        node,
        phase: p.metadata?.deletionTimestamp ? 'draining' : ready ? 'ready' : 'starting',
        createdAt: conn && conn.lg.isRunning ? ((created - this.loadStartWall()) / 1000) * conn.timeScale : 0,
        inflight: 0,
      });
      byFn.set(fn, list);
    }
    for (const name of this.managed) {
      const d = this.desired.get(name) as Desired;
      const prev = this.fnView.get(name) as FunctionState;
      const req = (x: number): number => Math.round(x * (this.cfg?.requestRatio ?? 1));
      this.fnView.set(name, {
        ...prev,
        desiredReplicas: d.replicas,
        replicas: (byFn.get(name) ?? []).sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1)),
        limits: { cpuMilli: d.cpuMilli, memoryMb: d.memoryMb },
        requests: { cpuMilli: req(d.cpuMilli), memoryMb: req(d.memoryMb) },
        maxInflight: d.maxInflight,
        nodeSelector: d.placement ? [...d.placement] : null,
      });
    }
  }

  private loadStartWall(): number {
    const lg = this.conn?.lg;
    if (!lg || !lg.isRunning) return Date.now();
    return Date.now() - (lg.now() / lg.timeScale) * 1000;
  }

  private sampleNow(conn: Connection, t: number): Sample {
    const perFn = new Map<string, number>();
    const nodes = new Set<string>();
    let total = 0;
    for (const name of this.managed) {
      const live = (this.fnView.get(name) as FunctionState).replicas;
      perFn.set(name, live.length);
      total += live.length;
      for (const r of live) nodes.add(r.node);
    }
    void conn;
    return { t, perFn, nodesUsed: nodes.size, total };
  }

  // ------------------------------------------------------------------ changes

  /** The changes that bring the managed functions from their current configuration to the scenario's. */
  private scenarioChanges(): ConfigChange[] {
    const out: ConfigChange[] = [];
    for (const f of this.scenario.functions) {
      const d = this.desired.get(f.name) as Desired;
      if (d.cpuMilli !== f.cpuMilli || d.memoryMb !== f.memoryMb) out.push({ kind: 'resize', fn: f.name, cpuMilli: f.cpuMilli, memoryMb: f.memoryMb });
      if (d.maxInflight !== f.maxInflight) out.push({ kind: 'concurrency', fn: f.name, maxInflight: f.maxInflight });
      const want = f.nodeSelector ? [...f.nodeSelector] : null;
      if (JSON.stringify(d.placement) !== JSON.stringify(want)) out.push({ kind: 'place', fn: f.name, nodes: want });
      if (d.replicas !== f.replicas) out.push({ kind: 'scale', fn: f.name, replicas: f.replicas });
    }
    return out;
  }

  // ------------------------------------------------------------------ snapshot

  private async snapshot(conn: Connection): Promise<ClusterSnapshot> {
    const cfg = this.cfg as KubernetesBackendConfig;
    const tEnd = conn.lg.now();
    const wallEnd = Date.now();
    const window = Math.max(0, tEnd - this.winStartSim);
    const stats = conn.lg.takeWindow();
    const statuses = new Map((await conn.gateway.listFunctions(cfg.namespace)).map((s) => [s.name, s]));
    await this.refreshPods(conn);
    const warnings: string[] = [...this.oneTimeWarnings];
    this.oneTimeWarnings.length = 0;
    const samples = this.samples.filter((s) => s.t <= tEnd);
    const integral = integrate(samples, this.winStartSim, tEnd);

    const hosts = new Map<string, string>();
    for (const n of this.nodesView) {
      const k8sName = conn.toK8s.get(n.name) ?? n.name;
      hosts.set(n.name, cfg.influx?.hostMap?.[k8sName] ?? k8sName);
    }
    let pcm = new Map<string, { counters: PcmCounters }>();
    if (conn.influx) {
      const r = await conn.influx.readWindow(hosts, this.winStartWall, wallEnd);
      pcm = r.readings;
      warnings.push(...r.warnings);
    } else warnings.push('pcm: no InfluxDB configured (backend.influx); every node\'s counters are reported as 0 (missing)');
    const podsPerNode = new Map<string, number>();
    for (const p of this.lastPods) {
      if (!p.spec?.nodeName || p.metadata?.deletionTimestamp) continue;
      const node = conn.fromK8s.get(p.spec.nodeName) ?? p.spec.nodeName;
      podsPerNode.set(node, (podsPerNode.get(node) ?? 0) + 1);
    }
    const { snapshot, invocations } = windowSnapshot({
      scenario: this.scenario,
      managed: this.managed,
      desired: this.desired,
      replicas: new Map(this.managed.map((n) => [n, (this.fnView.get(n) as FunctionState).replicas])),
      replicaStarts: this.replicaStarts,
      stats,
      statuses,
      invocationsBefore: this.lastInvocations,
      integral,
      tEnd,
      window,
      nodes: this.nodesView,
      pcm,
      stress: this.stress,
      podsPerNode,
      warnings,
      loadMaxInflight: cfg.load.maxInflight ?? 1000,
      maxLateness: conn.lg.maxLateness,
    });
    conn.lg.maxLateness = 0;
    for (const [k, v] of invocations) this.lastInvocations.set(k, v);
    // The next window starts now.
    this.winStartSim = tEnd;
    this.winStartWall = wallEnd;
    this.finishedAtWinStart = conn.lg.finished;
    this.samples = [{ ...(this.samples[this.samples.length - 1] as Sample), t: tEnd }];
    for (const k of this.managed) this.replicaStarts.set(k, 0);
    return snapshot;
  }

  private applyContext(conn: Connection): ApplyContext {
    return {
      cfg: this.cfg as KubernetesBackendConfig,
      gateway: conn.gateway,
      k8s: conn.k8s,
      toK8s: conn.toK8s,
      desired: this.desired,
      ledger: this.ledger,
      managed: this.managed,
      nodeNames: () => this.nodesView.map((n) => n.name),
      replicaRange: this.replicaRange,
      refreshPods: () => this.refreshPods(conn),
      log: (line) => this.log(line),
      warn: (line) => this.oneTimeWarnings.push(line),
    };
  }

  private restoreOps(conn: Pick<Connection, 'gateway' | 'k8s'>, cfg: KubernetesBackendConfig, deadline: number): RestoreOps {
    return {
      readDeployment: (n) => conn.k8s.readDeployment(n),
      patchDeployment: (n, p) => conn.k8s.patchDeployment(n, p),
      scale: (n, r) => conn.gateway.scaleFunction(n, cfg.namespace, r),
      waitForRollout: async (n) => {
        const stuck = await awaitRollout({ cfg, k8s: conn.k8s }, n, deadline);
        if (stuck !== null) throw new BackendError(`the recorded configuration of ${n} cannot be scheduled: ${stuck}`);
      },
      log: (line) => this.log(line),
    };
  }

  // ------------------------------------------------------------------ closing

  private assertOpen(): void {
    if (this.closed) throw new BackendError('the kubernetes cluster is closed');
  }

  private async shutdown(): Promise<void> {
    let conn: Connection | null = this.conn;
    if (!conn && this.connecting) conn = await this.connecting.catch(() => null);
    const problems: string[] = [];
    try {
      if (conn) {
        await conn.lg.stop();
        const cfg = this.cfg as KubernetesBackendConfig;
        if (!cfg.dryRun) {
          const deadline = Date.now() + cfg.restoreTimeoutSeconds * 1000;
          problems.push(...await this.ledger.restore(this.restoreOps(conn, cfg, deadline)));
          if (problems.length === 0) this.journal?.remove();
        }
      }
    } finally {
      await this.hooks.release?.();
    }
    if (problems.length > 0) throw new BackendError(`close: the cluster could not be restored to its recorded configuration: ${problems.join('; ')}`);
  }
}
