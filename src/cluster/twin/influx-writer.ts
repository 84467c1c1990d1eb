/**
 * Writes the twin's per-node PCM counters into a real InfluxDB 1.x the way
 * Telegraf's `inputs.http` polling `pcm-sensor-server` /persecond would:
 * measurement `http`, tags `host=<node name>` and
 * `url=http://<node name>:9738/persecond`, fields named by the PCM field map
 * (src/cluster/pcm-fields.ts), one point per node per metrics window, stamped
 * with the wall-clock time the window closed.
 *
 * Counter rates are per simulated second (the simulated hardware's rates), so
 * an accelerated twin (`speed` > 1) reports the same IPC, residencies and
 * per-second counts as a real-time one.
 *
 * The database is created at start (as Telegraf does) if it is missing. Write
 * failures never stop the twin: points stay buffered (at most
 * `maxBufferedPoints`, oldest dropped first) and go out with the next write;
 * `onError` hears about each failure.
 */
import { InfluxDB, type IPoint } from 'influx';
import { ConfigError, quote } from '../../core/errors.js';
import type { ClusterSnapshot, NodeInfo } from '../types.js';
import { PCM_CORE_COUNTERS, PCM_ENERGY_COUNTERS, pcmCountersToFields, resolvePcmFieldMap, type PcmFieldMap } from './pcm-mapping.js';

export interface InfluxWriterOptions {
  /** `http://[user:password@]host:port[/database]`. */
  url: string;
  /** @default the URL's path, else "telegraf" */
  database?: string;
  /** Field names (defaults: DEFAULT_PCM_FIELDS). */
  fields?: Partial<PcmFieldMap>;
  /**
   * `pcm-sensor-server` (the `ce` profile's): besides the mapped aggregate
   * fields, every point carries per-socket, per-core and per-thread counters
   * (Telegraf's flattening of /persecond: `Sockets_0_Cores_3_Threads_1_Core Counters_…`),
   * hundreds to thousands of fields as on a real node. `minimal`: the mapped fields only.
   * @default "minimal"
   */
  schema?: 'pcm-sensor-server' | 'minimal';
  /**
   * Telegraf's delivery delay in wall ms: a point reaches InfluxDB this long
   * after its window closed (`flush_interval`: PCM's Telegraf template uses
   * interval 2 s / flush_interval 1 s; Telegraf's default flush is 10 s).
   * @default 0
   */
  flushDelayMs?: number;
  /** @default 10000 */
  maxBufferedPoints?: number;
  /** @default 5000 */
  requestTimeoutMs?: number;
  onError?: (err: Error) => void;
}

export interface InfluxWriterStats {
  written: number;
  dropped: number;
  errors: number;
  lastError: string | null;
}

interface ParsedUrl {
  protocol: 'http' | 'https';
  host: string;
  port: number;
  database: string;
  username?: string;
  password?: string;
}

/** Parse an InfluxDB URL; ConfigError for anything else. */
export function parseInfluxUrl(url: string, database?: string): ParsedUrl {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ConfigError(`influx URL must look like http://host:8086/database, got ${quote(url)}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new ConfigError(`influx URL must be http or https, got ${quote(url)}`);
  const path = decodeURIComponent(u.pathname.replace(/^\/+|\/+$/g, ''));
  if (path.includes('/')) throw new ConfigError(`influx URL path must be a database name, got ${quote(u.pathname)}`);
  const db = database ?? (path || 'telegraf');
  if (!/^[A-Za-z0-9_.-]+$/.test(db)) throw new ConfigError(`influx database must be a plain name, got ${quote(db)}`);
  return {
    protocol: u.protocol === 'https:' ? 'https' : 'http',
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : 8086,
    database: db,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
  };
}

export class InfluxWriter {
  readonly database: string;
  readonly fields: PcmFieldMap;
  private readonly client: InfluxDB;
  private readonly maxBuffered: number;
  private buffer: IPoint[] = [];
  private inFlight: Promise<void> | null = null;
  private readonly delayed = new Map<NodeJS.Timeout, IPoint[]>();
  private closing = false;
  readonly stats: InfluxWriterStats = { written: 0, dropped: 0, errors: 0, lastError: null };

  constructor(private readonly opts: InfluxWriterOptions) {
    const p = parseInfluxUrl(opts.url, opts.database);
    this.database = p.database;
    this.fields = resolvePcmFieldMap(opts.fields ?? {});
    this.maxBuffered = opts.maxBufferedPoints ?? 10_000;
    if (!Number.isSafeInteger(this.maxBuffered) || this.maxBuffered < 1) throw new ConfigError(`influx maxBufferedPoints must be a positive integer, got ${quote(opts.maxBufferedPoints)}`);
    const timeout = opts.requestTimeoutMs ?? 5000;
    if (!(timeout > 0)) throw new ConfigError(`influx requestTimeoutMs must be > 0, got ${quote(opts.requestTimeoutMs)}`);
    this.client = new InfluxDB({
      host: p.host,
      port: p.port,
      protocol: p.protocol,
      database: p.database,
      ...(p.username !== undefined ? { username: p.username } : {}),
      ...(p.password !== undefined ? { password: p.password } : {}),
      pool: { maxRetries: 0, requestTimeout: timeout },
    });
  }

  /** Create the database if it is missing (failures are reported, not thrown). */
  async start(): Promise<void> {
    try {
      const names = await this.client.getDatabaseNames();
      if (!names.includes(this.database)) await this.client.createDatabase(this.database);
    } catch (err) {
      this.fail(err);
    }
  }

  /** The points of one metrics window (one per node). */
  points(snapshot: ClusterSnapshot, nodes: NodeInfo[], wallMs: number): IPoint[] {
    const out: IPoint[] = [];
    const ts = new Date(Math.round(wallMs));
    for (const node of nodes) {
      const m = snapshot.nodes[node.name];
      if (!m) continue;
      const fields = pcmCountersToFields(m.pcm, node, this.fields);
      const detail = this.opts.schema === 'pcm-sensor-server' ? perThreadFields(fields, node, this.fields) : {};
      out.push({
        measurement: this.fields.measurement,
        tags: { [this.fields.hostTag]: node.name, url: `http://${node.name}:9738/persecond` },
        fields: { ...detail, ...fields, 'Interval us': 1_000_000, 'Number of sockets': 1 },
        timestamp: ts,
      });
    }
    return out;
  }

  /** Buffer a window's points and start a write (one at a time). */
  push(snapshot: ClusterSnapshot, nodes: NodeInfo[], wallMs: number): void {
    const delay = this.opts.flushDelayMs ?? 0;
    if (delay > 0 && !this.closing) {
      const points = this.points(snapshot, nodes, wallMs);
      const timer = setTimeout(() => {
        this.delayed.delete(timer);
        this.enqueue(points);
      }, delay);
      timer.unref?.();
      this.delayed.set(timer, points);
      return;
    }
    this.enqueue(this.points(snapshot, nodes, wallMs));
  }

  private enqueue(points: IPoint[]): void {
    this.buffer.push(...points);
    if (this.buffer.length > this.maxBuffered) {
      const drop = this.buffer.length - this.maxBuffered;
      this.buffer.splice(0, drop);
      this.stats.dropped += drop;
    }
    void this.flush();
  }

  /** Write what is buffered; resolves when this write (or the one in flight) is done. Never rejects. */
  flush(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    if (this.buffer.length === 0) return Promise.resolve();
    const batch = this.buffer;
    this.buffer = [];
    this.inFlight = this.client
      .writePoints(batch, { precision: 'ms', database: this.database })
      .then(() => {
        this.stats.written += batch.length;
      })
      .catch((err: unknown) => {
        this.buffer = batch.concat(this.buffer).slice(-this.maxBuffered);
        this.fail(err);
      })
      .finally(() => {
        this.inFlight = null;
      });
    return this.inFlight;
  }

  /** Final write, bounded by `timeoutMs`. */
  async close(timeoutMs = 3000): Promise<void> {
    this.closing = true;
    for (const [timer, points] of this.delayed) {
      clearTimeout(timer);
      this.buffer.push(...points);
    }
    this.delayed.clear();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([(async () => {
      if (this.inFlight) await this.inFlight;
      await this.flush();
    })(), deadline]);
    if (timer) clearTimeout(timer);
  }

  private fail(err: unknown): void {
    const e = err instanceof Error ? err : new Error(String(err));
    this.stats.errors++;
    this.stats.lastError = e.message;
    this.opts.onError?.(e);
  }
}

/**
 * Per-socket, per-core and per-thread counters of a node as Telegraf flattens
 * pcm-sensor-server's /persecond (src/pcm-sensor-server.cpp: "Sockets" →
 * "Cores" → "Threads", each with "Core Counters" and "Energy Counters"; one
 * socket, two threads per core). The aggregate's rates are split evenly.
 */
function perThreadFields(agg: Record<string, number>, node: NodeInfo, map: PcmFieldMap): Record<string, number> {
  const out: Record<string, number> = {};
  const cores = Math.max(1, Math.min(256, Math.round(node.cores)));
  const threads = 2;
  const value = (counter: string): number => {
    if (counter === 'Instructions Retired Any') return (agg[map.instructions] ?? 0) / (cores * threads);
    if (counter === 'Clock Unhalted Thread') return (agg[map.cycles] ?? 0) / (cores * threads);
    if (counter === 'L3 Cache Misses') return (agg[map.l3Misses] ?? 0) / (cores * threads);
    if (counter === 'L3 Cache Hits') return (agg[map.l3Hits] ?? 0) / (cores * threads);
    return 0;
  };
  const energy = (i: number): number => (i === 0 ? agg[map.c0] : i === 1 ? agg[map.c1] : i === 6 ? agg[map.c6] : 0) ?? 0;
  for (let c = 0; c < cores; c++) {
    for (let t = 0; t < threads; t++) {
      const base = `Sockets_0_Cores_${c}_Threads_${t}_`;
      for (const k of PCM_CORE_COUNTERS) out[`${base}Core Counters_${k}`] = Math.round(value(k));
      PCM_ENERGY_COUNTERS.forEach((k, i) => { out[`${base}Energy Counters_${k}`] = energy(i); });
    }
  }
  for (const k of PCM_CORE_COUNTERS) out[`Sockets_0_Core Aggregate_Core Counters_${k}`] = Math.round(value(k) * cores * threads);
  out['Sockets_0_Uncore_Uncore Counters_DRAM Reads'] = agg[map.dramReads] ?? 0;
  out['Sockets_0_Uncore_Uncore Counters_DRAM Writes'] = agg[map.dramWrites] ?? 0;
  return out;
}
