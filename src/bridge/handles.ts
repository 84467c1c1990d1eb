/**
 * The bridge's table of open environments: handle ids, one-at-a-time request
 * queues per handle, a limit on handles in all and per client, the reasons of
 * recently closed handles (for clear errors), and the idle reaper that closes
 * environments nobody has touched for `idleTimeoutMs`.
 */
import { randomBytes } from 'node:crypto';
import type { EnvHost } from './host.js';
import { LimitExceededError, UnknownHandleError } from './protocol.js';
import { ConfigError, quote } from '../core/errors.js';

/** One queued request: runs when the handle's previous requests have finished; must not throw. */
export type Job = () => Promise<void> | void;

export interface Handle {
  readonly id: string;
  readonly envId: string;
  readonly kind: 'single' | 'parallel';
  /** Where its environment runs (host.ts). */
  readonly host: EnvHost;
  /** The client that made it (its share of the handle limit); handles themselves are capabilities any client may use. */
  readonly owner: string;
  /** Milliseconds (the table's clock) of the last request that started or finished on it. */
  lastUsed: number;
  /** A job is running. */
  busy: boolean;
  /** The host's direct-request count when the reaper last looked (a change counts as use). */
  directDone: number;
  /** Closed or reaped: queued jobs see this and answer `UnknownHandleError`. */
  closed: boolean;
  readonly queue: Job[];
}

export interface HandleTableOptions {
  /** Most open handles at once. @default 256 */
  maxHandles?: number;
  /** Most open handles one client may hold (its share of `maxHandles`). @default 64 */
  maxHandlesPerClient?: number;
  /** Most requests waiting on one handle (besides the running one). @default 64 */
  maxQueue?: number;
  /** A handle idle longer than this is closed by `reap`. @default 300000 */
  idleTimeoutMs?: number;
  /** Clock in milliseconds. @default performance.now */
  now?: () => number;
  /** Called for every environment the reaper closed. */
  onReap?: (handle: Handle, closeError: unknown) => void;
}

/** Open environments by handle. */
export class HandleTable {
  readonly maxHandles: number;
  readonly maxHandlesPerClient: number;
  readonly maxQueue: number;
  readonly idleTimeoutMs: number;
  private readonly now: () => number;
  private readonly onReap: (handle: Handle, closeError: unknown) => void;
  private readonly handles = new Map<string, Handle>();
  private readonly perOwner = new Map<string, number>();
  /** Makes in progress (counted against the limits before the environment exists). */
  private pendingTotal = 0;
  /** Why recently closed handles are gone, for the errors of late requests (bounded). */
  private readonly gone = new Map<string, string>();
  private counter = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(opts: HandleTableOptions = {}) {
    this.maxHandles = positiveInt('maxHandles', opts.maxHandles ?? 256);
    this.maxHandlesPerClient = positiveInt('maxHandlesPerClient', opts.maxHandlesPerClient ?? Math.min(64, this.maxHandles));
    this.maxQueue = positiveInt('maxQueue', opts.maxQueue ?? 64);
    const idle = opts.idleTimeoutMs ?? 300_000;
    if (!Number.isFinite(idle) || idle <= 0) throw new ConfigError(`idleTimeoutMs must be a finite number > 0, got ${quote(idle)}`);
    this.idleTimeoutMs = idle;
    this.now = opts.now ?? (() => performance.now());
    this.onReap = opts.onReap ?? (() => {});
  }

  get size(): number {
    return this.handles.size;
  }

  ids(): string[] {
    return [...this.handles.keys()];
  }

  /** `LimitExceededError` when the table, or `owner`'s share of it, is full (makes in progress count). */
  checkCapacity(owner = ''): void {
    const total = this.handles.size + this.pendingTotal;
    if (total >= this.maxHandles) {
      throw new LimitExceededError(`the server already holds ${total} environments (--max-handles ${this.maxHandles}); close some first`);
    }
    const mine = this.perOwner.get(owner) ?? 0;
    if (mine >= this.maxHandlesPerClient) {
      throw new LimitExceededError(`this client already holds ${mine} environments (--max-handles-per-client ${this.maxHandlesPerClient}); close some first`);
    }
  }

  /**
   * Count a make in progress against the limits (`LimitExceededError` when
   * full); call the returned function once it has succeeded or failed.
   */
  reserve(owner = ''): () => void {
    this.checkCapacity(owner);
    this.pendingTotal += 1;
    this.perOwner.set(owner, (this.perOwner.get(owner) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.pendingTotal -= 1;
      this.release(owner);
    };
  }

  private release(owner: string): void {
    const n = (this.perOwner.get(owner) ?? 1) - 1;
    if (n <= 0) this.perOwner.delete(owner);
    else this.perOwner.set(owner, n);
  }

  /** A fresh handle id (a counter plus 64 random bits), for `add`; taken before building when the environment must know its handle (a direct endpoint). */
  newId(): string {
    this.counter += 1;
    return `h${this.counter}-${randomBytes(8).toString('hex')}`;
  }

  /** Register a new environment; `LimitExceededError` when the table (or the owner's share) is full. */
  add(host: EnvHost, envId: string, kind: 'single' | 'parallel', owner = '', id = this.newId()): Handle {
    this.checkCapacity(owner);
    if (this.handles.has(id)) throw new ConfigError(`handle ${id} is already taken`);
    const handle: Handle = { id, envId, kind, host, owner, lastUsed: this.now(), busy: false, directDone: 0, closed: false, queue: [] };
    this.handles.set(id, handle);
    this.perOwner.set(owner, (this.perOwner.get(owner) ?? 0) + 1);
    return handle;
  }

  /** The open handle `id`; `UnknownHandleError` otherwise. */
  get(id: string): Handle {
    const h = this.handles.get(id);
    if (h === undefined) {
      const why = this.gone.get(id);
      if (why !== undefined) throw new UnknownHandleError(`handle ${quote(id, 60)} is closed: ${why}`);
      throw new UnknownHandleError(
        `no open environment has handle ${quote(id, 60)} (never made on this server, closed, or closed after ${this.idleTimeoutMs / 1000} s idle; a server that restarted has none of its old handles)`,
      );
    }
    return h;
  }

  /** The handle `id`, marked as used now (a `spaces` or `ping` keeps it from the idle reaper). */
  touch(id: string): Handle {
    const h = this.get(id);
    h.lastUsed = this.now();
    return h;
  }

  /** Remove `handle` from the table and mark it closed (its environment is not closed here); `reason` is what late requests are told. */
  remove(handle: Handle, reason = 'closed by a client'): void {
    if (handle.closed) return;
    handle.closed = true;
    this.handles.delete(handle.id);
    this.release(handle.owner);
    this.gone.set(handle.id, reason);
    if (this.gone.size > 4096) this.gone.delete(this.gone.keys().next().value as string);
  }

  /**
   * Run `job` on `handle` after the jobs already queued on it; jobs of other
   * handles are never delayed. `LimitExceededError` when the queue is full.
   */
  enqueue(handle: Handle, job: Job): void {
    handle.lastUsed = this.now();
    if (handle.busy) {
      if (handle.queue.length >= this.maxQueue) {
        throw new LimitExceededError(`${handle.queue.length} requests are already waiting on handle ${handle.id}; wait for their replies`);
      }
      handle.queue.push(job);
      return;
    }
    handle.busy = true;
    this.run(handle, job);
  }

  /** Start `job`; when it settles, start the next queued one (plain callbacks: no extra promise layers on the hot path). */
  private run(handle: Handle, job: Job): void {
    let pending: Promise<void> | void;
    try {
      pending = job();
    } catch {
      pending = undefined; // jobs answer their own errors; nothing may escape the queue
    }
    if (pending === undefined) this.next(handle);
    else pending.then(() => this.next(handle), () => this.next(handle));
  }

  private next(handle: Handle): void {
    handle.lastUsed = this.now();
    const job = handle.queue.shift();
    if (job === undefined) handle.busy = false;
    else this.run(handle, job); // recursion depth bounded by maxQueue
  }

  /**
   * Close every handle idle for longer than the timeout (not busy, nothing
   * queued). Returns the reaped handles once their environments are closed.
   */
  async reap(): Promise<Handle[]> {
    const now = this.now();
    const stale: Handle[] = [];
    for (const h of this.handles.values()) {
      const direct = h.host.directActivity?.();
      if (direct !== undefined && (direct.busy || direct.done !== h.directDone)) {
        // Requests on the environment's direct endpoint never pass the server's thread: they count as use here.
        h.directDone = direct.done;
        h.lastUsed = now;
        continue;
      }
      if (!h.busy && h.queue.length === 0 && now - h.lastUsed > this.idleTimeoutMs) stale.push(h);
    }
    for (const h of stale) this.remove(h, `closed after ${this.idleTimeoutMs / 1000} s idle (--idle-timeout)`);
    await Promise.all(
      stale.map(async (h) => {
        let closeError: unknown = undefined;
        try {
          await h.host.close();
        } catch (err) {
          closeError = err;
        }
        this.onReap(h, closeError);
      }),
    );
    return stale;
  }

  /** Reap on a timer (unref'd: it never keeps the process alive). */
  startReaper(intervalMs = Math.min(1000, Math.max(10, this.idleTimeoutMs / 4))): void {
    this.stopReaper();
    this.timer = setInterval(() => void this.reap(), intervalMs);
    this.timer.unref();
  }

  stopReaper(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Close every environment (server shutdown); errors from `close` are ignored. */
  async closeAll(): Promise<void> {
    const all = [...this.handles.values()];
    for (const h of all) this.remove(h, 'the server shut down');
    await Promise.all(
      all.map(async (h) => {
        try {
          await h.host.close();
        } catch {
          // shutting down: a failing close must not stop the others
        }
      }),
    );
  }
}

function positiveInt(name: string, v: number): number {
  if (!Number.isSafeInteger(v) || v < 1) throw new ConfigError(`${name} must be a positive integer, got ${quote(v)}`);
  return v;
}
