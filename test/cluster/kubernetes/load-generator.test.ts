/**
 * The HTTP load generator on its own, with an in-process `send` (no network):
 * open-loop arrival counts, closed-loop users with spawn rate and think time,
 * outcome classification, `setUsers`, requests-windows and a clean stop.
 */
import { LoadGenerator, type SendResult } from '../../../src/cluster/kubernetes/load-generator.js';
import type { LoadSpec } from '../../../src/cluster/sim/spec.js';

const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A fake function: answers after `latencyMs` with `status` (or per call). */
function fakeSend(latencyMs: number, status: (n: number) => number | 'hang' = () => 200) {
  let calls = 0;
  let maxConcurrent = 0;
  let concurrent = 0;
  const send = (target: string, signal: AbortSignal): Promise<SendResult> => {
    const n = ++calls;
    void target;
    concurrent++;
    maxConcurrent = Math.max(maxConcurrent, concurrent);
    const s = status(n);
    return new Promise((resolve) => {
      const finish = (r: SendResult): void => {
        concurrent--;
        clearTimeout(t);
        resolve(r);
      };
      const t = s === 'hang' ? undefined as unknown as NodeJS.Timeout : setTimeout(() => finish({ status: s }), latencyMs);
      signal.addEventListener('abort', () => finish({ status: 0, error: (signal.reason as { name?: string })?.name === 'TimeoutError' ? 'timeout' : 'connection' }), { once: true });
    });
  };
  return { send, stats: () => ({ calls, maxConcurrent }) };
}

describe('LoadGenerator', () => {
  test('open loop: a constant rate at timeScale 10 sends the expected number of requests', async () => {
    const f = fakeSend(5);
    const loads: LoadSpec[] = [{ kind: 'constant', target: 'f', rate: 20 }];
    const lg = new LoadGenerator({ loads, send: f.send, seed: 1, timeScale: 10 });
    lg.start();
    await lg.sleep(10); // 10 simulated seconds = 1 wall second
    await wait(30);
    const w = lg.takeWindow().get('f');
    await lg.stop();
    // 20/s for ~10 s of simulated time.
    expect(w?.requests).toBeGreaterThanOrEqual(195);
    expect(w?.requests).toBeLessThanOrEqual(215);
    expect(w?.successes).toBeGreaterThanOrEqual(195);
    // Latency in simulated seconds: 5 ms wall × 10.
    expect(w?.latency.stats().p50).toBeGreaterThan(0.04);
    expect(w?.latency.stats().p50).toBeLessThan(0.5);
  });

  test('open loop: the Azure-schema trace replays its per-minute counts', async () => {
    const f = fakeSend(1);
    // Two "minutes" of 1 simulated second each at timeScale 4: 0.5 s of wall time.
    const loads: LoadSpec[] = [{ kind: 'trace', target: 'f', counts: [30, 10], secondsPerMinute: 1 }];
    const lg = new LoadGenerator({ loads, send: f.send, seed: 3, timeScale: 4 });
    lg.start();
    await lg.sleep(1);
    const first = lg.takeWindow().get('f');
    await lg.sleep(1.2);
    const second = lg.takeWindow().get('f');
    await lg.stop();
    expect(first?.requests).toBeGreaterThanOrEqual(28);
    expect((first?.requests ?? 0) + (second?.requests ?? 0)).toBe(40);
  });

  test('closed loop: users spawn at the spawn rate, wait for answers and think', async () => {
    const f = fakeSend(20);
    const loads: LoadSpec[] = [{ kind: 'closed', target: 'wf', users: 5, spawnRate: 50, think: 0.05 }];
    const lg = new LoadGenerator({ loads, send: f.send, seed: 1, timeScale: 1 });
    lg.start();
    await wait(40);
    expect(lg.usersOf(0)).toBeGreaterThanOrEqual(2);
    expect(lg.usersOf(0)).toBeLessThan(5);
    await wait(400);
    expect(lg.usersOf(0)).toBe(5);
    expect(f.stats().maxConcurrent).toBeLessThanOrEqual(5);
    const w = lg.takeWindow().get('wf');
    // Each user cycles in ~70 ms (20 ms answer + 50 ms think).
    expect(w?.successes).toBeGreaterThan(15);
    lg.setUsers(0, 1);
    await wait(300);
    expect(lg.usersOf(0)).toBe(1);
    await lg.stop();
    expect(lg.usersOf(0)).toBe(0);
  });

  test('429 is rejected, 5xx and timeouts failed; a requests-window resolves on completions', async () => {
    const f = fakeSend(5, (n) => (n % 4 === 1 ? 429 : n % 4 === 2 ? 503 : n % 4 === 3 ? 'hang' : 200));
    const loads: LoadSpec[] = [{ kind: 'closed', target: 'f', users: 1, think: 0 }];
    const lg = new LoadGenerator({ loads, send: f.send, seed: 1, requestTimeoutMs: 50 });
    lg.start();
    expect(await lg.waitForFinished(4, 2000)).toBe(true);
    const w = lg.takeWindow().get('f');
    await lg.stop();
    expect(w).toMatchObject({ rejected: 1, failed: 2, timeouts: 1, successes: 1 });
  });

  test('over maxInflight, open-loop arrivals are dropped and counted as failed', async () => {
    const f = fakeSend(0, () => 'hang');
    const lg = new LoadGenerator({ loads: [{ kind: 'constant', target: 'f', rate: 1000 }], send: f.send, seed: 1, maxInflight: 3, requestTimeoutMs: 10_000 });
    lg.start();
    await wait(100);
    const w = lg.takeWindow().get('f');
    await lg.stop();
    expect(f.stats().calls).toBe(3);
    expect(w?.dropped).toBeGreaterThan(10);
    expect(w?.failed).toBe(w?.dropped);
  });
});
