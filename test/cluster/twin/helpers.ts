/** Shared pieces of the twin tests: a small scenario, bounded HTTP calls, kubectl. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ScenarioSpec } from '../../../src/cluster/sim/spec.js';

export const NS = 'openfaas-fn';

/**
 * Two 4-core nodes (n2 labelled zone=b) and three functions without load:
 * `echo` (0.5 s of one core, no contention, unlimited concurrency), `limited`
 * (2 s, max_inflight 1 with overflow reject: the watchdog answers 429), and
 * `hog` (needs 300 MB: a 256 MB limit fails it).
 */
export function testScenario(): ScenarioSpec {
  return {
    name: 'twin-test',
    seed: 1,
    duration: 1000,
    nodes: [
      { name: 'n1', cores: 4, memoryMb: 8192, cpuModel: 'Xeon test', l3Mb: 16 },
      { name: 'n2', cores: 4, memoryMb: 8192, labels: { zone: 'b' } },
    ],
    functions: [
      { name: 'echo', work: 0.5, cpuMilli: 1000, memoryMb: 256, contention: 0, replicas: 1, nodeSelector: ['n1'] },
      { name: 'limited', work: 2, cpuMilli: 1000, memoryMb: 256, contention: 0, replicas: 1, maxInflight: 1, overflow: 'reject' },
      { name: 'hog', work: 0.1, cpuMilli: 500, memoryMb: 512, memoryFootprintMb: 300, replicas: 1 },
    ],
    loads: [],
  };
}

/** fetch with a deadline. */
export async function http(url: string, init: RequestInit & { timeoutMs?: number } = {}): Promise<Response> {
  const { timeoutMs = 10_000, ...rest } = init;
  return fetch(url, { ...rest, signal: AbortSignal.timeout(timeoutMs) });
}

export async function getJson<T = Record<string, unknown>>(url: string, init: RequestInit = {}): Promise<{ status: number; body: T; headers: Headers }> {
  const res = await http(url, init);
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T, headers: res.headers };
}

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** Poll `cond` every 50 ms until true or `ms` passed; returns whether it became true. */
export async function until(cond: () => boolean | Promise<boolean>, ms = 10_000): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    if (await cond()) return true;
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A throwaway KUBECONFIG (an empty file), removed by `dispose`. */
export function emptyKubeconfig(): { path: string; dispose: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'faasgym-kubeconfig-'));
  const path = join(dir, 'config');
  writeFileSync(path, '');
  return { path, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

export const KUBECTL = '/usr/bin/kubectl';

/** Run kubectl against `server` (asynchronously: the twin runs in this process). */
export function kubectl(server: string, kubeconfig: string, args: string[], timeoutMs = 30_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(KUBECTL, ['--server', server, '--request-timeout=15s', ...args], { env: { ...process.env, KUBECONFIG: kubeconfig, HOME: join(kubeconfig, '..') }, timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
