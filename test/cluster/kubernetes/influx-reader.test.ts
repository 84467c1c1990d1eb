/**
 * The PCM reader against a real InfluxDB 1.x: Debian's `influxd` on a free
 * loopback port with a temporary data directory; points written the way
 * Telegraf's `inputs.http` writes pcm-sensor-server's `/persecond`.
 */
import { InfluxDB } from 'influx';
import { DEFAULT_RETRY } from '../../../src/cluster/kubernetes/retry.js';
import { InfluxReader } from '../../../src/cluster/kubernetes/influx-reader.js';
import { DEFAULT_PCM_FIELDS as PCM_TELEGRAF_FIELDS, pcmCountersToFields } from '../../../src/cluster/pcm-fields.js';
import type { PcmCounters } from '../../../src/cluster/types.js';
import { haveInfluxd, startInfluxd, type InfluxServer } from './influxd.js';

const DB = 'telegraf';
const PCM_A: PcmCounters = { ipc: 1.25, l3MissesM: 12, l3HitsM: 40, dramReadMBps: 768, dramWriteMBps: 230, c0: 0.5, c1: 0.1, c6: 0.4 };
const PCM_B: PcmCounters = { ipc: 0.75, l3MissesM: 30, l3HitsM: 20, dramReadMBps: 1920, dramWriteMBps: 700, c0: 0.9, c1: 0.05, c6: 0.05 };

// These tests need a real InfluxDB 1.x server (Debian's influxdb; .ci/run installs it). Without one they fail, never skip.
test('influxd is installed', () => {
  expect(haveInfluxd()).toBe(true);
});
const describeIf = describe;

describeIf('InfluxReader against a real influxd', () => {
  let server: InfluxServer;
  let writer: InfluxDB;

  beforeAll(async () => {
    server = await startInfluxd();
    const port = Number(new URL(server.url).port);
    writer = new InfluxDB({ host: '127.0.0.1', port, database: DB });
    await writer.createDatabase(DB);
  }, 30_000);

  afterAll(async () => {
    await server?.stop();
  });

  const write = (host: string, pcm: PcmCounters, atMs: number, drop: string[] = []): Promise<void> => {
    const fields: Record<string, number> = pcmCountersToFields(pcm, { cores: 8, speed: 1 });
    for (const d of drop) delete fields[d];
    return writer.writePoints([{ measurement: 'http', tags: { host, url: `http://${host}:9738/persecond` }, fields, timestamp: new Date(atMs) }]);
  };

  const reader = (extra: Partial<ConstructorParameters<typeof InfluxReader>[0]> = {}): InfluxReader =>
    new InfluxReader({ url: server.url, database: DB, retry: { ...DEFAULT_RETRY, attempts: 2, timeoutMs: 5000 }, rng: null, ...extra });

  test('reads back the points written: the mean over the window, per host', async () => {
    const now = Date.now();
    await write('w01', PCM_A, now - 4000);
    await write('w01', PCM_B, now - 2000);
    await write('w02', PCM_B, now - 1000);
    const { readings, warnings } = await reader().readWindow(new Map([['w01', 'w01'], ['w02', 'w02']]), now - 5000, now);
    expect(warnings).toEqual([]);
    const a = readings.get('w01');
    expect(a?.points).toBe(2);
    expect(a?.flagged).toBe(false);
    expect(a?.counters.l3MissesM).toBeCloseTo((12 + 30) / 2, 6);
    expect(a?.counters.c0).toBeCloseTo(0.7, 6);
    const b = readings.get('w02');
    for (const k of Object.keys(PCM_B) as (keyof PcmCounters)[]) expect(b?.counters[k]).toBeCloseTo(PCM_B[k], 6);
  });

  test('without a point in the window, the latest fresh point is used', async () => {
    const now = Date.now();
    await write('w03', PCM_A, now - 3000);
    const { readings, warnings } = await reader().readWindow(new Map([['w03', 'w03']]), now - 1000, now);
    expect(warnings).toEqual([]);
    expect(readings.get('w03')?.points).toBe(0);
    expect(readings.get('w03')?.counters.ipc).toBeCloseTo(1.25, 6);
  });

  test('a stale counter is flagged (with its age), never passed off as fresh', async () => {
    const now = Date.now();
    await write('w04', PCM_B, now - 120_000);
    const { readings, warnings } = await reader({ freshnessSeconds: 30 }).readWindow(new Map([['w04', 'w04']]), now - 10_000, now);
    const r = readings.get('w04');
    expect(r?.flagged).toBe(true);
    expect(r?.ageSeconds).toBeGreaterThan(100);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^pcm node w04: the latest point is 1[12]\d\.\d s old \(freshness 30 s\); its counters are stale$/);
  });

  test('a node without points and a missing field are flagged; the others are read', async () => {
    const now = Date.now();
    await write('w05', PCM_A, now - 500, [PCM_TELEGRAF_FIELDS.c6]);
    const { readings, warnings } = await reader().readWindow(new Map([['w05', 'w05'], ['ghost', 'node-ghost']]), now - 2000, now);
    expect(readings.get('ghost')?.flagged).toBe(true);
    expect(readings.get('ghost')?.counters.ipc).toBe(0);
    expect(readings.get('w05')?.flagged).toBe(true);
    expect(readings.get('w05')?.counters.ipc).toBeCloseTo(1.25, 6);
    expect(warnings).toEqual([
      `pcm node w05: c6 is missing (no field "${PCM_TELEGRAF_FIELDS.c6}"); reported as 0`,
      'pcm node ghost (host node-ghost): no point in measurement http within 3600 s before the window\'s end; its counters are reported as 0 (missing)',
    ]);
  });

  test('a configured field map and host tag are honoured', async () => {
    const now = Date.now();
    await writer.writePoints([{ measurement: 'pcm', tags: { node: 'edge-1' }, fields: { ipc_num: 300, ipc_den: 200, miss: 5e6, hit: 1e6, rd: 1e8, wr: 2e7, r0: 0.2, r1: 0.2, r6: 0.6 }, timestamp: new Date(now - 100) }]);
    const r = reader({ fieldMap: { measurement: 'pcm', hostTag: 'node', instructions: 'ipc_num', cycles: 'ipc_den', l3Misses: 'miss', l3Hits: 'hit', dramReads: 'rd', dramWrites: 'wr', c0: 'r0', c1: 'r1', c6: 'r6' } });
    const { readings, warnings } = await r.readWindow(new Map([['e1', 'edge-1']]), now - 1000, now);
    expect(warnings).toEqual([]);
    expect(readings.get('e1')?.counters).toEqual({ ipc: 1.5, l3MissesM: 5, l3HitsM: 1, dramReadMBps: 100, dramWriteMBps: 20, c0: 0.2, c1: 0.2, c6: 0.6 });
  });

  test('an unreachable InfluxDB flags every node missing after bounded retries instead of throwing (issue 17 §5)', async () => {
    const r = new InfluxReader({ url: 'http://127.0.0.1:9', database: DB, retry: { ...DEFAULT_RETRY, attempts: 2, baseDelayMs: 10, timeoutMs: 1000 }, rng: null });
    const out = await r.readWindow(new Map([['w01', 'w01'], ['w02', 'w02']]), 0, Date.now());
    expect(out.readings.get('w01')).toEqual({ counters: { ipc: 0, l3MissesM: 0, l3HitsM: 0, dramReadMBps: 0, dramWriteMBps: 0, c0: 0, c1: 0, c6: 0 }, points: 0, ageSeconds: null, flagged: true });
    expect(out.readings.get('w02')?.flagged).toBe(true);
    expect(out.warnings).toEqual([expect.stringMatching(/^pcm: the InfluxDB query failed \(influx GET \/query \(telegraf\): connection failed .*\(after 2 attempts\)\); every node's counters are reported as 0 \(missing\)$/)]);
  });
});
