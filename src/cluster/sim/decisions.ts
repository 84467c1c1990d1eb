/**
 * The engine's pending decision points (FaaSRank routing, StepConf stage
 * configuration): each with the invocation or workflow request waiting on it,
 * kept in the order they arose until the caller answers them.
 */
import { ConfigError, quote } from '../../core/errors.js';
import type { DecisionPoint } from '../types.js';
import type { Invocation, WorkflowRequest } from './entities.js';

/** A decision point and what waits on it: the invocation (route) or the request and its stage (stage). */
export interface PendingDecision {
  point: DecisionPoint;
  inv: Invocation | null;
  req: WorkflowRequest | null;
  stage: number;
}

export class Decisions {
  private readonly pending = new Map<number, PendingDecision>();
  /** Ids not yet handed to the caller, oldest first. */
  private readonly queue: number[] = [];
  private nextId = 0;

  /** Decision points not yet answered (handed out or not). */
  get size(): number {
    return this.pending.size;
  }

  /** Add a decision point (its `id` is set here). */
  push(point: DecisionPoint, inv: Invocation | null, req: WorkflowRequest | null, stage: number): void {
    const id = this.nextId++;
    point.id = id;
    this.pending.set(id, { point, inv, req, stage });
    this.queue.push(id);
  }

  /** The oldest decision point not yet handed to the caller, or null. */
  next(): DecisionPoint | null {
    const id = this.queue.shift();
    return id === undefined ? null : (this.pending.get(id) as PendingDecision).point;
  }

  /** The pending decision `id` of this kind (left pending); ConfigError if there is none. */
  get(id: number, kind: DecisionPoint['kind']): PendingDecision {
    const d = this.pending.get(id);
    if (!d || d.point.kind !== kind) throw new ConfigError(`no pending ${kind} decision ${quote(id)}`);
    return d;
  }

  /** Answer decision `id`: it is no longer pending. */
  delete(id: number): void {
    this.pending.delete(id);
  }
}
