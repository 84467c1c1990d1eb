/**
 * The OpenFaaS gateway API of the twin (openfaas/faas `api-docs/spec.openapi.yml`,
 * faas-netes behaviour):
 *
 * - `GET /healthz`, `GET /system/info` (adds `timeScale`: simulated seconds per wall second);
 * - `GET /system/functions[?namespace=]` → FunctionStatus[]; `GET /system/function/{name}`;
 *   `GET /system/namespaces`;
 * - `PUT /system/functions` (FunctionDeployment, 202): limits/requests resize the
 *   function, `envVars` replace its environment (`max_inflight`: the watchdog's
 *   concurrency limit; absent = 0, unlimited), `constraints` (`key=value`) become
 *   the Deployment's nodeSelector — and, as faas-netes does, a PUT without
 *   constraints RESETS the nodeSelector (placement must be re-applied through the
 *   Kubernetes API after every PUT); replicas are kept;
 * - `POST /system/functions` (deploy): the twin's functions are the scenario's,
 *   so deploying an existing name is 409 and a new one 501; `DELETE` is 501;
 * - `POST /system/scale-function/{name}` (ScaleServiceRequest, 202);
 * - `{any method} /function/{name}[.{namespace}][/path]`: a synchronous
 *   invocation, answered when it ends in the simulator (200 echoing the body;
 *   429 when over `max_inflight`; 502 when it failed; 504 after the invoke
 *   timeout). Header `X-Faasgym-Workflow: <workflow>` runs a whole scenario
 *   workflow instead and answers when the request finishes;
 * - `POST /async-function/{name}[.{namespace}]`: 202 at once, run in the simulator.
 *
 * Basic auth guards `/system/*` (checked by the router). Errors are plain text,
 * as the gateway's are.
 */
import { ConfigError, quote } from '../../core/errors.js';
import type { TwinContext, TwinRequest } from './context.js';
import { CE_MAX_REPLICAS, CE_MIN_REPLICAS } from './profile.js';
import { HttpError, json, parseJson, text, type Reply } from './http.js';
import { FUNCTION_LABEL, type FunctionConfig, type Resources } from './model.js';
import { replicaCounts } from './k8s-deployment.js';
import { memoryMbOf } from './quantity.js';
import { version as packageVersion } from '../../version.js';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `nodeSelector` → faas-netes constraints (`key=value`). */
export function constraintsOf(sel: Record<string, string> | null): string[] {
  return sel === null ? [] : Object.keys(sel).sort().map((k) => `${k}=${sel[k] as string}`);
}

/** faas-netes constraints (`key=value` or `key == value`) → nodeSelector (null when none). */
export function selectorOf(constraints: unknown): Record<string, string> | null {
  if (constraints === undefined || constraints === null) return null;
  if (!Array.isArray(constraints)) throw new HttpError(400, `constraints must be a list of "key=value" strings, got ${quote(constraints)}`);
  const out: Record<string, string> = {};
  for (const c of constraints) {
    if (typeof c !== 'string') throw new HttpError(400, `constraints must be strings, got ${quote(c)}`);
    const m = /^\s*([^=\s]+)\s*==?\s*(.*?)\s*$/.exec(c);
    if (!m) throw new HttpError(400, `constraint ${quote(c)} is not "key=value"`);
    out[m[1] as string] = m[2] as string;
  }
  return Object.keys(out).length === 0 ? null : out;
}

function stringMap(v: unknown, what: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (!isObj(v)) throw new HttpError(400, `${what} must be a map of strings, got ${quote(v)}`);
  for (const [k, x] of Object.entries(v)) if (typeof x !== 'string') throw new HttpError(400, `${what}.${k} must be a string, got ${quote(x)}`);
  return { ...(v as Record<string, string>) };
}

function resourcesOf(v: unknown, what: string): Resources {
  if (v === undefined || v === null) return {};
  if (!isObj(v)) throw new HttpError(400, `${what} must be {memory, cpu}, got ${quote(v)}`);
  const out: Resources = {};
  for (const key of ['cpu', 'memory'] as const) {
    const q = v[key];
    if (q === undefined || q === null || q === '') continue;
    if (typeof q !== 'string') throw new HttpError(400, `${what}.${key} must be a quantity string such as "500m" or "128Mi", got ${quote(q)}`);
    out[key] = q;
  }
  return out;
}

export class GatewayApi {
  constructor(private readonly t: TwinContext) {}

  /** Whether the router should check basic auth for this path. */
  static needsAuth(path: string): boolean {
    return path.startsWith('/system/') || path === '/system';
  }

  static owns(path: string): boolean {
    return path === '/healthz' || path === '/system' || path.startsWith('/system/') || path.startsWith('/function/') || path.startsWith('/async-function/');
  }

  async handle(req: TwinRequest): Promise<Reply> {
    const { method, path } = req;
    if (path === '/healthz') return this.only(method, ['GET', 'HEAD'], () => text(200, 'OK'));
    if (path === '/system/info') return this.only(method, ['GET'], () => json(200, this.info()));
    if (path === '/system/namespaces') return this.only(method, ['GET'], () => json(200, [this.t.namespace]));
    if (path === '/system/functions') {
      switch (method) {
        case 'GET': {
          this.namespaceParam(req.url.searchParams.get('namespace'));
          return json(200, this.t.model.names().map((n) => this.status(n, true)));
        }
        case 'PUT': return this.update(req);
        case 'POST': return this.deploy(req);
        case 'DELETE': return this.remove(req);
        default: return this.methodNotAllowed(method, ['GET', 'PUT', 'POST', 'DELETE']);
      }
    }
    let m = /^\/system\/function\/([^/]+)$/.exec(path);
    if (m) {
      if (method !== 'GET') return this.methodNotAllowed(method, ['GET']);
      const { name } = this.target(m[1] as string, req.url.searchParams.get('namespace'));
      if (!this.t.model.has(name)) throw new HttpError(404, `function ${quote(name)} not found in namespace ${this.t.namespace}`);
      return json(200, this.status(name, false));
    }
    m = /^\/system\/scale-function\/([^/]+)$/.exec(path);
    if (m) {
      if (method !== 'POST') return this.methodNotAllowed(method, ['POST']);
      return this.scale(req, m[1] as string);
    }
    m = /^\/function\/([^/]+)(\/.*)?$/.exec(path);
    if (m) return this.invoke(req, m[1] as string);
    m = /^\/async-function\/([^/]+)(\/.*)?$/.exec(path);
    if (m) {
      if (method !== 'POST') return this.methodNotAllowed(method, ['POST']);
      return this.invokeAsync(req, m[1] as string);
    }
    throw new HttpError(404, `no such gateway endpoint: ${method} ${path}`);
  }

  // ---------------------------------------------------------------- system

  info(): Record<string, unknown> {
    // CE answers as faas-netes' CE build does (provider "faas-netes-ce"); the twin adds timeScale, profile and simulatedTime.
    const provider = this.t.profile === 'ce' ? 'faas-netes-ce' : 'faasgym-twin';
    return {
      provider: { provider, orchestration: 'kubernetes', version: { release: packageVersion(), sha: 'twin', commit_message: 'faasgym digital twin' } },
      twinProfile: this.t.profile,
      version: { release: packageVersion(), sha: 'twin', commit_message: 'faasgym digital twin' },
      arch: 'x86_64',
      timeScale: this.t.speed,
      simulatedTime: this.t.cluster.engine.now,
    };
  }

  /**
   * The FunctionStatus of one function. CE (faas-netes pkg/k8s/function_status.go
   * AsFunctionStatus): no envVars, constraints, readOnlyRootFilesystem or usage;
   * labels and annotations are the pod template's; a resource pair with one half
   * set shows the other as "0"; invocationCount is 0 except on the list
   * endpoint, which the gateway's metrics handler fills in from Prometheus
   * (openfaas/faas gateway/metrics/add_metrics.go wraps only the list).
   */
  status(name: string, fromList = false): Record<string, unknown> {
    const view = this.t.model.view(name);
    const cfg = view.config;
    const counts = replicaCounts(view, this.t.model.allowedNodes(cfg.nodeSelector, cfg.affinityNodes));
    if (this.t.profile === 'ce') {
      const pair = (r: Resources): Resources | undefined => (r.cpu === undefined && r.memory === undefined ? undefined : { memory: r.memory ?? '0', cpu: r.cpu ?? '0' });
      const out: Record<string, unknown> = {
        name,
        image: cfg.image,
        namespace: this.t.namespace,
        invocationCount: fromList ? this.t.invocationCount(name) : 0,
        replicas: cfg.replicas,
        availableReplicas: counts.ready,
        labels: { ...cfg.templateLabels },
        annotations: { ...cfg.templateAnnotations },
        secrets: [...cfg.secrets],
        createdAt: this.t.render().startedAt,
      };
      const lim = pair(cfg.limits), req = pair(cfg.requests);
      if (req) out.requests = req;
      if (lim) out.limits = lim;
      if (cfg.envProcess !== '') out.envProcess = cfg.envProcess;
      return out;
    }
    const fn = this.t.model.simFn(name);
    const snap = this.t.lastSnapshot();
    const live = view.replicas.filter((r) => r.phase !== 'draining').length;
    const memPer = Math.min(fn.spec.memoryFootprintMb, memoryMbOf(cfg.limits.memory ?? cfg.requests.memory ?? '0'));
    return {
      name,
      image: cfg.image,
      namespace: this.t.namespace,
      envProcess: cfg.envProcess,
      envVars: { ...cfg.envVars },
      constraints: constraintsOf(cfg.nodeSelector),
      secrets: [...cfg.secrets],
      labels: { ...cfg.labels },
      annotations: { ...cfg.annotations },
      limits: { ...cfg.limits },
      requests: { ...cfg.requests },
      readOnlyRootFilesystem: cfg.readOnlyRootFilesystem,
      invocationCount: this.t.invocationCount(name),
      replicas: cfg.replicas,
      availableReplicas: counts.ready,
      createdAt: this.t.render().startedAt,
      usage: {
        cpu: Math.round((snap?.functions[name]?.cpuCores ?? 0) * 1000),
        totalMemoryBytes: Math.round(live * memPer * 1048576),
      },
    };
  }

  private async update(req: TwinRequest): Promise<Reply> {
    if (this.t.profile === 'ce') return this.updateCe(req);
    const body = parseJson(await req.body(), 'FunctionDeployment');
    if (!isObj(body)) throw new HttpError(400, 'the body must be a FunctionDeployment object');
    const name = body.service;
    if (typeof name !== 'string' || name === '') throw new HttpError(400, 'service (the function name) is required');
    if (typeof body.image !== 'string' || body.image === '') throw new HttpError(400, 'image is required');
    this.namespaceParam(body.namespace === undefined ? null : body.namespace);
    if (!this.t.model.has(name)) throw new HttpError(404, `function ${quote(name)} not found in namespace ${this.t.namespace}`);
    if (body.secrets !== undefined && body.secrets !== null && (!Array.isArray(body.secrets) || body.secrets.some((s) => typeof s !== 'string'))) {
      throw new HttpError(400, 'secrets must be a list of names');
    }
    if (body.envProcess !== undefined && body.envProcess !== null && typeof body.envProcess !== 'string') throw new HttpError(400, 'envProcess must be a string');
    const cur = this.t.model.config(name) as FunctionConfig;
    const labels = { ...stringMap(body.labels, 'labels'), [FUNCTION_LABEL]: name };
    const annotations = stringMap(body.annotations, 'annotations');
    const next: FunctionConfig = {
      ...cur,
      image: body.image,
      envProcess: typeof body.envProcess === 'string' ? body.envProcess : '',
      envVars: stringMap(body.envVars, 'envVars'),
      labels,
      templateLabels: { ...labels },
      annotations,
      templateAnnotations: { ...annotations },
      limits: resourcesOf(body.limits, 'limits'),
      requests: resourcesOf(body.requests, 'requests'),
      nodeSelector: selectorOf(body.constraints), // faas-netes: an update resets the nodeSelector
      secrets: Array.isArray(body.secrets) ? [...(body.secrets as string[])] : [],
      readOnlyRootFilesystem: body.readOnlyRootFilesystem === true,
    };
    try {
      await this.t.model.update(name, next);
    } catch (err) {
      if (err instanceof ConfigError) throw new HttpError(400, err.message);
      throw err;
    }
    return text(202, '');
  }

  /**
   * `PUT /system/functions` as faas-netes CE does it (pkg/handlers/update.go
   * updateDeploymentSpec): the container's env becomes exactly `fprocess` +
   * `envVars`, the security context follows `readOnlyRootFilesystem`, the
   * nodeSelector is reset to `{}`, the pod template labels become
   * `faas_function`, a fresh `uid` and the request's labels (whose
   * `com.openfaas.scale.min` also sets the replicas), the Deployment's and the
   * template's annotations become the request's (buildAnnotations adds
   * `prometheus.io.scrape: "false"`), resources come from the request. A
   * failure after the body was read (a bad quantity, an update the Kubernetes
   * API refuses) is only logged: the handler returns without writing a status,
   * so the client sees 200 with an empty body and nothing changed.
   */
  private async updateCe(req: TwinRequest): Promise<Reply> {
    const body = parseJson(await req.body(), 'FunctionDeployment');
    if (!isObj(body)) throw new HttpError(400, 'unable to unmarshal request: the body must be a FunctionDeployment object');
    const name = body.service;
    if (typeof name !== 'string' || name === '') throw new HttpError(400, 'validation failed: service: (the function name) is required');
    if (typeof body.image !== 'string' || body.image === '') throw new HttpError(400, 'validation failed: image: is required');
    if (body.namespace !== undefined && body.namespace !== '' && body.namespace !== this.t.namespace) throw new HttpError(400, `namespace must be: ${this.t.namespace}`);
    if (!this.t.model.has(name)) throw new HttpError(404, `unable update Deployment: ${name}.${this.t.namespace}, error: deployments.apps "${name}" not found`);
    const silentFailure = (why: string): Reply => {
      this.t.log(`error updating deployment: ${name}.${this.t.namespace}, error: ${why}`);
      return { status: 200, contentType: 'text/plain; charset=utf-8', body: '' };
    };
    let next: FunctionConfig;
    try {
      const cur = this.t.model.config(name) as FunctionConfig;
      const reqLabels = stringMap(body.labels, 'labels');
      const templateLabels: Record<string, string> = { [FUNCTION_LABEL]: name, uid: this.t.nextUid(), ...reqLabels };
      const annotations = { 'prometheus.io.scrape': 'false', ...stringMap(body.annotations, 'annotations') };
      const min = Number(reqLabels['com.openfaas.scale.min']);
      next = {
        ...cur,
        image: body.image,
        envProcess: typeof body.envProcess === 'string' ? body.envProcess : '',
        envVars: stringMap(body.envVars, 'envVars'),
        templateLabels,
        annotations,
        templateAnnotations: { ...annotations },
        limits: resourcesOf(body.limits, 'limits'),
        requests: resourcesOf(body.requests, 'requests'),
        nodeSelector: null,
        secrets: Array.isArray(body.secrets) ? (body.secrets as unknown[]).map(String) : [],
        readOnlyRootFilesystem: body.readOnlyRootFilesystem === true,
        ...(Number.isSafeInteger(min) && min > 0 ? { replicas: min } : {}),
      };
      await this.t.model.update(name, next);
    } catch (err) {
      if (err instanceof ConfigError || err instanceof HttpError) return silentFailure(err.message);
      throw err;
    }
    return text(202, '');
  }

  private async deploy(req: TwinRequest): Promise<Reply> {
    const body = parseJson(await req.body(), 'FunctionDeployment');
    if (!isObj(body) || typeof body.service !== 'string' || body.service === '') throw new HttpError(400, 'service (the function name) is required');
    if (this.t.model.has(body.service)) throw new HttpError(409, `function ${quote(body.service)} already exists; update it with PUT /system/functions`);
    throw new HttpError(501, `the twin serves the scenario's functions (${this.t.model.names().join(', ')}); it cannot deploy ${quote(body.service)}`);
  }

  private async remove(req: TwinRequest): Promise<Reply> {
    const body = parseJson(await req.body(), 'DeleteFunctionRequest');
    const name = isObj(body) ? body.functionName : undefined;
    if (typeof name !== 'string' || name === '') throw new HttpError(400, 'functionName is required');
    if (!this.t.model.has(name)) throw new HttpError(404, `function ${quote(name)} not found in namespace ${this.t.namespace}`);
    throw new HttpError(501, `the twin serves the scenario's functions; it cannot delete ${quote(name)} (scale it to 0 instead)`);
  }

  private async scale(req: TwinRequest, rawName: string): Promise<Reply> {
    const { name } = this.target(rawName, req.url.searchParams.get('namespace'));
    const body = parseJson(await req.body(), 'ScaleServiceRequest');
    if (!isObj(body)) throw new HttpError(400, 'the body must be a ScaleServiceRequest {serviceName, namespace, replicas}');
    if (body.serviceName !== undefined && body.serviceName !== '' && body.serviceName !== name) {
      throw new HttpError(400, `serviceName ${quote(body.serviceName)} does not match the path's ${quote(name)}`);
    }
    if (body.namespace !== undefined && body.namespace !== '') this.namespaceParam(body.namespace);
    let replicas = body.replicas;
    if (this.t.profile === 'ce') {
      // The CE gateway clamps scale requests to 1–5 before faas-netes sees them (openfaas/faas gateway/scaling/ranges.go).
      if (typeof replicas !== 'number' || !Number.isFinite(replicas)) throw new HttpError(400, 'Error unmarshalling request body');
      replicas = Math.min(CE_MAX_REPLICAS, Math.max(CE_MIN_REPLICAS, Math.floor(replicas)));
    }
    if (typeof replicas !== 'number' || !Number.isSafeInteger(replicas) || replicas < 0) throw new HttpError(400, `replicas must be a non-negative integer, got ${quote(replicas)}`);
    if (!this.t.model.has(name)) throw new HttpError(404, `function ${quote(name)} not found in namespace ${this.t.namespace}`);
    try {
      await this.t.model.scale(name, replicas);
    } catch (err) {
      if (err instanceof ConfigError) throw new HttpError(400, err.message);
      throw err;
    }
    return text(202, '');
  }

  // ---------------------------------------------------------------- invocations

  private async invoke(req: TwinRequest, rawName: string): Promise<Reply> {
    const { name } = this.target(rawName, null);
    const wfHeader = req.headers['x-faasgym-workflow'];
    const workflow = typeof wfHeader === 'string' && wfHeader !== '' ? wfHeader : null;
    if (!this.t.model.has(name)) throw new HttpError(404, `error finding function ${name}.${this.t.namespace}: not found`);
    if (workflow !== null && !this.t.cluster.engine.workflows.some((w) => w.spec.name === workflow)) {
      throw new HttpError(404, `X-Faasgym-Workflow: no workflow ${quote(workflow)} in the scenario`);
    }
    const body = await req.body();
    const callId = this.t.nextCallId();
    const started = Date.now();
    const fn = this.t.model.simFn(name);
    return new Promise<Reply>((resolve) => {
      let settled = false;
      const finish = (reply: Reply): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        untrack();
        resolve(reply);
      };
      const timer = setTimeout(() => finish(text(504, `function ${name} did not answer within ${this.t.invokeTimeoutMs} ms\n`, { 'X-Call-Id': callId })), this.t.invokeTimeoutMs);
      timer.unref?.();
      const untrack = this.t.track(() => finish(text(503, 'the twin is shutting down\n', { 'X-Call-Id': callId })));
      this.t.clock.invoke(workflow ?? name, (r) => {
        const headers: Record<string, string> = {
          'X-Call-Id': callId,
          'X-Start-Time': String(started * 1_000_000),
          'X-Duration-Seconds': (r.latency / this.t.speed).toFixed(6),
          'X-Faasgym-Simulated-Seconds': r.latency.toFixed(6),
          'X-Faasgym-Cold-Start': r.cold ? 'true' : 'false',
        };
        if (r.outcome === 'ok') {
          const ct = req.headers['content-type'];
          finish({ status: 200, contentType: typeof ct === 'string' && ct !== '' ? ct : 'text/plain; charset=utf-8', body, headers });
        } else if (r.outcome === 'rejected') {
          finish(text(429, `Concurrent request limit exceeded. Max concurrent requests: ${fn.maxInflight}\n`, headers));
        } else {
          const oom = fn.memoryMb < fn.spec.memoryFootprintMb;
          const why = workflow !== null
            ? `workflow ${workflow} failed (a stage ran out of memory, was refused, or found no replica)`
            : oom ? `function ${name} ran out of memory (limit ${fn.memoryMb} MiB < ${fn.spec.memoryFootprintMb} MiB needed)` : `function ${name} has no replica that could serve the request`;
          finish(text(502, `${why}\n`, headers));
        }
      });
    });
  }

  private async invokeAsync(req: TwinRequest, rawName: string): Promise<Reply> {
    const { name } = this.target(rawName, null);
    if (!this.t.model.has(name)) throw new HttpError(404, `error finding function ${name}.${this.t.namespace}: not found`);
    await req.body();
    const callId = this.t.nextCallId();
    this.t.clock.invoke(name, () => undefined);
    return text(202, '', { 'X-Call-Id': callId, 'X-Start-Time': String(Date.now() * 1_000_000) });
  }

  // ---------------------------------------------------------------- helpers

  /** `{name}` or `{name}.{namespace}` (plus an optional ?namespace=); 404 for another namespace. */
  private target(raw: string, nsParam: string | null): { name: string } {
    let name: string;
    try {
      name = decodeURIComponent(raw);
    } catch {
      throw new HttpError(400, `malformed function name ${quote(raw)}`);
    }
    const dot = name.lastIndexOf('.');
    if (dot > 0 && !this.t.model.has(name)) {
      const ns = name.slice(dot + 1);
      if (ns !== this.t.namespace) throw new HttpError(404, `error finding function ${name}: namespace ${quote(ns)} is not served (functions live in ${this.t.namespace})`);
      name = name.slice(0, dot);
    }
    if (nsParam !== null && nsParam !== '' && nsParam !== this.t.namespace) {
      throw new HttpError(404, `error finding function ${name}.${nsParam}: namespace ${quote(nsParam)} is not served (functions live in ${this.t.namespace})`);
    }
    return { name };
  }

  private namespaceParam(ns: unknown): void {
    if (ns === null || ns === undefined || ns === '') return;
    if (ns !== this.t.namespace) throw new HttpError(400, `namespace ${quote(ns)} is not served by the twin (functions live in ${this.t.namespace})`);
  }

  private only(method: string, allowed: string[], run: () => Reply): Reply {
    if (!allowed.includes(method)) return this.methodNotAllowed(method, allowed);
    return run();
  }

  private methodNotAllowed(method: string, allowed: string[]): Reply {
    return text(405, `method ${method} not allowed here; use ${allowed.join(', ')}\n`, { Allow: allowed.join(', ') });
  }
}
