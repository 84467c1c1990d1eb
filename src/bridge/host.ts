/**
 * Where a handle's environment runs. `InProcessHost`: on the server's own
 * thread (an embedding that trusts its clients, and tests). `WorkerHost`: in a
 * worker thread of its own (env-worker.ts) with a heap limit and a time limit
 * per request, so that one client's slow or memory-hungry step can neither
 * delay other handles nor crash the server: a request past its time limit
 * stops the worker, a worker out of memory dies alone, and the handle's next
 * requests get a typed error.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker } from 'node:worker_threads';
import type { AnyEnv } from '../core/env.js';
import { FaasgymError } from '../core/errors.js';
import { findPackageRoot } from '../host.js';
import type { Registry } from '../registry/index.js';
import { ChannelClient, OP_CLOSE, OP_RUN, type ChannelReply } from './channel.js';
import { buildEnv, describe, runOnEnv, type DirectInit, type HostRequest, type MakeArgsOptions } from './env-ops.js';
import { BridgeError } from './protocol.js';

/** A request ran past the server's time limit (`--request-timeout`): its environment was stopped and the handle closed. */
export class RequestTimeoutError extends BridgeError {}
/** The environment's worker died (out of memory, or an error thrown outside any request): the handle is closed. */
export class EnvironmentCrashedError extends BridgeError {}

/** One environment, wherever it runs. */
export interface EnvHost {
  readonly kind: 'single' | 'parallel';
  /** The `make` result without the handle. */
  readonly description: Record<string, unknown>;
  /** Run a request; the JSON text of its result. */
  run(req: HostRequest): Promise<string>;
  /** Close the environment (and its worker). Safe to call twice. */
  close(): Promise<void>;
  /** Called once if the host dies on its own (worker out of memory, time limit). */
  onDeath?: (reason: string) => void;
  /** The environment's own endpoint (`make` with `direct`), when it has one. */
  readonly direct?: string;
  /** Requests finished on the direct endpoint (changes with each) and whether one is running: the idle reaper's view of it. */
  directActivity?(): { done: number; busy: boolean };
}

export class InProcessHost implements EnvHost {
  readonly kind: 'single' | 'parallel';
  readonly description: Record<string, unknown>;

  constructor(readonly env: AnyEnv, private readonly envId: string) {
    this.description = describe(env, envId);
    this.kind = this.description.kind as 'single' | 'parallel';
  }

  static make(registry: Registry, envId: string, config: Record<string, unknown>, options: MakeArgsOptions): InProcessHost {
    const env = buildEnv(registry, envId, config, options);
    try {
      return new InProcessHost(env, envId);
    } catch (err) {
      void Promise.resolve().then(() => env.close()).catch(() => {});
      throw err;
    }
  }

  run(req: HostRequest): Promise<string> {
    return runOnEnv(this.env, this.envId, req);
  }

  close(): Promise<void> {
    return this.env.close();
  }
}

/** Limits of a worker-hosted environment. */
export interface WorkerLimits {
  /** Heap (old generation) of each environment's worker, in MiB. */
  memoryMb: number;
  /** Longest a request (`make` included) may run, in milliseconds. */
  requestTimeoutMs: number;
  /** Modules each worker imports before building (`faasgym serve --require`, resolved file URLs). */
  modules: readonly string[];
}

/** An error that crossed from the worker: keeps the class name the client sees. */
class RemoteError extends FaasgymError {
  constructor(type: string, message: string) {
    super(message);
    this.name = type;
  }
}

type FromWorker = { id: number; ok: true; text: string; direct?: string } | { id: number; ok: false; error: { type: string; message: string } };

let workerUrlCache: URL | undefined;

/** The compiled worker entry (dist/src/bridge/env-worker.js), also when this module runs from src/ under ts-jest. */
export function workerUrl(): URL {
  if (workerUrlCache !== undefined) return workerUrlCache;
  const here = new URL('./env-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return (workerUrlCache = here);
  const root = findPackageRoot();
  const built = root === null ? null : new URL(`file://${root}/dist/src/bridge/env-worker.js`);
  if (built === null || !existsSync(fileURLToPath(built))) throw new FaasgymError('the bridge worker (dist/src/bridge/env-worker.js) is missing: run `npm run build`');
  return (workerUrlCache = built);
}

export class WorkerHost implements EnvHost {
  onDeath?: (reason: string) => void;
  /** The request in flight; `settle` is its reply handler. */
  private pending: { cmd: string; settle: (reply: ChannelReply | Error) => void } | undefined;
  private dead: string | undefined;
  private closing: Promise<void> | undefined;
  /**
   * One timer per host, re-armed (`refresh`) for every request: it fires only
   * if a request outlives the limit. Referenced while a request is in flight
   * (a pending reply keeps the process alive, as a pending message would).
   */
  private readonly timer: NodeJS.Timeout;
  /** With a direct endpoint: checks the time of the direct request running (the worker publishes its start in the channel). */
  private readonly watchdog: NodeJS.Timeout | undefined;

  private constructor(
    private readonly worker: Worker,
    private readonly channel: ChannelClient,
    private readonly envId: string,
    private readonly limits: WorkerLimits,
    readonly kind: 'single' | 'parallel',
    readonly description: Record<string, unknown>,
    readonly direct: string | undefined,
  ) {
    this.timer = setTimeout(() => this.onTimer(), limits.requestTimeoutMs);
    this.timer.unref();
    if (direct !== undefined) {
      // A stuck direct request is found within a quarter of the limit after it expires.
      this.watchdog = setInterval(() => this.checkDirect(), Math.max(5, Math.min(1000, limits.requestTimeoutMs / 4)));
      this.watchdog.unref();
    }
  }

  /** Start a worker, build the environment in it, and describe it; bounded by the request time limit. With `direct`, the worker also listens on an endpoint of its own (env-worker.ts). */
  static async start(envId: string, config: Record<string, unknown>, options: MakeArgsOptions, limits: WorkerLimits, direct?: DirectInit): Promise<WorkerHost> {
    const worker = takeWorker(limits);
    const { port1, port2 } = new MessageChannel();
    const { client, init } = ChannelClient.create(port1, port2);
    const made = await new Promise<{ text: string; direct?: string }>((resolve, reject) => {
      // Only our own listeners come off again: removeAllListeners would also drop the Worker's internal ones.
      const off = (): void => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      const fail = (err: unknown): void => {
        off();
        port1.close();
        void worker.terminate();
        reject(err);
      };
      const onMessage = (m: FromWorker): void => {
        off();
        if (m.ok) resolve({ text: m.text, ...(typeof m.direct === 'string' ? { direct: m.direct } : {}) });
        else fail(new RemoteError(m.error.type, m.error.message));
      };
      const onError = (err: Error): void => fail(crashError(envId, err, limits));
      const onExit = (code: number): void => fail(new EnvironmentCrashedError(`make ${envId}: the environment's worker exited with code ${code}`));
      const timer = setTimeout(
        () => fail(new RequestTimeoutError(`make ${envId} did not finish within ${limits.requestTimeoutMs / 1000} s (--request-timeout); the environment was stopped`)),
        limits.requestTimeoutMs,
      );
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage({ id: 0, op: 'make', envId, config, options, channel: init, ...(direct !== undefined ? { direct } : {}) }, [port2]);
    });
    const description = JSON.parse(made.text) as Record<string, unknown>;
    if (direct !== undefined && made.direct === undefined) {
      void worker.terminate();
      throw new EnvironmentCrashedError(`make ${envId}: the environment's worker did not announce its direct endpoint`);
    }
    const host = new WorkerHost(worker, client, envId, limits, description.kind as 'single' | 'parallel', description, made.direct);
    host.listen();
    return host;
  }

  private listen(): void {
    this.worker.on('error', (err) => this.die(crashError(this.envId, err, this.limits)));
    this.worker.on('exit', (code) => this.die(new EnvironmentCrashedError(`${this.envId}: the environment's worker exited with code ${code}; the handle is closed`)));
  }

  private onTimer(): void {
    const p = this.pending;
    if (p === undefined || this.dead !== undefined || p.cmd === 'close') return; // close has its own, shorter bound
    this.die(
      new RequestTimeoutError(
        `${p.cmd} on ${this.envId} did not finish within ${this.limits.requestTimeoutMs / 1000} s (the server's --request-timeout): ` +
          'the environment was stopped and its handle closed; make a new one',
      ),
    );
  }

  private checkDirect(): void {
    const { since } = this.channel.directActivity();
    if (since === undefined || this.dead !== undefined || this.closing !== undefined) return;
    if (Date.now() - since <= this.limits.requestTimeoutMs) return;
    this.die(
      new RequestTimeoutError(
        `a request on ${this.envId}'s direct endpoint did not finish within ${this.limits.requestTimeoutMs / 1000} s (the server's --request-timeout): ` +
          'the environment was stopped and its handle closed; make a new one',
      ),
    );
  }

  directActivity(): { done: number; busy: boolean } {
    const { done, since } = this.channel.directActivity();
    return { done, busy: since !== undefined };
  }

  /** Mark dead, fail the request in flight, stop the worker, tell the server (once). */
  private die(err: Error): void {
    if (this.dead !== undefined) return;
    this.dead = err.message;
    const p = this.pending;
    this.pending = undefined;
    clearTimeout(this.timer);
    clearInterval(this.watchdog);
    this.channel.abandon();
    this.channel.close();
    p?.settle(err);
    void this.worker.terminate();
    if (this.closing === undefined) this.onDeath?.(err.message);
  }

  /** Send `text` with `op` and call `settle` once with the reply, or with the error that ended the worker. */
  private request(cmd: string, op: number, text: string, settle: (reply: ChannelReply | Error) => void): void {
    const pending = { cmd, settle };
    this.pending = pending;
    this.timer.refresh().ref();
    this.channel.send(op, text);
    const onWake = (): void => {
      if (this.pending !== pending) return; // died (and settled) meanwhile
      // A late notify of the previous reply can wake this wait early: wait again.
      if (!this.channel.answered) {
        void this.channel.reply().then(onWake);
        return;
      }
      this.pending = undefined;
      this.timer.unref();
      let reply: ChannelReply | Error;
      try {
        reply = this.channel.read();
      } catch (err) {
        this.die(new EnvironmentCrashedError(`${this.envId}'s worker sent a malformed reply (${(err as Error).message}): its environment was stopped and its handle closed`));
        return;
      }
      settle(reply);
    };
    void this.channel.reply().then(onWake);
  }

  run(req: HostRequest): Promise<string> {
    if (this.dead !== undefined) return Promise.reject(new EnvironmentCrashedError(this.dead));
    if (this.pending !== undefined) return Promise.reject(new BridgeError('internal: two requests in flight on one worker'));
    return new Promise<string>((resolve, reject) => {
      this.request(req.cmd, OP_RUN, JSON.stringify(req), (reply) => {
        if (reply instanceof Error) reject(reply);
        else if (reply.ok) resolve(reply.text);
        else reject(remoteError(reply.text));
      });
    });
  }

  close(): Promise<void> {
    if (this.closing !== undefined) return this.closing;
    this.closing = (async () => {
      if (this.dead === undefined && this.pending === undefined) {
        // The environment's own close, bounded: the worker is stopped either way.
        await new Promise<void>((resolve) => {
          const bound = setTimeout(resolve, Math.min(this.limits.requestTimeoutMs, 10_000));
          this.request('close', OP_CLOSE, '', () => {
            clearTimeout(bound);
            resolve();
          });
        });
      }
      this.dead ??= 'closed';
      const p = this.pending;
      this.pending = undefined;
      p?.settle(new EnvironmentCrashedError(`${this.envId}: the handle was closed while this request ran`));
      clearTimeout(this.timer);
      clearInterval(this.watchdog);
      this.channel.abandon();
      this.channel.close();
      await this.worker.terminate();
    })();
    return this.closing;
  }
}

/** The error of a failed reply (`{type, message}` JSON), keeping its class name. */
function remoteError(text: string): Error {
  let e: unknown;
  try {
    e = JSON.parse(text);
  } catch {
    e = null;
  }
  const { type, message } = (typeof e === 'object' && e !== null ? e : {}) as { type?: unknown; message?: unknown };
  if (typeof type !== 'string' || typeof message !== 'string') return new EnvironmentCrashedError(`the environment's worker sent a malformed error: ${text.slice(0, 200)}`);
  return new RemoteError(type, message);
}

/** One worker started ahead of time per set of limits (its modules loading), so that a make need not wait for a cold start. */
const spares = new Map<string, Worker>();
const stopped = new WeakSet<Worker>();

function spawnWorker(limits: WorkerLimits): Worker {
  const worker = new Worker(workerUrl(), {
    workerData: { modules: limits.modules },
    resourceLimits: { maxOldGenerationSizeMb: limits.memoryMb, maxYoungGenerationSizeMb: Math.min(64, Math.max(8, limits.memoryMb / 8)), stackSizeMb: 4 },
    stdout: false,
    stderr: false,
  });
  worker.unref(); // never keeps the process alive
  return worker;
}

/** The spare worker for `limits` (a fresh one if it died), and a new spare in its place. */
function takeWorker(limits: WorkerLimits): Worker {
  const key = JSON.stringify(limits);
  const spare = spares.get(key);
  spares.delete(key);
  const worker = spare !== undefined && spare.threadId >= 0 && !stopped.has(spare) ? spare : spawnWorker(limits);
  const next = spawnWorker(limits);
  const drop = (): void => {
    if (spares.get(key) === next) spares.delete(key);
  };
  next.once('error', drop);
  next.once('exit', drop);
  spares.set(key, next);
  return worker;
}

/** Stop the spare workers (a server closing). */
export async function stopSpareWorkers(): Promise<void> {
  const all = [...spares.values()];
  spares.clear();
  for (const w of all) stopped.add(w);
  await Promise.all(all.map((w) => w.terminate()));
}

function crashError(envId: string, err: Error, limits: WorkerLimits): EnvironmentCrashedError {
  if ((err as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return new EnvironmentCrashedError(`${envId} ran out of memory (the server's --env-memory-mb ${limits.memoryMb}): its environment was stopped and its handle closed`);
  }
  return new EnvironmentCrashedError(`${envId}'s worker crashed (${err.name}: ${err.message}): its environment was stopped and its handle closed`);
}
