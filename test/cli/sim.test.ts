import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// `npm test` builds dist/ before jest runs, so this exercises the real `faasgym` bin.
const CLI = join(process.cwd(), 'dist', 'src', 'experiment', 'cli.js');
const MM1 = join('configs', 'scenarios', 'mm1.yaml');

function faasgym(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function withoutTiming(json: Record<string, unknown>): Record<string, unknown> {
  const { wallSeconds: _w, invocationsPerSecond: _i, ...rest } = json;
  return rest;
}

let dir: string;
beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
  dir = mkdtempSync(join(tmpdir(), 'faasgym-sim-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('faasgym sim', () => {
  test('--json prints exactly one JSON object with the documented fields', () => {
    const r = faasgym('sim', MM1, '--json');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const j = JSON.parse(r.stdout) as Record<string, any>;
    expect(j).toMatchObject({ scenario: 'mm1', seed: 1, duration: 100000, warmup: 2000 });
    for (const key of ['functions', 'workflows', 'cost', 'invocations', 'events', 'wallSeconds', 'invocationsPerSecond']) expect(j).toHaveProperty(key);
    const f = j.functions.server;
    for (const key of ['requests', 'coldStarts', 'coldStartProbability', 'rejected', 'failed']) expect(typeof f[key]).toBe('number');
    expect(Object.keys(f.latency).sort()).toEqual(['mean', 'p50', 'p95', 'p99']);
    expect(Object.keys(f.instances).sort()).toEqual(['idle', 'running', 'total']);
    expect(f.requests).toBeGreaterThan(70_000);
    expect(f.latency.mean).toBeGreaterThan(4.5);
    expect(f.latency.mean).toBeLessThan(5.5);
    expect(Object.keys(j.cost).sort()).toEqual(['lambdaUsd', 'provisionedUsd', 'replicas', 'servers']);
  });

  test('two runs give identical JSON apart from the timing fields', () => {
    const a = JSON.parse(faasgym('sim', MM1, '--json').stdout) as Record<string, unknown>;
    const b = JSON.parse(faasgym('sim', MM1, '--json').stdout) as Record<string, unknown>;
    expect(JSON.stringify(withoutTiming(b))).toBe(JSON.stringify(withoutTiming(a)));
  });

  test('--seed and --duration override the scenario', () => {
    const r = faasgym('sim', MM1, '--json', '--seed', '9', '--duration', '5000');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as Record<string, any>;
    expect(j).toMatchObject({ seed: 9, duration: 5000 });
    expect(j.functions.server.requests).toBeGreaterThan(3500);
    expect(j.functions.server.requests).toBeLessThan(4500);
  });

  test('without --json prints a summary table', () => {
    const r = faasgym('sim', MM1, '--duration', '1000');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^scenario mm1 {2}seed 1/);
    expect(r.stdout).toMatch(/^server\s+\d+/m);
  });

  test('an invalid scenario exits 2 (a configuration error) naming the field', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, [
      'duration: 10',
      'nodes: [{ name: n, cores: 2, memoryMb: 1024 }]',
      'functions:',
      '  - { name: f, work: { kind: exponential, mean: -1 } }',
      'loads: [{ kind: poisson, target: f, rate: 1 }]',
      '',
    ].join('\n'));
    const r = faasgym('sim', bad, '--json');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^faasgym: ConfigError: .*bad\.yaml: functions\[0\]\.work\.mean: expected a number in \(0, 1000000000\], got -1\n$/);
  });

  test('a missing file and bad options exit 2', () => {
    const r = faasgym('sim', join(dir, 'missing.yaml'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^faasgym: ConfigError: .*missing\.yaml: cannot read scenario file/);
    const o = faasgym('sim', MM1, '--duration', '-1');
    expect(o.code).toBe(2);
    expect(o.stderr).toContain('--duration must be a finite number > 0, got "-1"');
  });
});

describe('faasgym bench sim', () => {
  test('--json --seconds 0.2 prints the three benchmarks', () => {
    const r = faasgym('bench', 'sim', '--json', '--seconds', '0.2');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { benchmarks: Record<string, any>[]; node: string; cpu: string };
    expect(j.node).toBe(process.version);
    expect(typeof j.cpu).toBe('string');
    expect(j.benchmarks.map((b) => b.name)).toEqual(['per-request-single', 'sequential-5-ps', 'workflow-12-migrate']);
    for (const b of j.benchmarks) {
      expect(Object.keys(b)).toEqual(['name', 'invocations', 'wallSeconds', 'invocationsPerSecond', 'events', 'eventsPerSecond', 'target', 'ratioToTarget']);
      expect(b.invocations).toBeGreaterThan(0);
      expect(b.wallSeconds).toBeGreaterThanOrEqual(0.2);
      expect(b.invocationsPerSecond).toBeCloseTo(b.invocations / b.wallSeconds, 3);
      expect(b.eventsPerSecond).toBeGreaterThan(0);
    }
    expect(j.benchmarks.map((b) => b.target)).toEqual([1_000_000, 300_000, null]);
    expect(j.benchmarks[0]!.ratioToTarget).toBeCloseTo(j.benchmarks[0]!.invocationsPerSecond / 1_000_000, 6);
    expect(j.benchmarks[2]!.ratioToTarget).toBeNull();
    // environment step rates with a random policy, against the targets
    const envs = (j as unknown as { environments: { name: string; steps: number; stepsPerSecond: number; target: number; ratioToTarget: number }[] }).environments;
    expect(envs.map((e) => e.target)).toEqual([100, 20_000]);
    for (const e of envs) {
      expect(e.steps).toBeGreaterThan(0);
      expect(e.ratioToTarget).toBeCloseTo(e.stepsPerSecond / e.target, 6);
    }
  });
});
