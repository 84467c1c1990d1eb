/**
 * The twin's model of the cluster's declared state: for every simulated
 * function, the configuration a Kubernetes Deployment (and its OpenFaaS
 * FunctionDeployment) holds — replicas, resources as quantities, environment
 * (`max_inflight`), placement, labels — kept consistent with the `SimCluster`
 * it drives. Both APIs (Kubernetes and the gateway) change functions only
 * through `update`, so they always agree.
 *
 * Placement: a Deployment's `nodeSelector` (a label map; every node carries
 * `kubernetes.io/hostname=<name>` besides its scenario labels) and its required
 * node affinity on `kubernetes.io/hostname` (`affinityNodes`) together select
 * the nodes the simulator may use. A scenario's `nodeSelector` list becomes
 * `nodeSelector: {kubernetes.io/hostname: n}` for one node, the affinity for several.
 *
 * Replicas: `replicas` is what was asked for (`spec.replicas`). When no node
 * has room for all of them the simulator runs what fits and the rest show as
 * Pending pods, retried as room frees up (kube-scheduler's behaviour). When the
 * simulator changes the replica count itself (scale from zero, idle scale to
 * zero) the declared count follows, as the OpenFaaS gateway / faas-idler would.
 */
import { createHash } from 'node:crypto';
import { ConfigError, quote } from '../../core/errors.js';
import type { SimCluster } from '../sim/sim-cluster.js';
import { DEAD, DRAINING, READY } from '../sim/engine.js';
import type { SimFn } from '../sim/entities.js';
import type { ConfigChange } from '../types.js';
import { CE_MAX_REPLICAS, CE_MIN_REPLICAS, type TwinProfile } from './profile.js';
import { cpuMilliOf, formatCpu, formatMemory, memoryMbOf, canonicalQuantity } from './quantity.js';

export const HOSTNAME_LABEL = 'kubernetes.io/hostname';
export const FUNCTION_LABEL = 'faas_function';

export interface Resources {
  cpu?: string;
  memory?: string;
}

/** The declared configuration of one function (what `functionConfigs()` dumps). */
export interface FunctionConfig {
  name: string;
  namespace: string;
  image: string;
  replicas: number;
  limits: Resources;
  requests: Resources;
  envProcess: string;
  /** Container environment besides `fprocess`; `max_inflight` is the watchdog's concurrency limit. */
  envVars: Record<string, string>;
  nodeSelector: Record<string, string> | null;
  affinityNodes: string[] | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  templateLabels: Record<string, string>;
  templateAnnotations: Record<string, string>;
  secrets: string[];
  readOnlyRootFilesystem: boolean;
}

/** An invalid update (answered 422 / 400). */
export class InvalidUpdate extends ConfigError {}

export interface UpdateResult {
  config: FunctionConfig;
  /** Changes the simulator could not make in full (no node with room: those replicas stay Pending). */
  warnings: string[];
}

export interface ReplicaView {
  id: number;
  podName: string;
  /** Pod template hash the pod was created (or last updated in place) under. */
  templateHash: string;
  /** Simulated time it was first seen draining (null unless draining). */
  drainingSince: number | null;
  node: string;
  phase: 'starting' | 'ready' | 'draining';
  createdAt: number;
  readyAt: number | null;
  inflight: number;
}

export interface FunctionView {
  config: FunctionConfig;
  scaling: 'replicas' | 'per-request';
  maxInflight: number;
  replicas: ReplicaView[];
  /** Replicas asked for that the simulator could not place. */
  pending: number;
  podTemplateHash: string;
}

/** Node labels every node carries (`kubernetes.io/hostname` and the usual well-known ones) plus the scenario's. */
export function nodeLabels(name: string, labels: Record<string, string>): Record<string, string> {
  return { 'kubernetes.io/arch': 'amd64', 'kubernetes.io/os': 'linux', ...labels, [HOSTNAME_LABEL]: name };
}

export function shortHash(text: string, len = 10): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789'; // Kubernetes' SafeEncodeString alphabet
  const digest = createHash('sha256').update(text).digest();
  let out = '';
  for (let i = 0; i < len; i++) out += alphabet[(digest[i] as number) % alphabet.length];
  return out;
}

export function stableUid(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** JSON with object keys sorted at every level (a canonical byte form). */
export function canonicalJson(value: unknown, indent?: number): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v as object).sort()) out[k] = sort((v as Record<string, unknown>)[k]);
      return out;
    }
    return v;
  };
  return JSON.stringify(sort(value), null, indent);
}

function parseMaxInflight(envVars: Record<string, string>): number {
  const raw = envVars.max_inflight;
  if (raw === undefined || raw === '') return 0;
  const n = Number(raw);
  if (!/^\s*\d+\s*$/.test(raw) || !Number.isSafeInteger(n)) throw new InvalidUpdate(`env max_inflight must be a non-negative integer, got ${quote(raw)}`);
  return n;
}

interface Entry {
  config: FunctionConfig;
  /** The simulator's desired count right after the twin last changed it. */
  simDesiredSeen: number;
  /** Pod template hash per replica id. */
  podHash: Map<number, string>;
  /** Simulated time each draining replica was first seen draining. */
  drainSeen: Map<number, number>;
  nextRetryAt: number;
  liveAtRetry: number;
  /** CE rolling update: the surge pod found no node (shown as one extra Pending pod until room frees up). */
  surgePending: number;
}

export class TwinModel {
  private readonly entries = new Map<string, Entry>();
  readonly nodeNames: string[];

  readonly profile: TwinProfile;
  readonly maxReplicas: number;

  constructor(readonly cluster: SimCluster, readonly namespace: string, opts: { profile?: TwinProfile; maxReplicas?: number } = {}) {
    this.profile = opts.profile ?? 'ce';
    this.maxReplicas = opts.maxReplicas ?? 100;
    this.nodeNames = cluster.engine.nodes.map((n) => n.spec.name);
    for (const fn of cluster.engine.fns) {
      const spec = fn.spec;
      const sel = fn.nodeSelector;
      const config: FunctionConfig = {
        name: spec.name,
        namespace,
        image: `faasgym/${spec.name}:latest`,
        replicas: fn.desired,
        limits: { cpu: formatCpu(fn.cpuMilli), memory: formatMemory(fn.memoryMb) },
        requests: { cpu: formatCpu(fn.cpuMilli), memory: formatMemory(fn.memoryMb) },
        envProcess: `faasgym-sim ${spec.name}`,
        envVars: fn.maxInflight > 0 ? { max_inflight: String(fn.maxInflight) } : {},
        nodeSelector: sel && sel.length === 1 ? { [HOSTNAME_LABEL]: sel[0] as string } : null,
        affinityNodes: sel && sel.length > 1 ? [...sel] : null,
        labels: { [FUNCTION_LABEL]: spec.name },
        annotations: {},
        templateLabels: { [FUNCTION_LABEL]: spec.name },
        templateAnnotations: {},
        secrets: [],
        readOnlyRootFilesystem: false,
      };
      const entry: Entry = { config, simDesiredSeen: fn.desired, podHash: new Map(), drainSeen: new Map(), nextRetryAt: 0, liveAtRetry: -1, surgePending: 0 };
      this.entries.set(spec.name, entry);
      this.notePods(fn, entry);
    }
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** A copy of a function's declared configuration (undefined for an unknown name). */
  config(name: string): FunctionConfig | undefined {
    const e = this.entries.get(name);
    return e ? structuredClone(e.config) : undefined;
  }

  /** Every function's declared configuration as canonical JSON (sorted by name, keys sorted). */
  dump(): string {
    const all = [...this.entries.values()].map((e) => e.config).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return canonicalJson(all, 2);
  }

  /**
   * Nodes a placement allows (`null` = any). None: InvalidUpdate on the
   * `lenient` profile; on `ce` an empty list, as the API server accepts such a
   * Deployment and its new pods stay Pending (kube-scheduler finds no node).
   */
  allowedNodes(nodeSelector: Record<string, string> | null, affinityNodes: string[] | null): string[] | null {
    if (nodeSelector === null && affinityNodes === null) return null;
    const engine = this.cluster.engine;
    const out = engine.nodes.filter((n) => {
      if (affinityNodes !== null && !affinityNodes.includes(n.spec.name)) return false;
      if (nodeSelector === null) return true;
      const labels = nodeLabels(n.spec.name, n.spec.labels);
      return Object.entries(nodeSelector).every(([k, v]) => labels[k] === v);
    }).map((n) => n.spec.name);
    if (out.length === 0 && this.profile === 'lenient') {
      throw new InvalidUpdate(`no node matches the placement (nodeSelector ${quote(nodeSelector)}${affinityNodes ? `, nodes ${quote(affinityNodes)}` : ''}); nodes: ${this.nodeNames.join(', ')}`);
    }
    return out;
  }

  /** Check a new configuration without applying it; returns the normalised one. */
  validate(name: string, next: FunctionConfig): FunctionConfig {
    const e = this.entry(name);
    const fn = this.simFn(name);
    const out = structuredClone(next);
    if (out.name !== name) throw new InvalidUpdate(`name is immutable (${quote(name)}), got ${quote(out.name)}`);
    if (!Number.isSafeInteger(out.replicas) || out.replicas < 0) throw new InvalidUpdate(`replicas must be a non-negative integer, got ${quote(out.replicas)}`);
    // Every replica is simulated and rendered as a pod: a bound keeps one request from exhausting the heap (issue 12).
    if (out.replicas > this.maxReplicas) throw new InvalidUpdate(`spec.replicas: Invalid value: ${out.replicas}: the twin runs at most ${this.maxReplicas} replicas per function (--max-replicas)`);
    if (fn.spec.scaling === 'per-request' && out.replicas !== e.config.replicas) {
      throw new InvalidUpdate(`${name} scales per request (one instance per invocation); its replica count cannot be set`);
    }
    for (const part of ['limits', 'requests'] as const) {
      const r = out[part] ?? {};
      const norm: Resources = {};
      if (r.cpu !== undefined && r.cpu !== null) {
        norm.cpu = canonicalQuantity(r.cpu, `${part}.cpu`);
        if (cpuMilliOf(norm.cpu) <= 0) throw new InvalidUpdate(`${part}.cpu must be > 0, got ${quote(r.cpu)}`);
      }
      if (r.memory !== undefined && r.memory !== null) {
        norm.memory = canonicalQuantity(r.memory, `${part}.memory`);
        if (memoryMbOf(norm.memory) <= 0) throw new InvalidUpdate(`${part}.memory must be > 0, got ${quote(r.memory)}`);
      }
      out[part] = norm;
    }
    for (const res of ['cpu', 'memory'] as const) {
      const lim = out.limits[res], req = out.requests[res];
      if (lim !== undefined && req !== undefined) {
        const l = res === 'cpu' ? cpuMilliOf(lim) : memoryMbOf(lim);
        const q = res === 'cpu' ? cpuMilliOf(req) : memoryMbOf(req);
        if (q > l) throw new InvalidUpdate(`requests.${res} (${req}) must be less than or equal to limits.${res} (${lim})`);
      }
    }
    const maxInflight = parseMaxInflight(out.envVars);
    if (fn.spec.scaling === 'per-request' && maxInflight !== fn.maxInflight) {
      throw new InvalidUpdate(`${name} scales per request: each instance serves one request (max_inflight ${fn.maxInflight})`);
    }
    if (out.affinityNodes !== null) {
      for (const n of out.affinityNodes) if (!this.nodeNames.includes(n)) throw new InvalidUpdate(`unknown node ${quote(n)} in the node affinity; nodes: ${this.nodeNames.join(', ')}`);
    }
    this.allowedNodes(out.nodeSelector, out.affinityNodes);
    for (const [k, v] of Object.entries(out.templateLabels)) {
      if (k === FUNCTION_LABEL && v !== name) throw new InvalidUpdate(`template label ${FUNCTION_LABEL} must stay ${quote(name)} (the selector), got ${quote(v)}`);
    }
    if (out.templateLabels[FUNCTION_LABEL] === undefined) throw new InvalidUpdate(`spec.template.metadata.labels must keep ${FUNCTION_LABEL}=${name}: selector does not match template labels`);
    return out;
  }

  /**
   * Apply a new configuration to the simulator and store it. Validates first
   * (InvalidUpdate, nothing applied); `dryRun` stops after validating.
   * Returns the stored configuration.
   */
  async update(name: string, next: FunctionConfig, opts: { dryRun?: boolean } = {}): Promise<UpdateResult> {
    const e = this.entry(name);
    const cfg = this.validate(name, next);
    if (opts.dryRun) return { config: cfg, warnings: [] };
    const fn = this.simFn(name);
    const prev = e.config;
    const changes: ConfigChange[] = [];
    const prevAllowed = this.allowedNodes(prev.nodeSelector, prev.affinityNodes);
    const allowed = this.allowedNodes(cfg.nodeSelector, cfg.affinityNodes);
    // No node matches (ce): the simulator keeps the old placement (the old pods keep running, maxUnavailable 0); rollStep shows the new pod Pending.
    if (allowed?.length !== 0 && (canonicalJson(prevAllowed) !== canonicalJson(allowed) || canonicalJson(allowed) !== canonicalJson(fn.nodeSelector))) {
      changes.push({ kind: 'place', fn: name, nodes: allowed });
    }
    const cpu = cfg.limits.cpu ?? cfg.requests.cpu;
    const mem = cfg.limits.memory ?? cfg.requests.memory;
    const cpuMilli = cpu === undefined ? fn.cpuMilli : cpuMilliOf(cpu);
    const memoryMb = mem === undefined ? fn.memoryMb : memoryMbOf(mem);
    if (cpuMilli !== fn.cpuMilli || memoryMb !== fn.memoryMb) changes.push({ kind: 'resize', fn: name, cpuMilli, memoryMb });
    const maxInflight = parseMaxInflight(cfg.envVars);
    if (maxInflight !== fn.maxInflight) changes.push({ kind: 'concurrency', fn: name, maxInflight });
    if (fn.spec.scaling === 'replicas' && cfg.replicas !== fn.desired && !(allowed?.length === 0 && cfg.replicas > fn.desired)) changes.push({ kind: 'scale', fn: name, replicas: cfg.replicas });
    e.config = cfg;
    // Refusals here are capacity only (values were validated): Kubernetes accepts the spec and leaves pods Pending.
    const pending = changes.length > 0 ? this.cluster.apply(changes) : Promise.resolve({ applied: [], rejected: [] as { reason: string }[] });
    // SimCluster.apply does its work before its promise settles: record what the simulator now wants before anything else runs.
    e.simDesiredSeen = fn.desired;
    this.followSimResources(e, fn);
    const hash = this.templateHash(e.config);
    if (this.profile === 'lenient') {
      // Lenient: changes the simulator makes in place (resources, env) update the pods on allowed nodes; misplaced ones are being replaced.
      for (const r of fn.replicas) {
        if (r.phase === DEAD || r.phase === DRAINING) continue;
        if (allowed === null || allowed.includes(r.node.spec.name)) e.podHash.set(r.id, hash);
      }
    } else {
      // CE: any change of the pod template is a rolling update (sync() replaces the pods one surge pod at a time).
      this.clampCe(e);
      this.rollStep(e, fn);
    }
    this.notePods(fn, e);
    const config = structuredClone(e.config);
    const result = await pending;
    return { config, warnings: result.rejected.map((r) => r.reason) };
  }

  /** Set only the replica count (scale subresource, gateway scale-function). */
  async scale(name: string, replicas: number, opts: { dryRun?: boolean } = {}): Promise<UpdateResult> {
    const cfg = structuredClone(this.entry(name).config);
    cfg.replicas = replicas;
    return this.update(name, cfg, opts);
  }

  /**
   * Follow what the simulator did by itself since the last call: replica
   * counts it changed (scale from/to zero), resources it derived, pods it
   * started; retry placing replicas that did not fit. Cheap; call it before
   * answering a request and on every clock tick.
   */
  sync(): void {
    const now = this.cluster.engine.now;
    for (const e of this.entries.values()) {
      const fn = this.simFn(e.config.name);
      if (fn.spec.scaling === 'replicas') {
        if (fn.desired !== e.simDesiredSeen) {
          e.config.replicas = fn.desired;
          e.simDesiredSeen = fn.desired;
        } else if (e.config.replicas > this.liveCount(fn) && this.allowedNodes(e.config.nodeSelector, e.config.affinityNodes)?.length !== 0 && (now >= e.nextRetryAt || this.liveCount(fn) !== e.liveAtRetry)) {
          // Short of replicas: none fitted before, or a replaced replica (migration) was counted while it drained.
          e.nextRetryAt = now + 1;
          e.liveAtRetry = this.liveCount(fn);
          // SimCluster.apply does its work before its promise settles; a refusal (still no room) is expected here.
          void this.cluster.apply([{ kind: 'scale', fn: fn.spec.name, replicas: e.config.replicas }]).catch(() => undefined);
          e.simDesiredSeen = fn.desired;
        }
      }
      this.followSimResources(e, fn);
      this.notePods(fn, e);
      if (this.profile === 'ce' && fn.spec.scaling === 'replicas') {
        this.clampCe(e);
        this.rollStep(e, fn);
      }
    }
  }

  /**
   * CE: faas-netes resets a function Deployment whose replicas are outside
   * 1–5 (informers.go, with MaxReplicas of replica_updater.go), whoever set
   * them (`kubectl scale` included). Returns whether it changed anything.
   */
  private clampCe(e: Entry): boolean {
    const fn = this.simFn(e.config.name);
    if (fn.spec.scaling !== 'replicas') return false;
    const want = Math.min(CE_MAX_REPLICAS, Math.max(CE_MIN_REPLICAS, e.config.replicas));
    if (want === e.config.replicas) return false;
    e.config.replicas = want;
    void this.cluster.apply([{ kind: 'scale', fn: fn.spec.name, replicas: want }]).catch(() => undefined);
    e.simDesiredSeen = fn.desired;
    return true;
  }

  /**
   * CE rolling update (strategy RollingUpdate, maxSurge 1, maxUnavailable 0 —
   * faas-netes deploy.go; imagePullPolicy Always): while pods of an old
   * template are left and no new pod is still starting, start one new pod
   * (a cold start) that replaces the oldest old one once ready. No node with
   * room: the surge pod stays Pending (one extra Pending pod) and the rollout
   * waits, as kube-scheduler leaves it.
   */
  private rollStep(e: Entry, fn: SimFn): void {
    e.surgePending = 0;
    const hash = this.templateHash(e.config);
    const live = fn.replicas.filter((r) => r.phase !== DEAD && r.phase !== DRAINING);
    const outdated = live.filter((r) => (e.podHash.get(r.id) ?? hash) !== hash && !fn.replicas.some((x) => x.replaces === r));
    if (outdated.length === 0) return;
    if (live.some((r) => r.phase !== READY && (e.podHash.get(r.id) ?? hash) === hash)) return; // a new pod is still starting
    const old = outdated[0] as (typeof outdated)[number];
    const engine = this.cluster.engine;
    const allowed = this.allowedNodes(e.config.nodeSelector, e.config.affinityNodes);
    const node = allowed?.length === 0 ? null : engine.pickNode(fn, null);
    if (!node) {
      e.surgePending = 1;
      return;
    }
    const fresh = engine.createReplica(fn, node, null, engine.now);
    e.podHash.set(fresh.id, hash);
    if (old.phase === READY) fresh.replaces = old;
    else engine.drain(old);
  }

  /** A function's declared configuration, replicas and pod template hash. */
  view(name: string): FunctionView {
    const e = this.entry(name);
    const fn = this.simFn(name);
    this.notePods(fn, e);
    const replicas: ReplicaView[] = [];
    for (const r of fn.replicas) {
      if (r.phase === DEAD) continue;
      const hash = e.podHash.get(r.id) ?? this.templateHash(e.config);
      replicas.push({
        id: r.id,
        podName: `${fn.spec.name}-${hash}-${podSuffix(r.id)}`,
        templateHash: hash,
        drainingSince: r.phase === DRAINING ? (e.drainSeen.get(r.id) ?? this.cluster.engine.now) : null,
        node: r.node.spec.name,
        phase: r.phase === READY ? 'ready' : r.phase === DRAINING ? 'draining' : 'starting',
        createdAt: r.createdAt,
        readyAt: r.phase === READY || r.phase === DRAINING ? r.readyAt : null,
        inflight: r.inflight,
      });
    }
    const live = replicas.filter((r) => r.phase !== 'draining').length;
    return {
      config: structuredClone(e.config),
      scaling: fn.spec.scaling,
      maxInflight: fn.maxInflight,
      replicas,
      pending: fn.spec.scaling === 'replicas' ? Math.max(0, e.config.replicas - live) + e.surgePending : 0,
      podTemplateHash: this.templateHash(e.config),
    };
  }

  /** Hash of the pod template (what a ReplicaSet name carries). */
  templateHash(cfg: FunctionConfig): string {
    return shortHash(canonicalJson({
      image: cfg.image, limits: cfg.limits, requests: cfg.requests, envProcess: cfg.envProcess, envVars: cfg.envVars,
      nodeSelector: cfg.nodeSelector, affinityNodes: cfg.affinityNodes, labels: cfg.templateLabels, annotations: cfg.templateAnnotations,
      secrets: cfg.secrets, readOnlyRootFilesystem: cfg.readOnlyRootFilesystem,
    }));
  }

  /** Replicas that are starting or ready (not draining). */
  private liveCount(fn: SimFn): number {
    let n = 0;
    for (const r of fn.replicas) if (r.phase !== DEAD && r.phase !== DRAINING) n++;
    return n;
  }

  simFn(name: string): SimFn {
    const fn = this.cluster.engine.fnByName.get(name);
    if (!fn) throw new InvalidUpdate(`unknown function ${quote(name)}`);
    return fn;
  }

  private entry(name: string): Entry {
    const e = this.entries.get(name);
    if (!e) throw new InvalidUpdate(`unknown function ${quote(name)}`);
    return e;
  }

  private readonly cpuOf = memo(cpuMilliOf);
  private readonly memOf = memo(memoryMbOf);

  /** Resources the simulator derived (cpuPerMemoryMb, gated stages) override the declared quantities. */
  private followSimResources(e: Entry, fn: SimFn): void {
    const c = e.config;
    const cpu = c.limits.cpu ?? c.requests.cpu;
    const mem = c.limits.memory ?? c.requests.memory;
    if (cpu === undefined || Math.round(this.cpuOf(cpu)) !== Math.round(fn.cpuMilli)) {
      const q = formatCpu(fn.cpuMilli);
      if (c.limits.cpu !== undefined || cpu === undefined) c.limits.cpu = q;
      if (c.requests.cpu !== undefined) c.requests.cpu = q;
    }
    if (mem === undefined || Math.abs(this.memOf(mem) - fn.memoryMb) > 1e-9) {
      const q = formatMemory(fn.memoryMb);
      if (c.limits.memory !== undefined || mem === undefined) c.limits.memory = q;
      if (c.requests.memory !== undefined) c.requests.memory = q;
    }
  }

  private notePods(fn: SimFn, e: Entry): void {
    let hash: string | null = null;
    for (const r of fn.replicas) {
      if (r.phase === DEAD) continue;
      if (r.phase === DRAINING && !e.drainSeen.has(r.id)) e.drainSeen.set(r.id, this.cluster.engine.now);
      if (e.podHash.has(r.id)) continue;
      hash ??= this.templateHash(e.config);
      e.podHash.set(r.id, hash);
    }
    if (e.podHash.size + e.drainSeen.size > fn.replicas.length * 2 + 64) {
      const live = new Set(fn.replicas.map((r) => r.id));
      for (const id of e.podHash.keys()) if (!live.has(id)) e.podHash.delete(id);
      for (const id of e.drainSeen.keys()) if (!live.has(id)) e.drainSeen.delete(id);
    }
  }
}

/** A one-argument function of canonical quantity strings, cached (sync runs on every tick and request). */
function memo(f: (q: string) => number): (q: string) => number {
  const cache = new Map<string, number>();
  return (q) => {
    let v = cache.get(q);
    if (v === undefined) {
      v = f(q);
      if (cache.size > 1024) cache.clear();
      cache.set(q, v);
    }
    return v;
  };
}

/** Pod name suffix of a replica id (five characters, like the API server's generated names). */
export function podSuffix(id: number): string {
  return shortHash(`replica-${id}`, 5);
}
