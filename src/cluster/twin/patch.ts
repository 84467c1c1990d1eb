/**
 * The three PATCH flavours of the Kubernetes API, applied to plain JSON:
 * - JSON merge patch (RFC 7386, `application/merge-patch+json`);
 * - strategic merge patch (`application/strategic-merge-patch+json`, kubectl's
 *   default): a merge patch where lists of objects with a merge key (containers
 *   and env by `name`, ports by `containerPort`, ...) merge item by item, with
 *   the `$patch: delete|replace|merge` and `$retainKeys` directives
 *   (`$setElementOrder/...` is accepted and ignored);
 * - JSON patch (RFC 6902, `application/json-patch+json`): add, remove,
 *   replace, move, copy, test.
 * Errors are `PatchError`s (the API answers 422, or 400 for a malformed patch).
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

export class PatchError extends Error {
  constructor(message: string, readonly malformed = false) {
    super(message);
    this.name = 'PatchError';
  }
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const clone = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));

/** RFC 7386. */
export function mergePatch(target: unknown, patch: unknown): Json {
  if (!isObj(patch)) return clone(patch as Json);
  const out: Obj = isObj(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k] ?? null, v);
  }
  return out;
}

/** Merge keys of the lists the twin's objects have (apps/v1 Deployment, v1 PodSpec). */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  ports: 'containerPort',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  volumes: 'name',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  conditions: 'type',
  ownerReferences: 'uid',
  topologySpreadConstraints: 'topologyKey',
};

/** Strategic merge patch (the subset described in the module comment). */
export function strategicMergePatch(target: unknown, patch: unknown): Json {
  if (!isObj(patch)) return clone(patch as Json);
  return smpObject(isObj(target) ? target : {}, patch);
}

function smpObject(target: Obj, patch: Obj): Obj {
  const directive = patch.$patch;
  if (directive === 'replace') {
    const { $patch: _p, ...rest } = patch;
    return stripDirectives(rest) as Obj;
  }
  if (directive === 'delete') return {};
  if (directive !== undefined && directive !== 'merge') throw new PatchError(`unknown $patch directive ${JSON.stringify(directive)}`, true);
  let out: Obj = clone(target);
  const retain = patch.$retainKeys;
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys' || k.startsWith('$setElementOrder/')) continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const key = k.slice('$deleteFromPrimitiveList/'.length);
      if (!Array.isArray(v)) throw new PatchError(`${k} must be a list`, true);
      const cur = out[key];
      if (Array.isArray(cur)) out[key] = cur.filter((x) => !v.some((d) => JSON.stringify(d) === JSON.stringify(x)));
      continue;
    }
    if (v === null) {
      delete out[k];
      continue;
    }
    const cur = out[k];
    if (Array.isArray(v)) out[k] = smpList(k, Array.isArray(cur) ? cur : [], v);
    else if (isObj(v)) out[k] = smpObject(isObj(cur) ? cur : {}, v);
    else out[k] = v;
  }
  if (retain !== undefined) {
    if (!Array.isArray(retain) || retain.some((x) => typeof x !== 'string')) throw new PatchError('$retainKeys must be a list of strings', true);
    const keep = new Set(retain as string[]);
    out = Object.fromEntries(Object.entries(out).filter(([k]) => keep.has(k)));
  }
  return out;
}

function smpList(key: string, target: Json[], patch: Json[]): Json[] {
  const mergeKey = MERGE_KEYS[key];
  if (mergeKey === undefined || !patch.every(isObj)) {
    // Lists without a merge key (and primitive lists) are replaced, after honouring $patch: replace markers.
    return patch.filter((x) => !(isObj(x) && x.$patch === 'replace' && Object.keys(x).length === 1)).map((x) => stripDirectives(x));
  }
  if (patch.some((x) => isObj(x) && x.$patch === 'replace')) {
    return patch.filter((x) => !(isObj(x) && x.$patch === 'replace')).map((x) => stripDirectives(x));
  }
  const out = clone(target);
  for (const item of patch as Obj[]) {
    const id = item[mergeKey];
    if (id === undefined) throw new PatchError(`${key}: every item of a strategic merge patch needs its merge key ${JSON.stringify(mergeKey)}`, true);
    const i = out.findIndex((x) => isObj(x) && JSON.stringify(x[mergeKey]) === JSON.stringify(id));
    if (item.$patch === 'delete') {
      if (i >= 0) out.splice(i, 1);
      continue;
    }
    if (i >= 0) out[i] = smpObject(out[i] as Obj, item);
    else out.push(stripDirectives(item));
  }
  return out;
}

function stripDirectives(v: Json): Json {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) if (!k.startsWith('$')) out[k] = stripDirectives(x);
  return out;
}

// ------------------------------------------------------------------ RFC 6902

function parsePointer(ptr: unknown): string[] {
  if (typeof ptr !== 'string' || (ptr !== '' && !ptr.startsWith('/'))) throw new PatchError(`invalid JSON pointer ${JSON.stringify(ptr)}`, true);
  if (ptr === '') return [];
  return ptr.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function getAt(doc: Json, path: string[]): Json | undefined {
  let cur: Json | undefined = doc;
  for (const seg of path) {
    if (Array.isArray(cur)) {
      if (!/^(0|[1-9]\d*)$/.test(seg)) return undefined;
      cur = cur[Number(seg)];
    } else if (isObj(cur)) cur = Object.prototype.hasOwnProperty.call(cur, seg) ? cur[seg] : undefined;
    else return undefined;
  }
  return cur;
}

function parentOf(doc: Json, path: string[], op: string): { parent: Obj | Json[]; key: string } {
  if (path.length === 0) throw new PatchError(`${op}: the root cannot be the target here`);
  const parent = getAt(doc, path.slice(0, -1));
  if (!isObj(parent) && !Array.isArray(parent)) throw new PatchError(`${op}: path /${path.join('/')} does not exist`);
  return { parent, key: path[path.length - 1] as string };
}

function addAt(doc: Json, path: string[], value: Json, op: string): Json {
  if (path.length === 0) return clone(value);
  const { parent, key } = parentOf(doc, path, op);
  if (Array.isArray(parent)) {
    const i = key === '-' ? parent.length : Number(key);
    if (!/^(0|[1-9]\d*|-)$/.test(key) || i > parent.length) throw new PatchError(`${op}: index ${key} out of range at /${path.join('/')}`);
    parent.splice(i, 0, clone(value));
  } else parent[key] = clone(value);
  return doc;
}

function removeAt(doc: Json, path: string[], op: string): Json {
  const { parent, key } = parentOf(doc, path, op);
  if (Array.isArray(parent)) {
    const i = Number(key);
    if (!/^(0|[1-9]\d*)$/.test(key) || i >= parent.length) throw new PatchError(`${op}: index ${key} out of range at /${path.join('/')}`);
    parent.splice(i, 1);
  } else {
    if (!Object.prototype.hasOwnProperty.call(parent, key)) throw new PatchError(`${op}: path /${path.join('/')} does not exist`);
    delete parent[key];
  }
  return doc;
}

/** RFC 6902; the input document is not modified. */
export function jsonPatch(target: unknown, ops: unknown): Json {
  if (!Array.isArray(ops)) throw new PatchError('a JSON patch must be a list of operations', true);
  let doc = clone(target as Json);
  for (const raw of ops) {
    if (!isObj(raw) || typeof raw.op !== 'string') throw new PatchError(`invalid JSON patch operation ${JSON.stringify(raw)}`, true);
    const op = raw.op;
    const path = parsePointer(raw.path);
    switch (op) {
      case 'add':
        if (!('value' in raw)) throw new PatchError('add needs a value', true);
        doc = addAt(doc, path, raw.value as Json, op);
        break;
      case 'remove':
        doc = removeAt(doc, path, op);
        break;
      case 'replace':
        if (!('value' in raw)) throw new PatchError('replace needs a value', true);
        if (getAt(doc, path) === undefined) throw new PatchError(`replace: path ${String(raw.path)} does not exist`);
        doc = path.length === 0 ? clone(raw.value as Json) : addAt(removeAt(doc, path, op), path, raw.value as Json, op);
        break;
      case 'move':
      case 'copy': {
        const from = parsePointer(raw.from);
        const value = getAt(doc, from);
        if (value === undefined) throw new PatchError(`${op}: from ${String(raw.from)} does not exist`);
        if (op === 'move') doc = removeAt(doc, from, op);
        doc = addAt(doc, path, clone(value), op);
        break;
      }
      case 'test': {
        const value = getAt(doc, path);
        if (value === undefined || JSON.stringify(canonical(value)) !== JSON.stringify(canonical(raw.value as Json))) {
          throw new PatchError(`test failed at ${String(raw.path)}`);
        }
        break;
      }
      default:
        throw new PatchError(`unknown JSON patch op ${JSON.stringify(op)}`, true);
    }
  }
  return doc;
}

function canonical(v: Json): Json {
  if (Array.isArray(v)) return v.map(canonical);
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const k of Object.keys(v).sort()) out[k] = canonical(v[k] as Json);
  return out;
}

export type PatchType = 'merge' | 'strategic' | 'json';

/** The patch type of a PATCH request's content type, or null if unsupported. */
export function patchTypeOf(contentType: string | undefined): PatchType | null {
  const ct = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (ct === 'application/merge-patch+json') return 'merge';
  if (ct === 'application/strategic-merge-patch+json') return 'strategic';
  if (ct === 'application/json-patch+json') return 'json';
  return null;
}

export function applyPatch(type: PatchType, target: unknown, patch: unknown): Json {
  if (type === 'json') return jsonPatch(target, patch);
  if (!isObj(patch)) throw new PatchError(`a ${type} patch must be a JSON object`, true);
  return type === 'merge' ? mergePatch(target, patch) : strategicMergePatch(target, patch);
}
