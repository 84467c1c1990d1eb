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
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, FaasgymError, quote } from '../core/errors.js';
import { tf } from './tf.js';

export const CHECKPOINT_FORMAT = 'faasgym-checkpoint';
export const CHECKPOINT_VERSION = 1;

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

export interface GroupEntry {
  name: string;
  tensor: tf.Tensor;
  /** The tensor was created for the save (not a model variable): free it after writing. */
  dispose?: boolean;
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
  for (const [group, tensors] of Object.entries(contents.groups)) {
    if (!/^[A-Za-z0-9_.-]+$/.test(group)) throw new ConfigError(`checkpoint group name ${quote(group)} must be alphanumeric`);
    const entries: TensorEntry[] = [];
    const parts: Float32Array[] = [];
    let offset = 0;
    for (const { name: tname, tensor, dispose } of tensors) {
      const values = (await tensor.data()) as Float32Array;
      if (dispose) tensor.dispose();
      entries.push({ name: tname, shape: tensor.shape.slice(), offset });
      parts.push(Float32Array.from(values));
      offset += values.length;
    }
    const all = new Float32Array(offset);
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.length;
    }
    writeFileDurable(join(tmp, `${group}.bin`), new Uint8Array(all.buffer));
    groups[group] = entries;
  }
  const manifest: CheckpointManifest = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    agent: contents.agent,
    env: contents.env ?? null,
    hyperparameters: contents.hyperparameters,
    extra: contents.extra ?? {},
    groups,
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

/** Load the checkpoint `dir/latest.json` points to (or `dir` itself if it is a checkpoint subdirectory). */
export function loadCheckpoint(dir: string): LoadedCheckpoint {
  let path = dir;
  const pointer = join(dir, 'latest.json');
  if (existsSync(pointer)) {
    let parsed: { checkpoint?: unknown };
    try {
      parsed = JSON.parse(readFileSync(pointer, 'utf8')) as { checkpoint?: unknown };
    } catch (err) {
      throw new CheckpointError(`${pointer}: not valid JSON (${(err as Error).message})`);
    }
    if (typeof parsed.checkpoint !== 'string' || !/^ckpt-\d{6}$/.test(parsed.checkpoint)) throw new CheckpointError(`${pointer}: "checkpoint" must name a ckpt-NNNNNN directory`);
    path = join(dir, parsed.checkpoint);
  }
  const manifestPath = join(path, 'manifest.json');
  if (!existsSync(manifestPath)) throw new CheckpointError(`no checkpoint in ${quote(dir)} (expected latest.json or manifest.json)`);
  let manifest: CheckpointManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as CheckpointManifest;
  } catch (err) {
    throw new CheckpointError(`${manifestPath}: not valid JSON (${(err as Error).message})`);
  }
  if (manifest.format !== CHECKPOINT_FORMAT) throw new CheckpointError(`${manifestPath}: not a faasgym checkpoint (format ${quote(manifest.format)})`);
  if (manifest.version !== CHECKPOINT_VERSION) throw new CheckpointError(`${manifestPath}: checkpoint version ${quote(manifest.version)} is not supported (this faasgym reads ${CHECKPOINT_VERSION})`);
  const groups: LoadedCheckpoint['groups'] = {};
  for (const [group, entries] of Object.entries(manifest.groups)) {
    const file = join(path, `${group}.bin`);
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (err) {
      throw new CheckpointError(`${file}: cannot read (${(err as Error).message})`);
    }
    const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    groups[group] = entries.map((e) => {
      const size = e.shape.reduce((a, b) => a * b, 1);
      if (e.offset + size > all.length) throw new CheckpointError(`${file}: truncated (tensor ${quote(e.name)} needs ${e.offset + size} floats, file has ${all.length})`);
      return { name: e.name, shape: e.shape, values: all.slice(e.offset, e.offset + size) };
    });
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
export async function optimizerGroup(opt: tf.Optimizer): Promise<GroupEntry[]> {
  return (await opt.getWeights()).map((w) => ({ name: w.name, tensor: w.tensor, dispose: w.name === 'iter' }));
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

/**
 * Restore an optimizer's state from its group (missing group: keep it as it is).
 * Pass a fresh optimizer: tfjs replaces a stepped optimizer's moment variables
 * without freeing them, so restoring into one leaks them.
 */
export async function restoreOptimizer(opt: tf.Optimizer, group: LoadedCheckpoint['groups'][string] | undefined): Promise<void> {
  if (!group || group.length === 0) return;
  const weights = group.map((g) => ({ name: g.name, tensor: tf.tensor(g.values, g.shape, g.name === 'iter' ? 'int32' : 'float32') }));
  await opt.setWeights(weights);
  for (const w of weights) w.tensor.dispose(); // the optimizer's variables hold their own references
}
