/**
 * The `Cluster` seam: everything that is a fact about the cluster lives behind
 * this interface; everything that is a decision (what an action means, what an
 * agent sees, what it is paid) lives in the environments. Implemented by the
 * simulator (`SimCluster`), the real Kubernetes + OpenFaaS backend and the twin.
 *
 * Units: seconds, millicores (CPU), megabytes (memory), unless a name says otherwise.
 */

export interface NodeInfo {
  name: string;
  /** vCPUs. */
  cores: number;
  memoryMb: number;
  cpuModel: string;
  /** Last-level cache, MB. */
  l3Mb: number;
  /** Per-core speed relative to the reference core (1.0); heterogeneity. */
  speed: number;
  labels: Record<string, string>;
}

export type ReplicaPhase = 'starting' | 'ready' | 'draining';

export interface ReplicaInfo {
  id: string;
  node: string;
  phase: ReplicaPhase;
  /** Simulated (or wall) time at which the replica was created. */
  createdAt: number;
  /** Requests executing on it now. */
  inflight: number;
}

export interface ResourceSpec {
  cpuMilli: number;
  memoryMb: number;
}

export type ScalingMode = 'replicas' | 'per-request';
export type OverflowPolicy = 'queue' | 'reject';

export interface FunctionState {
  name: string;
  scaling: ScalingMode;
  /** Desired replica count (replicas mode). */
  desiredReplicas: number;
  replicas: ReplicaInfo[];
  limits: ResourceSpec;
  requests: ResourceSpec;
  /** OpenFaaS watchdog `max_inflight` per replica; 0 = unlimited. */
  maxInflight: number;
  overflow: OverflowPolicy;
  /** Nodes the function may run on (`null` = any). */
  nodeSelector: string[] | null;
  /** Idle seconds before an instance expires (per-request) or the function scales to zero (replicas; `null` = never). */
  keepAlive: number | null;
}

/** A configuration change an environment asks the cluster to make. */
export type ConfigChange =
  | { kind: 'scale'; fn: string; replicas: number }
  | { kind: 'resize'; fn: string; cpuMilli?: number; memoryMb?: number }
  | { kind: 'concurrency'; fn: string; maxInflight: number }
  /** Move replicas to `to` by a rolling update (new replica cold-starts there, then the old one drains). `replica`: index or id; all replicas when omitted. */
  | { kind: 'migrate'; fn: string; to: string; replica?: number | string }
  /** Restrict the function to these nodes (Kubernetes nodeSelector/affinity); misplaced replicas are rolled. `null` lifts the restriction. */
  | { kind: 'place'; fn: string; nodes: string[] | null }
  /** Start `count` instances now so later requests find them warm. */
  | { kind: 'prewarm'; fn: string; count: number };

export interface ApplyResult {
  applied: ConfigChange[];
  rejected: { change: ConfigChange; reason: string }[];
  /** Every function's state once the changes were made (what `functions()` returns then): a caller need not re-read it after a refusal. */
  functions: FunctionState[];
}

/** How far `advance` runs. */
export type WindowSpec =
  /** Run for this many seconds of (simulated or real) time. */
  | { seconds: number }
  /** Run until this many more workflow requests (or, without workflows, invocations) have finished, or `maxSeconds` passed. */
  | { requests: number; maxSeconds?: number };

export interface LatencyStats {
  count: number;
  mean: number;
  p50: number;
  p75: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

export interface FunctionMetrics {
  /** Invocations that arrived in the window. */
  requests: number;
  successes: number;
  /** Refused with HTTP 429 (over `maxInflight` with overflow `reject`). */
  rejected: number;
  /** Failed (out of memory). */
  failed: number;
  /** Invocations that waited for a starting instance (cold start). */
  coldStarts: number;
  /** Instances or replicas started (each pays a cold start, also when no request waits: scale-out, migration, prewarm). */
  replicaStarts: number;
  /** Completed invocations per second. */
  throughput: number;
  latency: LatencyStats;
  /** CPU used / CPU limit, time-averaged over replicas. */
  cpuUtilization: number;
  /** Cores used, time-averaged. */
  cpuCores: number;
  /** Memory in use / memory limit. */
  memoryUtilization: number;
  /** Network: MB/s moved by downloads and uploads. */
  networkMBps: number;
  /** Fraction of replica-time throttled by the CFS quota (demand above the CPU limit). */
  throttledFraction: number;
  /** Time-averaged requests executing. */
  inflight: number;
  /** Time-averaged requests waiting for a slot or an instance. */
  queueLength: number;
  /** Time-averaged instance counts. */
  instances: { total: number; running: number; idle: number };
}

export interface PcmCounters {
  /** Instructions retired per cycle. */
  ipc: number;
  /** L3 misses per second (millions). */
  l3MissesM: number;
  /** L3 hits per second (millions). */
  l3HitsM: number;
  /** DRAM reads and writes, MB/s. */
  dramReadMBps: number;
  dramWriteMBps: number;
  /** C-state residency fractions, summing to 1. */
  c0: number;
  c1: number;
  c6: number;
}

export interface NodeMetrics {
  pcm: PcmCounters;
  /** CPU time fractions, summing to 1. */
  cpu: { idle: number; user: number; system: number };
  freeMemoryMb: number;
  /** Co-located interference: fraction of the node's cores busy with other tenants' work. */
  interference: number;
  replicas: number;
}

export interface WorkflowMetrics {
  requests: number;
  completed: number;
  failed: number;
  /** End-to-end latency of completed requests. */
  latency: LatencyStats;
}

export interface CostBreakdown {
  /** FaaSConf eq. (2): provisioned vCPU-hours and GB-hours at Azure premium prices, USD. */
  provisionedUsd: number;
  /** AWS-Lambda style: GB-seconds of execution plus a per-request price, USD (StepConf §3.5). */
  lambdaUsd: number;
  /** Darly eq. (3) resource term: servers in use and replicas (time-averaged). */
  servers: number;
  replicas: number;
}

export interface ClusterSnapshot {
  /** Time at the end of the window. */
  time: number;
  /** Window length, seconds. */
  window: number;
  functions: Record<string, FunctionMetrics>;
  nodes: Record<string, NodeMetrics>;
  workflows: Record<string, WorkflowMetrics>;
  cost: CostBreakdown;
  /** Backend-specific flags (e.g. stale counters on a real cluster). */
  warnings: string[];
}

/** A point where the cluster waits for the caller (see `DecisionControl`). */
export type DecisionPoint =
  /** An invocation of a function with external routing arrived: pick the node (invoker) that runs it. */
  | { kind: 'route'; id: number; fn: string; time: number }
  /** A stage of a gated workflow request is ready: set its memory, parallelism and threads, then it runs. */
  | { kind: 'stage'; id: number; workflow: string; stage: string; fn: string; time: number; requestStart: number };

/** How one stage of a gated workflow request ran (StepConf §3.2: t = mapping + download + compute + upload). */
export interface StageReport {
  workflow: string;
  stage: string;
  fn: string;
  /** Request start time, to tell requests apart. */
  requestStart: number;
  firedAt: number;
  completedAt: number;
  parallelism: number;
  memoryMb: number;
  threads: number;
  /** Time from the stage firing until its last instance started (cold starts, scale-out). */
  mappingDelay: number;
  /** Phases of the instance that started last. */
  download: number;
  compute: number;
  upload: number;
  /** Invocations that failed (the stage failed when > 0). */
  failed: number;
  /** Lambda-style cost of the stage's invocations (GB-seconds and requests), USD. */
  costUsd: number;
}

/** Per-node view for routing decisions (FaaSRank Table I(b)), for one function. */
export interface InvokerState {
  node: string;
  cores: number;
  /** Cores busy with function work now. */
  busyCores: number;
  /** Memory for function containers, and what is free of it now. */
  memoryMb: number;
  memoryFreeMb: number;
  /** Invocations running on the node, and waiting there for memory. */
  inflight: number;
  queued: number;
  /** Idle warm containers of the function on the node, and all its containers there. */
  warm: number;
  containers: number;
}

/**
 * Fine-grained control for environments that decide per invocation or per
 * workflow stage (FaaSRank, StepConf). Optional: backends that cannot pause on
 * these events do not offer it, and such environments refuse them.
 */
export interface DecisionControl {
  /** Start one request of a workflow or function now. */
  submit(target: string): void;
  /** Run until the next decision point, or `null` once nothing is left to happen (or `maxSeconds` passed). */
  nextDecision(maxSeconds?: number): Promise<DecisionPoint | null>;
  /** Run a pending `route` decision's invocation on `node`. */
  route(id: number, node: string): void;
  /** Run a pending `stage` decision with this configuration (unset fields keep the function's current one). */
  configureStage(id: number, config: { memoryMb?: number; parallelism?: number; threads?: number }): void;
  /** Node states for routing an invocation of `fn`. */
  invokers(fn: string): InvokerState[];
  /** Stage reports since the last call. */
  takeStageReports(): StageReport[];
  /** Invocations in the system now (arrived, not finished), and the exact integral of that count over time since the start. */
  inflightNow(): number;
  inflightIntegral(): number;
  /** Simulated (or wall) time now. */
  now(): number;
}

export interface Cluster {
  nodes(): NodeInfo[];
  functions(): FunctionState[];
  apply(changes: ConfigChange[]): Promise<ApplyResult>;
  advance(until: WindowSpec): Promise<ClusterSnapshot>;
  close(): Promise<void>;
  /** Set a node's co-located interference level, fraction of its cores (simulated backends). */
  setStress?(node: string, level: number): void;
  /** Per-invocation and per-stage decisions (simulated backends). */
  readonly control?: DecisionControl;
}

/** An optional capability of a backend that runs the load itself: changing the user count of a closed-loop load. */
export interface UserControl {
  /** Change the user count of closed-loop load `loadIndex` (the index in the scenario's `loads`). */
  setUsers(loadIndex: number, users: number): void;
}

/** Whether `cluster` offers `UserControl` (the simulator and the Kubernetes backend's load generator do). */
export function canSetUsers<C extends Cluster>(cluster: C): cluster is C & UserControl {
  return typeof (cluster as Partial<UserControl>).setUsers === 'function';
}
