/**
 * Leave the cluster as it was found. At the first contact of an episode the
 * backend records, for every function the environment manages, what it is
 * about to change: the gateway's FunctionDeployment (image, env vars incl.
 * `max_inflight`, limits, requests, constraints, labels, annotations, …), the
 * Deployment's replica count and its pod template's `nodeSelector` and
 * `affinity`. Each change marks what it touched; `restore` puts back exactly
 * the touched parts (the recorded FunctionDeployment with `PUT`, then the
 * placement with a merge patch — the gateway resets `nodeSelector` on every
 * `PUT` — then the replica count), waits for the rollouts, and reports what
 * could not be restored instead of stopping at the first failure.
 */
import type { V1Affinity, V1Deployment } from '@kubernetes/client-node';
import { deploymentOf, type FunctionDeployment, type FunctionStatus } from './gateway-client.js';

/** What a function looked like before the backend touched it. */
export interface FunctionRecord {
  name: string;
  /** `PUT /system/functions` body that re-deploys it as it was. */
  deployment: FunctionDeployment;
  /** Deployment `spec.replicas`. */
  replicas: number;
  /** Pod template `nodeSelector` and `affinity` (null when absent). */
  nodeSelector: Record<string, string> | null;
  affinity: V1Affinity | null;
}

export type Touched = 'deployment' | 'placement' | 'replicas';

/** What `restore` needs from the backend. */
export interface RestoreOps {
  put(deployment: FunctionDeployment): Promise<void>;
  readDeployment(name: string): Promise<V1Deployment>;
  patchDeployment(name: string, patch: Record<string, unknown>): Promise<unknown>;
  scale(name: string, replicas: number): Promise<void>;
  waitForRollout(name: string): Promise<unknown>;
  log(line: string): void;
}

export function recordOf(status: FunctionStatus, deployment: V1Deployment): FunctionRecord {
  const pod = deployment.spec?.template?.spec;
  return {
    name: status.name,
    deployment: deploymentOf(status),
    replicas: deployment.spec?.replicas ?? 1,
    nodeSelector: pod?.nodeSelector ? { ...pod.nodeSelector } : null,
    affinity: pod?.affinity ? structuredClone(pod.affinity) : null,
  };
}

/**
 * RFC 7386 merge patch that turns `current` into `target`: keys only in
 * `current` become null, objects recurse, anything else (arrays, scalars) is
 * replaced when different. Undefined when they are equal.
 */
export function mergePatchDiff(current: unknown, target: unknown): unknown {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObj(current) && isObj(target)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(current)) if (!(k in target) || target[k] === undefined) out[k] = null;
    for (const [k, v] of Object.entries(target)) {
      if (v === undefined) continue;
      if (v === null) {
        if (k in current && current[k] !== null && current[k] !== undefined) out[k] = null;
        continue;
      }
      const d = mergePatchDiff(current[k], v);
      if (d !== undefined) out[k] = d;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  if (target === null || target === undefined) return current === null || current === undefined ? undefined : null;
  return JSON.stringify(current) === JSON.stringify(target) ? undefined : structuredClone(target);
}

/** The merge patch that sets a Deployment's placement to `nodeSelector` / `affinity` exactly (undefined: already so). */
export function placementPatch(current: V1Deployment, nodeSelector: Record<string, string> | null, affinity: V1Affinity | null): Record<string, unknown> | undefined {
  const pod: { nodeSelector?: Record<string, string>; affinity?: V1Affinity } = current.spec?.template?.spec ?? {};
  const diff = mergePatchDiff(
    { nodeSelector: pod.nodeSelector ?? null, affinity: pod.affinity ?? null },
    { nodeSelector, affinity },
  ) as Record<string, unknown> | undefined;
  return diff === undefined ? undefined : { spec: { template: { spec: diff } } };
}

export class SafetyLedger {
  private readonly records = new Map<string, FunctionRecord>();
  private readonly touched = new Map<string, Set<Touched>>();

  /** Remember a function's state (only the first record of a name counts). */
  record(rec: FunctionRecord): void {
    if (!this.records.has(rec.name)) this.records.set(rec.name, structuredClone(rec));
  }

  get(name: string): FunctionRecord | undefined {
    return this.records.get(name);
  }

  names(): string[] {
    return [...this.records.keys()];
  }

  /** Mark that a change to `what` of `name` was attempted (also when it failed: it may have landed). */
  touch(name: string, what: Touched): void {
    let set = this.touched.get(name);
    if (!set) this.touched.set(name, (set = new Set()));
    set.add(what);
    // The gateway resets nodeSelector on PUT: a PUT touches placement too.
    if (what === 'deployment') set.add('placement');
  }

  isTouched(name: string): boolean {
    return (this.touched.get(name)?.size ?? 0) > 0;
  }

  /**
   * Put every touched function back as recorded. Returns the problems (empty
   * when all is restored); touched marks are cleared for what was restored.
   */
  async restore(ops: RestoreOps): Promise<string[]> {
    const problems: string[] = [];
    const rolled: string[] = [];
    for (const [name, what] of this.touched) {
      const rec = this.records.get(name);
      if (!rec || what.size === 0) continue;
      try {
        if (what.has('deployment')) {
          ops.log(`restore ${name}: PUT /system/functions (recorded limits, requests, env vars)`);
          await ops.put(rec.deployment);
        }
        if (what.has('placement') || what.has('deployment')) {
          const current = await ops.readDeployment(name);
          const patch = placementPatch(current, rec.nodeSelector, rec.affinity);
          if (patch) {
            ops.log(`restore ${name}: placement back to nodeSelector ${JSON.stringify(rec.nodeSelector)}${rec.affinity ? ' and the recorded affinity' : ''}`);
            await ops.patchDeployment(name, patch);
          }
        }
        if (what.has('replicas') || what.has('deployment')) {
          const current = await ops.readDeployment(name);
          if ((current.spec?.replicas ?? 1) !== rec.replicas) {
            ops.log(`restore ${name}: scale to ${rec.replicas} replicas`);
            await ops.scale(name, rec.replicas);
          }
        }
        rolled.push(name);
      } catch (err) {
        problems.push(`${name}: ${(err as Error).message}`);
      }
    }
    await Promise.all(rolled.map(async (name) => {
      try {
        await ops.waitForRollout(name);
        this.touched.delete(name);
      } catch (err) {
        problems.push(`${name}: ${(err as Error).message}`);
      }
    }));
    return problems;
  }
}
