/**
 * Cells run in parallel worker processes, one process per cell (so a crash or
 * a tfjs leak in one cannot take the others down), at most `jobs` at a time.
 * `stop()` (Ctrl-C) kills the cells in flight — each closes its envs first —
 * and starts no more; their folders keep no `result.json`, so a resumed run
 * reruns them.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../../host.js';
import { writeJsonAtomic } from './cell.js';
import type { CellSpec } from './cells.js';
import type { CellResult } from './types.js';

/** The compiled worker: next to this file in dist/, or dist/'s when this runs from src/ (tests). */
export function workerPath(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) return join(dirname(here), 'worker.js');
  return join(packageRoot(), 'dist', 'src', 'experiment', 'runner', 'worker.js');
}

export interface PoolCallbacks {
  onStart?: (cell: CellSpec) => void;
  onDone: (cell: CellSpec, result: CellResult) => void;
}

/** Read a finished cell's result.json, or null when there is none (or it cannot be read). */
export function readResult(dir: string): CellResult | null {
  const path = join(dir, 'result.json');
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as CellResult;
  } catch {
    return null;
  }
}

export class CellPool {
  private readonly children = new Set<ChildProcess>();
  stopped = false;

  constructor(private readonly jobs: number, private readonly dirOf: (c: CellSpec) => string) {}

  /** Run `cells`; resolves when all finished or `stop()` was called and the ones in flight are gone. */
  async run(cells: readonly CellSpec[], cb: PoolCallbacks): Promise<void> {
    const queue = [...cells];
    const lane = async (): Promise<void> => {
      for (let c = queue.shift(); c !== undefined && !this.stopped; c = queue.shift()) {
        const r = await this.runOne(c, cb);
        if (r) cb.onDone(c, r);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(this.jobs, cells.length)) }, lane));
  }

  private runOne(cell: CellSpec, cb: PoolCallbacks): Promise<CellResult | null> {
    const dir = this.dirOf(cell);
    mkdirSync(dir, { recursive: true });
    writeJsonAtomic(join(dir, 'cell.json'), cell);
    cb.onStart?.(cell);
    const log = openSync(join(dir, 'cell.log'), 'w');
    const started = new Date().toISOString();
    const child = fork(workerPath(), [dir], { stdio: ['ignore', log, log, 'ipc'], execArgv: [], env: { ...process.env, FAASGYM_QUIET: '1' } });
    this.children.add(child);
    return new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.children.delete(child);
        closeSync(log);
        const r = readResult(dir);
        // A cell that finished before it was told to stop keeps its result (and counts as finished).
        if (r && r.configHash === cell.configHash && (!this.stopped || code === 0 || code === 3)) return resolve(r);
        if (this.stopped) return resolve(null);
        // The worker died before writing its result (a crash, out of memory, killed): the cell failed, the others go on.
        const failed: CellResult = {
          cell: cell.key, configHash: cell.configHash, status: 'failed', error: `worker exited with ${signal ? `signal ${signal}` : `code ${code}`} before writing result.json (see ${join(dir, 'cell.log')})`,
          steps: 0, metrics: {}, curve: [], wallSeconds: (Date.now() - Date.parse(started)) / 1000, startedAt: started, finishedAt: new Date().toISOString(),
        };
        writeJsonAtomic(join(dir, 'result.json'), failed);
        resolve(failed);
      });
    });
  }

  /** Kill the cells in flight (SIGTERM: each closes its envs) and start no more. */
  async stop(): Promise<void> {
    this.stopped = true;
    const gone = [...this.children].map((c) => new Promise<void>((res) => (c.exitCode !== null || c.signalCode !== null ? res() : c.once('exit', () => res()))));
    for (const c of this.children) c.kill('SIGTERM');
    const timer = setTimeout(() => {
      for (const c of this.children) c.kill('SIGKILL');
    }, 10_000);
    await Promise.all(gone);
    clearTimeout(timer);
  }
}
