/**
 * The discrete-event engine of the simulated cluster.
 *
 * Model (each point is tested in test/cluster/sim/):
 * - A replica's CPU limit L (cores) is shared equally among the n requests
 *   computing on it (processor sharing), with a contention efficiency
 *   1/(1 + γ·max(0, n − max(1, L))) (FaaSConf §2.2). A request uses at most
 *   `threads` cores, with Amdahl speed-up over them (StepConf §2.2, eq. 1).
 *   Node speed, co-located interference (Darly §3.3) and CPU availability on
 *   an oversubscribed node scale every rate on that node.
 * - Processor sharing is simulated exactly with virtual time: V(t) grows at
 *   the per-request rate; a request finishes when V reaches its finish tag.
 * - `maxInflight` bounds the requests a replica holds (download, compute and
 *   upload); the excess waits in the function's FIFO queue (overflow `queue`)
 *   or gets HTTP 429 (overflow `reject`).
 * - Replicas start cold; per-request mode (AWS-Lambda style) runs each
 *   request on its own instance, reusing the newest idle instance and
 *   starting a new one otherwise; idle instances expire after `keepAlive`.
 * - Workflows are DAGs with fan-out, joins and probabilistic branches.
 */
import { ConfigError, quote, SimulationBudgetError } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import { sampler } from '../../workloads/dist.js';
import { interferenceSlowdown } from './interference.js';
import {
  DEAD, DRAINING, READY, STARTING,
  Invocation, Replica, SimFn, SimNode, SimWorkflow, WorkflowRequest,
  type InvocationEndHook,
} from './entities.js';
import type { DecisionPoint, InvokerState, StageReport } from '../types.js';
import { EventQueue } from './event-queue.js';
import { acctFn, acctReplica, closeWindow, lambdaUsd, resetWindow } from './accounting.js';
import { InvokerRouter } from './invokers.js';
import { EV_ARRIVAL, EV_SPAWN, EV_WAKE, Loads } from './loads.js';
import { EV_STRESS, EV_TICK, NodeConditions } from './node-conditions.js';
import { compileWorkflow } from './workflow.js';
import { heapPop, heapPush, idlePush, idleRemove, removeItem } from './heaps.js';
import { Histogram } from './histogram.js';
import type { ResolvedScenario } from './spec.js';

// Event kinds (one number space): the engine's own here; loads.ts owns 1, 5, 6 (arrival, wake, spawn),
// node-conditions.ts 7 and 9 (stress, availability tick).
const EV_COMPLETE = 2;
const EV_READY = 3;
const EV_IO = 4;
const EV_IDLE = 8;
const EV_SCALEOUT = 10;

/**
 * What one call that runs the engine (one `advance()`) may use before it is
 * stopped with a `SimulationBudgetError`: events processed, and invocations
 * alive at once (the simulator's memory grows with them). A finite but huge
 * load (a rate of 10⁹/s, a window of 10⁹ s) ends with a clear error instead of
 * running for hours or exhausting the heap.
 */
export interface SimBudget {
  /** Events one call may process. @default 50 000 000 (tens of seconds of wall time) */
  events: number;
  /** Invocations alive at once. @default 2 000 000 (some hundreds of MB) */
  liveInvocations: number;
}

export const DEFAULT_SIM_BUDGET: Readonly<SimBudget> = Object.freeze({ events: 50_000_000, liveInvocations: 2_000_000 });

export class Engine {
  now = 0;
  events = 0;
  /** Invocations started (all functions), for speed reports. */
  invocations = 0;
  /** Workflow requests (or direct function requests) finished, for request-count windows. */
  finishedRequests = 0;
  winStart = 0;

  readonly nodes: SimNode[];
  readonly fns: SimFn[];
  readonly fnByName = new Map<string, SimFn>();
  readonly workflows: SimWorkflow[];
  readonly nodeByName = new Map<string, SimNode>();
  readonly fnLatency: Histogram[];
  readonly wfLatency: Histogram[];

  /** Invocations created and not yet ended (the FaaSRank in-flight count), its time integral, and open-loop arrivals still scheduled. */
  activeInvocations = 0;
  activeArea = 0;
  private activeLastT = 0;
  /** Decision points waiting for the caller, in order. */
  private readonly decisions = new Map<number, { point: DecisionPoint; inv: Invocation | null; req: WorkflowRequest | null; stage: number }>();
  private readonly decisionQueue: number[] = [];
  private nextDecisionId = 0;
  private stageReports: StageReport[] = [];

  private readonly q = new EventQueue(4096);
  private readonly rngService: Rng;
  private readonly rngMisc: Rng;
  /** OpenWhisk invoker routing (functions with `dispatch: 'invoker'`). */
  private readonly router: InvokerRouter;
  /** Open-loop arrivals and closed-loop users. */
  private readonly loads: Loads;
  /** Co-located stress and CPU availability of the nodes. */
  private readonly conditions: NodeConditions;
  private readonly replicaById: (Replica | null)[] = [];
  private readonly invById: Invocation[] = [];
  private readonly freeInv: number[] = [];

  constructor(readonly scenario: ResolvedScenario, opts: { baseDir?: string; budget?: Partial<SimBudget> } = {}) {
    this.budget = { ...DEFAULT_SIM_BUDGET, ...opts.budget };
    const root = new Rng(scenario.seed);
    const rngArrivals = root.fork();
    this.rngService = root.fork();
    this.rngMisc = root.fork();

    this.nodes = scenario.nodes.map((spec, i) => new SimNode(i, spec, spec.stress));
    for (const node of this.nodes) this.nodeByName.set(node.spec.name, node);
    this.fns = scenario.functions.map((spec, i) => new SimFn(
      i, spec, sampler(spec.work), sampler(spec.coldStart),
      isZero(spec.download) ? null : sampler(spec.download),
      isZero(spec.upload) ? null : sampler(spec.upload),
    ));
    for (const fn of this.fns) this.fnByName.set(fn.spec.name, fn);
    this.router = new InvokerRouter(this.nodes, this.nodeByName, this.fnByName, {
      now: () => this.now,
      assign: (inv, r) => this.assign(inv, r),
      terminate: (r, at) => this.terminate(r, at),
      coldStart: (inv, node) => void this.createReplica(inv.fn, node, inv, this.now),
      randomIndex: (n) => this.rngMisc.integer(0, n),
    });
    this.workflows = scenario.workflows.map((spec, i) => compileWorkflow(i, spec, this.fnByName));
    this.fnLatency = this.fns.map(() => new Histogram());
    this.wfLatency = this.workflows.map(() => new Histogram());

    this.conditions = new NodeConditions(this.nodes, this.q, this.rngMisc, { now: () => this.now, rerate: (node) => this.rerate(node) });
    this.conditions.start();
    for (const fn of this.fns) {
      fn.desired = fn.spec.scaling === 'replicas' ? fn.spec.replicas : 0;
      for (let i = 0; i < fn.spec.replicas; i++) {
        if (fn.spec.scaling === 'per-request') {
          this.startInstanceFor(fn, null);
          continue;
        }
        const node = this.pickNode(fn, null);
        if (!node) {
          throw new ConfigError(
            `functions[${fn.idx}].replicas: no node${fn.nodeSelector ? ` of ${quote(fn.nodeSelector)}` : ''} has room for replica ${i + 1} of ` +
              `${quote(fn.spec.name)} (${fn.cpuMilli}m CPU, ${fn.memoryMb} MB requested per replica)`,
          );
        }
        this.createReplica(fn, node, null, 0);
      }
    }
    this.loads = new Loads(this.q, this.rngMisc, {
      now: () => this.now,
      submit: (fn, wf, user) => (fn ? this.submitFunction(fn, user) : this.submitWorkflow(wf as SimWorkflow, user)),
    });
    scenario.loads.forEach((load, i) => {
      const fn = this.fnByName.get(load.target) ?? null;
      const wf = fn ? null : this.workflows.find((w) => w.spec.name === load.target) ?? null;
      this.loads.add(load, i, fn, wf, rngArrivals.fork(), opts.baseDir);
    });
  }

  // ------------------------------------------------------------------ running

  /** Events and live invocations one `runUntil`/`runRequests` call may reach (see `SimBudget`). */
  private readonly budget: SimBudget;

  /** Process every event up to and including time `tEnd`, then set the clock to `tEnd`. */
  runUntil(tEnd: number): void {
    const q = this.q;
    const stop = this.events + this.budget.events;
    while (q.peekTime() <= tEnd) {
      q.pop();
      this.handle();
      if ((this.events & 1023) === 0 || this.events >= stop) this.checkBudget(stop, tEnd);
    }
    this.now = tEnd;
  }

  /** Process events until `count` more requests finished or time `tMax`; returns true when the count was reached. */
  runRequests(count: number, tMax: number): boolean {
    const target = this.finishedRequests + count;
    const q = this.q;
    const stop = this.events + this.budget.events;
    while (this.finishedRequests < target) {
      if (q.peekTime() > tMax) {
        this.now = tMax;
        return false;
      }
      q.pop();
      this.handle();
      if ((this.events & 1023) === 0 || this.events >= stop) this.checkBudget(stop, tMax);
    }
    return true;
  }

  private checkBudget(stop: number, tEnd: number): void {
    const at = `at simulated time ${this.now.toFixed(3)} s of a call running to ${Number.isFinite(tEnd) ? `${tEnd.toFixed(3)} s` : 'its request count'}`;
    if (this.events >= stop) {
      throw new SimulationBudgetError(
        `simulator: one advance processed ${this.budget.events} events (its budget) ${at}; the load is too large for one step: lower the rate, users or window length`,
      );
    }
    if (this.activeInvocations > this.budget.liveInvocations) {
      throw new SimulationBudgetError(
        `simulator: ${this.activeInvocations} invocations in flight (budget ${this.budget.liveInvocations}) ${at}; the load outruns the cluster: lower the rate or users, or add capacity`,
      );
    }
  }

  private handle(): void {
    const q = this.q;
    this.activeArea += this.activeInvocations * (q.popTime - this.activeLastT);
    this.activeLastT = q.popTime;
    this.now = q.popTime;
    this.events++;
    const a = q.popA;
    switch (q.popKind) {
      case EV_ARRIVAL: this.loads.onArrival(a); break;
      case EV_COMPLETE: this.onComplete(a, q.popB); break;
      case EV_READY: this.onReady(a); break;
      case EV_IO: this.onIo(a, q.popB); break;
      case EV_WAKE: this.loads.onWake(a); break;
      case EV_SPAWN: this.loads.onSpawn(a); break;
      case EV_STRESS: this.conditions.onStress(a); break;
      case EV_IDLE: this.onIdleTimeout(a, q.popB); break;
      case EV_TICK: this.conditions.onTick(a); break;
      case EV_SCALEOUT: this.onScaleOut(a); break;
    }
  }

  // ------------------------------------------------------------------ loads (loads.ts)

  /** Change the number of closed-loop users of load `loadIdx` (spawned at its spawn rate, retired after their current request). */
  setUsers(loadIdx: number, users: number): void {
    this.loads.setUsers(loadIdx, users);
  }

  usersOf(loadIdx: number): number {
    return this.loads.usersOf(loadIdx);
  }

  /**
   * Start one request of `target` (a workflow or a function) now. `onEnd` is
   * called once, synchronously inside the event that ends the invocation (or
   * finishes the workflow request); it must not call back into the engine.
   */
  submit(target: string, onEnd?: InvocationEndHook): void {
    const fn = this.fnByName.get(target);
    if (fn) this.submitFunction(fn, -1, onEnd ?? null);
    else {
      const wf = this.workflows.find((w) => w.spec.name === target);
      if (!wf) throw new ConfigError(`submit: unknown workflow or function ${quote(target)}`);
      this.submitWorkflow(wf, -1, onEnd ?? null);
    }
  }

  /** Time of the next scheduled event (Infinity when none). */
  nextEventTime(): number {
    return this.q.peekTime();
  }

  // ------------------------------------------------------------------ requests and workflows

  private submitFunction(fn: SimFn, user: number, onEnd: InvocationEndHook | null = null): void {
    const inv = this.newInvocation(fn, fn.sampleWork(this.rngService), null, -1, user);
    inv.onEnd = onEnd;
    this.invoke(inv);
  }

  private submitWorkflow(wf: SimWorkflow, user: number, onEnd: InvocationEndHook | null = null): void {
    wf.requests++;
    const req = wf.take(this.now, wf.sampleScale(this.rngService), user);
    req.onEnd = onEnd;
    const entries = wf.entries;
    for (let k = 0; k < entries.length; k++) {
      const s = entries[k] as number;
      req.live[s] = 1;
      this.fireStage(req, s);
    }
  }

  private fireStage(req: WorkflowRequest, s: number): void {
    const wf = req.wf;
    if (wf.spec.gated) {
      const fn = wf.stageFn[s] as SimFn;
      this.pushDecision({ kind: 'stage', id: 0, workflow: wf.spec.name, stage: wf.spec.stages[s]?.id as string, fn: fn.spec.name, time: this.now, requestStart: req.start }, null, req, s);
      return;
    }
    this.fireStageNow(req, s, wf.parallelism[s] as number);
  }

  private fireStageNow(req: WorkflowRequest, s: number, p: number): void {
    const fn = req.wf.stageFn[s] as SimFn;
    const work = (fn.sampleWork(this.rngService) * req.scale) / p;
    req.pending[s] = p;
    const run = req.stages?.[s];
    if (run) {
      run.firedAt = this.now;
      run.parallelism = p;
      run.memoryMb = fn.memoryMb;
      run.threads = fn.threads;
    }
    for (let k = 0; k < p && !req.done; k++) this.invoke(this.newInvocation(fn, work, req, s, -1));
  }

  private stageDone(req: WorkflowRequest, s: number): void {
    if (req.done) return;
    if (--req.pending[s] > 0) return;
    if (req.stages) this.reportStage(req, s);
    this.propagate(req, s, true);
  }

  private reportStage(req: WorkflowRequest, s: number): void {
    const run = req.stages?.[s];
    if (!run) return;
    const wf = req.wf;
    this.stageReports.push({
      workflow: wf.spec.name,
      stage: wf.spec.stages[s]?.id as string,
      fn: (wf.stageFn[s] as SimFn).spec.name,
      requestStart: req.start,
      firedAt: run.firedAt,
      completedAt: this.now,
      parallelism: run.parallelism,
      memoryMb: run.memoryMb,
      threads: run.threads,
      mappingDelay: run.lastStart >= 0 ? run.lastStart - run.firedAt : 0,
      download: run.download,
      compute: run.compute,
      upload: run.upload,
      failed: run.failed,
      costUsd: run.costUsd,
    });
  }

  /** Fold one ended invocation of a gated stage into its stage record. */
  private recordStageInvocation(req: WorkflowRequest, s: number, inv: Invocation, ok: boolean): void {
    const run = (req.stages as import('./entities.js').StageRun[])[s] as import('./entities.js').StageRun;
    if (!ok) {
      run.failed++;
      return;
    }
    const fn = inv.fn;
    run.costUsd += lambdaUsd(this.now - inv.tAssign, fn.memoryMb);
    if (inv.tAssign >= run.lastStart) {
      run.lastStart = inv.tAssign;
      run.download = inv.tCompute - inv.tAssign;
      run.compute = inv.tComputeEnd - inv.tCompute;
      run.upload = this.now - inv.tComputeEnd;
    }
  }

  /** Stage `s` resolved (live: it ran; dead: a branch not taken): send tokens to its successors. */
  private propagate(req: WorkflowRequest, s: number, live: boolean): void {
    const wf = req.wf;
    if (wf.isSink[s]) {
      if (--req.sinksLeft === 0) this.finishRequest(req, !req.failed);
      if (req.done) return;
    }
    const next = wf.next[s] as Int32Array;
    for (let k = 0; k < next.length; k++) this.arrive(req, next[k] as number, live);
    const groups = wf.branches[s] as { to: Int32Array; probs: number[] }[];
    for (const g of groups) {
      const chosen = live ? this.rngService.choice(Array.from(g.to), g.probs) : -1;
      for (let k = 0; k < g.to.length; k++) this.arrive(req, g.to[k] as number, (g.to[k] as number) === chosen);
    }
  }

  private arrive(req: WorkflowRequest, s: number, live: boolean): void {
    if (req.done) return;
    if (live) req.live[s] = 1;
    if (++req.arrived[s] < (req.wf.indegree[s] as number)) return;
    if (req.live[s]) this.fireStage(req, s);
    else this.propagate(req, s, false);
  }

  private finishRequest(req: WorkflowRequest, ok: boolean): void {
    if (req.done) return;
    req.done = true;
    const wf = req.wf;
    if (ok) {
      wf.completed++;
      (this.wfLatency[wf.idx] as Histogram).record(this.now - req.start);
    } else {
      wf.failed++;
    }
    this.finishedRequests++;
    const user = req.user;
    const hook = req.onEnd;
    if (hook !== null) {
      req.onEnd = null;
      hook(ok ? 'ok' : 'failed', this.now - req.start, false);
    }
    if (req.outstanding === 0) wf.give(req); // otherwise the last invocation to end returns it
    if (user >= 0) this.loads.userDone(user);
  }

  private newInvocation(fn: SimFn, work: number, req: WorkflowRequest | null, stage: number, user: number): Invocation {
    let inv: Invocation;
    if (this.freeInv.length > 0) {
      inv = this.invById[this.freeInv.pop() as number] as Invocation;
    } else {
      inv = new Invocation(this.invById.length);
      this.invById.push(inv);
    }
    if (req) req.outstanding++;
    this.activeInvocations++;
    inv.fn = fn;
    inv.arrival = this.now;
    inv.work = work;
    inv.request = req;
    inv.stage = stage;
    inv.user = user;
    inv.cold = false;
    inv.replica = null;
    inv.onEnd = null;
    return inv;
  }

  private releaseInvocation(inv: Invocation): void {
    this.activeInvocations--;
    const req = inv.request;
    inv.request = null;
    inv.replica = null;
    this.freeInv.push(inv.id);
    if (req && --req.outstanding === 0 && req.done) req.wf.give(req);
  }

  /** An invocation ended (ok, failed or rejected): record it and move its request or user on. */
  private endInvocation(inv: Invocation, outcome: 'ok' | 'failed' | 'rejected'): void {
    const fn = inv.fn;
    if (outcome === 'ok') {
      fn.win.successes++;
      (this.fnLatency[fn.idx] as Histogram).record(this.now - inv.arrival);
    } else if (outcome === 'failed') fn.win.failed++;
    else fn.win.rejected++;
    const req = inv.request, user = inv.user, stage = inv.stage;
    const hook = inv.onEnd;
    if (hook !== null) {
      inv.onEnd = null;
      hook(outcome, this.now - inv.arrival, inv.cold);
    }
    if (req && req.stages && !req.done) this.recordStageInvocation(req, stage, inv, outcome === 'ok');
    this.releaseInvocation(inv);
    if (req) {
      if (outcome === 'ok') this.stageDone(req, stage);
      else {
        if (req.stages && !req.done) this.reportStage(req, stage);
        req.failed = true;
        this.finishRequest(req, false);
      }
    } else {
      this.finishedRequests++;
      if (user >= 0) this.loads.userDone(user);
    }
  }

  // ------------------------------------------------------------------ dispatch

  private invoke(inv: Invocation): void {
    const fn = inv.fn;
    fn.win.requests++;
    this.invocations++;
    if (fn.memoryMb < fn.spec.memoryFootprintMb) {
      // Out of memory: the container is killed on the first allocation past its limit.
      this.endInvocation(inv, 'failed');
      return;
    }
    if (fn.spec.scaling === 'per-request') this.dispatchPerRequest(inv);
    else this.dispatchReplicas(inv);
  }

  private dispatchReplicas(inv: Invocation): void {
    const fn = inv.fn;
    const reps = fn.replicas;
    let live = 0;
    if (fn.overflow === 'reject') {
      // The gateway spreads requests round-robin over ready replicas; a full watchdog answers 429.
      let ready = 0;
      for (let i = 0; i < reps.length; i++) if ((reps[i] as Replica).phase === READY) ready++;
      if (ready > 0) {
        let k = fn.rr++ % ready;
        for (let i = 0; i < reps.length; i++) {
          const r = reps[i] as Replica;
          if (r.phase !== READY || k-- > 0) continue;
          if (fn.maxInflight > 0 && r.inflight >= fn.maxInflight) this.endInvocation(inv, 'rejected');
          else this.assign(inv, r);
          return;
        }
      }
      for (let i = 0; i < reps.length; i++) if ((reps[i] as Replica).phase !== DRAINING) live++;
    } else {
      let best: Replica | null = null;
      for (let i = 0; i < reps.length; i++) {
        const r = reps[i] as Replica;
        if (r.phase === DRAINING) continue;
        live++;
        if (r.phase !== READY || (fn.maxInflight > 0 && r.inflight >= fn.maxInflight)) continue;
        if (best === null || r.inflight < best.inflight) best = r;
      }
      if (best !== null) {
        this.assign(inv, best);
        return;
      }
    }
    // No ready replica can take it: wait for one (starting it from zero if allowed).
    if (live === 0) {
      if (!fn.spec.scaleFromZero) {
        this.endInvocation(inv, 'failed');
        return;
      }
      const node = this.pickNode(fn, null);
      if (!node) {
        this.endInvocation(inv, 'failed');
        return;
      }
      fn.desired = Math.max(fn.desired, 1);
      this.createReplica(fn, node, null, this.now);
    }
    this.enqueue(fn, inv);
  }

  private dispatchPerRequest(inv: Invocation): void {
    const fn = inv.fn;
    if (fn.spec.dispatch === 'invoker') {
      if (fn.spec.scheduler === 'external') this.pushDecision({ kind: 'route', id: 0, fn: fn.spec.name, time: this.now }, inv, null, -1);
      else this.router.tryRoute(inv, this.router.hashInvoker(fn), true);
      return;
    }
    const inst = this.takeIdle(fn);
    if (inst) {
      this.assign(inv, inst);
      return;
    }
    inv.cold = true;
    if (fn.queueLength === 0 && this.takeToken(fn)) this.startInstanceFor(fn, inv);
    else {
      this.enqueue(fn, inv);
      this.armScaleOut(fn);
    }
  }

  /** Token bucket of the per-request scale-out: refill, then take one token if there is one. */
  private takeToken(fn: SimFn): boolean {
    const { scaleOutBurst: burst, scaleOutRate: rate } = fn.spec;
    if (burst === Infinity || rate === Infinity) return true;
    fn.tokens = Math.min(burst, fn.tokens + (this.now - fn.tokensT) * rate);
    fn.tokensT = this.now;
    if (fn.tokens < 1 - 1e-9) return false;
    fn.tokens -= 1;
    return true;
  }

  /** Schedule the start of the next instance for the waiting requests when a token will be available. */
  private armScaleOut(fn: SimFn): void {
    if (fn.scaleOutArmed || fn.queueLength === 0) return;
    fn.scaleOutArmed = true;
    const wait = fn.tokens >= 1 ? 0 : (1 - fn.tokens) / fn.spec.scaleOutRate;
    this.q.push(this.now + wait, EV_SCALEOUT, fn.idx, 0);
  }

  private onScaleOut(fnIdx: number): void {
    const fn = this.fns[fnIdx] as SimFn;
    fn.scaleOutArmed = false;
    if (fn.queueLength === 0) return;
    if (this.takeToken(fn)) this.startInstanceFor(fn, this.dequeue(fn));
    this.armScaleOut(fn);
  }

  /** Per-request mode: instances are not bound by node capacity (the provider's fleet is elastic); spread them round-robin over allowed nodes for the node metrics. */
  private startInstanceFor(fn: SimFn, inv: Invocation | null): void {
    let node: SimNode;
    const sel = fn.nodeSelector;
    if (sel) node = this.nodeByName.get(sel[fn.rr++ % sel.length] as string) as SimNode;
    else node = this.nodes[fn.rr++ % this.nodes.length] as SimNode;
    this.createReplica(fn, node, inv, this.now);
  }

  private enqueue(fn: SimFn, inv: Invocation): void {
    acctFn(fn, this.now);
    fn.queue.push(inv);
  }

  private dequeue(fn: SimFn): Invocation {
    acctFn(fn, this.now);
    const inv = fn.queue[fn.queueHead] as Invocation;
    fn.queue[fn.queueHead++] = undefined as unknown as Invocation;
    if (fn.queueHead > 1024 && fn.queueHead * 2 > fn.queue.length) {
      fn.queue = fn.queue.slice(fn.queueHead);
      fn.queueHead = 0;
    }
    return inv;
  }

  private assign(inv: Invocation, r: Replica): void {
    const fn = inv.fn;
    inv.replica = r;
    // Replicas mode: a request that waited for a replica to start had a cold start. (Per-request
    // invocations are marked cold exactly when an instance is started for them.)
    if (r.readyAt > inv.arrival && fn.spec.scaling === 'replicas') inv.cold = true;
    if (inv.cold) fn.win.coldStarts++;
    acctReplica(r, this.now);
    acctFn(fn, this.now);
    if (r.inflight++ === 0) r.busySince = this.now;
    fn.inflight++;
    r.node.inflight++;
    inv.tAssign = this.now;
    if (fn.sampleDownload) {
      this.q.push(this.now + fn.sampleDownload(this.rngService), EV_IO, inv.id, 0);
    } else this.startCompute(inv, r);
  }

  private onIo(id: number, phase: number): void {
    const inv = this.invById[id] as Invocation;
    if (phase === 0) this.startCompute(inv, inv.replica as Replica);
    else this.finishInvocation(inv);
  }

  // ------------------------------------------------------------------ processor sharing

  private startCompute(inv: Invocation, r: Replica): void {
    inv.tCompute = this.now;
    this.advanceV(r);
    acctReplica(r, this.now);
    heapPush(r, r.V + inv.work, inv);
    r.n++;
    this.reschedule(r);
  }

  private onComplete(id: number, version: number): void {
    const r = this.replicaById[id];
    if (!r || r.version !== version || r.n === 0) return;
    this.advanceV(r);
    acctReplica(r, this.now);
    const inv = heapPop(r);
    inv.tComputeEnd = this.now;
    r.n--;
    this.reschedule(r);
    const fn = inv.fn;
    if (fn.sampleUpload) this.q.push(this.now + fn.sampleUpload(this.rngService), EV_IO, inv.id, 1);
    else this.finishInvocation(inv);
  }

  private finishInvocation(inv: Invocation): void {
    const r = inv.replica as Replica;
    const fn = inv.fn;
    fn.win.transferMb += fn.spec.transferMb;
    if (fn.spec.scaling === 'per-request') {
      fn.win.lambdaUsd += lambdaUsd(this.now - inv.arrival, fn.memoryMb);
    }
    this.release(r);
    this.endInvocation(inv, 'ok');
  }

  /** Give back a slot on `r`, and hand it to waiting work. */
  private release(r: Replica): void {
    const fn = r.fn;
    acctReplica(r, this.now);
    acctFn(fn, this.now);
    r.inflight--;
    fn.inflight--;
    r.node.inflight--;
    if (r.phase === DRAINING) {
      if (r.inflight === 0) this.terminate(r, this.now);
      return;
    }
    if (fn.spec.dispatch === 'invoker') {
      r.idleSince = this.now;
      this.router.drainNodeQueue(r.node);
      return;
    }
    if (fn.spec.scaling === 'per-request') {
      if (fn.queueLength > 0) {
        const next = this.dequeue(fn);
        next.cold = false;
        this.assign(next, r);
      } else {
        r.idleSince = this.now;
        idlePush(fn, r);
      }
      return;
    }
    // The limit may have been lowered since this request started: only hand over the slot if it is below it.
    if (fn.queueLength > 0 && r.phase === READY && (fn.maxInflight === 0 || r.inflight < fn.maxInflight)) this.assign(this.dequeue(fn), r);
    else if (fn.inflight === 0 && fn.queueLength === 0) this.armIdleTimer(fn);
  }

  private advanceV(r: Replica): void {
    if (r.n > 0) r.V += r.rate * (this.now - r.vLastT);
    r.vLastT = this.now;
  }

  /** Recompute the per-request rate and CPU usage of `r` and (re)schedule its next completion. */
  private reschedule(r: Replica): void {
    const fn = r.fn;
    const node = r.node;
    const n = r.n;
    const L = fn.cpuMilli / 1000;
    const threads = fn.threads;
    const oldDemand = r.usage;
    if (n === 0) {
      r.rate = 0;
      r.usage = 0;
      r.throttled = false;
    } else {
      const eff = 1 / (1 + fn.spec.contention * Math.max(0, n - Math.max(1, L)));
      const c = (L * eff) / n;
      let s: number;
      if (c < 1) s = c;
      else {
        const k = c < threads ? c : threads;
        const f = fn.spec.parallelFraction;
        s = f === 1 ? k : 1 / (1 - f + f / k);
      }
      r.rate = (s * node.spec.speed * node.avail) / interferenceSlowdown(node.stress, fn.spec.interferenceSensitivity);
      const demand = n * threads;
      r.usage = demand < L ? demand : L;
      r.throttled = demand > L;
    }
    node.busyCores += r.usage - oldDemand;
    r.version++;
    if (n > 0) {
      const dt = ((r.tags[0] as number) - r.V) / r.rate;
      this.q.push(this.now + (dt > 0 ? dt : 0), EV_COMPLETE, r.id, r.version);
    }
  }

  /** Rates of every computing replica on `node` change (interference, availability). */
  private rerate(node: SimNode): void {
    for (const r of node.replicas) {
      if (r.n === 0) continue;
      this.advanceV(r);
      acctReplica(r, this.now);
      this.reschedule(r);
    }
  }

  // ------------------------------------------------------------------ replicas

  createReplica(fn: SimFn, node: SimNode, pendingFor: Invocation | null, at: number): Replica {
    const r = new Replica(this.replicaById.length, fn, node, at);
    this.replicaById.push(r);
    fn.replicas.push(r);
    node.replicas.push(r);
    node.cpuRequestMilli += fn.cpuMilli;
    node.memRequestMb += fn.memoryMb;
    fn.starting++;
    fn.win.replicaStarts++;
    r.pendingFor = pendingFor;
    acctFn(fn, this.now);
    this.q.push(at + fn.sampleColdStart(this.rngMisc), EV_READY, r.id, 0);
    return r;
  }

  private onReady(id: number): void {
    const r = this.replicaById[id];
    if (!r || r.phase !== STARTING) return;
    const fn = r.fn;
    fn.starting--;
    acctReplica(r, this.now);
    r.phase = READY;
    r.readyAt = this.now;
    if (r.replaces) {
      const old = r.replaces;
      r.replaces = null;
      this.drain(old);
    }
    if (fn.spec.dispatch === 'invoker') {
      const inv = r.pendingFor;
      r.pendingFor = null;
      if (inv) this.assign(inv, r);
      else {
        r.idleSince = this.now;
        this.router.drainNodeQueue(r.node);
      }
      return;
    }
    if (fn.spec.scaling === 'per-request') {
      const inv = r.pendingFor;
      r.pendingFor = null;
      if (inv) this.assign(inv, r);
      else if (fn.queueLength > 0) this.assign(this.dequeue(fn), r);
      else {
        r.idleSince = this.now;
        idlePush(fn, r);
      }
      return;
    }
    while (fn.queueLength > 0 && (fn.maxInflight === 0 || r.inflight < fn.maxInflight)) this.assign(this.dequeue(fn), r);
    if (fn.inflight === 0 && fn.queueLength === 0) this.armIdleTimer(fn);
  }

  /** Stop sending work to `r`; it terminates once its in-flight requests finish. */
  drain(r: Replica): void {
    if (r.phase === DEAD || r.phase === DRAINING) return;
    if (r.phase === STARTING) {
      r.fn.starting--;
      this.terminate(r, this.now);
      if (r.pendingFor) {
        const inv = r.pendingFor;
        r.pendingFor = null;
        this.startInstanceFor(r.fn, inv);
      }
      return;
    }
    acctReplica(r, this.now);
    if (r.idlePos >= 0) idleRemove(r.fn, r);
    r.phase = DRAINING;
    if (r.inflight === 0) this.terminate(r, this.now);
  }

  private terminate(r: Replica, at: number): void {
    acctReplica(r, at);
    const fn = r.fn;
    if (r.idlePos >= 0) idleRemove(fn, r);
    r.phase = DEAD;
    removeItem(fn.replicas, r);
    removeItem(r.node.replicas, r);
    r.node.cpuRequestMilli -= fn.cpuMilli;
    r.node.memRequestMb -= fn.memoryMb;
    this.replicaById[r.id] = null;
  }

  /** Per-request mode: the newest idle instance that has not expired. */
  private takeIdle(fn: SimFn): Replica | null {
    const keepAlive = fn.keepAlive ?? Infinity;
    while (fn.idle.length > 0) {
      const r = fn.idle[0] as Replica;
      idleRemove(fn, r);
      const expiry = r.idleSince + keepAlive;
      if (expiry <= this.now) {
        this.terminate(r, expiry);
        continue;
      }
      return r;
    }
    return null;
  }

  /** Terminate every idle per-request instance whose keep-alive ran out by `t`. */
  sweepExpired(t: number): void {
    for (const fn of this.fns) {
      if (fn.spec.scaling !== 'per-request' || fn.keepAlive === null) continue;
      const keepAlive = fn.keepAlive;
      if (fn.spec.dispatch === 'invoker') {
        const expired = fn.replicas.filter((r) => r.phase === READY && r.inflight === 0 && r.idleSince + keepAlive <= t);
        for (const r of expired) this.terminate(r, r.idleSince + keepAlive);
        continue;
      }
      const expired = fn.idle.filter((r) => r.idleSince + keepAlive <= t);
      for (const r of expired) this.terminate(r, r.idleSince + keepAlive);
    }
  }

  /** Replicas mode with keepAlive: scale to zero after keepAlive idle seconds (faas-idler). */
  private armIdleTimer(fn: SimFn): void {
    if (fn.keepAlive === null || fn.spec.scaling !== 'replicas') return;
    fn.idleVersion++;
    this.q.push(this.now + fn.keepAlive, EV_IDLE, fn.idx, fn.idleVersion);
  }

  private onIdleTimeout(fnIdx: number, version: number): void {
    const fn = this.fns[fnIdx] as SimFn;
    if (fn.idleVersion !== version || fn.inflight > 0 || fn.queueLength > 0) return;
    fn.desired = 0;
    for (const r of [...fn.replicas]) this.drain(r);
  }

  /** kube-scheduler-like choice: nodes allowed by the selector whose free requests fit, least allocated first, then fewest replicas of the function. */
  pickNode(fn: SimFn, only: SimNode | null): SimNode | null {
    let best: SimNode | null = null;
    let bestScore = -Infinity;
    const perRequest = fn.spec.scaling === 'per-request';
    for (const node of only ? [only] : this.nodes) {
      if (fn.nodeSelector && !fn.nodeSelector.includes(node.spec.name)) continue;
      const cpuCap = node.spec.cores * 1000, memCap = node.spec.memoryMb;
      const cpuAfter = node.cpuRequestMilli + fn.cpuMilli, memAfter = node.memRequestMb + fn.memoryMb;
      if (!perRequest && (cpuAfter > cpuCap || memAfter > memCap)) continue;
      let mine = 0;
      for (const r of node.replicas) if (r.fn === fn) mine++;
      const score = (1 - cpuAfter / cpuCap + (1 - memAfter / memCap)) / 2 - mine * 1e-3;
      if (score > bestScore) {
        bestScore = score;
        best = node;
      }
    }
    return best;
  }

  // ------------------------------------------------------------------ decisions (FaaSRank routing, StepConf stages)

  private pushDecision(point: DecisionPoint, inv: Invocation | null, req: WorkflowRequest | null, stage: number): void {
    const id = this.nextDecisionId++;
    point.id = id;
    this.decisions.set(id, { point, inv, req, stage });
    this.decisionQueue.push(id);
  }

  /** Nothing left that can happen by itself: no scheduled arrivals, no invocation alive, no decision pending, no closed-loop user. */
  quiescent(): boolean {
    if (this.loads.pendingArrivals > 0 || this.activeInvocations > 0 || this.decisions.size > 0) return false;
    return !this.loads.anyActiveUser();
  }

  /** Run until a decision point is pending (returned), the system is quiescent, or time `tMax` (both: null). */
  runToDecision(tMax: number): DecisionPoint | null {
    const q = this.q;
    for (;;) {
      const id = this.decisionQueue.shift();
      if (id !== undefined) return (this.decisions.get(id) as { point: DecisionPoint }).point;
      if (this.quiescent()) return null;
      if (q.peekTime() > tMax) {
        if (tMax < Infinity) this.now = tMax;
        return null;
      }
      q.pop();
      this.handle();
    }
  }

  private takeDecision(id: number, kind: DecisionPoint['kind']) {
    const d = this.decisions.get(id);
    if (!d || d.point.kind !== kind) throw new ConfigError(`no pending ${kind} decision ${quote(id)}`);
    this.decisions.delete(id);
    return d;
  }

  /** Run a pending `route` decision's invocation on `node` (waiting there if it has no room). */
  route(id: number, nodeName: string): void {
    const node = this.nodeByName.get(nodeName);
    if (!node) throw new ConfigError(`route: unknown node ${quote(nodeName)}`);
    const d = this.takeDecision(id, 'route');
    this.router.tryRoute(d.inv as Invocation, node, true);
  }

  /** Run a pending `stage` decision with this configuration. */
  configureStage(id: number, config: { memoryMb?: number; parallelism?: number; threads?: number }): void {
    const d = this.decisions.get(id);
    if (!d || d.point.kind !== 'stage') throw new ConfigError(`no pending stage decision ${quote(id)}`);
    const req = d.req as WorkflowRequest;
    const fn = req.wf.stageFn[d.stage] as SimFn;
    const p = config.parallelism ?? (req.wf.parallelism[d.stage] as number);
    if (!Number.isSafeInteger(p) || p < 1) throw new ConfigError(`configureStage: parallelism must be a positive integer, got ${quote(config.parallelism)}`);
    if (config.threads !== undefined && (!Number.isSafeInteger(config.threads) || config.threads < 1)) {
      throw new ConfigError(`configureStage: threads must be a positive integer, got ${quote(config.threads)}`);
    }
    if (config.memoryMb !== undefined && !(config.memoryMb > 0 && Number.isFinite(config.memoryMb))) {
      throw new ConfigError(`configureStage: memoryMb must be a finite number > 0, got ${quote(config.memoryMb)}`);
    }
    this.decisions.delete(id);
    if (config.memoryMb !== undefined && config.memoryMb !== fn.memoryMb) this.resizeFunction(fn, fn.cpuMilli, config.memoryMb);
    if (config.threads !== undefined) fn.threads = config.threads;
    if (!req.done) this.fireStageNow(req, d.stage, p);
  }

  /** Node states for routing an invocation of function `fnName` (FaaSRank Table I(b)). */
  invokers(fnName: string): InvokerState[] {
    return this.router.invokers(fnName);
  }

  /**
   * Change a function's CPU and memory limits in place (Kubernetes in-place
   * resize; OpenFaaS would roll the pods). With `cpuPerMemoryMb` the CPU follows
   * the memory. Per-request functions retire their idle instances, as a Lambda
   * configuration update does.
   */
  resizeFunction(fn: SimFn, cpuMilli: number, memoryMb: number): void {
    this.sweepExpired(this.now);
    for (const r of fn.replicas) acctReplica(r, this.now);
    const cpu = fn.spec.cpuPerMemoryMb ? Math.max(1, Math.round((1000 * memoryMb) / fn.spec.cpuPerMemoryMb)) : cpuMilli;
    for (const r of fn.replicas) {
      r.node.cpuRequestMilli += cpu - fn.cpuMilli;
      r.node.memRequestMb += memoryMb - fn.memoryMb;
    }
    fn.memoryMb = memoryMb;
    fn.cpuMilli = cpu;
    if (fn.spec.scaling === 'per-request') {
      for (const r of [...fn.idle]) this.drain(r);
      if (fn.spec.dispatch === 'invoker') for (const r of fn.replicas.filter((x) => x.phase === READY && x.inflight === 0)) this.drain(r);
    }
    this.rerateFunction(fn);
  }

  // ------------------------------------------------------------------ nodes (node-conditions.ts)

  /** Set a node's interference level now (environments use this to inject stress). */
  setStress(node: SimNode, level: number): void {
    this.conditions.setStress(node, level);
  }

  // ------------------------------------------------------------------ accounting (accounting.ts)

  /** Close the window's integrals at the current time (after sweeping expired instances). */
  flush(): void {
    this.sweepExpired(this.now);
    closeWindow(this.fns, this.nodes, this.now);
  }

  /** Start a new measurement window at the current time. */
  resetWindow(): void {
    this.winStart = this.now;
    resetWindow(this);
  }

  /** The stage reports finished since the last call (decision-point mode), oldest first. */
  takeStageReports(): StageReport[] {
    const out = this.stageReports;
    this.stageReports = [];
    return out;
  }

  /** Change how many requests each replica of `fn` holds (0: unbounded), and hand queued work to freed slots. */
  setMaxInflight(fn: SimFn, maxInflight: number): void {
    for (const r of fn.replicas) acctReplica(r, this.now);
    fn.maxInflight = maxInflight;
    this.kick(fn);
  }

  /** Rates of every computing replica of `fn` change (resize). */
  rerateFunction(fn: SimFn): void {
    for (const r of fn.replicas) {
      if (r.n === 0) continue;
      this.advanceV(r);
      acctReplica(r, this.now);
      this.reschedule(r);
    }
  }

  /** After a scale-down or a concurrency increase: hand queued work to replicas with free slots; restart from zero if needed. */
  kick(fn: SimFn): void {
    if (fn.spec.scaling === 'per-request') return;
    for (const r of fn.replicas) {
      while (r.phase === READY && fn.queueLength > 0 && (fn.maxInflight === 0 || r.inflight < fn.maxInflight)) {
        this.assign(this.dequeue(fn), r);
        if (fn.maxInflight === 0) break;
      }
    }
    const live = fn.replicas.some((r) => r.phase !== DRAINING);
    if (!live && fn.queueLength > 0 && fn.spec.scaleFromZero) {
      const node = this.pickNode(fn, null);
      if (node) {
        fn.desired = Math.max(fn.desired, 1);
        this.createReplica(fn, node, null, this.now);
      }
    }
  }
}

// ------------------------------------------------------------------ helpers

function isZero(d: { kind: string; value?: number }): boolean {
  return d.kind === 'constant' && d.value === 0;
}

export { READY, STARTING, DRAINING, DEAD };
export type { InvocationEndHook } from './entities.js';
