/**
 * Bounded retries with exponential backoff for the backend's HTTP calls (the
 * OpenFaaS gateway, the Kubernetes API): a call is retried on 409 Conflict,
 * 429 Too Many Requests, 5xx, timeouts and dropped connections, at most
 * `attempts` times in all, then fails with a `BackendRequestError` that names
 * the endpoint (method and path, never a URL with credentials) and the last
 * status. Jitter comes from a seeded `Rng` (no `Math.random`), or is fixed.
 */
import { BackendError } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';

export interface RetryPolicy {
  /** Tries in all (first call included). @default 4 */
  attempts: number;
  /** Backoff before retry k (k = 1, 2, …) is min(maxDelayMs, baseDelayMs·2^(k−1)), less up to `jitter` of it. @default 200 */
  baseDelayMs: number;
  /** @default 5000 */
  maxDelayMs: number;
  /** Fraction of the backoff drawn away at random, in [0, 1]. @default 0.5 */
  jitter: number;
  /** Deadline of one try, ms. @default 10000 */
  timeoutMs: number;
}

export const DEFAULT_RETRY: Readonly<RetryPolicy> = Object.freeze({ attempts: 4, baseDelayMs: 200, maxDelayMs: 5000, jitter: 0.5, timeoutMs: 10_000 });

/** A backend call that failed for good: after its retries, or at once for a status that retrying cannot fix. */
export class BackendRequestError extends BackendError {
  constructor(
    message: string,
    /** `METHOD /path` of the call (no host, no credentials). */
    readonly endpoint: string,
    /** Last HTTP status, or null for a timeout or a dropped connection. */
    readonly status: number | null,
    /** Tries made. */
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BackendError';
  }
}

/** What one failed try says: whether another try may help. */
export class AttemptFailure extends Error {
  constructor(message: string, readonly status: number | null, readonly retryable: boolean) {
    super(message);
  }
}

/** Statuses worth another try. */
export function retryableStatus(status: number): boolean {
  return status === 409 || status === 429 || status === 408 || status >= 500;
}

/** Turn whatever a try threw (fetch errors, aborts) into an `AttemptFailure`. */
export function classifyError(err: unknown, timeoutMs: number): AttemptFailure {
  if (err instanceof AttemptFailure) return err;
  const e = err as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return new AttemptFailure(`no answer within ${timeoutMs} ms`, null, true);
  const code = e?.cause?.code ?? e?.code;
  const detail = code ?? e?.cause?.message ?? e?.message ?? String(err);
  return new AttemptFailure(`connection failed (${detail})`, null, true);
}

/** Backoff before retry `k` (1-based), ms. */
export function backoffMs(policy: RetryPolicy, k: number, rng: Rng | null): number {
  const full = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (k - 1));
  const u = rng ? rng.random() : 0.5;
  return full * (1 - policy.jitter * u);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Run `attempt` until it succeeds, fails with a non-retryable `AttemptFailure`,
 * or `policy.attempts` tries are used; each try gets an `AbortSignal` that
 * fires after `policy.timeoutMs`. `onRetry` hears about each retry (for logs).
 */
export async function withRetries<T>(
  endpoint: string,
  policy: RetryPolicy,
  rng: Rng | null,
  attempt: (signal: AbortSignal) => Promise<T>,
  onRetry?: (info: { endpoint: string; attempt: number; reason: string; delayMs: number }) => void,
): Promise<T> {
  let last: AttemptFailure | null = null;
  for (let k = 1; k <= policy.attempts; k++) {
    const signal = AbortSignal.timeout(policy.timeoutMs);
    try {
      return await attempt(signal);
    } catch (err) {
      last = classifyError(err, policy.timeoutMs);
      if (!last.retryable || k === policy.attempts) {
        const tries = k === 1 ? '' : ` (after ${k} attempts)`;
        throw new BackendRequestError(`${endpoint}: ${last.message}${tries}`, endpoint, last.status, k, { cause: err });
      }
      const delayMs = backoffMs(policy, k, rng);
      onRetry?.({ endpoint, attempt: k, reason: last.message, delayMs });
      await sleep(delayMs);
    }
  }
  // Unreachable: attempts >= 1 returns or throws inside the loop.
  throw new BackendRequestError(`${endpoint}: ${last?.message ?? 'no attempt made'}`, endpoint, last?.status ?? null, policy.attempts);
}
