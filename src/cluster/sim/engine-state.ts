/**
 * `EngineState`: the state of one simulation that the engine's modules share
 * on the hot path — the clock, the event queue, the random streams, the
 * nodes, functions and workflows, the replicas and invocations by id, the
 * pending decision points and the counters the windows read.
 *
 * A plain class with fixed fields. The engine's modules (processor-sharing.ts,
 * replicas.ts, dispatch.ts, requests.ts, reconfigure.ts) are functions taking
 * it as their first argument; `Engine` (engine.ts) owns one, runs the event
 * loop over it and is the only way in from outside.
 */
import { Rng } from '../../core/rng.js';
import { sampler } from '../../workloads/dist.js';
import type { StageReport } from '../types.js';
import { Decisions } from './decisions.js';
import { Invocation, Replica, SimFn, SimNode, SimWorkflow } from './entities.js';
import { EventQueue } from './event-queue.js';
import { Histogram } from './histogram.js';
import type { InvokerRouter } from './invokers.js';
import type { Loads } from './loads.js';
import type { ResolvedScenario } from './spec.js';
import { compileWorkflow } from './workflow.js';

export class EngineState {
  /** Simulated time, seconds. */
  now = 0;
  /** Events processed. */
  events = 0;
  /** Invocations started (all functions), for speed reports. */
  invocations = 0;
  /** Workflow requests (or direct function requests) finished, for request-count windows. */
  finishedRequests = 0;
  /** Start of the current measurement window. */
  winStart = 0;
  /** Invocations created and not yet ended (the FaaSRank in-flight count), and its time integral. */
  activeInvocations = 0;
  activeArea = 0;

  readonly nodes: SimNode[];
  readonly nodeByName = new Map<string, SimNode>();
  readonly fns: SimFn[];
  readonly fnByName = new Map<string, SimFn>();
  readonly workflows: SimWorkflow[];
  readonly fnLatency: Histogram[];
  readonly wfLatency: Histogram[];

  readonly q = new EventQueue(4096);
  /** Work, workflow scale, branch choices and I/O times. */
  readonly rngService: Rng;
  /** Cold starts, stress levels, think times and random invokers. */
  readonly rngMisc: Rng;
  /** The parent of every load's own arrival stream. */
  readonly rngArrivals: Rng;

  /** Replicas by id (null once terminated), and invocations by id with the free list of ids to reuse. */
  readonly replicaById: (Replica | null)[] = [];
  readonly invById: Invocation[] = [];
  readonly freeInv: number[] = [];

  /** Decision points waiting for the caller (FaaSRank routing, StepConf stages). */
  readonly decisions = new Decisions();
  /** Stage reports finished since the caller last took them. */
  stageReports: StageReport[] = [];

  /** OpenWhisk invoker routing and the loads: built by `Engine` (they call back into the modules). */
  router!: InvokerRouter;
  loads!: Loads;

  constructor(readonly scenario: ResolvedScenario) {
    const root = new Rng(scenario.seed);
    this.rngArrivals = root.fork();
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
    this.workflows = scenario.workflows.map((spec, i) => compileWorkflow(i, spec, this.fnByName));
    this.fnLatency = this.fns.map(() => new Histogram());
    this.wfLatency = this.workflows.map(() => new Histogram());
  }
}

function isZero(d: { kind: string; value?: number }): boolean {
  return d.kind === 'constant' && d.value === 0;
}
