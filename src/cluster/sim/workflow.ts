/**
 * A workflow spec compiled into the engine's graph: stage indices, in-degrees
 * (edges and branch targets both count), successor lists, probabilistic
 * branches, entry stages (in-degree 0) and sinks (no successor, no branch).
 */
import { sampler } from '../../workloads/dist.js';
import { SimWorkflow, type SimFn } from './entities.js';
import type { ResolvedWorkflow } from './spec.js';

export function compileWorkflow(idx: number, spec: ResolvedWorkflow, fns: Map<string, SimFn>): SimWorkflow {
  const n = spec.stages.length;
  const index = new Map(spec.stages.map((s, i) => [s.id, i]));
  const at = (id: string): number => index.get(id) as number;
  const indegree = new Int32Array(n);
  const next: number[][] = spec.stages.map(() => []);
  const branches: { to: Int32Array; probs: number[] }[][] = spec.stages.map(() => []);
  for (const [from, to] of spec.edges) {
    next[at(from)]?.push(at(to));
    indegree[at(to)]++;
  }
  for (const b of spec.branches) {
    branches[at(b.from)]?.push({ to: Int32Array.from(b.to.map(at)), probs: b.probs });
    for (const t of b.to) indegree[at(t)]++;
  }
  const entries: number[] = [], sinks: number[] = [];
  const isSink = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (indegree[i] === 0) entries.push(i);
    if ((next[i] as number[]).length === 0 && (branches[i] as unknown[]).length === 0) {
      sinks.push(i);
      isSink[i] = 1;
    }
  }
  return new SimWorkflow(
    idx, spec,
    spec.stages.map((s) => fns.get(s.fn) as SimFn),
    Int32Array.from(spec.stages.map((s) => s.parallelism)),
    indegree,
    next.map((list) => Int32Array.from(list)),
    branches,
    Int32Array.from(entries),
    Int32Array.from(sinks),
    isSink,
    sampler(spec.requestScale),
  );
}
