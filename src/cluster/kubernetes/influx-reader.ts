/**
 * Per-node Intel PCM counters from InfluxDB 1.x, in the schema Telegraf's
 * `inputs.http` writes when it polls `pcm-sensor-server`'s `/persecond`
 * (src/cluster/pcm-fields.ts): measurement `http`, tag `host`, flattened field
 * names, mapped onto `PcmCounters` through a configurable field map.
 *
 * For a window [start, end] a node's counters are the mean of its points in
 * the window; without one, its latest point before `end`. A node whose latest
 * point is older than `freshnessSeconds`, or that has none, or whose point
 * lacks a mapped field, is flagged in `warnings`: a counter is never silently 0.
 */
import { InfluxDB } from 'influx';
import { BackendError, ConfigError, quote } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import { pcmFieldsToCounters, resolvePcmFieldMap, type PcmFieldMap } from '../pcm-fields.js';
import type { PcmCounters } from '../types.js';
import { AttemptFailure, retryableStatus, withRetries, type RetryPolicy } from './retry.js';

export interface InfluxReaderOptions {
  /** InfluxDB base URL, e.g. `http://127.0.0.1:8086` (no credentials in it). */
  url: string;
  database: string;
  user?: string;
  password?: string;
  /** Overrides of the Telegraf defaults (`DEFAULT_PCM_FIELDS`: measurement `http`, tag `host`, pcm-sensor-server's flattened field names). */
  fieldMap?: Partial<PcmFieldMap>;
  /** A node's latest point older than this (s, wall clock) is stale. @default 30 */
  freshnessSeconds?: number;
  /** How far back to look for a node's latest point (s). @default 3600 */
  lookbackSeconds?: number;
  retry: RetryPolicy;
  rng: Rng | null;
  onRetry?: (line: string) => void;
}

/** One node's reading for a window. */
export interface NodePcmReading {
  counters: PcmCounters;
  /** Points averaged (0: the latest point before the window was used, or none exists). */
  points: number;
  /** Age of the newest point used at the window's end, s; null without any point. */
  ageSeconds: number | null;
  /** True when the counters cannot be trusted: no point, a stale point, or missing fields. */
  flagged: boolean;
}

export interface PcmWindowResult {
  /** By the tag value (host name). */
  readings: Map<string, NodePcmReading>;
  warnings: string[];
}

const ZERO: PcmCounters = Object.freeze({ ipc: 0, l3MissesM: 0, l3HitsM: 0, dramReadMBps: 0, dramWriteMBps: 0, c0: 0, c1: 0, c6: 0 });

export class InfluxReader {
  readonly measurement: string;
  readonly hostTag: string;
  readonly fieldMap: PcmFieldMap;
  readonly freshnessSeconds: number;
  private readonly lookbackSeconds: number;
  private readonly client: InfluxDB;

  constructor(private readonly opts: InfluxReaderOptions) {
    let url: URL;
    try {
      url = new URL(opts.url);
    } catch {
      throw new ConfigError(`influx.url must be a URL, got ${quote(opts.url)}`);
    }
    if (url.username || url.password) throw new ConfigError('influx.url must not hold credentials (use influx.user and influx.passwordFile)');
    this.fieldMap = resolvePcmFieldMap(opts.fieldMap ?? {});
    this.measurement = this.fieldMap.measurement;
    this.hostTag = this.fieldMap.hostTag;
    this.freshnessSeconds = opts.freshnessSeconds ?? 30;
    this.lookbackSeconds = opts.lookbackSeconds ?? 3600;
    this.client = new InfluxDB({
      host: url.hostname,
      port: url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 8086,
      protocol: url.protocol === 'https:' ? 'https' : 'http',
      database: opts.database,
      ...(opts.user !== undefined ? { username: opts.user } : {}),
      ...(opts.password !== undefined ? { password: opts.password } : {}),
      // Retries and deadlines are ours (bounded, seeded backoff).
      pool: { maxRetries: 0, requestTimeout: opts.retry.timeoutMs },
    });
  }

  /**
   * Counters of `nodes` (name → host tag value) over the window [startMs, endMs]
   * (epoch ms). Every node gets a reading; flagged ones carry warnings.
   */
  /**
   * PCM counters of each node over [startMs, endMs]: the mean of the mapped
   * fields over the points inside the window, aggregated per host by InfluxDB
   * (only the mapped fields are selected: a pcm-sensor-server point has
   * per-core and per-thread objects, hundreds to thousands of fields), else
   * the latest point before the window's end (flagged when older than
   * `freshnessSeconds`). A failed query never throws: every node's counters
   * are reported as 0 and flagged missing, with the reason in the warnings.
   */
  async readWindow(nodes: ReadonlyMap<string, string>, startMs: number, endMs: number): Promise<PcmWindowResult> {
    const hosts = [...new Set(nodes.values())];
    const readings = new Map<string, NodePcmReading>();
    const warnings: string[] = [];
    let rows: Map<string, { window: Record<string, number> | null; points: number; latest: Row | null }>;
    try {
      rows = hosts.length > 0 ? await this.query(hosts, startMs, endMs) : new Map();
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      warnings.push(`pcm: the InfluxDB query failed (${why}); every node's counters are reported as 0 (missing)`);
      for (const node of nodes.keys()) readings.set(node, { counters: { ...ZERO }, points: 0, ageSeconds: null, flagged: true });
      return { readings, warnings };
    }
    for (const [node, host] of nodes) {
      const r = rows.get(host);
      const label = host === node ? `node ${node}` : `node ${node} (host ${host})`;
      if (!r || (!r.latest && !r.window)) {
        warnings.push(`pcm ${label}: no point in measurement ${this.measurement} within ${this.lookbackSeconds} s before the window's end; its counters are reported as 0 (missing)`);
        readings.set(node, { counters: { ...ZERO }, points: 0, ageSeconds: null, flagged: true });
        continue;
      }
      const fields = r.window ?? numeric(r.latest?.fields ?? {});
      const decoded = decode(fields, this.fieldMap);
      const ageSeconds = r.latest ? (endMs - r.latest.time) / 1000 : 0;
      let flagged = false;
      if (ageSeconds > this.freshnessSeconds) {
        warnings.push(`pcm ${label}: the latest point is ${ageSeconds.toFixed(1)} s old (freshness ${this.freshnessSeconds} s); its counters are stale`);
        flagged = true;
      }
      for (const m of decoded.missing) {
        warnings.push(`pcm ${label}: ${m.counter} is missing (no field ${m.fields.map((f) => JSON.stringify(f)).join(', ')}); reported as 0`);
        flagged = true;
      }
      readings.set(node, { counters: decoded.counters, points: r.points, ageSeconds, flagged });
    }
    return { readings, warnings };
  }

  /** The mapped fields only: their means per host within the window, and each host's latest point before the window's end. */
  private async query(hosts: string[], startMs: number, endMs: number): Promise<Map<string, { window: Record<string, number> | null; points: number; latest: Row | null }>> {
    const from = Math.floor(endMs - this.lookbackSeconds * 1000);
    const hostCond = hosts.map((h) => `${ident(this.hostTag)} = ${literal(h)}`).join(' OR ');
    const m = this.fieldMap;
    const fields = [...new Set([m.instructions, m.cycles, m.l3Misses, m.l3Hits, m.dramReads, m.dramWrites, m.c0, m.c1, m.c6])];
    const means = fields.map((f) => `mean(${ident(f)}) AS ${ident(f)}`).join(', ');
    const where = (lo: number): string => `WHERE time > ${lo}ms AND time <= ${Math.ceil(endMs)}ms AND (${hostCond})`;
    const q = `SELECT ${means}, count(${ident(m.instructions)}) AS "faasgym_points" FROM ${ident(this.measurement)} ${where(Math.floor(startMs))} GROUP BY ${ident(this.hostTag)}; `
      + `SELECT ${fields.map(ident).join(', ')} FROM ${ident(this.measurement)} ${where(from)} GROUP BY ${ident(this.hostTag)} ORDER BY time DESC LIMIT 1`;
    const raw = await withRetries(
      `influx GET /query (${this.opts.database})`,
      this.opts.retry,
      this.opts.rng,
      async () => {
        try {
          return (await this.client.queryRaw(q, { database: this.opts.database, precision: 'ms' })) as RawResults;
        } catch (err) {
          const e = err as { name?: string; message?: string; res?: { statusCode?: number } };
          if (e?.name === 'ResultError') throw new AttemptFailure(`query failed: ${e.message ?? ''}`, 200, false);
          const status = e?.res?.statusCode;
          if (typeof status === 'number') throw new AttemptFailure(`HTTP ${status}: ${(e.message ?? '').slice(0, 200)}`, status, retryableStatus(status));
          throw new AttemptFailure(`connection failed (${e?.message ?? String(err)})`, null, true);
        }
      },
      this.opts.onRetry ? (i) => this.opts.onRetry?.(`retry ${i.attempt} of ${i.endpoint} in ${Math.round(i.delayMs)} ms: ${i.reason}`) : undefined,
    );
    const out = new Map<string, { window: Record<string, number> | null; points: number; latest: Row | null }>();
    const entry = (host: string) => {
      let e = out.get(host);
      if (!e) out.set(host, (e = { window: null, points: 0, latest: null }));
      return e;
    };
    (raw.results ?? []).forEach((result, qi) => {
      if (result.error) throw new BackendError(`influx query failed: ${result.error}`);
      for (const series of result.series ?? []) {
        const host = series.tags?.[this.hostTag];
        if (host === undefined) continue;
        const ti = series.columns.indexOf('time');
        const row = series.values[0];
        if (!row) continue;
        const fieldsOf: Record<string, unknown> = {};
        series.columns.forEach((c, i) => {
          if (i !== ti) fieldsOf[c] = row[i];
        });
        if (qi === 0) {
          const n = Number(fieldsOf.faasgym_points);
          delete fieldsOf.faasgym_points;
          if (n > 0) {
            entry(host).window = numeric(fieldsOf);
            entry(host).points = n;
          }
        } else entry(host).latest = { time: Number(row[ti]), fields: fieldsOf };
      }
    });
    return out;
  }
}

/** The finite numeric values of a row's fields. */
function numeric(fields: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(fields)) if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  return out;
}

const COUNTER_SOURCES: readonly [keyof PcmCounters, (keyof PcmFieldMap)[]][] = [
  ['ipc', ['instructions', 'cycles']],
  ['l3MissesM', ['l3Misses']],
  ['l3HitsM', ['l3Hits']],
  ['dramReadMBps', ['dramReads']],
  ['dramWriteMBps', ['dramWrites']],
  ['c0', ['c0']],
  ['c1', ['c1']],
  ['c6', ['c6']],
];

/** `pcmFieldsToCounters`, plus which counters lacked a source field (those read as 0 and must be flagged). */
function decode(fields: Record<string, number>, map: PcmFieldMap): { counters: PcmCounters; missing: { counter: keyof PcmCounters; fields: string[] }[] } {
  const missing: { counter: keyof PcmCounters; fields: string[] }[] = [];
  for (const [counter, keys] of COUNTER_SOURCES) {
    const absent = keys.map((k) => map[k]).filter((f) => typeof fields[f] !== 'number');
    if (absent.length > 0) missing.push({ counter, fields: absent });
  }
  const counters = pcmFieldsToCounters(fields, map) ?? { ...ZERO };
  // Without instructions or cycles the decoder gives up on the whole point: keep what else is there.
  if (missing.some((m) => m.counter === 'ipc')) {
    const partial = pcmFieldsToCounters({ ...fields, [map.instructions]: 0, [map.cycles]: 1 }, map);
    if (partial) Object.assign(counters, partial, { ipc: 0 });
  }
  // Residencies renormalised over fields that are there would hide a missing one: zero what is missing.
  for (const m of missing) counters[m.counter] = 0;
  return { counters, missing };
}

interface Row {
  time: number;
  fields: Record<string, unknown>;
}

interface RawResults {
  results?: { error?: string; series?: { name: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] }[] }[];
}

/** InfluxQL identifier in double quotes. */
function ident(name: string): string {
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** InfluxQL string literal in single quotes. */
function literal(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
