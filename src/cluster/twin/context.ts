/** What the twin's API handlers share: the model, the clock, and one request. */
import type { IncomingHttpHeaders } from 'node:http';
import type { SimCluster } from '../sim/sim-cluster.js';
import type { ClusterSnapshot } from '../types.js';
import type { TwinClock } from './clock.js';
import type { RenderContext } from './k8s-meta.js';
import type { TwinModel } from './model.js';
import type { TwinProfile } from './profile.js';

export interface TwinContext {
  readonly profile: TwinProfile;
  /** Most concurrent watches (429 beyond). */
  readonly maxWatches: number;
  /** Watches open now (k8s-api.ts counts them). */
  watches: number;
  readonly cluster: SimCluster;
  readonly model: TwinModel;
  readonly clock: TwinClock;
  readonly namespace: string;
  readonly speed: number;
  /** host:port the server listens on. */
  readonly address: string;
  readonly invokeTimeoutMs: number;
  render(): RenderContext;
  /** Invocations of a function since the start (all sources). */
  invocationCount(fn: string): number;
  lastSnapshot(): ClusterSnapshot | null;
  nextCallId(): string;
  /** The next pod template `uid` label a CE update sets (faas-netes uses the clock's nanoseconds; the twin counts). */
  nextUid(): string;
  /** A line for the twin's log (onError listeners), e.g. what faas-netes would only log. */
  log(line: string): void;
  /** Track a pending synchronous invocation so that close() can answer it. */
  track(cancel: () => void): () => void;
}

export interface TwinRequest {
  method: string;
  path: string;
  url: URL;
  headers: IncomingHttpHeaders;
  /** The body, read once, at most the size limit (HttpError 413 beyond). */
  body(): Promise<Buffer>;
}
