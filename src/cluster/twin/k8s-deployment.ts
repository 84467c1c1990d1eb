/**
 * A function as an apps/v1 Deployment (and its autoscaling/v1 Scale),
 * rendered from the twin's model. The reverse, a Deployment as patched or PUT
 * by a client back to a `FunctionConfig`: k8s-deployment-update.ts.
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
import { FUNCTION_LABEL, HOSTNAME_LABEL, stableUid, type FunctionConfig, type FunctionView, type Resources } from './model.js';
import type { Obj, RenderContext } from './k8s-meta.js';

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
