/**
 * The Kubernetes API calls of the backend, through `@kubernetes/client-node`:
 * list nodes, list the function pods of one namespace, read and merge-patch a
 * Deployment, and wait for a Deployment's rollout the way `kubectl rollout
 * status` does. Every call has a deadline (an `AbortSignal` set by a
 * middleware) and bounded retries on 409/429/5xx, timeouts and dropped
 * connections (retry.ts). Only the configured namespace is ever touched.
 */
import {
  ApiException, AppsV1Api, CoreV1Api, KubeConfig, PatchStrategy, setHeaderMiddleware,
  type V1Deployment, type V1Node, type V1Pod,
} from '@kubernetes/client-node';
import { BackendError, ConfigError, quote } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import { AttemptFailure, BackendRequestError, retryableStatus, sleep, withRetries, type RetryPolicy } from './retry.js';
import { FUNCTION_LABEL, rolloutState } from './rollout.js';

/** A kubeconfig: a file path, an object in kubeconfig's shape (`clusters`, `users`, `contexts`, `currentContext`), or undefined for the default (KUBECONFIG, ~/.kube/config, in-cluster). */
export type KubeconfigSource = string | Record<string, unknown> | undefined;


export function loadKubeConfig(source: KubeconfigSource, context?: string): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (source === undefined) kc.loadFromDefault();
    else if (typeof source === 'string') kc.loadFromFile(source);
    else kc.loadFromOptions(source);
  } catch (err) {
    const where = typeof source === 'string' ? `kubeconfig ${quote(source)}` : source === undefined ? 'the default kubeconfig' : 'the kubeconfig object';
    throw new ConfigError(`could not load ${where}: ${(err as Error).message}`);
  }
  if (context !== undefined) {
    if (!kc.getContexts().some((c) => c.name === context)) {
      throw new ConfigError(`kubeconfig has no context ${quote(context)} (contexts: ${kc.getContexts().map((c) => c.name).join(', ') || 'none'})`);
    }
    kc.setCurrentContext(context);
  }
  if (!kc.getCurrentCluster()) throw new ConfigError('kubeconfig: the current context names no cluster');
  return kc;
}

export interface K8sClientOptions {
  namespace: string;
  retry: RetryPolicy;
  rng: Rng | null;
  onRetry?: (line: string) => void;
}

export class K8sClient {
  readonly namespace: string;
  private readonly core: CoreV1Api;
  private readonly apps: AppsV1Api;

  constructor(readonly kubeConfig: KubeConfig, private readonly opts: K8sClientOptions) {
    this.namespace = opts.namespace;
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.apps = kubeConfig.makeApiClient(AppsV1Api);
  }

  /** `GET /api/v1/nodes` */
  async listNodes(): Promise<V1Node[]> {
    const list = await this.call('GET /api/v1/nodes', (o) => this.core.listNode({}, o));
    return list.items;
  }

  /** Pods of OpenFaaS functions in the namespace (`faas_function` label), `GET /api/v1/namespaces/{ns}/pods`. */
  async listFunctionPods(): Promise<V1Pod[]> {
    const ns = this.namespace;
    const list = await this.call(`GET /api/v1/namespaces/${ns}/pods`, (o) => this.core.listNamespacedPod({ namespace: ns, labelSelector: FUNCTION_LABEL }, o));
    return list.items;
  }

  /** `GET /apis/apps/v1/namespaces/{ns}/deployments/{name}` */
  readDeployment(name: string): Promise<V1Deployment> {
    const ns = this.namespace;
    return this.call(`GET /apis/apps/v1/namespaces/${ns}/deployments/${name}`, (o) => this.apps.readNamespacedDeployment({ name, namespace: ns }, o));
  }

  /** `PATCH …/deployments/{name}` with `application/merge-patch+json` (RFC 7386: null deletes a key, lists are replaced). */
  patchDeployment(name: string, patch: Record<string, unknown>): Promise<V1Deployment> {
    const ns = this.namespace;
    return this.call(`PATCH /apis/apps/v1/namespaces/${ns}/deployments/${name}`, (o) => this.apps.patchNamespacedDeployment({ name, namespace: ns, body: patch }, o), PatchStrategy.MergePatch);
  }

  /**
   * `PATCH …/deployments/{name}` with `application/strategic-merge-patch+json`:
   * `containers` merge by `name` and a container's `env` by `name`, so one
   * container's resources and one env var change and nothing else.
   */
  patchDeploymentStrategic(name: string, patch: Record<string, unknown>): Promise<V1Deployment> {
    const ns = this.namespace;
    return this.call(`PATCH /apis/apps/v1/namespaces/${ns}/deployments/${name}`, (o) => this.apps.patchNamespacedDeployment({ name, namespace: ns, body: patch }, o), PatchStrategy.StrategicMergePatch);
  }

  /**
   * Poll the Deployment until its rollout is complete (`rolloutState`) or the
   * deadline (epoch ms) passes; a `BackendError` then says what was missing.
   */
  async waitForRollout(name: string, deadline: number, pollMs: number): Promise<V1Deployment> {
    for (;;) {
      const d = await this.readDeployment(name);
      const state = rolloutState(d);
      if (state.done) return d;
      const left = deadline - Date.now();
      if (left <= 0) throw new BackendError(`rollout of deployment ${name} in ${this.namespace} did not finish by its deadline: ${state.detail}`);
      await sleep(Math.min(pollMs, left));
    }
  }

  /** One API call with a deadline and retries; client-node errors become `AttemptFailure`s. */
  private call<T>(endpoint: string, run: (options: object) => Promise<T>, contentType?: string): Promise<T> {
    return withRetries(
      `kubernetes ${endpoint}`,
      this.opts.retry,
      this.opts.rng,
      async (signal) => {
        const base = setHeaderMiddleware('Accept', 'application/json');
        const middleware = [{ pre: (ctx: { setSignal(s: AbortSignal): void }) => { ctx.setSignal(signal); return base.pre(ctx as never); }, post: base.post }];
        if (contentType) middleware.push(setHeaderMiddleware('Content-Type', contentType) as never);
        try {
          return await run({ middleware, middlewareMergeStrategy: 'append' });
        } catch (err) {
          throw toFailure(err);
        }
      },
      this.opts.onRetry ? (i) => this.opts.onRetry?.(`retry ${i.attempt}/${this.opts.retry.attempts - 1} of ${i.endpoint} in ${Math.round(i.delayMs)} ms: ${i.reason}`) : undefined,
    );
  }
}

function toFailure(err: unknown): unknown {
  if (err instanceof ApiException) {
    const body = err.body as unknown;
    let detail = '';
    if (typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string') detail = (body as { message: string }).message;
    else if (typeof body === 'string') {
      try {
        const parsed = JSON.parse(body) as { message?: unknown };
        detail = typeof parsed?.message === 'string' ? parsed.message : body;
      } catch {
        detail = body;
      }
    }
    detail = detail.trim().slice(0, 200);
    return new AttemptFailure(`HTTP ${err.code}${detail ? `: ${detail}` : ''}`, err.code, retryableStatus(err.code));
  }
  if (err instanceof BackendRequestError) return err;
  const e = err as { name?: string; type?: string; code?: string; message?: string };
  if (e?.name === 'AbortError' || e?.type === 'aborted') return new AttemptFailure('no answer by the deadline', null, true);
  if (e?.name === 'FetchError') return new AttemptFailure(`connection failed (${e.code ?? e.message ?? 'unknown'})`, null, true);
  // A body that is not the expected JSON (a half-written answer) is worth another try too.
  if (err instanceof SyntaxError) return new AttemptFailure(`malformed answer (${err.message.slice(0, 80)})`, null, true);
  return err;
}
