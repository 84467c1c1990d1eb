/**
 * The restore journal: the configuration recorded at the first contact
 * (safety.ts), written to disk before the backend changes anything and
 * removed after a successful restore. A run killed before `close()` leaves
 * it behind; the next run against the same gateway and namespace finds it,
 * restores the cluster from it (not from what it finds, which is the killed
 * run's changes) and only then records the original afresh.
 *
 * One file per gateway and namespace:
 * `<dir>/<namespace>-<sha256(gateway URL, namespace) prefix>.json`, written
 * atomically (temporary file, then rename) with mode 0600.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, quote } from '../../core/errors.js';
import type { FunctionRecord } from './safety.js';

export interface JournalFile {
  version: 1;
  gateway: string;
  namespace: string;
  createdAt: string;
  pid: number;
  functions: FunctionRecord[];
}

export class RestoreJournal {
  readonly path: string;

  constructor(readonly dir: string, readonly gatewayUrl: string, readonly namespace: string) {
    const key = createHash('sha256').update(`${gatewayUrl}\n${namespace}`).digest('hex').slice(0, 16);
    this.path = join(dir, `${namespace}-${key}.json`);
  }

  /** The journal left by an earlier run, or null. ConfigError when it is unreadable (naming the file and what to do). */
  read(): JournalFile | null {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') return null;
      throw new ConfigError(`restore journal ${quote(this.path)}: cannot read it: ${(err as Error).message}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new ConfigError(`restore journal ${quote(this.path)} is not JSON (${(err as Error).message}); restore the functions by hand, then delete it`);
    }
    const j = parsed as Partial<JournalFile>;
    if (typeof j !== 'object' || j === null || j.version !== 1 || !Array.isArray(j.functions)
      || j.functions.some((f) => typeof f?.name !== 'string' || typeof f?.replicas !== 'number' || typeof f?.template !== 'object' || f.template === null)) {
      throw new ConfigError(`restore journal ${quote(this.path)} is not a faasgym journal (version 1, functions[{name, template, replicas}]); restore the functions by hand, then delete it`);
    }
    return j as JournalFile;
  }

  /** Write (replace) the journal. */
  write(functions: FunctionRecord[]): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const body: JournalFile = { version: 1, gateway: this.gatewayUrl, namespace: this.namespace, createdAt: new Date().toISOString(), pid: process.pid, functions };
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, this.path);
  }

  remove(): void {
    rmSync(this.path, { force: true });
  }
}
