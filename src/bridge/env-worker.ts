/**
 * The entry of an environment's worker thread (host.ts `WorkerHost`): imports
 * the `--require` modules and builds one environment on `make` (a message,
 * answered with the JSON text of its description or a `{type, message}`
 * error), then serves the handle's requests one at a time through the shared
 * channel that came with `make` (channel.ts), until `close`.
 *
 * With `direct` in the make message the worker also listens on an endpoint of
 * its own (zmtp.ts, a port the system picks on the server's loopback host) and
 * answers `ping`, `reset`, `step`, `state` and `adjacency` on this handle there,
 * with no hop through the server's thread: requests from both sources run one
 * at a time, in arrival order. The time of each direct request is published in
 * the channel's header, where the server's watchdog enforces its time limit.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { AnyEnv } from '../core/env.js';
import { registry } from '../registry/index.js';
import { ChannelServer, OP_CLOSE, type ChannelInit } from './channel.js';
import { buildEnv, describe, resetRequest, runOnEnv, stepRequest, type DirectInit, type HostRequest, type MakeArgsOptions } from './env-ops.js';
import { loadEnvModule } from './env-modules.js';
import {
  describeError,
  encodeResult,
  errorReplyText,
  LimitExceededError,
  MessageTooLargeError,
  okReplyText,
  parseRequest,
  ProtocolError,
  RequestFailure,
  stringArg,
  UnknownHandleError,
  type Request,
} from './protocol.js';
import { ZmtpServer, type ZmtpConnection, type ZmtpMessage } from './zmtp.js';

type ToWorker = { id: number; op: 'make'; envId: string; config: Record<string, unknown>; options: MakeArgsOptions; channel: ChannelInit; direct?: DirectInit };

/** The commands a direct endpoint answers; the others go to the server's endpoint. */
const DIRECT_COMMANDS = new Set(['ping', 'reset', 'step', 'state', 'adjacency']);
/** Most direct requests waiting behind the one running. */
const MAX_DIRECT_QUEUE = 64;
/** Frames a direct request may have (as the server's socket). */
const MAX_FRAMES = 32;

const port = parentPort;
if (port === null) throw new Error('env-worker.js runs only as a worker thread');
const { modules } = workerData as { modules: string[] };
// Load the modules at once: a worker started ahead of time (a warm spare, host.ts) is ready at make.
const loaded = (async () => {
  for (const spec of modules) await loadEnvModule(spec);
})();
loaded.catch(() => {}); // reported to the make that needs them

/** One job at a time, in arrival order, whichever source it came from; jobs never throw. */
class Serial {
  private running = false;
  private readonly queue: (() => Promise<void>)[] = [];

  get waiting(): number {
    return this.queue.length;
  }

  run(job: () => Promise<void>): void {
    if (this.running) {
      this.queue.push(job);
      return;
    }
    this.running = true;
    this.start(job);
  }

  private start(job: () => Promise<void>): void {
    job().then(
      () => this.next(),
      () => this.next(),
    );
  }

  private next(): void {
    const job = this.queue.shift();
    if (job === undefined) this.running = false;
    else this.start(job);
  }
}

async function make(m: ToWorker): Promise<{ env: AnyEnv; text: string }> {
  await loaded;
  const env = buildEnv(registry, m.envId, m.config, m.options);
  return { env, text: encodeResult(describe(env, m.envId)) };
}

/** The direct endpoint's side of one environment. */
class Direct {
  server: ZmtpServer | undefined;

  constructor(
    private readonly env: AnyEnv,
    private readonly envId: string,
    private readonly kind: 'single' | 'parallel',
    private readonly init: DirectInit,
    private readonly channel: ChannelServer,
    private readonly serial: Serial,
  ) {}

  async listen(): Promise<string> {
    this.server = await ZmtpServer.listen(this.init.host, { maxFrameBytes: this.init.maxMessageBytes, maxFrames: MAX_FRAMES }, (conn, msg) => this.onMessage(conn, msg));
    return this.server.endpoint;
  }

  /** Check a request at once (a typed error reply for anything wrong), then queue it behind the running one. */
  private onMessage(conn: ZmtpConnection, msg: ZmtpMessage): void {
    const frames = msg.frames;
    const n = frames.length;
    // The envelope is everything up to and including the first empty frame (REQ's delimiter), if any.
    let d = 0;
    while (d < n && (frames[d] as Buffer).length !== 0) d++;
    const start = d < n ? d + 1 : 0;
    const envelope = frames.slice(0, Math.min(start, n));
    const reply = (text: string): void => conn.send([...envelope, text]);
    if (msg.tooLarge !== undefined) {
      reply(errorReplyText(null, new MessageTooLargeError(`request frame of ${msg.tooLarge} bytes exceeds the limit of ${this.init.maxMessageBytes} bytes`)));
      return;
    }
    if (start !== n - 1) {
      const got = n - start;
      reply(errorReplyText(null, new ProtocolError(`expected exactly one request frame after the envelope, got ${got < 0 ? 0 : got}`)));
      return;
    }
    let req: Request;
    try {
      req = parseRequest(frames[n - 1] as Buffer, this.init.maxMessageBytes);
    } catch (err) {
      if (err instanceof RequestFailure) reply(errorReplyText(err.id, err.error, err.v));
      else reply(errorReplyText(null, err));
      return;
    }
    let work: HostRequest | 'ping';
    try {
      work = this.request(req);
      if (this.serial.waiting >= MAX_DIRECT_QUEUE) throw new LimitExceededError(`${this.serial.waiting} requests are already waiting on handle ${this.init.handle}; wait for their replies`);
    } catch (err) {
      reply(errorReplyText(req.id, err, req.v));
      return;
    }
    this.serial.run(async () => {
      if (this.server === undefined) return; // closed meanwhile: the connection is gone too
      this.channel.directStarted();
      let text: string;
      try {
        text = okReplyText(req.id, work === 'ping' ? '{}' : await runOnEnv(this.env, this.envId, work), req.v);
      } catch (err) {
        text = errorReplyText(req.id, err, req.v);
      }
      this.channel.directFinished();
      reply(text);
    });
  }

  /** The host request of a direct request, or a typed error: another handle, or a command the server's endpoint serves. */
  private request(req: Request): HostRequest | 'ping' {
    const { cmd, args } = req;
    if (!DIRECT_COMMANDS.has(cmd)) {
      throw new ProtocolError(`${cmd} is not answered on an environment's direct endpoint (only ${[...DIRECT_COMMANDS].join(', ')}): send it to the server's endpoint`);
    }
    const handle = stringArg(cmd, args, 'handle');
    if (handle !== this.init.handle) throw new UnknownHandleError(`this direct endpoint serves one environment only, not handle ${JSON.stringify(handle.slice(0, 60))}`);
    switch (cmd) {
      case 'ping':
        return 'ping';
      case 'reset':
        return resetRequest(args);
      case 'step':
        return stepRequest(this.kind, this.envId, args, 'step: ');
      default:
        return { cmd: cmd as 'state' | 'adjacency' };
    }
  }

  close(): void {
    this.server?.close();
    this.server = undefined;
  }
}

/** Answer the handle's channel requests until `close`; an error escaping here crashes the worker, which the server reports as such. */
async function serve(channel: ChannelServer, env: AnyEnv, envId: string, serial: Serial, direct: Direct | undefined): Promise<void> {
  for (;;) {
    const { op, text } = await channel.next();
    await new Promise<void>((resolve) => {
      serial.run(async () => {
        let ok = true;
        let reply: string;
        try {
          if (op === OP_CLOSE) {
            direct?.close();
            await env.close();
            reply = '{}';
          } else {
            reply = await runOnEnv(env, envId, JSON.parse(text) as HostRequest);
          }
        } catch (err) {
          ok = false;
          reply = JSON.stringify(describeError(err));
        }
        channel.answer(ok, reply);
        resolve();
      });
    });
    if (op === OP_CLOSE) return;
  }
}

let made = false;
// The listener also keeps the worker's event loop alive while `serve` waits without blocking.
port.on('message', (m: ToWorker) => {
  if (made || m.op !== 'make') return; // one environment per worker
  made = true;
  const serial = new Serial();
  const channel = new ChannelServer(m.channel, m.direct !== undefined ? 0 : 20);
  let direct: Direct | undefined;
  make(m)
    .then(async ({ env, text }) => {
      if (m.direct !== undefined) {
        const kind = (JSON.parse(text) as { kind: 'single' | 'parallel' }).kind;
        direct = new Direct(env, m.envId, kind, m.direct, channel, serial);
        try {
          return { env, text, endpoint: await direct.listen() };
        } catch (err) {
          void Promise.resolve(env.close()).catch(() => {});
          throw err;
        }
      }
      return { env, text, endpoint: undefined };
    })
    .then(
      ({ env, text, endpoint }) => {
        port.postMessage({ id: m.id, ok: true, text, ...(endpoint !== undefined ? { direct: endpoint } : {}) });
        serve(channel, env, m.envId, serial, direct).catch((err: unknown) => {
          process.nextTick(() => {
            throw err; // uncaught: the worker dies and the server sees its 'error' event
          });
        });
      },
      (err: unknown) => port.postMessage({ id: m.id, ok: false, error: describeError(err) }),
    );
});
