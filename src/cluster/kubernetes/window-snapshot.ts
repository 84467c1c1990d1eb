/**
 * One window of a real cluster as a `ClusterSnapshot`: a pure function of
 * what the backend measured (the load generator's per-target statistics, the
 * gateway's FunctionStatus list, replica-time integrals from the pod samples,
 * PCM counters read from InfluxDB, pods per node). Costs use src/cluster/cost.ts:
 * FaaSConf eq. (2) for provisioned resources, StepConf §3.5 for pay per use.
 *
 * What a real cluster cannot tell is reported, never invented: `warnings`
 * lists every metric reported as 0 because it was not measured. OpenFaaS CE
 * has no `usage` in its FunctionStatus (faas-netes pkg/k8s/function_status.go):
 * CPU and memory utilisation, the nodes' free memory and interference then
 * ignore the functions' own use, and say so.
 */
import { lambdaCostUsd, provisionedCostUsd, provisionedUsage } from '../cost.js';
import { Histogram } from '../sim/histogram.js';
import type { ResolvedScenario } from '../sim/spec.js';
import type { ClusterSnapshot, FunctionMetrics, NodeInfo, NodeMetrics, PcmCounters, ReplicaInfo, WorkflowMetrics } from '../types.js';
import type { Desired } from './apply-changes.js';
import type { FunctionStatus } from './gateway-client.js';
import type { TargetWindow } from './load-generator.js';

export const MANAGED_NOT_MEASURED = ['networkMBps', 'throttledFraction', 'queueLength', 'coldStarts'];

export interface WindowInput {
  scenario: ResolvedScenario;
  managed: readonly string[];
  desired: ReadonlyMap<string, Desired>;
  /** Current replicas per function (draining ones included, marked). */
  replicas: ReadonlyMap<string, ReplicaInfo[]>;
  /** Replica starts per function within the window. */
  replicaStarts: ReadonlyMap<string, number>;
  /** The load generator's statistics per target. */
  stats: ReadonlyMap<string, TargetWindow>;
  /** `GET /system/functions` (the list: the only endpoint with invocation counts). */
  statuses: ReadonlyMap<string, FunctionStatus>;
  /** Invocation counts at the window's start. */
  invocationsBefore: ReadonlyMap<string, number>;
  /** Replica-seconds per function, node-seconds used and replica-seconds in all, over the window. */
  integral: { perFn: ReadonlyMap<string, number>; nodesUsed: number; total: number };
  tEnd: number;
  window: number;
  nodes: readonly NodeInfo[];
  pcm: ReadonlyMap<string, { counters: PcmCounters }>;
  /** Interference levels injected on a twin (absent on a real cluster). */
  stress: ReadonlyMap<string, number>;
  /** Function pods per scenario node. */
  podsPerNode: ReadonlyMap<string, number>;
  /** Warnings collected before (one-time notes, PCM reading). */
  warnings: readonly string[];
  loadMaxInflight: number;
  maxLateness: number;
}

const ZERO_PCM: PcmCounters = { ipc: 0, l3MissesM: 0, l3HitsM: 0, dramReadMBps: 0, dramWriteMBps: 0, c0: 0, c1: 0, c6: 0 };

/** The snapshot of one window, and the invocation counts at its end. */
export function windowSnapshot(input: WindowInput): { snapshot: ClusterSnapshot; invocations: Map<string, number> } {
  const { window, tEnd } = input;
  const per = (x: number): number => (window > 0 ? x / window : 0);
  const warnings: string[] = [...input.warnings];
  const invocations = new Map(input.invocationsBefore);
  const functions: Record<string, FunctionMetrics> = {};
  let provisionedUsd = 0, lambdaUsd = 0;
  const unmeasured: string[] = [];
  let usageMissing = false;
  for (const name of input.managed) {
    const d = input.desired.get(name) as Desired;
    const st = input.statuses.get(name);
    // Measured by the load generator only when the load targets the function itself. A workflow's entry
    // function answers after the chain behind it, so its calls measure the workflow (in `workflows`), not it.
    const s = input.scenario.loads.some((l) => l.target === name) ? input.stats.get(name) : undefined;
    const replicaSeconds = input.integral.perFn.get(name) ?? 0;
    const avgReplicas = per(replicaSeconds);
    const invNow = typeof st?.invocationCount === 'number' ? st.invocationCount : undefined;
    const invDelta = invNow !== undefined ? Math.max(0, invNow - (input.invocationsBefore.get(name) ?? invNow)) : null;
    if (invNow !== undefined) invocations.set(name, invNow);
    const cpuCores = typeof st?.usage?.cpu === 'number' ? st.usage.cpu / 1000 : null;
    const memBytes = typeof st?.usage?.totalMemoryBytes === 'number' ? st.usage.totalMemoryBytes : null;
    if (cpuCores === null) unmeasured.push(`${name}.cpuUtilization`);
    if (memBytes === null) unmeasured.push(`${name}.memoryUtilization`);
    if (cpuCores === null || memBytes === null) usageMissing = true;
    const live = (input.replicas.get(name) ?? []).filter((r) => r.phase !== 'draining').length;
    const base = {
      coldStarts: 0,
      replicaStarts: input.replicaStarts.get(name) ?? 0,
      cpuUtilization: cpuCores !== null && avgReplicas > 0 ? cpuCores / ((d.cpuMilli / 1000) * avgReplicas) : 0,
      cpuCores: cpuCores ?? 0,
      memoryUtilization: memBytes !== null && live > 0 ? Math.min(1, memBytes / 2 ** 20 / (d.memoryMb * live)) : 0,
      networkMBps: 0,
      throttledFraction: 0,
      queueLength: 0,
    };
    let m: FunctionMetrics;
    if (s) {
      const running = Math.min(s.outstanding, avgReplicas);
      m = {
        ...base,
        requests: s.requests, successes: s.successes, rejected: s.rejected, failed: s.failed,
        throughput: per(s.successes), latency: s.latency.stats(), inflight: s.outstanding,
        instances: { total: avgReplicas, running, idle: Math.max(0, avgReplicas - running) },
      };
      if (s.successes > 0) lambdaUsd += lambdaCostUsd({ seconds: s.latency.mean, memoryMb: d.memoryMb, invocations: s.successes });
      lambdaUsd += lambdaCostUsd({ seconds: 0, memoryMb: d.memoryMb, invocations: s.requests - s.successes });
      if (s.dropped > 0) warnings.push(`load: ${s.dropped} arrivals of ${name} were dropped (more than ${input.loadMaxInflight} requests outstanding); counted as failed`);
    } else {
      // Invoked by other functions (a workflow chained by the functions themselves): only the gateway's count is known.
      const n = invDelta ?? 0;
      unmeasured.push(`${name}.latency`, `${name}.outcomes (invocations from the gateway's invocationCount${invDelta === null ? ', which it does not report' : ''})`);
      m = {
        ...base,
        requests: n, successes: n, rejected: 0, failed: 0, throughput: per(n), latency: new Histogram().stats(), inflight: 0,
        instances: { total: avgReplicas, running: 0, idle: avgReplicas },
      };
    }
    functions[name] = m;
    // FaaSConf eq. (2) over the window, with the time-averaged replica count.
    provisionedUsd += provisionedCostUsd(provisionedUsage(window, d, avgReplicas));
  }
  warnings.push(`not measured on a real cluster, reported as 0: ${[...MANAGED_NOT_MEASURED, ...unmeasured].join(', ')}`);
  if (usageMissing) warnings.push('no usage in the gateway\'s FunctionStatus (OpenFaaS CE): node free memory and interference leave out the functions\' own use');
  if (input.maxLateness > 0.05 * Math.max(1, window)) warnings.push(`load: sends ran up to ${input.maxLateness.toFixed(3)} s behind their arrival times (the load generator was overloaded)`);

  // Workflows: end to end, as the load generator saw their entry calls.
  const workflows: Record<string, WorkflowMetrics> = {};
  for (const wf of input.scenario.workflows) {
    const s = input.stats.get(wf.name);
    if (s && s.dropped > 0) warnings.push(`load: ${s.dropped} arrivals of ${wf.name} were dropped (more than ${input.loadMaxInflight} requests outstanding); counted as failed`);
    workflows[wf.name] = s
      ? { requests: s.requests, completed: s.successes, failed: s.failed + s.rejected, latency: s.latency.stats() }
      : { requests: 0, completed: 0, failed: 0, latency: new Histogram().stats() };
  }

  // Nodes: PCM from InfluxDB, replicas from the pods, the functions' own use where the gateway reports it.
  const ownCores = new Map<string, number>();
  const memUsed = new Map<string, number>();
  for (const name of input.managed) {
    const reps = input.replicas.get(name) ?? [];
    if (reps.length === 0) continue;
    const st = input.statuses.get(name);
    for (const r of reps) {
      ownCores.set(r.node, (ownCores.get(r.node) ?? 0) + (functions[name]?.cpuCores ?? 0) / reps.length);
      const bytes = typeof st?.usage?.totalMemoryBytes === 'number' ? st.usage.totalMemoryBytes / reps.length : 0;
      memUsed.set(r.node, (memUsed.get(r.node) ?? 0) + bytes / 2 ** 20);
    }
  }
  const nodes: Record<string, NodeMetrics> = {};
  for (const n of input.nodes) {
    const counters = input.pcm.get(n.name)?.counters ?? { ...ZERO_PCM };
    const busy = counters.c0;
    const known = input.stress.get(n.name);
    nodes[n.name] = {
      pcm: counters,
      // Busy time from C0 residency; the user/system split is not measured (all of it is reported as user).
      cpu: { idle: 1 - busy, user: busy, system: 0 },
      freeMemoryMb: Math.max(0, n.memoryMb - (memUsed.get(n.name) ?? 0)),
      interference: known ?? Math.max(0, Math.min(1, busy - (ownCores.get(n.name) ?? 0) / Math.max(1, n.cores))),
      replicas: input.podsPerNode.get(n.name) ?? 0,
    };
  }

  return {
    snapshot: {
      time: tEnd,
      window,
      functions,
      nodes,
      workflows,
      cost: { provisionedUsd, lambdaUsd, servers: per(input.integral.nodesUsed), replicas: per(input.integral.total) },
      warnings,
    },
    invocations,
  };
}

// ------------------------------------------------------------------ replica-time integrals

/** One sample of replica and node use, taken at backend time `t` (a step function until the next sample). */
export interface Sample {
  t: number;
  perFn: Map<string, number>;
  nodesUsed: number;
  total: number;
}

/** Step-function integrals of the samples over [t0, t1]. */
export function integrate(samples: Sample[], t0: number, t1: number): { perFn: Map<string, number>; nodesUsed: number; total: number } {
  const perFn = new Map<string, number>();
  let nodesUsed = 0, total = 0;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i] as Sample;
    const from = Math.max(t0, s.t);
    const to = Math.min(t1, i + 1 < samples.length ? (samples[i + 1] as Sample).t : t1);
    const dt = to - from;
    if (!(dt > 0)) continue;
    for (const [k, v] of s.perFn) perFn.set(k, (perFn.get(k) ?? 0) + v * dt);
    nodesUsed += s.nodesUsed * dt;
    total += s.total * dt;
  }
  return { perFn, nodesUsed, total };
}
