/**
 * What changes a node's speed from outside the functions on it: co-located
 * stress (Darly §3.3; constant, a schedule, or a random level redrawn every
 * `every` seconds) and CPU availability (every AVAIL_TICK seconds, if the
 * functions' average CPU demand exceeded the cores the co-located tenants
 * leave, every rate on the node is scaled down).
 *
 * The conditions schedule their own events on the engine's queue
 * (`EV_STRESS`, `EV_TICK`), which the engine's event loop hands back; after a
 * change they ask the engine to recompute the node's rates (`rerate`).
 */
import type { Rng } from '../../core/rng.js';
import { acctNode, acctReplica } from './accounting.js';
import type { SimNode } from './entities.js';
import type { EventQueue } from './event-queue.js';

export const EV_STRESS = 7;
export const EV_TICK = 9;

/** Seconds between recomputations of each node's CPU availability. */
const AVAIL_TICK = 1;

/** What the node conditions ask of the engine. */
export interface NodeActions {
  /** The simulation clock. */
  now(): number;
  /** Rates of every computing replica on `node` change. */
  rerate(node: SimNode): void;
}

export class NodeConditions {
  constructor(
    private readonly nodes: readonly SimNode[],
    private readonly q: EventQueue,
    private readonly rng: Rng,
    private readonly act: NodeActions,
  ) {}

  /** Set every node's initial stress and schedule its stress changes, then every node's first availability tick. */
  start(): void {
    for (const node of this.nodes) this.initStress(node);
    for (const node of this.nodes) this.q.push(AVAIL_TICK, EV_TICK, node.idx, 0);
  }

  private initStress(node: SimNode): void {
    const s = node.stressSpec;
    if (s.kind === 'constant') node.stress = s.level;
    else if (s.kind === 'schedule') {
      node.stressCursor = 0;
      this.q.push(s.points[0]?.at ?? Infinity, EV_STRESS, node.idx, 0);
    } else {
      node.stress = this.rng.choice(s.levels);
      this.q.push(s.every, EV_STRESS, node.idx, 0);
    }
  }

  onStress(idx: number): void {
    const now = this.act.now();
    const node = this.nodes[idx] as SimNode;
    const s = node.stressSpec;
    acctNode(node, now);
    if (s.kind === 'schedule') {
      const point = s.points[node.stressCursor++];
      if (point) node.stress = point.level;
      const next = s.points[node.stressCursor];
      if (next) this.q.push(next.at, EV_STRESS, idx, 0);
    } else if (s.kind === 'random') {
      node.stress = this.rng.choice(s.levels);
      this.q.push(now + s.every, EV_STRESS, idx, 0);
    }
    this.act.rerate(node);
  }

  /** Set a node's interference level now (environments use this to inject stress). */
  setStress(node: SimNode, level: number): void {
    acctNode(node, this.act.now());
    node.stress = level;
    this.act.rerate(node);
  }

  /**
   * Every AVAIL_TICK seconds: if the functions' average CPU demand on a node
   * exceeded the cores left by co-located tenants, scale its rates down.
   */
  onTick(idx: number): void {
    const now = this.act.now();
    const node = this.nodes[idx] as SimNode;
    acctNode(node, now);
    // Integrate busy time exactly up to the tick. Only computing replicas add to it; idle
    // per-request instances may have expired lazily and must not be integrated past their expiry.
    for (const r of node.replicas) if (r.usage > 0) acctReplica(r, now);
    const dt = now - node.tickLastT;
    const demand = dt > 0 ? node.tickBusy / dt : node.busyCores;
    node.tickBusy = 0;
    node.tickLastT = now;
    const free = node.spec.cores * (1 - node.stress);
    const avail = demand > free ? Math.max(0.05, free / demand) : 1;
    if (Math.abs(avail - node.avail) > 1e-3) {
      node.avail = avail;
      this.act.rerate(node);
    }
    this.q.push(now + AVAIL_TICK, EV_TICK, idx, 0);
  }
}
