/**
 * Random co-located interference (§5: "we dynamically change the underlying
 * interference on the cluster by randomly altering the number of cpu
 * micro-benchmarks per VM"): a level per node drawn from the env's generator
 * and injected through `Cluster.setStress` on backends that can (the
 * simulator, the twin). On a real cluster interference is whatever the other
 * tenants do; nothing is injected and the agent sees it only in the counters.
 */
import type { Rng } from '../../src/core/rng.js';
import type { Cluster } from '../../src/cluster/types.js';

/** One level per node, each drawn uniformly from `levels` (in the order of `nodes`). */
export function drawStress(rng: Rng, nodes: readonly string[], levels: readonly number[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const node of nodes) out[node] = rng.choice(levels);
  return out;
}

/**
 * Draw and inject new levels; returns them, or null when the backend cannot
 * inject interference (then nothing is drawn, so the episode's other draws do
 * not depend on the backend's abilities).
 */
export function injectStress(cluster: Cluster, rng: Rng, nodes: readonly string[], levels: readonly number[]): Record<string, number> | null {
  if (typeof cluster.setStress !== 'function') return null;
  const stress = drawStress(rng, nodes, levels);
  for (const node of nodes) cluster.setStress(node, stress[node] as number);
  return stress;
}
