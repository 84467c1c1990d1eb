/**
 * The v1 Pods of a function, rendered from the simulator's replicas: starting
 * replicas are Pending pods (ContainerCreating), ready ones Running and Ready,
 * draining ones Terminating (with a deletionTimestamp); replicas no node has
 * room for are Pending pods (Unschedulable). Pod and node IPs are derived from
 * the node's index and the replica's id, so they are stable across renders.
 */
import { stableUid, type FunctionView } from './model.js';
import type { Obj, RenderContext } from './k8s-meta.js';
import { podTemplate } from './k8s-deployment.js';

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
