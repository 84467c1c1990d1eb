/**
 * Client of the OpenFaaS gateway REST API (openfaas/faas
 * `api-docs/spec.openapi.yml`): list, read, update and scale functions under
 * basic auth, with a deadline per call and bounded retries (see retry.ts), and
 * the invocation endpoints the load generator uses (no auth is sent there: the
 * functions would see it).
 *
 * Credentials live only in the `Authorization` header built here; errors and
 * logs name `METHOD /path` and never the header, the password or a URL with
 * user info.
 */
import type { Rng } from '../../core/rng.js';
import { AttemptFailure, BackendRequestError, retryableStatus, withRetries, type RetryPolicy } from './retry.js';

/** `{memory, cpu}` as Kubernetes quantities (`"128Mi"`, `"500m"`). */
export interface FunctionResources {
  memory?: string;
  cpu?: string;
}

/** The body of `POST`/`PUT /system/functions`. */
export interface FunctionDeployment {
  service: string;
  image: string;
  namespace?: string;
  envProcess?: string;
  envVars?: Record<string, string>;
  constraints?: string[];
  secrets?: string[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  limits?: FunctionResources | null;
  requests?: FunctionResources | null;
  readOnlyRootFilesystem?: boolean;
  [extra: string]: unknown;
}

/** What `GET /system/functions` and `GET /system/function/{name}` return per function. */
export interface FunctionStatus {
  name: string;
  image: string;
  namespace?: string;
  envProcess?: string;
  envVars?: Record<string, string>;
  constraints?: string[];
  secrets?: string[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  limits?: FunctionResources | null;
  requests?: FunctionResources | null;
  readOnlyRootFilesystem?: boolean;
  invocationCount?: number;
  replicas?: number;
  availableReplicas?: number;
  createdAt?: string;
  /** `cpu`: millicores; `totalMemoryBytes`: all replicas. */
  usage?: { cpu?: number; totalMemoryBytes?: number } | null;
  [extra: string]: unknown;
}

/** Fields of a FunctionStatus that describe the state, not the deployment. */
const STATUS_ONLY = new Set(['name', 'invocationCount', 'replicas', 'availableReplicas', 'createdAt', 'usage']);

/**
 * The `FunctionDeployment` that re-deploys a function as its status shows it:
 * `name` becomes `service`, the state fields (`replicas`, `usage`, …) go, every
 * other field is kept as it is (absent stays absent, null stays null).
 */
export function deploymentOf(status: FunctionStatus): FunctionDeployment {
  const out: Record<string, unknown> = { service: status.name };
  for (const [k, v] of Object.entries(status)) if (!STATUS_ONLY.has(k) && v !== undefined) out[k] = structuredClone(v);
  return out as FunctionDeployment;
}

export interface GatewayClientOptions {
  /** Gateway base URL, e.g. `http://127.0.0.1:8080` (no credentials in it). */
  url: string;
  user?: string;
  password?: string;
  retry: RetryPolicy;
  /** Jitter source of the backoff; null: fixed (half the jitter range). */
  rng: Rng | null;
  /** Hears about each retry (endpoint and reason only). */
  onRetry?: (line: string) => void;
}

export interface InvokeResult {
  status: number;
  /** The gateway's own measurement of the call (`X-Duration-Seconds`), when it sent one. */
  durationSeconds?: number;
  /** Set when the call did not produce a status: a timeout or a dropped connection. */
  error?: 'timeout' | 'connection';
}

export class GatewayClient {
  readonly baseUrl: string;
  private readonly auth: string | null;
  private readonly secrets: string[];

  constructor(private readonly opts: GatewayClientOptions) {
    this.baseUrl = opts.url.replace(/\/+$/, '');
    if (opts.user !== undefined && opts.password !== undefined) {
      const token = Buffer.from(`${opts.user}:${opts.password}`).toString('base64');
      this.auth = `Basic ${token}`;
      this.secrets = [opts.password, token].filter((s) => s.length >= 4);
    } else {
      this.auth = null;
      this.secrets = [];
    }
  }

  /** `GET /system/functions?namespace=` */
  listFunctions(namespace: string): Promise<FunctionStatus[]> {
    return this.json('GET', `/system/functions?namespace=${encodeURIComponent(namespace)}`, undefined, (v) => Array.isArray(v));
  }

  /** `GET /system/function/{name}?namespace=` */
  getFunction(name: string, namespace: string): Promise<FunctionStatus> {
    return this.json('GET', `/system/function/${encodeURIComponent(name)}?namespace=${encodeURIComponent(namespace)}`, undefined, (v) => typeof v === 'object' && v !== null && !Array.isArray(v));
  }

  /** `PUT /system/functions`: update a function's deployment (the gateway answers 200 or 202). */
  async updateFunction(deployment: FunctionDeployment): Promise<void> {
    await this.call('PUT', '/system/functions', deployment);
  }

  /** `POST /system/scale-function/{name}` with a ScaleServiceRequest. */
  async scaleFunction(name: string, namespace: string, replicas: number): Promise<void> {
    await this.call('POST', `/system/scale-function/${encodeURIComponent(name)}?namespace=${encodeURIComponent(namespace)}`, { serviceName: name, namespace, replicas });
  }

  /** `GET /system/info` (provider name, version; a twin adds its time scale). */
  info(): Promise<Record<string, unknown>> {
    return this.json('GET', '/system/info', undefined, (v) => typeof v === 'object' && v !== null);
  }

  /**
   * One invocation, `POST /function/{name}` (sync) or `/async-function/{name}`
   * (202), without retries (the load generator counts what happens) and without
   * credentials. `{name}.{namespace}` addresses a namespace other than the
   * gateway's default.
   */
  async invoke(name: string, opts: { namespace?: string; body?: string; async?: boolean; signal?: AbortSignal; headers?: Record<string, string> } = {}): Promise<InvokeResult> {
    const target = opts.namespace && opts.namespace !== 'openfaas-fn' ? `${name}.${opts.namespace}` : name;
    const path = `/${opts.async ? 'async-function' : 'function'}/${encodeURIComponent(target)}`;
    try {
      const res = await fetch(this.baseUrl + path, {
        method: 'POST',
        body: opts.body ?? '',
        headers: { 'Content-Type': 'text/plain', ...opts.headers },
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      await res.arrayBuffer(); // drain, so the connection is reused
      const d = Number(res.headers.get('x-duration-seconds') ?? NaN);
      return Number.isFinite(d) && d >= 0 ? { status: res.status, durationSeconds: d } : { status: res.status };
    } catch (err) {
      const e = err as { name?: string };
      return { status: 0, error: e?.name === 'TimeoutError' || e?.name === 'AbortError' ? 'timeout' : 'connection' };
    }
  }

  /** Remove anything secret from a text before it goes into a message. */
  redact(text: string): string {
    let out = text;
    for (const s of this.secrets) out = out.split(s).join('***');
    return out;
  }

  private async json<T>(method: string, path: string, body: unknown, valid: (v: unknown) => boolean): Promise<T> {
    const text = await this.call(method, path, body);
    const endpoint = `${method} ${path.split('?')[0]}`;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new BackendRequestError(`gateway ${endpoint}: the answer is not JSON: ${JSON.stringify(this.redact(text.slice(0, 120)))}`, endpoint, 200, 1);
    }
    if (!valid(value)) throw new BackendRequestError(`gateway ${endpoint}: unexpected answer ${JSON.stringify(this.redact(text.slice(0, 120)))}`, endpoint, 200, 1);
    return value as T;
  }

  /** One `/system` call with auth, deadline and retries; returns the body text of a 2xx answer. */
  private call(method: string, path: string, body?: unknown): Promise<string> {
    const endpoint = `${method} ${path.split('?')[0]}`;
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.auth) headers.Authorization = this.auth;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return withRetries(
      `gateway ${endpoint}`,
      this.opts.retry,
      this.opts.rng,
      async (signal) => {
        const res = await fetch(this.baseUrl + path, { method, headers, signal, ...(payload !== undefined ? { body: payload } : {}) });
        const text = await res.text();
        if (res.ok) return text;
        const detail = this.redact(text.trim().slice(0, 200));
        const hint = res.status === 401 || res.status === 403 ? ' (check gateway.user and gateway.passwordFile)' : '';
        throw new AttemptFailure(`HTTP ${res.status}${detail ? `: ${detail}` : ''}${hint}`, res.status, retryableStatus(res.status));
      },
      this.opts.onRetry ? (i) => this.opts.onRetry?.(`retry ${i.attempt}/${this.opts.retry.attempts - 1} of ${i.endpoint} in ${Math.round(i.delayMs)} ms: ${this.redact(i.reason)}`) : undefined,
    );
  }
}
