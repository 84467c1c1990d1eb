/**
 * Kubernetes objects rendered from the twin's model: apps/v1 Deployment,
 * autoscaling/v1 Scale, v1 Pod, Node and Namespace, meta/v1 Status and Table,
 * and the discovery documents (`/version`, APIVersions, APIGroupList,
 * APIResourceList). Also the reverse: a Deployment (as patched or PUT by a
 * client) back to a `FunctionConfig`.
 *
 * Mapping (Deployment ↔ function):
 * - `spec.replicas` ↔ declared replicas; `status` counts the simulator's
 *   replicas: starting ones are Pending pods (ContainerCreating), ready ones
 *   Running and Ready, draining ones Terminating; replicas no node has room for
 *   are Pending pods (Unschedulable);
 * - `spec.template.spec.containers[0].resources.{limits,requests}.{cpu,memory}`
 *   ↔ the function's CPU and memory (quantities, canonical form);
 * - `containers[0].env`: `fprocess` ↔ envProcess, the others ↔ envVars, of which
 *   `max_inflight` is the watchdog's concurrency limit;
 * - `spec.template.spec.nodeSelector` and a required node affinity on
 *   `kubernetes.io/hostname` (`In`) ↔ placement;
 * - `metadata.generation` counts spec changes and `status.observedGeneration`
 *   follows at once; `metadata.resourceVersion` changes whenever the object does.
 */
import type { NodeInfo } from '../types.js';
import { canonicalJson, FUNCTION_LABEL, HOSTNAME_LABEL, InvalidUpdate, nodeLabels, stableUid, type FunctionConfig, type FunctionView, type Resources } from './model.js';
import { formatCpu, formatMemory } from './quantity.js';
import type { Json } from './patch.js';

type Obj = Record<string, unknown>;

export const KUBERNETES_VERSION = { major: '1', minor: '32', gitVersion: 'v1.32.0-faasgym-twin' };

/** resourceVersion, generation and revision bookkeeping: versions change exactly when an object's content does. */
export class Versioner {
  private counter = 1;
  private readonly seen = new Map<string, { fp: string; rv: number; specFp: string; generation: number; templateFp: string; revision: number }>();

  /** The current resourceVersion of the whole store (for lists). */
  get current(): string {
    return String(this.counter);
  }

  /** Record an object's content; returns its resourceVersion, generation (spec changes) and revision (template changes). */
  track(key: string, content: unknown, spec: unknown = null, template: unknown = null): { resourceVersion: string; generation: number; revision: number } {
    const fp = canonicalJson(content);
    const specFp = canonicalJson(spec);
    const templateFp = canonicalJson(template);
    let s = this.seen.get(key);
    if (!s) {
      s = { fp, rv: ++this.counter, specFp, generation: 1, templateFp, revision: 1 };
      this.seen.set(key, s);
    } else if (s.fp !== fp || s.specFp !== specFp) {
      s.rv = ++this.counter;
      s.fp = fp;
      if (s.specFp !== specFp) {
        s.generation++;
        s.specFp = specFp;
      }
      if (s.templateFp !== templateFp) {
        s.revision++;
        s.templateFp = templateFp;
      }
    }
    return { resourceVersion: String(s.rv), generation: s.generation, revision: s.revision };
  }

  forget(prefix: string, keep: Set<string>): void {
    for (const key of this.seen.keys()) if (key.startsWith(prefix) && !keep.has(key)) this.seen.delete(key);
  }
}

export interface RenderContext {
  namespace: string;
  versions: Versioner;
  /** ISO time (seconds) of the twin's start: creation time of nodes, deployments, namespaces. */
  startedAt: string;
  /** Wall-clock ISO time of a simulated instant. */
  wallIso(simT: number): string;
  /** Nodes a placement allows (null: any). */
  allowed(cfg: FunctionConfig): string[] | null;
  nodeIndex(name: string): number;
  nodeCount: number;
}

// ------------------------------------------------------------------ Status

export type StatusReason =
  | 'BadRequest' | 'Unauthorized' | 'Forbidden' | 'NotFound' | 'MethodNotAllowed' | 'NotAcceptable' | 'Conflict' | 'AlreadyExists'
  | 'RequestEntityTooLarge' | 'UnsupportedMediaType' | 'Invalid' | 'TooManyRequests' | 'InternalError' | 'ServiceUnavailable' | 'Timeout';

export function status(code: number, reason: StatusReason, message: string, details?: { name?: string; group?: string; kind?: string }): Obj {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

// ------------------------------------------------------------------ discovery

export function versionInfo(): Obj {
  return {
    ...KUBERNETES_VERSION,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2024-12-11T00:00:00Z',
    goVersion: 'go1.23.4',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

export function apiVersions(serverAddress: string): Obj {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

const APPS_GROUP = { name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } };

export function apiGroupList(): Obj {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: [APPS_GROUP] };
}

export function apiGroup(): Obj {
  return { kind: 'APIGroup', apiVersion: 'v1', ...APPS_GROUP };
}

export function coreResources(): Obj {
  return {
    kind: 'APIResourceList',
    groupVersion: 'v1',
    resources: [
      { name: 'namespaces', singularName: 'namespace', namespaced: false, kind: 'Namespace', verbs: ['get', 'list', 'watch'], shortNames: ['ns'] },
      { name: 'nodes', singularName: 'node', namespaced: false, kind: 'Node', verbs: ['get', 'list', 'watch'], shortNames: ['no'] },
      { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['get', 'list', 'watch'], shortNames: ['po'], categories: ['all'] },
    ],
  };
}

export function appsResources(): Obj {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: 'apps/v1',
    resources: [
      { name: 'deployments', singularName: 'deployment', namespaced: true, kind: 'Deployment', verbs: ['get', 'list', 'patch', 'update', 'watch'], shortNames: ['deploy'], categories: ['all'] },
      { name: 'deployments/scale', singularName: '', namespaced: true, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] },
      { name: 'deployments/status', singularName: '', namespaced: true, kind: 'Deployment', verbs: ['get'] },
    ],
  };
}

// ------------------------------------------------------------------ Deployment

function sortedEnv(cfg: FunctionConfig): Obj[] {
  const env: Obj[] = [{ name: 'fprocess', value: cfg.envProcess }];
  for (const k of Object.keys(cfg.envVars).sort()) env.push({ name: k, value: cfg.envVars[k] });
  return env;
}

function resources(r: Resources): Obj {
  const out: Obj = {};
  if (r.cpu !== undefined) out.cpu = r.cpu;
  if (r.memory !== undefined) out.memory = r.memory;
  return out;
}

function affinityOf(nodes: string[] | null): Obj | undefined {
  if (nodes === null) return undefined;
  return {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: HOSTNAME_LABEL, operator: 'In', values: [...nodes] }] }],
      },
    },
  };
}

/** The pod template of a function's Deployment. */
export function podTemplate(cfg: FunctionConfig): Obj {
  const container: Obj = {
    name: cfg.name,
    image: cfg.image,
    ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
    env: sortedEnv(cfg),
    resources: { limits: resources(cfg.limits), requests: resources(cfg.requests) },
    readinessProbe: { httpGet: { path: '/_/ready', port: 8080, scheme: 'HTTP' }, periodSeconds: 2, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
    imagePullPolicy: 'IfNotPresent',
    securityContext: { readOnlyRootFilesystem: cfg.readOnlyRootFilesystem, allowPrivilegeEscalation: false },
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
  };
  const spec: Obj = {
    containers: [container],
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    schedulerName: 'default-scheduler',
    securityContext: {},
  };
  if (cfg.nodeSelector !== null) spec.nodeSelector = { ...cfg.nodeSelector };
  const aff = affinityOf(cfg.affinityNodes);
  if (aff) spec.affinity = aff;
  const metadata: Obj = { labels: { ...cfg.templateLabels } };
  if (Object.keys(cfg.templateAnnotations).length > 0) metadata.annotations = { ...cfg.templateAnnotations };
  return { metadata, spec };
}

export function deploymentSpec(cfg: FunctionConfig): Obj {
  return {
    replicas: cfg.replicas,
    selector: { matchLabels: { [FUNCTION_LABEL]: cfg.name } },
    template: podTemplate(cfg),
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
    revisionHistoryLimit: 10,
    progressDeadlineSeconds: 600,
  };
}

/** Counts for a Deployment's status (and a Scale's). */
export function replicaCounts(view: FunctionView, allowed: string[] | null): { total: number; updated: number; ready: number } {
  const live = view.replicas.filter((r) => r.phase !== 'draining');
  const updated = live.filter((r) => (allowed === null || allowed.includes(r.node)) && r.templateHash === view.podTemplateHash).length;
  return { total: live.length + view.pending, updated: updated + view.pending, ready: live.filter((r) => r.phase === 'ready').length };
}

export function renderDeployment(view: FunctionView, ctx: RenderContext): Obj {
  const cfg = view.config;
  const spec = deploymentSpec(cfg);
  const counts = replicaCounts(view, ctx.allowed(cfg));
  const complete = counts.updated >= cfg.replicas && counts.total === counts.updated && counts.ready >= counts.updated;
  const st: Obj = {};
  const put = (k: string, v: number): void => {
    if (v !== 0) st[k] = v; // the API server omits zero counts
  };
  put('replicas', counts.total);
  put('updatedReplicas', counts.updated);
  put('readyReplicas', counts.ready);
  put('availableReplicas', counts.ready);
  put('unavailableReplicas', Math.max(0, counts.total - counts.ready));
  const statusBody = { counts, complete, replicas: cfg.replicas };
  const annotations = { ...cfg.annotations };
  const key = `deploy/${cfg.name}`;
  const v = ctx.versions.track(key, { cfg, statusBody }, spec, spec.template);
  annotations['deployment.kubernetes.io/revision'] = String(v.revision);
  st.observedGeneration = v.generation;
  st.conditions = [
    {
      type: 'Available',
      status: counts.ready >= cfg.replicas || cfg.replicas === 0 ? 'True' : 'False',
      reason: counts.ready >= cfg.replicas || cfg.replicas === 0 ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
      message: counts.ready >= cfg.replicas || cfg.replicas === 0 ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.',
      lastUpdateTime: ctx.startedAt,
      lastTransitionTime: ctx.startedAt,
    },
    {
      type: 'Progressing',
      status: 'True',
      reason: complete ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated',
      message: complete ? `ReplicaSet "${cfg.name}-${view.podTemplateHash}" has successfully progressed.` : `ReplicaSet "${cfg.name}-${view.podTemplateHash}" is progressing.`,
      lastUpdateTime: ctx.startedAt,
      lastTransitionTime: ctx.startedAt,
    },
  ];
  return {
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    metadata: {
      name: cfg.name,
      namespace: ctx.namespace,
      uid: stableUid(`deployment/${cfg.name}`),
      resourceVersion: v.resourceVersion,
      generation: v.generation,
      creationTimestamp: ctx.startedAt,
      labels: { ...cfg.labels },
      annotations,
    },
    spec,
    status: st,
  };
}

export function renderScale(view: FunctionView, ctx: RenderContext): Obj {
  const d = renderDeployment(view, ctx);
  const meta = d.metadata as Obj;
  const counts = replicaCounts(view, ctx.allowed(view.config));
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: meta.name, namespace: meta.namespace, uid: meta.uid, resourceVersion: meta.resourceVersion, creationTimestamp: meta.creationTimestamp },
    spec: { replicas: view.config.replicas },
    status: { replicas: counts.total, selector: `${FUNCTION_LABEL}=${view.config.name}` },
  };
}

// ------------------------------------------------------------------ Deployment → FunctionConfig

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function stringMap(v: unknown, path: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (!isObj(v)) throw new InvalidUpdate(`${path} must be a map of strings, got ${JSON.stringify(v)}`);
  for (const [k, x] of Object.entries(v)) if (typeof x !== 'string') throw new InvalidUpdate(`${path}.${k} must be a string, got ${JSON.stringify(x)}`);
  return { ...(v as Record<string, string>) };
}

function resourcesFrom(v: unknown, path: string): Resources {
  if (v === undefined || v === null) return {};
  if (!isObj(v)) throw new InvalidUpdate(`${path} must be a map of quantities`);
  const out: Resources = {};
  for (const key of ['cpu', 'memory'] as const) {
    const q = v[key];
    if (q === undefined || q === null) continue;
    if (typeof q !== 'string' && typeof q !== 'number') throw new InvalidUpdate(`${path}.${key} must be a quantity, got ${JSON.stringify(q)}`);
    out[key] = String(q);
  }
  return out;
}

/** Nodes a required node affinity allows, or null when there is none. Supports matchExpressions on node labels (In, NotIn, Exists, DoesNotExist). */
function affinityNodesFrom(aff: unknown, nodes: NodeInfo[]): string[] | null {
  if (aff === undefined || aff === null) return null;
  if (!isObj(aff)) throw new InvalidUpdate('spec.template.spec.affinity must be an object');
  const na = aff.nodeAffinity;
  if (na === undefined || na === null) return null;
  if (!isObj(na)) throw new InvalidUpdate('affinity.nodeAffinity must be an object');
  const req = na.requiredDuringSchedulingIgnoredDuringExecution;
  if (req === undefined || req === null) return null;
  if (!isObj(req) || !Array.isArray(req.nodeSelectorTerms) || req.nodeSelectorTerms.length === 0) {
    throw new InvalidUpdate('nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms must be a non-empty list');
  }
  const matches = (term: unknown, node: NodeInfo): boolean => {
    if (!isObj(term)) throw new InvalidUpdate('a nodeSelectorTerm must be an object');
    const labels = nodeLabels(node.name, node.labels);
    const exprs = term.matchExpressions ?? [];
    if (!Array.isArray(exprs)) throw new InvalidUpdate('matchExpressions must be a list');
    if (term.matchFields !== undefined) {
      const fields = term.matchFields;
      if (!Array.isArray(fields)) throw new InvalidUpdate('matchFields must be a list');
      for (const f of fields) {
        if (!isObj(f) || f.key !== 'metadata.name') throw new InvalidUpdate('matchFields supports only metadata.name');
        if (!exprMatches(f, node.name)) return false;
      }
    }
    return exprs.every((e) => {
      if (!isObj(e) || typeof e.key !== 'string') throw new InvalidUpdate('a matchExpression needs a key');
      return exprMatches(e, labels[e.key]);
    });
  };
  const out = nodes.filter((n) => (req.nodeSelectorTerms as unknown[]).some((t) => matches(t, n))).map((n) => n.name);
  return out;
}

function exprMatches(e: Obj, value: string | undefined): boolean {
  const values = e.values === undefined ? [] : e.values;
  if (!Array.isArray(values) || values.some((x) => typeof x !== 'string')) throw new InvalidUpdate('matchExpression values must be a list of strings');
  switch (e.operator) {
    case 'In': return value !== undefined && values.includes(value);
    case 'NotIn': return value === undefined || !values.includes(value);
    case 'Exists': return value !== undefined;
    case 'DoesNotExist': return value === undefined;
    default: throw new InvalidUpdate(`unsupported node selector operator ${JSON.stringify(e.operator)} (In, NotIn, Exists, DoesNotExist)`);
  }
}

/**
 * Read a (patched or replaced) Deployment back into a function configuration.
 * Throws InvalidUpdate for a malformed object or a change to an immutable field.
 */
export function configFromDeployment(obj: Json, current: FunctionConfig, nodes: NodeInfo[], namespace: string): FunctionConfig {
  if (!isObj(obj)) throw new InvalidUpdate('a Deployment must be a JSON object');
  if (obj.kind !== undefined && obj.kind !== 'Deployment') throw new InvalidUpdate(`kind must be Deployment, got ${JSON.stringify(obj.kind)}`);
  const meta = isObj(obj.metadata) ? obj.metadata : {};
  if (meta.name !== undefined && meta.name !== current.name) throw new InvalidUpdate(`metadata.name: the name of the object (${JSON.stringify(meta.name)}) does not match the name on the URL (${current.name})`);
  if (meta.namespace !== undefined && meta.namespace !== namespace) throw new InvalidUpdate(`metadata.namespace: the namespace of the object (${JSON.stringify(meta.namespace)}) does not match the namespace on the URL (${namespace})`);
  const spec = obj.spec;
  if (!isObj(spec)) throw new InvalidUpdate('spec is required');
  const sel = spec.selector;
  if (canonicalJson(sel) !== canonicalJson({ matchLabels: { [FUNCTION_LABEL]: current.name } })) {
    throw new InvalidUpdate(`spec.selector: field is immutable`);
  }
  const replicas = spec.replicas === undefined ? 1 : spec.replicas;
  if (typeof replicas !== 'number' || !Number.isSafeInteger(replicas) || replicas < 0) throw new InvalidUpdate(`spec.replicas must be a non-negative integer, got ${JSON.stringify(spec.replicas)}`);
  const template = spec.template;
  if (!isObj(template)) throw new InvalidUpdate('spec.template is required');
  const tmeta = isObj(template.metadata) ? template.metadata : {};
  const pspec = template.spec;
  if (!isObj(pspec)) throw new InvalidUpdate('spec.template.spec is required');
  const containers = pspec.containers;
  if (!Array.isArray(containers) || containers.length === 0 || !isObj(containers[0])) throw new InvalidUpdate('spec.template.spec.containers must hold the function container');
  const c = (containers.find((x) => isObj(x) && x.name === current.name) ?? containers[0]) as Obj;
  if (typeof c.image !== 'string' || c.image === '') throw new InvalidUpdate('spec.template.spec.containers[0].image is required');
  const res = isObj(c.resources) ? c.resources : {};
  const envList = c.env === undefined || c.env === null ? [] : c.env;
  if (!Array.isArray(envList)) throw new InvalidUpdate('containers[0].env must be a list');
  let envProcess = '';
  const envVars: Record<string, string> = {};
  for (const item of envList) {
    if (!isObj(item) || typeof item.name !== 'string') throw new InvalidUpdate('every env item needs a name');
    if (item.valueFrom !== undefined) continue; // not modelled
    const value = item.value === undefined || item.value === null ? '' : item.value;
    if (typeof value !== 'string') throw new InvalidUpdate(`env ${item.name}: value must be a string, got ${JSON.stringify(value)}`);
    if (item.name === 'fprocess') envProcess = value;
    else envVars[item.name] = value;
  }
  const nodeSelector = stringMap(pspec.nodeSelector, 'spec.template.spec.nodeSelector');
  const sc = isObj(c.securityContext) ? c.securityContext : {};
  const annotations = stringMap(meta.annotations, 'metadata.annotations');
  delete annotations['deployment.kubernetes.io/revision'];
  return {
    ...current,
    image: c.image,
    replicas,
    limits: resourcesFrom(res.limits, 'resources.limits'),
    requests: resourcesFrom(res.requests, 'resources.requests'),
    envProcess,
    envVars,
    nodeSelector: Object.keys(nodeSelector).length === 0 ? null : nodeSelector,
    affinityNodes: affinityNodesFrom(pspec.affinity, nodes),
    labels: meta.labels === undefined ? { ...current.labels } : stringMap(meta.labels, 'metadata.labels'),
    annotations,
    templateLabels: stringMap(tmeta.labels, 'spec.template.metadata.labels'),
    templateAnnotations: stringMap(tmeta.annotations, 'spec.template.metadata.annotations'),
    readOnlyRootFilesystem: sc.readOnlyRootFilesystem === true,
  };
}

/** Paths where `a` and `b` differ (up to `max`), for telling clients which changes the twin does not model. */
export function diffPaths(a: unknown, b: unknown, path = '', out: string[] = [], max = 8): string[] {
  if (out.length >= max) return out;
  if (isObj(a) && isObj(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of [...keys].sort()) diffPaths(a[k], b[k], path ? `${path}.${k}` : k, out, max);
    return out;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((x, i) => diffPaths(x, b[i], `${path}[${i}]`, out, max));
    return out;
  }
  if (canonicalJson(a) !== canonicalJson(b)) out.push(path || '(root)');
  return out;
}

// ------------------------------------------------------------------ Pods

function podIp(nodeIdx: number, id: number): string {
  return `10.244.${nodeIdx}.${(id % 250) + 2}`;
}

export function nodeIp(nodeIdx: number): string {
  return `10.0.${Math.floor(nodeIdx / 250)}.${(nodeIdx % 250) + 2}`;
}

export function renderPods(view: FunctionView, ctx: RenderContext): Obj[] {
  const cfg = view.config;
  const template = podTemplate(cfg);
  const tspec = template.spec as Obj;
  const out: Obj[] = [];
  const rsUid = (hash: string): string => stableUid(`replicaset/${cfg.name}-${hash}`);
  const base = (name: string, hash: string): Obj => ({
    name,
    generateName: `${cfg.name}-${hash}-`,
    namespace: ctx.namespace,
    uid: stableUid(`pod/${name}`),
    labels: { ...cfg.templateLabels, 'pod-template-hash': hash },
    ...(Object.keys(cfg.templateAnnotations).length > 0 ? { annotations: { ...cfg.templateAnnotations } } : {}),
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${cfg.name}-${hash}`, uid: rsUid(hash), controller: true, blockOwnerDeletion: true }],
  });
  const container = (tspec.containers as Obj[])[0] as Obj;
  for (const r of view.replicas) {
    const metadata = base(r.podName, r.templateHash);
    const created = ctx.wallIso(r.createdAt);
    const ready = r.phase === 'ready' || r.phase === 'draining';
    const readyAt = r.readyAt === null ? created : ctx.wallIso(r.readyAt);
    const nodeIdx = ctx.nodeIndex(r.node);
    const st: Obj = {
      phase: ready ? 'Running' : 'Pending',
      conditions: [
        { type: 'PodReadyToStartContainers', status: ready ? 'True' : 'False', lastTransitionTime: ready ? readyAt : created },
        { type: 'Initialized', status: 'True', lastTransitionTime: created },
        { type: 'Ready', status: r.phase === 'ready' ? 'True' : 'False', lastTransitionTime: ready ? readyAt : created, ...(ready ? {} : { reason: 'ContainersNotReady' }) },
        { type: 'ContainersReady', status: r.phase === 'ready' ? 'True' : 'False', lastTransitionTime: ready ? readyAt : created },
        { type: 'PodScheduled', status: 'True', lastTransitionTime: created },
      ],
      hostIP: nodeIp(nodeIdx),
      hostIPs: [{ ip: nodeIp(nodeIdx) }],
      startTime: created,
      containerStatuses: [{
        name: cfg.name,
        image: cfg.image,
        imageID: '',
        ready: r.phase === 'ready',
        started: ready,
        restartCount: 0,
        state: ready ? { running: { startedAt: readyAt } } : { waiting: { reason: 'ContainerCreating' } },
      }],
      qosClass: 'Guaranteed',
    };
    if (ready) {
      st.podIP = podIp(nodeIdx, r.id);
      st.podIPs = [{ ip: podIp(nodeIdx, r.id) }];
    }
    const v = ctx.versions.track(`pod/${r.podName}`, { phase: r.phase, node: r.node, cfg });
    metadata.resourceVersion = v.resourceVersion;
    metadata.creationTimestamp = created;
    if (r.drainingSince !== null) {
      metadata.deletionTimestamp = ctx.wallIso(r.drainingSince);
      metadata.deletionGracePeriodSeconds = 30;
    }
    out.push({ kind: 'Pod', apiVersion: 'v1', metadata, spec: { ...tspec, containers: [container], nodeName: r.node }, status: st });
  }
  for (let i = 0; i < view.pending; i++) {
    const name = `${cfg.name}-${view.podTemplateHash}-pending${i}`;
    const metadata = base(name, view.podTemplateHash);
    metadata.resourceVersion = ctx.versions.track(`pod/${name}`, { pending: true, cfg }).resourceVersion;
    metadata.creationTimestamp = ctx.startedAt;
    out.push({
      kind: 'Pod', apiVersion: 'v1', metadata, spec: { ...tspec, containers: [container] },
      status: {
        phase: 'Pending',
        conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: `0/${ctx.nodeCount} nodes are available: insufficient cpu or memory, or no node matches the pod's node affinity/selector.`, lastTransitionTime: ctx.startedAt }],
        qosClass: 'Guaranteed',
      },
    });
  }
  return out;
}

// ------------------------------------------------------------------ Nodes and namespaces

export function renderNode(node: NodeInfo, idx: number, ctx: RenderContext): Obj {
  const cap = { cpu: formatCpu(node.cores * 1000), memory: formatMemory(node.memoryMb), pods: '110', 'ephemeral-storage': '100Gi' };
  const body = {
    metadata: {
      name: node.name,
      uid: stableUid(`node/${node.name}`),
      creationTimestamp: ctx.startedAt,
      labels: nodeLabels(node.name, node.labels),
      annotations: {
        'faasgym.io/cpu-model': node.cpuModel,
        'faasgym.io/l3-mb': String(node.l3Mb),
        'faasgym.io/speed': String(node.speed),
        'node.alpha.kubernetes.io/ttl': '0',
      },
    },
    spec: { podCIDR: `10.244.${idx}.0/24`, podCIDRs: [`10.244.${idx}.0/24`] },
    status: {
      capacity: cap,
      allocatable: { ...cap },
      conditions: [
        { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available', lastHeartbeatTime: ctx.startedAt, lastTransitionTime: ctx.startedAt },
        { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure', lastHeartbeatTime: ctx.startedAt, lastTransitionTime: ctx.startedAt },
        { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available', lastHeartbeatTime: ctx.startedAt, lastTransitionTime: ctx.startedAt },
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status (faasgym twin)', lastHeartbeatTime: ctx.startedAt, lastTransitionTime: ctx.startedAt },
      ],
      addresses: [{ type: 'InternalIP', address: nodeIp(idx) }, { type: 'Hostname', address: node.name }],
      nodeInfo: {
        machineID: stableUid(`machine/${node.name}`).replace(/-/g, ''),
        systemUUID: stableUid(`system/${node.name}`),
        bootID: stableUid(`boot/${node.name}`),
        kernelVersion: '6.1.0-faasgym',
        osImage: 'faasgym twin (simulated node)',
        containerRuntimeVersion: 'containerd://1.7.24',
        kubeletVersion: KUBERNETES_VERSION.gitVersion,
        kubeProxyVersion: KUBERNETES_VERSION.gitVersion,
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
  };
  const v = ctx.versions.track(`node/${node.name}`, body);
  return { kind: 'Node', apiVersion: 'v1', ...body, metadata: { ...body.metadata, resourceVersion: v.resourceVersion } };
}

export function renderNamespace(name: string, ctx: RenderContext): Obj {
  const v = ctx.versions.track(`ns/${name}`, name);
  return {
    kind: 'Namespace',
    apiVersion: 'v1',
    metadata: { name, uid: stableUid(`namespace/${name}`), resourceVersion: v.resourceVersion, creationTimestamp: ctx.startedAt, labels: { 'kubernetes.io/metadata.name': name } },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

// ------------------------------------------------------------------ Tables (kubectl's server-side printing)

interface Column { name: string; type: string; format?: string; description: string; priority: number }

const NAME_COLUMN: Column = { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0 };
const AGE_COLUMN: Column = { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', priority: 0 };

/** kubectl's short durations: 45s, 3m12s, 17m, 5h3m, 30h, 4d. */
export function humanAge(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

function ageOf(obj: Obj, nowMs: number): string {
  const created = Date.parse(String((obj.metadata as Obj).creationTimestamp));
  return humanAge((nowMs - created) / 1000);
}

function rowObject(obj: Obj, include: string): Obj | undefined {
  if (include === 'None') return undefined;
  if (include === 'Object') return obj;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

function table(columns: Column[], objs: Obj[], cells: (o: Obj) => unknown[], resourceVersion: string, include: string): Obj {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: columns,
    rows: objs.map((o) => {
      const object = rowObject(o, include);
      return { cells: cells(o), ...(object ? { object } : {}) };
    }),
  };
}

export function toTable(kind: 'Deployment' | 'Pod' | 'Node' | 'Namespace', objs: Obj[], resourceVersion: string, include: string, nowMs: number): Obj {
  switch (kind) {
    case 'Deployment':
      return table(
        [
          NAME_COLUMN,
          { name: 'Ready', type: 'string', description: 'Number of the pod with ready state', priority: 0 },
          { name: 'Up-to-date', type: 'integer', description: 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.', priority: 0 },
          { name: 'Available', type: 'integer', description: 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.', priority: 0 },
          AGE_COLUMN,
          { name: 'Containers', type: 'string', description: 'Names of each container in the template.', priority: 1 },
          { name: 'Images', type: 'string', description: 'Images referenced by each container in the template.', priority: 1 },
          { name: 'Selector', type: 'string', description: 'Label selector for pods.', priority: 1 },
        ],
        objs,
        (o) => {
          const spec = o.spec as Obj, st = o.status as Obj, meta = o.metadata as Obj;
          const c = ((spec.template as Obj).spec as Obj).containers as Obj[];
          return [meta.name, `${(st.readyReplicas as number) ?? 0}/${spec.replicas as number}`, (st.updatedReplicas as number) ?? 0, (st.availableReplicas as number) ?? 0, ageOf(o, nowMs),
            c.map((x) => x.name).join(','), c.map((x) => x.image).join(','), `${FUNCTION_LABEL}=${meta.name as string}`];
        },
        resourceVersion, include,
      );
    case 'Pod':
      return table(
        [
          NAME_COLUMN,
          { name: 'Ready', type: 'string', description: 'The aggregate readiness state of this pod for accepting traffic.', priority: 0 },
          { name: 'Status', type: 'string', description: 'The aggregate status of the containers in this pod.', priority: 0 },
          { name: 'Restarts', type: 'string', description: 'The number of times the containers in this pod have been restarted.', priority: 0 },
          AGE_COLUMN,
          { name: 'IP', type: 'string', description: 'IP address allocated to the pod.', priority: 1 },
          { name: 'Node', type: 'string', description: 'Name of the node this pod runs on.', priority: 1 },
        ],
        objs,
        (o) => {
          const meta = o.metadata as Obj, st = o.status as Obj;
          const cs = (st.containerStatuses as Obj[] | undefined)?.[0];
          const waiting = cs && isObj(cs.state) && isObj(cs.state.waiting) ? String(cs.state.waiting.reason) : null;
          const unsched = !cs;
          const statusText = meta.deletionTimestamp ? 'Terminating' : unsched ? 'Pending' : waiting ?? String(st.phase);
          return [meta.name, `${cs?.ready ? 1 : 0}/1`, statusText, '0', ageOf(o, nowMs), (st.podIP as string) ?? '<none>', ((o.spec as Obj).nodeName as string) ?? '<none>'];
        },
        resourceVersion, include,
      );
    case 'Node':
      return table(
        [
          NAME_COLUMN,
          { name: 'Status', type: 'string', description: 'The status of the node', priority: 0 },
          { name: 'Roles', type: 'string', description: 'The roles of the node', priority: 0 },
          AGE_COLUMN,
          { name: 'Version', type: 'string', description: 'Kubelet Version reported by the node.', priority: 0 },
          { name: 'Internal-IP', type: 'string', description: 'List of addresses reachable to the node.', priority: 1 },
          { name: 'OS-Image', type: 'string', description: 'OS image reported by the node.', priority: 1 },
        ],
        objs,
        (o) => {
          const meta = o.metadata as Obj, st = o.status as Obj;
          const info = st.nodeInfo as Obj;
          return [meta.name, 'Ready', '<none>', ageOf(o, nowMs), info.kubeletVersion, ((st.addresses as Obj[])[0] as Obj).address, info.osImage];
        },
        resourceVersion, include,
      );
    case 'Namespace':
      return table(
        [NAME_COLUMN, { name: 'Status', type: 'string', description: 'The status of the namespace', priority: 0 }, AGE_COLUMN],
        objs,
        (o) => [(o.metadata as Obj).name, 'Active', ageOf(o, nowMs)],
        resourceVersion, include,
      );
  }
}
