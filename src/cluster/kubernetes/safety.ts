/**
 * Leave the cluster as it was found. At the first contact of an episode the
 * backend records, for every function the environment manages, its
 * Deployment's pod template (`spec.template`: the container's env — also
 * `valueFrom` entries — resources, security context, labels, annotations,
 * `nodeSelector`, `affinity`, …) and replica count. The backend changes
 * functions only through the Kubernetes API (a strategic-merge patch of the
 * template) and the gateway's scale endpoint, never through the gateway's
 * `PUT /system/functions`, which on faas-netes replaces the env, the security
 * context, the labels and annotations and resets the nodeSelector
 * (pkg/handlers/update.go). `restore` puts the recorded template back with one
 * merge patch (RFC 7386: lists such as `containers` and `env` are replaced
 * whole, so the recorded ones come back byte for byte), then the replica
 * count, waits for the rollouts, and reports what could not be restored
 * instead of stopping at the first failure. The records also go to the
 * on-disk journal (journal.ts) so that a killed run is restored by the next.
 */
import type { V1Affinity, V1Deployment, V1PodTemplateSpec } from '@kubernetes/client-node';

/** What a function looked like before the backend touched it. */
export interface FunctionRecord {
  name: string;
  /** Deployment `spec.template`. */
  template: V1PodTemplateSpec;
  /** Deployment `spec.replicas`. */
  replicas: number;
}

export type Touched = 'template' | 'replicas';

/** What `restore` needs from the backend. */
export interface RestoreOps {
  readDeployment(name: string): Promise<V1Deployment>;
  /** A JSON merge patch (RFC 7386) of the Deployment. */
  patchDeployment(name: string, patch: Record<string, unknown>): Promise<unknown>;
  scale(name: string, replicas: number): Promise<void>;
  waitForRollout(name: string): Promise<unknown>;
  log(line: string): void;
}

export function recordOf(deployment: V1Deployment): FunctionRecord {
  return {
    name: deployment.metadata?.name ?? '',
    template: structuredClone(deployment.spec?.template ?? {}) as V1PodTemplateSpec,
    replicas: deployment.spec?.replicas ?? 1,
  };
}

/** The merge patch that puts a Deployment's pod template back to `template` (undefined: already so). */
export function templateRestorePatch(current: V1Deployment, template: V1PodTemplateSpec): Record<string, unknown> | undefined {
  const diff = mergePatchDiff(JSON.parse(JSON.stringify(current.spec?.template ?? {})), JSON.parse(JSON.stringify(template)));
  return diff === undefined ? undefined : { spec: { template: diff } };
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

  all(): FunctionRecord[] {
    return [...this.records.values()].map((r) => structuredClone(r));
  }

  /** Mark that a change to `what` of `name` was attempted (also when it failed: it may have landed). */
  touch(name: string, what: Touched): void {
    let set = this.touched.get(name);
    if (!set) this.touched.set(name, (set = new Set()));
    set.add(what);
  }

  isTouched(name: string): boolean {
    return (this.touched.get(name)?.size ?? 0) > 0;
  }

  /** Mark every recorded function touched (a restore from a journal checks everything). */
  touchAll(): void {
    for (const name of this.records.keys()) {
      this.touch(name, 'template');
      this.touch(name, 'replicas');
    }
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
        const current = await ops.readDeployment(name);
        const patch = templateRestorePatch(current, rec.template);
        if (patch) {
          ops.log(`restore ${name}: pod template back to the recorded one (env, resources, placement)`);
          await ops.patchDeployment(name, patch);
        }
        if ((current.spec?.replicas ?? 1) !== rec.replicas) {
          ops.log(`restore ${name}: scale to ${rec.replicas} replicas`);
          await ops.scale(name, rec.replicas);
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
