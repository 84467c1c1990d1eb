/**
 * The discrete-event engine of the simulated cluster: the event loop, and the
 * one way in from outside (`SimCluster`, the twin).
 *
 * Model (each point is tested in test/cluster/sim/), one module each, all
 * sharing one `EngineState` (engine-state.ts):
 * - processor-sharing.ts: a replica's CPU limit shared among the requests
 *   computing on it, exactly, with virtual time (FaaSConf §2.2, StepConf §2.2
 *   eq. 1, Darly §3.3);
 * - dispatch.ts: which replica an invocation runs on or where it waits
 *   (`maxInflight`, overflow `queue`/`reject`, per-request instances with a
 *   scale-out token bucket, OpenWhisk invokers via invokers.ts);
 * - replicas.ts: cold starts, ready, draining, termination, keep-alive and
 *   scale to zero; reconfigure.ts: scale, migrate, place, prewarm, resize,
 *   concurrency;
 * - requests.ts: function and workflow requests (DAGs with fan-out, joins
 *   and probabilistic branches), invocations from download to upload;
 * - loads.ts (arrivals, users), node-conditions.ts (stress, CPU
 *   availability), accounting.ts (window integrals), decisions.ts (decision
 *   points for the caller).
 */
import { ConfigError, quote, SimulationBudgetError } from '../../core/errors.js';
import type { DecisionPoint, InvokerState, StageReport } from '../types.js';
import { closeWindow, resetWindow } from './accounting.js';
import { assign, EV_IO, EV_SCALEOUT, onReady, onScaleOut } from './dispatch.js';
import { DEAD, DRAINING, READY, type InvocationEndHook, type Invocation, type Replica, type SimFn, type SimNode, type SimWorkflow, type WorkflowRequest } from './entities.js';
import { EngineState } from './engine-state.js';
import type { Histogram } from './histogram.js';
import { InvokerRouter } from './invokers.js';
import { EV_ARRIVAL, EV_SPAWN, EV_WAKE, Loads } from './loads.js';
import { EV_STRESS, EV_TICK, NodeConditions } from './node-conditions.js';
import { EV_COMPLETE, rerate } from './processor-sharing.js';
import { migrate, place, prewarm, resizeFunction, scaleTo, setMaxInflight as setMaxInflightOf } from './reconfigure.js';
import { createInitialReplicas, createReplica, drain, EV_IDLE, EV_READY, onIdleTimeout, pickNode, sweepExpired, terminate } from './replicas.js';
import { fireStageNow, onComplete, onIo, submitFunction, submitWorkflow } from './requests.js';
import type { ResolvedScenario } from './spec.js';

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
  private readonly s: EngineState;
  /** Co-located stress and CPU availability of the nodes. */
  private readonly conditions: NodeConditions;
  /** Events and live invocations one `runUntil`/`runRequests` call may reach (see `SimBudget`). */
  private readonly budget: SimBudget;
  /** Time up to which `activeArea` is integrated. */
  private activeLastT = 0;

  constructor(readonly scenario: ResolvedScenario, opts: { baseDir?: string; budget?: Partial<SimBudget> } = {}) {
    this.budget = { ...DEFAULT_SIM_BUDGET, ...opts.budget };
    const s = (this.s = new EngineState(scenario));
    s.router = new InvokerRouter(s.nodes, s.nodeByName, s.fnByName, {
      now: () => s.now,
      assign: (inv, r) => assign(s, inv, r),
      terminate: (r, at) => terminate(s, r, at),
      coldStart: (inv, node) => void createReplica(s, inv.fn, node, inv, s.now),
      randomIndex: (n) => s.rngMisc.integer(0, n),
    });
    this.conditions = new NodeConditions(s.nodes, s.q, s.rngMisc, { now: () => s.now, rerate: (node) => rerate(s, node.replicas) });
    this.conditions.start();
    createInitialReplicas(s);
    s.loads = new Loads(s.q, s.rngMisc, {
      now: () => s.now,
      submit: (fn, wf, user) => (fn ? submitFunction(s, fn, user) : submitWorkflow(s, wf as SimWorkflow, user)),
    });
    scenario.loads.forEach((load, i) => {
      const fn = s.fnByName.get(load.target) ?? null;
      const wf = fn ? null : s.workflows.find((w) => w.spec.name === load.target) ?? null;
      s.loads.add(load, i, fn, wf, s.rngArrivals.fork(), opts.baseDir);
    });
  }

  // ------------------------------------------------------------------ what the windows and the twin read

  /** Simulated time, seconds. */
  get now(): number { return this.s.now; }
  /** Events processed. */
  get events(): number { return this.s.events; }
  /** Invocations started (all functions), for speed reports. */
  get invocations(): number { return this.s.invocations; }
  /** Workflow requests (or direct function requests) finished, for request-count windows. */
  get finishedRequests(): number { return this.s.finishedRequests; }
  /** Start of the current measurement window. */
  get winStart(): number { return this.s.winStart; }
  /** Invocations created and not yet ended (the FaaSRank in-flight count). */
  get activeInvocations(): number { return this.s.activeInvocations; }
  /** Time integral of `activeInvocations`. */
  get activeArea(): number { return this.s.activeArea; }
  get nodes(): readonly SimNode[] { return this.s.nodes; }
  get nodeByName(): ReadonlyMap<string, SimNode> { return this.s.nodeByName; }
  get fns(): readonly SimFn[] { return this.s.fns; }
  get fnByName(): ReadonlyMap<string, SimFn> { return this.s.fnByName; }
  get workflows(): readonly SimWorkflow[] { return this.s.workflows; }
  get fnLatency(): readonly Histogram[] { return this.s.fnLatency; }
  get wfLatency(): readonly Histogram[] { return this.s.wfLatency; }

  // ------------------------------------------------------------------ running

  /** Process every event up to and including time `tEnd`, then set the clock to `tEnd`. */
  runUntil(tEnd: number): void {
    const s = this.s, q = s.q;
    const stop = s.events + this.budget.events;
    while (q.peekTime() <= tEnd) {
      q.pop();
      this.handle();
      if ((s.events & 1023) === 0 || s.events >= stop) this.checkBudget(stop, tEnd);
    }
    s.now = tEnd;
  }

  /** Process events until `count` more requests finished or time `tMax`; returns true when the count was reached. */
  runRequests(count: number, tMax: number): boolean {
    const s = this.s, q = s.q;
    const target = s.finishedRequests + count;
    const stop = s.events + this.budget.events;
    while (s.finishedRequests < target) {
      if (q.peekTime() > tMax) {
        s.now = tMax;
        return false;
      }
      q.pop();
      this.handle();
      if ((s.events & 1023) === 0 || s.events >= stop) this.checkBudget(stop, tMax);
    }
    return true;
  }

  private checkBudget(stop: number, tEnd: number): void {
    const s = this.s;
    const at = `at simulated time ${s.now.toFixed(3)} s of a call running to ${Number.isFinite(tEnd) ? `${tEnd.toFixed(3)} s` : 'its request count'}`;
    if (s.events >= stop) {
      throw new SimulationBudgetError(
        `simulator: one advance processed ${this.budget.events} events (its budget) ${at}; the load is too large for one step: lower the rate, users or window length`,
      );
    }
    if (s.activeInvocations > this.budget.liveInvocations) {
      throw new SimulationBudgetError(
        `simulator: ${s.activeInvocations} invocations in flight (budget ${this.budget.liveInvocations}) ${at}; the load outruns the cluster: lower the rate or users, or add capacity`,
      );
    }
  }

  /** Handle the event just popped. */
  private handle(): void {
    const s = this.s, q = s.q;
    s.activeArea += s.activeInvocations * (q.popTime - this.activeLastT);
    this.activeLastT = q.popTime;
    s.now = q.popTime;
    s.events++;
    const a = q.popA;
    switch (q.popKind) {
      case EV_ARRIVAL: s.loads.onArrival(a); break;
      case EV_COMPLETE: onComplete(s, a, q.popB); break;
      case EV_READY: onReady(s, a); break;
      case EV_IO: onIo(s, a, q.popB); break;
      case EV_WAKE: s.loads.onWake(a); break;
      case EV_SPAWN: s.loads.onSpawn(a); break;
      case EV_STRESS: this.conditions.onStress(a); break;
      case EV_IDLE: onIdleTimeout(s, a, q.popB); break;
      case EV_TICK: this.conditions.onTick(a); break;
      case EV_SCALEOUT: onScaleOut(s, a); break;
    }
  }

  /** Time of the next scheduled event (Infinity when none). */
  nextEventTime(): number {
    return this.s.q.peekTime();
  }

  // ------------------------------------------------------------------ loads and requests

  /** Change the number of closed-loop users of load `loadIdx` (spawned at its spawn rate, retired after their current request). */
  setUsers(loadIdx: number, users: number): void {
    this.s.loads.setUsers(loadIdx, users);
  }

  usersOf(loadIdx: number): number {
    return this.s.loads.usersOf(loadIdx);
  }

  /**
   * Start one request of `target` (a workflow or a function) now. `onEnd` is
   * called once, synchronously inside the event that ends the invocation (or
   * finishes the workflow request); it must not call back into the engine.
   */
  submit(target: string, onEnd?: InvocationEndHook): void {
    const s = this.s;
    const fn = s.fnByName.get(target);
    if (fn) submitFunction(s, fn, -1, onEnd ?? null);
    else {
      const wf = s.workflows.find((w) => w.spec.name === target);
      if (!wf) throw new ConfigError(`submit: unknown workflow or function ${quote(target)}`);
      submitWorkflow(s, wf, -1, onEnd ?? null);
    }
  }

  // ------------------------------------------------------------------ decisions (FaaSRank routing, StepConf stages)

  /** Nothing left that can happen by itself: no scheduled arrivals, no invocation alive, no decision pending, no closed-loop user. */
  quiescent(): boolean {
    const s = this.s;
    if (s.loads.pendingArrivals > 0 || s.activeInvocations > 0 || s.decisions.size > 0) return false;
    return !s.loads.anyActiveUser();
  }

  /** Run until a decision point is pending (returned), the system is quiescent, or time `tMax` (both: null). */
  runToDecision(tMax: number): DecisionPoint | null {
    const s = this.s, q = s.q;
    for (;;) {
      const point = s.decisions.next();
      if (point !== null) return point;
      if (this.quiescent()) return null;
      if (q.peekTime() > tMax) {
        if (tMax < Infinity) s.now = tMax;
        return null;
      }
      q.pop();
      this.handle();
    }
  }

  /** Run a pending `route` decision's invocation on `node` (waiting there if it has no room). */
  route(id: number, nodeName: string): void {
    const s = this.s;
    const node = s.nodeByName.get(nodeName);
    if (!node) throw new ConfigError(`route: unknown node ${quote(nodeName)}`);
    const d = s.decisions.get(id, 'route');
    s.decisions.delete(id);
    s.router.tryRoute(d.inv as Invocation, node, true);
  }

  /** Run a pending `stage` decision with this configuration. */
  configureStage(id: number, config: { memoryMb?: number; parallelism?: number; threads?: number }): void {
    const s = this.s;
    const d = s.decisions.get(id, 'stage');
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
    s.decisions.delete(id);
    if (config.memoryMb !== undefined && config.memoryMb !== fn.memoryMb) resizeFunction(s, fn, fn.cpuMilli, config.memoryMb);
    if (config.threads !== undefined) fn.threads = config.threads;
    if (!req.done) fireStageNow(s, req, d.stage, p);
  }

  /** Node states for routing an invocation of function `fnName` (FaaSRank Table I(b)). */
  invokers(fnName: string): InvokerState[] {
    return this.s.router.invokers(fnName);
  }

  /** The stage reports finished since the last call (decision-point mode), oldest first. */
  takeStageReports(): StageReport[] {
    const s = this.s;
    const out = s.stageReports;
    s.stageReports = [];
    return out;
  }

  // ------------------------------------------------------------------ replicas and configuration changes (replicas.ts, reconfigure.ts)

  /** Create a replica of `fn` on `node` at time `at`; it is ready after a sampled cold start. */
  createReplica(fn: SimFn, node: SimNode, pendingFor: Invocation | null, at: number): Replica {
    return createReplica(this.s, fn, node, pendingFor, at);
  }

  /** Stop sending work to `r`; it terminates once its in-flight requests finish. */
  drain(r: Replica): void {
    drain(this.s, r);
  }

  /** The node a new replica of `fn` would go to (only `only`, if given), or null if none has room. */
  pickNode(fn: SimFn, only: SimNode | null): SimNode | null {
    return pickNode(this.s, fn, only);
  }

  /** Terminate every idle per-request instance whose keep-alive ran out by `t`. */
  sweepExpired(t: number): void {
    sweepExpired(this.s, t);
  }

  /** Make `target` replicas of `fn` live; the reason if a node lacks room (see reconfigure.ts). */
  scaleTo(fn: SimFn, target: number): string | null {
    return scaleTo(this.s, fn, target);
  }

  /** Move each of `targets` to `node`; the reason if it has no room. */
  migrate(fn: SimFn, targets: readonly Replica[], node: SimNode): string | null {
    return migrate(this.s, fn, targets, node);
  }

  /** Allow `fn` only on the named nodes (null: anywhere) and move its replicas that are elsewhere; the reason if one does not fit. */
  place(fn: SimFn, nodes: readonly string[] | null): string | null {
    return place(this.s, fn, nodes);
  }

  /** Start `count` more instances or replicas of `fn`; the reason if a node lacks room. */
  prewarm(fn: SimFn, count: number): string | null {
    return prewarm(this.s, fn, count);
  }

  /** Change a function's CPU and memory limits in place (see reconfigure.ts). */
  resizeFunction(fn: SimFn, cpuMilli: number, memoryMb: number): void {
    resizeFunction(this.s, fn, cpuMilli, memoryMb);
  }

  /** Change how many requests each replica of `fn` holds (0: unbounded), and hand queued work to freed slots. */
  setMaxInflight(fn: SimFn, maxInflight: number): void {
    setMaxInflightOf(this.s, fn, maxInflight);
  }

  // ------------------------------------------------------------------ nodes and windows

  /** Set a node's interference level now (environments use this to inject stress). */
  setStress(node: SimNode, level: number): void {
    this.conditions.setStress(node, level);
  }

  /** Close the window's integrals at the current time (after sweeping expired instances). */
  flush(): void {
    const s = this.s;
    sweepExpired(s, s.now);
    closeWindow(s.fns, s.nodes, s.now);
  }

  /** Start a new measurement window at the current time. */
  resetWindow(): void {
    const s = this.s;
    s.winStart = s.now;
    resetWindow(s);
  }
}

export { READY, DRAINING, DEAD };
export type { InvocationEndHook } from './entities.js';
