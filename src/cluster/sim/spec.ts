/**
 * Scenario specification of the simulator: what a scenario file (YAML/JSON)
 * holds, and the resolved form (defaults applied, validated) the engine runs.
 * See docs/scenarios.md for the documented schema and configs/scenarios/ for examples.
 */
import type { OverflowPolicy, ScalingMode } from '../types.js';
import type { Dist, DistInput } from '../../workloads/dist.js';

/** Co-located interference on a node: fraction of its cores busy with other tenants (Darly §3.3 uses 0, 0.25, 0.5, 0.75). */
export type StressSpec =
  | { kind: 'constant'; level: number }
  /** Piecewise constant: `level` from time `at` on. */
  | { kind: 'schedule'; points: { at: number; level: number }[] }
  /** Every `every` seconds a level drawn uniformly from `levels`. */
  | { kind: 'random'; levels: number[]; every: number };

/**
 * Default contention penalty γ, calibrated on FaaSConf Fig. 1 (000 §2.2): one
 * 2-core/2 GB replica, work lognormal (median 0.2 s, σ 0.3), Locust users
 * spawning at 10/s and thinking 1.5 s. With γ = 0.013 the simulator gives mean
 * latency ×≈11 from 3 to 30 users and, with a concurrency limit of 3 at 30
 * users, mean −27 %, p95 −45 %, throughput +19 % (paper: ×10.1, −26.65 %,
 * −42.77 %, +19.35 %). test/cluster/sim/calibration.test.ts holds this.
 */
export const DEFAULT_CONTENTION = 0.013;

export interface SimNodeSpec {
  name: string;
  cores: number;
  memoryMb: number;
  /** Per-core speed relative to the reference core. @default 1 */
  speed?: number;
  /** @default 32 */
  l3Mb?: number;
  /** @default "generic" */
  cpuModel?: string;
  labels?: Record<string, string>;
  /** @default no interference */
  stress?: StressSpec;
  /** Memory for function containers on this node when it is an invoker (functions with `dispatch: 'invoker'`). @default memoryMb */
  functionMemoryMb?: number;
}

export interface SimFunctionSpec {
  name: string;
  /** CPU work of one invocation: seconds on one reference core (speed 1). */
  work: DistInput;
  /** Cores one invocation can use at most (1 = single-threaded; StepConf's intra-function parallelism). @default 1 */
  threads?: number;
  /** Amdahl parallel fraction of the work over `threads`. @default 1 */
  parallelFraction?: number;
  /** Memory one instance needs; a memory limit below it fails every invocation (OOM). @default 0 */
  memoryFootprintMb?: number;
  /** Seconds for a new replica/instance to become ready (container + runtime init). @default 0 */
  coldStart?: DistInput;
  /** Part of the cold start that is runtime/code initialisation, reported only (FaaSRank Table II). @default 0 */
  initSeconds?: number;
  /** I/O before and after compute, seconds (StepConf §2.3 data transfer); no CPU used. @default 0 */
  download?: DistInput;
  upload?: DistInput;
  /** MB moved per invocation by download + upload, for network utilisation. @default 0 */
  transferMb?: number;
  /** Multiplier on the interference slowdown (framer 1.0, ML models ≈ 0.82 in Darly §3.3). @default 1 */
  interferenceSensitivity?: number;
  /** Contention penalty γ: per-request efficiency 1/(1 + γ·max(0, n − cores)) with n requests on a replica (FaaSConf §2.2). @default 0.013 (DEFAULT_CONTENTION) */
  contention?: number;
  /** @default 'replicas' */
  scaling?: ScalingMode;
  /** Initial replicas (replicas mode) or prewarmed instances (per-request mode). @default 1 (replicas), 0 (per-request) */
  replicas?: number;
  /** CPU limit per replica/instance. @default 1000 */
  cpuMilli?: number;
  /** Memory limit per replica/instance. @default 512 */
  memoryMb?: number;
  /** Lambda-style CPU from memory: vCPUs = memoryMb / cpuPerMemoryMb (AWS: 1769). Overrides cpuMilli when set. */
  cpuPerMemoryMb?: number;
  /** OpenFaaS watchdog max_inflight per replica, 0 = unlimited (per-request mode is always 1). @default 0 */
  maxInflight?: number;
  /** What happens over maxInflight: wait in the function's queue, or HTTP 429. @default 'queue' */
  overflow?: OverflowPolicy;
  /** Idle seconds before an instance expires (per-request) or the function scales to zero (replicas). @default 600 (per-request), null = never (replicas) */
  keepAlive?: number | null;
  /** Start a replica when a request arrives and none exists (replicas mode). @default true */
  scaleFromZero?: boolean;
  /**
   * Scale-out as a token bucket, the way AWS Lambda documents its scaling: up to
   * `scaleOutBurst` new instances start at once, after which new instances start
   * at `scaleOutRate` per second; requests that find no warm instance and no
   * token wait (and take a warm instance if one frees up first). This is what
   * makes a step's mapping delay climb past ~40 parallel instances (StepConf
   * Fig. 3). @default Infinity (both)
   */
  scaleOutBurst?: number;
  /** New instances per second once the burst is used. @default Infinity */
  scaleOutRate?: number;
  /** Allowed nodes. @default any */
  nodeSelector?: string[];
  /**
   * Per-request mode only. `fleet`: instances come from an elastic pool (AWS
   * Lambda). `invoker`: OpenWhisk-style — each invocation is sent to one node
   * (invoker), runs in a warm container of the function there or cold-starts
   * one if the node's `functionMemoryMb` has room (evicting idle containers,
   * least recently used first), and otherwise waits on that node. @default 'fleet'
   */
  dispatch?: 'fleet' | 'invoker';
  /** Invoker choice for `dispatch: 'invoker'`: OpenWhisk's hashing load balancer, or an external decision (`DecisionControl.route`). @default 'hash' */
  scheduler?: 'hash' | 'external';
}

export interface SimStageSpec {
  /** Stage id, unique in the workflow. @default fn */
  id?: string;
  fn: string;
  /** Parallel invocations of the stage per request (StepConf inter-function parallelism); work is split evenly. @default 1 */
  parallelism?: number;
}

export interface SimWorkflowSpec {
  name: string;
  /** Stages; a string is shorthand for `{fn}`. */
  stages: (SimStageSpec | string)[];
  /** Edges [from, to] between stage ids: all fire when `from` completes (sequence / fan-out); a stage with several incoming edges is a join. */
  edges?: [string, string][];
  /** Probabilistic branches: when `from` completes exactly one of `to` fires, with `probs`. */
  branches?: { from: string; to: string[]; probs: number[] }[];
  /** Multiplier on the work of every stage, drawn per request (e.g. Darly's frames per request). @default 1 */
  requestScale?: DistInput;
  /** Pause at every ready stage for a `stage` decision (StepConf), and report each stage. @default false */
  gated?: boolean;
}

/** Open-loop arrivals, or closed-loop users. `target` names a workflow or a function. */
export type LoadSpec =
  | { kind: 'poisson'; target: string; rate: number }
  | { kind: 'constant'; target: string; rate: number }
  | { kind: 'ramp'; target: string; from: number; to: number; duration: number }
  | { kind: 'diurnal'; target: string; mean: number; amplitude: number; period: number; phase?: number }
  | { kind: 'burst'; target: string; base: number; peak: number; every: number; duration: number; offset?: number }
  /** Azure Functions 2019 per-minute counts (or a file in that schema and the row to replay). */
  | { kind: 'trace'; target: string; counts?: number[]; file?: string; row?: number; secondsPerMinute?: number; startMinute?: number }
  | { kind: 'closed'; target: string; users: number; spawnRate?: number; think?: DistInput };

export interface ScenarioSpec {
  name?: string;
  /** @default 0 */
  seed?: number;
  /** Simulated seconds measured. */
  duration: number;
  /** Simulated seconds run before measuring. @default 0 */
  warmup?: number;
  nodes: SimNodeSpec[];
  functions: SimFunctionSpec[];
  workflows?: SimWorkflowSpec[];
  loads: LoadSpec[];
}

// ---------------------------------------------------------------- resolved forms

export interface ResolvedNode {
  name: string;
  cores: number;
  memoryMb: number;
  speed: number;
  l3Mb: number;
  cpuModel: string;
  labels: Record<string, string>;
  stress: StressSpec;
  functionMemoryMb: number;
}

export interface ResolvedFunction {
  name: string;
  work: Dist;
  threads: number;
  parallelFraction: number;
  memoryFootprintMb: number;
  coldStart: Dist;
  initSeconds: number;
  download: Dist;
  upload: Dist;
  transferMb: number;
  interferenceSensitivity: number;
  contention: number;
  scaling: ScalingMode;
  replicas: number;
  cpuMilli: number;
  memoryMb: number;
  cpuPerMemoryMb: number | null;
  maxInflight: number;
  overflow: OverflowPolicy;
  keepAlive: number | null;
  scaleFromZero: boolean;
  scaleOutBurst: number;
  scaleOutRate: number;
  nodeSelector: string[] | null;
  dispatch: 'fleet' | 'invoker';
  scheduler: 'hash' | 'external';
}

export interface ResolvedStage {
  id: string;
  fn: string;
  parallelism: number;
}

export interface ResolvedWorkflow {
  name: string;
  stages: ResolvedStage[];
  edges: [string, string][];
  branches: { from: string; to: string[]; probs: number[] }[];
  requestScale: Dist;
  gated: boolean;
}

export interface ResolvedScenario {
  name: string;
  seed: number;
  duration: number;
  warmup: number;
  nodes: ResolvedNode[];
  functions: ResolvedFunction[];
  workflows: ResolvedWorkflow[];
  loads: LoadSpec[];
}
