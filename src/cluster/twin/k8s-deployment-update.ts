/**
 * A Deployment as patched or PUT by a client, read back into the function's
 * configuration (the mapping of k8s-deployment.ts, reversed): replicas,
 * resources, the container's env (`fprocess`, `max_inflight`, …), the
 * nodeSelector and a required node affinity (In, NotIn, Exists, DoesNotExist on
 * node labels, or `metadata.name` fields). A malformed object or a change to an
 * immutable field is an `InvalidUpdate` (422 Invalid); `diffPaths` names what
 * changed, for those messages.
 */
import type { NodeInfo } from '../types.js';
import { canonicalJson, FUNCTION_LABEL, InvalidUpdate, nodeLabels, type FunctionConfig, type Resources } from './model.js';
import { isObj, type Obj } from './k8s-meta.js';
import type { Json } from './patch.js';

function stringMap(v: unknown, path: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (!isObj(v)) throw new InvalidUpdate(`${path} must be a map of strings, got ${JSON.stringify(v)}`);
  for (const [k, x] of Object.entries(v)) if (typeof x !== 'string') throw new InvalidUpdate(`${path}.${k} must be a string, got ${JSON.stringify(x)}`);
  return { ...(v as Record<string, string>) };
}

function resourcesFrom(v: unknown, path: string): Resources {
  if (v === undefined || v === null) return {};
  if (!isObj(v)) throw new InvalidUpdate(`${path} must be a map of quantities`);
  const out: Resources = {};
  for (const key of ['cpu', 'memory'] as const) {
    const q = v[key];
    if (q === undefined || q === null) continue;
    if (typeof q !== 'string' && typeof q !== 'number') throw new InvalidUpdate(`${path}.${key} must be a quantity, got ${JSON.stringify(q)}`);
    out[key] = String(q);
  }
  return out;
}

/** Nodes a required node affinity allows, or null when there is none. Supports matchExpressions on node labels (In, NotIn, Exists, DoesNotExist). */
function affinityNodesFrom(aff: unknown, nodes: NodeInfo[]): string[] | null {
  if (aff === undefined || aff === null) return null;
  if (!isObj(aff)) throw new InvalidUpdate('spec.template.spec.affinity must be an object');
  const na = aff.nodeAffinity;
  if (na === undefined || na === null) return null;
  if (!isObj(na)) throw new InvalidUpdate('affinity.nodeAffinity must be an object');
  const req = na.requiredDuringSchedulingIgnoredDuringExecution;
  if (req === undefined || req === null) return null;
  if (!isObj(req) || !Array.isArray(req.nodeSelectorTerms) || req.nodeSelectorTerms.length === 0) {
    throw new InvalidUpdate('nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms must be a non-empty list');
  }
  const matches = (term: unknown, node: NodeInfo): boolean => {
    if (!isObj(term)) throw new InvalidUpdate('a nodeSelectorTerm must be an object');
    const labels = nodeLabels(node.name, node.labels);
    const exprs = term.matchExpressions ?? [];
    if (!Array.isArray(exprs)) throw new InvalidUpdate('matchExpressions must be a list');
    if (term.matchFields !== undefined) {
      const fields = term.matchFields;
      if (!Array.isArray(fields)) throw new InvalidUpdate('matchFields must be a list');
      for (const f of fields) {
        if (!isObj(f) || f.key !== 'metadata.name') throw new InvalidUpdate('matchFields supports only metadata.name');
        if (!exprMatches(f, node.name)) return false;
      }
    }
    return exprs.every((e) => {
      if (!isObj(e) || typeof e.key !== 'string') throw new InvalidUpdate('a matchExpression needs a key');
      return exprMatches(e, labels[e.key]);
    });
  };
  const out = nodes.filter((n) => (req.nodeSelectorTerms as unknown[]).some((t) => matches(t, n))).map((n) => n.name);
  return out;
}

function exprMatches(e: Obj, value: string | undefined): boolean {
  const values = e.values === undefined ? [] : e.values;
  if (!Array.isArray(values) || values.some((x) => typeof x !== 'string')) throw new InvalidUpdate('matchExpression values must be a list of strings');
  switch (e.operator) {
    case 'In': return value !== undefined && values.includes(value);
    case 'NotIn': return value === undefined || !values.includes(value);
    case 'Exists': return value !== undefined;
    case 'DoesNotExist': return value === undefined;
    default: throw new InvalidUpdate(`unsupported node selector operator ${JSON.stringify(e.operator)} (In, NotIn, Exists, DoesNotExist)`);
  }
}

/**
 * Read a (patched or replaced) Deployment back into a function configuration.
 * Throws InvalidUpdate for a malformed object or a change to an immutable field.
 */
export function configFromDeployment(obj: Json, current: FunctionConfig, nodes: NodeInfo[], namespace: string): FunctionConfig {
  if (!isObj(obj)) throw new InvalidUpdate('a Deployment must be a JSON object');
  if (obj.kind !== undefined && obj.kind !== 'Deployment') throw new InvalidUpdate(`kind must be Deployment, got ${JSON.stringify(obj.kind)}`);
  const meta = isObj(obj.metadata) ? obj.metadata : {};
  if (meta.name !== undefined && meta.name !== current.name) throw new InvalidUpdate(`metadata.name: the name of the object (${JSON.stringify(meta.name)}) does not match the name on the URL (${current.name})`);
  if (meta.namespace !== undefined && meta.namespace !== namespace) throw new InvalidUpdate(`metadata.namespace: the namespace of the object (${JSON.stringify(meta.namespace)}) does not match the namespace on the URL (${namespace})`);
  const spec = obj.spec;
  if (!isObj(spec)) throw new InvalidUpdate('spec is required');
  const sel = spec.selector;
  if (canonicalJson(sel) !== canonicalJson({ matchLabels: { [FUNCTION_LABEL]: current.name } })) {
    throw new InvalidUpdate(`spec.selector: field is immutable`);
  }
  const replicas = spec.replicas === undefined ? 1 : spec.replicas;
  if (typeof replicas !== 'number' || !Number.isSafeInteger(replicas) || replicas < 0) throw new InvalidUpdate(`spec.replicas must be a non-negative integer, got ${JSON.stringify(spec.replicas)}`);
  const template = spec.template;
  if (!isObj(template)) throw new InvalidUpdate('spec.template is required');
  const tmeta = isObj(template.metadata) ? template.metadata : {};
  const pspec = template.spec;
  if (!isObj(pspec)) throw new InvalidUpdate('spec.template.spec is required');
  const containers = pspec.containers;
  if (!Array.isArray(containers) || containers.length === 0 || !isObj(containers[0])) throw new InvalidUpdate('spec.template.spec.containers must hold the function container');
  const c = (containers.find((x) => isObj(x) && x.name === current.name) ?? containers[0]) as Obj;
  if (typeof c.image !== 'string' || c.image === '') throw new InvalidUpdate('spec.template.spec.containers[0].image is required');
  const res = isObj(c.resources) ? c.resources : {};
  const envList = c.env === undefined || c.env === null ? [] : c.env;
  if (!Array.isArray(envList)) throw new InvalidUpdate('containers[0].env must be a list');
  let envProcess = '';
  const envVars: Record<string, string> = {};
  for (const item of envList) {
    if (!isObj(item) || typeof item.name !== 'string') throw new InvalidUpdate('every env item needs a name');
    if (item.valueFrom !== undefined) continue; // not modelled
    const value = item.value === undefined || item.value === null ? '' : item.value;
    if (typeof value !== 'string') throw new InvalidUpdate(`env ${item.name}: value must be a string, got ${JSON.stringify(value)}`);
    if (item.name === 'fprocess') envProcess = value;
    else envVars[item.name] = value;
  }
  const nodeSelector = stringMap(pspec.nodeSelector, 'spec.template.spec.nodeSelector');
  const sc = isObj(c.securityContext) ? c.securityContext : {};
  const annotations = stringMap(meta.annotations, 'metadata.annotations');
  delete annotations['deployment.kubernetes.io/revision'];
  return {
    ...current,
    image: c.image,
    replicas,
    limits: resourcesFrom(res.limits, 'resources.limits'),
    requests: resourcesFrom(res.requests, 'resources.requests'),
    envProcess,
    envVars,
    nodeSelector: Object.keys(nodeSelector).length === 0 ? null : nodeSelector,
    affinityNodes: affinityNodesFrom(pspec.affinity, nodes),
    labels: meta.labels === undefined ? { ...current.labels } : stringMap(meta.labels, 'metadata.labels'),
    annotations,
    templateLabels: stringMap(tmeta.labels, 'spec.template.metadata.labels'),
    templateAnnotations: stringMap(tmeta.annotations, 'spec.template.metadata.annotations'),
    readOnlyRootFilesystem: sc.readOnlyRootFilesystem === true,
  };
}

/** Paths where `a` and `b` differ (up to `max`), for telling clients which changes the twin does not model. */
export function diffPaths(a: unknown, b: unknown, path = '', out: string[] = [], max = 8): string[] {
  if (out.length >= max) return out;
  if (isObj(a) && isObj(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of [...keys].sort()) diffPaths(a[k], b[k], path ? `${path}.${k}` : k, out, max);
    return out;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((x, i) => diffPaths(x, b[i], `${path}[${i}]`, out, max));
    return out;
  }
  if (canonicalJson(a) !== canonicalJson(b)) out.push(path || '(root)');
  return out;
}
