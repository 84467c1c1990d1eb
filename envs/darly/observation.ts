/**
 * Darly's state (§4.3.2) as a flat float32 vector in [0, 1]: the per-node PCM
 * counters ⟨IPC, L3 misses, C0, C6⟩, the placement and replica counts of the
 * controlled functions, the QoS target and the last end-to-end latency.
 */
import { Box } from '../../src/spaces/box.js';
import type { FunctionState, NodeInfo, PcmCounters } from '../../src/cluster/types.js';
import type { ClusterView } from './mappers.js';

/** IPC is divided by this (a 2-wide core's peak in the simulator's PCM model; higher real values clip to 1). */
export const IPC_SCALE = 2;
/** L3 misses per second are divided by this many millions per core of the node (≈ 0.5 for a saturated node of the PCM model). */
export const L3_MISSES_M_PER_CORE = 12.5;

export interface ObservationLayout {
  nodes: readonly string[];
  controlled: readonly string[];
  maxReplicas: (fn: string) => number;
  /** Seconds that map to 1 for the QoS target and the latency: twice the largest target. */
  latencyScale: number;
}

export function observationSize(layout: ObservationLayout): number {
  return layout.nodes.length * 4 + layout.controlled.length * layout.nodes.length + 2;
}

/** What each element means, in order (for the docs and for policies written by hand). */
export function observationLabels(layout: ObservationLayout): string[] {
  const out: string[] = [];
  for (const n of layout.nodes) out.push(`${n}.ipc`, `${n}.l3Misses`, `${n}.c0`, `${n}.c6`);
  for (const f of layout.controlled) for (const n of layout.nodes) out.push(`${f}@${n}`);
  out.push('qosTarget', 'lastLatency');
  return out;
}

export function observationSpace(layout: ObservationLayout): Box {
  return new Box({ low: 0, high: 1, shape: [observationSize(layout)], dtype: 'float32' });
}

const clip01 = (x: number): number => (x > 0 ? (x < 1 ? x : 1) : 0);
const f32 = (x: number): number => Math.fround(clip01(x));

function pcmFeatures(pcm: PcmCounters | undefined, node: NodeInfo | undefined): number[] {
  if (!pcm) return [0, 0, 0, 0];
  const cores = node?.cores ?? 1;
  return [pcm.ipc / IPC_SCALE, pcm.l3MissesM / (L3_MISSES_M_PER_CORE * cores), pcm.c0, pcm.c6];
}

function replicasOn(fn: FunctionState | undefined, node: string): number {
  if (!fn) return 0;
  let n = 0;
  for (const r of fn.replicas) if (r.node === node && r.phase !== 'draining') n++;
  return n;
}

/**
 * The observation after a request: `view` holds the cluster now and the
 * request's window; `qosTarget` is the target of the *next* request (the one
 * the agent acts for); `latency` is the last request's end-to-end latency
 * (null or Infinity for a failed request: 1).
 */
export function buildObservation(layout: ObservationLayout, view: ClusterView, qosTarget: number, latency: number | null): number[] {
  const out: number[] = [];
  for (const name of layout.nodes) {
    const info = view.nodes.find((n) => n.name === name);
    for (const v of pcmFeatures(view.snapshot.nodes[name]?.pcm, info)) out.push(f32(v));
  }
  for (const fname of layout.controlled) {
    const fn = view.functions.find((f) => f.name === fname);
    for (const node of layout.nodes) out.push(f32(replicasOn(fn, node) / layout.maxReplicas(fname)));
  }
  out.push(f32(qosTarget / layout.latencyScale));
  out.push(latency === null || !Number.isFinite(latency) ? 1 : f32(latency / layout.latencyScale));
  return out;
}
