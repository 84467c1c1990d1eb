/**
 * Turns the engine's window accumulators into a `ClusterSnapshot`.
 */
import type { Rng } from '../../core/rng.js';
import type { ClusterSnapshot, FunctionMetrics, NodeMetrics, WorkflowMetrics } from '../types.js';
import type { Engine } from './engine.js';
import { cpuTimes, pcmCounters } from './pcm.js';

export interface SnapshotOptions {
  /** Relative noise of the PCM counters (0 = exact). @default 0.02 */
  pcmNoise?: number;
}

export function buildSnapshot(engine: Engine, rng: Rng, opts: SnapshotOptions = {}): ClusterSnapshot {
  const window = engine.now - engine.winStart;
  const per = (x: number): number => (window > 0 ? x / window : 0);
  const functions: Record<string, FunctionMetrics> = {};
  let provisionedUsd = 0, lambdaUsd = 0, replicaSeconds = 0;
  for (const fn of engine.fns) {
    const w = fn.win;
    const lat = (engine.fnLatency[fn.idx] as import('./histogram.js').Histogram).stats();
    provisionedUsd += fn.spec.scaling === 'replicas' ? w.provisionedUsd : 0;
    lambdaUsd += w.lambdaUsd;
    replicaSeconds += w.instanceSeconds;
    functions[fn.spec.name] = {
      requests: w.requests,
      successes: w.successes,
      rejected: w.rejected,
      failed: w.failed,
      coldStarts: w.coldStarts,
      replicaStarts: w.replicaStarts,
      throughput: per(w.successes),
      latency: lat,
      cpuUtilization: w.limitCoreSeconds > 0 ? w.cpuCoreSeconds / w.limitCoreSeconds : 0,
      cpuCores: per(w.cpuCoreSeconds),
      memoryUtilization: fn.memoryMb > 0 ? Math.min(1, fn.spec.memoryFootprintMb / fn.memoryMb) * (w.instanceSeconds > 0 ? 1 : 0) : 0,
      networkMBps: per(w.transferMb),
      throttledFraction: w.instanceSeconds > 0 ? w.throttledSeconds / w.instanceSeconds : 0,
      inflight: per(w.inflightSeconds),
      queueLength: per(w.queueSeconds),
      instances: {
        total: per(w.instanceSeconds),
        running: per(w.runningSeconds),
        idle: per(w.instanceSeconds - w.runningSeconds),
      },
    };
  }
  const nodes: Record<string, NodeMetrics> = {};
  let occupied = 0;
  for (const node of engine.nodes) {
    const w = node.win;
    const busyCores = per(w.busyCoreSeconds);
    const stress = window > 0 ? w.stressSeconds / window : node.stress;
    occupied += per(w.occupiedSeconds);
    let freeMemoryMb = node.spec.memoryMb;
    for (const r of node.replicas) freeMemoryMb -= Math.min(r.fn.memoryMb, Math.max(r.fn.spec.memoryFootprintMb, 0));
    const load = { cores: node.spec.cores, speed: node.spec.speed, l3Mb: node.spec.l3Mb, busyCores, stress };
    nodes[node.spec.name] = {
      pcm: pcmCounters(load, rng, opts.pcmNoise ?? 0.02),
      cpu: cpuTimes(load),
      freeMemoryMb,
      interference: stress,
      replicas: node.replicas.length,
    };
  }
  const workflows: Record<string, WorkflowMetrics> = {};
  for (const wf of engine.workflows) {
    workflows[wf.spec.name] = {
      requests: wf.requests,
      completed: wf.completed,
      failed: wf.failed,
      latency: (engine.wfLatency[wf.idx] as import('./histogram.js').Histogram).stats(),
    };
  }
  return {
    time: engine.now,
    window,
    functions,
    nodes,
    workflows,
    cost: { provisionedUsd, lambdaUsd, servers: occupied, replicas: per(replicaSeconds) },
    warnings: [],
  };
}
