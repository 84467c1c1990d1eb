/**
 * Atomic checkpoints of an agent: model weights, optimizer state,
 * hyperparameters and any extra JSON state (normalisation statistics, SES
 * records, counters).
 *
 * Layout: `<dir>/ckpt-000001/` holds `manifest.json` and one `<name>.bin` per
 * tensor group (little-endian float32); `<dir>/latest.json` names the current
 * one. A save writes and fsyncs a new subdirectory first, then replaces
 * `latest.json` by an atomic rename; a crash at any point leaves the previous
 * checkpoint intact and referenced. Older subdirectories beyond `keep` are pruned.
 *
 * Integrity (format version 2): the manifest stores each `.bin` file's byte
 * length and SHA-256; a load checks the manifest's structure, that every
 * group's tensors are laid out back to back (offsets exactly the running sum
 * of sizes), the file's size before reading it, its hash after, and that every
 * value is finite. Version 1 checkpoints (no hashes) load with all the other
 * checks.
 *
 * A training loop can attach its own state (step counters, its Rng, where its
 * metrics log ended) to the next save into a directory with `attachToNextSave`;
 * it lands in the manifest's `training` field, in the same atomic write as the
 * agent's weights, so the two can never disagree after a crash.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, FaasgymError, quote } from '../core/errors.js';
import { tf } from './tf.js';

export const CHECKPOINT_FORMAT = 'faasgym-checkpoint';
export const CHECKPOINT_VERSION = 2;
/** Versions this faasgym reads (1: without file hashes). */
export const READABLE_VERSIONS: readonly number[] = [1, 2];
/** Largest tensor group one file may hold, in float32 values (4 GiB). */
export const MAX_GROUP_VALUES = 2 ** 30;

export interface TensorEntry {
  name: string;
  shape: number[];
  /** Offset into the group's .bin file, in float32 elements. */
  offset: number;
}

export interface CheckpointManifest {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  agent: string;
  env: string | null;
  hyperparameters: Record<string, unknown>;
  extra: Record<string, unknown>;
  /** Tensor groups: each model's weights and each optimizer's state. */
  groups: Record<string, TensorEntry[]>;
  /** Per group: its `.bin` file's length in bytes and SHA-256 (hex). Version 2 on. */
  files?: Record<string, { bytes: number; sha256: string }>;
  /** State of the training loop that saved it (see `attachToNextSave`), when one did. */
  training?: Record<string, unknown>;
  createdAt: string;
}

export interface CheckpointContents {
  agent: string;
  env?: string | null;
  hyperparameters: Record<string, unknown>;
  extra?: Record<string, unknown>;
  /** Named groups of named tensors (e.g. `{ q: model weights, q_opt: optimizer weights }`); entries with `dispose` are freed once written. */
  groups: Record<string, GroupEntry[]>;
}

export interface TensorGroupEntry {
  name: string;
  tensor: tf.Tensor;
  /** The tensor was created for the save (not a model variable): free it after writing. */
  dispose?: boolean;
}

/** A tensor, or plain values (a replay buffer, a rollout) saved as they are. */
export type GroupEntry = TensorGroupEntry | { name: string; shape: number[]; values: Float32Array };

const attachments = new Map<string, Record<string, unknown>>();

/** Store `state` (JSON) as the `training` field of the next checkpoint saved into `dir`. */
export function attachToNextSave(dir: string, state: Record<string, unknown>): void {
  attachments.set(resolve(dir), state);
}

export interface LoadedCheckpoint {
  manifest: CheckpointManifest;
  path: string;
  /** Group → tensor name → values (as float32 arrays, with their shapes). */
  groups: Record<string, { name: string; shape: number[]; values: Float32Array }[]>;
}

/** The error a checkpoint that cannot be read raises. */
export class CheckpointError extends FaasgymError {}

function writeFileDurable(path: string, data: string | Uint8Array): void {
  const fd = openSync(path, 'w');
  try {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function fsyncDir(path: string): void {
  try {
    const fd = openSync(path, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // some filesystems cannot fsync directories; the rename is still atomic
  }
}

/** Save atomically into `dir` (created if needed); returns the new checkpoint's subdirectory. */
export async function saveCheckpoint(dir: string, contents: CheckpointContents, opts: { keep?: number } = {}): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const existing = readdirSync(dir).filter((n) => /^ckpt-\d{6}$/.test(n)).sort();
  const last = existing.length ? Number((existing[existing.length - 1] as string).slice(5)) : 0;
  const name = `ckpt-${String(last + 1).padStart(6, '0')}`;
  const sub = join(dir, name);
  const tmp = join(dir, `.${name}.partial`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  const groups: Record<string, TensorEntry[]> = {};
  const files: Record<string, { bytes: number; sha256: string }> = {};
  for (const [group, tensors] of Object.entries(contents.groups)) {
    if (!/^[A-Za-z0-9_.-]+$/.test(group)) throw new ConfigError(`checkpoint group name ${quote(group)} must be alphanumeric`);
    const entries: TensorEntry[] = [];
    const parts: Float32Array[] = [];
    let offset = 0;
    for (const entry of tensors) {
      let values: Float32Array, shape: number[];
      if ('tensor' in entry) {
        values = (await entry.tensor.data()) as Float32Array;
        shape = entry.tensor.shape.slice();
        if (entry.dispose) entry.tensor.dispose();
      } else {
        values = entry.values;
        shape = entry.shape.slice();
        if (shape.reduce((a, b) => a * b, 1) !== values.length) throw new ConfigError(`checkpoint group ${quote(group)}: ${quote(entry.name)} has ${values.length} values for shape ${quote(shape)}`);
      }
      entries.push({ name: entry.name, shape, offset });
      parts.push(Float32Array.from(values));
      offset += values.length;
    }
    const all = new Float32Array(offset);
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.length;
    }
    const bytes = new Uint8Array(all.buffer);
    writeFileDurable(join(tmp, `${group}.bin`), bytes);
    files[group] = { bytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') };
    groups[group] = entries;
  }
  const training = attachments.get(resolve(dir));
  attachments.delete(resolve(dir));
  const manifest: CheckpointManifest = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    agent: contents.agent,
    env: contents.env ?? null,
    hyperparameters: contents.hyperparameters,
    extra: contents.extra ?? {},
    groups,
    files,
    ...(training ? { training } : {}),
    createdAt: new Date().toISOString(),
  };
  writeFileDurable(join(tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  fsyncDir(tmp);
  renameSync(tmp, sub);
  fsyncDir(dir);
  const pointerTmp = join(dir, '.latest.json.partial');
  writeFileDurable(pointerTmp, `${JSON.stringify({ checkpoint: name })}\n`);
  renameSync(pointerTmp, join(dir, 'latest.json'));
  fsyncDir(dir);
  const keep = opts.keep ?? 2;
  for (const old of [...existing, name].slice(0, Math.max(0, existing.length + 1 - keep))) rmSync(join(dir, old), { recursive: true, force: true });
  return sub;
}

/** The checkpoint directory `dir/latest.json` names (or `dir` itself when it holds a manifest), checked to exist. */
export function resolveCheckpointPath(dir: string): string {
  const pointer = join(dir, 'latest.json');
  if (!existsSync(pointer)) {
    if (existsSync(join(dir, 'manifest.json'))) return dir;
    if (!existsSync(dir)) throw new CheckpointError(`no checkpoint at ${quote(dir)}: the directory does not exist`);
    const found = listCheckpoints(dir);
    throw new CheckpointError(
      found.length
        ? `${quote(dir)} has checkpoint directories (${found.join(', ')}) but no latest.json naming the complete one; load one of them directly, e.g. ${quote(join(dir, found[found.length - 1] as string))}`
        : `no checkpoint in ${quote(dir)} (expected latest.json or manifest.json)`,
    );
  }
  let parsed: { checkpoint?: unknown };
  try {
    parsed = JSON.parse(readFileSync(pointer, 'utf8')) as { checkpoint?: unknown };
  } catch (err) {
    throw new CheckpointError(`${pointer}: not valid JSON (${(err as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || typeof parsed.checkpoint !== 'string' || !/^ckpt-\d{6}$/.test(parsed.checkpoint)) {
    throw new CheckpointError(`${pointer}: "checkpoint" must name a ckpt-NNNNNN directory, got ${quote((parsed as { checkpoint?: unknown } | null)?.checkpoint)}`);
  }
  const path = join(dir, parsed.checkpoint);
  if (!existsSync(join(path, 'manifest.json'))) {
    const found = listCheckpoints(dir);
    throw new CheckpointError(
      `${pointer} names ${parsed.checkpoint}, but ${existsSync(path) ? `${quote(path)} has no manifest.json` : `${quote(path)} is missing`} (deleted, or copied without it?); ${found.length ? `checkpoints present: ${found.join(', ')}` : 'no other checkpoint is there'}`,
    );
  }
  return path;
}

function listCheckpoints(dir: string): string[] {
  try {
    return readdirSync(dir).filter((n) => /^ckpt-\d{6}$/.test(n)).sort();
  } catch {
    return [];
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Check the manifest's structure before anything is allocated from it. */
function checkManifest(raw: unknown, where: string): CheckpointManifest {
  if (!isObject(raw)) throw new CheckpointError(`${where}: the manifest must be a JSON object, got ${quote(raw)}`);
  if (raw.format !== CHECKPOINT_FORMAT) throw new CheckpointError(`${where}: not a faasgym checkpoint (format ${quote(raw.format)})`);
  if (typeof raw.version !== 'number' || !READABLE_VERSIONS.includes(raw.version)) {
    throw new CheckpointError(`${where}: checkpoint version ${quote(raw.version)} is not supported (this faasgym reads ${READABLE_VERSIONS.join(' and ')})`);
  }
  if (typeof raw.agent !== 'string') throw new CheckpointError(`${where}: agent must be a string, got ${quote(raw.agent)}`);
  for (const key of ['hyperparameters', 'extra', 'groups'] as const) {
    if (!isObject(raw[key])) throw new CheckpointError(`${where}: ${key} must be an object, got ${quote(raw[key])}`);
  }
  if (raw.training !== undefined && !isObject(raw.training)) throw new CheckpointError(`${where}: training must be an object, got ${quote(raw.training)}`);
  const files = raw.files;
  if (raw.version >= 2 && !isObject(files)) throw new CheckpointError(`${where}: files (sizes and SHA-256 of the weight files) must be an object, got ${quote(files)}`);
  for (const [group, entries] of Object.entries(raw.groups as Record<string, unknown>)) {
    if (!/^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/.test(group)) throw new CheckpointError(`${where}: group name ${quote(group)} must be alphanumeric`);
    if (!Array.isArray(entries)) throw new CheckpointError(`${where}: groups.${group} must be an array, got ${quote(entries)}`);
    let expected = 0;
    entries.forEach((e: unknown, i) => {
      const at = `${where}: groups.${group}[${i}]`;
      if (!isObject(e) || typeof e.name !== 'string') throw new CheckpointError(`${at}: must be {name, shape, offset}, got ${quote(e)}`);
      if (!Array.isArray(e.shape) || e.shape.length > 8 || !e.shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
        throw new CheckpointError(`${at} (${quote(e.name)}): shape must be a list of at most 8 non-negative integers, got ${quote(e.shape)}`);
      }
      const size = (e.shape as number[]).reduce((a, b) => a * b, 1);
      if (e.offset !== expected) throw new CheckpointError(`${at} (${quote(e.name)}): offset must be ${expected} (the sizes before it), got ${quote(e.offset)}`);
      expected += size;
      if (!(expected <= MAX_GROUP_VALUES)) throw new CheckpointError(`${at} (${quote(e.name)}): the group would hold ${expected} values, more than the ${MAX_GROUP_VALUES} a checkpoint file may`);
    });
    if (raw.version >= 2) {
      const f = (files as Record<string, unknown>)[group];
      if (!isObject(f) || f.bytes !== expected * 4 || typeof f.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(f.sha256)) {
        throw new CheckpointError(`${where}: files.${group} must be {bytes: ${expected * 4}, sha256: <64 hex digits>} for its ${expected} values, got ${quote(f)}`);
      }
    }
  }
  return raw as unknown as CheckpointManifest;
}

/** The checked manifest of the checkpoint in `dir` (see `loadCheckpoint`), without reading its weight files. */
export function readCheckpointManifest(dir: string): { manifest: CheckpointManifest; path: string } {
  const path = resolveCheckpointPath(dir);
  const manifestPath = join(path, 'manifest.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (err) {
    throw new CheckpointError(`${manifestPath}: not valid JSON (${(err as Error).message})`);
  }
  return { manifest: checkManifest(raw, manifestPath), path };
}

/**
 * Load the checkpoint `dir/latest.json` points to (or `dir` itself if it is a
 * checkpoint subdirectory), checking it whole (see the module comment) before
 * any tensor is built from it.
 */
export function loadCheckpoint(dir: string): LoadedCheckpoint {
  const { manifest, path } = readCheckpointManifest(dir);
  const groups: LoadedCheckpoint['groups'] = {};
  for (const [group, entries] of Object.entries(manifest.groups)) {
    const file = join(path, `${group}.bin`);
    const values = entries.reduce((a, e) => a + e.shape.reduce((x, y) => x * y, 1), 0);
    let size: number;
    try {
      size = statSync(file).size;
    } catch (err) {
      throw new CheckpointError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); the checkpoint is incomplete`);
    }
    if (size !== values * 4) throw new CheckpointError(`${file}: ${size} bytes, but the manifest's tensors need exactly ${values * 4} (${values} float32 values); the file is truncated or not this checkpoint's`);
    const bytes = readFileSync(file);
    const expected = manifest.files?.[group];
    if (expected) {
      const actual = createHash('sha256').update(bytes).digest('hex');
      if (actual !== expected.sha256) throw new CheckpointError(`${file}: SHA-256 ${actual} does not match the manifest's ${expected.sha256}; the file is corrupted or was replaced`);
    }
    const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    for (let i = 0; i < all.length; i++) {
      if (!Number.isFinite(all[i] as number)) {
        const e = entries.find((t) => i >= t.offset && i < t.offset + t.shape.reduce((x, y) => x * y, 1)) as TensorEntry;
        throw new CheckpointError(`${file}: tensor ${quote(e.name)} holds ${all[i]} at index ${i - e.offset}; a checkpoint with non-finite weights is refused (the training diverged?)`);
      }
    }
    groups[group] = entries.map((e) => ({ name: e.name, shape: e.shape, values: all.slice(e.offset, e.offset + e.shape.reduce((a, b) => a * b, 1)) }));
  }
  return { manifest, path, groups };
}

/** Model weights as a checkpoint group. */
export function modelGroup(model: tf.LayersModel): { name: string; tensor: tf.Tensor }[] {
  return model.weights.map((w) => ({ name: w.originalName, tensor: w.read() }));
}

/**
 * Optimizer state as a checkpoint group (async: tfjs exposes it as a promise).
 * tfjs creates a fresh `iter` counter tensor on every call; it is flagged so
 * `saveCheckpoint` frees it.
 */
export async function optimizerGroup(opt: tf.Optimizer): Promise<TensorGroupEntry[]> {
  const entries: TensorGroupEntry[] = (await opt.getWeights()).map((w) => ({ name: w.name, tensor: w.tensor, dispose: w.name === 'iter' }));
  // Adam keeps β1^t and β2^t as running products, which tfjs's setWeights recomputes with pow (not bit-identical):
  // saved, so that a resumed run takes exactly the steps an uninterrupted one does.
  for (const key of ACCUMULATORS) {
    const v = (opt as unknown as Record<string, unknown>)[key];
    if (v instanceof tf.Variable) entries.push({ name: key, tensor: v });
  }
  return entries;
}

const ACCUMULATORS = ['accBeta1', 'accBeta2'] as const;

/**
 * Restore an optimizer's state from its group (missing group: keep it as it is).
 * Pass a fresh optimizer: tfjs replaces a stepped optimizer's moment variables
 * without freeing them, so restoring into one leaks them.
 */
export async function restoreOptimizer(opt: tf.Optimizer, group: LoadedCheckpoint['groups'][string] | undefined): Promise<void> {
  if (!group || group.length === 0) return;
  const isAccumulator = (name: string): boolean => (ACCUMULATORS as readonly string[]).includes(name);
  const weights = group.filter((g) => !isAccumulator(g.name)).map((g) => ({ name: g.name, tensor: tf.tensor(g.values, g.shape, g.name === 'iter' ? 'int32' : 'float32') }));
  await opt.setWeights(weights);
  for (const w of weights) w.tensor.dispose(); // the optimizer's variables hold their own references
  for (const g of group.filter((e) => isAccumulator(e.name))) {
    const v = (opt as unknown as Record<string, unknown>)[g.name];
    if (v instanceof tf.Variable && v.size === g.values.length) tf.tidy(() => v.assign(tf.tensor(g.values, v.shape)));
  }
}
/** Load a group into a model's weights, checking names and shapes. */
export function restoreModel(model: tf.LayersModel, group: LoadedCheckpoint['groups'][string] | undefined, label: string): void {
  if (!group) throw new CheckpointError(`checkpoint has no weights for ${quote(label)}`);
  const weights = model.weights;
  if (group.length !== weights.length) throw new CheckpointError(`${label}: checkpoint has ${group.length} tensors, the model has ${weights.length}`);
  const tensors = weights.map((w, i) => {
    const g = group[i] as { name: string; shape: number[]; values: Float32Array };
    if (g.name !== w.originalName || g.shape.join('x') !== w.shape.join('x')) {
      throw new CheckpointError(`${label}: tensor ${i} is ${quote(g.name)} ${quote(g.shape)} in the checkpoint but ${quote(w.originalName)} ${quote(w.shape)} in the model`);
    }
    return tf.tensor(g.values, g.shape);
  });
  model.setWeights(tensors);
  for (const t of tensors) t.dispose();
}
