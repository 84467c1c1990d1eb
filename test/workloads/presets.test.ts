import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SimFunctionSpec, SimStageSpec, SimWorkflowSpec } from '../../src/cluster/sim/spec.js';
import { resolveScenario } from '../../src/cluster/sim/scenario.js';
import { ConfigError } from '../../src/core/errors.js';
import { parseDist, type Dist } from '../../src/workloads/dist.js';
import {
  DARLY_ML_INTERFERENCE_SENSITIVITY,
  FAASRANK_TABLE2,
  FAASRANK_TABLE3,
  darlyNodes,
  faasrankCpuSeconds,
  faasrankFunctions,
  faasrankLoads,
  faasrankNodes,
  faasrankWorkScale,
  preset,
  presets,
  type FaasrankWorkloadName,
  type PresetName,
  type ScenarioFragment,
} from '../../src/workloads/presets/index.js';

/** Numbers read off the papers (a copy of the project's shared/data/paper-numbers.json). */
const NUMBERS_PATH = join(process.cwd(), 'test', 'fixtures', 'paper-numbers.json');
const numbers: any = JSON.parse(readFileSync(NUMBERS_PATH, 'utf8'));

const names = Object.keys(presets) as PresetName[];
const stageOf = (s: SimStageSpec | string): { id: string; fn: string } =>
  typeof s === 'string' ? { id: s, fn: s } : { id: s.id ?? s.fn, fn: s.fn };
const fnByName = (f: ScenarioFragment, name: string): SimFunctionSpec => {
  const fn = f.functions.find((x) => x.name === name);
  if (!fn) throw new Error(`no function ${name}`);
  return fn;
};
/** Edges of a workflow including branch targets. */
const allEdges = (w: SimWorkflowSpec): [string, string][] => [
  ...(w.edges ?? []),
  ...(w.branches ?? []).flatMap((b) => b.to.map((t): [string, string] => [b.from, t])),
];

describe.each(names)('preset %s', (name) => {
  const p = presets[name];

  test('function names are unique; workflows reference only functions they define; stage ids unique', () => {
    const fnNames = p.functions.map((f) => f.name);
    expect(new Set(fnNames).size).toBe(fnNames.length);
    for (const w of p.workflows) {
      const stages = w.stages.map(stageOf);
      const ids = stages.map((s) => s.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const s of stages) expect(fnNames).toContain(s.fn);
      for (const [a, b] of allEdges(w)) {
        expect(ids).toContain(a);
        expect(ids).toContain(b);
      }
      for (const b of w.branches ?? []) {
        expect(b.probs).toHaveLength(b.to.length);
        expect(b.probs.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 12);
      }
    }
  });

  test('every workflow is a DAG (Kahn), and no join waits on an exclusive branch', () => {
    for (const w of p.workflows) {
      const ids = w.stages.map((s) => stageOf(s).id);
      const indeg = new Map(ids.map((id) => [id, 0]));
      for (const [, b] of allEdges(w)) indeg.set(b, (indeg.get(b) as number) + 1);
      const ready = ids.filter((id) => indeg.get(id) === 0);
      let seen = 0;
      while (ready.length > 0) {
        const v = ready.pop() as string;
        seen++;
        for (const [a, b] of allEdges(w)) {
          if (a !== v) continue;
          indeg.set(b, (indeg.get(b) as number) - 1);
          if (indeg.get(b) === 0) ready.push(b);
        }
      }
      expect(seen).toBe(ids.length);
      // A branch target, or anything downstream of one, must not have several incoming edges.
      const downstream = new Set<string>((w.branches ?? []).flatMap((b) => b.to));
      for (let changed = true; changed; ) {
        changed = false;
        for (const [a, b] of allEdges(w)) {
          if (downstream.has(a) && !downstream.has(b)) {
            downstream.add(b);
            changed = true;
          }
        }
      }
      for (const id of downstream) expect(allEdges(w).filter(([, b]) => b === id).length).toBeLessThanOrEqual(1);
    }
  });

  test('distributions are valid and the fragment resolves as a scenario', () => {
    for (const f of p.functions) {
      for (const key of ['work', 'coldStart', 'download', 'upload'] as const) {
        if (f[key] !== undefined) expect(() => parseDist(f[key], `${f.name}.${key}`)).not.toThrow();
      }
    }
    expect(() => resolveScenario({ ...preset(name), duration: 10, loads: [] })).not.toThrow();
  });
});

describe('preset registry', () => {
  test('presets are frozen; preset() gives a mutable deep copy; unknown names are refused', () => {
    expect(Object.isFrozen(presets['darly-video'].functions[0])).toBe(true);
    const copy = preset('darly-video');
    expect(copy).toEqual(presets['darly-video']);
    copy.functions[0]!.replicas = 3;
    expect(presets['darly-video'].functions[0]?.replicas).toBe(1);
    expect(() => preset('nope')).toThrow(ConfigError);
    expect(() => preset('nope')).toThrow(/known: faasconf-sequential/);
  });
});

describe('FaaSConf', () => {
  test('workflow sizes of §5.1.1: 5, 6, 7 and 12 functions', () => {
    const sizes = {
      Sequential: presets['faasconf-sequential'],
      Parallel: presets['faasconf-parallel'],
      Branch: presets['faasconf-branch'],
      TrainTicket: presets['faasconf-trainticket'],
    };
    for (const [k, p] of Object.entries(sizes)) {
      expect(p.functions).toHaveLength({ Sequential: 5, Parallel: 6, Branch: 7, TrainTicket: 12 }[k] as number);
      expect(p.workflows[0]?.stages).toHaveLength(p.functions.length);
      if (numbers) expect(p.functions).toHaveLength(numbers.faasconf.workflows[k]);
    }
    expect(presets['faasconf-branch'].workflows[0]?.branches).toHaveLength(1);
    expect(presets['faasconf-sequential'].nodes).toHaveLength(8);
  });
});

describe('StepConf', () => {
  const stepconf = [presets['stepconf-ml'], presets['stepconf-video'], presets['stepconf-dag16']];

  test('sizes of §7.1: ML 3 × (Preprocess → Train → Merge), Video 8, DAG 16', () => {
    expect(presets['stepconf-ml'].functions).toHaveLength(9);
    expect(presets['stepconf-ml'].workflows[0]?.edges).toHaveLength(6);
    expect(presets['stepconf-video'].functions).toHaveLength(8);
    expect(presets['stepconf-dag16'].functions).toHaveLength(16);
  });

  test('Lambda-style steps: per-request, 1769 MB per vCPU, 40 concurrent cold starts', () => {
    for (const f of stepconf.flatMap((p) => p.functions)) {
      expect(f.scaling).toBe('per-request');
      expect(f.cpuPerMemoryMb).toBe(1769);
      expect(f.scaleOutBurst).toBe(40);
      expect(f.scaleOutRate).toBe(5);
      if (numbers) expect(f.cpuPerMemoryMb).toBe(numbers.stepconf.aws_single_vcpu_memory_mb);
    }
  });

  test('data transfers are long-tailed: log-normal with p99/p50 = exp(2.326σ) ≥ 3 (§2.3)', () => {
    for (const f of stepconf.flatMap((p) => p.functions)) {
      for (const key of ['download', 'upload'] as const) {
        const d = f[key] as Dist;
        expect(d.kind).toBe('lognormal');
        if (d.kind === 'lognormal') {
          expect(d.sigma).toBeGreaterThanOrEqual(0.5);
          expect(Math.exp(2.326 * d.sigma)).toBeGreaterThanOrEqual(3);
        }
      }
    }
  });
});

describe('vHive online shop', () => {
  test('the 9 functions, in one workflow', () => {
    const p = presets['vhive-online-shop'];
    expect(p.functions).toHaveLength(9);
    expect(p.functions.map((f) => f.name)).toEqual(expect.arrayContaining(['adservice', 'paymentservice']));
    if (numbers) expect([...p.functions.map((f) => f.name)].sort()).toEqual([...numbers.vhive_autoscaling.functions].sort());
    expect(p.workflows[0]?.stages).toHaveLength(9);
  });
});

describe('FaaSRank', () => {
  const p = presets.faasrank;

  test('functions match Table II exactly (8 vCPUs × warm CPU-seconds over 8 threads: uncontended latency = warm; cold = coldStart + warm, init)', () => {
    expect(p.functions).toHaveLength(10);
    FAASRANK_TABLE2.forEach((row, i) => {
      const f = p.functions[i] as SimFunctionSpec;
      expect(f.name).toBe(row.name);
      expect(f.memoryMb).toBe(row.memoryMb);
      expect(f.work).toBeCloseTo(8 * row.warmSeconds, 12);
      expect(f.threads).toBe(8);
      expect(f.cpuMilli).toBe(8000);
      const latency = (f.work as number) / (f.threads as number);
      expect(latency).toBeCloseTo(row.warmSeconds, 12);
      expect((f.coldStart as number) + latency).toBeCloseTo(row.coldSeconds, 12);
      expect(f.initSeconds).toBe(row.initSeconds);
      expect(f.scaling).toBe('per-request');
    });
  });

  test('Table II and Table III are the paper-numbers.json values', () => {
    const t2 = numbers.faasrank_functions_table2.rows as Record<string, [string, number, number, number, number]>;
    expect(FAASRANK_TABLE2.map((r) => r.abbr)).toEqual(Object.keys(t2));
    for (const row of FAASRANK_TABLE2) {
      const [type, memoryMb, cold, warm, init] = t2[row.abbr] as [string, number, number, number, number];
      expect([row.type, row.memoryMb, row.coldSeconds, row.warmSeconds, row.initSeconds]).toEqual([type, memoryMb, cold, warm, init]);
      const f = fnByName(p, row.name);
      expect((f.work as number) / 8).toBeCloseTo(warm, 12);
      expect((f.coldStart as number) + warm).toBeCloseTo(cold, 12);
      expect(f.initSeconds).toBe(init);
      expect(f.memoryMb).toBe(memoryMb);
    }
    const t3 = numbers.faasrank_workloads_table3.rows as Record<string, number[]>;
    expect(Object.keys(FAASRANK_TABLE3)).toEqual(Object.keys(t3));
    for (const [k, r] of Object.entries(FAASRANK_TABLE3)) {
      expect([r.loadPercent, r.aggCpuSeconds, r.calls, r.avgInterArrivalSeconds, r.lengthSeconds]).toEqual(t3[k]);
    }
    const c = numbers.faasrank_workloads_table3.cluster;
    expect(p.nodes).toHaveLength(c.invokers);
    for (const n of p.nodes ?? []) expect([n.cores, n.memoryMb]).toEqual([c.vcpuPerInvoker, c.functionMemoryMbPerInvoker]);
  });

  test('invoker cluster: 10 × 8 vCPU with 2048 MB for functions; Canada is slower', () => {
    expect(p.nodes).toHaveLength(10);
    for (const n of p.nodes ?? []) expect([n.cores, n.memoryMb]).toEqual([8, 2048]);
    expect(faasrankNodes('canada')[0]?.speed).toBeLessThan(1);
  });

  test.each(Object.keys(FAASRANK_TABLE3) as FaasrankWorkloadName[])('workload %s: calls in a window of length seconds, one trace per function', (w) => {
    const spec = FAASRANK_TABLE3[w];
    const loads = faasrankLoads(w, { seed: 3 });
    expect(loads).toHaveLength(10);
    let total = 0;
    loads.forEach((l, i) => {
      expect(l.kind).toBe('trace');
      if (l.kind !== 'trace') return;
      expect(l.target).toBe(FAASRANK_TABLE2[i]?.name);
      expect(l.secondsPerMinute).toBe(1);
      expect(l.counts).toHaveLength(spec.lengthSeconds);
      total += (l.counts as number[]).reduce((a, b) => a + b, 0);
    });
    expect(total).toBe(spec.calls);
    // Table III's aggregated CPU time: the work multiplier makes the loads ask for exactly that
    const scale = faasrankWorkScale(w, loads);
    expect(scale).toBeGreaterThan(0.6);
    expect(scale).toBeLessThan(2);
    expect(faasrankCpuSeconds(loads) * scale).toBeCloseTo(spec.aggCpuSeconds, 6);
    const scaled = faasrankFunctions(scale);
    const cpu = loads.reduce((a, l, i) => a + (l.kind === 'trace' ? (l.counts as number[]).reduce((x, y) => x + y, 0) : 0) * ((scaled[i] as SimFunctionSpec).work as number), 0);
    expect(cpu).toBeCloseTo(spec.aggCpuSeconds, 6);
    // 75–129 % of the cluster's 80 vCPUs over the workload's length, as §VI-C built them ("intensively occupy")
    expect(cpu / (80 * spec.lengthSeconds)).toBeGreaterThan(0.74);
    expect(cpu / (80 * spec.lengthSeconds)).toBeLessThan(1.35);
    expect(faasrankLoads(w, { seed: 3 })).toEqual(loads);
    expect(() => resolveScenario({ ...preset('faasrank'), duration: spec.lengthSeconds, loads })).not.toThrow();
  });

  test('faasrankLoads validates its input', () => {
    expect(() => faasrankLoads('M11' as FaasrankWorkloadName, { seed: 1 })).toThrow(/unknown FaaSRank workload "M11"/);
    expect(() => faasrankLoads('SC', { seed: 1, rows: [] })).toThrow(/needs 10 trace rows/);
    expect(() => faasrankFunctions(0)).toThrow('FaaSRank workScale must be a finite number > 0, got 0');
  });
});

describe('Darly', () => {
  const p = presets['darly-video'];

  test('pipeline edges of Fig. 1', () => {
    const expected = [
      ['framer', 'face-detector'],
      ['face-detector', 'face-analyzer'],
      ['face-detector', 'object-recognition'],
      ['face-analyzer', 'uploader'],
      ['object-recognition', 'uploader'],
    ];
    expect(p.workflows[0]?.edges).toEqual(expected);
    if (numbers) expect(p.workflows[0]?.edges).toEqual(numbers.darly_nodes_table1.pipeline_edges);
    expect(p.workflows[0]?.requestScale).toBeDefined();
  });

  test('Table 1 nodes; w04 10–35 % slower than w01', () => {
    expect(p.nodes).toEqual(darlyNodes);
    expect(darlyNodes.map((n) => [n.name, n.cores, n.l3Mb])).toEqual([
      ['w01', 8, 28],
      ['w02', 8, 28],
      ['w03', 16, 14],
      ['w04', 4, 30],
    ]);
    if (numbers) {
      for (const n of darlyNodes) {
        const [vcpus, gb, cpu, l3] = numbers.darly_nodes_table1.rows[n.name];
        expect([n.cores, n.l3Mb, n.memoryMb, n.cpuModel]).toEqual([vcpus, l3, Math.round(gb * 1024), `Intel ${cpu}`]);
      }
    }
    const speed = (name: string): number => darlyNodes.find((n) => n.name === name)?.speed as number;
    const slower = speed('w01') / speed('w04') - 1;
    expect(slower).toBeGreaterThanOrEqual(0.1);
    expect(slower).toBeLessThanOrEqual(0.35);
  });

  test('interference sensitivity: framer 1, ML models 47.2/57.6', () => {
    expect(fnByName(p, 'framer').interferenceSensitivity).toBe(1);
    for (const n of ['face-detector', 'face-analyzer', 'object-recognition']) {
      expect(fnByName(p, n).interferenceSensitivity).toBeCloseTo(0.82, 2);
    }
    if (numbers) {
      const s = numbers.darly_nodes_table1.max_slowdown_percent;
      expect(DARLY_ML_INTERFERENCE_SENSITIVITY).toBeCloseTo(s.ml_models_32_frames / s.framer_16_frames, 12);
    }
  });
});
