/**
 * The worker process of one cell: `node worker.js <cellDir>` reads
 * `<cellDir>/cell.json`, runs the cell (cell.ts) and exits. It is forked by
 * the pool with an IPC channel only to notice its parent's death: when the
 * runner goes away (Ctrl-C, kill -9), the cell's envs are closed (backends
 * restored) and the worker exits without writing a result, so a resumed run
 * reruns it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CellSpec } from './cells.js';
import { cellState, openResources, runCell } from './cell.js';

const dir = process.argv[2];
if (dir === undefined) {
  process.stderr.write('usage: worker.js <cellDir>\n');
  process.exit(2);
}
const spec = JSON.parse(readFileSync(join(dir, 'cell.json'), 'utf8')) as CellSpec;

let stopping = false;
function stop(code: number): void {
  if (stopping) return;
  stopping = true;
  cellState.stopping = true;
  void Promise.allSettled([...openResources].map(async (r) => r.close())).finally(() => process.exit(code));
}
process.on('SIGTERM', () => stop(143));
process.on('SIGINT', () => stop(130));
process.on('disconnect', () => stop(129)); // the runner died

runCell(spec, dir).then(
  (r) => {
    if (!stopping) process.exit(r.status === 'ok' ? 0 : 3);
  },
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    if (!stopping) process.exit(1);
  },
);
