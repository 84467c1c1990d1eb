/**
 * The twin's clock: simulated time follows wall time × `speed`.
 *
 * Simulated time is a function of the wall clock, `sim(t) = sim0 + (t − t0)·speed`,
 * so it never drifts; a timer catches the simulator up every `tickMs`, and
 * everything that looks at the cluster (an HTTP request) catches it up first.
 * While synchronous invocations are waiting, the timer wakes at the wall time
 * of the simulator's next event (at least 1 ms apart), so an invocation is
 * answered within about a millisecond of its simulated completion: its
 * response takes (simulated latency ÷ speed) of wall time plus that overhead.
 *
 * Metrics: every `windowMs` of wall time the clock closes a `SimCluster`
 * window and hands its `ClusterSnapshot` to the listeners (the InfluxDB writer,
 * the admin endpoint).
 */
import { performance } from 'node:perf_hooks';
import type { SimCluster } from '../sim/sim-cluster.js';
import type { ClusterSnapshot, DecisionPoint } from '../types.js';

export type InvocationOutcome = 'ok' | 'failed' | 'rejected';

export interface InvocationResult {
  outcome: InvocationOutcome;
  /** Simulated seconds from arrival to the end. */
  latency: number;
  cold: boolean;
}

export interface ClockOptions {
  speed: number;
  tickMs: number;
  windowMs: number;
  /** Called after every catch-up (the model follows the simulator here). */
  onAdvance?: () => void;
  /**
   * Resolves the simulator's decision points (gated workflow stages, externally
   * routed invocations) as they come up; without it the simulator is simply
   * run (scenarios without such points).
   */
  decide?: (d: DecisionPoint) => void;
  onSnapshot?: (snapshot: ClusterSnapshot, wallMs: number) => void;
  onError?: (err: unknown) => void;
}

export class TwinClock {
  private readonly wall0: number;
  private readonly sim0: number;
  private timer: NodeJS.Timeout | null = null;
  private windowTimer: NodeJS.Timeout | null = null;
  private pending = 0;
  private readonly finished: (() => void)[] = [];
  private stopped = false;
  private running = false;
  /** Latest closed window. */
  lastSnapshot: ClusterSnapshot | null = null;

  constructor(private readonly cluster: SimCluster, private readonly opts: ClockOptions) {
    this.wall0 = performance.now();
    this.sim0 = cluster.engine.now;
  }

  start(): void {
    this.schedule();
    this.windowTimer = setInterval(() => this.closeWindow(), this.opts.windowMs);
    this.windowTimer.unref?.();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.windowTimer) clearInterval(this.windowTimer);
    this.timer = this.windowTimer = null;
  }

  /** Simulated time that corresponds to the wall clock now. */
  target(): number {
    return this.sim0 + ((performance.now() - this.wall0) / 1000) * this.opts.speed;
  }

  /** Wall-clock milliseconds (epoch) of a simulated instant. */
  wallMsOf(simT: number): number {
    return Date.now() - performance.now() + this.wall0 + ((simT - this.sim0) / this.opts.speed) * 1000;
  }

  /** Run the simulator up to the wall clock now and answer the invocations that ended. */
  catchUp(): void {
    if (this.stopped || this.running) return;
    const engine = this.cluster.engine;
    const t = this.target();
    this.running = true;
    try {
      if (this.opts.decide) {
        const until = Math.max(t, engine.now); // never move time back
        for (let d = engine.runToDecision(until); d !== null; d = engine.runToDecision(until)) this.opts.decide(d);
        if (engine.now < until) engine.runUntil(until);
      } else if (t > engine.now) engine.runUntil(t);
    } finally {
      this.running = false;
    }
    this.opts.onAdvance?.();
    this.drainFinished();
  }

  /** Invocations submitted and not yet ended. */
  get inflight(): number {
    return this.pending;
  }

  /**
   * Submit one invocation of `fn` now; `done` is called once (from the clock)
   * when it ends in the simulator.
   */
  invoke(fn: string, done: (r: InvocationResult) => void): void {
    this.catchUp();
    this.pending++;
    this.cluster.engine.submit(fn, (outcome, latency, cold) => {
      // Inside the engine's event loop: only queue; the callback runs after runUntil returns.
      this.finished.push(() => {
        this.pending--;
        done({ outcome, latency, cold });
      });
    });
    this.catchUp(); // a rejection (429) or failure ends at once; a routing decision is taken now
    this.schedule();
  }

  private drainFinished(): void {
    while (this.finished.length > 0) {
      const f = this.finished.shift() as () => void;
      try {
        f();
      } catch (err) {
        this.opts.onError?.(err);
      }
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    let delay = this.opts.tickMs;
    if (this.pending > 0) {
      const engine = this.cluster.engine;
      const next = engine.nextEventTime();
      const ms = ((next - this.target()) / this.opts.speed) * 1000;
      delay = Math.min(this.opts.tickMs, Math.max(1, Number.isFinite(ms) ? ms : this.opts.tickMs));
    }
    this.timer = setTimeout(() => this.tick(), delay);
    this.timer.unref?.();
  }

  private tick(): void {
    this.timer = null;
    try {
      this.catchUp();
    } catch (err) {
      this.opts.onError?.(err);
    }
    this.schedule();
  }

  /** Close the current metrics window (if simulated time passed) and publish its snapshot. */
  closeWindow(): ClusterSnapshot | null {
    if (this.stopped) return null;
    try {
      this.catchUp();
      const engine = this.cluster.engine;
      if (!(engine.now - engine.winStart > 1e-9)) return null;
      const snap = this.cluster.runWindow({ seconds: 0 });
      this.lastSnapshot = snap;
      this.opts.onSnapshot?.(snap, Date.now());
      return snap;
    } catch (err) {
      this.opts.onError?.(err);
      return null;
    }
  }
}
