/**
 * The four Mappers of Darly §5: where a migrated function lands. They see only
 * what every backend offers (`Cluster.nodes()`, `Cluster.functions()` and the
 * last window's `ClusterSnapshot`), so they work on the simulator and on a real
 * cluster alike.
 *
 * - **Fullmap** — the agent picks the destination of every function (one
 *   migrate action per node).
 * - **Custom** — the agent picks the destination of the Framer and the
 *   Face-detector; every other function goes to the *least loaded* node: the
 *   lowest C0 residency (busy fraction) in the last window.
 * - **Kubernetes** — kube-scheduler's default scoring (NodeResourcesFit,
 *   LeastAllocated): among the nodes whose free CPU and memory requests fit the
 *   function, the one with the most free resources left, mean of the CPU and
 *   memory fractions.
 * - **Profile** — the node with the lowest latency estimated from the offline
 *   profile of §3.3 (each function's interference sensitivity and each node's
 *   per-core speed) and the node's observed interference:
 *   `slowdown(ŝ, k_f) / speed / avail`, with ŝ = C0 − (our functions' busy
 *   cores on the node) / cores, the other tenants' share of the node estimated
 *   from the counters, `slowdown` Darly's interference curve (Fig. 2, see
 *   src/cluster/sim/interference.ts) and `avail` = min(1, cores·(1 − ŝ) /
 *   (our busy cores + the function's CPU)) the CPU left for it.
 *
 * Every mapper except Fullmap moves the function off its node (the source is
 * never a destination) and only onto a node whose free requests fit it; ties go
 * to the first node in Table 1's order.
 */
import type { ClusterSnapshot, FunctionState, NodeInfo, ReplicaInfo } from '../../src/cluster/types.js';
import { interferenceSlowdown } from '../../src/cluster/sim/interference.js';
import { darlyVideo } from '../../src/workloads/presets/darly.js';

export type MapperName = 'fullmap' | 'custom' | 'kubernetes' | 'profile';

/** What a mapper may look at. */
export interface ClusterView {
  nodes: readonly NodeInfo[];
  functions: readonly FunctionState[];
  /** The last window (its per-node PCM counters, per-function CPU use). */
  snapshot: ClusterSnapshot;
}

export interface Mapper {
  readonly name: MapperName;
  /** True when the agent chooses the destination of `fn` (the action table then holds one migrate action per node). */
  agentPicks(fn: string): boolean;
  /** Destination of a migration of `fn` away from node `from`; null when no other node fits it. */
  destination(fn: FunctionState, from: string, view: ClusterView): string | null;
}

/** Functions whose destination the agent picks under the Custom mapper (§5). */
export const CUSTOM_AGENT_PICKS: readonly string[] = ['framer', 'face-detector'];

/** The offline profile (§3.3): interference sensitivity per function. */
const SENSITIVITY: ReadonlyMap<string, number> = new Map(darlyVideo.functions.map((f) => [f.name, f.interferenceSensitivity ?? 1]));

/** Replicas that serve or will serve (not draining). */
export function liveReplicas(fn: FunctionState): ReplicaInfo[] {
  return fn.replicas.filter((r) => r.phase !== 'draining');
}

/** C0 residency of `node` in the last window (0 when the backend reported none). */
export function nodeLoad(view: ClusterView, node: string): number {
  return view.snapshot.nodes[node]?.pcm.c0 ?? 0;
}

/** CPU (millicores) and memory (MB) requested by the replicas on each node. */
function requested(view: ClusterView): Map<string, { cpu: number; mem: number }> {
  const out = new Map(view.nodes.map((n) => [n.name, { cpu: 0, mem: 0 }]));
  for (const fn of view.functions) {
    for (const r of fn.replicas) {
      const slot = out.get(r.node);
      if (slot) {
        slot.cpu += fn.requests.cpuMilli;
        slot.mem += fn.requests.memoryMb;
      }
    }
  }
  return out;
}

/** Nodes other than `from` whose free requests fit one more replica of `fn`, in Table 1's order, with the fractions left free after placing it. */
function candidates(fn: FunctionState, from: string, view: ClusterView): { node: NodeInfo; cpuFree: number; memFree: number }[] {
  const req = requested(view);
  const out: { node: NodeInfo; cpuFree: number; memFree: number }[] = [];
  for (const node of view.nodes) {
    if (node.name === from) continue;
    if (fn.nodeSelector !== null && !fn.nodeSelector.includes(node.name)) continue;
    const used = req.get(node.name) as { cpu: number; mem: number };
    const cpuCap = node.cores * 1000, memCap = node.memoryMb;
    const cpuLeft = cpuCap - used.cpu - fn.requests.cpuMilli, memLeft = memCap - used.mem - fn.requests.memoryMb;
    if (cpuLeft < 0 || memLeft < 0) continue;
    out.push({ node, cpuFree: cpuLeft / cpuCap, memFree: memLeft / memCap });
  }
  return out;
}

/** The first candidate with the smallest `score` (stable: ties go to Table 1's order). */
function argmin<T>(items: readonly T[], score: (x: T) => number): T | null {
  let best: T | null = null, bestScore = Infinity;
  for (const x of items) {
    const s = score(x);
    if (s < bestScore) {
      best = x;
      bestScore = s;
    }
  }
  return best;
}

/** Busy cores of our functions on each node: each function's CPU use split evenly over its replicas. */
function ownBusyCores(view: ClusterView): Map<string, number> {
  const out = new Map(view.nodes.map((n) => [n.name, 0]));
  for (const fn of view.functions) {
    const cores = view.snapshot.functions[fn.name]?.cpuCores ?? 0;
    if (fn.replicas.length === 0 || cores === 0) continue;
    for (const r of fn.replicas) if (out.has(r.node)) out.set(r.node, (out.get(r.node) as number) + cores / fn.replicas.length);
  }
  return out;
}

/**
 * Profile-based latency factor of running `fn` on `node` (1 = a reference
 * core without interference; larger is slower). See the module comment.
 */
export function profileEstimate(fn: FunctionState, node: NodeInfo, view: ClusterView, own = ownBusyCores(view)): number {
  const busy = own.get(node.name) ?? 0;
  const stress = Math.min(1, Math.max(0, nodeLoad(view, node.name) - busy / node.cores));
  const free = node.cores * (1 - stress);
  const demand = busy + fn.limits.cpuMilli / 1000;
  const avail = demand > free ? Math.max(free, 0.05 * node.cores) / demand : 1;
  return interferenceSlowdown(stress, SENSITIVITY.get(fn.name) ?? 1) / node.speed / avail;
}

const leastLoaded = (fn: FunctionState, from: string, view: ClusterView): string | null =>
  argmin(candidates(fn, from, view), (c) => nodeLoad(view, c.node.name))?.node.name ?? null;

const MAPPERS: Record<MapperName, Mapper> = {
  fullmap: {
    name: 'fullmap',
    agentPicks: () => true,
    destination: () => null,
  },
  custom: {
    name: 'custom',
    agentPicks: (fn) => CUSTOM_AGENT_PICKS.includes(fn),
    destination: leastLoaded,
  },
  kubernetes: {
    name: 'kubernetes',
    agentPicks: () => false,
    destination: (fn, from, view) => argmin(candidates(fn, from, view), (c) => -(c.cpuFree + c.memFree) / 2)?.node.name ?? null,
  },
  profile: {
    name: 'profile',
    agentPicks: () => false,
    destination: (fn, from, view) => {
      const own = ownBusyCores(view);
      return argmin(candidates(fn, from, view), (c) => profileEstimate(fn, c.node, view, own))?.node.name ?? null;
    },
  },
};

export function mapperFor(name: MapperName): Mapper {
  return MAPPERS[name];
}

/** Whether `to` can take one more replica of `fn` (free requests fit). */
export function fitsOn(fn: FunctionState, to: string, view: ClusterView): boolean {
  return candidates(fn, '', view).some((c) => c.node.name === to);
}

/**
 * The replica a migration moves: the one on the most loaded node (highest C0
 * in the last window) among `fn`'s live replicas not already on `exclude`;
 * ties go to Table 1's order, then to the oldest replica. Null when every live
 * replica is on `exclude`.
 */
export function migrationSource(fn: FunctionState, view: ClusterView, exclude?: string): ReplicaInfo | null {
  const order = new Map(view.nodes.map((n, i) => [n.name, i]));
  let best: ReplicaInfo | null = null;
  for (const r of liveReplicas(fn)) {
    if (r.node === exclude) continue;
    if (best === null) { best = r; continue; }
    const dl = nodeLoad(view, r.node) - nodeLoad(view, best.node);
    if (dl > 0 || (dl === 0 && (order.get(r.node) ?? 0) < (order.get(best.node) ?? 0))) best = r;
  }
  return best;
}
