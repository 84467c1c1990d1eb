/**
 * The twin: a `SimCluster` served in real or accelerated time over the HTTP
 * APIs of a real cluster, on one port — the OpenFaaS gateway (gateway.ts), the
 * Kubernetes API subset (k8s-api.ts) and the twin's own admin endpoints
 * (`/_twin/...`: fault injection, the function configuration dump, stress) —
 * optionally writing PCM counters into InfluxDB (influx-writer.ts).
 *
 * ```ts
 * const twin = await Twin.start({ scenario: 'faasconf-sequential', port: 0, speed: 10 });
 * // kubectl --server twin.url get deployments -n openfaas-fn
 * twin.faults.add({ method: 'PATCH', path: '/apis/apps/v1/namespaces/*', kind: '409', times: 1 });
 * const before = twin.functionConfigs();
 * ...
 * await twin.close();
 * ```
 *
 * Bad input never takes the server down: malformed JSON is 400, unknown
 * functions 404, wrong methods 405, oversized bodies 413; every response has a
 * content type. Auth (when configured) guards `/system/*`, `/_twin/*` and the
 * Kubernetes API (basic, or the password as a bearer token). A non-loopback
 * host is refused unless `allowRemote` and `auth` are both given. Hardening
 * (issue 12): `spec.replicas` at most `maxReplicas` (what the nodes cannot
 * hold stays Pending), quantity exponents checked before expansion, JSON
 * nested deeper than MAX_JSON_DEPTH refused with 400, at most `maxWatches`
 * watches at once.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { ConfigError, quote } from '../../core/errors.js';
import { SimCluster } from '../sim/sim-cluster.js';
import { overrideScenario } from '../sim/scenario.js';
import type { ResolvedScenario, ScenarioSpec } from '../sim/spec.js';
import type { ClusterSnapshot, DecisionPoint, NodeInfo } from '../types.js';
import { TwinClock } from './clock.js';
import type { TwinContext, TwinRequest } from './context.js';
import { TWIN_PROFILES, type TwinProfile } from './profile.js';
import { FaultInjector, type FaultInfo, type FaultSpec } from './faults.js';
import { GatewayApi } from './gateway.js';
import { basicAuthOk, bearerOk, HttpError, json, parseJson, readBody, send, text, type Reply } from './http.js';
import { InfluxWriter, type InfluxWriterOptions } from './influx-writer.js';
import { KubernetesApi } from './k8s-api.js';
import { status, Versioner, type RenderContext } from './k8s-meta.js';
import { TwinModel } from './model.js';
import { resolveTwinScenario } from './scenario-source.js';

export interface TwinOptions {
  /** A scenario object, a scenario file, or a preset name (see scenario-source.ts). */
  scenario: string | ScenarioSpec | ResolvedScenario;
  /** @default 0 (an ephemeral port) */
  port?: number;
  /** @default "127.0.0.1" */
  host?: string;
  /** Simulated seconds per wall-clock second. @default 1 */
  speed?: number;
  /** Wall milliseconds between clock ticks when nothing waits. @default 50 */
  tickMs?: number;
  /** Wall milliseconds per metrics window (PCM points, FunctionStatus usage). @default 1000 */
  windowMs?: number;
  /** InfluxDB to write PCM counters to (a URL or options); absent: none. */
  influx?: string | InfluxWriterOptions | null;
  /** Basic auth for `/system/*` and `/_twin/*`; absent: none. */
  auth?: { user: string; password: string } | null;
  /** Namespace of the functions. @default "openfaas-fn" */
  namespace?: string;
  /** Largest request body, bytes. @default 1048576 */
  maxBodyBytes?: number;
  /** A synchronous invocation not finished after this many wall ms gets 504. @default 60000 */
  invokeTimeoutMs?: number;
  /** Run the scenario's own loads (false: only HTTP invocations load the cluster, e.g. from a load generator). @default true */
  internalLoad?: boolean;
  /** Request rate of the default load built around a preset name. @default 0.5 */
  presetRate?: number;
  /** Relative noise of the PCM counters (SimCluster's `pcmNoise`). @default 0.02 */
  pcmNoise?: number;
  /** Hears about errors the twin recovered from (handler bugs, InfluxDB failures). */
  onError?: (err: Error) => void;
  /** Which real system to answer like (context.ts, docs/twin.md). @default "ce" */
  profile?: TwinProfile;
  /** Largest `spec.replicas` a Deployment may ask for (422 beyond); replicas the nodes cannot hold stay Pending. @default 100 */
  maxReplicas?: number;
  /** Most concurrent watches on the Kubernetes API (429 beyond). @default 32 */
  maxWatches?: number;
  /** Allow a non-loopback `host` (needs `auth`, which then guards both APIs). @default false */
  allowRemote?: boolean;
}

/** True for loopback hosts (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h === '::ffff:127.0.0.1';
}

type Family = 'k8s' | 'gateway' | 'admin' | 'none';

const ADMIN_PREFIX = '/_twin';

function positive(v: unknown, name: string, dflt: number, min = 0, integer = false): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v) || !(v > min) || (integer && !Number.isSafeInteger(v))) {
    throw new ConfigError(`twin: ${name} must be ${integer ? 'an integer' : 'a finite number'} > ${min}, got ${quote(v)}`);
  }
  return v;
}

export class Twin {
  readonly cluster: SimCluster;
  readonly faults = new FaultInjector();
  readonly speed: number;
  readonly namespace: string;
  readonly influx: InfluxWriter | null;
  readonly profile: TwinProfile;
  private readonly model: TwinModel;
  private readonly clock: TwinClock;
  private readonly versions = new Versioner();
  private readonly server: Server;
  private readonly gateway: GatewayApi;
  private readonly k8s: KubernetesApi;
  private readonly ctx: TwinContext;
  private readonly auth: { user: string; password: string } | null;
  private readonly maxBody: number;
  private readonly startedAt = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  private readonly invocations = new Map<string, number>();
  private readonly pendingCancels = new Set<() => void>();
  private readonly hung = new Set<ServerResponse>();
  private readonly sockets = new Set<Socket>();
  private readonly nodeInfos: NodeInfo[];
  private callSeq = 0;
  private uidSeq = 0;
  private closing: Promise<void> | null = null;
  private boundPort = 0;

  private constructor(private readonly opts: TwinOptions & { host: string }) {
    this.speed = positive(opts.speed, 'speed', 1);
    const tickMs = positive(opts.tickMs, 'tickMs', 50);
    const windowMs = positive(opts.windowMs, 'windowMs', 1000);
    this.maxBody = positive(opts.maxBodyBytes, 'maxBodyBytes', 1 << 20, 0, true);
    const invokeTimeoutMs = positive(opts.invokeTimeoutMs, 'invokeTimeoutMs', 60_000);
    this.namespace = opts.namespace ?? 'openfaas-fn';
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(this.namespace)) throw new ConfigError(`twin: namespace must be a DNS label, got ${quote(opts.namespace)}`);
    if (opts.auth !== undefined && opts.auth !== null) {
      const { user, password } = opts.auth;
      if (typeof user !== 'string' || user === '' || typeof password !== 'string' || password === '') throw new ConfigError('twin: auth needs a non-empty user and password');
    }
    this.auth = opts.auth ?? null;
    this.profile = opts.profile ?? 'ce';
    if (!TWIN_PROFILES.includes(this.profile)) throw new ConfigError(`twin: profile must be one of ${TWIN_PROFILES.join(', ')}, got ${quote(opts.profile)}`);
    const maxReplicas = positive(opts.maxReplicas, 'maxReplicas', 100, 0, true);
    if (maxReplicas > 10_000) throw new ConfigError(`twin: maxReplicas must be at most 10000 (every replica is simulated and rendered as a pod), got ${quote(maxReplicas)}`);
    const maxWatches = positive(opts.maxWatches, 'maxWatches', 32, 0, true);
    if (opts.allowRemote !== undefined && typeof opts.allowRemote !== 'boolean') throw new ConfigError(`twin: allowRemote must be a boolean, got ${quote(opts.allowRemote)}`);
    if (!isLoopbackHost(opts.host)) {
      // The Kubernetes API changes Deployments: never serve it to other machines by accident, nor without credentials.
      if (opts.allowRemote !== true) throw new ConfigError(`twin: host ${quote(opts.host)} is not a loopback address; pass allowRemote (--allow-remote) and auth (--password-file) to serve other machines`);
      if (this.auth === null) throw new ConfigError(`twin: a non-loopback host (${quote(opts.host)}) needs auth (--password-file): it guards both the gateway and the Kubernetes API`);
    }
    if (opts.internalLoad !== undefined && typeof opts.internalLoad !== 'boolean') throw new ConfigError(`twin: internalLoad must be a boolean, got ${quote(opts.internalLoad)}`);

    let scenario = resolveTwinScenario(opts.scenario, opts.presetRate === undefined ? {} : { rate: opts.presetRate });
    if (opts.internalLoad === false) {
      scenario = overrideScenario(scenario, {});
      scenario.loads = [];
    }
    this.cluster = new SimCluster(scenario, opts.pcmNoise === undefined ? {} : { pcmNoise: opts.pcmNoise });
    this.nodeInfos = this.cluster.nodes();
    this.model = new TwinModel(this.cluster, this.namespace, { profile: this.profile, maxReplicas });
    const needsDecisions = scenario.workflows.some((w) => w.gated) || scenario.functions.some((f) => f.dispatch === 'invoker' && f.scheduler === 'external');
    this.clock = new TwinClock(this.cluster, {
      speed: this.speed,
      tickMs,
      windowMs,
      onAdvance: () => this.model.sync(),
      onSnapshot: (snap, wallMs) => this.onSnapshot(snap, wallMs),
      onError: (err) => this.report(err),
      ...(needsDecisions ? { decide: (d: DecisionPoint) => this.decide(d) } : {}),
    });
    if (opts.influx !== undefined && opts.influx !== null) {
      const io: InfluxWriterOptions = typeof opts.influx === 'string' ? { url: opts.influx } : { ...opts.influx };
      if (this.profile === 'ce') {
        // A real node: pcm-sensor-server's full field set, delivered by Telegraf one flush_interval (1 simulated s, PCM's template) late.
        io.schema ??= 'pcm-sensor-server';
        io.flushDelayMs ??= 1000 / this.speed;
      }
      const userOnError = io.onError;
      io.onError = (err) => {
        userOnError?.(err);
        this.report(err);
      };
      this.influx = new InfluxWriter(io);
    } else this.influx = null;

    const address = (): string => `${this.opts.host}:${this.boundPort}`;
    this.ctx = {
      profile: this.profile,
      maxWatches,
      watches: 0,
      cluster: this.cluster,
      model: this.model,
      clock: this.clock,
      namespace: this.namespace,
      speed: this.speed,
      get address() {
        return address();
      },
      invokeTimeoutMs,
      render: () => this.renderContext(),
      invocationCount: (fn) => (this.invocations.get(fn) ?? 0) + (this.cluster.engine.fnByName.get(fn)?.win.requests ?? 0),
      lastSnapshot: () => this.clock.lastSnapshot,
      nextCallId: () => `twin-${(++this.callSeq).toString(16).padStart(8, '0')}`,
      nextUid: () => String(++this.uidSeq),
      log: (line) => this.report(new Error(line)),
      track: (cancel) => {
        this.pendingCancels.add(cancel);
        return () => this.pendingCancels.delete(cancel);
      },
    };
    this.gateway = new GatewayApi(this.ctx);
    this.k8s = new KubernetesApi(this.ctx);
    this.server = createServer({ requestTimeout: 0, headersTimeout: 30_000, keepAliveTimeout: 5_000 }, (req, res) => {
      void this.onRequest(req, res);
    });
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server.on('clientError', (err, socket: Socket) => {
      if (socket.writable && !(err as { code?: string }).code?.startsWith('ECONNRESET')) {
        socket.end('HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 12\r\nConnection: close\r\n\r\nbad request\n');
      } else socket.destroy();
    });
  }

  /** Start a twin and wait until it listens. */
  static async start(opts: TwinOptions): Promise<Twin> {
    if (typeof opts !== 'object' || opts === null) throw new ConfigError(`twin: options must be an object, got ${quote(opts)}`);
    const host = opts.host ?? '127.0.0.1';
    const port = opts.port ?? 0;
    if (!Number.isSafeInteger(port) || port < 0 || port > 65535) throw new ConfigError(`twin: port must be an integer in [0, 65535], got ${quote(opts.port)}`);
    const twin = new Twin({ ...opts, host });
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => reject(new ConfigError(`twin: cannot listen on ${host}:${port}: ${err.message}`, { cause: err }));
      twin.server.once('error', onError);
      twin.server.listen(port, host, () => {
        twin.server.off('error', onError);
        twin.server.on('error', (err) => twin.report(err));
        resolve();
      });
    });
    const addr = twin.server.address();
    twin.boundPort = typeof addr === 'object' && addr !== null ? addr.port : port;
    twin.clock.start();
    if (twin.influx) await twin.influx.start();
    return twin;
  }

  /** The port it listens on. */
  get port(): number {
    return this.boundPort;
  }

  /** `http://host:port` (IPv6 hosts in brackets). */
  get url(): string {
    const h = this.opts.host.includes(':') ? `[${this.opts.host}]` : this.opts.host;
    return `http://${h}:${this.boundPort}`;
  }

  /** Simulated time now (the simulator caught up to the wall clock). */
  simTime(): number {
    if (!this.closing) this.clock.catchUp();
    return this.cluster.engine.now;
  }

  /**
   * Every function's declared configuration (image, replicas, limits and
   * requests, envProcess, envVars with max_inflight, nodeSelector, node
   * affinity, labels, annotations, secrets) as canonical JSON: sorted by
   * function name, object keys sorted, two-space indent. Compare the string
   * before and after a client's work; available after close() too.
   */
  functionConfigs(): string {
    if (!this.closing) this.clock.catchUp();
    return this.model.dump();
  }

  /** Set a node's co-located interference (fraction of its cores) from now on. */
  setStress(node: string, level: number): void {
    if (!this.closing) this.clock.catchUp();
    this.cluster.setStress(node, level);
  }

  /** The latest closed metrics window, or null before the first. */
  lastSnapshot(): ClusterSnapshot | null {
    return this.clock.lastSnapshot;
  }

  /** Synchronous invocations waiting for the simulator. */
  get inflight(): number {
    return this.clock.inflight;
  }

  /**
   * Stop: refuse new requests, answer waiting invocations 503, cut hung
   * connections, write the last PCM window, close the simulator. Safe to call
   * twice; the function configuration stays readable.
   */
  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.clock.closeWindow();
    this.clock.stop();
    for (const cancel of [...this.pendingCancels]) cancel();
    for (const res of this.hung) res.destroy();
    this.hung.clear();
    this.server.closeIdleConnections?.();
    // Give answers in flight a moment to leave, then cut what is left.
    await new Promise((r) => setTimeout(r, 20));
    for (const s of this.sockets) s.destroy();
    await closed;
    if (this.influx) await this.influx.close();
    await this.cluster.close();
  }

  // ---------------------------------------------------------------- internals

  private report(err: unknown): void {
    const e = err instanceof Error ? err : new Error(String(err));
    try {
      this.opts.onError?.(e);
    } catch {
      // a listener's failure must not take the twin down
    }
  }

  private onSnapshot(snap: ClusterSnapshot, wallMs: number): void {
    for (const [fn, m] of Object.entries(snap.functions)) this.invocations.set(fn, (this.invocations.get(fn) ?? 0) + m.requests);
    this.influx?.push(snap, this.nodeInfos, wallMs);
  }

  /** Default decisions for scenarios that pause (nobody outside can answer them over HTTP). */
  private decide(d: DecisionPoint): void {
    const engine = this.cluster.engine;
    if (d.kind === 'stage') {
      engine.configureStage(d.id, {});
      return;
    }
    const inv = engine.invokers(d.fn);
    let best = inv[0];
    for (const x of inv) {
      if (!best) best = x;
      else if (x.warm > best.warm || (x.warm === best.warm && x.inflight + x.queued < best.inflight + best.queued)) best = x;
    }
    if (best) engine.route(d.id, best.node);
  }

  private renderContext(): RenderContext {
    const index = new Map(this.nodeInfos.map((n, i) => [n.name, i]));
    return {
      namespace: this.namespace,
      versions: this.versions,
      startedAt: this.startedAt,
      wallIso: (t) => new Date(this.clock.wallMsOf(t)).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      allowed: (cfg) => this.model.allowedNodes(cfg.nodeSelector, cfg.affinityNodes),
      nodeIndex: (name) => index.get(name) ?? -1,
      nodeCount: this.nodeInfos.length,
    };
  }

  private family(path: string): Family {
    if (path === ADMIN_PREFIX || path.startsWith(`${ADMIN_PREFIX}/`)) return 'admin';
    if (KubernetesApi.owns(path)) return 'k8s';
    if (GatewayApi.owns(path)) return 'gateway';
    return 'none';
  }

  private errorReply(err: unknown, family: Family): Reply {
    let e: HttpError;
    if (err instanceof HttpError) e = err;
    else if (err instanceof ConfigError) e = new HttpError(400, err.message);
    else {
      this.report(err);
      e = new HttpError(500, `internal error: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (family === 'k8s') return json(e.status, status(e.status, e.reason as never, e.message, e.details), e.headers);
    if (family === 'admin') return json(e.status, { error: e.message }, e.headers);
    return text(e.status, `${e.message}\n`, e.headers);
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.on('error', () => undefined);
    let family: Family = 'none';
    try {
      const method = (req.method ?? 'GET').toUpperCase();
      let url: URL;
      try {
        url = new URL(req.url ?? '/', 'http://twin.invalid');
      } catch {
        throw new HttpError(400, `malformed request target ${quote(req.url)}`);
      }
      const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
      family = this.family(path);
      if (this.closing) throw new HttpError(503, 'the twin is shutting down', 'ServiceUnavailable', undefined, { Connection: 'close' });
      // With auth, the Kubernetes API needs it too (basic, or the password as a bearer token, as a kubeconfig's `token` sends it).
      const guarded = family === 'admin' || family === 'k8s' || (family === 'gateway' && GatewayApi.needsAuth(path));
      if (this.auth && guarded && !basicAuthOk(req.headers.authorization, this.auth.user, this.auth.password) && !(family === 'k8s' && bearerOk(req.headers.authorization, this.auth.password))) {
        throw new HttpError(401, 'invalid credentials', 'Unauthorized', undefined, { 'WWW-Authenticate': 'Basic realm="Restricted"' });
      }
      const fault = family === 'admin' ? null : this.faults.take(method, path);
      if (fault && fault.when === 'before') {
        if (fault.kind === 'delay') await new Promise((r) => setTimeout(r, fault.delayMs));
        else {
          this.inject(fault, family, req, res, null);
          return;
        }
      }
      let bodyPromise: Promise<Buffer> | null = null;
      const treq: TwinRequest = {
        method, path, url, headers: req.headers,
        body: () => (bodyPromise ??= readBody(req, this.maxBody)),
      };
      this.clock.catchUp();
      let reply: Reply;
      try {
        if (family === 'admin') reply = await this.admin(treq);
        else if (family === 'k8s') reply = await this.k8s.handle(treq);
        else if (family === 'gateway') reply = await this.gateway.handle(treq);
        else throw new HttpError(404, `not found: ${path} (the twin serves the OpenFaaS gateway, the Kubernetes API under /api and /apis, and ${ADMIN_PREFIX}/)`);
      } catch (err) {
        reply = this.errorReply(err, family);
        if (reply.status === 413) reply.headers = { ...reply.headers, Connection: 'close' };
      }
      if (fault && fault.when === 'after') {
        if (fault.kind === 'delay') await new Promise((r) => setTimeout(r, fault.delayMs));
        else {
          reply.abandon?.();
          this.inject(fault, family, req, res, reply);
          return;
        }
      }
      send(res, reply);
    } catch (err) {
      send(res, this.errorReply(err, family));
    }
  }

  /** Carry out a fault instead of the normal answer. */
  private inject(fault: FaultInfo, family: Family, req: IncomingMessage, res: ServerResponse, _reply: Reply | null): void {
    switch (fault.kind) {
      case 'hang':
        this.hung.add(res);
        res.on('close', () => this.hung.delete(res));
        return;
      case 'drop':
        req.socket.destroy();
        return;
      case '409':
        send(res, this.errorReply(new HttpError(409, family === 'k8s'
          ? 'Operation cannot be fulfilled: the object has been modified; please apply your changes to the latest version and try again (injected fault)'
          : 'conflict (injected fault)', 'Conflict'), family));
        return;
      case '429':
        send(res, this.errorReply(new HttpError(429, 'too many requests (injected fault)', 'TooManyRequests', undefined, { 'Retry-After': '1' }), family));
        return;
      case '503':
        send(res, this.errorReply(new HttpError(503, 'service unavailable (injected fault)', 'ServiceUnavailable'), family));
        return;
      case '500':
      default:
        send(res, this.errorReply(new HttpError(500, 'internal error (injected fault)', 'InternalError'), family));
    }
  }

  // ---------------------------------------------------------------- /_twin admin endpoints

  private async admin(req: TwinRequest): Promise<Reply> {
    const { method, path } = req;
    const sub = path.slice(ADMIN_PREFIX.length) || '/';
    if (sub === '/faults') {
      if (method === 'GET') return json(200, this.faults.list());
      if (method === 'DELETE') {
        const n = this.faults.list().length;
        this.faults.clear();
        return json(200, { removed: n });
      }
      if (method === 'POST') {
        const raw = await req.body();
        const spec = parseJson(raw, 'fault');
        const id = this.faults.add(spec as FaultSpec);
        return json(201, { id });
      }
      return json(405, { error: `use GET, POST or DELETE on ${path}` }, { Allow: 'GET, POST, DELETE' });
    }
    const m = /^\/faults\/(\d+)$/.exec(sub);
    if (m) {
      if (method !== 'DELETE') return json(405, { error: `use DELETE on ${path}` }, { Allow: 'DELETE' });
      return this.faults.remove(Number(m[1])) ? json(200, { removed: 1 }) : json(404, { error: `no fault ${m[1] as string}` });
    }
    if (sub === '/function-configs') {
      if (method !== 'GET') return json(405, { error: `use GET on ${path}` }, { Allow: 'GET' });
      return { status: 200, contentType: 'application/json', body: this.model.dump() };
    }
    if (sub === '/status') {
      if (method !== 'GET') return json(405, { error: `use GET on ${path}` }, { Allow: 'GET' });
      return json(200, {
        scenario: this.cluster.scenario.name,
        simulatedTime: this.cluster.engine.now,
        speed: this.speed,
        namespace: this.namespace,
        inflight: this.clock.inflight,
        faults: this.faults.list().filter((f) => f.remaining !== 0).length,
        influx: this.influx ? { database: this.influx.database, ...this.influx.stats } : null,
      });
    }
    if (sub === '/snapshot') {
      if (method !== 'GET') return json(405, { error: `use GET on ${path}` }, { Allow: 'GET' });
      return json(200, this.clock.lastSnapshot);
    }
    if (sub === '/stress') {
      if (method !== 'POST') return json(405, { error: `use POST on ${path}` }, { Allow: 'POST' });
      const raw = await req.body();
      const body = parseJson(raw, 'stress body {node, level}') as { node?: unknown; level?: unknown };
      if (typeof body !== 'object' || body === null || typeof body.node !== 'string' || typeof body.level !== 'number') throw new HttpError(400, 'body must be {node: string, level: number in [0, 1]}');
      this.cluster.setStress(body.node, body.level);
      return json(200, { node: body.node, level: body.level });
    }
    throw new HttpError(404, `no admin endpoint ${path} (faults, function-configs, status, snapshot, stress)`);
  }
}
