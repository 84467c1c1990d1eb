/**
 * faasgym's HTTP load generator: replays a scenario's `LoadSpec`s against a
 * real gateway, in real time scaled by `timeScale` (simulated seconds per wall
 * second; 1 on a real cluster, the twin's speed-up on a twin).
 *
 * - Open loop (poisson, constant, ramp, diurnal, burst, trace — incl. the
 *   Azure-schema trace): arrival times from `createArrivalProcess`, the same
 *   processes the simulator draws from, on a clock that starts at `start()`;
 *   a request is sent at each arrival whether or not earlier ones finished,
 *   up to `maxInflight` outstanding requests (over it an arrival is dropped,
 *   counted as failed and reported).
 * - Closed loop: users spawned at `spawnRate` per second; each sends a
 *   request, waits for the answer, thinks for a time drawn from `think`, and
 *   sends the next. `setUsers` changes the count (new users spawn at the spawn
 *   rate; surplus users retire after their current request), as in the simulator.
 *
 * Each request has a deadline (`requestTimeoutMs`). Outcomes per target: 2xx
 * succeeds (its latency, in simulated seconds, goes into a `Histogram` like the
 * simulator's), 429 is rejected, anything else (5xx, other 4xx, timeout,
 * dropped connection) failed. All randomness comes from the seeded `Rng`.
 */
import { ConfigError, quote } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import { createArrivalProcess, type ArrivalProcess, type OpenLoadSpec } from '../../workloads/arrivals.js';
import { parseDist, sampler } from '../../workloads/dist.js';
import { Histogram } from '../sim/histogram.js';
import type { LoadSpec } from '../sim/spec.js';

/** Outcome of one request as the sender saw it (`status` 0 with `error` when none came back). */
export interface SendResult {
  status: number;
  error?: 'timeout' | 'connection';
  /** The server's measurement of the call, wall seconds (OpenFaaS: `X-Duration-Seconds`). */
  durationSeconds?: number;
}

export interface LoadGeneratorOptions {
  loads: readonly LoadSpec[];
  /** Send one request of `target` (a workflow or function name); must honour `signal`. */
  send: (target: string, signal: AbortSignal) => Promise<SendResult>;
  /** Seed of the arrival times and think times. */
  seed: number;
  /** Simulated seconds per wall-clock second. @default 1 */
  timeScale?: number;
  /** Wall-clock deadline of one request, ms. @default 60000 */
  requestTimeoutMs?: number;
  /** Outstanding requests at most (open loop); arrivals beyond are dropped. @default 1000 */
  maxInflight?: number;
  /** Directory relative trace files are resolved against. */
  baseDir?: string;
  /**
   * Latency of a success: `client`, the wall time the load generator waited
   * (what a user sees, network included); `gateway`, the gateway's own
   * `X-Duration-Seconds` where it sent one (without the client's network).
   * Either is scaled by `timeScale`. @default "client"
   */
  latencyFrom?: 'client' | 'gateway';
}

/** What one target saw in a window. */
export interface TargetWindow {
  /** Requests sent in the window. */
  requests: number;
  successes: number;
  /** HTTP 429. */
  rejected: number;
  /** Other statuses, timeouts, dropped connections, and arrivals dropped over `maxInflight`. */
  failed: number;
  /** Of `failed`: arrivals not sent because `maxInflight` requests were outstanding. */
  dropped: number;
  /** Of `failed`: requests that hit their deadline. */
  timeouts: number;
  /** Latencies of the successes, simulated seconds. */
  latency: Histogram;
  /** Time-averaged outstanding requests over the window. */
  outstanding: number;
}

interface Acc {
  requests: number;
  successes: number;
  rejected: number;
  failed: number;
  dropped: number;
  timeouts: number;
  latency: Histogram;
  outstandingNow: number;
  outstandingArea: number;
  lastT: number;
  windowStart: number;
}

interface OpenLoad {
  target: string;
  proc: ArrivalProcess;
  rng: Rng;
  next: number;
}

interface Pool {
  target: string;
  users: number;
  active: number;
  spawnRate: number;
  think: (rng: Rng) => number;
  spawning: boolean;
}

export class LoadGenerator {
  readonly timeScale: number;
  private readonly requestTimeoutMs: number;
  private readonly maxInflight: number;
  private readonly open: (OpenLoad | null)[] = [];
  private readonly pools: (Pool | null)[] = [];
  private readonly thinkRng: Rng;
  private readonly acc = new Map<string, Acc>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly sleepers = new Set<() => void>();
  private readonly inflight = new Set<AbortController>();
  private readonly pending = new Set<Promise<void>>();
  private finishWaiters: { target: number; resolve: () => void }[] = [];
  private openTimer: NodeJS.Timeout | null = null;
  private startWall = 0;
  private running = false;
  private stopped = false;
  private outstanding = 0;
  /** Requests finished (any outcome) since start. */
  finished = 0;
  /** Largest delay of an open-loop send behind its arrival time, simulated seconds (event-loop lag). */
  maxLateness = 0;

  constructor(private readonly opts: LoadGeneratorOptions) {
    this.timeScale = opts.timeScale ?? 1;
    if (!(this.timeScale > 0) || !Number.isFinite(this.timeScale)) throw new ConfigError(`load: timeScale must be a finite number > 0, got ${quote(opts.timeScale)}`);
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 60_000;
    this.maxInflight = opts.maxInflight ?? 1000;
    const root = new Rng(opts.seed);
    const arrivals = root.fork();
    this.thinkRng = root.fork();
    opts.loads.forEach((load, i) => {
      this.accFor(load.target);
      if (load.kind === 'closed') {
        if (!Number.isSafeInteger(load.users) || load.users < 0) throw new ConfigError(`loads[${i}].users must be a non-negative integer, got ${quote(load.users)}`);
        const spawnRate = load.spawnRate ?? Infinity;
        if (!(spawnRate > 0)) throw new ConfigError(`loads[${i}].spawnRate must be > 0, got ${quote(load.spawnRate)}`);
        const think = sampler(parseDist(load.think ?? 0, `loads[${i}].think`));
        this.pools.push({ target: load.target, users: load.users, active: 0, spawnRate, think, spawning: false });
        this.open.push(null);
      } else {
        const proc = createArrivalProcess(load as OpenLoadSpec, opts.baseDir === undefined ? {} : { baseDir: opts.baseDir });
        this.open.push({ target: load.target, proc, rng: arrivals.fork(), next: Infinity });
        this.pools.push(null);
      }
    });
  }

  /** Simulated seconds since `start()`. */
  now(): number {
    return this.running || this.stopped ? ((performance.now() - this.startWall) / 1000) * this.timeScale : 0;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Start the loads now (simulated time 0). */
  start(): void {
    if (this.running || this.stopped) return;
    this.running = true;
    this.startWall = performance.now();
    for (const a of this.acc.values()) a.lastT = a.windowStart = 0;
    for (const o of this.open) if (o) o.next = o.proc.next(0, o.rng);
    this.scheduleOpen();
    this.pools.forEach((p, i) => {
      if (p && p.users > 0) this.spawn(i);
    });
  }

  /** Users of closed-loop load `index` now. */
  usersOf(index: number): number {
    return this.pools[index]?.active ?? 0;
  }

  /** Change the user count of closed-loop load `index`. */
  setUsers(index: number, users: number): void {
    const pool = this.pools[index];
    if (!pool) throw new ConfigError(`setUsers: load ${quote(index)} is not a closed-loop load`);
    if (!Number.isSafeInteger(users) || users < 0) throw new ConfigError(`setUsers: users must be a non-negative integer, got ${quote(users)}`);
    pool.users = users;
    if (this.running && pool.active < users && !pool.spawning) this.spawn(index);
  }

  /** The window's per-target results since the last call (or the start), and a fresh window. */
  takeWindow(): Map<string, TargetWindow> {
    const t = this.now();
    const out = new Map<string, TargetWindow>();
    for (const [target, a] of this.acc) {
      this.integrate(a, t);
      const span = t - a.windowStart;
      const latency = new Histogram();
      latency.add(a.latency);
      out.set(target, {
        requests: a.requests, successes: a.successes, rejected: a.rejected, failed: a.failed, dropped: a.dropped, timeouts: a.timeouts,
        latency, outstanding: span > 0 ? a.outstandingArea / span : a.outstandingNow,
      });
      a.requests = a.successes = a.rejected = a.failed = a.dropped = a.timeouts = 0;
      a.outstandingArea = 0;
      a.latency.reset();
      a.windowStart = t;
    }
    return out;
  }

  /** Resolve when `count` more requests (after the call) have finished, or false after `timeoutMs` of wall time. */
  waitForFinished(count: number, timeoutMs: number): Promise<boolean> {
    const target = this.finished + count;
    if (this.finished >= target) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = { target, resolve: () => { clearTimeout(timer); resolve(true); } };
      const timer = setTimeout(() => {
        this.finishWaiters = this.finishWaiters.filter((w) => w !== waiter);
        resolve(false);
      }, Math.max(0, timeoutMs));
      this.finishWaiters.push(waiter);
    });
  }

  /** Sleep `seconds` of simulated time (wakes early when the generator stops). */
  sleep(seconds: number): Promise<void> {
    return this.sleepWall((seconds / this.timeScale) * 1000);
  }

  /** Stop all loads, abort outstanding requests, and wait until every sender has returned. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.running = false;
    this.stopped = true;
    if (this.openTimer) clearTimeout(this.openTimer);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const wake of [...this.sleepers]) wake();
    for (const c of this.inflight) c.abort();
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
    for (const w of this.finishWaiters) w.resolve();
    this.finishWaiters = [];
  }

  // ------------------------------------------------------------------ internals

  private accFor(target: string): Acc {
    let a = this.acc.get(target);
    if (!a) {
      a = { requests: 0, successes: 0, rejected: 0, failed: 0, dropped: 0, timeouts: 0, latency: new Histogram(), outstandingNow: 0, outstandingArea: 0, lastT: 0, windowStart: 0 };
      this.acc.set(target, a);
    }
    return a;
  }

  private integrate(a: Acc, t: number): void {
    if (t > a.lastT) {
      a.outstandingArea += a.outstandingNow * (t - a.lastT);
      a.lastT = t;
    }
  }

  private sleepWall(ms: number): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        this.sleepers.delete(wake);
        this.timers.delete(timer);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(wake, Math.max(0, ms));
      this.timers.add(timer);
      this.sleepers.add(wake);
    });
  }

  /** Arm one timer for the earliest pending open-loop arrival. */
  private scheduleOpen(): void {
    if (!this.running) return;
    let next = Infinity;
    for (const o of this.open) if (o && o.next < next) next = o.next;
    if (next === Infinity) return;
    const waitMs = Math.max(0, ((next - this.now()) / this.timeScale) * 1000);
    this.openTimer = setTimeout(() => this.fireOpen(), waitMs);
  }

  private fireOpen(): void {
    this.openTimer = null;
    if (!this.running) return;
    const t = this.now();
    for (const o of this.open) {
      if (!o) continue;
      while (o.next <= t) {
        this.maxLateness = Math.max(this.maxLateness, t - o.next);
        this.track(this.sendOne(o.target, true));
        o.next = o.proc.next(o.next, o.rng);
      }
    }
    this.scheduleOpen();
  }

  private spawn(index: number): void {
    const pool = this.pools[index] as Pool;
    if (!this.running || pool.active >= pool.users) {
      pool.spawning = false;
      return;
    }
    pool.spawning = true;
    pool.active++;
    this.track(this.userLoop(pool));
    if (pool.active < pool.users) {
      const gap = pool.spawnRate === Infinity ? 0 : 1 / pool.spawnRate;
      if (gap === 0) this.spawn(index);
      else {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          this.spawn(index);
        }, (gap / this.timeScale) * 1000);
        this.timers.add(timer);
      }
    } else pool.spawning = false;
  }

  private async userLoop(pool: Pool): Promise<void> {
    while (this.running) {
      await this.sendOne(pool.target, false);
      if (!this.running) break;
      if (pool.active > pool.users) break; // retire after the current request
      await this.sleep(pool.think(this.thinkRng));
    }
    pool.active--;
  }

  private track(p: Promise<void>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  private async sendOne(target: string, open: boolean): Promise<void> {
    const a = this.accFor(target);
    const t0 = this.now();
    this.integrate(a, t0);
    a.requests++;
    if (open && this.outstanding >= this.maxInflight) {
      a.failed++;
      a.dropped++;
      this.done();
      return;
    }
    const ctl = new AbortController();
    this.inflight.add(ctl);
    this.outstanding++;
    a.outstandingNow++;
    const wall0 = performance.now();
    let result: SendResult;
    try {
      result = await this.opts.send(target, AbortSignal.any([ctl.signal, AbortSignal.timeout(this.requestTimeoutMs)]));
    } catch {
      result = { status: 0, error: 'connection' };
    }
    const wallSeconds = this.opts.latencyFrom === 'gateway' && result.durationSeconds !== undefined ? result.durationSeconds : (performance.now() - wall0) / 1000;
    const latency = wallSeconds * this.timeScale;
    this.inflight.delete(ctl);
    this.outstanding--;
    this.integrate(a, this.now());
    a.outstandingNow--;
    if (ctl.signal.aborted) return; // stopped: not an outcome of the cluster
    if (result.status >= 200 && result.status < 300) {
      a.successes++;
      a.latency.record(latency);
    } else if (result.status === 429) a.rejected++;
    else {
      a.failed++;
      if (result.error === 'timeout') a.timeouts++;
    }
    this.done();
  }

  private done(): void {
    this.finished++;
    if (this.finishWaiters.length === 0) return;
    const ready = this.finishWaiters.filter((w) => this.finished >= w.target);
    this.finishWaiters = this.finishWaiters.filter((w) => this.finished < w.target);
    for (const w of ready) w.resolve();
  }
}
