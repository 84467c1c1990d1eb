/**
 * Test helper: a real InfluxDB 1.x (Debian's `influxd`) on free loopback ports
 * with a temporary data directory, started for a test file and stopped after.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface InfluxServer {
  url: string;
  stop(): Promise<void>;
}

/** True when an `influxd` binary is on the PATH. */
export function haveInfluxd(): boolean {
  return spawnSync('sh', ['-c', 'command -v influxd'], { stdio: 'ignore' }).status === 0;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startInfluxd(timeoutMs = 20_000): Promise<InfluxServer> {
  const dir = mkdtempSync(join(tmpdir(), 'faasgym-influxd-'));
  const httpPort = await freePort();
  const rpcPort = await freePort();
  const config = [
    'reporting-disabled = true',
    `bind-address = "127.0.0.1:${rpcPort}"`,
    '[meta]', `  dir = "${join(dir, 'meta')}"`,
    '[data]', `  dir = "${join(dir, 'data')}"`, `  wal-dir = "${join(dir, 'wal')}"`, '  query-log-enabled = false',
    '[http]', '  enabled = true', `  bind-address = "127.0.0.1:${httpPort}"`, '  log-enabled = false',
    '[monitor]', '  store-enabled = false',
    '[subscriber]', '  enabled = false',
    '[continuous_queries]', '  enabled = false',
    '',
  ].join('\n');
  const path = join(dir, 'influxdb.conf');
  writeFileSync(path, config);
  const child: ChildProcess = spawn('influxd', ['run', '-config', path], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    if (stderr.length < 4000) stderr += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${httpPort}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`influxd exited (${child.exitCode}): ${stderr.slice(-800)}`);
    }
    try {
      const res = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(500) });
      if (res.status === 204) return { url, stop };
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`influxd did not answer /ping within ${timeoutMs} ms: ${stderr.slice(-800)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
