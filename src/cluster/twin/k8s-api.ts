/**
 * The Kubernetes API subset the twin serves (what the kubernetes backend,
 * `kubectl get/scale/patch/rollout status` and `@kubernetes/client-node` use):
 *
 * - discovery: `/version`, `/api`, `/api/v1`, `/apis` (a plain APIGroupList),
 *   `/apis/apps`, `/apis/apps/v1`;
 * - `GET /api/v1/nodes[/{name}]`, `/api/v1/namespaces[/{ns}]`,
 *   `/api/v1/pods`, `/api/v1/namespaces/{ns}/pods[/{name}]`;
 * - `GET /apis/apps/v1/deployments`, `/apis/apps/v1/namespaces/{ns}/deployments`;
 * - `GET | PATCH | PUT /apis/apps/v1/namespaces/{ns}/deployments/{name}` and
 *   `.../{name}/scale`, `GET .../{name}/status`. PATCH takes merge, strategic
 *   merge and JSON patches; `?dryRun=All` validates and changes nothing; a
 *   `metadata.resourceVersion` in the body must match (else 409 Conflict).
 *
 * Lists honour `labelSelector`, `fieldSelector` (metadata.name,
 * metadata.namespace, spec.nodeName, status.phase), `limit` and `continue`.
 * `Accept: ...;as=Table` gets kubectl's server-side Table. `?watch=true` on a
 * collection streams ADDED/MODIFIED/DELETED events (polled every 100 ms), so
 * `kubectl rollout status` and `get -w` work. Errors are `Status` objects. Changes the twin does not model
 * are accepted and reported in a `Warning` header (kubectl prints it).
 */
import { ConfigError, quote } from '../../core/errors.js';
import type { TwinContext, TwinRequest } from './context.js';
import { HttpError, json, parseJson, type Reply } from './http.js';
import { apiGroup, apiGroupList, apiVersions, appsResources, coreResources, versionInfo } from './k8s-discovery.js';
import { deploymentSpec, renderDeployment, renderScale } from './k8s-deployment.js';
import { configFromDeployment, diffPaths } from './k8s-deployment-update.js';
import { status } from './k8s-meta.js';
import { renderNamespace, renderNode } from './k8s-nodes.js';
import { renderPods } from './k8s-pods.js';
import { toTable } from './k8s-table.js';
import { InvalidUpdate, type FunctionConfig } from './model.js';
import { applyPatch, PatchError, patchTypeOf, type Json } from './patch.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Namespaces the twin reports; functions live in its function namespace. */
function namespaces(fnNamespace: string): string[] {
  return [...new Set(['default', 'kube-system', 'openfaas', fnNamespace])].sort();
}

// ---------------------------------------------------------------- selectors

type Requirement = (labels: Record<string, string>) => boolean;

/** Kubernetes label selector (equality- and set-based); HttpError 400 when malformed. */
export function parseLabelSelector(sel: string): Requirement[] {
  const parts: string[] = [];
  let depth = 0, cur = '';
  for (const ch of sel) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur.trim() !== '' || parts.length > 0) parts.push(cur);
  const key = '([A-Za-z0-9][-A-Za-z0-9_./]*)';
  return parts.map((raw) => {
    const p = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = new RegExp(`^${key}\\s+(in|notin)\\s+\\(([^)]*)\\)$`).exec(p))) {
      const k = m[1] as string, op = m[2] as string;
      const values = (m[3] as string).split(',').map((v) => v.trim()).filter((v) => v !== '');
      return op === 'in' ? (l) => l[k] !== undefined && values.includes(l[k] as string) : (l) => l[k] === undefined || !values.includes(l[k] as string);
    }
    if ((m = new RegExp(`^${key}\\s*(==|=|!=)\\s*([-A-Za-z0-9_.]*)$`).exec(p))) {
      const k = m[1] as string, op = m[2] as string, v = m[3] as string;
      return op === '!=' ? (l) => l[k] !== v : (l) => l[k] === v;
    }
    if ((m = new RegExp(`^!\\s*${key}$`).exec(p))) {
      const k = m[1] as string;
      return (l) => l[k] === undefined;
    }
    if ((m = new RegExp(`^${key}$`).exec(p))) {
      const k = m[1] as string;
      return (l) => l[k] !== undefined;
    }
    throw new HttpError(400, `unable to parse requirement ${quote(p)} of labelSelector ${quote(sel)}`);
  });
}

const FIELDS: Record<string, (o: Obj) => string | undefined> = {
  'metadata.name': (o) => (o.metadata as Obj)?.name as string | undefined,
  'metadata.namespace': (o) => (o.metadata as Obj)?.namespace as string | undefined,
  'spec.nodeName': (o) => ((o.spec as Obj)?.nodeName as string | undefined) ?? '',
  'status.phase': (o) => (o.status as Obj)?.phase as string | undefined,
};

export function parseFieldSelector(sel: string): ((o: Obj) => boolean)[] {
  return sel.split(',').filter((p) => p.trim() !== '').map((raw) => {
    const m = /^\s*([A-Za-z.]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(raw);
    if (!m) throw new HttpError(400, `invalid fieldSelector ${quote(raw)}`);
    const get = FIELDS[m[1] as string];
    if (!get) throw new HttpError(400, `field label not supported: ${m[1] as string} (supported: ${Object.keys(FIELDS).join(', ')})`);
    const v = m[3] as string;
    return m[2] === '!=' ? (o) => get(o) !== v : (o) => get(o) === v;
  });
}

// ---------------------------------------------------------------- the API

export class KubernetesApi {
  constructor(private readonly t: TwinContext) {}

  static owns(path: string): boolean {
    return path === '/version' || path === '/api' || path.startsWith('/api/') || path === '/apis' || path.startsWith('/apis/')
      || path === '/openapi/v2' || path.startsWith('/openapi/') || path === '/livez' || path === '/readyz';
  }

  async handle(req: TwinRequest): Promise<Reply> {
    const { method, path } = req;
    const get = (make: () => unknown): Reply => {
      if (method !== 'GET' && method !== 'HEAD') throw this.methodNotAllowed(method);
      return json(200, make());
    };
    const watching = ['true', '1'].includes(req.url.searchParams.get('watch') ?? '');
    /** A collection: a list, or a watch on it. */
    const collection = (kind: 'Deployment' | 'Pod' | 'Node' | 'Namespace', objs: () => Obj[]): Reply => {
      if (method !== 'GET' && method !== 'HEAD') throw this.methodNotAllowed(method);
      return watching ? this.watch(req, kind, objs) : json(200, this.list(req, kind, objs()));
    };
    switch (path) {
      case '/version': return get(versionInfo);
      case '/api': return get(() => apiVersions(this.t.address));
      case '/api/v1': return get(coreResources);
      case '/apis': return get(apiGroupList);
      case '/apis/apps': return get(apiGroup);
      case '/apis/apps/v1': return get(appsResources);
      case '/livez':
      case '/readyz': return { status: 200, contentType: 'text/plain; charset=utf-8', body: 'ok' };
      default: break;
    }
    if (path.startsWith('/openapi/')) throw new HttpError(404, 'the twin serves no OpenAPI documents', 'NotFound');
    const seg = path.split('/').slice(1).map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        throw new HttpError(400, `malformed path ${quote(path)}`);
      }
    });
    // /api/v1/...
    if (seg[0] === 'api' && seg[1] === 'v1') {
      const rest = seg.slice(2);
      if (rest.length === 1 && rest[0] === 'nodes') return collection('Node', () => this.nodes());
      if (rest.length === 2 && rest[0] === 'nodes') return get(() => this.one(req, 'Node', this.nodes(), rest[1] as string, 'nodes', ''));
      if (rest.length === 1 && rest[0] === 'pods') return collection('Pod', () => this.pods());
      if (rest.length === 1 && rest[0] === 'namespaces') return collection('Namespace', () => this.namespaces());
      if (rest.length === 2 && rest[0] === 'namespaces') return get(() => this.one(req, 'Namespace', this.namespaces(), rest[1] as string, 'namespaces', ''));
      if (rest.length >= 3 && rest[0] === 'namespaces') {
        const ns = rest[1] as string;
        if (rest[2] === 'pods' && rest.length === 3) return collection('Pod', () => this.pods(ns));
        if (rest[2] === 'pods' && rest.length === 4) return get(() => this.one(req, 'Pod', this.pods(ns), rest[3] as string, 'pods', ''));
      }
    }
    // /apis/apps/v1/...
    if (seg[0] === 'apis' && seg[1] === 'apps' && seg[2] === 'v1') {
      const rest = seg.slice(3);
      if (rest.length === 1 && rest[0] === 'deployments') return collection('Deployment', () => this.deployments());
      if (rest.length >= 3 && rest[0] === 'namespaces' && rest[2] === 'deployments') {
        const ns = rest[1] as string;
        if (rest.length === 3) {
          if (method === 'GET' || method === 'HEAD') return collection('Deployment', () => this.deployments(ns));
          throw this.methodNotAllowed(method, 'the twin serves the scenario\'s deployments; it cannot create or delete them');
        }
        const name = rest[3] as string;
        const sub = rest[4];
        if (rest.length === 4) return this.deployment(req, ns, name);
        if (rest.length === 5 && sub === 'scale') return this.scale(req, ns, name);
        if (rest.length === 5 && sub === 'status') return get(() => this.deploymentObj(ns, name));
      }
    }
    throw new HttpError(404, 'the server could not find the requested resource', 'NotFound');
  }

  // ---------------------------------------------------------------- objects

  private nodes(): Obj[] {
    const ctx = this.t.render();
    return this.t.cluster.nodes().map((n, i) => renderNode(n, i, ctx));
  }

  private namespaces(): Obj[] {
    const ctx = this.t.render();
    return namespaces(this.t.namespace).map((n) => renderNamespace(n, ctx));
  }

  private deployments(ns?: string): Obj[] {
    if (ns !== undefined && ns !== this.t.namespace) return [];
    const ctx = this.t.render();
    return this.t.model.names().sort().map((n) => renderDeployment(this.t.model.view(n), ctx));
  }

  private pods(ns?: string): Obj[] {
    if (ns !== undefined && ns !== this.t.namespace) return [];
    const ctx = this.t.render();
    return this.t.model.names().sort().flatMap((n) => renderPods(this.t.model.view(n), ctx));
  }

  private deploymentObj(ns: string, name: string): Obj {
    if (ns !== this.t.namespace || !this.t.model.has(name)) {
      throw new HttpError(404, `deployments.apps ${quote(name)} not found`, 'NotFound', { name, group: 'apps', kind: 'deployments' });
    }
    return renderDeployment(this.t.model.view(name), this.t.render());
  }

  // ---------------------------------------------------------------- reads

  private wantsTable(req: TwinRequest): boolean {
    const accept = req.headers.accept;
    return typeof accept === 'string' && /as=Table/.test(accept);
  }

  private list(req: TwinRequest, kind: 'Deployment' | 'Pod' | 'Node' | 'Namespace', objs: Obj[]): unknown {
    const q = req.url.searchParams;
    const ls = q.get('labelSelector');
    const fs = q.get('fieldSelector');
    let items = objs;
    if (ls) {
      const reqs = parseLabelSelector(ls);
      items = items.filter((o) => {
        const labels = ((o.metadata as Obj).labels ?? {}) as Record<string, string>;
        return reqs.every((r) => r(labels));
      });
    }
    if (fs) {
      const reqs = parseFieldSelector(fs);
      items = items.filter((o) => reqs.every((r) => r(o)));
    }
    const rv = this.t.render().versions.current;
    let offset = 0;
    const cont = q.get('continue');
    if (cont) {
      try {
        const parsed = JSON.parse(Buffer.from(cont, 'base64url').toString('utf8')) as { offset?: unknown };
        if (typeof parsed.offset !== 'number' || !Number.isSafeInteger(parsed.offset) || parsed.offset < 0) throw new Error('bad offset');
        offset = parsed.offset;
      } catch {
        throw new HttpError(400, `invalid continue token ${quote(cont)}`);
      }
    }
    const limitRaw = q.get('limit');
    let limit = Infinity;
    if (limitRaw !== null && limitRaw !== '' && limitRaw !== '0') {
      limit = Number(limitRaw);
      if (!Number.isSafeInteger(limit) || limit < 0) throw new HttpError(400, `invalid limit ${quote(limitRaw)}`);
    }
    const page = items.slice(offset, offset + limit);
    const next = offset + page.length;
    const metadata: Obj = { resourceVersion: rv };
    if (next < items.length) {
      metadata.continue = Buffer.from(JSON.stringify({ offset: next })).toString('base64url');
      metadata.remainingItemCount = items.length - next;
    }
    if (this.wantsTable(req)) {
      const table = toTable(kind, page, rv, q.get('includeObject') ?? 'Metadata', Date.now());
      (table.metadata as Obj) = metadata;
      return table;
    }
    return {
      kind: `${kind}List`,
      apiVersion: kind === 'Deployment' ? 'apps/v1' : 'v1',
      metadata,
      items: page.map(({ kind: _k, apiVersion: _a, ...rest }) => rest),
    };
  }

  /**
   * A watch, by polling the rendered objects every 100 ms: ADDED, MODIFIED and
   * DELETED events as JSON lines, from `resourceVersion` on (all objects as
   * ADDED when it is absent or 0), until `timeoutSeconds` (default 1800).
   */
  private watch(req: TwinRequest, kind: 'Deployment' | 'Pod' | 'Node' | 'Namespace', objs: () => Obj[]): Reply {
    const q = req.url.searchParams;
    const ls = q.get('labelSelector'), fs = q.get('fieldSelector');
    const labelReqs = ls ? parseLabelSelector(ls) : [];
    const fieldReqs = fs ? parseFieldSelector(fs) : [];
    const rvRaw = q.get('resourceVersion');
    const since = rvRaw === null || rvRaw === '' || rvRaw === '0' ? null : Number(rvRaw);
    if (since !== null && !Number.isSafeInteger(since)) throw new HttpError(400, `invalid resourceVersion ${quote(rvRaw)}`);
    const timeoutRaw = q.get('timeoutSeconds');
    const timeoutS = timeoutRaw === null ? 1800 : Number(timeoutRaw);
    if (!(timeoutS > 0) || !Number.isFinite(timeoutS)) throw new HttpError(400, `invalid timeoutSeconds ${quote(timeoutRaw)}`);
    const table = this.wantsTable(req);
    const include = q.get('includeObject') ?? 'Metadata';
    const select = (): Obj[] => objs().filter((o) => {
      const labels = ((o.metadata as Obj).labels ?? {}) as Record<string, string>;
      return labelReqs.every((r) => r(labels)) && fieldReqs.every((r) => r(o));
    });
    select(); // selectors and the listing are checked before the stream starts
    if (this.t.watches >= this.t.maxWatches) {
      // Each watch polls the whole collection every 100 ms: a bounded number keeps the twin responsive.
      throw new HttpError(429, `too many watches: at most ${this.t.maxWatches} may be open at once; close one or retry later`, 'TooManyRequests', undefined, { 'Retry-After': '1' });
    }
    this.t.watches++;
    let counted = true;
    const release = (): void => {
      if (counted) this.t.watches--;
      counted = false;
    };
    return {
      status: 200,
      contentType: 'application/json',
      body: '',
      abandon: release,
      stream: (res) => {
        const sent = new Map<string, { rv: string; obj: Obj }>();
        let first = true;
        const emit = (type: string, o: Obj): void => {
          const object = table ? toTable(kind, [o], String((o.metadata as Obj).resourceVersion), include, Date.now()) : o;
          res.write(`${JSON.stringify({ type, object })}\n`);
        };
        const poll = (): void => {
          if (res.writableEnded || res.destroyed) return;
          try {
            this.t.clock.catchUp();
            const now = select();
            const names = new Set<string>();
            for (const o of now) {
              const name = String((o.metadata as Obj).name);
              const rv = String((o.metadata as Obj).resourceVersion);
              names.add(name);
              const prev = sent.get(name);
              if (first) {
                if (since === null) emit('ADDED', o);
                else if (Number(rv) > since) emit('MODIFIED', o);
              } else if (!prev) emit('ADDED', o);
              else if (prev.rv !== rv) emit('MODIFIED', o);
              sent.set(name, { rv, obj: o });
            }
            for (const [name, prev] of [...sent]) {
              if (names.has(name)) continue;
              sent.delete(name);
              emit('DELETED', prev.obj);
            }
            first = false;
          } catch (err) {
            res.write(`${JSON.stringify({ type: 'ERROR', object: status(500, 'InternalError', err instanceof Error ? err.message : String(err)) })}\n`);
            stop();
          }
        };
        const interval = setInterval(poll, 100);
        const timer = setTimeout(() => stop(), timeoutS * 1000);
        interval.unref?.();
        timer.unref?.();
        const untrack = this.t.track(() => stop());
        function stop(): void {
          release();
          clearInterval(interval);
          clearTimeout(timer);
          untrack();
          if (!res.writableEnded && !res.destroyed) res.end();
        }
        res.on('close', stop);
        poll();
      },
    };
  }

  private one(req: TwinRequest, kind: 'Deployment' | 'Pod' | 'Node' | 'Namespace', objs: Obj[], name: string, resource: string, group: string): unknown {
    const o = objs.find((x) => (x.metadata as Obj).name === name);
    if (!o) throw new HttpError(404, `${resource}${group ? `.${group}` : ''} ${quote(name)} not found`, 'NotFound', { name, ...(group ? { group } : {}), kind: resource });
    if (this.wantsTable(req)) return toTable(kind, [o], (o.metadata as Obj).resourceVersion as string, req.url.searchParams.get('includeObject') ?? 'Metadata', Date.now());
    return o;
  }

  // ---------------------------------------------------------------- deployments

  private async deployment(req: TwinRequest, ns: string, name: string): Promise<Reply> {
    switch (req.method) {
      case 'GET':
      case 'HEAD':
        return json(200, this.one(req, 'Deployment', ns === this.t.namespace && this.t.model.has(name) ? [this.deploymentObj(ns, name)] : [], name, 'deployments', 'apps'));
      case 'PATCH':
      case 'PUT': {
        const current = this.deploymentObj(ns, name);
        const input = await this.jsonBody(req);
        let next: Json;
        if (req.method === 'PUT') {
          if (!isObj(input)) throw new HttpError(400, 'the body must be a Deployment object');
          // Without a resourceVersion the API server makes an unconditional update (Deployments allow it).
          next = input;
        } else next = this.patch(req, current as Json, input);
        this.checkVersion(next, current, name, 'deployments.apps');
        const view = this.t.model.view(name);
        let cfg: FunctionConfig;
        try {
          cfg = this.t.model.validate(name, configFromDeployment(next, view.config, this.t.cluster.nodes(), this.t.namespace));
        } catch (err) {
          throw this.invalid(err, name, 'Deployment');
        }
        const warnings = this.ignored(next, cfg);
        const dryRun = this.dryRun(req);
        let result;
        try {
          result = await this.t.model.update(name, cfg, { dryRun });
        } catch (err) {
          throw this.invalid(err, name, 'Deployment');
        }
        warnings.push(...result.warnings);
        const body = dryRun ? { ...current, metadata: { ...(current.metadata as Obj), labels: cfg.labels }, spec: deploymentSpec(cfg) } : this.deploymentObj(ns, name);
        return json(200, body, this.warningHeader(warnings));
      }
      default:
        throw this.methodNotAllowed(req.method, 'the twin does not create or delete deployments');
    }
  }

  private async scale(req: TwinRequest, ns: string, name: string): Promise<Reply> {
    const obj = this.deploymentObj(ns, name);
    const view = this.t.model.view(name);
    const current = renderScale(view, this.t.render());
    if (req.method === 'GET' || req.method === 'HEAD') return json(200, current);
    if (req.method !== 'PATCH' && req.method !== 'PUT') throw this.methodNotAllowed(req.method);
    const input = await this.jsonBody(req);
    const next = req.method === 'PUT' ? input : this.patch(req, current as Json, input);
    if (!isObj(next)) throw new HttpError(400, 'the body must be a Scale object');
    this.checkVersion(next, obj, name, 'deployments.apps');
    const spec = isObj(next.spec) ? next.spec : {};
    const replicas = spec.replicas ?? 0;
    if (typeof replicas !== 'number' || !Number.isSafeInteger(replicas) || replicas < 0) {
      throw new HttpError(422, `Scale.autoscaling ${quote(name)} is invalid: spec.replicas: Invalid value: ${JSON.stringify(spec.replicas)}: must be greater than or equal to 0`, 'Invalid', { name, group: 'autoscaling', kind: 'Scale' });
    }
    const dryRun = this.dryRun(req);
    let result;
    try {
      result = await this.t.model.scale(name, replicas, { dryRun });
    } catch (err) {
      throw this.invalid(err, name, 'Scale');
    }
    const after = dryRun ? { ...current, spec: { replicas } } : renderScale(this.t.model.view(name), this.t.render());
    return json(200, after, this.warningHeader(result.warnings));
  }

  // ---------------------------------------------------------------- helpers

  private async jsonBody(req: TwinRequest): Promise<Json> {
    const raw = await req.body();
    try {
      return parseJson(raw) as Json;
    } catch (err) {
      if (err instanceof HttpError) throw new HttpError(400, err.message, 'BadRequest');
      throw err;
    }
  }

  private patch(req: TwinRequest, current: Json, patch: Json): Json {
    const type = patchTypeOf(req.headers['content-type']);
    if (type === null) {
      throw new HttpError(415, `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got ${quote(req.headers['content-type'] ?? '')})`, 'UnsupportedMediaType');
    }
    try {
      return applyPatch(type, current, patch);
    } catch (err) {
      if (err instanceof PatchError) throw new HttpError(err.malformed ? 400 : 422, err.message, err.malformed ? 'BadRequest' : 'Invalid');
      throw err;
    }
  }

  /** Optimistic concurrency: a resourceVersion in the new object must be the current one. */
  private checkVersion(next: Json, current: Obj, name: string, resource: string): void {
    const meta = isObj(next) && isObj(next.metadata) ? next.metadata : {};
    const want = meta.resourceVersion;
    const have = (current.metadata as Obj).resourceVersion;
    if (want !== undefined && want !== null && want !== '' && String(want) !== have) {
      throw new HttpError(409, `Operation cannot be fulfilled on ${resource} ${quote(name)}: the object has been modified; please apply your changes to the latest version and try again`, 'Conflict', { name, group: 'apps', kind: 'deployments' });
    }
  }

  private dryRun(req: TwinRequest): boolean {
    const values = req.url.searchParams.getAll('dryRun');
    for (const v of values) if (v !== 'All') throw new HttpError(400, `dryRun must be "All", got ${quote(v)}`);
    return values.length > 0;
  }

  /** Paths of the requested object that the twin's rendering of the new configuration does not carry. */
  private ignored(next: Json, cfg: FunctionConfig): string[] {
    if (!isObj(next)) return [];
    const strip = (o: Obj): Obj => {
      const meta = isObj(o.metadata) ? { ...o.metadata } : {};
      for (const k of ['resourceVersion', 'generation', 'uid', 'creationTimestamp', 'managedFields', 'selfLink', 'name', 'namespace']) delete meta[k];
      const ann = isObj(meta.annotations) ? { ...meta.annotations } : {};
      delete ann['deployment.kubernetes.io/revision'];
      meta.annotations = ann;
      if (!isObj(meta.labels)) meta.labels = {};
      return { metadata: meta, spec: o.spec };
    };
    const want = strip(next);
    const have = strip({ metadata: { labels: cfg.labels, annotations: cfg.annotations }, spec: deploymentSpec(cfg) });
    const paths = diffPaths(want, have);
    return paths.length === 0 ? [] : [`the twin does not model and ignored changes to: ${paths.join(', ')}`];
  }

  private warningHeader(warnings: string[]): Record<string, string> | undefined {
    if (warnings.length === 0) return undefined;
    const clean = (s: string): string => s.replace(/[\r\n"\\]/g, ' ').replace(/[^\x20-\x7e]/g, '?');
    return { Warning: warnings.map((w) => `299 - "${clean(w)}"`).join(', ') };
  }

  private invalid(err: unknown, name: string, kind: string): unknown {
    if (err instanceof InvalidUpdate) {
      return new HttpError(422, `${kind}.${kind === 'Scale' ? 'autoscaling' : 'apps'} ${quote(name)} is invalid: ${err.message}`, 'Invalid', { name, group: kind === 'Scale' ? 'autoscaling' : 'apps', kind });
    }
    if (err instanceof ConfigError) return new HttpError(422, `${kind} ${quote(name)} is invalid: ${err.message}`, 'Invalid', { name, kind });
    return err;
  }

  private methodNotAllowed(method: string, why = ''): HttpError {
    return new HttpError(405, `the server does not allow this method on the requested resource (${method})${why ? `: ${why}` : ''}`, 'MethodNotAllowed');
  }
}

