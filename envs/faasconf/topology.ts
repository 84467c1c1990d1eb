/**
 * The workflow's topology as the adjacency matrix AttMF multiplies its
 * attention weights with (000 §4.2, eq. 9; "Topology Descriptor", §3).
 */
import type { SimWorkflowSpec } from '../../src/cluster/sim/spec.js';

/**
 * n × n, 0/1, over `functions` (the agents' order): A[j][k] = 1 when one of
 * the functions invokes the other (an edge or a branch arc between their
 * stages, in either direction: performance dependencies run both ways, §2.2
 * Motivation 3); 0 on the diagonal.
 */
export function workflowAdjacency(workflow: SimWorkflowSpec, functions: readonly string[]): number[][] {
  const index = new Map(functions.map((f, i) => [f, i]));
  const fnOfStage = new Map<string, string>();
  for (const stage of workflow.stages) {
    if (typeof stage === 'string') fnOfStage.set(stage, stage);
    else fnOfStage.set(stage.id ?? stage.fn, stage.fn);
  }
  const a = functions.map(() => new Array<number>(functions.length).fill(0));
  const link = (from: string, to: string): void => {
    const i = index.get(fnOfStage.get(from) ?? from);
    const j = index.get(fnOfStage.get(to) ?? to);
    if (i === undefined || j === undefined || i === j) return;
    (a[i] as number[])[j] = 1;
    (a[j] as number[])[i] = 1;
  };
  for (const [from, to] of workflow.edges ?? []) link(from, to);
  for (const b of workflow.branches ?? []) for (const to of b.to) link(b.from, to);
  return a;
}
