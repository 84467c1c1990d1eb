/**
 * Applying `ConfigChange`s to a Kubernetes + OpenFaaS CE cluster (issue 17).
 *
 * - Resources, `max_inflight` and placement: one strategic-merge patch of the
 *   Deployment's pod template through the Kubernetes API (the function's
 *   container by name, its env var `max_inflight` by name; every other env var,
 *   `valueFrom` included, the security context, labels and annotations stay).
 *   Never the gateway's `PUT /system/functions`, which on faas-netes replaces
 *   the env and the security context and resets the nodeSelector
 *   (pkg/handlers/update.go) and answers 200 when the update failed.
 * - Every template change is read back: limits, requests and `max_inflight`
 *   that differ from what was asked are a refusal, and the template is put
 *   back.
 * - Replicas: `POST /system/scale-function` (the gateway). OpenFaaS CE keeps
 *   replicas in 1–5 (gateway/scaling/ranges.go clamps, faas-netes
 *   replica_updater.go caps, its watcher resets Deployments outside the range):
 *   on CE a scale outside is clamped, reported as refused with the reason and
 *   warned about; `spec.replicas` is read back after scaling.
 * - A template change is a rolling update (maxSurge 1, maxUnavailable 0): new
 *   pods cold-start and need room for a surge pod. A rollout stuck on
 *   unschedulable pods is refused and reverted (the template put back), a
 *   scale-out granted as far as pods were placed, as the simulator grants them.
 */
import type { V1Affinity, V1Container, V1Deployment, V1PodTemplateSpec } from '@kubernetes/client-node';
import { BackendError, quote } from '../../core/errors.js';
import type { ApplyResult, ConfigChange } from '../types.js';
import type { KubernetesBackendConfig } from './config.js';
import type { GatewayClient } from './gateway-client.js';
import type { K8sClient } from './k8s-client.js';
import { cpuMilli, formatCpu, formatMemory, memoryMb } from './quantity.js';
import { BackendRequestError, sleep } from './retry.js';
import { FUNCTION_LABEL, HOSTNAME_LABEL, rolloutState } from './rollout.js';
import { placementPatch, templateRestorePatch, type SafetyLedger } from './safety.js';

/** The configuration the backend manages for a function. */
export interface Desired {
  replicas: number;
  cpuMilli: number;
  memoryMb: number;
  maxInflight: number;
  /** Allowed nodes (scenario names), null = any. */
  placement: string[] | null;
}

/** What applying changes needs from the cluster object. */
export interface ApplyContext {
  cfg: KubernetesBackendConfig;
  gateway: GatewayClient;
  k8s: K8sClient;
  toK8s: Map<string, string>;
  desired: Map<string, Desired>;
  ledger: SafetyLedger;
  managed: readonly string[];
  /** Scenario names of the cluster's nodes. */
  nodeNames(): string[];
  /** The edition's replica range (OpenFaaS CE: 1–5), null when unbounded. */
  replicaRange: { min: number; max: number } | null;
  /** Re-list the pods (replica starts, samples). */
  refreshPods(): Promise<void>;
  log(line: string): void;
  /** A warning for the next window's snapshot. */
  warn(line: string): void;
}

export function parseInflight(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return 0;
  const n = Number(raw);
  return Number.isSafeInteger(n) && n >= 0 ? n : 0;
}

/** The function's container: the one named after it (faas-netes), else the first. */
export function functionContainer(dep: V1Deployment, name: string): V1Container | undefined {
  const cs = dep.spec?.template?.spec?.containers ?? [];
  return cs.find((c) => c.name === name) ?? cs[0];
}

/** Allowed nodes (scenario names) of a Deployment: its hostname nodeSelector or required hostname affinity; null = any. */
export function placementOf(dep: V1Deployment, fromK8s: Map<string, string>): string[] | null {
  const pod = dep.spec?.template?.spec;
  const host = pod?.nodeSelector?.[HOSTNAME_LABEL];
  if (host !== undefined) return [fromK8s.get(host) ?? host];
  const terms = pod?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  for (const t of terms) {
    for (const e of t.matchExpressions ?? []) {
      if (e.key === HOSTNAME_LABEL && e.operator === 'In' && e.values && e.values.length > 0) return e.values.map((v) => fromK8s.get(v) ?? v);
    }
  }
  return null;
}

/** A function's managed configuration as its Deployment holds it. */
export function desiredOf(dep: V1Deployment, name: string, fromK8s: Map<string, string>, fallback: { cpuMilli: number; memoryMb: number }): Desired {
  const c = functionContainer(dep, name);
  const limits = c?.resources?.limits ?? {};
  const requests = c?.resources?.requests ?? {};
  const cpu = limits.cpu ?? requests.cpu;
  const mem = limits.memory ?? requests.memory;
  return {
    replicas: dep.spec?.replicas ?? 1,
    cpuMilli: cpu !== undefined ? cpuMilli(cpu, `${name} cpu`) : fallback.cpuMilli,
    memoryMb: mem !== undefined ? memoryMb(mem, `${name} memory`) : fallback.memoryMb,
    maxInflight: parseInflight(c?.env?.find((e) => e.name === 'max_inflight')?.value),
    placement: placementOf(dep, fromK8s),
  };
}

/**
 * The strategic-merge patch that gives `dep` the resources, `max_inflight` and
 * placement of `d` (undefined: nothing to change). `recordedSelector` holds the
 * non-hostname nodeSelector keys to keep when placement goes back to "any".
 */
export function templatePatch(dep: V1Deployment, name: string, d: Desired, requestRatio: number, toK8s: Map<string, string>, recordedSelector: Record<string, string> | null): Record<string, unknown> | undefined {
  const c = functionContainer(dep, name);
  const cname = c?.name ?? name;
  const have = desiredOf(dep, name, new Map(), { cpuMilli: d.cpuMilli, memoryMb: d.memoryMb });
  const container: Record<string, unknown> = { name: cname };
  const req = c?.resources?.requests ?? {};
  const wantReqCpu = Math.round(d.cpuMilli * requestRatio), wantReqMem = Math.round(d.memoryMb * requestRatio);
  const reqDiffers = req.cpu === undefined || req.memory === undefined || cpuMilli(req.cpu, 'requests.cpu') !== wantReqCpu || Math.round(memoryMb(req.memory, 'requests.memory')) !== wantReqMem;
  if (have.cpuMilli !== d.cpuMilli || have.memoryMb !== d.memoryMb || reqDiffers) {
    container.resources = {
      limits: { cpu: formatCpu(d.cpuMilli), memory: formatMemory(d.memoryMb) },
      requests: { cpu: formatCpu(wantReqCpu), memory: formatMemory(wantReqMem) },
    };
  }
  const hasVar = c?.env?.some((e) => e.name === 'max_inflight') ?? false;
  if (have.maxInflight !== d.maxInflight && (d.maxInflight > 0 || hasVar)) container.env = [{ name: 'max_inflight', value: String(d.maxInflight) }];
  const spec: Record<string, unknown> = {};
  if (Object.keys(container).length > 1) spec.containers = [container];
  const place = placementFor(dep, d.placement, toK8s, recordedSelector);
  if (place) Object.assign(spec, (place.spec as { template: { spec: object } }).template.spec);
  return Object.keys(spec).length > 0 ? { spec: { template: { spec } } } : undefined;
}

/** The merge patch of the placement part (nodeSelector on the hostname, or a required node affinity for several nodes). */
function placementFor(current: V1Deployment, nodes: string[] | null, toK8s: Map<string, string>, recordedSelector: Record<string, string> | null): Record<string, unknown> | undefined {
  const pod: { nodeSelector?: Record<string, string>; affinity?: V1Affinity } = current.spec?.template?.spec ?? {};
  const selector: Record<string, string> = { ...(pod.nodeSelector ?? {}) };
  delete selector[HOSTNAME_LABEL];
  let affinity = pod.affinity ? structuredClone(pod.affinity) : null;
  if (affinity?.nodeAffinity) delete affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution;
  if (nodes === null) {
    for (const [k, v] of Object.entries(recordedSelector ?? {})) if (k !== HOSTNAME_LABEL) selector[k] = v;
  } else if (nodes.length === 1) {
    selector[HOSTNAME_LABEL] = toK8s.get(nodes[0] as string) ?? (nodes[0] as string);
  } else {
    affinity ??= {};
    affinity.nodeAffinity = {
      ...(affinity.nodeAffinity ?? {}),
      requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: HOSTNAME_LABEL, operator: 'In', values: nodes.map((n) => toK8s.get(n) ?? n) }] }] },
    };
  }
  if (affinity && (!affinity.nodeAffinity || Object.keys(affinity.nodeAffinity).length === 0)) delete affinity.nodeAffinity;
  if (affinity && Object.keys(affinity).length === 0) affinity = null;
  return placementPatch(current, Object.keys(selector).length > 0 ? selector : null, affinity);
}

/** What differs between the Deployment as read back and `d` (limits, requests, max_inflight); empty when it matches. */
export function readBackMismatch(dep: V1Deployment, name: string, d: Desired, requestRatio: number): string[] {
  const c = functionContainer(dep, name);
  const out: string[] = [];
  const lim = c?.resources?.limits ?? {}, req = c?.resources?.requests ?? {};
  const check = (what: string, raw: string | undefined, want: number, parse: (q: string) => number, fmt: (x: number) => string): void => {
    const got = raw === undefined ? null : Math.round(parse(raw));
    if (got !== want) out.push(`${what} is ${raw === undefined ? 'unset' : quote(raw)} instead of ${quote(fmt(want))}`);
  };
  check('limits.cpu', lim.cpu, d.cpuMilli, (q) => cpuMilli(q, 'limits.cpu'), formatCpu);
  check('limits.memory', lim.memory, d.memoryMb, (q) => memoryMb(q, 'limits.memory'), formatMemory);
  check('requests.cpu', req.cpu, Math.round(d.cpuMilli * requestRatio), (q) => cpuMilli(q, 'requests.cpu'), formatCpu);
  check('requests.memory', req.memory, Math.round(d.memoryMb * requestRatio), (q) => memoryMb(q, 'requests.memory'), formatMemory);
  const mi = parseInflight(c?.env?.find((e) => e.name === 'max_inflight')?.value);
  if (mi !== d.maxInflight) out.push(`max_inflight is ${mi} instead of ${d.maxInflight}`);
  return out;
}

/** Check one change against the managed functions and nodes; the reason it cannot be made, or null. */
export function invalidChange(change: ConfigChange, ctx: Pick<ApplyContext, 'desired' | 'managed' | 'nodeNames'>): string | null {
  if (typeof change !== 'object' || change === null) return `a change must be an object, got ${quote(change)}`;
  const fn = (change as { fn?: unknown }).fn;
  if (typeof fn !== 'string' || !ctx.desired.has(fn)) return `unknown function ${quote(fn)} (this environment manages ${ctx.managed.join(', ')})`;
  const nodes = new Set(ctx.nodeNames());
  switch (change.kind) {
    case 'scale':
      return Number.isSafeInteger(change.replicas) && change.replicas >= 0 ? null : `replicas must be a non-negative integer, got ${quote(change.replicas)}`;
    case 'resize': {
      if (change.cpuMilli !== undefined && !(change.cpuMilli > 0 && Number.isFinite(change.cpuMilli))) return `cpuMilli must be a finite number > 0, got ${quote(change.cpuMilli)}`;
      if (change.memoryMb !== undefined && !(change.memoryMb > 0 && Number.isFinite(change.memoryMb))) return `memoryMb must be a finite number > 0, got ${quote(change.memoryMb)}`;
      return null;
    }
    case 'concurrency':
      return Number.isSafeInteger(change.maxInflight) && change.maxInflight >= 0 ? null : `maxInflight must be a non-negative integer, got ${quote(change.maxInflight)}`;
    case 'migrate':
      return nodes.has(change.to) ? null : `unknown node ${quote(change.to)}`;
    case 'place': {
      if (change.nodes === null) return null;
      if (!Array.isArray(change.nodes) || change.nodes.length === 0) return `nodes must be a non-empty array of node names or null, got ${quote(change.nodes)}`;
      const unknown = change.nodes.find((n) => !nodes.has(n));
      return unknown === undefined ? null : `unknown node ${quote(unknown)}`;
    }
    case 'prewarm':
      return Number.isSafeInteger(change.count) && change.count >= 1 ? null : `count must be a positive integer, got ${quote(change.count)}`;
    default:
      return `unknown change kind ${quote((change as { kind: unknown }).kind)}`;
  }
}

interface Plan {
  before: Desired;
  after: Desired;
  prewarm: number;
  changes: ConfigChange[];
  /** The pod template before this apply changed it (to revert), when it did. */
  templateBefore: V1PodTemplateSpec | null;
}

const TEMPLATE_KINDS: ConfigChange['kind'][] = ['resize', 'concurrency', 'migrate', 'place'];

/** Apply the changes; see the module comment. */
export async function applyChanges(ctx: ApplyContext, changes: ConfigChange[]): Promise<Omit<ApplyResult, 'functions'>> {
  const { cfg } = ctx;
  const result: Omit<ApplyResult, 'functions'> = { applied: [], rejected: [] };
  // Group the valid changes per function, in order; the last value of each aspect wins, as applying them in order would.
  const plans = new Map<string, Plan>();
  for (const change of changes) {
    const reason = invalidChange(change, ctx);
    if (reason !== null) {
      result.rejected.push({ change, reason });
      continue;
    }
    const before = ctx.desired.get(change.fn) as Desired;
    let plan = plans.get(change.fn);
    if (!plan) plans.set(change.fn, (plan = { before: { ...before }, after: { ...before, placement: before.placement ? [...before.placement] : null }, prewarm: 0, changes: [], templateBefore: null }));
    const a = plan.after;
    switch (change.kind) {
      case 'scale': a.replicas = change.replicas; break;
      case 'resize': a.cpuMilli = Math.round(change.cpuMilli ?? a.cpuMilli); a.memoryMb = Math.round(change.memoryMb ?? a.memoryMb); break;
      case 'concurrency': a.maxInflight = change.maxInflight; break;
      // A Deployment's replicas share one pod template: a migration moves every replica of the function.
      case 'migrate': a.placement = [change.to]; break;
      case 'place': a.placement = change.nodes === null ? null : [...change.nodes]; break;
      case 'prewarm': plan.prewarm += change.count; break;
    }
    plan.changes.push(change);
  }
  if (plans.size === 0) return result;
  const refuse = (p: Plan, kinds: ConfigChange['kind'][], reason: string): void => {
    for (const c of p.changes) if (kinds.includes(c.kind)) result.rejected.push({ change: c, reason });
    p.changes = p.changes.filter((c) => !kinds.includes(c.kind));
  };

  // CE's replica range: clamp, and say so.
  const range = ctx.replicaRange;
  if (range) {
    for (const [name, p] of plans) {
      const want = p.after.replicas;
      if (want === p.before.replicas || (want >= range.min && want <= range.max)) continue;
      const got = Math.min(range.max, Math.max(range.min, want));
      const reason = `OpenFaaS CE keeps replicas in ${range.min}–${range.max} (the gateway clamps scale requests and faas-netes resets Deployments outside it): ${name} asked ${want}, set ${got}`;
      refuse(p, ['scale'], reason);
      ctx.warn(reason);
      p.after.replicas = got;
    }
  }

  if (cfg.dryRun) {
    for (const [name, p] of plans) {
      for (const line of describePlan(name, p.before, p.after, p.prewarm, cfg)) ctx.log(`dry-run: ${line}`);
      ctx.desired.set(name, p.after);
      result.applied.push(...p.changes);
    }
    return result;
  }

  // 1. The pod template (one strategic-merge patch, read back), then replicas (the gateway, read back).
  const deadline = Date.now() + cfg.changeTimeoutSeconds * 1000;
  const touched: string[] = [];
  for (const [name, p] of plans) {
    const { before, after } = p;
    const templateChanged = before.cpuMilli !== after.cpuMilli || before.memoryMb !== after.memoryMb || before.maxInflight !== after.maxInflight
      || JSON.stringify(before.placement) !== JSON.stringify(after.placement);
    if (!templateChanged && before.replicas === after.replicas) continue;
    touched.push(name);
    if (templateChanged) {
      const current = await ctx.k8s.readDeployment(name);
      const recorded = ctx.ledger.get(name)?.template.spec?.nodeSelector ?? null;
      const patch = templatePatch(current, name, after, cfg.requestRatio, ctx.toK8s, recorded);
      if (patch) {
        p.templateBefore = structuredClone(current.spec?.template ?? {}) as V1PodTemplateSpec;
        ctx.ledger.touch(name, 'template');
        let problem: string | null = null;
        try {
          const back = await ctx.k8s.patchDeploymentStrategic(name, patch);
          const mismatch = readBackMismatch(back, name, after, cfg.requestRatio);
          if (mismatch.length > 0) problem = `the Deployment read back differs: ${mismatch.join(', ')}`;
        } catch (err) {
          // The API refused the content (400, 403, 422: nothing landed): a refusal. Anything else (timeouts,
          // dropped connections, 409/429/5xx after the bounded retries) is the cluster failing: a BackendError.
          const status = err instanceof BackendRequestError ? err.status : null;
          if (status === null || status === 409 || status === 429 || status >= 500) throw err;
          problem = `the Kubernetes API refused the change: ${(err as Error).message}`;
        }
        if (problem !== null) {
          await revertTemplate(ctx, name, p.templateBefore);
          p.templateBefore = null;
          refuse(p, TEMPLATE_KINDS, `${name}: ${problem}`);
          after.cpuMilli = before.cpuMilli; after.memoryMb = before.memoryMb; after.maxInflight = before.maxInflight; after.placement = before.placement;
        }
      }
    }
    if (after.replicas !== before.replicas) {
      ctx.ledger.touch(name, 'replicas');
      await ctx.gateway.scaleFunction(name, cfg.namespace, after.replicas);
      const got = (await ctx.k8s.readDeployment(name)).spec?.replicas ?? 1;
      if (got !== after.replicas) {
        refuse(p, ['scale'], `${name}: spec.replicas reads ${got} after scaling to ${after.replicas}`);
        after.replicas = got;
      }
    }
    ctx.desired.set(name, after);
  }

  // New pods count (replica samples) from the moment they exist, as a simulated replica does.
  if (touched.length > 0) await ctx.refreshPods();

  // 2. Wait for the rollouts; one stuck on unschedulable pods is a refusal (no room), reverted.
  const outcomes = await Promise.all(touched.map((name) => awaitRollout(ctx, name, deadline)));
  for (let i = 0; i < touched.length; i++) {
    const name = touched[i] as string;
    const stuck = outcomes[i];
    if (stuck === null || stuck === undefined) continue;
    const p = plans.get(name) as Plan;
    const reason = `no node has room for ${name}'s rollout (${formatCpu(p.after.cpuMilli)} CPU, ${formatMemory(p.after.memoryMb)} per replica, one surge pod at a time): ${stuck}`;
    await undo(ctx, name, p, deadline, reason, refuse);
  }

  // 3. Prewarm: dummy invocations, all at once, within the deadline.
  for (const [name, p] of plans) {
    if (p.prewarm === 0) continue;
    const signal = AbortSignal.timeout(Math.max(1, deadline - Date.now()));
    const outcomes2 = await Promise.all(Array.from({ length: p.prewarm }, () => ctx.gateway.invoke(name, { namespace: cfg.namespace, body: cfg.load.body ?? '', signal })));
    const bad = outcomes2.filter((o) => !(o.status >= 200 && o.status < 300)).length;
    if (bad > 0) refuse(p, ['prewarm'], `${bad} of ${p.prewarm} prewarm invocations of ${name} failed`);
  }
  for (const p of plans.values()) result.applied.push(...p.changes);
  await ctx.refreshPods();
  return result;
}

async function revertTemplate(ctx: ApplyContext, name: string, template: V1PodTemplateSpec | null): Promise<void> {
  if (!template) return;
  const patch = templateRestorePatch(await ctx.k8s.readDeployment(name), template);
  if (patch) await ctx.k8s.patchDeployment(name, patch);
}

/**
 * A rollout the cluster has no room for: put the template back (refusing the
 * resize, concurrency and placement parts — on Kubernetes a max_inflight
 * change needs a surge pod too), then scale back to the replicas that were
 * placed (a scale-out partly granted, as in the simulator).
 */
async function undo(ctx: ApplyContext, name: string, p: Plan, deadline: number, reason: string, refuse: (p: Plan, kinds: ConfigChange['kind'][], reason: string) => void): Promise<void> {
  const { before } = p;
  const restored: Desired = { ...p.after };
  let stuck: string | null = reason;
  if (p.templateBefore) {
    await revertTemplate(ctx, name, p.templateBefore);
    restored.cpuMilli = before.cpuMilli; restored.memoryMb = before.memoryMb; restored.maxInflight = before.maxInflight; restored.placement = before.placement;
    refuse(p, TEMPLATE_KINDS, reason);
    ctx.desired.set(name, { ...restored });
    stuck = await awaitRollout(ctx, name, deadline);
  }
  if (stuck !== null && restored.replicas > before.replicas) {
    const pods = (await ctx.k8s.listFunctionPods()).filter((x) => x.metadata?.labels?.[FUNCTION_LABEL] === name && !x.metadata?.deletionTimestamp);
    const placed = pods.filter((x) => x.spec?.nodeName).length;
    restored.replicas = Math.max(before.replicas, Math.min(restored.replicas, placed));
    if ((await ctx.k8s.readDeployment(name)).spec?.replicas !== restored.replicas) await ctx.gateway.scaleFunction(name, ctx.cfg.namespace, restored.replicas);
    refuse(p, ['scale', 'prewarm'], reason);
    ctx.desired.set(name, { ...restored });
    stuck = await awaitRollout(ctx, name, deadline);
  }
  if (stuck !== null) throw new BackendError(`${name}: a rollout cannot be scheduled and undoing the change did not help: ${stuck}`);
}

/**
 * Wait until `name`'s rollout is done (null), or it is stuck on pods the
 * scheduler cannot place (the scheduler's message), or the deadline passes
 * (BackendError).
 */
export async function awaitRollout(ctx: Pick<ApplyContext, 'cfg' | 'k8s'>, name: string, deadline: number): Promise<string | null> {
  const pollMs = ctx.cfg.pollSeconds * 1000;
  let stuckPolls = 0;
  for (;;) {
    const d = await ctx.k8s.readDeployment(name);
    const state = rolloutState(d);
    if (state.done) return null;
    const pods = (await ctx.k8s.listFunctionPods()).filter((p) => p.metadata?.labels?.[FUNCTION_LABEL] === name && !p.metadata?.deletionTimestamp);
    const unschedulable = pods.map((p) => p.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable')).filter((c) => c !== undefined);
    stuckPolls = unschedulable.length > 0 ? stuckPolls + 1 : 0;
    if (stuckPolls >= 2) return `${unschedulable.length} pod(s) unschedulable: ${unschedulable[0]?.message ?? 'Unschedulable'}`;
    const left = deadline - Date.now();
    if (left <= 0) throw new BackendError(`rollout of ${name} in namespace ${ctx.k8s.namespace} did not finish by its deadline: ${state.detail}`);
    await sleep(Math.min(pollMs, left));
  }
}

/** Log lines of a dry run: what would be sent, per function. */
export function describePlan(name: string, before: Desired, after: Desired, prewarm: number, cfg: KubernetesBackendConfig): string[] {
  const lines: string[] = [];
  const parts: string[] = [];
  if (before.cpuMilli !== after.cpuMilli) parts.push(`limits.cpu ${formatCpu(before.cpuMilli)} -> ${formatCpu(after.cpuMilli)}`);
  if (before.memoryMb !== after.memoryMb) parts.push(`limits.memory ${formatMemory(before.memoryMb)} -> ${formatMemory(after.memoryMb)}`);
  if (before.maxInflight !== after.maxInflight) parts.push(`env max_inflight ${before.maxInflight} -> ${after.maxInflight}`);
  if (JSON.stringify(before.placement) !== JSON.stringify(after.placement)) {
    parts.push(after.placement === null ? 'placement any node' : after.placement.length === 1 ? `nodeSelector ${HOSTNAME_LABEL}=${after.placement[0]}` : `node affinity ${HOSTNAME_LABEL} in [${after.placement.join(', ')}]`);
  }
  if (parts.length > 0) lines.push(`${name}: would PATCH deployment ${cfg.namespace}/${name} (strategic merge: ${parts.join(', ')}; a rolling update)`);
  if (before.replicas !== after.replicas) lines.push(`${name}: would POST /system/scale-function/${name} replicas ${before.replicas} -> ${after.replicas}`);
  if (prewarm > 0) lines.push(`${name}: would send ${prewarm} prewarm invocations`);
  return lines;
}
