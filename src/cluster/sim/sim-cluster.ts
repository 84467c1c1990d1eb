/**
 * `SimCluster`: the embedded default backend, a `Cluster` over the
 * discrete-event engine. `advance` runs virtual time and never waits on I/O.
 */
import { BackendError, ConfigError, quote, SimulationBudgetError } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import type {
  ApplyResult, Cluster, ClusterSnapshot, ConfigChange, DecisionControl, DecisionPoint, FunctionState, InvokerState, NodeInfo, StageReport, UserControl, WindowSpec,
} from '../types.js';
import { DEAD, DRAINING, Engine, type SimBudget } from './engine.js';
import type { SimFn } from './entities.js';
import { buildSnapshot, type SnapshotOptions } from './metrics.js';
import { resolveScenario } from './scenario.js';
import type { ResolvedScenario, ScenarioSpec } from './spec.js';

export interface SimClusterOptions extends SnapshotOptions {
  /** Directory that relative trace files are resolved against. */
  baseDir?: string;
  /** Event and memory budget of one `advance()` (any field left out keeps its default). @default DEFAULT_SIM_BUDGET */
  budget?: Partial<SimBudget>;
}

const PHASES = ['starting', 'ready', 'draining'] as const;

export class SimCluster implements Cluster, UserControl {
  readonly scenario: ResolvedScenario;
  readonly engine: Engine;
  private readonly snapshotRng: Rng;
  private closed = false;
  /** Why a budget stopped the cluster, if one did. */
  private stopped: string | null = null;

  /** @param scenario a scenario (validated here) or an already resolved one. */
  constructor(scenario: ScenarioSpec | ResolvedScenario, private readonly opts: SimClusterOptions = {}) {
    this.scenario = resolveScenario(scenario); // returns an already resolved scenario as it is
    this.engine = new Engine(this.scenario, { ...(opts.baseDir === undefined ? {} : { baseDir: opts.baseDir }), ...(opts.budget === undefined ? {} : { budget: opts.budget }) });
    this.snapshotRng = new Rng(this.scenario.seed).fork();
  }

  /** Simulated time now, seconds. */
  get now(): number {
    return this.engine.now;
  }

  /** Per-invocation routing and per-stage configuration (see `DecisionControl`). */
  readonly control: DecisionControl = {
    submit: (target: string): void => {
      this.assertOpen();
      this.engine.submit(target);
    },
    nextDecision: async (maxSeconds?: number): Promise<DecisionPoint | null> => {
      this.assertOpen();
      if (maxSeconds !== undefined && !(maxSeconds >= 0)) throw new ConfigError(`nextDecision: maxSeconds must be >= 0, got ${quote(maxSeconds)}`);
      return this.engine.runToDecision(maxSeconds === undefined ? Infinity : this.engine.now + maxSeconds);
    },
    route: (id: number, node: string): void => {
      this.assertOpen();
      this.engine.route(id, node);
    },
    configureStage: (id: number, config: { memoryMb?: number; parallelism?: number; threads?: number }): void => {
      this.assertOpen();
      this.engine.configureStage(id, config);
    },
    invokers: (fn: string): InvokerState[] => this.engine.invokers(fn),
    takeStageReports: (): StageReport[] => this.engine.takeStageReports(),
    inflightNow: (): number => this.engine.activeInvocations,
    inflightIntegral: (): number => this.engine.activeArea,
    now: (): number => this.engine.now,
  };

  nodes(): NodeInfo[] {
    this.assertOpen();
    return this.engine.nodes.map((n) => ({
      name: n.spec.name,
      cores: n.spec.cores,
      memoryMb: n.spec.memoryMb,
      cpuModel: n.spec.cpuModel,
      l3Mb: n.spec.l3Mb,
      speed: n.spec.speed,
      labels: { ...n.spec.labels },
    }));
  }

  functions(): FunctionState[] {
    this.assertOpen();
    return this.engine.fns.map((fn) => ({
      name: fn.spec.name,
      scaling: fn.spec.scaling,
      desiredReplicas: fn.desired,
      replicas: fn.replicas.filter((r) => r.phase !== DEAD).map((r) => ({
        id: `${fn.spec.name}-${r.id}`,
        node: r.node.spec.name,
        phase: PHASES[r.phase] as 'starting' | 'ready' | 'draining',
        createdAt: r.createdAt,
        inflight: r.inflight,
      })),
      limits: { cpuMilli: fn.cpuMilli, memoryMb: fn.memoryMb },
      requests: { cpuMilli: fn.cpuMilli, memoryMb: fn.memoryMb },
      maxInflight: fn.maxInflight,
      overflow: fn.overflow,
      nodeSelector: fn.nodeSelector ? [...fn.nodeSelector] : null,
      keepAlive: fn.keepAlive,
    }));
  }

  /**
   * Apply configuration changes now, in order. A change that cannot be made
   * (unknown function or node, no node fits, invalid value) is listed in
   * `rejected` with the reason; the others still apply. `functions` is the
   * state the changes leave.
   */
  async apply(changes: ConfigChange[]): Promise<ApplyResult> {
    this.assertOpen();
    const applied: ConfigChange[] = [];
    const rejected: ApplyResult['rejected'] = [];
    this.engine.sweepExpired(this.engine.now); // no change may touch an instance whose keep-alive ran out
    for (const change of changes) {
      const reason = this.applyOne(change);
      if (reason === null) applied.push(change);
      else rejected.push({ change, reason });
    }
    return { applied, rejected, functions: this.functions() };
  }

  /** Run the simulation for one window and return its metrics. */
  async advance(until: WindowSpec): Promise<ClusterSnapshot> {
    return this.runWindow(until);
  }

  /**
   * `advance`, synchronously: the simulator never waits on I/O, so code that
   * knows it holds a `SimCluster` (scenario runs, benchmarks) can skip the promise.
   */
  runWindow(until: WindowSpec): ClusterSnapshot {
    this.assertOpen();
    const e = this.engine;
    try {
      if ('seconds' in until) {
        if (!(until.seconds >= 0) || !Number.isFinite(until.seconds)) throw new ConfigError(`advance: seconds must be a finite number >= 0, got ${quote(until.seconds)}`);
        e.runUntil(e.now + until.seconds);
      } else {
        if (!Number.isSafeInteger(until.requests) || until.requests < 1) throw new ConfigError(`advance: requests must be a positive integer, got ${quote(until.requests)}`);
        const max = until.maxSeconds ?? 86_400;
        e.runRequests(until.requests, e.now + max);
      }
    } catch (err) {
      // A window stopped half-way leaves the engine mid-event-loop: nothing after it would be meaningful.
      if (err instanceof SimulationBudgetError) {
        this.closed = true;
        this.stopped = err.message;
      }
      throw err;
    }
    e.flush();
    const snapshot = buildSnapshot(e, this.snapshotRng, this.opts);
    // The next window starts now, so what apply() does between windows (replica starts) counts in it.
    e.resetWindow();
    return snapshot;
  }

  /** Change the number of users of a closed-loop load (by index in the scenario's `loads`). */
  setUsers(loadIndex: number, users: number): void {
    this.assertOpen();
    if (!Number.isSafeInteger(users) || users < 0) throw new ConfigError(`setUsers: users must be a non-negative integer, got ${quote(users)}`);
    const load = this.scenario.loads[loadIndex];
    if (!load || load.kind !== 'closed') throw new ConfigError(`setUsers: load ${quote(loadIndex)} is not a closed-loop load`);
    this.engine.setUsers(loadIndex, users);
  }

  /** Set a node's co-located interference level (fraction of its cores) from now on. */
  setStress(node: string, level: number): void {
    this.assertOpen();
    const n = this.engine.nodeByName.get(node);
    if (!n) throw new ConfigError(`setStress: unknown node ${quote(node)}`);
    if (!(level >= 0 && level <= 1)) throw new ConfigError(`setStress: level must be in [0, 1], got ${quote(level)}`);
    this.engine.setStress(n, level);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new BackendError(this.stopped === null ? 'the simulated cluster is closed' : `the simulated cluster was stopped: ${this.stopped}`);
  }

  private fn(name: string): SimFn | string {
    return this.engine.fnByName.get(name) ?? `unknown function ${quote(name)}`;
  }

  private applyOne(change: ConfigChange): string | null {
    if (typeof change !== 'object' || change === null) return `a change must be an object, got ${quote(change)}`;
    const fn = this.fn((change as { fn: string }).fn);
    if (typeof fn === 'string') return fn;
    const e = this.engine;
    const perRequest = fn.spec.scaling === 'per-request';
    switch (change.kind) {
      case 'scale': {
        if (perRequest) return `${fn.spec.name} scales per request; use prewarm to start instances`;
        if (!Number.isSafeInteger(change.replicas) || change.replicas < 0) return `replicas must be a non-negative integer, got ${quote(change.replicas)}`;
        return e.scaleTo(fn, change.replicas);
      }
      case 'resize': {
        const cpu = change.cpuMilli ?? fn.cpuMilli;
        const mem = change.memoryMb ?? fn.memoryMb;
        if (!(cpu > 0) || !Number.isFinite(cpu)) return `cpuMilli must be a finite number > 0, got ${quote(change.cpuMilli)}`;
        if (!(mem > 0) || !Number.isFinite(mem)) return `memoryMb must be a finite number > 0, got ${quote(change.memoryMb)}`;
        e.resizeFunction(fn, cpu, mem);
        return null;
      }
      case 'concurrency': {
        if (perRequest) return `${fn.spec.name} scales per request: each instance serves one request`;
        if (!Number.isSafeInteger(change.maxInflight) || change.maxInflight < 0) return `maxInflight must be a non-negative integer, got ${quote(change.maxInflight)}`;
        e.setMaxInflight(fn, change.maxInflight);
        return null;
      }
      case 'migrate': {
        if (perRequest) return `${fn.spec.name} scales per request; instances are not migrated`;
        const node = e.nodeByName.get(change.to);
        if (!node) return `unknown node ${quote(change.to)}`;
        const live = fn.replicas.filter((r) => r.phase !== DRAINING && r.phase !== DEAD);
        let targets = live;
        if (change.replica !== undefined) {
          const r = typeof change.replica === 'number' ? live[change.replica] : live.find((x) => `${fn.spec.name}-${x.id}` === change.replica);
          if (!r) return `no replica ${quote(change.replica)} of ${fn.spec.name}`;
          targets = [r];
        }
        return e.migrate(fn, targets, node);
      }
      case 'place': {
        if (change.nodes !== null) {
          if (!Array.isArray(change.nodes) || change.nodes.length === 0) return `nodes must be a non-empty array of node names or null, got ${quote(change.nodes)}`;
          for (const name of change.nodes) if (!e.nodeByName.has(name)) return `unknown node ${quote(name)}`;
        }
        return e.place(fn, change.nodes);
      }
      case 'prewarm': {
        if (!Number.isSafeInteger(change.count) || change.count < 1) return `count must be a positive integer, got ${quote(change.count)}`;
        return e.prewarm(fn, change.count);
      }
      default:
        return `unknown change kind ${quote((change as { kind: unknown }).kind)}`;
    }
  }
}
