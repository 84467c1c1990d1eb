/**
 * The bridge server: one ZeroMQ ROUTER socket, a receive loop that never
 * awaits an environment, per-handle request queues (handles.ts) and a single
 * writer for replies. Protocol: docs/bridge-protocol.md.
 */
import * as zmq from 'zeromq';
import { isParallelEnv, type AnyEnv, type Env, type EnvSpecInfo, type ParallelEnv } from '../core/env.js';
import { ConfigError, InvalidActionError, quote } from '../core/errors.js';
import { registry as defaultRegistry, type Registry } from '../registry/index.js';
import type { Space } from '../spaces/space.js';
import { version } from '../version.js';
import { checkBindSecurity, isZ85Key, ZapHandler, type CurveKeyPair } from './curve.js';
import { HandleTable, type Handle } from './handles.js';
import {
  encodeResult,
  errorReplyText,
  objectArg,
  okReplyText,
  parseRequest,
  PROTOCOL_VERSION,
  ProtocolError,
  RequestFailure,
  seedArg,
  stringArg,
  toWire,
  UnknownHandleError,
  type Args,
  type Request,
} from './protocol.js';

export const DEFAULT_BIND = 'tcp://127.0.0.1:5555';

export interface BridgeServerOptions {
  /** ZeroMQ endpoint; `tcp://127.0.0.1:*` picks a free port (see `endpoint`). @default 'tcp://127.0.0.1:5555' */
  bind?: string;
  /** Where `make` looks environments up. @default the default registry */
  registry?: Registry;
  /** Close handles idle for longer than this. @default 300000 (5 minutes) */
  idleTimeoutMs?: number;
  /** Request frames larger than this are answered with `MessageTooLargeError`; libzmq drops peers sending more than 8×. @default 1048576 */
  maxMessageBytes?: number;
  /** Most environments open at once. @default 1024 */
  maxHandles?: number;
  /** Most requests waiting on one handle. @default 64 */
  maxQueue?: number;
  /** Allow a non-loopback `bind` (needs `curve` too). @default false */
  allowRemote?: boolean;
  /** The server's CURVE key pair: turns on encryption and server authentication. */
  curve?: CurveKeyPair;
  /** With `curve`: accept only clients whose public key is listed (ZAP). */
  clientKeys?: ReadonlySet<string>;
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
  private readonly registry: Registry;
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
    opts: Required<Pick<BridgeServerOptions, 'maxMessageBytes' | 'registry'>> & BridgeServerOptions,
  ) {
    this.endpoint = socket.lastEndpoint ?? (opts.bind as string);
    this.maxMessageBytes = opts.maxMessageBytes;
    this.registry = opts.registry;
    this.onEvent = opts.onEvent ?? (() => {});
    this.handles = new HandleTable({
      ...(opts.maxHandles !== undefined ? { maxHandles: opts.maxHandles } : {}),
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
    return new BridgeServer(socket, zap, { ...options, bind, maxMessageBytes, registry: options.registry ?? defaultRegistry });
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
      if (err instanceof RequestFailure) this.replyError(envelope, err.id, err.error);
      else this.replyError(envelope, null, err);
      return;
    }
    try {
      this.execute(req, envelope);
    } catch (err) {
      this.replyError(envelope, req.id, err);
    }
  }

  private execute(req: Request, envelope: Frame[]): void {
    const { id, cmd, args } = req;
    switch (cmd) {
      case 'ping':
        this.reply(envelope, okReplyText(id, '{}'));
        return;
      case 'hello':
        this.reply(
          envelope,
          okReplyText(
            id,
            JSON.stringify({
              protocol: PROTOCOL_VERSION,
              version: version(),
              envs: this.registry.ids(),
              maxMessageBytes: this.maxMessageBytes,
              idleTimeoutSeconds: this.handles.idleTimeoutMs / 1000,
            }),
          ),
        );
        return;
      case 'list':
        this.reply(envelope, okReplyText(id, JSON.stringify(this.registry.list().map((s) => ({ id: s.id, kind: s.kind, description: s.description ?? '' })))));
        return;
      case 'make':
        this.make(id, args, envelope);
        return;
      case 'spaces': {
        const h = this.handles.get(stringArg(cmd, args, 'handle'));
        this.reply(envelope, okReplyText(id, encodeResult(describe(h.env, h.envId))));
        return;
      }
      case 'reset': {
        const h = this.handles.get(stringArg(cmd, args, 'handle'));
        const seed = seedArg(cmd, args);
        const options = objectArg(cmd, args, 'options');
        this.onHandle(h, id, envelope, async () => {
          const r = await h.env.reset({ ...(seed !== undefined ? { seed } : {}), ...(options !== undefined ? { options } : {}) });
          return encodeResult({ obs: toWire(r.obs), info: toWire(r.info) });
        });
        return;
      }
      case 'step': {
        const h = this.handles.get(stringArg(cmd, args, 'handle'));
        if (h.kind === 'parallel') {
          if (!('actions' in args)) throw new ProtocolError(`step: ${h.envId} is a parallel environment: send args.actions, an object keyed by agent`);
          if ('action' in args) throw new ProtocolError('step: send either args.action or args.actions, not both');
          const actions = args.actions;
          if (typeof actions !== 'object' || actions === null || Array.isArray(actions)) {
            throw new ProtocolError(`step: args.actions must be an object keyed by agent, got ${quote(actions, 60)}`);
          }
          const penv = h.env as ParallelEnv<string, unknown, unknown>;
          this.onHandle(h, id, envelope, async () => {
            checkParallelActions(penv, actions as Record<string, unknown>);
            const r = await penv.step(actions as Record<string, unknown>);
            return encodeResult({
              obs: toWire(r.obs),
              rewards: r.rewards,
              terminations: r.terminations,
              truncations: r.truncations,
              infos: toWire(r.infos),
              agents: penv.agents,
            });
          });
        } else {
          if (!('action' in args)) throw new ProtocolError(`step: ${h.envId} is a single-agent environment: send args.action`);
          if ('actions' in args) throw new ProtocolError('step: send either args.action or args.actions, not both');
          const action = args.action;
          const env = h.env as Env<unknown, unknown>;
          this.onHandle(h, id, envelope, async () => {
            const space: Space<unknown> = env.actionSpace;
            space.assertContains(action);
            const r = await env.step(action);
            return encodeResult({ obs: toWire(r.obs), reward: r.reward, terminated: r.terminated, truncated: r.truncated, info: toWire(r.info) });
          });
        }
        return;
      }
      case 'close': {
        const h = this.handles.get(stringArg(cmd, args, 'handle'));
        this.onHandle(h, id, envelope, async () => {
          this.handles.remove(h);
          await h.env.close();
          return '{}';
        });
        return;
      }
    }
  }

  private make(id: number, args: Args, envelope: Frame[]): void {
    const envId = stringArg('make', args, 'env');
    const config = objectArg('make', args, 'config');
    this.registry.spec(envId); // ConfigError for unknown ids
    this.handles.checkCapacity(); // before building: a full table must not cost an environment
    const env = this.registry.make(envId, config ?? {});
    let text: string;
    let h: Handle | undefined;
    try {
      const description = describe(env, envId);
      h = this.handles.add(env, envId, isParallelEnv(env) ? 'parallel' : 'single');
      text = encodeResult({ handle: h.id, ...description });
    } catch (err) {
      // Built but not usable (a space that cannot be described): free it now.
      if (h !== undefined) this.handles.remove(h);
      void Promise.resolve()
        .then(() => env.close())
        .catch((closeErr: unknown) => this.onEvent({ type: 'error', where: `make ${envId}: close after a failed make`, message: String(closeErr) }));
      throw err;
    }
    this.reply(envelope, okReplyText(id, text));
  }

  /** Queue `work` on the handle; its JSON result (or error) becomes the reply. */
  private onHandle(h: Handle, id: number, envelope: Frame[], work: () => Promise<string>): void {
    this.handles.enqueue(h, () => {
      if (h.closed) {
        this.replyError(envelope, id, new UnknownHandleError(`handle ${h.id} was closed before this request ran`));
        return;
      }
      return work().then(
        (json) => this.reply(envelope, okReplyText(id, json)),
        (err: unknown) => this.replyError(envelope, id, err),
      );
    });
  }

  private replyError(envelope: Frame[], id: number | null, err: unknown): void {
    this.counters.errors += 1;
    this.reply(envelope, errorReplyText(id, err));
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

/** The `make` result without the handle (also the `spaces` result). */
function describe(env: AnyEnv, envId: string): Record<string, unknown> {
  const spec: EnvSpecInfo = env.spec ?? { id: envId, kind: isParallelEnv(env) ? 'parallel' : 'single', nondeterministic: false };
  const specJson = {
    id: spec.id,
    ...(spec.maxEpisodeSteps !== undefined ? { maxEpisodeSteps: spec.maxEpisodeSteps } : {}),
    ...(spec.rewardThreshold !== undefined ? { rewardThreshold: spec.rewardThreshold } : {}),
    nondeterministic: spec.nondeterministic,
  };
  if (isParallelEnv(env)) {
    const agents = [...env.possibleAgents];
    const observationSpaces: Record<string, unknown> = {};
    const actionSpaces: Record<string, unknown> = {};
    for (const a of agents) {
      observationSpaces[a] = env.observationSpace(a).toJSON();
      actionSpaces[a] = env.actionSpace(a).toJSON();
    }
    return { kind: 'parallel', agents, observationSpaces, actionSpaces, spec: specJson };
  }
  return { kind: 'single', observationSpace: env.observationSpace.toJSON(), actionSpace: env.actionSpace.toJSON(), spec: specJson };
}

/** One action per live agent, each in its space, and no other agent (as `BaseParallelEnv` checks). */
function checkParallelActions(env: ParallelEnv<string, unknown, unknown>, actions: Record<string, unknown>): void {
  const live = env.agents;
  if (live.length === 0) return; // the environment raises ResetNeededError
  for (const agent of Object.keys(actions)) {
    if (!live.includes(agent)) throw new InvalidActionError(`action for ${quote(agent, 60)}, which is not a live agent (live: ${quote(live)})`);
  }
  for (const agent of live) {
    if (!Object.hasOwn(actions, agent)) throw new InvalidActionError(`missing action for live agent ${quote(agent, 60)}`);
    const space: Space<unknown> = env.actionSpace(agent);
    space.assertContains(actions[agent], `action for ${agent}`);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
