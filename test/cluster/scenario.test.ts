import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/core/errors.js';
import { findCycle, isResolvedScenario, loadScenarioFile, resolveScenario } from '../../src/cluster/sim/scenario.js';
import { SimCluster } from '../../src/cluster/sim/sim-cluster.js';

/** A small valid scenario; each bad case mutates a fresh copy. */
function base(): any {
  return {
    duration: 60,
    nodes: [
      { name: 'w01', cores: 8, memoryMb: 16000 },
      { name: 'w02', cores: 4, memoryMb: 8000 },
    ],
    functions: [
      { name: 'a', work: 0.1 },
      { name: 'b', work: { kind: 'exponential', mean: 0.2 } },
      { name: 'c', work: 0.05 },
    ],
    workflows: [
      {
        name: 'shopflow',
        stages: ['a', 'b', { id: 'c1', fn: 'c', parallelism: 2 }],
        edges: [['a', 'b']],
        branches: [{ from: 'b', to: ['c1'], probs: [1] }],
      },
    ],
    loads: [{ kind: 'poisson', target: 'shopflow', rate: 5 }],
  };
}

/** The message of the ConfigError that `f` throws. */
function thrown(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

function messageOf(mutate: (s: any) => void): string {
  const s = base();
  mutate(s);
  return thrown(() => resolveScenario(s));
}

describe('resolveScenario: defaults of a minimal valid scenario', () => {
  const minimal = {
    duration: 30,
    nodes: [{ name: 'n1', cores: 4, memoryMb: 8192 }],
    functions: [{ name: 'f', work: 0.1 }],
    loads: [{ kind: 'constant', target: 'f', rate: 2 }],
  };

  test('top level, node and function defaults', () => {
    const r = resolveScenario(minimal);
    expect(r).toEqual({
      name: 'scenario',
      seed: 0,
      duration: 30,
      warmup: 0,
      nodes: [
        { name: 'n1', cores: 4, memoryMb: 8192, speed: 1, l3Mb: 32, cpuModel: 'generic', labels: {}, stress: { kind: 'constant', level: 0 }, functionMemoryMb: 8192 },
      ],
      functions: [
        {
          name: 'f',
          work: { kind: 'constant', value: 0.1 },
          threads: 1,
          parallelFraction: 1,
          memoryFootprintMb: 0,
          coldStart: { kind: 'constant', value: 0 },
          initSeconds: 0,
          download: { kind: 'constant', value: 0 },
          upload: { kind: 'constant', value: 0 },
          transferMb: 0,
          interferenceSensitivity: 1,
          contention: 0.013,
          scaling: 'replicas',
          replicas: 1,
          cpuMilli: 1000,
          memoryMb: 512,
          cpuPerMemoryMb: null,
          maxInflight: 0,
          overflow: 'queue',
          keepAlive: null,
          scaleFromZero: true,
          scaleOutBurst: Infinity,
          scaleOutRate: Infinity,
          nodeSelector: null,
          dispatch: 'fleet',
          scheduler: 'hash',
        },
      ],
      workflows: [],
      loads: [{ kind: 'constant', target: 'f', rate: 2 }],
    });
  });

  test('per-request defaults, cpuPerMemoryMb and stage defaults', () => {
    const r = resolveScenario({
      ...minimal,
      functions: [
        { name: 'f', work: 0.1, scaling: 'per-request', memoryMb: 1769 * 2, cpuPerMemoryMb: 1769 },
        { name: 'g', work: 0.1, scaling: 'per-request', memoryMb: 128, cpuPerMemoryMb: 1769, maxInflight: 0 },
      ],
      workflows: [{ name: 'w', stages: ['f', { fn: 'g' }, { id: 'g2', fn: 'g', parallelism: 3 }] }],
    });
    const [f, g] = r.functions;
    expect(f).toMatchObject({ scaling: 'per-request', replicas: 0, keepAlive: 600, maxInflight: 1, cpuMilli: 2000, cpuPerMemoryMb: 1769 });
    expect(g).toMatchObject({ maxInflight: 1, cpuMilli: 72 }); // round(1000·128/1769) = round(72.36)
    expect(r.workflows[0]).toEqual({
      name: 'w',
      stages: [
        { id: 'f', fn: 'f', parallelism: 1 },
        { id: 'g', fn: 'g', parallelism: 1 },
        { id: 'g2', fn: 'g', parallelism: 3 },
      ],
      edges: [],
      branches: [],
      requestScale: { kind: 'constant', value: 1 },
      gated: false,
    });
  });

  test('the base scenario is valid and the input is not aliased', () => {
    const s = base();
    const r = resolveScenario(s);
    expect(r.workflows[0]!.branches).toEqual([{ from: 'b', to: ['c1'], probs: [1] }]);
    r.workflows[0]!.edges.push(['b', 'a']);
    expect(s.workflows[0].edges).toEqual([['a', 'b']]);
  });
});

describe('resolveScenario: bad scenarios name the field', () => {
  const cases: [string, (s: any) => void, string][] = [
    ['not an object', (s) => Object.assign(s, { nodes: 'x' }), 'scenario: nodes: expected an array of 1 to 10000 items, got "x"'],
    ['missing duration', (s) => delete s.duration, 'scenario: duration: expected a number in (0, 10000000], got nothing'],
    ['negative duration', (s) => (s.duration = -5), 'scenario: duration: expected a number in (0, 10000000], got -5'],
    ['negative warmup', (s) => (s.warmup = -1), 'scenario: warmup: expected a number in [0, 10000000], got -1'],
    ['bad seed', (s) => (s.seed = 1.5), 'scenario: seed: expected an integer in [0, 9007199254740991], got 1.5'],
    ['unknown top-level key', (s) => (s.wamrup = 3),
      'scenario: wamrup: unknown key (known: name, seed, duration, warmup, nodes, functions, workflows, loads); did you mean "warmup"?'],
    ['typo in a function key', (s) => (s.functions[1].wrok = 1),
      'scenario: functions[1].wrok: unknown key (known: name, work, threads, parallelFraction, memoryFootprintMb, coldStart, initSeconds, download, upload, transferMb, interferenceSensitivity, contention, scaling, replicas, cpuMilli, memoryMb, cpuPerMemoryMb, maxInflight, overflow, keepAlive, scaleFromZero, scaleOutBurst, scaleOutRate, nodeSelector, dispatch, scheduler); did you mean "work"?'],
    ['bad distribution', (s) => (s.functions[2].work = { kind: 'exponential', mean: -1 }), 'scenario: functions[2].work.mean: expected a number in (0, 1000000000], got -1'],
    ['missing work', (s) => delete s.functions[0].work, 'scenario: functions[0].work: expected a number in [0, 1000000000] or a distribution {kind, ...}, got nothing'],
    ['fractional cores', (s) => (s.nodes[1].cores = 2.5), 'scenario: nodes[1].cores: expected an integer in [1, 1024], got 2.5'],
    ['stress out of range', (s) => (s.nodes[0].stress = { kind: 'random', levels: [0, 0.5, 1.25], every: 10 }),
      'scenario: nodes[0].stress.levels[2]: expected a number in [0, 1], got 1.25'],
    ['unknown scaling mode', (s) => (s.functions[0].scaling = 'lambda'), 'scenario: functions[0].scaling: expected one of "replicas", "per-request", got "lambda"'],
    ['per-request with maxInflight 4', (s) => Object.assign(s.functions[0], { scaling: 'per-request', maxInflight: 4 }),
      'scenario: functions[0].maxInflight: expected 0 or 1 with scaling "per-request" (one request per instance; use scaling "replicas" for concurrent requests per instance), got 4'],
    ['cpuMilli with cpuPerMemoryMb', (s) => Object.assign(s.functions[0], { cpuMilli: 500, cpuPerMemoryMb: 1769 }),
      'scenario: functions[0].cpuPerMemoryMb: expected no cpuPerMemoryMb beside cpuMilli (cpuPerMemoryMb derives cpuMilli from memoryMb: set one of them), got 1769'],
    ['unknown node in nodeSelector', (s) => (s.functions[1].nodeSelector = ['w01', 'w09']), 'scenario: functions[1].nodeSelector[1]: expected one of the nodes (w01, w02), got "w09"'],
    ['function named like a node', (s) => (s.functions[2].name = 'w02'),
      'scenario: functions[2].name: expected a name unique across nodes, functions and workflows, got "w02" (already used by nodes[1].name)'],
    ['workflow named like a function', (s) => (s.workflows[0].name = 'b'),
      'scenario: workflows[0].name: expected a name unique across nodes, functions and workflows, got "b" (already used by functions[1].name)'],
    ['stage of an unknown function', (s) => (s.workflows[0].stages[2].fn = 'd'), 'scenario: workflows[0].stages[2].fn: expected the name of a function, got "d"'],
    ['duplicate stage id', (s) => s.workflows[0].stages.push('a'),
      'scenario: workflows[0].stages[3]: expected a stage id unused by the other stages (give stages that run the same function distinct ids), got "a"'],
    ['edge to an unknown stage', (s) => s.workflows[0].edges.push(['b', 'c']), 'scenario: workflows[0].edges[1][1]: expected one of the stage ids (a, b, c1), got "c"'],
    ['cycle', (s) => s.workflows[0].edges.push(['c1', 'a']), 'scenario: workflows[0]: expected an acyclic workflow graph, got the cycle a -> b -> c1 -> a'],
    ['branch probabilities not summing to 1', (s) => (s.workflows[0].branches = [{ from: 'a', to: ['b', 'c1'], probs: [0.5, 0.4] }]),
      'scenario: workflows[0].branches[0].probs: expected probabilities summing to 1 (±1e-9; these sum to 0.9), got [0.5,0.4]'],
    ['negative branch probability', (s) => (s.workflows[0].branches = [{ from: 'a', to: ['b', 'c1'], probs: [1.5, -0.5] }]),
      'scenario: workflows[0].branches[0].probs[0]: expected a number in [0, 1], got 1.5\nscenario: workflows[0].branches[0].probs[1]: expected a number in [0, 1], got -0.5'],
    ['load of an unknown target', (s) => (s.loads[0].target = 'shop'), 'scenario: loads[0].target: expected the name of a workflow or function, got "shop"'],
    ['load naming a node', (s) => s.loads.push({ kind: 'closed', target: 'w01', users: 3 }), 'scenario: loads[1].target: expected the name of a workflow or function, got "w01"'],
    ['unknown load kind', (s) => (s.loads[0].kind = 'poison'),
      'scenario: loads[0].kind: expected one of "poisson", "constant", "ramp", "diurnal", "burst", "trace", "closed", got "poison"'],
    ['load key of another kind', (s) => (s.loads[0].users = 10), 'scenario: loads[0].users: unknown key (known: kind, target, rate)'],
    ['trace with both counts and file', (s) => (s.loads[0] = { kind: 'trace', target: 'a', counts: [1, 2], file: 'x.csv' }),
      'scenario: loads[0]: expected exactly one of counts (per-minute invocation counts) or file (an Azure Functions trace), got {"kind":"trace","target":"a","counts":[1,2],"file":"x.csv"}'],
    ['closed users not an integer', (s) => (s.loads[0] = { kind: 'closed', target: 'a', users: 0 }), 'scenario: loads[0].users: expected an integer in [1, 100000], got 0'],
    // The schema's wording reaches inside unions and discriminated unions, and refuses their unknown keys too.
    ['bad field type inside a distribution', (s) => (s.functions[1].work = { kind: 'exponential', mean: 'x' }), 'scenario: functions[1].work.mean: expected a number in (0, 1000000000], got "x"'],
    ['unknown key of a distribution', (s) => (s.functions[1].work = { kind: 'exponential', mean: 1, median: 2 }), 'scenario: functions[1].work.median: unknown key (known: kind, mean); did you mean "mean"?'],
    ['distribution that is neither', (s) => (s.functions[1].work = 'fast'), 'scenario: functions[1].work: expected a number in [0, 1000000000] or a distribution {kind, ...}, got "fast"'],
    ['uniform high below low', (s) => (s.functions[1].work = { kind: 'uniform', low: 2, high: 1 }), 'scenario: functions[1].work.high: expected a number >= low (2), got 1'],
    ['typo in a load key', (s) => (s.loads[0].rtae = 3), 'scenario: loads[0].rtae: unknown key (known: kind, target, rate); did you mean "rate"?'],
    ['scaleOutBurst 0', (s) => (s.functions[0].scaleOutBurst = 0), 'scenario: functions[0].scaleOutBurst: expected an integer in [1, 10000] or Infinity, got 0'],
    ['keepAlive a string', (s) => (s.functions[0].keepAlive = 'never'), 'scenario: functions[0].keepAlive: expected a number in [0, 10000000] or null (never), got "never"'],
    ['invoker dispatch without per-request', (s) => (s.functions[0].dispatch = 'invoker'),
      'scenario: functions[0].dispatch: expected "fleet" with scaling "replicas" ("invoker" needs scaling "per-request": one invocation per container, as OpenWhisk), got "invoker"'],
    ['stress points out of order', (s) => (s.nodes[0].stress = { kind: 'schedule', points: [{ at: 5, level: 0.5 }, { at: 5, level: 0 }] }),
      "scenario: nodes[0].stress.points[1].at: expected a number > the previous point's at (5), got 5"],
    ['diurnal amplitude above mean', (s) => (s.loads[0] = { kind: 'diurnal', target: 'a', mean: 2, amplitude: 3, period: 60 }),
      'scenario: loads[0].amplitude: expected a number <= mean (2) so that the rate stays >= 0, got 3'],
    ['trace row with counts', (s) => (s.loads[0] = { kind: 'trace', target: 'a', counts: [1], row: 2 }),
      'scenario: loads[0].row: expected no row with counts (row selects a line of a trace file), got 2'],
    ['labels not strings', (s) => (s.nodes[0].labels = { zone: 3 }), 'scenario: nodes[0].labels.zone: expected a string, got 3'],
  ];

  test.each(cases)('%s', (_label, mutate, expected) => {
    expect(messageOf(mutate)).toBe(expected);
  });

  test('the root must be an object', () => {
    expect(() => resolveScenario([])).toThrow(new ConfigError('scenario: expected an object, got []'));
  });
});

describe('findCycle', () => {
  test('acyclic DAG with a join', () => {
    expect(findCycle(['a', 'b', 'c', 'd'], [['a', 'b'], ['a', 'c'], ['b', 'd'], ['c', 'd']])).toBeNull();
  });
  test('self loop and longer cycles', () => {
    expect(findCycle(['a'], [['a', 'a']])).toEqual(['a', 'a']);
    expect(findCycle(['x', 'a', 'b', 'c'], [['x', 'a'], ['a', 'b'], ['b', 'c'], ['c', 'a']])).toEqual(['a', 'b', 'c', 'a']);
  });
});

describe('loadScenarioFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'faasgym-scenario-'));

  test('reads YAML, names the scenario after the file and resolves trace paths against its directory', () => {
    writeFileSync(join(dir, 'trace.csv'), 'HashOwner,HashApp,HashFunction,Trigger,1,2\n');
    const file = join(dir, 'small.yaml');
    writeFileSync(
      file,
      [
        'duration: 10',
        'nodes:',
        '  - {name: n1, cores: 2, memoryMb: 4096}',
        'functions:',
        '  - name: f',
        '    work: {kind: lognormal, median: 0.1, sigma: 0.3}',
        '    keepAlive: ~',
        'loads:',
        '  - {kind: trace, target: f, file: trace.csv, row: 0}',
      ].join('\n'),
    );
    const r = loadScenarioFile(file);
    expect(r.name).toBe('small');
    expect(r.functions[0]!.keepAlive).toBeNull();
    expect(r.loads[0]).toEqual({ kind: 'trace', target: 'f', file: join(dir, 'trace.csv'), row: 0 });
  });

  test('reads JSON', () => {
    const file = join(dir, 'small.json');
    writeFileSync(file, JSON.stringify({ name: 'j', duration: 5, nodes: [{ name: 'n', cores: 1, memoryMb: 1024 }], functions: [{ name: 'f', work: 1 }], loads: [] }));
    expect(loadScenarioFile(file).name).toBe('j');
  });

  test('a YAML syntax error names the file and the line', () => {
    const file = join(dir, 'broken.yml');
    writeFileSync(file, 'duration: 10\nnodes: [1,\nfunctions: x: y\n');
    expect(() => loadScenarioFile(file)).toThrow(ConfigError);
    expect(() => loadScenarioFile(file)).toThrow(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:1: invalid YAML \\(line 3\\)`));
  });

  test('duplicate YAML keys are an error, not a silent override', () => {
    const file = join(dir, 'dup.yaml');
    writeFileSync(file, 'duration: 10\nduration: 20\n');
    expect(() => loadScenarioFile(file)).toThrow(/dup\.yaml:2:1: invalid YAML \(line 2\): Map keys must be unique/);
  });

  test('validation errors name the file, then the field', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ duration: 0, nodes: [], functions: [], loads: [] }));
    expect(thrown(() => loadScenarioFile(file))).toBe([
      `${file}: duration: expected a number in (0, 10000000], got 0`,
      `${file}: nodes: expected an array of 1 to 10000 items, got []`,
      `${file}: functions: expected an array of 1 to 10000 items, got []`,
    ].join('\n'));
  });

  test('a missing trace file and a wrong extension are errors', () => {
    const file = join(dir, 'notrace.yaml');
    writeFileSync(file, 'duration: 1\nnodes: [{name: n, cores: 1, memoryMb: 1}]\nfunctions: [{name: f, work: 1}]\nloads: [{kind: trace, target: f, file: nope.csv}]\n');
    expect(thrown(() => loadScenarioFile(file))).toBe(`${file}: loads[0].file: expected a readable trace file, got ${JSON.stringify(join(dir, 'nope.csv'))}`);
    expect(() => loadScenarioFile(join(dir, 'x.toml'))).toThrow(/scenario files must end in \.json, \.yaml or \.yml/);
  });

  test('invalid JSON names the line', () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{\n  "duration": 1,\n  "nodes": [}\n');
    expect(thrown(() => loadScenarioFile(file))).toMatch(/broken\.json:3:13: invalid JSON \(line 3\): /);
  });
});

describe('resolved scenarios', () => {
  test('resolveScenario returns an already resolved scenario unchanged, and never mistakes a spec for one', () => {
    const spec = {
      seed: 3, duration: 10,
      nodes: [{ name: 'n', cores: 2, memoryMb: 2048 }],
      // looks like the resolved form (object work, a threads key, a workflows array) but is not
      functions: [{ name: 'f', work: { kind: 'constant', value: 1 }, threads: 1 }],
      workflows: [],
      loads: [],
    };
    expect(isResolvedScenario(spec)).toBe(false);
    const resolved = resolveScenario(spec);
    expect(isResolvedScenario(resolved)).toBe(true);
    expect(resolved.functions[0]!.download).toEqual({ kind: 'constant', value: 0 });
    expect(resolveScenario(resolved)).toBe(resolved);
  });
});

// Issue 12: a scenario names data beside it, never an arbitrary file, and never echoes a file's contents.
describe('trace files stay inside the scenario directory', () => {
  const root = mkdtempSync(join(tmpdir(), 'faasgym-contain-'));
  const dir = join(root, 'scenarios');
  mkdirSync(dir);
  const secret = join(root, 'secret.txt');
  writeFileSync(secret, 'root:x:0:0:root:/root:/bin/bash\n');
  const scenarioWith = (file: string): string => {
    const path = join(dir, `s${Math.abs(hash(file))}.yaml`);
    writeFileSync(path, `duration: 1\nnodes: [{name: n, cores: 1, memoryMb: 1024}]\nfunctions: [{name: f, work: 1}]\nloads: [{kind: trace, target: f, file: ${JSON.stringify(file)}}]\n`);
    return path;
  };
  function hash(s: string): number {
    let h = 0;
    for (const c of s) h = (h * 31 + c.charCodeAt(0)) | 0;
    return h;
  }

  test.each([
    ['../secret.txt'],
    ['../../../../../../../../etc/passwd'],
    ['sub/../../secret.txt'],
    ['/etc/passwd'],
  ])('%s is refused without reading it', (file) => {
    const path = scenarioWith(file);
    const msg = thrown(() => loadScenarioFile(path));
    expect(msg).toBe(`${path}: loads[0].file: expected a trace file inside the scenario's directory, got ${JSON.stringify(file)}`);
    expect(msg).not.toMatch(/root:/);
  });

  test('a symbolic link out of the directory is refused', () => {
    symlinkSync(secret, join(dir, 'link.csv'));
    const path = scenarioWith('link.csv');
    const msg = thrown(() => loadScenarioFile(path));
    expect(msg).toBe(`${path}: loads[0].file: expected a trace file inside the scenario's directory, got a link out of it: ${JSON.stringify(join(dir, 'link.csv'))}`);
    expect(msg).not.toMatch(/root:/);
  });

  test('a file inside (also in a subdirectory) is accepted, and a non-trace file inside is refused without quoting it', () => {
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'data', 'inv.csv'), 'HashOwner,HashApp,HashFunction,Trigger,1\no,a,f,http,3\n');
    expect(loadScenarioFile(scenarioWith('data/inv.csv')).loads[0]).toMatchObject({ file: join(dir, 'data', 'inv.csv') });
    writeFileSync(join(dir, 'passwd.csv'), 'root:x:0:0:root:/root:/bin/bash\n');
    const c = new SimClusterFrom(loadScenarioFile(scenarioWith('passwd.csv')));
    const msg = thrown(() => c.build());
    expect(msg).toMatch(/line 1, column 1: expected the header column "HashOwner" \(the file's contents are not shown\)/);
    expect(msg).not.toMatch(/root:/);
  });
});

class SimClusterFrom {
  constructor(private readonly s: ReturnType<typeof loadScenarioFile>) {}
  build(): unknown {
    return new SimCluster(this.s);
  }
}

// Issue 12: finite but huge values are refused with the bound, instead of hanging a run or exhausting the heap.
describe('upper bounds', () => {
  const cases: [string, (s: any) => void, string][] = [
    ['rate 1e308', (s) => (s.loads[0].rate = 1e308), 'scenario: loads[0].rate: expected a number in (0, 100000], got 1e+308'],
    ['trace count 3e9', (s) => (s.loads[0] = { kind: 'trace', target: 'a', counts: [1, 3e9] }), 'scenario: loads[0].counts[1]: expected an integer in [0, 6000000], got 3000000000'],
    ['duration 1e12', (s) => (s.duration = 1e12), 'scenario: duration: expected a number in (0, 10000000], got 1000000000000'],
    ['warmup 1e12', (s) => (s.warmup = 1e12), 'scenario: warmup: expected a number in [0, 10000000], got 1000000000000'],
    ['parallelism 1e9', (s) => (s.workflows[0].stages[2].parallelism = 1e9), 'scenario: workflows[0].stages[2].parallelism: expected an integer in [1, 1000], got 1000000000'],
    ['users 1e9', (s) => (s.loads[0] = { kind: 'closed', target: 'a', users: 1e9 }), 'scenario: loads[0].users: expected an integer in [1, 100000], got 1000000000'],
    ['replicas 1e9', (s) => (s.functions[0].replicas = 1e9), 'scenario: functions[0].replicas: expected an integer in [0, 10000], got 1000000000'],
    ['cores 1e9', (s) => (s.nodes[0].cores = 1e9), 'scenario: nodes[0].cores: expected an integer in [1, 1024], got 1000000000'],
    ['__proto__ key', (s) => Object.defineProperty(s, '__proto__', { value: { x: 1 }, enumerable: true }), 'scenario: __proto__: unknown key (known: name, seed, duration, warmup, nodes, functions, workflows, loads)'],
    ['constructor key', (s) => (s.nodes[0].constructor = 1), 'scenario: nodes[0].constructor: unknown key (known: name, cores, memoryMb, speed, l3Mb, cpuModel, labels, stress, functionMemoryMb)'],
  ];
  test.each(cases)('%s', (_label, mutate, expected) => {
    const s = base();
    mutate(s);
    expect(thrown(() => resolveScenario(s))).toBe(expected);
  });
  test('a trace file with a count of 3e9 is refused when replayed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'faasgym-bigtrace-'));
    writeFileSync(join(dir, 'inv.csv'), 'HashOwner,HashApp,HashFunction,Trigger,1,2\no,a,f,http,1,3000000000\n');
    const s = { duration: 1, nodes: [{ name: 'n', cores: 1, memoryMb: 1024 }], functions: [{ name: 'f', work: 1 }], loads: [{ kind: 'trace', target: 'f', file: 'inv.csv' }] };
    expect(() => new SimCluster(resolveScenario(s, { baseDir: dir }))).toThrow('trace load: counts[1]: expected an integer in [0, 6000000], got 3000000000');
  });
});
