/**
 * Shaping traces to a target intensity, as FaaSRank (§VI-B, Table III) does:
 * pick a window of minutes from a set of per-function traces and scale it so
 * that it holds a given number of calls.
 */
import { ConfigError, quote } from '../core/errors.js';
import type { AzureTraceRow } from './azure-trace.js';

/**
 * Cut the window [startMinute, startMinute + minutes) out of every row and
 * scale its counts so that all rows together hold exactly `targetCalls`
 * invocations, keeping the shape. Rounding is by the largest-remainder
 * method, in two levels so that sparse functions keep their share: first each
 * row's total (within 1 of its proportional share), then, within each row, its
 * minutes (each within 1 of its share of the row). Ties go to the earlier row
 * or minute, so the result is deterministic. Cells that are 0 stay 0. Returns
 * new rows; the input is not modified.
 */
export function scaleTraceToLoad(rows: readonly AzureTraceRow[], targetCalls: number, minutes: number, startMinute = 0): AzureTraceRow[] {
  if (rows.length === 0) throw new ConfigError('scaleTraceToLoad needs at least one row');
  if (!Number.isSafeInteger(targetCalls) || targetCalls < 0) throw new ConfigError(`scaleTraceToLoad: targetCalls must be an integer >= 0, got ${quote(targetCalls)}`);
  if (!Number.isSafeInteger(minutes) || minutes < 1) throw new ConfigError(`scaleTraceToLoad: minutes must be an integer >= 1, got ${quote(minutes)}`);
  if (!Number.isSafeInteger(startMinute) || startMinute < 0) throw new ConfigError(`scaleTraceToLoad: startMinute must be an integer >= 0, got ${quote(startMinute)}`);
  rows.forEach((row, r) => {
    if (row.counts.length < startMinute + minutes) {
      throw new ConfigError(`scaleTraceToLoad: row ${r} has ${row.counts.length} minutes, the window needs ${startMinute + minutes}`);
    }
  });
  const windows = rows.map((row) => row.counts.slice(startMinute, startMinute + minutes));
  const rowTotals = windows.map((w) => w.reduce((a, b) => a + b, 0));
  const total = rowTotals.reduce((a, b) => a + b, 0);
  if (total === 0 && targetCalls > 0) {
    throw new ConfigError(`scaleTraceToLoad: minutes ${startMinute}..${startMinute + minutes - 1} hold no invocations to scale to ${targetCalls}`);
  }
  if (total * targetCalls > Number.MAX_SAFE_INTEGER) {
    throw new ConfigError(`scaleTraceToLoad: ${total} invocations × ${targetCalls} calls is too large for exact rounding`);
  }
  const rowTargets = targetCalls === 0 ? rowTotals.map(() => 0) : apportion(rowTotals, targetCalls);
  return rows.map((row, r) => ({
    owner: row.owner,
    app: row.app,
    fn: row.fn,
    trigger: row.trigger,
    counts: rowTargets[r] === 0 ? new Array<number>(minutes).fill(0) : apportion(windows[r] as number[], rowTargets[r] as number),
  }));
}

/**
 * Split `target` over `weights` (integers ≥ 0, not all 0) in proportion, by
 * the largest-remainder method with exact integer arithmetic
 * (quota = (w·target − rem)/sum + rem/sum); ties go to the earlier index.
 */
function apportion(weights: readonly number[], target: number): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const out = new Array<number>(weights.length).fill(0);
  const rems: { i: number; rem: number }[] = [];
  let assigned = 0;
  weights.forEach((w, i) => {
    if (w === 0) return;
    const scaled = w * target;
    const rem = scaled % sum;
    out[i] = (scaled - rem) / sum;
    assigned += out[i] as number;
    rems.push({ i, rem });
  });
  rems.sort((a, b) => b.rem - a.rem || a.i - b.i);
  for (let k = 0; k < target - assigned; k++) out[(rems[k] as { i: number }).i]++;
  return out;
}

/** Total invocations of a set of rows. */
export function traceTotal(rows: readonly AzureTraceRow[]): number {
  let total = 0;
  for (const row of rows) for (const c of row.counts) total += c;
  return total;
}
