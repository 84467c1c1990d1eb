/**
 * The twin writes PCM counters into a real InfluxDB 1.x (Debian's `influxd`,
 * started here on free loopback ports with its data in a temp dir) in the
 * Telegraf schema, and node-influx reads them back. Skipped when influxd is missing.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InfluxDB } from 'influx';
import { DEFAULT_PCM_FIELDS, pcmFieldsToCounters } from '../../../src/cluster/pcm-fields.js';
import { InfluxWriter, parseInfluxUrl, Twin } from '../../../src/cluster/twin/index.js';
import { ConfigError } from '../../../src/core/errors.js';
import { testScenario, until } from './helpers.js';

const influxd = spawnSync('sh', ['-c', 'command -v influxd'], { encoding: 'utf8' }).stdout.trim();
// Needs a real InfluxDB 1.x server (Debian's influxdb; .ci/run installs it): without one this fails, never skips.
test('influxd is installed', () => {
  expect(influxd).not.toBe('');
});
const maybe = describe;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

test('influx URLs', () => {
  expect(parseInfluxUrl('http://127.0.0.1:8086/pcm')).toMatchObject({ protocol: 'http', host: '127.0.0.1', port: 8086, database: 'pcm' });
  expect(parseInfluxUrl('https://u:p%40ss@db.example:9999')).toMatchObject({ protocol: 'https', port: 9999, database: 'telegraf', username: 'u', password: 'p@ss' });
  expect(parseInfluxUrl('http://h', 'other').database).toBe('other');
  expect(() => parseInfluxUrl('ftp://h/x')).toThrow(ConfigError);
  expect(() => parseInfluxUrl('not a url')).toThrow(/influx URL/);
  expect(() => parseInfluxUrl('http://h/a/b')).toThrow(/database name/);
  expect(() => new InfluxWriter({ url: 'http://h', fields: { bogus: 'x' } as never })).toThrow(/unknown key "bogus"/);
});

maybe('the twin writes PCM counters to a real InfluxDB', () => {
  let dir: string;
  let proc: ChildProcess;
  let port: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'faasgym-influxd-'));
    port = await freePort();
    const rpc = await freePort();
    const conf = join(dir, 'influxdb.conf');
    writeFileSync(conf, [
      'reporting-disabled = true',
      `bind-address = "127.0.0.1:${rpc}"`,
      '[meta]', `  dir = "${join(dir, 'meta')}"`, '  logging-enabled = false',
      '[data]', `  dir = "${join(dir, 'data')}"`, `  wal-dir = "${join(dir, 'wal')}"`, '  query-log-enabled = false',
      '[http]', '  enabled = true', `  bind-address = "127.0.0.1:${port}"`, '  log-enabled = false',
      '[monitor]', '  store-enabled = false',
      '[continuous_queries]', '  enabled = false',
      '[subscriber]', '  enabled = false',
      '',
    ].join('\n'));
    proc = spawn(influxd, ['run', '-config', conf], { stdio: 'ignore' });
    const up = await until(async () => {
      try {
        const r = await fetch(`http://127.0.0.1:${port}/ping`, { signal: AbortSignal.timeout(500) });
        return r.status === 204;
      } catch {
        return false;
      }
    }, 15_000);
    if (!up) throw new Error('influxd did not answer /ping within 15 s');
  });

  afterAll(async () => {
    if (proc && proc.exitCode === null) {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('points in measurement http, tag host, Telegraf field names; node-influx reads them back', async () => {
    const scenario = testScenario();
    scenario.loads = [{ kind: 'poisson', target: 'echo', rate: 4 }];
    const twin = await Twin.start({ scenario, speed: 10, windowMs: 200, influx: `http://127.0.0.1:${port}/telegraf` });
    try {
      expect(await until(() => (twin.influx?.stats.written ?? 0) >= 6, 15_000)).toBe(true);
      expect(twin.influx?.stats.errors).toBe(0);
    } finally {
      await twin.close();
    }
    const client = new InfluxDB({ host: '127.0.0.1', port, database: 'telegraf' });
    expect(await client.getDatabaseNames()).toContain('telegraf'); // created by the writer, as Telegraf does
    const rows = await client.query<Record<string, unknown>>(`SELECT * FROM "http" WHERE "host" = 'n1'`);
    expect(rows.length).toBeGreaterThanOrEqual(3);
    const row = rows[rows.length - 1] as Record<string, unknown>;
    for (const field of [
      'Core Aggregate_Core Counters_Instructions Retired Any',
      'Core Aggregate_Core Counters_Clock Unhalted Thread',
      'Core Aggregate_Core Counters_L3 Cache Misses',
      'Uncore Aggregate_Uncore Counters_DRAM Reads',
      'Uncore Aggregate_Uncore Counters_DRAM Writes',
      'Core Aggregate_Energy Counters_CStateResidency[0]',
      'Core Aggregate_Energy Counters_CStateResidency[6]',
      // the ce profile writes pcm-sensor-server's whole shape: per socket, per core, per thread (two per core)
      'Sockets_0_Core Aggregate_Core Counters_Instructions Retired Any',
      'Sockets_0_Uncore_Uncore Counters_DRAM Reads',
      'Sockets_0_Cores_3_Threads_1_Core Counters_Instructions Retired Any',
      'Sockets_0_Cores_0_Threads_0_Energy Counters_CStateResidency[6]',
    ]) expect(typeof row[field]).toBe('number');
    // 4 cores × 2 threads × (17 core + 10 energy counters) per-thread fields alone
    expect(Object.keys(row).filter((k) => k.includes('_Threads_')).length).toBe(4 * 2 * 27);
    expect(row.url).toBe('http://n1:9738/persecond');
    const counters = pcmFieldsToCounters(row, DEFAULT_PCM_FIELDS);
    expect(counters).not.toBeNull();
    expect(counters?.ipc).toBeGreaterThan(0.2);
    expect(counters?.ipc).toBeLessThan(2.5);
    expect((counters?.c0 ?? 0) + (counters?.c1 ?? 0) + (counters?.c6 ?? 0)).toBeCloseTo(1, 6);
    // echo runs on n1 only: n1 is busier than n2
    const busy = async (host: string) => {
      const r = await client.query<{ c0: number }>(`SELECT mean("${DEFAULT_PCM_FIELDS.c0}") AS c0 FROM "http" WHERE "host" = '${host}'`);
      return (r[0] as { c0: number }).c0;
    };
    expect(await busy('n1')).toBeGreaterThan(await busy('n2'));
  });

  test('a write failure is reported and the twin keeps serving', async () => {
    const dead = await freePort();
    const errors: string[] = [];
    const twin = await Twin.start({ scenario: testScenario(), speed: 10, windowMs: 100, influx: { url: `http://127.0.0.1:${dead}/x`, requestTimeoutMs: 500 }, onError: (e) => errors.push(e.message) });
    try {
      expect(await until(() => errors.length > 0, 5000)).toBe(true);
      expect((await fetch(`${twin.url}/healthz`)).status).toBe(200);
      expect(twin.influx?.stats.errors).toBeGreaterThan(0);
    } finally {
      await twin.close();
    }
  });
});
