/**
 * The gateway client against a local mock HTTP server on loopback: basic auth
 * on /system only, bounded retries with backoff on 409/429/5xx, timeouts and
 * dropped connections, then a typed BackendError that names the endpoint and
 * never a credential.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Rng } from '../../../src/core/rng.js';
import { BackendError } from '../../../src/core/errors.js';
import { GatewayClient, deploymentOf, type FunctionStatus } from '../../../src/cluster/kubernetes/gateway-client.js';
import { BackendRequestError, DEFAULT_RETRY, backoffMs, withRetries, AttemptFailure } from '../../../src/cluster/kubernetes/retry.js';

const PASSWORD = 's3cr3t-Pa55word';
const AUTH = `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`;

interface Seen {
  method: string;
  url: string;
  auth: string | undefined;
  body: string;
  at: number;
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: string, n: number) => void;

async function serve(handler: Handler): Promise<{ url: string; seen: Seen[]; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization, body, at: Date.now() });
      handler(req, res, body, seen.length);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

const fast = { ...DEFAULT_RETRY, attempts: 3, baseDelayMs: 20, maxDelayMs: 100, timeoutMs: 300 };

function client(url: string, logs: string[] = [], retry = fast): GatewayClient {
  return new GatewayClient({ url, user: 'admin', password: PASSWORD, retry, rng: new Rng(1), onRetry: (l) => logs.push(l) });
}

const STATUS: FunctionStatus = {
  name: 'resize', image: 'ghcr.io/x/resize:1', namespace: 'openfaas-fn', envProcess: 'python index.py', envVars: { max_inflight: '4' },
  labels: { team: 'a' }, limits: { cpu: '1', memory: '512Mi' }, requests: null, invocationCount: 12, replicas: 2, availableReplicas: 2,
  createdAt: '2024-01-01T00:00:00Z', usage: { cpu: 120, totalMemoryBytes: 1e8 },
};

describe('GatewayClient', () => {
  test('basic auth goes to /system calls and never to invocations', async () => {
    const srv = await serve((req, res) => {
      if (req.url?.startsWith('/system/functions')) return res.end(JSON.stringify([STATUS]));
      res.statusCode = 200;
      res.end('ok');
    });
    try {
      const gw = client(srv.url);
      expect(await gw.listFunctions('openfaas-fn')).toEqual([STATUS]);
      expect(await gw.invoke('resize', { namespace: 'openfaas-fn' })).toEqual({ status: 200 });
      expect(await gw.invoke('resize', { namespace: 'other', async: true })).toEqual({ status: 200 });
      expect(srv.seen.map((s) => [s.method, s.url, s.auth])).toEqual([
        ['GET', '/system/functions?namespace=openfaas-fn', AUTH],
        ['POST', '/function/resize', undefined],
        ['POST', '/async-function/resize.other', undefined],
      ]);
    } finally {
      await srv.close();
    }
  });

  test('PUT and scale send the OpenFaaS request bodies', async () => {
    const srv = await serve((_req, res) => {
      res.statusCode = 202;
      res.end();
    });
    try {
      const gw = client(srv.url);
      await gw.updateFunction(deploymentOf(STATUS));
      await gw.scaleFunction('resize', 'openfaas-fn', 3);
      expect(srv.seen[0]?.method).toBe('PUT');
      expect(JSON.parse(srv.seen[0]?.body ?? '')).toEqual({
        service: 'resize', image: 'ghcr.io/x/resize:1', namespace: 'openfaas-fn', envProcess: 'python index.py', envVars: { max_inflight: '4' },
        labels: { team: 'a' }, limits: { cpu: '1', memory: '512Mi' }, requests: null,
      });
      expect([srv.seen[1]?.method, srv.seen[1]?.url]).toEqual(['POST', '/system/scale-function/resize?namespace=openfaas-fn']);
      expect(JSON.parse(srv.seen[1]?.body ?? '')).toEqual({ serviceName: 'resize', namespace: 'openfaas-fn', replicas: 3 });
    } finally {
      await srv.close();
    }
  });

  test.each([500, 503, 409, 429])('HTTP %i is retried with growing backoff, then succeeds', async (code) => {
    const srv = await serve((_req, res, _b, n) => {
      res.statusCode = n < 3 ? code : 202;
      res.end(n < 3 ? 'try later' : '');
    });
    try {
      const logs: string[] = [];
      await client(srv.url, logs, { ...fast, jitter: 0 }).scaleFunction('resize', 'openfaas-fn', 1);
      expect(srv.seen).toHaveLength(3);
      expect(logs).toEqual([
        `retry 1/2 of gateway POST /system/scale-function/resize in 20 ms: HTTP ${code}: try later`,
        `retry 2/2 of gateway POST /system/scale-function/resize in 40 ms: HTTP ${code}: try later`,
      ]);
      expect(srv.seen[2]!.at - srv.seen[1]!.at).toBeGreaterThanOrEqual(38);
    } finally {
      await srv.close();
    }
  });

  test('after its attempts a failing call is a BackendError with status and endpoint and no credential', async () => {
    const srv = await serve((req, res) => {
      res.statusCode = 500;
      // A careless server echoing the request headers must not leak them either.
      res.end(`boom ${req.headers.authorization} ${PASSWORD}`);
    });
    const logs: string[] = [];
    try {
      const err = await client(srv.url, logs).updateFunction(deploymentOf(STATUS)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BackendError);
      expect(err).toBeInstanceOf(BackendRequestError);
      expect(err).toMatchObject({ name: 'BackendError', status: 500, endpoint: 'gateway PUT /system/functions', attempts: 3 });
      expect((err as Error).message).toBe('gateway PUT /system/functions: HTTP 500: boom Basic *** *** (after 3 attempts)');
      expect(srv.seen).toHaveLength(3);
      for (const text of [(err as Error).message, ...logs, JSON.stringify(err)]) {
        expect(text).not.toContain(PASSWORD);
        expect(text).not.toContain(AUTH.slice(6));
      }
    } finally {
      await srv.close();
    }
  });

  test('a 401 is not retried and says which settings to check', async () => {
    const srv = await serve((_req, res) => {
      res.statusCode = 401;
      res.end('unauthorized');
    });
    try {
      const err = await client(srv.url).listFunctions('openfaas-fn').catch((e: unknown) => e);
      expect(err).toMatchObject({ status: 401, attempts: 1 });
      expect((err as Error).message).toBe('gateway GET /system/functions: HTTP 401: unauthorized (check gateway.user and gateway.passwordFile)');
      expect(srv.seen).toHaveLength(1);
    } finally {
      await srv.close();
    }
  });

  test('a hanging gateway times out per attempt; a dropped connection is retried', async () => {
    const hang = await serve(() => { /* never answers */ });
    const drop = await serve((req) => req.socket.destroy());
    try {
      const t0 = Date.now();
      const err = await client(hang.url).getFunction('resize', 'openfaas-fn').catch((e: unknown) => e);
      expect(err).toMatchObject({ name: 'BackendError', status: null, attempts: 3 });
      expect((err as Error).message).toBe('gateway GET /system/function/resize: no answer within 300 ms (after 3 attempts)');
      expect(Date.now() - t0).toBeLessThan(3000);
      const err2 = await client(drop.url).getFunction('resize', 'openfaas-fn').catch((e: unknown) => e);
      expect(err2).toMatchObject({ name: 'BackendError', status: null, attempts: 3 });
      expect((err2 as Error).message).toMatch(/^gateway GET \/system\/function\/resize: connection failed \(.+\) \(after 3 attempts\)$/);
      expect(drop.seen).toHaveLength(3);
    } finally {
      await hang.close();
      await drop.close();
    }
  });

  test('invocations report 429, timeouts and dropped connections without retrying', async () => {
    const srv = await serve((req, res, _b, n) => {
      if (n === 1) {
        res.statusCode = 429;
        return res.end();
      }
      if (n === 2) return req.socket.destroy();
      // n === 3: hang
    });
    try {
      const gw = client(srv.url);
      expect(await gw.invoke('f')).toEqual({ status: 429 });
      expect(await gw.invoke('f')).toEqual({ status: 0, error: 'connection' });
      expect(await gw.invoke('f', { signal: AbortSignal.timeout(100) })).toEqual({ status: 0, error: 'timeout' });
      expect(srv.seen).toHaveLength(3);
    } finally {
      await srv.close();
    }
  });
});

describe('retry policy', () => {
  test('backoff doubles up to the cap; jitter comes from the seeded Rng', () => {
    const p = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1000, jitter: 0 };
    expect([1, 2, 3, 4, 5].map((k) => backoffMs(p, k, null))).toEqual([100, 200, 400, 800, 1000]);
    const j = { ...p, jitter: 0.5 };
    const a = [1, 2, 3].map((k) => backoffMs(j, k, new Rng(7)));
    const b = [1, 2, 3].map((k) => backoffMs(j, k, new Rng(7)));
    expect(a).toEqual(b);
    a.forEach((v, i) => expect(v).toBeGreaterThanOrEqual(50 * 2 ** i));
  });
  test('a non-retryable failure stops at once', async () => {
    let calls = 0;
    const err = await withRetries('x GET /y', { ...fast }, null, async () => {
      calls++;
      throw new AttemptFailure('HTTP 404: not found', 404, false);
    }).catch((e: unknown) => e);
    expect(calls).toBe(1);
    expect((err as Error).message).toBe('x GET /y: HTTP 404: not found');
  });
});
