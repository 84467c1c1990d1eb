/**
 * v1 Node and Namespace objects of the twin: a simulated node's cores and
 * memory as capacity and allocatable, its labels (plus the well-known
 * hostname label), its CPU model, L3 size and speed as annotations, and
 * always-Ready conditions; namespaces are Active.
 */
import type { NodeInfo } from '../types.js';
import { nodeLabels, stableUid } from './model.js';
import { formatCpu, formatMemory } from './quantity.js';
import type { Obj, RenderContext } from './k8s-meta.js';
import { KUBERNETES_VERSION } from './k8s-discovery.js';
import { nodeIp } from './k8s-pods.js';

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
