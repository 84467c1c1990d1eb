/**
 * Exactness where queueing theory has closed forms. These runs are long on
 * purpose: at ρ = 0.8 successive response times are strongly correlated, and
 * 3 % needs on the order of a million requests.
 */
import { SimCluster } from '../../../src/cluster/sim/sim-cluster.js';
import type { ScenarioSpec } from '../../../src/cluster/sim/spec.js';

function queue(opts: { lambda: number; mu: number; servers: number; seed: number }): ScenarioSpec {
  return {
    seed: opts.seed,
    duration: 1,
    nodes: [{ name: 'node', cores: 64, memoryMb: 65536 }],
    functions: [{
      name: 'f', work: { kind: 'exponential', mean: 1 / opts.mu },
      replicas: opts.servers, maxInflight: 1, overflow: 'queue', cpuMilli: 1000, contention: 0,
    }],
    loads: [{ kind: 'poisson', target: 'f', rate: opts.lambda }],
  };
}

/** Erlang C: probability that an arrival waits in an M/M/c queue with offered load a = λ/μ. */
function erlangC(c: number, a: number): number {
  let sum = 0, term = 1;
  for (let k = 0; k < c; k++) {
    if (k > 0) term *= a / k;
    sum += term;
  }
  const last = (term * a) / c; // a^c / c!
  const top = (last * c) / (c - a);
  return top / (sum + top);
}

describe('M/M/1: one replica, maxInflight 1, Poisson arrivals, exponential work', () => {
  test.each([
    [0.5, 400_000],
    [0.8, 1_500_000],
  ])('ρ = %s: mean response time 1/(μ−λ) within 3 %%', async (rho, seconds) => {
    const mu = 1, lambda = rho;
    const cluster = new SimCluster(queue({ lambda, mu, servers: 1, seed: 11 }));
    await cluster.advance({ seconds: 2_000 }); // warm-up
    const s = await cluster.advance({ seconds });
    const f = s.functions.f!;
    expect(f.requests).toBeGreaterThan(0.95 * lambda * seconds);
    expect(f.rejected + f.failed).toBe(0);
    const theory = 1 / (mu - lambda);
    expect(Math.abs(f.latency.mean / theory - 1)).toBeLessThan(0.03);
    // Little's law on the time averages: L = λ·W, and utilisation = ρ.
    expect(f.inflight + f.queueLength).toBeCloseTo(lambda * f.latency.mean, 1);
    expect(f.cpuUtilization).toBeCloseTo(rho, 2);
  });
});

describe('M/M/c: c replicas behind the function queue', () => {
  test('c = 3, ρ = 0.7: mean response 1/μ + C(c, a)/(cμ − λ) (Erlang C) within 3 %', async () => {
    const c = 3, mu = 1, lambda = 2.1;
    const cluster = new SimCluster(queue({ lambda, mu, servers: c, seed: 5 }));
    await cluster.advance({ seconds: 2_000 });
    const s = await cluster.advance({ seconds: 300_000 });
    const theory = 1 / mu + erlangC(c, lambda / mu) / (c * mu - lambda);
    expect(erlangC(1, 0.5)).toBeCloseTo(0.5, 12); // sanity: M/M/1 waits with probability ρ
    expect(Math.abs(s.functions.f!.latency.mean / theory - 1)).toBeLessThan(0.03);
  });
});

describe('per-request scaling (AWS Lambda style)', () => {
  test.each([
    [1, 1],
    [0.5, 3],
  ])('λ = %s/s, keepAlive = %s s, near-zero work: P(cold start) = e^(−λ·keepAlive) within 3 %%', async (lambda, keepAlive) => {
    const cluster = new SimCluster({
      seed: 3,
      duration: 1,
      nodes: [{ name: 'node', cores: 8, memoryMb: 16384 }],
      functions: [{ name: 'f', scaling: 'per-request', work: 1e-6, coldStart: 1e-6, keepAlive, memoryMb: 128, cpuMilli: 1000 }],
      loads: [{ kind: 'poisson', target: 'f', rate: lambda }],
    });
    const s = await cluster.advance({ seconds: 400_000 / lambda });
    const f = s.functions.f!;
    const p = f.coldStarts / f.requests;
    expect(Math.abs(p / Math.exp(-lambda * keepAlive) - 1)).toBeLessThan(0.03);
    // Every cold start started an instance, and there is never more than one instance at a time.
    expect(f.replicaStarts).toBe(f.coldStarts);
    expect(f.instances.total).toBeLessThanOrEqual(1);
    // Expected instances alive: P(an instance exists) = 1 − e^(−λ·k) with near-zero service.
    expect(f.instances.total).toBeCloseTo(1 - Math.exp(-lambda * keepAlive), 2);
  });
});
