/**
 * OpenWhisk-style invoker routing for `dispatch: 'invoker'` functions
 * (FaaSRank's simulator): each node is an invoker with a container memory
 * pool; an invocation runs in an idle warm container of its function, or
 * cold-starts one when the pool has room (evicting idle containers, least
 * recently used first), or waits in the node's queue.
 *
 * The router owns the routing decisions; the engine keeps the replicas' life
 * cycle and lends the router the four actions it needs (`InvokerActions`).
 */
import { ConfigError, quote } from '../../core/errors.js';
import type { InvokerState } from '../types.js';
import { READY, type Invocation, type Replica, type SimFn, type SimNode } from './entities.js';

/** FNV-1a 32-bit hash of a string. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * Start of OpenWhisk's probe sequence over `n` invokers for function `name`:
 * the home invoker `hash mod n`, and a step co-prime with n (so every invoker
 * is visited once), `1 + (hash >>> 8) mod (n − 1)` raised to the next co-prime.
 */
export function probeStart(name: string, n: number): { home: number; step: number } {
  const h = fnv1a(name);
  const home = h % n;
  let step = n > 1 ? 1 + ((h >>> 8) % (n - 1)) : 1;
  while (gcd(step, n) !== 1) step++;
  return { home, step };
}

/** OpenWhisk's whole probe sequence: invoker indices in the order the balancer tries them. */
export function probeOrder(name: string, n: number): number[] {
  const { home, step } = probeStart(name, n);
  return Array.from({ length: n }, (_, k) => (home + k * step) % n);
}

/** What the router asks of the engine. */
export interface InvokerActions {
  /** The simulation clock. */
  now(): number;
  /** Run `inv` on the ready replica `r`. */
  assign(inv: Invocation, r: Replica): void;
  /** End replica `r` (an idle container) as of time `at`. */
  terminate(r: Replica, at: number): void;
  /** Cold-start a container of `inv`'s function on `node`, with `inv` waiting for it. */
  coldStart(inv: Invocation, node: SimNode): void;
  /** A uniform integer in [0, n) from the engine's seeded stream. */
  randomIndex(n: number): number;
}

export class InvokerRouter {
  constructor(
    private readonly nodes: readonly SimNode[],
    private readonly nodeByName: ReadonlyMap<string, SimNode>,
    private readonly fnByName: ReadonlyMap<string, SimFn>,
    private readonly act: InvokerActions,
  ) {}

  /** Node states for routing an invocation of function `fnName` (FaaSRank Table I(b)). */
  invokers(fnName: string): InvokerState[] {
    const fn = this.fnByName.get(fnName);
    if (!fn) throw new ConfigError(`invokers: unknown function ${quote(fnName)}`);
    const keepAlive = fn.keepAlive ?? Infinity;
    const now = this.act.now();
    return this.nodes.map((node) => {
      let warm = 0, containers = 0;
      for (const r of node.replicas) {
        if (r.fn !== fn) continue;
        containers++;
        if (r.phase === READY && r.inflight === 0 && r.idleSince + keepAlive > now) warm++;
      }
      return {
        node: node.spec.name,
        cores: node.spec.cores,
        busyCores: node.busyCores,
        memoryMb: node.spec.functionMemoryMb,
        memoryFreeMb: Math.max(0, node.spec.functionMemoryMb - node.memRequestMb),
        inflight: node.inflight,
        queued: node.queue.length,
        warm,
        containers,
      };
    });
  }

  /**
   * Run `inv` on `node` in a warm container of its function, or cold-start
   * one if the node's container memory has room (evicting idle containers,
   * least recently used first). Otherwise queue it there when `allowQueue`,
   * or return false.
   */
  tryRoute(inv: Invocation, node: SimNode, allowQueue: boolean): boolean {
    const fn = inv.fn;
    const now = this.act.now();
    let warm: Replica | null = null;
    let expired: Replica[] | null = null;
    for (const r of node.replicas) {
      if (r.phase !== READY || r.inflight > 0) continue;
      const rk = r.fn.keepAlive ?? Infinity;
      if (r.idleSince + rk <= now) (expired ??= []).push(r);
      else if (r.fn === fn && (warm === null || r.idleSince > warm.idleSince)) warm = r;
    }
    if (expired) for (const r of expired) this.act.terminate(r, r.idleSince + (r.fn.keepAlive ?? Infinity));
    if (warm) {
      this.act.assign(inv, warm);
      return true;
    }
    const cap = node.spec.functionMemoryMb;
    let free = cap - node.memRequestMb;
    if (free < fn.memoryMb) {
      const idle = node.replicas.filter((r) => r.phase === READY && r.inflight === 0);
      const freeable = idle.reduce((a, r) => a + r.fn.memoryMb, free);
      if (freeable >= fn.memoryMb) {
        idle.sort((a, b) => a.idleSince - b.idleSince || a.id - b.id);
        for (const r of idle) {
          if (free >= fn.memoryMb) break;
          free += r.fn.memoryMb;
          this.act.terminate(r, now);
        }
      }
    }
    if (free >= fn.memoryMb) {
      inv.cold = true;
      this.act.coldStart(inv, node);
      return true;
    }
    if (!allowQueue) return false;
    node.queue.push(inv);
    return true;
  }

  /** Serve invocations waiting on an invoker node, in order, while they fit. */
  drainNodeQueue(node: SimNode): void {
    while (node.queue.length > 0) {
      if (!this.tryRoute(node.queue[0] as Invocation, node, false)) return;
      node.queue.shift();
    }
  }

  /**
   * OpenWhisk's default load balancer (ShardingContainerPoolBalancer): a home
   * invoker from a hash of the function name, then a co-prime step through the
   * invokers to the first with room (a warm container or enough free memory);
   * if none has room, a random invoker, where the invocation waits.
   */
  hashInvoker(fn: SimFn): SimNode {
    const nodes = fn.nodeSelector ? fn.nodeSelector.map((n) => this.nodeByName.get(n) as SimNode) : this.nodes;
    const n = nodes.length;
    const { home, step } = probeStart(fn.spec.name, n);
    for (let k = 0; k < n; k++) {
      const node = nodes[(home + k * step) % n] as SimNode;
      if (this.hasRoom(node, fn)) return node;
    }
    return nodes[this.act.randomIndex(n)] as SimNode;
  }

  /** A warm idle container of `fn` on `node`, or enough memory once idle containers are evicted. */
  hasRoom(node: SimNode, fn: SimFn): boolean {
    let free = node.spec.functionMemoryMb - node.memRequestMb;
    for (const r of node.replicas) {
      if (r.phase !== READY || r.inflight > 0) continue;
      if (r.fn === fn) return true;
      free += r.fn.memoryMb;
    }
    return free >= fn.memoryMb;
  }
}
