/**
 * Darly's action set (§4.3.3) as one `Discrete` space, and what each action
 * asks the cluster to do.
 *
 * Index 0 is inactivity (no-op). Then, per controlled function in pipeline
 * order: scale out and scale in (only for functions that scale horizontally:
 * not the Framer, §3.2), and migrate — one action when the mapper chooses the
 * destination, one per node ("move function_i to node_j") when the agent does.
 * One action per step, on one function: the DQN's discrete output.
 */
import type { ConfigChange, FunctionState } from '../../src/cluster/types.js';
import { fitsOn, liveReplicas, migrationSource, type ClusterView, type Mapper } from './mappers.js';
import { isScalable } from './scenario.js';

export type DarlyAction =
  | { kind: 'noop' }
  | { kind: 'scale-out'; fn: string }
  | { kind: 'scale-in'; fn: string }
  /** `to`: the node the agent picked, or null when the mapper picks it. */
  | { kind: 'migrate'; fn: string; to: string | null };

/** The action table: `table[i]` is what action `i` means. */
export function actionTable(controlled: readonly string[], nodes: readonly string[], mapper: Mapper): DarlyAction[] {
  const table: DarlyAction[] = [{ kind: 'noop' }];
  for (const fn of controlled) {
    if (isScalable(fn)) table.push({ kind: 'scale-out', fn }, { kind: 'scale-in', fn });
    if (mapper.agentPicks(fn)) for (const to of nodes) table.push({ kind: 'migrate', fn, to });
    else table.push({ kind: 'migrate', fn, to: null });
  }
  return table;
}

/** One line for logs and docs: `noop`, `scale-out face-analyzer`, `migrate framer -> w01`, `migrate framer -> (mapper)`. */
export function describeAction(a: DarlyAction): string {
  if (a.kind === 'noop') return 'noop';
  if (a.kind === 'migrate') return `migrate ${a.fn} -> ${a.to ?? '(mapper)'}`;
  return `${a.kind} ${a.fn}`;
}

/** What an action resolves to in the current cluster state. */
export interface ActionPlan {
  changes: ConfigChange[];
  /** Why nothing is asked of the cluster (at the replica limit, nowhere to go...), or null. */
  skipped: string | null;
  /** A migration's source and destination nodes. */
  from?: string;
  to?: string;
}

const skip = (why: string): ActionPlan => ({ changes: [], skipped: why });

/**
 * Resolve `action` against the cluster: the `ConfigChange`s to apply, or why
 * none. Scaling keeps each function within [1, maxReplicas(fn)] replicas and
 * leaves the new replica's node to the cluster's scheduler; a migration moves
 * one replica (see `migrationSource`) to the agent's or the mapper's node.
 */
export function planAction(action: DarlyAction, view: ClusterView, mapper: Mapper, maxReplicas: (fn: string) => number): ActionPlan {
  if (action.kind === 'noop') return skip('no-op');
  const fn = view.functions.find((f) => f.name === action.fn) as FunctionState | undefined;
  if (!fn) return skip(`the cluster has no function ${action.fn}`);
  const live = liveReplicas(fn).length;
  switch (action.kind) {
    case 'scale-out':
      if (live >= maxReplicas(fn.name)) return skip(`${fn.name} is at its maximum of ${maxReplicas(fn.name)} replicas`);
      return { changes: [{ kind: 'scale', fn: fn.name, replicas: live + 1 }], skipped: null };
    case 'scale-in':
      if (live <= 1) return skip(`${fn.name} has a single replica`);
      return { changes: [{ kind: 'scale', fn: fn.name, replicas: live - 1 }], skipped: null };
    case 'migrate': {
      const source = migrationSource(fn, view, action.to ?? undefined);
      if (source === null) return skip(live === 0 ? `${fn.name} has no replica` : `every replica of ${fn.name} is on ${action.to} already`);
      const to = action.to ?? mapper.destination(fn, source.node, view);
      if (to === null) return skip(`no other node has room for ${fn.name}`);
      if (action.to !== null && !fitsOn(fn, to, view)) return skip(`${to} has no room for ${fn.name}`);
      return { changes: [{ kind: 'migrate', fn: fn.name, to, replica: source.id }], skipped: null, from: source.node, to };
    }
  }
}
