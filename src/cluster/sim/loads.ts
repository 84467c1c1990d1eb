/**
 * The engine's load generators: open-loop arrival processes (Poisson, traces,
 * …, see workloads/arrivals.ts) and closed-loop user pools (users spawned at a
 * spawn rate, each sending one request, waiting for it, thinking, and sending
 * the next; retired after their current request when the pool shrinks).
 *
 * The loads schedule their own events on the engine's queue (`EV_ARRIVAL`,
 * `EV_SPAWN`, `EV_WAKE`); the engine's event loop hands those back to
 * `onArrival`, `onSpawn` and `onWake`, and calls `userDone` when a user's
 * request ends.
 */
import type { Rng } from '../../core/rng.js';
import { createArrivalProcess, type ArrivalProcess } from '../../workloads/arrivals.js';
import { sampler } from '../../workloads/dist.js';
import { UserPool, type SimFn, type SimWorkflow } from './entities.js';
import type { EventQueue } from './event-queue.js';
import type { LoadSpec } from './spec.js';

export const EV_ARRIVAL = 1;
export const EV_WAKE = 5;
export const EV_SPAWN = 6;

interface OpenLoad {
  proc: ArrivalProcess;
  rng: Rng;
  fn: SimFn | null;
  wf: SimWorkflow | null;
}

interface User {
  pool: UserPool;
  alive: boolean;
}

/** What the loads ask of the engine. */
export interface LoadActions {
  /** The simulation clock. */
  now(): number;
  /** Start one request of `fn` (or else of `wf`) for closed-loop user `user` (−1: an open-loop arrival). */
  submit(fn: SimFn | null, wf: SimWorkflow | null, user: number): void;
}

export class Loads {
  /** Open-loop arrivals scheduled and not yet happened. */
  pendingArrivals = 0;
  private readonly openLoads: (OpenLoad | null)[] = [];
  private readonly pools: (UserPool | null)[] = [];
  private readonly poolTargets: { fn: SimFn | null; wf: SimWorkflow | null }[] = [];
  private readonly users: User[] = [];

  /** @param thinkRng the stream users' think times are drawn from */
  constructor(
    private readonly q: EventQueue,
    private readonly thinkRng: Rng,
    private readonly act: LoadActions,
  ) {}

  /** Add load `i` (loads are added in order) and schedule its first event. */
  add(load: LoadSpec, i: number, fn: SimFn | null, wf: SimWorkflow | null, rng: Rng, baseDir: string | undefined): void {
    if (load.kind === 'closed') {
      const think = sampler(typeofDist(load.think));
      const pool = new UserPool(i, load.users, load.spawnRate ?? Infinity, think);
      this.openLoads.push(null);
      this.pools.push(pool);
      this.poolTargets.push({ fn, wf });
      if (pool.target > 0) {
        pool.spawning = true;
        this.q.push(0, EV_SPAWN, i, 0);
      }
      return;
    }
    const proc = createArrivalProcess(load, baseDir === undefined ? {} : { baseDir });
    this.openLoads.push({ proc, rng, fn, wf });
    this.pools.push(null);
    this.poolTargets.push({ fn, wf });
    const t = proc.next(0, rng);
    if (t < Infinity) {
      this.pendingArrivals++;
      this.q.push(t, EV_ARRIVAL, i, 0);
    }
  }

  /** Change the number of closed-loop users of load `loadIdx` (spawned at its spawn rate, retired after their current request). */
  setUsers(loadIdx: number, users: number): void {
    const pool = this.pools[loadIdx];
    if (!pool) throw new Error(`load ${loadIdx} is not a closed-loop load`);
    pool.target = users;
    if (pool.active < users && !pool.spawning) {
      pool.spawning = true;
      this.q.push(this.act.now(), EV_SPAWN, loadIdx, 0);
    }
  }

  usersOf(loadIdx: number): number {
    return this.pools[loadIdx]?.active ?? 0;
  }

  /** Some closed-loop user is active. */
  anyActiveUser(): boolean {
    for (const pool of this.pools) if (pool && pool.active > 0) return true;
    return false;
  }

  onArrival(i: number): void {
    this.pendingArrivals--;
    const load = this.openLoads[i] as OpenLoad;
    this.act.submit(load.fn, load.wf, -1);
    const t = load.proc.next(this.act.now(), load.rng);
    if (t < Infinity) {
      this.pendingArrivals++;
      this.q.push(t, EV_ARRIVAL, i, 0);
    }
  }

  onSpawn(i: number): void {
    const pool = this.pools[i] as UserPool;
    if (pool.active >= pool.target) {
      pool.spawning = false;
      return;
    }
    const u = this.users.length;
    this.users.push({ pool, alive: true });
    pool.active++;
    pool.spawned++;
    this.userSubmit(u);
    const now = this.act.now();
    if (pool.active < pool.target && pool.spawnRate < Infinity) this.q.push(now + 1 / pool.spawnRate, EV_SPAWN, i, 0);
    else if (pool.active < pool.target) this.q.push(now, EV_SPAWN, i, 0);
    else pool.spawning = false;
  }

  private userSubmit(u: number): void {
    const target = this.poolTargets[(this.users[u] as User).pool.load] as { fn: SimFn | null; wf: SimWorkflow | null };
    this.act.submit(target.fn, target.wf, u);
  }

  /** User `u`'s request ended: retire the user if the pool shrank, else let it think. */
  userDone(u: number): void {
    const user = this.users[u] as User;
    const pool = user.pool;
    if (pool.active > pool.target) {
      user.alive = false;
      pool.active--;
      return;
    }
    this.q.push(this.act.now() + pool.think(this.thinkRng), EV_WAKE, u, 0);
  }

  onWake(u: number): void {
    if ((this.users[u] as User).alive) this.userSubmit(u);
  }
}

function typeofDist(think: unknown) {
  if (think === undefined) return { kind: 'constant' as const, value: 0 };
  if (typeof think === 'number') return { kind: 'constant' as const, value: think };
  return think as Parameters<typeof sampler>[0];
}
