/**
 * The simulator's mutable state objects. Plain classes with fixed fields (so
 * V8 keeps them monomorphic); all behaviour lives in engine.ts and the
 * modules it delegates to (accounting, heaps, invokers, loads,
 * node-conditions, workflow).
 */
import type { Rng } from '../../core/rng.js';
import type { ResolvedFunction, ResolvedNode, ResolvedWorkflow, StressSpec } from './spec.js';

export const STARTING = 0;
export const READY = 1;
export const DRAINING = 2;
export const DEAD = 3;

/** Window accumulators of a node. */
export class NodeWindow {
  busyCoreSeconds = 0;
  replicaSeconds = 0;
  stressSeconds = 0;
  occupiedSeconds = 0;
  reset(): void {
    this.busyCoreSeconds = 0;
    this.replicaSeconds = 0;
    this.stressSeconds = 0;
    this.occupiedSeconds = 0;
  }
}

export class SimNode {
  /** Co-located interference level now (fraction of cores). */
  stress = 0;
  /** Fraction of the functions' CPU demand the node can serve (1 unless oversubscribed). */
  avail = 1;
  /** Cores used by functions right now. */
  busyCores = 0;
  /** Busy core-seconds since the last availability tick. */
  tickBusy = 0;
  tickLastT = 0;
  lastT = 0;
  replicas: Replica[] = [];
  cpuRequestMilli = 0;
  memRequestMb = 0;
  /** Requests holding a slot on this node's replicas. */
  inflight = 0;
  /** Invoker mode: invocations routed here that wait for container memory. */
  queue: Invocation[] = [];
  /** Position in a `schedule` stress spec. */
  stressCursor = 0;
  readonly win = new NodeWindow();
  constructor(readonly idx: number, readonly spec: ResolvedNode, readonly stressSpec: StressSpec) {}
}

/** A replica (replicas mode) or an instance (per-request mode). */
export class Replica {
  phase = STARTING;
  readyAt = Infinity;
  /** Requests holding a slot (download, compute and upload phases). */
  inflight = 0;
  /** Requests computing (processor sharing among them). */
  n = 0;
  /** Processor-sharing virtual time: work each computing request has received. */
  V = 0;
  vLastT = 0;
  /** Per-request service rate (reference cores). */
  rate = 0;
  /** Version of the scheduled completion event; older events are stale. */
  version = 0;
  /** Min-heap of finish tags and their invocations. */
  tags: number[] = [];
  jobs: Invocation[] = [];
  /** Accounting. */
  lastT = 0;
  usage = 0;
  throttled = false;
  busySince = 0;
  idleSince = 0;
  /** Per-request mode: the invocation this cold instance was started for. */
  pendingFor: Invocation | null = null;
  /** Migration: the replica this one replaces once ready. */
  replaces: Replica | null = null;
  /** Index in the function's idle heap (-1 = not idle). */
  idlePos = -1;
  constructor(readonly id: number, readonly fn: SimFn, public node: SimNode, readonly createdAt: number) {
    this.lastT = createdAt;
    this.vLastT = createdAt;
  }
}

export class FnWindow {
  requests = 0;
  successes = 0;
  rejected = 0;
  failed = 0;
  coldStarts = 0;
  replicaStarts = 0;
  instanceSeconds = 0;
  runningSeconds = 0;
  cpuCoreSeconds = 0;
  limitCoreSeconds = 0;
  throttledSeconds = 0;
  inflightSeconds = 0;
  queueSeconds = 0;
  transferMb = 0;
  provisionedUsd = 0;
  lambdaUsd = 0;
  reset(): void {
    this.requests = this.successes = this.rejected = this.failed = this.coldStarts = this.replicaStarts = 0;
    this.instanceSeconds = this.runningSeconds = this.cpuCoreSeconds = this.limitCoreSeconds = 0;
    this.throttledSeconds = this.inflightSeconds = this.queueSeconds = this.transferMb = 0;
    this.provisionedUsd = this.lambdaUsd = 0;
  }
}

export class SimFn {
  /** Live replicas/instances (starting, ready, draining). */
  replicas: Replica[] = [];
  desired = 0;
  /** Requests waiting for a slot (replicas mode) or a cold-start slot (per-request mode). */
  queue: Invocation[] = [];
  queueHead = 0;
  /** Per-request mode: idle instances, a max-heap by id (newest first). */
  idle: Replica[] = [];
  starting = 0;
  /** Per-request scale-out token bucket. */
  tokens = 0;
  tokensT = 0;
  scaleOutArmed = false;
  inflight = 0;
  lastT = 0;
  idleVersion = 0;
  rr = 0;
  /** Current configuration (mutable by apply). */
  cpuMilli: number;
  threads: number;
  memoryMb: number;
  maxInflight: number;
  overflow: 'queue' | 'reject';
  nodeSelector: string[] | null;
  keepAlive: number | null;
  readonly win = new FnWindow();
  constructor(
    readonly idx: number,
    readonly spec: ResolvedFunction,
    readonly sampleWork: (rng: Rng) => number,
    readonly sampleColdStart: (rng: Rng) => number,
    readonly sampleDownload: ((rng: Rng) => number) | null,
    readonly sampleUpload: ((rng: Rng) => number) | null,
  ) {
    this.cpuMilli = spec.cpuMilli;
    this.threads = spec.threads;
    this.memoryMb = spec.memoryMb;
    this.maxInflight = spec.scaling === 'per-request' ? 1 : spec.maxInflight;
    this.overflow = spec.overflow;
    this.nodeSelector = spec.nodeSelector;
    this.keepAlive = spec.keepAlive;
    this.tokens = spec.scaleOutBurst;
  }

  get queueLength(): number {
    return this.queue.length - this.queueHead;
  }
}

export class Invocation {
  /** Index in the engine's invocation table (stable while the object is pooled). */
  constructor(readonly id: number) {}
  fn!: SimFn;
  arrival = 0;
  work = 0;
  request: WorkflowRequest | null = null;
  stage = -1;
  /** Closed-loop user index, -1 for open-loop arrivals. */
  user = -1;
  cold = false;
  replica: Replica | null = null;
  /** Phase times: slot taken, compute started, compute finished. */
  tAssign = 0;
  tCompute = 0;
  tComputeEnd = 0;
  /** Called once when the invocation ends (`Engine.submit` with a hook; the twin answers HTTP requests with it). */
  onEnd: InvocationEndHook | null = null;
}

/** How an invocation (or a workflow request: 'ok' or 'failed') ended, its latency (simulated seconds from arrival) and whether it waited for a cold start. */
export type InvocationEndHook = (outcome: 'ok' | 'failed' | 'rejected', latency: number, cold: boolean) => void;

/** How one stage of a gated request is running. */
export class StageRun {
  firedAt = 0;
  parallelism = 1;
  memoryMb = 0;
  threads = 1;
  lastStart = -1;
  download = 0;
  compute = 0;
  upload = 0;
  failed = 0;
  costUsd = 0;
  reset(): void {
    this.firedAt = this.memoryMb = this.download = this.compute = this.upload = this.failed = this.costUsd = 0;
    this.parallelism = this.threads = 1;
    this.lastStart = -1;
  }
}

/** One workflow request in flight. Pooled per workflow (see `SimWorkflow.take`), so running one allocates nothing. */
export class WorkflowRequest {
  done = false;
  failed = false;
  start = 0;
  scale = 1;
  user = -1;
  /** Invocations of this request still running (the object returns to the pool when it is done and this reaches 0). */
  outstanding = 0;
  readonly arrived: Int32Array;
  readonly live: Uint8Array;
  readonly pending: Int32Array;
  sinksLeft: number;
  /** Per-stage run records, for gated workflows only (see StageReport). */
  readonly stages: StageRun[] | null;
  /** Called once when the request finishes (`Engine.submit` with a hook). */
  onEnd: InvocationEndHook | null = null;
  constructor(readonly wf: SimWorkflow) {
    const n = wf.spec.stages.length;
    this.arrived = new Int32Array(n);
    this.live = new Uint8Array(n);
    this.pending = new Int32Array(n);
    this.sinksLeft = wf.sinks.length;
    this.stages = wf.spec.gated ? Array.from({ length: n }, () => new StageRun()) : null;
  }
}

/** A workflow compiled to index form. */
export class SimWorkflow {
  requests = 0;
  completed = 0;
  failed = 0;
  private readonly pool: WorkflowRequest[] = [];

  /** A cleared request from the pool (or a new one). */
  take(start: number, scale: number, user: number): WorkflowRequest {
    const req = this.pool.pop() ?? new WorkflowRequest(this);
    req.done = false;
    req.failed = false;
    req.start = start;
    req.scale = scale;
    req.user = user;
    req.outstanding = 0;
    req.onEnd = null;
    req.arrived.fill(0);
    req.live.fill(0);
    req.pending.fill(0);
    req.sinksLeft = this.sinks.length;
    if (req.stages) for (const s of req.stages) s.reset();
    return req;
  }

  /** Return a finished request with nothing outstanding. */
  give(req: WorkflowRequest): void {
    this.pool.push(req);
  }

  constructor(
    readonly idx: number,
    readonly spec: ResolvedWorkflow,
    readonly stageFn: SimFn[],
    readonly parallelism: Int32Array,
    readonly indegree: Int32Array,
    readonly next: Int32Array[],
    readonly branches: { to: Int32Array; probs: number[] }[][],
    readonly entries: Int32Array,
    readonly sinks: Int32Array,
    readonly isSink: Uint8Array,
    readonly sampleScale: (rng: Rng) => number,
  ) {}
}

/** A closed-loop user population (Locust-like). */
export class UserPool {
  /** Users wanted now. */
  target: number;
  /** Users spawned so far (active or stopping). */
  spawned = 0;
  active = 0;
  spawning = false;
  constructor(readonly load: number, users: number, readonly spawnRate: number, readonly think: (rng: Rng) => number) {
    this.target = users;
  }
}
