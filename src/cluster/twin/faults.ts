/**
 * Fault injection on the twin's HTTP APIs, for testing clients (the kubernetes
 * backend's retries, timeouts and restore) against a misbehaving cluster.
 *
 * A fault matches requests by method and path and then, for its next `times`
 * matches (after skipping `skip`), does one of:
 * - `500`, `503`: an error response (a Kubernetes `Status` on API paths, plain text on gateway paths);
 * - `409`: a Kubernetes `Conflict` ("the object has been modified") / plain-text 409 on the gateway;
 * - `429`: Too Many Requests (with `Retry-After: 1`);
 * - `hang`: never answers (the socket stays open until the client gives up or the twin closes);
 * - `drop`: destroys the connection without an answer;
 * - `delay`: answers normally after `delayMs`.
 * With `when: 'after'` the request is carried out first and the fault replaces
 * its answer (a change that was applied but whose response was lost, such as a
 * connection dropped mid-rollout); the default `'before'` applies nothing.
 * Requests to the twin's own admin endpoints (`/_twin/...`) are never faulted.
 */
import { ConfigError, quote } from '../../core/errors.js';

export type FaultKind = '500' | '503' | '409' | '429' | 'hang' | 'drop' | 'delay';
const KINDS: readonly FaultKind[] = ['500', '503', '409', '429', 'hang', 'drop', 'delay'];

export interface FaultSpec {
  /** HTTP method, case-insensitive; `*` or absent: any. */
  method?: string;
  /**
   * Path (without the query) to match: a RegExp, or a string where `*` matches
   * any run of characters (`/apis/apps/v1/namespaces/*\/deployments/*`); a
   * string starting with `^` is a regular expression. Absent: any path.
   */
  path?: string | RegExp;
  kind: FaultKind;
  /** How many matching requests get the fault. @default Infinity */
  times?: number;
  /** Matching requests to let through untouched first. @default 0 */
  skip?: number;
  /** `before` (default): the request is not carried out; `after`: it is, then the fault replaces the answer. */
  when?: 'before' | 'after';
  /** For `delay` (and `hang` with a bound): milliseconds. @default 1000 */
  delayMs?: number;
}

export interface FaultInfo {
  id: number;
  method: string;
  path: string;
  kind: FaultKind;
  when: 'before' | 'after';
  /** Faults still to inject (`null` = unlimited). */
  remaining: number | null;
  skip: number;
  delayMs: number;
  /** Requests it was injected into. */
  hits: number;
}

interface Fault extends FaultInfo {
  re: RegExp;
  methodUpper: string | null;
}

function globToRegExp(glob: string): RegExp {
  const body = glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${body}$`);
}

export class FaultInjector {
  private readonly faults: Fault[] = [];
  private nextId = 1;

  /** Add a fault; returns its id. ConfigError for an invalid spec. */
  add(spec: FaultSpec): number {
    if (typeof spec !== 'object' || spec === null) throw new ConfigError(`fault must be an object, got ${quote(spec)}`);
    const allowed = ['method', 'path', 'kind', 'times', 'skip', 'when', 'delayMs'];
    for (const k of Object.keys(spec)) if (!allowed.includes(k)) throw new ConfigError(`fault: unknown key ${quote(k)} (known: ${allowed.join(', ')})`);
    if (!KINDS.includes(spec.kind)) throw new ConfigError(`fault.kind must be one of ${KINDS.join(', ')}, got ${quote(spec.kind)}`);
    const method = spec.method ?? '*';
    if (typeof method !== 'string' || !/^(\*|[A-Za-z]+)$/.test(method)) throw new ConfigError(`fault.method must be an HTTP method or "*", got ${quote(spec.method)}`);
    let re: RegExp;
    let pathText: string;
    if (spec.path === undefined) {
      re = /^/;
      pathText = '*';
    } else if (spec.path instanceof RegExp) {
      re = spec.path;
      pathText = `/${spec.path.source}/${spec.path.flags}`;
    } else if (typeof spec.path === 'string' && spec.path.length > 0) {
      pathText = spec.path;
      try {
        re = spec.path.startsWith('^') ? new RegExp(spec.path) : globToRegExp(spec.path);
      } catch (err) {
        throw new ConfigError(`fault.path ${quote(spec.path)} is not a valid regular expression: ${(err as Error).message}`);
      }
    } else throw new ConfigError(`fault.path must be a non-empty string or a RegExp, got ${quote(spec.path)}`);
    const times = spec.times ?? Infinity;
    if (!(times === Infinity || (Number.isSafeInteger(times) && times >= 1))) throw new ConfigError(`fault.times must be a positive integer, got ${quote(spec.times)}`);
    const skip = spec.skip ?? 0;
    if (!Number.isSafeInteger(skip) || skip < 0) throw new ConfigError(`fault.skip must be a non-negative integer, got ${quote(spec.skip)}`);
    const when = spec.when ?? 'before';
    if (when !== 'before' && when !== 'after') throw new ConfigError(`fault.when must be "before" or "after", got ${quote(spec.when)}`);
    const delayMs = spec.delayMs ?? 1000;
    if (!(delayMs >= 0) || !Number.isFinite(delayMs)) throw new ConfigError(`fault.delayMs must be a finite number >= 0, got ${quote(spec.delayMs)}`);
    const id = this.nextId++;
    this.faults.push({
      id, method: method.toUpperCase(), path: pathText, kind: spec.kind, when,
      remaining: times === Infinity ? null : times, skip, delayMs, hits: 0,
      re, methodUpper: method === '*' ? null : method.toUpperCase(),
    });
    return id;
  }

  /** Remove one fault; false if there was none with that id. */
  remove(id: number): boolean {
    const i = this.faults.findIndex((f) => f.id === id);
    if (i < 0) return false;
    this.faults.splice(i, 1);
    return true;
  }

  clear(): void {
    this.faults.length = 0;
  }

  /** Every fault added and not removed, spent ones included (remaining 0). */
  list(): FaultInfo[] {
    return this.faults.map(({ re: _re, methodUpper: _m, ...info }) => ({ ...info }));
  }

  /** Hits of one fault (0 for an unknown id). */
  hits(id: number): number {
    return this.faults.find((f) => f.id === id)?.hits ?? 0;
  }

  /** The first active fault matching this request, consumed (or null). Called once per request. */
  take(method: string, path: string): FaultInfo | null {
    const m = method.toUpperCase();
    for (const f of this.faults) {
      if (f.remaining === 0) continue;
      if (f.methodUpper !== null && f.methodUpper !== m) continue;
      f.re.lastIndex = 0;
      if (!f.re.test(path)) continue;
      if (f.skip > 0) {
        f.skip--;
        continue;
      }
      if (f.remaining !== null) f.remaining--;
      f.hits++;
      const { re: _re, methodUpper: _mu, ...info } = f;
      return { ...info };
    }
    return null;
  }
}
