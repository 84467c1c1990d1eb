/**
 * The hand-off between the server's thread and an environment's worker
 * (host.ts): one request and one reply at a time through a SharedArrayBuffer,
 * with Atomics instead of `postMessage`. The worker sleeps in `Atomics.wait`
 * on the request counter (no event-loop turn, no structured clone, no message
 * event); the server writes the request's JSON into the buffer, bumps the
 * counter, and awaits the reply counter with `Atomics.waitAsync`, so its own
 * event loop goes on serving other handles. A payload larger than the buffer
 * goes through a MessagePort pair instead, read synchronously on the other
 * side (`receiveMessageOnPort`). Everything read from the buffer is checked:
 * the worker runs client-chosen work and is trusted no more than its reply.
 *
 * Layout: a header (Int32 fields and one Float64, below), then `capacity` bytes of UTF-8 payload,
 * shared by the request and its reply (the worker reads the request before
 * writing the reply).
 */
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';

/** `Atomics.waitAsync` (ES2024; Node 16+), typed here because the project's lib is ES2022. */
type WaitAsyncResult = { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };
const waitAsync = (Atomics as unknown as { waitAsync: (a: Int32Array, index: number, value: number, timeoutMs?: number) => WaitAsyncResult }).waitAsync;

/** Request counter: the server increments it once the request is written; the worker waits on it. */
const REQ = 0;
/** Reply counter: the worker sets it to the request's counter once the reply is written; the server waits on it. */
const REP = 1;
/** Request operation (`OP_RUN`, `OP_CLOSE`). */
const OP = 2;
/** Payload length in bytes; `SIDE` when the payload went through the MessagePort. */
const LEN = 3;
/** Reply status: `OK` or `FAILED` (the payload is a `{type, message}` error). */
const STATUS = 4;
/** Requests the worker finished on its direct endpoint (env-worker.ts), for the idle reaper. */
const DIRECT_DONE = 5;
/** `Date.now()` at the start of the direct request running now, 0 when none (a Float64 at this byte offset), for the time limit. */
const DIRECT_SINCE_BYTE = 32;
const HEADER_BYTES = 48;
const SIDE = -1;

export const OP_RUN = 1;
export const OP_CLOSE = 2;
const OK = 0;
const FAILED = 1;

/** Payload bytes of a channel: larger requests or replies (rare: a big observation) take the MessagePort. @default 65536 */
export const DEFAULT_CAPACITY = 64 * 1024;

/** What the server sends the worker with `make`: the shared buffer and the worker's end of the port pair. */
export interface ChannelInit {
  buffer: SharedArrayBuffer;
  port: MessagePort;
}

/** A reply as the server reads it. */
export interface ChannelReply {
  ok: boolean;
  /** The result's JSON text, or the `{type, message}` error's. */
  text: string;
}

class Shared {
  protected readonly ctrl: Int32Array;
  protected readonly since: Float64Array;
  protected readonly bytes: Buffer;
  protected readonly capacity: number;

  constructor(buffer: SharedArrayBuffer, protected readonly port: MessagePort) {
    this.ctrl = new Int32Array(buffer, 0, DIRECT_SINCE_BYTE / 4);
    this.since = new Float64Array(buffer, DIRECT_SINCE_BYTE, 1);
    this.bytes = Buffer.from(buffer, HEADER_BYTES);
    this.capacity = this.bytes.length;
  }

  /** Write `text` as the payload (the buffer, or the port when it does not fit); returns the length field. */
  protected writePayload(text: string): number {
    // Three UTF-8 bytes per UTF-16 unit at most: short texts need no byteLength pass.
    if (text.length * 3 <= this.capacity || Buffer.byteLength(text, 'utf8') <= this.capacity) return this.bytes.write(text, 0, 'utf8');
    this.port.postMessage(text);
    return SIDE;
  }

  /** The payload of length field `len`; throws on a length the writer could not have produced. */
  protected readPayload(len: number): string {
    if (len === SIDE) {
      const m = receiveMessageOnPort(this.port);
      if (m === undefined || typeof m.message !== 'string') throw new Error('channel: the payload announced on the port is missing');
      return m.message;
    }
    if (!Number.isInteger(len) || len < 0 || len > this.capacity) throw new Error(`channel: payload length ${len} is outside [0, ${this.capacity}]`);
    return this.bytes.toString('utf8', 0, len);
  }
}

/** The server's end: one request at a time. */
export class ChannelClient extends Shared {
  private seq = 0;

  /** A channel and the init message for its worker (post it with `port` in the transfer list). */
  static create(port: MessagePort, workerPort: MessagePort, capacity = DEFAULT_CAPACITY): { client: ChannelClient; init: ChannelInit } {
    const buffer = new SharedArrayBuffer(HEADER_BYTES + capacity);
    return { client: new ChannelClient(buffer, port), init: { buffer, port: workerPort } };
  }

  /** Send a request (`op`, payload `text`) and wake the worker. One request at a time: await `reply` before the next. */
  send(op: number, text: string): void {
    const ctrl = this.ctrl;
    ctrl[OP] = op;
    ctrl[LEN] = this.writePayload(text);
    this.seq = (this.seq + 1) | 0;
    Atomics.store(ctrl, REQ, this.seq);
    Atomics.notify(ctrl, REQ);
  }

  /**
   * Resolves once the worker has answered the request last sent, or once
   * `abandon` was called, or early (a late notify of the previous reply):
   * check `answered` before `read`. Never rejects.
   */
  reply(): Promise<unknown> {
    const w = waitAsync(this.ctrl, REP, (this.seq - 1) | 0);
    return w.async ? w.value : Promise.resolve(w.value);
  }

  /** True when the reply to the request last sent is there. */
  get answered(): boolean {
    return Atomics.load(this.ctrl, REP) === this.seq;
  }

  /** The reply to the request last sent (call once `answered`). */
  read(): ChannelReply {
    const ctrl = this.ctrl;
    const status = ctrl[STATUS];
    if (status !== OK && status !== FAILED) throw new Error(`channel: reply status ${status} is neither ok nor failed`);
    return { ok: status === OK, text: this.readPayload(ctrl[LEN] as number) };
  }

  /** Close the server's end of the port pair (the worker's end goes with the worker). */
  close(): void {
    this.port.close();
  }

  /**
   * What the worker's direct endpoint is doing: requests finished (changes
   * with every one) and the `Date.now()` at which the one running now started
   * (undefined when none runs). A torn read of `since` is harmless: it is
   * read again at the next check.
   */
  directActivity(): { done: number; since: number | undefined } {
    const since = this.since[0] as number;
    return { done: Atomics.load(this.ctrl, DIRECT_DONE), since: since > 0 ? since : undefined };
  }

  /** Wake this thread's own `reply` waiter (the worker died or was stopped): it would otherwise wait forever and keep the buffer. */
  abandon(): void {
    Atomics.notify(this.ctrl, REP);
  }
}

/**
 * The worker's end. `next` blocks the worker's thread in `Atomics.wait` for
 * up to `syncWaitMs`, then waits without blocking (`Atomics.waitAsync`), so an
 * environment with timers or sockets of its own gets its event loop between
 * requests that come less often than that. A worker with a direct endpoint
 * passes 0: its event loop must never block, the socket is served there.
 */
export class ChannelServer extends Shared {
  private seen = 0;

  constructor(init: ChannelInit, private readonly syncWaitMs = 20) {
    super(init.buffer, init.port);
  }

  /** The next request: its operation and payload text. */
  async next(): Promise<{ op: number; text: string }> {
    const ctrl = this.ctrl;
    while (Atomics.load(ctrl, REQ) === this.seen) {
      if (this.syncWaitMs > 0 && Atomics.wait(ctrl, REQ, this.seen, this.syncWaitMs) !== 'timed-out') continue;
      const w = waitAsync(ctrl, REQ, this.seen);
      if (w.async) await w.value;
    }
    this.seen = Atomics.load(ctrl, REQ);
    return { op: ctrl[OP] as number, text: this.readPayload(ctrl[LEN] as number) };
  }

  /** A request on the direct endpoint starts (the server's time limit now runs for it). */
  directStarted(): void {
    this.since[0] = Date.now();
  }

  /** The direct request running has finished. */
  directFinished(): void {
    this.since[0] = 0;
    Atomics.add(this.ctrl, DIRECT_DONE, 1);
  }

  /** Answer the request last read and wake the server. */
  answer(ok: boolean, text: string): void {
    const ctrl = this.ctrl;
    ctrl[STATUS] = ok ? OK : FAILED;
    ctrl[LEN] = this.writePayload(text);
    Atomics.store(ctrl, REP, this.seen);
    Atomics.notify(ctrl, REP);
  }
}
