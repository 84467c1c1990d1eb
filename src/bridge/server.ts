/**
 * The bridge server: one ZeroMQ ROUTER socket, a receive loop that never
 * awaits an environment, per-handle request queues (handles.ts), each
 * handle's environment in a worker thread of its own with time and memory
 * limits (host.ts), and a single writer for replies. Protocol:
 * docs/bridge-protocol.md.
 */
import { randomBytes } from 'node:crypto';
import * as zmq from 'zeromq';
import { ConfigError, quote } from '../core/errors.js';
import { registry as defaultRegistry, type Registry } from '../registry/index.js';
import { version } from '../version.js';
import { simOnlyCatalog, wireConfig, type BackendCatalog } from './backends.js';
import { checkBindSecurity, isZ85Key, ZapHandler, type CurveKeyPair } from './curve.js';
import { parseMakeOptions, resetRequest, stepRequest, type HostRequest } from './env-ops.js';
import { resolveEnvModule } from './env-modules.js';
import { HandleTable, type Handle } from './handles.js';
import { InProcessHost, stopSpareWorkers, WorkerHost, workerUrl, type EnvHost, type WorkerLimits } from './host.js';
import {
  encodeResult,
  errorReplyText,
  objectArg,
  okReplyText,
  parseRequest,
  PROTOCOL_VERSION,
  PROTOCOL_VERSIONS,
  ProtocolError,
  RequestFailure,
  stringArg,
  UnknownHandleError,
  describeError,
  type Args,
  type Request,
} from './protocol.js';

export const DEFAULT_BIND = 'tcp://127.0.0.1:5555';

export interface BridgeServerOptions {
  /** ZeroMQ endpoint; `tcp://127.0.0.1:*` picks a free port (see `endpoint`). @default 'tcp://127.0.0.1:5555' */
  bind?: string;
  /**
   * Run environments in process, from this registry: no time or memory limit
   * per request (for embedding with trusted clients, and tests). Without it,
   * each environment runs in a worker thread of its own, built from the
   * default registry and `envModules`.
   */
  registry?: Registry;
  /** Modules every environment worker imports first (`faasgym serve --require`): paths, package names or file URLs. @default [] */
  envModules?: readonly string[];
  /** Heap limit of each environment's worker, in MiB (`--env-memory-mb`). @default 512 */
  envMemoryMb?: number;
  /** Longest one request (make, reset, step, …) may run in a worker before its environment is stopped, in ms (`--request-timeout`). @default 300000 */
  requestTimeoutMs?: number;
  /** The backends clients may pick by name (`--backend <file>`); `sim` is always offered. @default the simulator only */
  backends?: BackendCatalog;
  /** Close handles idle for longer than this. @default 300000 (5 minutes) */
  idleTimeoutMs?: number;
  /** Request frames larger than this are answered with `MessageTooLargeError`; libzmq drops peers sending more than 8×. @default 1048576 */
  maxMessageBytes?: number;
  /** Most environments open at once. @default 256 */
  maxHandles?: number;
  /** Most environments one client may hold (its share of `maxHandles`; a client is its `make`'s `client` argument, or else its connection). @default 64 */
  maxHandlesPerClient?: number;
  /** Most requests waiting on one handle. @default 64 */
  maxQueue?: number;
  /** Allow a non-loopback `bind` (needs `curve` too). @default false */
  allowRemote?: boolean;
  /** The server's CURVE key pair: turns on encryption and server authentication. */
  curve?: CurveKeyPair;
  /** With `curve`: accept only clients whose public key is listed (ZAP). */
  clientKeys?: ReadonlySet<string>;
  /**
   * Offer direct endpoints: a client's `make` with `direct: true` gets an
   * endpoint of the environment's own worker (a port the system picks on the
   * server's loopback host), where its steps skip the server's thread. Only
   * with worker isolation, a loopback `tcp://` bind and no CURVE; otherwise
   * `hello` says `direct: false`. @default true
   */
  direct?: boolean;
  /** Timeout of each socket send and receive, in milliseconds. @default 1000 */
  socketTimeoutMs?: number;
  /** Called for reaped handles and for errors the server recovered from. */
  onEvent?: (event: BridgeEvent) => void;
}

export type BridgeEvent =
  | { type: 'reaped'; handle: string; env: string; closeError?: string }
  | { type: 'error'; where: string; message: string };

export interface BridgeStats {
  requests: number;
  errors: number;
  handles: number;
  reaped: number;
}

/** Frames a request may have (identity, envelope, delimiter, payload); more is a `ProtocolError`. */
const MAX_FRAMES = 32;

type Frame = Buffer | string;

/** A running bridge server. Start with `BridgeServer.start(options)`, stop with `close()`. */
export class BridgeServer {
  /** The endpoint actually bound (the port resolved when `bind` used `*`). */
  readonly endpoint: string;
  readonly maxMessageBytes: number;
  /** Random per start: clients compare it to tell a restarted server from a closed handle. */
  readonly instance = randomBytes(8).toString('hex');
  /** In-process registry; undefined when environments run in workers. */
  private readonly registry: Registry | undefined;
  private readonly limits: WorkerLimits | undefined;
  private readonly backends: BackendCatalog;
  private readonly envIds: string[];
  /** The loopback host of direct endpoints; undefined when the server offers none. */
  private readonly directHost: string | undefined;
  private readonly handles: HandleTable;
  private readonly onEvent: (event: BridgeEvent) => void;
  private readonly outbox: Frame[][] = [];
  private writing = false;
  private closed = false;
  private closing: Promise<void> | undefined;
  private readonly loopDone: Promise<void>;
  private readonly counters = { requests: 0, errors: 0, reaped: 0 };

  private constructor(
    private readonly socket: zmq.Router,
    private readonly zap: ZapHandler | undefined,
    opts: Required<Pick<BridgeServerOptions, 'maxMessageBytes'>> & BridgeServerOptions & { limits: WorkerLimits | undefined; envIds: string[] },
  ) {
    this.endpoint = socket.lastEndpoint ?? (opts.bind as string);
    this.maxMessageBytes = opts.maxMessageBytes;
    this.registry = opts.registry;
    this.limits = opts.limits;
    this.envIds = opts.envIds;
    this.backends = opts.backends ?? simOnlyCatalog();
    this.directHost = opts.direct === false || opts.limits === undefined || opts.curve !== undefined ? undefined : loopbackHost(this.endpoint);
    this.onEvent = opts.onEvent ?? (() => {});
    this.handles = new HandleTable({
      ...(opts.maxHandles !== undefined ? { maxHandles: opts.maxHandles } : {}),
      ...(opts.maxHandlesPerClient !== undefined ? { maxHandlesPerClient: opts.maxHandlesPerClient } : {}),
      ...(opts.maxQueue !== undefined ? { maxQueue: opts.maxQueue } : {}),
      ...(opts.idleTimeoutMs !== undefined ? { idleTimeoutMs: opts.idleTimeoutMs } : {}),
      onReap: (h, err) => {
        this.counters.reaped += 1;
        this.onEvent({ type: 'reaped', handle: h.id, env: h.envId, ...(err !== undefined ? { closeError: String(err) } : {}) });
      },
    });
    this.handles.startReaper();
    this.loopDone = this.receiveLoop();
  }

  /** Validate the options, bind the socket and start serving. */
  static async start(options: BridgeServerOptions = {}): Promise<BridgeServer> {
    const bind = options.bind ?? DEFAULT_BIND;
    const maxMessageBytes = options.maxMessageBytes ?? 1024 * 1024;
    if (!Number.isSafeInteger(maxMessageBytes) || maxMessageBytes < 64) {
      throw new ConfigError(`maxMessageBytes must be an integer >= 64, got ${quote(maxMessageBytes)}`);
    }
    const timeout = options.socketTimeoutMs ?? 1000;
    if (!Number.isSafeInteger(timeout) || timeout < 1) throw new ConfigError(`socketTimeoutMs must be a positive integer, got ${quote(timeout)}`);
    if (options.curve !== undefined && (!isZ85Key(options.curve.publicKey) || !isZ85Key(options.curve.secretKey))) {
      throw new ConfigError('curve keys must be 40-character Z85 strings (see `faasgym keys`)');
    }
    if (options.clientKeys !== undefined && options.curve === undefined) {
      throw new ConfigError('client keys need CURVE: pass the server key pair too (--curve-keys)');
    }
    checkBindSecurity(bind, { allowRemote: options.allowRemote ?? false, curve: options.curve !== undefined });
    let limits: WorkerLimits | undefined;
    let envIds: string[] = [];
    if (options.registry === undefined) {
      const memoryMb = options.envMemoryMb ?? 512;
      if (!Number.isSafeInteger(memoryMb) || memoryMb < 16 || memoryMb > 65536) throw new ConfigError(`envMemoryMb must be an integer in [16, 65536], got ${quote(memoryMb)}`);
      const requestTimeoutMs = options.requestTimeoutMs ?? 300_000;
      if (!Number.isFinite(requestTimeoutMs) || requestTimeoutMs < 10 || requestTimeoutMs > 86_400_000) {
        throw new ConfigError(`requestTimeoutMs must be a number of milliseconds in [10, 86400000], got ${quote(requestTimeoutMs)}`);
      }
      workerUrl(); // the worker script must exist before the first make
      limits = { memoryMb, requestTimeoutMs, modules: (options.envModules ?? []).map((m) => (m.startsWith('file:') ? m : resolveEnvModule(m))) };
      envIds = defaultRegistry.ids();
    } else if (options.envModules !== undefined && options.envModules.length > 0) {
      throw new ConfigError('envModules need worker isolation: register the environments in the given registry instead');
    }
    if (options.curve !== undefined && !zmq.capability.curve) throw new ConfigError('this libzmq was built without CURVE support');

    // A ZAP handler is per context: a server with its own allowlist gets its own context.
    const context = options.clientKeys !== undefined ? new zmq.Context() : zmq.context;
    const zap = options.clientKeys !== undefined ? await ZapHandler.start(context, options.clientKeys) : undefined;
    const socket = new zmq.Router({
      context,
      linger: 0,
      receiveTimeout: timeout,
      sendTimeout: timeout,
      maxMessageSize: Math.min(maxMessageBytes * 8, 2 ** 31 - 1),
      ...(options.curve !== undefined ? { curveServer: true, curveSecretKey: options.curve.secretKey, curvePublicKey: options.curve.publicKey } : {}),
    });
    try {
      await socket.bind(bind);
    } catch (err) {
      socket.close();
      await zap?.close();
      throw new ConfigError(`cannot bind ${bind}: ${(err as Error).message}`);
    }
    return new BridgeServer(socket, zap, { ...options, bind, maxMessageBytes, limits, envIds });
  }

  stats(): BridgeStats {
    return { ...this.counters, handles: this.handles.size };
  }

  /** Handles of the open environments. */
  openHandles(): string[] {
    return this.handles.ids();
  }

  /** Reap idle handles now (the timer also does). */
  reapIdle(): Promise<Handle[]> {
    return this.handles.reap();
  }

  /** Stop serving, send what is queued (up to about a second), close every environment. Safe to call twice. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closing = (async () => {
      this.closed = true;
      this.handles.stopReaper();
      for (let i = 0; i < 100 && (this.writing || this.outbox.length > 0); i++) await sleep(10);
      this.socket.close();
      await this.loopDone;
      await this.handles.closeAll();
      if (this.limits !== undefined) await stopSpareWorkers();
      await this.zap?.close();
    })();
    return this.closing;
  }

  private async receiveLoop(): Promise<void> {
    while (!this.closed) {
      let msg: Buffer[];
      try {
        msg = await this.socket.receive();
      } catch (err) {
        if (this.closed || this.socket.closed) break;
        if ((err as { code?: string }).code === 'EAGAIN') continue; // receive timeout: check `closed` again
        this.onEvent({ type: 'error', where: 'receive', message: String(err) });
        await sleep(10);
        continue;
      }
      try {
        this.dispatch(msg);
      } catch (err) {
        this.onEvent({ type: 'error', where: 'dispatch', message: String(err) });
      }
    }
  }

  /** Split envelope and request, answer what can be answered at once, queue the rest on its handle. */
  private dispatch(msg: Buffer[]): void {
    this.counters.requests += 1;
    const n = msg.length;
    if (n > MAX_FRAMES) {
      this.replyError([msg[0] as Buffer], null, new ProtocolError(`a request has at most ${MAX_FRAMES} frames, got ${n}`));
      return;
    }
    // The envelope is everything up to and including the first empty frame (REQ's delimiter), if any.
    let d = 1;
    while (d < n && (msg[d] as Buffer).length !== 0) d++;
    const start = d < n ? d + 1 : 1;
    const payload = msg[n - 1] as Buffer;
    const envelope: Frame[] = msg;
    envelope.length = Math.min(start, n); // reuse the array: identity and envelope stay, the reply is pushed later
    if (start !== n - 1) {
      const got = n - start;
      this.replyError(envelope, null, new ProtocolError(`expected exactly one request frame after the envelope, got ${got < 0 ? 0 : got}`));
      return;
    }
    let req: Request;
    try {
      req = parseRequest(payload, this.maxMessageBytes);
    } catch (err) {
      if (err instanceof RequestFailure) this.replyError(envelope, err.id, err.error, err.v);
      else this.replyError(envelope, null, err);
      return;
    }
    try {
      this.execute(req, envelope);
    } catch (err) {
      this.replyError(envelope, req.id, err, req.v);
    }
  }

  private execute(req: Request, envelope: Frame[]): void {
    const { id, cmd, args, v } = req;
    const ok = (json: string): void => this.reply(envelope, okReplyText(id, json, v));
    switch (cmd) {
      case 'ping':
        if (args.handle !== undefined) this.handles.touch(stringArg(cmd, args, 'handle'));
        ok('{}');
        return;
      case 'hello':
        ok(
          JSON.stringify({
            protocol: PROTOCOL_VERSION,
            protocols: PROTOCOL_VERSIONS,
            version: version(),
            instance: this.instance,
            envs: this.registry?.ids() ?? this.envIds,
            backends: [...this.backends.keys()],
            maxMessageBytes: this.maxMessageBytes,
            idleTimeoutSeconds: this.handles.idleTimeoutMs / 1000,
            requestTimeoutSeconds: this.limits === undefined ? null : this.limits.requestTimeoutMs / 1000,
            maxHandlesPerClient: this.handles.maxHandlesPerClient,
            direct: this.directHost !== undefined,
          }),
        );
        return;
      case 'list':
        ok(JSON.stringify(this.specs().map((s) => ({ id: s.id, kind: s.kind, description: s.description ?? '' }))));
        return;
      case 'make':
        this.make(req, envelope);
        return;
      case 'spaces': {
        const h = this.handles.touch(stringArg(cmd, args, 'handle'));
        ok(encodeResult(h.host.description));
        return;
      }
      case 'reset': {
        const h = this.handles.get(stringArg(cmd, args, 'handle'));
        this.onHandle(h, req, envelope, resetRequest(args));
        return;
      }
      case 'step': {
        const h = this.handles.get(stringArg(cmd, args, 'handle'));
        this.onHandle(h, req, envelope, stepRequest(h.kind, h.envId, args, 'step: '));
        return;
      }
      case 'steps':
        this.steps(req, envelope);
        return;
      case 'state':
      case 'adjacency': {
        const h = this.handles.get(stringArg(cmd, args, 'handle'));
        this.onHandle(h, req, envelope, { cmd });
        return;
      }
      case 'close': {
        const h = this.handles.get(stringArg(cmd, args, 'handle'));
        this.onHandle(h, req, envelope, 'close');
        return;
      }
    }
  }

  /**
   * A batched step (protocol 2): one request, one reply, a step on each of
   * several handles. Each entry runs on its handle's queue (in parallel across
   * workers); an entry's error is its own result and does not fail the batch.
   */
  private steps(req: Request, envelope: Frame[]): void {
    const { id, args, v } = req;
    const batch = args.batch;
    if (!Array.isArray(batch) || batch.length === 0 || batch.length > MAX_BATCH) {
      throw new ProtocolError(`steps: args.batch must be an array of 1 to ${MAX_BATCH} entries {handle, action | actions}, got ${quote(batch, 60)}`);
    }
    const results = new Array<string>(batch.length);
    let left = batch.length;
    const settle = (i: number, text: string): void => {
      results[i] = text;
      left -= 1;
      if (left === 0) this.reply(envelope, okReplyText(id, `{"results":[${results.join(',')}]}`, v));
    };
    const failed = (err: unknown): string => `{"ok":false,"error":${JSON.stringify(describeError(err))}}`;
    batch.forEach((entry: unknown, i: number) => {
      try {
        if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new ProtocolError(`steps: batch[${i}] must be an object {handle, action | actions}, got ${quote(entry, 60)}`);
        const e = entry as Args;
        for (const key of Object.keys(e)) {
          if (key !== 'handle' && key !== 'action' && key !== 'actions') throw new ProtocolError(`steps: batch[${i}]: unknown field ${quote(key, 60)} (expected handle, action, actions)`);
        }
        const h = this.handles.get(stringArg('steps', e, 'handle'));
        const work = stepRequest(h.kind, h.envId, e, `steps: batch[${i}]: `);
        this.handles.enqueue(h, () => {
          if (h.closed) {
            settle(i, failed(new UnknownHandleError(`handle ${h.id} was closed before this request ran`)));
            return;
          }
          return h.host.run(work).then(
            (json) => settle(i, `{"ok":true,"result":${json}}`),
            (err: unknown) => settle(i, failed(err)),
          );
        });
      } catch (err) {
        settle(i, failed(err));
      }
    });
  }

  private specs(): { id: string; kind: string; description?: string }[] {
    return this.registry?.list() ?? defaultRegistry.list();
  }

  /**
   * Build an environment: in process (synchronously) or in a worker of its own
   * (asynchronously: the receive loop goes on). The wire config is checked
   * first (backends.ts): no backend object, file, URL or command is accepted.
   */
  private make(req: Request, envelope: Frame[]): void {
    const { id, args, v } = req;
    const envId = stringArg('make', args, 'env');
    const config = wireConfig(envId, objectArg('make', args, 'config'), this.backends);
    const options = parseMakeOptions(args.options);
    const client = args.client === undefined ? undefined : stringArg('make', args, 'client');
    if (client !== undefined && client.length > 128) throw new ProtocolError(`make: args.client must be at most 128 characters, got ${client.length}`);
    const owner = client !== undefined ? `c:${client}` : `p:${Buffer.from(envelope[0] as Buffer).toString('hex')}`;
    if (args.direct !== undefined && typeof args.direct !== 'boolean') throw new ProtocolError(`make: args.direct must be true or false, got ${quote(args.direct, 60)}`);
    if (args.direct === true && this.directHost === undefined) {
      throw new ProtocolError(
        'make: args.direct: this server offers no direct endpoints (hello says direct: false; they need worker isolation, a loopback tcp:// bind and no CURVE): leave direct out',
      );
    }
    const directId = args.direct === true ? this.handles.newId() : undefined;
    (this.registry ?? defaultRegistry).spec(envId); // ConfigError for unknown ids
    const release = this.handles.reserve(owner); // before building: a full table must not cost an environment
    const done = (host: EnvHost): void => {
      release();
      if (this.closed) {
        // The server closed while this environment was being built: it must not outlive it.
        void host.close().catch(() => {});
        return;
      }
      let h: Handle | undefined;
      try {
        h = this.handles.add(host, envId, host.kind, owner, directId);
        const handle = h;
        host.onDeath = (reason) => this.handles.remove(handle, reason);
        this.reply(envelope, okReplyText(id, encodeResult({ handle: h.id, ...host.description, ...(host.direct !== undefined ? { direct: host.direct } : {}) }), v));
      } catch (err) {
        if (h !== undefined) this.handles.remove(h);
        void host.close().catch((closeErr: unknown) => this.onEvent({ type: 'error', where: `make ${envId}: close after a failed make`, message: String(closeErr) }));
        this.replyError(envelope, id, err, v);
      }
    };
    if (this.limits === undefined) {
      let host: EnvHost;
      try {
        host = InProcessHost.make(this.registry ?? defaultRegistry, envId, config, options);
      } catch (err) {
        release();
        throw err;
      }
      done(host);
      return;
    }
    const direct = directId !== undefined && this.directHost !== undefined ? { host: this.directHost, handle: directId, maxMessageBytes: this.maxMessageBytes } : undefined;
    WorkerHost.start(envId, config, options, this.limits, direct).then(done, (err: unknown) => {
      release();
      this.replyError(envelope, id, err, v);
    });
  }

  /** Queue a request on the handle; its JSON result (or error) becomes the reply. */
  private onHandle(h: Handle, req: Request, envelope: Frame[], work: HostRequest | 'close'): void {
    const { id, v } = req;
    this.handles.enqueue(h, () => {
      if (h.closed) {
        this.replyError(envelope, id, new UnknownHandleError(`handle ${h.id} was closed before this request ran`), v);
        return;
      }
      const running =
        work === 'close'
          ? (async () => {
              this.handles.remove(h);
              await h.host.close();
              return '{}';
            })()
          : h.host.run(work);
      return running.then(
        (json) => this.reply(envelope, okReplyText(id, json, v)),
        (err: unknown) => this.replyError(envelope, id, err, v),
      );
    });
  }

  private replyError(envelope: Frame[], id: number | null, err: unknown, v = PROTOCOL_VERSION): void {
    this.counters.errors += 1;
    this.reply(envelope, errorReplyText(id, err, v));
  }

  private reply(envelope: Frame[], text: string): void {
    envelope.push(text);
    this.outbox.push(envelope);
    if (!this.writing) void this.flush();
  }

  /** The single writer: zeromq allows one send in flight per socket. */
  private async flush(): Promise<void> {
    this.writing = true;
    try {
      let m: Frame[] | undefined;
      while ((m = this.outbox.shift()) !== undefined) {
        if (this.socket.closed) {
          this.outbox.length = 0;
          break;
        }
        try {
          await this.socket.send(m);
        } catch (err) {
          // A ROUTER drops replies to peers that left; a timeout here means the peer stopped reading.
          if (!this.socket.closed) this.onEvent({ type: 'error', where: 'send', message: String(err) });
        }
      }
    } finally {
      this.writing = false;
    }
  }
}

/** Most steps in one `steps` batch. */
const MAX_BATCH = 256;

/** The loopback host of a `tcp://` endpoint (`localhost` as 127.0.0.1), for direct endpoints; undefined for others (ipc, remote). */
function loopbackHost(endpoint: string): string | undefined {
  const m = /^tcp:\/\/(.+):(\d+)$/.exec(endpoint);
  if (!m) return undefined;
  let host = m[1] as string;
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host === 'localhost') return '127.0.0.1';
  return host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) ? host : undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
