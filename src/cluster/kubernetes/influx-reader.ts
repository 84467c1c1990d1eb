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
import { ConfigError, quote } from '../../core/errors.js';
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
  async readWindow(nodes: ReadonlyMap<string, string>, startMs: number, endMs: number): Promise<PcmWindowResult> {
    const hosts = [...new Set(nodes.values())];
    const rows = hosts.length > 0 ? await this.query(hosts, endMs) : new Map<string, Row[]>();
    const readings = new Map<string, NodePcmReading>();
    const warnings: string[] = [];
    for (const [node, host] of nodes) {
      const points = rows.get(host) ?? [];
      const label = host === node ? `node ${node}` : `node ${node} (host ${host})`;
      if (points.length === 0) {
        warnings.push(`pcm ${label}: no point in measurement ${this.measurement} within ${this.lookbackSeconds} s before the window's end; its counters are reported as 0 (missing)`);
        readings.set(node, { counters: { ...ZERO }, points: 0, ageSeconds: null, flagged: true });
        continue;
      }
      const inWindow = points.filter((p) => p.time >= startMs && p.time <= endMs);
      const used = inWindow.length > 0 ? inWindow : [points[0] as Row];
      const fields = meanFields(used);
      const decoded = decode(fields, this.fieldMap);
      const ageSeconds = (endMs - (points[0] as Row).time) / 1000;
      let flagged = false;
      if (ageSeconds > this.freshnessSeconds) {
        warnings.push(`pcm ${label}: the latest point is ${ageSeconds.toFixed(1)} s old (freshness ${this.freshnessSeconds} s); its counters are stale`);
        flagged = true;
      }
      for (const m of decoded.missing) {
        warnings.push(`pcm ${label}: ${m.counter} is missing (no field ${m.fields.map((f) => JSON.stringify(f)).join(', ')}); reported as 0`);
        flagged = true;
      }
      readings.set(node, { counters: decoded.counters, points: inWindow.length, ageSeconds, flagged });
    }
    return { readings, warnings };
  }

  /** The latest points (newest first, at most 500 per host) of each host in the lookback before `endMs`. */
  private async query(hosts: string[], endMs: number): Promise<Map<string, Row[]>> {
    const from = Math.floor(endMs - this.lookbackSeconds * 1000);
    const hostCond = hosts.map((h) => `${ident(this.hostTag)} = ${literal(h)}`).join(' OR ');
    const q = `SELECT * FROM ${ident(this.measurement)} WHERE time > ${from}ms AND time <= ${Math.ceil(endMs)}ms AND (${hostCond}) GROUP BY ${ident(this.hostTag)} ORDER BY time DESC LIMIT 500`;
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
    const out = new Map<string, Row[]>();
    for (const result of raw.results ?? []) {
      if (result.error) throw new AttemptFailure(`influx query failed: ${result.error}`, 200, false);
      for (const series of result.series ?? []) {
        const host = series.tags?.[this.hostTag];
        if (host === undefined) continue;
        const ti = series.columns.indexOf('time');
        const rows: Row[] = series.values.map((v) => {
          const fields: Record<string, unknown> = {};
          series.columns.forEach((c, i) => {
            if (i !== ti) fields[c] = v[i];
          });
          return { time: Number(v[ti]), fields };
        });
        rows.sort((a, b) => b.time - a.time);
        out.set(host, [...(out.get(host) ?? []), ...rows]);
      }
    }
    return out;
  }
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

/** Field-wise mean over points, of the numeric values each field has. */
function meanFields(rows: Row[]): Record<string, number> {
  const sum = new Map<string, { s: number; n: number }>();
  for (const r of rows) {
    for (const [k, v] of Object.entries(r.fields)) {
      if (typeof v !== 'number' || !Number.isFinite(v)) continue;
      const acc = sum.get(k) ?? { s: 0, n: 0 };
      acc.s += v;
      acc.n += 1;
      sum.set(k, acc);
    }
  }
  const out: Record<string, number> = {};
  for (const [k, { s, n }] of sum) out[k] = s / n;
  return out;
}

/** InfluxQL identifier in double quotes. */
function ident(name: string): string {
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** InfluxQL string literal in single quotes. */
function literal(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
