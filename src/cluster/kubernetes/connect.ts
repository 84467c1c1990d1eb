/**
 * The first contact's pure parts: which Kubernetes node is which scenario
 * node (`nodeMap`), the nodes' sizes (allocatable: what pods can use) and
 * hardware labels, and what each load target invokes (a function, or a
 * workflow's entry function). The connection itself (clients, recording,
 * the restore journal) is KubernetesCluster's.
 */
import type { V1Node } from '@kubernetes/client-node';
import { ConfigError, quote } from '../../core/errors.js';
import type { ResolvedScenario } from '../sim/spec.js';
import type { NodeInfo } from '../types.js';
import type { KubernetesBackendConfig } from './config.js';
import { memoryMb, parseQuantity } from './quantity.js';

/** Node labels or annotations that describe what Kubernetes does not: CPU model, L3 size, relative per-core speed. */
export const NODE_CPU_MODEL_KEY = 'faasgym.io/cpu-model';
export const NODE_L3_MB_KEY = 'faasgym.io/l3-mb';
export const NODE_SPEED_KEY = 'faasgym.io/speed';

/** Scenario node names → Kubernetes node names (nodeMap, else the same name). */
export function mapNodes(scenario: ResolvedScenario, k8sNodes: V1Node[], cfg: KubernetesBackendConfig, notes: string[]): { toK8s: Map<string, string>; fromK8s: Map<string, string> } {
  const names = new Set(k8sNodes.map((n) => n.metadata?.name ?? ''));
  for (const [from, to] of Object.entries(cfg.nodeMap)) {
    if (!scenario.nodes.some((n) => n.name === from)) throw new ConfigError(`backend.nodeMap: ${quote(from)} is not a node of the scenario (nodes: ${scenario.nodes.map((n) => n.name).join(', ')})`);
    if (!names.has(to)) throw new ConfigError(`backend.nodeMap.${from}: the cluster has no node ${quote(to)} (nodes: ${[...names].join(', ')})`);
  }
  const toK8s = new Map<string, string>(), fromK8s = new Map<string, string>();
  const declared = scenario.nodes.map((n) => n.name);
  const present = declared.filter((d) => names.has(cfg.nodeMap[d] ?? d));
  if (declared.length === 0 || (present.length === 0 && Object.keys(cfg.nodeMap).length === 0)) {
    // The scenario's nodes are not this cluster's: work with the cluster's own.
    if (declared.length > 0) notes.push(`the cluster has none of the scenario's nodes (${declared.join(', ')}); nodes are the cluster's own (set backend.nodeMap to map them)`);
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

export function nodeInfos(scenario: ResolvedScenario, k8sNodes: V1Node[], fromK8s: Map<string, string>): NodeInfo[] {
  const out: NodeInfo[] = [];
  const declared = new Map(scenario.nodes.map((n) => [n.name, n]));
  // Scenario order first (environments index nodes by it), then any others.
  const ordered = [...k8sNodes].filter((n) => fromK8s.has(n.metadata?.name ?? '')).sort((a, b) => {
    const ia = scenario.nodes.findIndex((d) => d.name === fromK8s.get(a.metadata?.name ?? ''));
    const ib = scenario.nodes.findIndex((d) => d.name === fromK8s.get(b.metadata?.name ?? ''));
    return (ia < 0 ? Infinity : ia) - (ib < 0 ? Infinity : ib);
  });
  for (const n of ordered) {
    const name = fromK8s.get(n.metadata?.name ?? '') as string;
    const labels = { ...(n.metadata?.labels ?? {}) };
    const ann = n.metadata?.annotations ?? {};
    const d = declared.get(name);
    // What pods can use: allocatable (capacity less the system and kubelet reservations), as the scheduler counts.
    const cap = n.status?.allocatable ?? n.status?.capacity ?? {};
    const meta = (key: string): string | undefined => labels[key] ?? ann[key];
    const numMeta = (key: string, fallback: number): number => {
      const v = Number(meta(key));
      return Number.isFinite(v) && v > 0 ? v : fallback;
    };
    out.push({
      name,
      cores: cap.cpu !== undefined ? parseQuantity(cap.cpu, `node ${name} allocatable.cpu`) : d?.cores ?? 1,
      memoryMb: cap.memory !== undefined ? memoryMb(cap.memory, `node ${name} allocatable.memory`) : d?.memoryMb ?? 0,
      cpuModel: meta(NODE_CPU_MODEL_KEY) ?? d?.cpuModel ?? 'unknown',
      l3Mb: numMeta(NODE_L3_MB_KEY, d?.l3Mb ?? 32),
      speed: numMeta(NODE_SPEED_KEY, d?.speed ?? 1),
      labels,
    });
  }
  return out;
}

/** What each load target invokes: a function itself, or a workflow's entry function. */
export function loadEntries(scenario: ResolvedScenario, cfg: KubernetesBackendConfig): Map<string, { fn: string; headers: Record<string, string> }> {
  const out = new Map<string, { fn: string; headers: Record<string, string> }>();
  for (const load of scenario.loads) {
    if (out.has(load.target)) continue;
    if (scenario.functions.some((f) => f.name === load.target)) {
      out.set(load.target, { fn: load.target, headers: {} });
      continue;
    }
    const wf = scenario.workflows.find((w) => w.name === load.target);
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
