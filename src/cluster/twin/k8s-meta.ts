/**
 * The bookkeeping every rendered Kubernetes object of the twin shares: the
 * versions (`resourceVersion` changes exactly when an object's content does,
 * `metadata.generation` when its spec does, the revision when its pod template
 * does), the render context, and meta/v1 Status (the body of every error).
 * The objects themselves: k8s-deployment.ts, k8s-pods.ts, k8s-nodes.ts; their
 * tables: k8s-table.ts; discovery: k8s-discovery.ts.
 */
import { canonicalJson, type FunctionConfig } from './model.js';

/** A JSON object as rendered. */
export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** resourceVersion, generation and revision bookkeeping: versions change exactly when an object's content does. */
export class Versioner {
  private counter = 1;
  private readonly seen = new Map<string, { fp: string; rv: number; specFp: string; generation: number; templateFp: string; revision: number }>();

  /** The current resourceVersion of the whole store (for lists). */
  get current(): string {
    return String(this.counter);
  }

  /** Record an object's content; returns its resourceVersion, generation (spec changes) and revision (template changes). */
  track(key: string, content: unknown, spec: unknown = null, template: unknown = null): { resourceVersion: string; generation: number; revision: number } {
    const fp = canonicalJson(content);
    const specFp = canonicalJson(spec);
    const templateFp = canonicalJson(template);
    let s = this.seen.get(key);
    if (!s) {
      s = { fp, rv: ++this.counter, specFp, generation: 1, templateFp, revision: 1 };
      this.seen.set(key, s);
    } else if (s.fp !== fp || s.specFp !== specFp) {
      s.rv = ++this.counter;
      s.fp = fp;
      if (s.specFp !== specFp) {
        s.generation++;
        s.specFp = specFp;
      }
      if (s.templateFp !== templateFp) {
        s.revision++;
        s.templateFp = templateFp;
      }
    }
    return { resourceVersion: String(s.rv), generation: s.generation, revision: s.revision };
  }

  forget(prefix: string, keep: Set<string>): void {
    for (const key of this.seen.keys()) if (key.startsWith(prefix) && !keep.has(key)) this.seen.delete(key);
  }
}

export interface RenderContext {
  namespace: string;
  versions: Versioner;
  /** ISO time (seconds) of the twin's start: creation time of nodes, deployments, namespaces. */
  startedAt: string;
  /** Wall-clock ISO time of a simulated instant. */
  wallIso(simT: number): string;
  /** Nodes a placement allows (null: any). */
  allowed(cfg: FunctionConfig): string[] | null;
  nodeIndex(name: string): number;
  nodeCount: number;
}

// ------------------------------------------------------------------ Status

export type StatusReason =
  | 'BadRequest' | 'Unauthorized' | 'Forbidden' | 'NotFound' | 'MethodNotAllowed' | 'NotAcceptable' | 'Conflict' | 'AlreadyExists'
  | 'RequestEntityTooLarge' | 'UnsupportedMediaType' | 'Invalid' | 'TooManyRequests' | 'InternalError' | 'ServiceUnavailable' | 'Timeout';

export function status(code: number, reason: StatusReason, message: string, details?: { name?: string; group?: string; kind?: string }): Obj {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}
