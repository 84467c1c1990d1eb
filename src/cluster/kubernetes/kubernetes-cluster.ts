/**
 * `KubernetesCluster`: the `Cluster` seam over a real Kubernetes + OpenFaaS
 * cluster (or anything that speaks the same APIs, such as the twin).
 *
 * - Facts are read from the Kubernetes API (nodes, the functions'
 *   Deployments and pods), the OpenFaaS gateway (functions, usage,
 *   invocation counts) and InfluxDB (per-node Intel PCM counters).
 * - Changes go through the gateway (`PUT /system/functions` for limits,
 *   requests and the watchdog's `max_inflight`; `POST /system/scale-function`
 *   for replicas) and the Kubernetes API (placement: the Deployment's
 *   `nodeSelector` on `kubernetes.io/hostname`, or a required node affinity for
 *   several nodes, re-applied after every `PUT` because the gateway resets it).
 *   Each apply waits for the rollouts, with a deadline.
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
 * What a real cluster cannot tell is reported, never invented: every window's
 * `warnings` lists the metrics that were not measured (reported as 0) and every
 * missing or stale PCM counter.
 */
import type { V1Affinity, V1Deployment, V1Node, V1Pod } from '@kubernetes/client-node';
import { BackendError, ConfigError, quote } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import { AZURE_PREMIUM_PRICES, AWS_LAMBDA_X86_PRICES } from '../cost.js';
import { Histogram } from '../sim/histogram.js';
import { resolveScenario } from '../sim/scenario.js';
import type { ResolvedFunction, ResolvedScenario, ScenarioSpec } from '../sim/spec.js';
import type {
  ApplyResult, Cluster, ClusterSnapshot, ConfigChange, FunctionMetrics, FunctionState, NodeInfo, NodeMetrics, PcmCounters, ReplicaInfo, WindowSpec, WorkflowMetrics,
} from '../types.js';
import { parseKubernetesConfig, type BackendSecrets, type KubernetesBackendConfig } from './config.js';
import { GatewayClient, deploymentOf, type FunctionDeployment, type FunctionStatus } from './gateway-client.js';
import type { InfluxReader } from './influx-reader.js';
import type { K8sClient } from './k8s-client.js';
import { FUNCTION_LABEL, HOSTNAME_LABEL, rolloutState } from './rollout.js';
import { LoadGenerator, type TargetWindow } from './load-generator.js';
import { cpuMilli, formatCpu, formatMemory, memoryMb, parseQuantity } from './quantity.js';
import { sleep } from './retry.js';
import { SafetyLedger, placementPatch, recordOf } from './safety.js';

/** Node labels or annotations that describe what Kubernetes does not: CPU model, L3 size, relative per-core speed. */
export const NODE_CPU_MODEL_KEY = 'faasgym.io/cpu-model';
export const NODE_L3_MB_KEY = 'faasgym.io/l3-mb';
export const NODE_SPEED_KEY = 'faasgym.io/speed';

/** Hooks for a cluster whose endpoints exist only once started (the twin). */
export interface KubernetesClusterHooks {
  /** Called once before the first contact; returns backend config fields to fill in (URLs, kubeconfig, time scale). */
  prepare?: () => Promise<Record<string, unknown>>;
  /** Called last in `close()` (after the restore), also after errors. */
  release?: () => Promise<void>;
  /** Inject co-located interference on a node (a twin can; a real cluster cannot). */
  setStress?: (node: string, level: number) => void;
}

/** The configuration the backend manages for a function. */
interface Desired {
  replicas: number;
  cpuMilli: number;
  memoryMb: number;
  maxInflight: number;
  /** Allowed nodes (scenario names), null = any. */
  placement: string[] | null;
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

interface Sample {
  t: number;
  perFn: Map<string, number>;
  nodesUsed: number;
  total: number;
}

const MANAGED_NOT_MEASURED = ['networkMBps', 'throttledFraction', 'queueLength', 'coldStarts'];

export class KubernetesCluster implements Cluster {
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
    return this.applyChanges(conn, changes);
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

    let timeScale = cfg.timeScale;
    if (timeScale === undefined) {
      const info = await gateway.info().catch(() => ({} as Record<string, unknown>));
      const reported = (info as { timeScale?: unknown }).timeScale;
      timeScale = typeof reported === 'number' && reported > 0 && Number.isFinite(reported) ? reported : 1;
    }

    // Nodes.
    const k8sNodes = await k8s.listNodes();
    const { toK8s, fromK8s } = this.mapNodes(k8sNodes, cfg);
    this.nodesView = this.nodeInfos(k8sNodes, fromK8s);

    // The managed functions must exist; record them before anything changes.
    const statuses = await gateway.listFunctions(cfg.namespace);
    const byName = new Map(statuses.map((s) => [s.name, s]));
    const missing = this.managed.filter((n) => !byName.has(n));
    if (missing.length > 0) {
      throw new ConfigError(`the gateway has no function ${missing.map((m) => quote(m)).join(', ')} in namespace ${quote(cfg.namespace)} (the environment manages ${this.managed.join(', ')}; deploy them first, see docs/real-cluster.md)`);
    }
    for (const name of this.managed) {
      const status = await gateway.getFunction(name, cfg.namespace);
      const dep = await k8s.readDeployment(name);
      this.ledger.record(recordOf(status, dep));
      byName.set(name, status);
      this.desired.set(name, this.desiredFrom(status, dep, fromK8s));
      this.lastInvocations.set(name, status.invocationCount ?? 0);
    }

    const entries = this.loadEntries(cfg);
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
        const r = await this.applyChanges(conn, changes);
        for (const rej of r.rejected) this.oneTimeWarnings.push(`start: could not bring ${rej.change.fn} to the scenario's configuration (${rej.change.kind}): ${rej.reason}`);
      }
    }
    return conn;
  }

  /** Scenario node names → Kubernetes node names (nodeMap, else the same name). */
  private mapNodes(k8sNodes: V1Node[], cfg: KubernetesBackendConfig): { toK8s: Map<string, string>; fromK8s: Map<string, string> } {
    const names = new Set(k8sNodes.map((n) => n.metadata?.name ?? ''));
    for (const [from, to] of Object.entries(cfg.nodeMap)) {
      if (!this.scenario.nodes.some((n) => n.name === from)) throw new ConfigError(`backend.nodeMap: ${quote(from)} is not a node of the scenario (nodes: ${this.scenario.nodes.map((n) => n.name).join(', ')})`);
      if (!names.has(to)) throw new ConfigError(`backend.nodeMap.${from}: the cluster has no node ${quote(to)} (nodes: ${[...names].join(', ')})`);
    }
    const toK8s = new Map<string, string>(), fromK8s = new Map<string, string>();
    const declared = this.scenario.nodes.map((n) => n.name);
    const present = declared.filter((d) => names.has(cfg.nodeMap[d] ?? d));
    if (declared.length === 0 || (present.length === 0 && Object.keys(cfg.nodeMap).length === 0)) {
      // The scenario's nodes are not this cluster's: work with the cluster's own.
      if (declared.length > 0) this.oneTimeWarnings.push(`the cluster has none of the scenario's nodes (${declared.join(', ')}); nodes are the cluster's own (set backend.nodeMap to map them)`);
      for (const n of names) {
        toK8s.set(n, n);
        fromK8s.set(n, n);
      }
      return { toK8s, fromK8s };
    }
    const absent = declared.filter((d) => !present.includes(d));
    if (absent.length > 0) throw new ConfigError(`the cluster has no node for the scenario's ${absent.map((a) => quote(a)).join(', ')} (cluster nodes: ${[...names].join(', ')}; map them with backend.nodeMap)`);
    for (const d of declared) {
      const k = cfg.nodeMap[d] ?? d;
      toK8s.set(d, k);
      fromK8s.set(k, d);
    }
    return { toK8s, fromK8s };
  }

  private nodeInfos(k8sNodes: V1Node[], fromK8s: Map<string, string>): NodeInfo[] {
    const out: NodeInfo[] = [];
    const declared = new Map(this.scenario.nodes.map((n) => [n.name, n]));
    // Scenario order first (environments index nodes by it), then any others.
    const ordered = [...k8sNodes].filter((n) => fromK8s.has(n.metadata?.name ?? '')).sort((a, b) => {
      const ia = this.scenario.nodes.findIndex((d) => d.name === fromK8s.get(a.metadata?.name ?? ''));
      const ib = this.scenario.nodes.findIndex((d) => d.name === fromK8s.get(b.metadata?.name ?? ''));
      return (ia < 0 ? Infinity : ia) - (ib < 0 ? Infinity : ib);
    });
    for (const n of ordered) {
      const name = fromK8s.get(n.metadata?.name ?? '') as string;
      const labels = { ...(n.metadata?.labels ?? {}) };
      const ann = n.metadata?.annotations ?? {};
      const d = declared.get(name);
      const cap = n.status?.capacity ?? n.status?.allocatable ?? {};
      const meta = (key: string): string | undefined => labels[key] ?? ann[key];
      const numMeta = (key: string, fallback: number): number => {
        const v = Number(meta(key));
        return Number.isFinite(v) && v > 0 ? v : fallback;
      };
      out.push({
        name,
        cores: cap.cpu !== undefined ? parseQuantity(cap.cpu, `node ${name} capacity.cpu`) : d?.cores ?? 1,
        memoryMb: cap.memory !== undefined ? memoryMb(cap.memory, `node ${name} capacity.memory`) : d?.memoryMb ?? 0,
        cpuModel: meta(NODE_CPU_MODEL_KEY) ?? d?.cpuModel ?? 'unknown',
        l3Mb: numMeta(NODE_L3_MB_KEY, d?.l3Mb ?? 32),
        speed: numMeta(NODE_SPEED_KEY, d?.speed ?? 1),
        labels,
      });
    }
    return out;
  }

  /** What each load target invokes: a function itself, or a workflow's entry function. */
  private loadEntries(cfg: KubernetesBackendConfig): Map<string, { fn: string; headers: Record<string, string> }> {
    const out = new Map<string, { fn: string; headers: Record<string, string> }>();
    for (const load of this.scenario.loads) {
      if (out.has(load.target)) continue;
      if (this.specs.has(load.target)) {
        out.set(load.target, { fn: load.target, headers: {} });
        continue;
      }
      const wf = this.scenario.workflows.find((w) => w.name === load.target);
      if (!wf) throw new ConfigError(`load target ${quote(load.target)} is neither a function nor a workflow of the scenario`);
      let fn = cfg.load.workflowEntry?.[wf.name];
      if (fn === undefined) {
        const targets = new Set([...wf.edges.map((e) => e[1]), ...wf.branches.flatMap((b) => b.to)]);
        const roots = wf.stages.filter((s) => !targets.has(s.id));
        if (roots.length !== 1) throw new ConfigError(`workflow ${quote(wf.name)} has ${roots.length} entry stages; name the function to invoke in backend.load.workflowEntry.${wf.name}`);
        fn = (roots[0] as { fn: string }).fn;
      }
      out.set(load.target, { fn, headers: { ...(cfg.load.workflowHeaders?.[wf.name] ?? {}) } });
    }
    return out;
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

  private desiredFrom(status: FunctionStatus, dep: V1Deployment, fromK8s: Map<string, string>): Desired {
    const container = dep.spec?.template?.spec?.containers?.[0];
    const limits = status.limits ?? container?.resources?.limits ?? {};
    const requests = status.requests ?? container?.resources?.requests ?? {};
    const spec = this.specs.get(status.name) as ResolvedFunction;
    const cpu = limits.cpu ?? requests.cpu;
    const mem = limits.memory ?? requests.memory;
    const env = status.envVars ?? Object.fromEntries((container?.env ?? []).map((e) => [e.name, e.value ?? '']));
    return {
      replicas: dep.spec?.replicas ?? status.replicas ?? 1,
      cpuMilli: cpu !== undefined ? cpuMilli(cpu, `${status.name} cpu`) : spec.cpuMilli,
      memoryMb: mem !== undefined ? memoryMb(mem, `${status.name} memory`) : spec.memoryMb,
      maxInflight: parseInflight(env.max_inflight),
      placement: placementOf(dep, fromK8s),
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

  /** Check one change against the cluster's functions and nodes; the reason it cannot be made, or null. */
  private invalid(change: ConfigChange): string | null {
    if (typeof change !== 'object' || change === null) return `a change must be an object, got ${quote(change)}`;
    const fn = (change as { fn?: unknown }).fn;
    if (typeof fn !== 'string' || !this.desired.has(fn)) return `unknown function ${quote(fn)} (this environment manages ${this.managed.join(', ')})`;
    const nodes = new Set(this.nodesView.map((n) => n.name));
    switch (change.kind) {
      case 'scale':
        return Number.isSafeInteger(change.replicas) && change.replicas >= 0 ? null : `replicas must be a non-negative integer, got ${quote(change.replicas)}`;
      case 'resize': {
        if (change.cpuMilli !== undefined && !(change.cpuMilli > 0 && Number.isFinite(change.cpuMilli))) return `cpuMilli must be a finite number > 0, got ${quote(change.cpuMilli)}`;
        if (change.memoryMb !== undefined && !(change.memoryMb > 0 && Number.isFinite(change.memoryMb))) return `memoryMb must be a finite number > 0, got ${quote(change.memoryMb)}`;
        return null;
      }
      case 'concurrency':
        return Number.isSafeInteger(change.maxInflight) && change.maxInflight >= 0 ? null : `maxInflight must be a non-negative integer, got ${quote(change.maxInflight)}`;
      case 'migrate':
        return nodes.has(change.to) ? null : `unknown node ${quote(change.to)}`;
      case 'place': {
        if (change.nodes === null) return null;
        if (!Array.isArray(change.nodes) || change.nodes.length === 0) return `nodes must be a non-empty array of node names or null, got ${quote(change.nodes)}`;
        const unknown = change.nodes.find((n) => !nodes.has(n));
        return unknown === undefined ? null : `unknown node ${quote(unknown)}`;
      }
      case 'prewarm':
        return Number.isSafeInteger(change.count) && change.count >= 1 ? null : `count must be a positive integer, got ${quote(change.count)}`;
      default:
        return `unknown change kind ${quote((change as { kind: unknown }).kind)}`;
    }
  }

  private async applyChanges(conn: Connection, changes: ConfigChange[]): Promise<ApplyResult> {
    const cfg = this.cfg as KubernetesBackendConfig;
    const result: ApplyResult = { applied: [], rejected: [] };
    // Group the valid changes per function, in order; the last value of each aspect wins, as applying them in order would.
    const plans = new Map<string, { before: Desired; after: Desired; prewarm: number; changes: ConfigChange[] }>();
    for (const change of changes) {
      const reason = this.invalid(change);
      if (reason !== null) {
        result.rejected.push({ change, reason });
        continue;
      }
      const before = this.desired.get(change.fn) as Desired;
      let plan = plans.get(change.fn);
      if (!plan) plans.set(change.fn, (plan = { before: { ...before }, after: { ...before, placement: before.placement ? [...before.placement] : null }, prewarm: 0, changes: [] }));
      const a = plan.after;
      switch (change.kind) {
        case 'scale': a.replicas = change.replicas; break;
        case 'resize': a.cpuMilli = Math.round(change.cpuMilli ?? a.cpuMilli); a.memoryMb = Math.round(change.memoryMb ?? a.memoryMb); break;
        case 'concurrency': a.maxInflight = change.maxInflight; break;
        // A Deployment's replicas share one pod template: a migration moves every replica of the function.
        case 'migrate': a.placement = [change.to]; break;
        case 'place': a.placement = change.nodes === null ? null : [...change.nodes]; break;
        case 'prewarm': plan.prewarm += change.count; break;
      }
      plan.changes.push(change);
    }
    if (plans.size === 0) return result;

    if (cfg.dryRun) {
      for (const [name, p] of plans) {
        for (const line of describePlan(name, p.before, p.after, p.prewarm, cfg)) this.log(`dry-run: ${line}`);
        this.desired.set(name, p.after);
        result.applied.push(...p.changes);
      }
      this.rebuildViews(conn);
      return result;
    }

    // 1. Deployment (limits, requests, env) through the gateway, then placement (re-applied after every PUT), then replicas.
    const deadline = Date.now() + cfg.changeTimeoutSeconds * 1000;
    const touched: string[] = [];
    for (const [name, p] of plans) {
      const { before, after } = p;
      const deploymentChanged = before.cpuMilli !== after.cpuMilli || before.memoryMb !== after.memoryMb || before.maxInflight !== after.maxInflight;
      const placementChanged = JSON.stringify(before.placement) !== JSON.stringify(after.placement);
      if (!deploymentChanged && !placementChanged && before.replicas === after.replicas) continue;
      touched.push(name);
      if (deploymentChanged) {
        const status = await conn.gateway.getFunction(name, cfg.namespace);
        this.ledger.touch(name, 'deployment');
        await conn.gateway.updateFunction(this.deploymentFor(status, after));
      }
      if (deploymentChanged || placementChanged) {
        this.ledger.touch(name, 'placement');
        await this.applyPlacement(conn, name, after.placement);
      }
      const current = (await conn.k8s.readDeployment(name)).spec?.replicas ?? 1;
      if (current !== after.replicas) {
        this.ledger.touch(name, 'replicas');
        await conn.gateway.scaleFunction(name, cfg.namespace, after.replicas);
      }
      this.desired.set(name, after);
    }

    // New pods count (replica samples) from the moment they exist, as a simulated replica does.
    if (touched.length > 0) await this.refreshPods(conn);

    // 2. Wait for the rollouts; a rollout stuck on unschedulable pods is a refusal (the cluster has no room), like the simulator's.
    const outcomes = await Promise.all(touched.map((name) => this.awaitRollout(conn, name, deadline)));
    for (let i = 0; i < touched.length; i++) {
      const name = touched[i] as string;
      const stuck = outcomes[i];
      const p = plans.get(name) as { before: Desired; after: Desired; prewarm: number; changes: ConfigChange[] };
      if (stuck === null) continue;
      const reason = `no node has room for ${name} (${formatCpu(p.after.cpuMilli)} CPU, ${formatMemory(p.after.memoryMb)} per replica): ${stuck}`;
      const refused = await this.undo(conn, name, p.before, p.after, deadline, stuck);
      for (const c of p.changes) if (refused.includes(c.kind)) result.rejected.push({ change: c, reason });
      p.changes = p.changes.filter((c) => !refused.includes(c.kind));
    }

    // 3. Prewarm: dummy invocations, all at once, within the deadline.
    for (const [name, p] of plans) {
      if (p.prewarm === 0) continue;
      const signal = AbortSignal.timeout(Math.max(1, deadline - Date.now()));
      const outcomes2 = await Promise.all(Array.from({ length: p.prewarm }, () => conn.gateway.invoke(name, { namespace: cfg.namespace, body: cfg.load.body ?? '', signal })));
      const bad = outcomes2.filter((o) => !(o.status >= 200 && o.status < 300)).length;
      if (bad > 0) {
        const reason = `${bad} of ${p.prewarm} prewarm invocations of ${name} failed`;
        for (const c of p.changes) if (c.kind === 'prewarm') result.rejected.push({ change: c, reason });
        p.changes = p.changes.filter((c) => c.kind !== 'prewarm');
      }
    }
    for (const p of plans.values()) result.applied.push(...p.changes);
    await this.refreshPods(conn);
    return result;
  }

  /** The FunctionDeployment for `PUT` from the function's current status with the managed fields set. */
  private deploymentFor(status: FunctionStatus, d: Desired): FunctionDeployment {
    const cfg = this.cfg as KubernetesBackendConfig;
    const dep = deploymentOf(status);
    dep.limits = { ...(dep.limits ?? {}), cpu: formatCpu(d.cpuMilli), memory: formatMemory(d.memoryMb) };
    dep.requests = { ...(dep.requests ?? {}), cpu: formatCpu(Math.round(d.cpuMilli * cfg.requestRatio)), memory: formatMemory(Math.round(d.memoryMb * cfg.requestRatio)) };
    const env = { ...(dep.envVars ?? {}) };
    if (d.maxInflight > 0) env.max_inflight = String(d.maxInflight);
    else if (env.max_inflight !== undefined) env.max_inflight = '0';
    dep.envVars = env;
    return dep;
  }

  /** Patch the Deployment's placement to `nodes` (scenario names; null: wherever the record had it, else anywhere). */
  private async applyPlacement(conn: Connection, name: string, nodes: string[] | null): Promise<void> {
    const current = await conn.k8s.readDeployment(name);
    const rec = this.ledger.get(name);
    const pod: { nodeSelector?: Record<string, string>; affinity?: V1Affinity } = current.spec?.template?.spec ?? {};
    const selector: Record<string, string> = { ...(pod.nodeSelector ?? {}) };
    delete selector[HOSTNAME_LABEL];
    let affinity = pod.affinity ? structuredClone(pod.affinity) : null;
    if (affinity?.nodeAffinity) delete affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution;
    if (nodes === null) {
      // Any node: keep the other selector keys the function was deployed with.
      for (const [k, v] of Object.entries(rec?.nodeSelector ?? {})) if (k !== HOSTNAME_LABEL) selector[k] = v;
    } else if (nodes.length === 1) {
      selector[HOSTNAME_LABEL] = conn.toK8s.get(nodes[0] as string) ?? (nodes[0] as string);
    } else {
      affinity ??= {};
      affinity.nodeAffinity = {
        ...(affinity.nodeAffinity ?? {}),
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: HOSTNAME_LABEL, operator: 'In', values: nodes.map((n) => conn.toK8s.get(n) ?? n) }] }],
        },
      };
    }
    if (affinity && (!affinity.nodeAffinity || Object.keys(affinity.nodeAffinity).length === 0)) delete affinity.nodeAffinity;
    if (affinity && Object.keys(affinity).length === 0) affinity = null;
    const patch = placementPatch(current, Object.keys(selector).length > 0 ? selector : null, affinity);
    if (patch) await conn.k8s.patchDeployment(name, patch);
  }

  /**
   * Wait until `name`'s rollout is done (null), or it is stuck on pods the
   * scheduler cannot place (the scheduler's message), or the deadline passes
   * (BackendError).
   */
  private async awaitRollout(conn: Connection, name: string, deadline: number): Promise<string | null> {
    const pollMs = (this.cfg as KubernetesBackendConfig).pollSeconds * 1000;
    let stuckPolls = 0;
    for (;;) {
      const d = await conn.k8s.readDeployment(name);
      const state = rolloutState(d);
      if (state.done) return null;
      const pods = (await conn.k8s.listFunctionPods()).filter((p) => p.metadata?.labels?.[FUNCTION_LABEL] === name && !p.metadata?.deletionTimestamp);
      const unschedulable = pods.map((p) => p.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable')).filter((c) => c !== undefined);
      stuckPolls = unschedulable.length > 0 ? stuckPolls + 1 : 0;
      if (stuckPolls >= 2) return `${unschedulable.length} pod(s) unschedulable: ${unschedulable[0]?.message ?? 'Unschedulable'}`;
      const left = deadline - Date.now();
      if (left <= 0) throw new BackendError(`rollout of ${name} in namespace ${conn.k8s.namespace} did not finish by its deadline: ${state.detail}`);
      await sleep(Math.min(pollMs, left));
    }
  }

  /**
   * A rollout the cluster has no room for: scale back to the replicas that
   * were placed (a scale-out is then partly granted, as in the simulator), or
   * undo a resize or placement. Returns the change kinds refused.
   */
  private async undo(conn: Connection, name: string, before: Desired, after: Desired, deadline: number, reason: string): Promise<ConfigChange['kind'][]> {
    const cfg = this.cfg as KubernetesBackendConfig;
    const refused: ConfigChange['kind'][] = [];
    const resourcesChanged = before.cpuMilli !== after.cpuMilli || before.memoryMb !== after.memoryMb;
    const placementChanged = JSON.stringify(before.placement) !== JSON.stringify(after.placement);
    const restored: Desired = { ...after };
    let stuck: string | null = reason;
    if (resourcesChanged || placementChanged) {
      // Undo what made the pods unplaceable (the scale and concurrency parts stay).
      restored.cpuMilli = before.cpuMilli;
      restored.memoryMb = before.memoryMb;
      restored.placement = before.placement;
      if (resourcesChanged) {
        const status = await conn.gateway.getFunction(name, cfg.namespace);
        await conn.gateway.updateFunction(this.deploymentFor(status, restored));
        refused.push('resize');
      }
      await this.applyPlacement(conn, name, restored.placement);
      if (placementChanged) refused.push('migrate', 'place');
      this.desired.set(name, { ...restored });
      stuck = await this.awaitRollout(conn, name, deadline);
    }
    if (stuck !== null && restored.replicas > before.replicas) {
      // A scale-out is granted as far as the scheduler placed pods, as the simulator grants replicas that fit.
      const pods = (await conn.k8s.listFunctionPods()).filter((p) => p.metadata?.labels?.[FUNCTION_LABEL] === name && !p.metadata?.deletionTimestamp);
      const placed = pods.filter((p) => p.spec?.nodeName).length;
      restored.replicas = Math.max(before.replicas, Math.min(restored.replicas, placed));
      if ((await conn.k8s.readDeployment(name)).spec?.replicas !== restored.replicas) await conn.gateway.scaleFunction(name, cfg.namespace, restored.replicas);
      refused.push('scale', 'prewarm');
      this.desired.set(name, { ...restored });
      stuck = await this.awaitRollout(conn, name, deadline);
    }
    if (stuck !== null) throw new BackendError(`${name}: a rollout cannot be scheduled and undoing the change did not help: ${stuck}`);
    return refused;
  }

  // ------------------------------------------------------------------ snapshot

  private async snapshot(conn: Connection): Promise<ClusterSnapshot> {
    const cfg = this.cfg as KubernetesBackendConfig;
    const tEnd = conn.lg.now();
    const wallEnd = Date.now();
    const window = Math.max(0, tEnd - this.winStartSim);
    const per = (x: number): number => (window > 0 ? x / window : 0);
    const stats = conn.lg.takeWindow();
    const statuses = new Map((await conn.gateway.listFunctions(cfg.namespace)).map((s) => [s.name, s]));
    await this.refreshPods(conn);
    const warnings: string[] = [...this.oneTimeWarnings];
    this.oneTimeWarnings.length = 0;

    // Replica-time integrals over the window, from the samples.
    const samples = this.samples.filter((s) => s.t <= tEnd);
    const integral = integrate(samples, this.winStartSim, tEnd);

    const functions: Record<string, FunctionMetrics> = {};
    let provisionedUsd = 0, lambdaUsd = 0;
    const unmeasured: string[] = [];
    for (const name of this.managed) {
      const d = this.desired.get(name) as Desired;
      const st = statuses.get(name);
      // Measured by the load generator only when the load targets the function itself. A workflow's entry
      // function answers after the chain behind it, so its calls measure the workflow (in `workflows`), not it.
      const s: TargetWindow | undefined = this.specs.has(name) && this.scenario.loads.some((l) => l.target === name) ? stats.get(name) : undefined;
      const replicaSeconds = integral.perFn.get(name) ?? 0;
      const avgReplicas = per(replicaSeconds);
      const invNow = st?.invocationCount;
      const invDelta = invNow !== undefined ? Math.max(0, invNow - (this.lastInvocations.get(name) ?? invNow)) : null;
      if (invNow !== undefined) this.lastInvocations.set(name, invNow);
      let m: FunctionMetrics;
      const cpuCores = typeof st?.usage?.cpu === 'number' ? st.usage.cpu / 1000 : null;
      const memBytes = typeof st?.usage?.totalMemoryBytes === 'number' ? st.usage.totalMemoryBytes : null;
      if (cpuCores === null) unmeasured.push(`${name}.cpuUtilization`);
      if (memBytes === null) unmeasured.push(`${name}.memoryUtilization`);
      const live = (this.fnView.get(name) as FunctionState).replicas.filter((r) => r.phase !== 'draining').length;
      const base = {
        coldStarts: 0,
        replicaStarts: this.replicaStarts.get(name) ?? 0,
        cpuUtilization: cpuCores !== null && avgReplicas > 0 ? cpuCores / ((d.cpuMilli / 1000) * avgReplicas) : 0,
        cpuCores: cpuCores ?? 0,
        memoryUtilization: memBytes !== null && live > 0 ? Math.min(1, memBytes / 2 ** 20 / (d.memoryMb * live)) : 0,
        networkMBps: 0,
        throttledFraction: 0,
        queueLength: 0,
      };
      if (s) {
        const running = Math.min(s.outstanding, avgReplicas);
        m = {
          ...base,
          requests: s.requests, successes: s.successes, rejected: s.rejected, failed: s.failed,
          throughput: per(s.successes), latency: s.latency.stats(), inflight: s.outstanding,
          instances: { total: avgReplicas, running, idle: Math.max(0, avgReplicas - running) },
        };
        lambdaUsd += s.successes * s.latency.mean * (d.memoryMb / 1024) * AWS_LAMBDA_X86_PRICES.gbSecondUsd + s.requests * AWS_LAMBDA_X86_PRICES.perMillionRequestsUsd / 1e6;
        if (s.dropped > 0) warnings.push(`load: ${s.dropped} arrivals of ${name} were dropped (more than ${cfg.load.maxInflight ?? 1000} requests outstanding); counted as failed`);
      } else {
        // Invoked by other functions (a workflow chained by the functions themselves): only the gateway's count is known.
        const n = invDelta ?? 0;
        unmeasured.push(`${name}.latency`, `${name}.outcomes (invocations from the gateway's invocationCount${invDelta === null ? ', which it does not report' : ''})`);
        m = {
          ...base,
          requests: n, successes: n, rejected: 0, failed: 0, throughput: per(n), latency: new Histogram().stats(), inflight: 0,
          instances: { total: avgReplicas, running: 0, idle: avgReplicas },
        };
      }
      functions[name] = m;
      provisionedUsd += (replicaSeconds / 3600) * ((d.cpuMilli / 1000) * AZURE_PREMIUM_PRICES.vcpuHourUsd + (d.memoryMb / 1024) * AZURE_PREMIUM_PRICES.gbHourUsd);
    }
    warnings.push(`not measured on a real cluster, reported as 0: ${[...MANAGED_NOT_MEASURED, ...unmeasured].join(', ')}`);
    if (conn.lg.maxLateness > 0.05 * Math.max(1, window)) warnings.push(`load: sends ran up to ${conn.lg.maxLateness.toFixed(3)} s behind their arrival times (the load generator was overloaded)`);
    conn.lg.maxLateness = 0;

    // Workflows: end to end, as the load generator saw their entry calls.
    const workflows: Record<string, WorkflowMetrics> = {};
    for (const wf of this.scenario.workflows) {
      const s = stats.get(wf.name);
      if (s && s.dropped > 0) warnings.push(`load: ${s.dropped} arrivals of ${wf.name} were dropped (more than ${cfg.load.maxInflight ?? 1000} requests outstanding); counted as failed`);
      workflows[wf.name] = s
        ? { requests: s.requests, completed: s.successes, failed: s.failed + s.rejected, latency: s.latency.stats() }
        : { requests: 0, completed: 0, failed: 0, latency: new Histogram().stats() };
    }

    // Nodes: PCM from InfluxDB, replicas from the pods.
    const nodes: Record<string, NodeMetrics> = {};
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
    const ownCores = new Map<string, number>();
    const memUsed = new Map<string, number>();
    for (const name of this.managed) {
      const reps = (this.fnView.get(name) as FunctionState).replicas;
      if (reps.length === 0) continue;
      const st = statuses.get(name);
      for (const r of reps) {
        ownCores.set(r.node, (ownCores.get(r.node) ?? 0) + (functions[name]?.cpuCores ?? 0) / reps.length);
        const bytes = typeof st?.usage?.totalMemoryBytes === 'number' ? st.usage.totalMemoryBytes / reps.length : 0;
        memUsed.set(r.node, (memUsed.get(r.node) ?? 0) + bytes / 2 ** 20);
      }
    }
    for (const n of this.nodesView) {
      const counters = pcm.get(n.name)?.counters ?? { ipc: 0, l3MissesM: 0, l3HitsM: 0, dramReadMBps: 0, dramWriteMBps: 0, c0: 0, c1: 0, c6: 0 };
      const busy = counters.c0;
      const known = this.stress.get(n.name);
      nodes[n.name] = {
        pcm: counters,
        // Busy time from C0 residency; the user/system split is not measured (all of it is reported as user).
        cpu: { idle: 1 - busy, user: busy, system: 0 },
        freeMemoryMb: Math.max(0, n.memoryMb - (memUsed.get(n.name) ?? 0)),
        interference: known ?? Math.max(0, Math.min(1, busy - (ownCores.get(n.name) ?? 0) / Math.max(1, n.cores))),
        replicas: this.lastPods.filter((p) => p.spec?.nodeName === (conn.toK8s.get(n.name) ?? n.name) && !p.metadata?.deletionTimestamp).length,
      };
    }

    const snapshot: ClusterSnapshot = {
      time: tEnd,
      window,
      functions,
      nodes,
      workflows,
      cost: { provisionedUsd, lambdaUsd, servers: per(integral.nodesUsed), replicas: per(integral.total) },
      warnings,
    };
    // The next window starts now.
    this.winStartSim = tEnd;
    this.winStartWall = wallEnd;
    this.finishedAtWinStart = conn.lg.finished;
    this.samples = [{ ...(this.samples[this.samples.length - 1] as Sample), t: tEnd }];
    for (const k of this.managed) this.replicaStarts.set(k, 0);
    return snapshot;
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
          problems.push(...await this.ledger.restore({
            put: (d) => conn.gateway.updateFunction(d),
            readDeployment: (n) => conn.k8s.readDeployment(n),
            patchDeployment: (n, p) => conn.k8s.patchDeployment(n, p),
            scale: (n, r) => conn.gateway.scaleFunction(n, cfg.namespace, r),
            waitForRollout: async (n) => {
              const stuck = await this.awaitRollout(conn, n, deadline);
              if (stuck !== null) throw new BackendError(`the recorded configuration of ${n} cannot be scheduled: ${stuck}`);
            },
            log: (line) => this.log(line),
          }));
        }
      }
    } finally {
      await this.hooks.release?.();
    }
    if (problems.length > 0) throw new BackendError(`close: the cluster could not be restored to its recorded configuration: ${problems.join('; ')}`);
  }
}

// ------------------------------------------------------------------ helpers

function parseInflight(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return 0;
  const n = Number(raw);
  return Number.isSafeInteger(n) && n >= 0 ? n : 0;
}

/** Allowed nodes (scenario names) of a Deployment: its hostname nodeSelector or required hostname affinity; null = any. */
function placementOf(dep: V1Deployment, fromK8s: Map<string, string>): string[] | null {
  const pod = dep.spec?.template?.spec;
  const host = pod?.nodeSelector?.[HOSTNAME_LABEL];
  if (host !== undefined) return [fromK8s.get(host) ?? host];
  const terms = pod?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  for (const t of terms) {
    for (const e of t.matchExpressions ?? []) {
      if (e.key === HOSTNAME_LABEL && e.operator === 'In' && e.values && e.values.length > 0) return e.values.map((v) => fromK8s.get(v) ?? v);
    }
  }
  return null;
}

/** Step-function integrals of the samples over [t0, t1]. */
function integrate(samples: Sample[], t0: number, t1: number): { perFn: Map<string, number>; nodesUsed: number; total: number } {
  const perFn = new Map<string, number>();
  let nodesUsed = 0, total = 0;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i] as Sample;
    const from = Math.max(t0, s.t);
    const to = Math.min(t1, i + 1 < samples.length ? (samples[i + 1] as Sample).t : t1);
    const dt = to - from;
    if (!(dt > 0)) continue;
    for (const [k, v] of s.perFn) perFn.set(k, (perFn.get(k) ?? 0) + v * dt);
    nodesUsed += s.nodesUsed * dt;
    total += s.total * dt;
  }
  return { perFn, nodesUsed, total };
}

/** Log lines of a dry run: what would be sent, per function. */
function describePlan(name: string, before: Desired, after: Desired, prewarm: number, cfg: KubernetesBackendConfig): string[] {
  const lines: string[] = [];
  const parts: string[] = [];
  if (before.cpuMilli !== after.cpuMilli) parts.push(`limits.cpu ${formatCpu(before.cpuMilli)} -> ${formatCpu(after.cpuMilli)}`);
  if (before.memoryMb !== after.memoryMb) parts.push(`limits.memory ${formatMemory(before.memoryMb)} -> ${formatMemory(after.memoryMb)}`);
  if (before.maxInflight !== after.maxInflight) parts.push(`envVars.max_inflight ${before.maxInflight} -> ${after.maxInflight}`);
  if (parts.length > 0) lines.push(`${name}: would PUT /system/functions (${parts.join(', ')})`);
  if (JSON.stringify(before.placement) !== JSON.stringify(after.placement) || parts.length > 0) {
    const where = after.placement === null ? 'any node' : after.placement.length === 1 ? `nodeSelector ${HOSTNAME_LABEL}=${after.placement[0]}` : `node affinity ${HOSTNAME_LABEL} in [${after.placement.join(', ')}]`;
    lines.push(`${name}: would PATCH deployment ${cfg.namespace}/${name} placement to ${where}`);
  }
  if (before.replicas !== after.replicas) lines.push(`${name}: would POST /system/scale-function/${name} replicas ${before.replicas} -> ${after.replicas}`);
  if (prewarm > 0) lines.push(`${name}: would send ${prewarm} prewarm invocations`);
  return lines;
}
