import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../../src/core/errors.js';
import { formatScenarioResult, runScenario, TIMING_FIELDS, type ScenarioResult } from '../../../src/cluster/sim/run.js';
import { loadScenarioFile, resolveScenario } from '../../../src/cluster/sim/scenario.js';

const SCENARIO_DIR = join(process.cwd(), 'configs', 'scenarios');

/** A small scenario with a workflow (fan-out, join, branch), a per-request function and random stress. */
const scenario = resolveScenario({
  name: 'mixed',
  seed: 4,
  warmup: 20,
  duration: 200,
  nodes: [
    { name: 'a', cores: 8, memoryMb: 8192, stress: { kind: 'random', levels: [0, 0.25, 0.5], every: 15 } },
    { name: 'b', cores: 8, memoryMb: 8192, speed: 0.8 },
  ],
  functions: [
    { name: 'front', work: { kind: 'exponential', mean: 0.02 }, replicas: 2, maxInflight: 4 },
    { name: 'left', work: { kind: 'lognormal', median: 0.03, sigma: 0.5 }, coldStart: 1 },
    { name: 'right', work: 0.01, download: { kind: 'exponential', mean: 0.01 } },
    { name: 'end', work: 0.005 },
    { name: 'lambda', scaling: 'per-request', work: { kind: 'exponential', mean: 0.1 }, coldStart: 0.3, keepAlive: 5 },
  ],
  workflows: [{
    name: 'wf',
    stages: ['front', 'left', 'right', 'end'],
    edges: [['left', 'end'], ['right', 'end']],
    branches: [{ from: 'front', to: ['left', 'right'], probs: [0.5, 0.5] }],
  }],
  loads: [
    { kind: 'poisson', target: 'wf', rate: 20 },
    { kind: 'poisson', target: 'lambda', rate: 2 },
  ],
});

function withoutTiming(r: ScenarioResult): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...r };
  for (const f of TIMING_FIELDS) delete copy[f];
  return copy;
}

describe('runScenario', () => {
  test('has the documented fields and consistent counts', () => {
    const r = runScenario(scenario);
    expect(r).toMatchObject({ scenario: 'mixed', seed: 4, duration: 200, warmup: 20 });
    expect(Object.keys(r.functions)).toEqual(['front', 'left', 'right', 'end', 'lambda']);
    const front = r.functions.front!;
    expect(front.requests).toBeGreaterThan(3000);
    expect(Object.keys(front)).toEqual(['requests', 'successes', 'coldStarts', 'coldStartProbability', 'rejected', 'failed', 'latency', 'instances']);
    expect(Object.keys(front.latency)).toEqual(['mean', 'p50', 'p95', 'p99']);
    expect(front.latency.p50).toBeLessThanOrEqual(front.latency.p95);
    expect(front.latency.p95).toBeLessThanOrEqual(front.latency.p99);
    expect(front.instances.total).toBeCloseTo(2, 6);
    expect(front.instances.running + front.instances.idle).toBeCloseTo(front.instances.total, 9);
    // The branch sends each request to exactly one side; the join runs once per request.
    const { left, right, end, lambda } = r.functions;
    expect(left!.requests + right!.requests).toBeGreaterThan(0.97 * front.requests);
    expect(end!.requests).toBeGreaterThan(0.97 * front.requests);
    expect(lambda!.coldStarts).toBeGreaterThan(0);
    expect(lambda!.coldStartProbability).toBeCloseTo(lambda!.coldStarts / lambda!.requests, 12);
    expect(r.workflows.wf).toMatchObject({ failed: 0 });
    expect(r.workflows.wf!.completed).toBeGreaterThan(3000);
    expect(r.workflows.wf!.latency.mean).toBeGreaterThan(front.latency.mean);
    expect(r.cost.provisionedUsd).toBeGreaterThan(0);
    expect(r.cost.lambdaUsd).toBeGreaterThan(0);
    expect(r.invocations).toBeGreaterThanOrEqual(front.requests + left!.requests + right!.requests + end!.requests + lambda!.requests - 10);
    expect(r.events).toBeGreaterThan(r.invocations);
    expect(r.wallSeconds).toBeGreaterThan(0);
    expect(r.invocationsPerSecond).toBeCloseTo(r.invocations / r.wallSeconds, 6);
    // JSON-able: a round trip changes nothing (no NaN, Infinity or undefined).
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  test('same scenario and seed: identical result apart from the timing fields', () => {
    const a = runScenario(scenario), b = runScenario(scenario);
    expect(withoutTiming(b)).toEqual(withoutTiming(a));
    expect(JSON.stringify(withoutTiming(b))).toBe(JSON.stringify(withoutTiming(a)));
  });

  test('a different seed gives a different result', () => {
    const a = runScenario(scenario), b = runScenario(scenario, { seed: 5 });
    expect(b.seed).toBe(5);
    expect(withoutTiming(b)).not.toEqual(withoutTiming(a));
    expect(b.functions.front!.requests).not.toBe(a.functions.front!.requests);
  });

  test('overrides of duration and warmup; the warm-up is not measured', () => {
    const short = runScenario(scenario, { duration: 50, warmup: 0 });
    expect(short).toMatchObject({ duration: 50, warmup: 0 });
    expect(short.functions.front!.requests).toBeGreaterThan(700);
    expect(short.functions.front!.requests).toBeLessThan(1300);
    // A long warm-up changes what is measured but not the window's length.
    const late = runScenario(scenario, { duration: 50, warmup: 500 });
    expect(late.functions.front!.requests).toBeGreaterThan(700);
    expect(late.functions.front!.requests).toBeLessThan(1300);
    expect(late.functions.front!.requests).not.toBe(short.functions.front!.requests);
  });

  test('invalid overrides throw ConfigError', () => {
    expect(() => runScenario(scenario, { seed: -1 })).toThrow(ConfigError);
    expect(() => runScenario(scenario, { duration: 0 })).toThrow('duration: expected a number in (0, 10000000], got 0');
    expect(() => runScenario(scenario, { warmup: Number.NaN })).toThrow('warmup: expected a number in [0, 10000000], got NaN');
  });

  test('formatScenarioResult prints a table per function and workflow', () => {
    const text = formatScenarioResult(runScenario(scenario, { duration: 20 }));
    expect(text).toMatch(/^scenario mixed {2}seed 4/);
    expect(text).toMatch(/^function\s+requests\s+ok\s+cold\s+P\(cold\)/m);
    for (const name of ['front', 'left', 'right', 'end', 'lambda']) expect(text).toMatch(new RegExp(`^${name}\\s+\\d+`, 'm'));
    expect(text).toMatch(/^wf\s+\d+\s+\d+\s+0\s/m);
    expect(text).toMatch(/^cost: provisioned \$/m);
    expect(text).toMatch(/invocations\/s\n$/);
  });
});

describe('configs/scenarios', () => {
  // schema.json is the JSON Schema of these files, not a scenario.
  const files = readdirSync(SCENARIO_DIR).filter((f) => /\.(ya?ml|json)$/.test(f) && f !== 'schema.json').sort();

  test('holds the documented examples', () => {
    expect(files).toEqual(expect.arrayContaining(['mm1.yaml', 'lambda-keepalive.yaml', 'sequential-workflow.yaml', 'darly-interference.yaml']));
  });

  test.each(files)('%s loads and runs', (file) => {
    const s = loadScenarioFile(join(SCENARIO_DIR, file));
    expect(s.name).toBe(file.replace(/\.(ya?ml|json)$/, ''));
    const r = runScenario(s);
    const fns = Object.values(r.functions);
    expect(fns.length).toBeGreaterThan(0);
    expect(fns.some((f) => f.successes > 0)).toBe(true);
    for (const f of fns) expect(f.failed + f.rejected).toBe(0);
    for (const w of Object.values(r.workflows)) expect(w.completed).toBeGreaterThan(0);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  test('mm1.yaml matches M/M/1 theory: mean response 1/(μ − λ) = 5 s, utilisation 0.8', () => {
    const r = runScenario(loadScenarioFile(join(SCENARIO_DIR, 'mm1.yaml')));
    const f = r.functions.server!;
    expect(f.latency.mean).toBeGreaterThan(4.5);
    expect(f.latency.mean).toBeLessThan(5.5);
    expect(f.latency.p50).toBeGreaterThan(5 * Math.LN2 * 0.9);
    expect(f.latency.p50).toBeLessThan(5 * Math.LN2 * 1.1);
    expect(f.instances.running).toBeCloseTo(0.8, 1);
  });

  test('lambda-keepalive.yaml: P(cold) ≈ exp(−rate · keepAlive)', () => {
    const r = runScenario(loadScenarioFile(join(SCENARIO_DIR, 'lambda-keepalive.yaml')));
    expect(r.functions['short-keepalive']!.coldStartProbability).toBeGreaterThan(0.45);
    expect(r.functions['short-keepalive']!.coldStartProbability).toBeLessThan(0.65);
    expect(r.functions['long-keepalive']!.coldStartProbability).toBeLessThan(0.02);
  });
});
