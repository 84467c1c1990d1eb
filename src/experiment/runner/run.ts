/**
 * `faasgym run <experiment>`: expand the grid, skip the cells already
 * finished with the same configuration (resume), run the rest in worker
 * processes, then aggregate over seeds, check the claims and write the
 * report. The run folder (`runs/<name>/` or `--out`):
 *
 *   experiment.json        resolved config, package version, git commit, Node, tfjs backend
 *   cells/<cell id>/       cell.json, run.json, metrics.jsonl, checkpoint/, cell.log, result.json (written last, atomically)
 *   results.jsonl          one CellResult per cell, grid order
 *   summary.md, report.html, plots/   (src/experiment/report)
 *
 * `--merge DIR…` builds the run folder from shard folders instead of running.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { findPackageRoot } from '../../host.js';
import { initTf } from '../../nn/tf.js';
import { version } from '../../version.js';
import { writeReport } from '../report/index.js';
import { writeJsonAtomic } from './cell.js';
import { expandCells, onlyCells, shardCells, type CellSpec, type OnlyFilter } from './cells.js';
import { ExperimentError, loadExperiment, type LoadedExperiment } from './load.js';
import { metricDef } from './metrics.js';
import { CellPool, readResult } from './pool.js';
import { RunProgress } from './progress.js';
import { checkClaims, summarize } from './stats.js';
import type { CellResult, ReportFiles, ReportInput } from './types.js';

export interface RunOptions {
  file: string;
  quick?: boolean;
  /** Worker processes at once. @default the machine's cores */
  jobs?: number;
  /** The run folder. @default runs/<name> */
  out?: string;
  only?: OnlyFilter;
  shard?: [number, number];
  /** Rerun finished cells too. */
  force?: boolean;
  /** Shard folders to merge instead of running. */
  merge?: string[];
  /** Progress lines (stderr); null: none. */
  write?: ((s: string) => void) | null;
  tty?: boolean;
  /** Called once the pool runs, with a function that stops it (the CLI wires Ctrl-C to it). */
  onStoppable?: (stop: () => Promise<void>) => void;
}

export interface RunOutcome {
  dir: string;
  input: ReportInput;
  report: ReportFiles;
  /** Cells run now, reused from an earlier run, failed, and still missing among those selected (interrupted, or absent from every merged shard). */
  ran: number;
  reused: number;
  failed: number;
  missing: string[];
  interrupted: boolean;
}

function gitCommit(): string | null {
  const root = findPackageRoot();
  if (root === null || !existsSync(join(root, '.git'))) return null;
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || null;
  } catch {
    return null;
  }
}

const fmt = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : Number(v.toPrecision(4)).toString());

/** One line for a finished cell: its status and first protocol's metrics. */
export function cellLine(r: CellResult): string {
  if (r.status !== 'ok') return `✗ ${r.cell.id} FAILED in ${r.wallSeconds.toFixed(1)} s: ${r.error ?? ''}`;
  const [protocol, values] = Object.entries(r.metrics)[0] ?? ['', {}];
  const shown = Object.entries(values).slice(0, 4).map(([k, v]) => `${k} ${fmt(v)}`).join(', ');
  return `✓ ${r.cell.id} in ${r.wallSeconds.toFixed(1)} s, ${r.steps} steps${protocol ? ` — ${protocol}: ${shown}` : ''}`;
}

function cellsDir(dir: string): string {
  return join(dir, 'cells');
}

/** Write results.jsonl (grid order) atomically. */
function writeResults(dir: string, results: readonly CellResult[]): void {
  const tmp = join(dir, `results.jsonl.tmp-${process.pid}`);
  writeFileSync(tmp, results.map((r) => `${JSON.stringify(r)}\n`).join(''));
  renameSync(tmp, join(dir, 'results.jsonl'));
}

/** The report's input from an experiment and its cells' results. */
export function reportInput(exp: LoadedExperiment, results: readonly CellResult[], meta: { startedAt: string; tfBackend: string | null; resolved: unknown }): ReportInput {
  const x = exp.resolved;
  // Only what this run folder has cells of (a --shard or --only run leaves the rest out, rather than reporting it as missing).
  const present = new Set(results.map((r) => `${r.cell.env}\n${r.cell.label}`));
  const summaries = summarize(x, results).filter((s) => present.has(`${s.env}\n${s.label}`));
  const metricInfo: ReportInput['metricInfo'] = {};
  for (const m of x.metrics) {
    const d = metricDef(m);
    if (d) metricInfo[m] = { description: d.description, better: d.better, ...(d.unit ? { unit: d.unit } : {}) };
  }
  return {
    meta: { name: x.name, description: x.description, source: x.source, packageVersion: version(), gitCommit: gitCommit(), node: process.version, tfBackend: meta.tfBackend, quick: x.quick, startedAt: meta.startedAt, finishedAt: new Date().toISOString(), file: exp.file, fileText: exp.text, resolved: meta.resolved },
    cells: [...results],
    summaries,
    claims: checkClaims(x, summaries).filter((c) => c.labels.some((l) => present.has(`${c.env}\n${l}`))),
    metricInfo,
  };
}

/** Run (or merge) an experiment; see the module comment. */
export async function runExperiment(opts: RunOptions): Promise<RunOutcome> {
  const exp = loadExperiment(opts.file, { quick: opts.quick === true });
  const x = exp.resolved;
  const dir = resolve(opts.out ?? join('runs', x.name));
  const all = expandCells(x);
  let selected: CellSpec[] = all;
  if (opts.shard) selected = shardCells(selected, opts.shard[0], opts.shard[1]);
  if (opts.only) selected = onlyCells(selected, opts.only);
  const jobs = opts.jobs ?? availableParallelism();
  if (!Number.isSafeInteger(jobs) || jobs < 1) throw new ExperimentError(`--jobs must be a positive integer, got ${jobs}`);
  mkdirSync(cellsDir(dir), { recursive: true });
  const startedAt = new Date().toISOString();
  const write = opts.write === undefined ? (s: string) => process.stderr.write(s) : opts.write;
  const tfBackend = await initTf({ quiet: true }).catch(() => null);
  const resolved = { ...x, cells: all.map((c) => ({ id: c.key.id, configHash: c.configHash, shard: opts.shard ? c.index % opts.shard[1] : null })), selected: selected.map((c) => c.key.id), shard: opts.shard ?? null, jobs };
  writeJsonAtomic(join(dir, 'experiment.json'), { file: exp.file, quick: x.quick, packageVersion: version(), gitCommit: gitCommit(), node: process.version, tfBackend, startedAt, resolved });

  const dirOf = (c: CellSpec): string => join(cellsDir(dir), c.key.id);
  const results = new Map<string, CellResult>();
  let reused = 0, ran = 0, failed = 0, interrupted = false;

  if (opts.merge) {
    // Shard folders → this folder: each cell's folder is copied from the shard that finished it with the same configuration.
    for (const c of all) {
      for (const src of opts.merge) {
        const from = join(resolve(src), 'cells', c.key.id);
        const r = readResult(from);
        if (r && r.configHash === c.configHash && r.status === 'ok') {
          if (resolve(from) !== dirOf(c)) cpSync(from, dirOf(c), { recursive: true });
          results.set(c.key.id, r);
          reused++;
          break;
        }
      }
    }
  } else {
    const toRun: CellSpec[] = [];
    for (const c of all) {
      const r = readResult(dirOf(c));
      const fresh = r !== null && r.configHash === c.configHash && r.status === 'ok';
      if (fresh && !(opts.force && selected.includes(c))) {
        results.set(c.key.id, r);
        if (selected.includes(c)) reused++;
      } else if (selected.includes(c)) toRun.push(c);
    }
    const workers = Math.min(jobs, Math.max(1, toRun.length));
    const progress = new RunProgress(selected.length, selected.length - toRun.length, write, opts.tty ?? false);
    progress.line(`faasgym run: ${x.name}${x.quick ? ' (quick)' : ''}: ${selected.length} cells${opts.shard ? ` (shard ${opts.shard[0]}/${opts.shard[1]} of ${all.length})` : ''}, ${selected.length - toRun.length} already done, ${toRun.length} to run on ${workers} worker${workers === 1 ? '' : 's'}; output ${dir}`);
    const pool = new CellPool(jobs, dirOf);
    opts.onStoppable?.(async () => {
      interrupted = true;
      await pool.stop();
    });
    const rows = join(dir, 'results.jsonl');
    await pool.run(toRun, {
      onDone: (c, r) => {
        results.set(c.key.id, r);
        ran++;
        if (r.status !== 'ok') failed++;
        writeFileSync(rows, `${JSON.stringify(r)}\n`, { flag: 'a' });
        progress.cellDone(cellLine(r));
      },
    });
    progress.stop();
    if (interrupted) progress.line(`faasgym run: interrupted; ${ran} cells finished now, ${toRun.length - ran} not run or cut short. Run the same command again to resume.`);
  }
  const ordered = all.map((c) => results.get(c.key.id)).filter((r): r is CellResult => r !== undefined);
  writeResults(dir, ordered);
  const missing = selected.filter((c) => !results.has(c.key.id)).map((c) => c.key.id); // of the cells this run was asked for
  const input = reportInput(exp, ordered, { startedAt, tfBackend, resolved });
  const report = await writeReport(input, dir);
  return { dir, input, report, ran, reused, failed, missing, interrupted };
}
