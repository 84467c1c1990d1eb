/**
 * Issue 12: one `advance()` has an event and a memory budget, so a finite but
 * huge load ends with a clear, typed error instead of running for hours or
 * exhausting the heap; the cluster is stopped afterwards and says why.
 */
import { BackendError, ConfigError, SimulationBudgetError } from '../../../src/core/errors.js';
import { DEFAULT_SIM_BUDGET } from '../../../src/cluster/sim/engine.js';
import { SimCluster } from '../../../src/cluster/sim/sim-cluster.js';
import type { ScenarioSpec } from '../../../src/cluster/sim/spec.js';

function scenario(rate: number, maxInflight = 0): ScenarioSpec {
  return {
    seed: 1,
    duration: 1,
    nodes: [{ name: 'n', cores: 4, memoryMb: 8192 }],
    functions: [{ name: 'f', work: { kind: 'exponential', mean: 0.01 }, replicas: 1, maxInflight }],
    loads: [{ kind: 'poisson', target: 'f', rate }],
  };
}

describe('simulator budget per advance', () => {
  test('the defaults bound the work of one step', () => {
    expect(DEFAULT_SIM_BUDGET.events).toBe(50_000_000);
    expect(DEFAULT_SIM_BUDGET.liveInvocations).toBe(2_000_000);
  });

  test('too many events: SimulationBudgetError naming the budget, then the cluster refuses to go on', async () => {
    const c = new SimCluster(scenario(1000), { budget: { events: 20_000 } });
    await c.advance({ seconds: 1 }); // ~3000 events: within the budget
    const err = await c.advance({ seconds: 1e6 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SimulationBudgetError);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/^simulator: one advance processed 20000 events \(its budget\) at simulated time [\d.]+ s of a call running to 1000001\.000 s; the load is too large for one step/);
    await expect(c.advance({ seconds: 1 })).rejects.toThrow(BackendError);
    await expect(c.advance({ seconds: 1 })).rejects.toThrow(/the simulated cluster was stopped: simulator: one advance processed 20000 events/);
  });

  test('the budget is per advance: many small windows may together exceed it', async () => {
    const c = new SimCluster(scenario(1000), { budget: { events: 20_000 } });
    for (let i = 0; i < 20; i++) await c.advance({ seconds: 1 });
    expect(c.engine.events).toBeGreaterThan(20_000);
  });

  test('a backlog beyond the live-invocation budget stops the step (memory)', async () => {
    // One replica serving one request at a time at 100/s, offered 10⁴/s: the queue grows by ~9900 a second.
    const c = new SimCluster(scenario(10_000, 1), { budget: { liveInvocations: 5_000 } });
    const err = await c.advance({ seconds: 60 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SimulationBudgetError);
    expect((err as Error).message).toMatch(/^simulator: \d+ invocations in flight \(budget 5000\) at simulated time 0\.\d+ s .*the load outruns the cluster/);
  });

  test('request-count windows are budgeted too', async () => {
    const c = new SimCluster({ ...scenario(1000), functions: [{ name: 'f', work: 1e6, replicas: 1 }] }, { budget: { events: 5_000 } });
    await expect(c.advance({ requests: 1, maxSeconds: 1e6 })).rejects.toThrow(SimulationBudgetError);
  });
});
