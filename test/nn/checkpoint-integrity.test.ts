/** Checkpoint integrity: hashes, exact sizes and offsets, finite values, and what a broken `latest.json` says. */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, renameSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { attachToNextSave, CheckpointError, loadCheckpoint, saveCheckpoint } from '../../src/nn/checkpoint.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'faasgym-ckpt-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const weights = () => ({
  w: [
    { name: 'kernel', shape: [2, 3], values: Float32Array.from([1, 2, 3, 4, 5, 6]) },
    { name: 'bias', shape: [3], values: Float32Array.from([0.5, -0.5, 0]) },
  ],
});

async function saved(): Promise<{ sub: string; bin: string; manifest: string }> {
  const sub = await saveCheckpoint(dir, { agent: 'a', hyperparameters: {}, groups: weights() });
  return { sub, bin: join(sub, 'w.bin'), manifest: join(sub, 'manifest.json') };
}

function editManifest(path: string, edit: (m: Record<string, any>) => void): void {
  const m = JSON.parse(readFileSync(path, 'utf8')) as Record<string, any>;
  edit(m);
  writeFileSync(path, JSON.stringify(m));
}

test('the manifest stores each weight file\'s size and SHA-256, and a good checkpoint loads', async () => {
  const { bin, manifest } = await saved();
  const m = JSON.parse(readFileSync(manifest, 'utf8'));
  expect(m.version).toBe(2);
  expect(m.files.w).toEqual({ bytes: 36, sha256: createHash('sha256').update(readFileSync(bin)).digest('hex') });
  const loaded = loadCheckpoint(dir);
  expect(Array.from(loaded.groups.w?.[1]?.values ?? [])).toEqual([0.5, -0.5, 0]);
});

test('a weight file of random bytes (same size) fails its hash check', async () => {
  const { bin } = await saved();
  const bytes = readFileSync(bin);
  bytes[5] = (bytes[5] as number) ^ 0xff;
  writeFileSync(bin, bytes);
  expect(() => loadCheckpoint(dir)).toThrow(CheckpointError);
  expect(() => loadCheckpoint(dir)).toThrow(new RegExp(`^${bin.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: SHA-256 [0-9a-f]{64} does not match the manifest's [0-9a-f]{64}; the file is corrupted or was replaced$`));
});

test('a truncated or padded file is refused by its size before it is read', async () => {
  const { bin } = await saved();
  truncateSync(bin, 34);
  expect(() => loadCheckpoint(dir)).toThrow(`${bin}: 34 bytes, but the manifest's tensors need exactly 36 (9 float32 values); the file is truncated or not this checkpoint's`);
  writeFileSync(bin, Buffer.alloc(40));
  expect(() => loadCheckpoint(dir)).toThrow(`${bin}: 40 bytes, but the manifest's tensors need exactly 36`);
});

test('NaN or infinite weights are refused, naming the tensor and index, even with a matching hash', async () => {
  const { bin, manifest } = await saved();
  const raw = readFileSync(bin);
  const values = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  values[7] = Number.NaN;
  const bytes = Buffer.from(values.buffer);
  writeFileSync(bin, bytes);
  editManifest(manifest, (m) => {
    m.files.w.sha256 = createHash('sha256').update(bytes).digest('hex');
  });
  expect(() => loadCheckpoint(dir)).toThrow(`${bin}: tensor "bias" holds NaN at index 1; a checkpoint with non-finite weights is refused (the training diverged?)`);
});

test('shapes, offsets and sizes in the manifest are checked exactly before anything is allocated', async () => {
  const { manifest } = await saved();
  const original = readFileSync(manifest, 'utf8');
  editManifest(manifest, (m) => {
    m.groups.w[1].offset = 5;
  });
  expect(() => loadCheckpoint(dir)).toThrow(`${manifest}: groups.w[1] ("bias"): offset must be 6 (the sizes before it), got 5`);
  writeFileSync(manifest, original);
  editManifest(manifest, (m) => {
    m.groups.w[0].shape = [2 ** 20, 2 ** 20];
  });
  expect(() => loadCheckpoint(dir)).toThrow(`${manifest}: groups.w[0] ("kernel"): the group would hold 1099511627776 values, more than the 1073741824 a checkpoint file may`);
  writeFileSync(manifest, original);
  editManifest(manifest, (m) => {
    m.groups.w[0].shape = [2, -3];
  });
  expect(() => loadCheckpoint(dir)).toThrow('shape must be a list of at most 8 non-negative integers, got [2,-3]');
  writeFileSync(manifest, original);
  editManifest(manifest, (m) => {
    m.files.w.bytes = 40;
  });
  expect(() => loadCheckpoint(dir)).toThrow(`${manifest}: files.w must be {bytes: 36, sha256: <64 hex digits>} for its 9 values`);
  writeFileSync(manifest, original);
  editManifest(manifest, (m) => {
    m.groups['../../etc/passwd'] = [];
  });
  expect(() => loadCheckpoint(dir)).toThrow('group name "../../etc/passwd" must be alphanumeric');
});

test('latest.json naming a missing checkpoint says so (not "no latest.json")', async () => {
  const { sub } = await saved();
  renameSync(sub, join(dir, 'elsewhere'));
  expect(() => loadCheckpoint(dir)).toThrow(`${join(dir, 'latest.json')} names ckpt-000001, but "${sub}" is missing (deleted, or copied without it?); no other checkpoint is there`);
  rmSync(join(dir, 'latest.json'));
  renameSync(join(dir, 'elsewhere'), sub);
  expect(() => loadCheckpoint(dir)).toThrow(`"${dir}" has checkpoint directories (ckpt-000001) but no latest.json naming the complete one`);
  expect(() => loadCheckpoint(join(dir, 'nope'))).toThrow(`no checkpoint at "${join(dir, 'nope')}": the directory does not exist`);
});

test('a training loop\'s attached state lands in the manifest of the next save into that directory only', async () => {
  attachToNextSave(dir, { step: 42 });
  await saveCheckpoint(dir, { agent: 'a', hyperparameters: {}, groups: weights() });
  expect(loadCheckpoint(dir).manifest.training).toEqual({ step: 42 });
  await saveCheckpoint(dir, { agent: 'a', hyperparameters: {}, groups: weights() });
  expect(loadCheckpoint(dir).manifest.training).toBeUndefined();
});
