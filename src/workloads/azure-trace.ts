/**
 * Reader and writer of the Azure Functions 2019 invocation-count schema
 * (Shahrad et al., "Serverless in the Wild", USENIX ATC'20; the public
 * `invocations_per_function_md.anon.dNN.csv` files):
 *
 * ```
 * HashOwner,HashApp,HashFunction,Trigger,1,2,...,1440
 * <owner>,<app>,<function>,http,0,3,1,...
 * ```
 *
 * one row per function, one column per minute of the day holding that minute's
 * invocation count. Any number of minute columns (≥ 1) is accepted, numbered
 * 1..N. faasgym ships no Azure data; see `synthetic-trace.ts` for a generator.
 */
import { readFileSync } from 'node:fs';
import { ConfigError, quote } from '../core/errors.js';

/** One function's row: its anonymised owner, app and function hashes, its trigger, and per-minute counts. */
export interface AzureTraceRow {
  owner: string;
  app: string;
  fn: string;
  trigger: string;
  /** counts[m] = invocations in minute m + 1 of the file (0-based index). */
  counts: number[];
}

/** Options of {@link parseAzureTrace}. */
export interface ParseAzureTraceOptions {
  /** Name of the source (a path) in error messages. @default "azure trace" */
  source?: string;
  /** Stop after this many data rows (the rest of the text is not read). @default all */
  maxRows?: number;
}

/** The four leading columns of the schema. */
export const AZURE_TRACE_KEY_COLUMNS = ['HashOwner', 'HashApp', 'HashFunction', 'Trigger'] as const;

/**
 * Parse a CSV in the Azure schema. Blank lines are skipped; CRLF line ends are
 * accepted. Errors are ConfigErrors naming the line and column (1-based);
 * they never quote the file's contents (a path from a scenario may name any
 * file the process can read).
 */
export function parseAzureTrace(text: string, opts: ParseAzureTraceOptions = {}): AzureTraceRow[] {
  const source = opts.source ?? 'azure trace';
  const maxRows = opts.maxRows ?? Infinity;
  if (!(maxRows >= 0)) throw new ConfigError(`maxRows must be >= 0, got ${quote(maxRows)}`);
  let at = 0;
  let lineNo = 0;
  /** Next non-blank line, without its line end, or null at the end of the text. */
  const nextLine = (): string | null => {
    while (at < text.length) {
      let end = text.indexOf('\n', at);
      if (end < 0) end = text.length;
      let line = text.slice(at, end);
      at = end + 1;
      lineNo++;
      if (line.endsWith('\r')) line = line.slice(0, -1);
      if (line.trim() !== '') return line;
    }
    return null;
  };
  const fail = (col: number | null, msg: string): never => {
    throw new ConfigError(`${source}: line ${lineNo}${col === null ? '' : `, column ${col}`}: ${msg}`);
  };

  const header = nextLine();
  if (header === null) throw new ConfigError(`${source}: empty file, expected a header ${AZURE_TRACE_KEY_COLUMNS.join(',')},1,2,...`);
  const names = header.split(',');
  for (let i = 0; i < AZURE_TRACE_KEY_COLUMNS.length; i++) {
    if (names[i]?.trim() !== AZURE_TRACE_KEY_COLUMNS[i]) {
      fail(i + 1, `expected the header column ${quote(AZURE_TRACE_KEY_COLUMNS[i])} (the file's contents are not shown)`);
    }
  }
  const minutes = names.length - AZURE_TRACE_KEY_COLUMNS.length;
  if (minutes < 1) fail(null, 'header has no minute columns (expected 1,2,...)');
  for (let m = 1; m <= minutes; m++) {
    const col = AZURE_TRACE_KEY_COLUMNS.length + m;
    if (names[col - 1]?.trim() !== String(m)) fail(col, `expected the header minute column ${quote(String(m))} (the file's contents are not shown)`);
  }
  const width = names.length;

  const rows: AzureTraceRow[] = [];
  while (rows.length < maxRows) {
    const line = nextLine();
    if (line === null) break;
    const cells = line.split(',');
    if (cells.length !== width) fail(null, `expected ${width} columns (4 keys + ${minutes} minutes), got ${cells.length}`);
    for (let i = 0; i < 4; i++) if ((cells[i] as string).trim() === '') fail(i + 1, `${AZURE_TRACE_KEY_COLUMNS[i]} must not be empty`);
    const counts = new Array<number>(minutes);
    for (let m = 0; m < minutes; m++) {
      const cell = cells[m + 4] as string;
      // Integers only; "12.0" (as some exports write) and surrounding spaces are accepted, "1.5", "", "-1", "1e3" are not.
      const v = isDigits(cell) ? Number(cell) : /^\s*\d+(\.0*)?\s*$/.test(cell) ? Number(cell.trim()) : NaN;
      if (!Number.isSafeInteger(v)) fail(m + 5, `minute ${m + 1}: expected a non-negative integer count (the file's contents are not shown)`);
      counts[m] = v;
    }
    rows.push({
      owner: (cells[0] as string).trim(),
      app: (cells[1] as string).trim(),
      fn: (cells[2] as string).trim(),
      trigger: (cells[3] as string).trim(),
      counts,
    });
  }
  return rows;
}

/** True when `s` is a non-empty run of ASCII digits (the fast path of the parser). */
function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Read and parse an Azure-schema CSV file (ConfigError if it cannot be read or is malformed). */
export function readAzureTrace(path: string, opts: Omit<ParseAzureTraceOptions, 'source'> = {}): AzureTraceRow[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read Azure trace ${quote(path)}: ${(err as Error).message}`, { cause: err });
  }
  return parseAzureTrace(text, { ...opts, source: path });
}

/**
 * Write rows in the Azure schema (header + one line per row, `\n` line ends,
 * trailing newline). All rows must have the same number of minutes (≥ 1);
 * keys must not contain commas or line breaks; counts must be integers ≥ 0.
 */
export function formatAzureTrace(rows: readonly AzureTraceRow[]): string {
  if (rows.length === 0) throw new ConfigError('formatAzureTrace needs at least one row');
  const minutes = (rows[0] as AzureTraceRow).counts.length;
  if (minutes < 1) throw new ConfigError('formatAzureTrace: rows need at least one minute');
  const header = [...AZURE_TRACE_KEY_COLUMNS, ...Array.from({ length: minutes }, (_, i) => String(i + 1))].join(',');
  const lines = [header];
  rows.forEach((row, r) => {
    if (row.counts.length !== minutes) {
      throw new ConfigError(`formatAzureTrace: row ${r} has ${row.counts.length} minutes, row 0 has ${minutes}`);
    }
    for (const [key, value] of [['owner', row.owner], ['app', row.app], ['fn', row.fn], ['trigger', row.trigger]] as const) {
      if (typeof value !== 'string' || value.trim() === '' || /[,\r\n]/.test(value)) {
        throw new ConfigError(`formatAzureTrace: row ${r} ${key} must be a non-empty string without commas or line breaks, got ${quote(value)}`);
      }
    }
    row.counts.forEach((c, m) => {
      if (!Number.isSafeInteger(c) || c < 0) throw new ConfigError(`formatAzureTrace: row ${r} minute ${m + 1} count must be an integer >= 0, got ${quote(c)}`);
    });
    lines.push(`${row.owner},${row.app},${row.fn},${row.trigger},${row.counts.join(',')}`);
  });
  return `${lines.join('\n')}\n`;
}
