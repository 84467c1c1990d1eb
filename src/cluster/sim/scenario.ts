/**
 * Scenario loading and resolution: turns a scenario (parsed JSON/YAML, or an
 * object built in code) into the `ResolvedScenario` the simulator runs.
 *
 * The structure — types, bounds, unknown keys, static defaults — is checked by
 * `SCENARIO_SCHEMA` (scenario-schema.ts, zod); this file then checks the cross
 * references (stage functions, edges, branches, node selectors, load targets,
 * names unique across nodes, functions and workflows, acyclic workflows),
 * applies the defaults that depend on other fields, and keeps trace files
 * inside the scenario's directory.
 *
 * Every problem is a `ConfigError` in the one wording of `src/core/schema.ts`,
 * `<where>: <path>: expected …, got …`, where `<where>` is the scenario file
 * (or `scenario` for one built in code):
 * `my.yaml: nodes[1].cores: expected an integer in [1, 1024], got 2.5`.
 */
import { accessSync, constants as fsConstants, readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, relative, resolve as resolvePath } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { ConfigError, quote } from '../../core/errors.js';
import { parseOptions } from '../../core/schema.js';
import type { Dist } from '../../workloads/dist.js';
import { SCENARIO_SCHEMA, type DistField, type ParsedFunction, type ParsedLoad, type ParsedScenario, type ParsedWorkflow } from './scenario-schema.js';
import type { LoadSpec, ResolvedFunction, ResolvedNode, ResolvedScenario, ResolvedWorkflow } from './spec.js';

/** Options of `resolveScenario`. */
export interface ResolveScenarioOptions {
  /** Directory that relative `file` paths of trace loads are resolved against (stored absolute); they may not leave it. @default paths kept as given */
  baseDir?: string;
  /** Name used when the scenario has none. @default "scenario" */
  defaultName?: string;
  /** What errors name first (`<where>: <path>: …`): the scenario file. @default "scenario" */
  where?: string;
}

/** Scenarios produced by `resolveScenario` (so code that accepts either form can tell them apart without guessing). */
const resolvedScenarios = new WeakSet<object>();

/** True for a scenario returned by `resolveScenario` (and not modified into a new object since). */
export function isResolvedScenario(x: unknown): x is ResolvedScenario {
  return typeof x === 'object' && x !== null && resolvedScenarios.has(x);
}

/**
 * A resolved scenario with its run settings replaced (the CLI's `--seed` and
 * `--duration`), validated by the schema's fields.
 */
export function overrideScenario(scenario: ResolvedScenario, overrides: { seed?: number; duration?: number; warmup?: number }): ResolvedScenario {
  const field = <K extends 'seed' | 'duration' | 'warmup'>(key: K): number =>
    overrides[key] === undefined ? scenario[key] : (parseOptions(SCENARIO_SCHEMA.shape[key], overrides[key], 'scenario', key) as number);
  const out: ResolvedScenario = { ...scenario, seed: field('seed'), duration: field('duration'), warmup: field('warmup') };
  resolvedScenarios.add(out);
  return out;
}

/**
 * Validate a scenario and apply the defaults documented in the schema.
 *
 * Defaults that depend on other fields: `replicas` is 1 in `replicas` mode and
 * 0 (no prewarmed instance) in `per-request` mode; `keepAlive` is 600 s in
 * `per-request` mode and `null` (never scale to zero) in `replicas` mode;
 * `per-request` mode always resolves `maxInflight` to 1 (one request per
 * instance; setting it above 1 is an error); `cpuPerMemoryMb` sets
 * `cpuMilli = max(1, round(1000 · memoryMb / cpuPerMemoryMb))` and may not be
 * combined with an explicit `cpuMilli`. A stage's `id` defaults to its `fn`; a
 * node's `functionMemoryMb` to its `memoryMb`.
 *
 * Load fields without a documented default are kept as given (validated), and
 * `think` of closed loads is normalised to a `Dist`.
 *
 * @throws ConfigError listing every structural problem, else naming the first bad cross reference.
 */
export function resolveScenario(input: unknown, options: ResolveScenarioOptions = {}): ResolvedScenario {
  if (isResolvedScenario(input)) return input;
  const where = options.where ?? 'scenario';
  const s: ParsedScenario = parseOptions(SCENARIO_SCHEMA, input, where);
  const fail = (path: string, message: string): never => {
    throw new ConfigError(`${where}: ${path}: ${message}`);
  };

  const names = new Map<string, string>(); // name → path of its first use
  const claim = (n: string, path: string): void => {
    const prior = names.get(n);
    if (prior !== undefined) fail(path, `expected a name unique across nodes, functions and workflows, got ${quote(n)} (already used by ${prior})`);
    names.set(n, path);
  };

  const nodes: ResolvedNode[] = s.nodes.map((n) => ({
    ...n,
    labels: { ...n.labels },
    stress: n.stress ?? { kind: 'constant', level: 0 },
    functionMemoryMb: n.functionMemoryMb ?? n.memoryMb,
  }));
  nodes.forEach((n, i) => claim(n.name, `nodes[${i}].name`));
  const nodeNames = new Set(nodes.map((n) => n.name));

  const functions = s.functions.map((f, i) => resolveFunction(f, `functions[${i}]`, nodeNames, fail));
  functions.forEach((f, i) => claim(f.name, `functions[${i}].name`));
  const fnNames = new Set(functions.map((f) => f.name));

  const workflows = (s.workflows ?? []).map((w, i) => resolveWorkflow(w, `workflows[${i}]`, fnNames, fail));
  workflows.forEach((w, i) => claim(w.name, `workflows[${i}].name`));
  const targets = new Set([...fnNames, ...workflows.map((w) => w.name)]);

  const loads = s.loads.map((l, i) => resolveLoad(l, `loads[${i}]`, targets, options.baseDir, fail));

  const resolved: ResolvedScenario = { name: s.name ?? options.defaultName ?? 'scenario', seed: s.seed, duration: s.duration, warmup: s.warmup, nodes, functions, workflows, loads };
  resolvedScenarios.add(resolved);
  return resolved;
}

type Fail = (path: string, message: string) => never;

/** A distribution field as the engine takes it: a bare number is a constant. */
function dist(d: DistField | undefined, dflt: number): Dist {
  if (d === undefined) return { kind: 'constant', value: dflt };
  if (typeof d === 'number') return { kind: 'constant', value: d };
  return d.kind === 'empirical' ? { kind: 'empirical', values: [...d.values] } : { ...d };
}

function resolveFunction(f: ParsedFunction, path: string, nodeNames: Set<string>, fail: Fail): ResolvedFunction {
  const perRequest = f.scaling === 'per-request';
  const nodeSelector = f.nodeSelector ?? null;
  nodeSelector?.forEach((n, i) => {
    if (!nodeNames.has(n)) fail(`${path}.nodeSelector[${i}]`, `expected one of the nodes (${[...nodeNames].join(', ')}), got ${quote(n)}`);
  });
  return {
    name: f.name,
    work: dist(f.work, 0),
    threads: f.threads,
    parallelFraction: f.parallelFraction,
    memoryFootprintMb: f.memoryFootprintMb,
    coldStart: dist(f.coldStart, 0),
    initSeconds: f.initSeconds,
    download: dist(f.download, 0),
    upload: dist(f.upload, 0),
    transferMb: f.transferMb,
    interferenceSensitivity: f.interferenceSensitivity,
    contention: f.contention,
    scaling: f.scaling,
    replicas: f.replicas ?? (perRequest ? 0 : 1),
    cpuMilli: f.cpuPerMemoryMb === undefined ? (f.cpuMilli ?? 1000) : Math.max(1, Math.round((1000 * f.memoryMb) / f.cpuPerMemoryMb)),
    memoryMb: f.memoryMb,
    cpuPerMemoryMb: f.cpuPerMemoryMb ?? null,
    maxInflight: perRequest ? 1 : (f.maxInflight ?? 0),
    overflow: f.overflow,
    keepAlive: f.keepAlive === undefined ? (perRequest ? 600 : null) : f.keepAlive,
    scaleFromZero: f.scaleFromZero,
    scaleOutBurst: f.scaleOutBurst ?? Infinity,
    scaleOutRate: f.scaleOutRate ?? Infinity,
    nodeSelector: nodeSelector ? [...nodeSelector] : null,
    dispatch: f.dispatch,
    scheduler: f.scheduler ?? 'hash',
  };
}

function resolveWorkflow(w: ParsedWorkflow, path: string, fnNames: Set<string>, fail: Fail): ResolvedWorkflow {
  const known = (fn: string, p: string): string => (fnNames.has(fn) ? fn : fail(p, `expected the name of a function, got ${quote(fn)}`));
  const stages = w.stages.map((st, i) =>
    typeof st === 'string'
      ? { id: st, fn: known(st, `${path}.stages[${i}]`), parallelism: 1 }
      : { id: st.id ?? st.fn, fn: known(st.fn, `${path}.stages[${i}].fn`), parallelism: st.parallelism });
  const ids = new Set<string>();
  stages.forEach((st, i) => {
    if (ids.has(st.id)) fail(`${path}.stages[${i}]`, `expected a stage id unused by the other stages (give stages that run the same function distinct ids), got ${quote(st.id)}`);
    ids.add(st.id);
  });
  const stageRef = (id: string, p: string): string => (ids.has(id) ? id : fail(p, `expected one of the stage ids (${[...ids].join(', ')}), got ${quote(id)}`));

  const edges = (w.edges ?? []).map(([a, b], i): [string, string] => [stageRef(a, `${path}.edges[${i}][0]`), stageRef(b, `${path}.edges[${i}][1]`)]);
  const seenEdges = new Set<string>();
  edges.forEach((e, i) => {
    const key = JSON.stringify(e);
    if (seenEdges.has(key)) fail(`${path}.edges[${i}]`, `expected an edge listed once, got ${quote(e)} again`);
    seenEdges.add(key);
  });

  const branches = (w.branches ?? []).map((b, i) => {
    const bp = `${path}.branches[${i}]`;
    return { from: stageRef(b.from, `${bp}.from`), to: b.to.map((t, j) => stageRef(t, `${bp}.to[${j}]`)), probs: [...b.probs] };
  });

  const cycle = findCycle(stages.map((st) => st.id), [...edges, ...branches.flatMap((b) => b.to.map((t): [string, string] => [b.from, t]))]);
  if (cycle) fail(path, `expected an acyclic workflow graph, got the cycle ${cycle.join(' -> ')}`);

  return { name: w.name, stages, edges, branches, requestScale: dist(w.requestScale, 1), gated: w.gated };
}

function resolveLoad(l: ParsedLoad, path: string, targets: Set<string>, baseDir: string | undefined, fail: Fail): LoadSpec {
  if (!targets.has(l.target)) fail(`${path}.target`, `expected the name of a workflow or function, got ${quote(l.target)}`);
  if (l.kind === 'closed') {
    const { think, ...rest } = l;
    return think === undefined ? rest : { ...rest, think: dist(think, 0) };
  }
  if (l.kind === 'trace') {
    const load = { ...l, ...(l.counts ? { counts: [...l.counts] } : {}) };
    if (l.file !== undefined && baseDir !== undefined) load.file = containedPath(baseDir, l.file, `${path}.file`, fail);
    return load;
  }
  return { ...l };
}

// ---------------------------------------------------------------- trace files

function inside(dir: string, file: string): boolean {
  const rel = relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/**
 * A trace `file` resolved against the scenario's directory, which it may not
 * leave (no `..` out of it, no absolute path elsewhere): a scenario names data
 * beside it, never an arbitrary file of the machine. The file's contents are
 * never quoted in errors.
 */
function containedPath(baseDir: string, f: string, path: string, fail: Fail): string {
  const abs = resolvePath(baseDir, f);
  if (!inside(resolvePath(baseDir), abs)) fail(path, `expected a trace file inside the scenario's directory, got ${quote(f)}`);
  return abs;
}

/**
 * Read a scenario file (`.json`, `.yaml` or `.yml`) and resolve it. Relative
 * `file` paths of trace loads are resolved against the scenario file's
 * directory and stored absolute; the files must exist. The scenario's name
 * defaults to the file name without its extension.
 *
 * @throws ConfigError for an unreadable file, a JSON/YAML syntax error (naming
 *   the file, line and column) or an invalid scenario (`<file>: <path>: expected …, got …`).
 */
export function loadScenarioFile(path: string): ResolvedScenario {
  const file = resolvePath(path);
  const ext = extname(file).toLowerCase();
  if (ext !== '.json' && ext !== '.yaml' && ext !== '.yml') {
    throw new ConfigError(`${path}: scenario files must end in .json, .yaml or .yml`);
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${path}: cannot read scenario file: ${(err as Error).message}`, { cause: err });
  }
  const data = ext === '.json' ? parseJsonText(text, path) : parseYamlText(text, path);
  const scenario = resolveScenario(data, { baseDir: dirname(file), defaultName: basename(file, extname(file)), where: path });
  scenario.loads.forEach((load, i) => {
    if (load.kind === 'trace' && load.file !== undefined) {
      try {
        accessSync(load.file, fsConstants.R_OK);
      } catch {
        throw new ConfigError(`${path}: loads[${i}].file: expected a readable trace file, got ${quote(load.file)}`);
      }
      // A symbolic link inside the directory may still point out of it: compare the real paths.
      if (!inside(realpathSync(dirname(file)), realpathSync(load.file))) {
        throw new ConfigError(`${path}: loads[${i}].file: expected a trace file inside the scenario's directory, got a link out of it: ${quote(load.file)}`);
      }
    }
  });
  return scenario;
}

function parseJsonText(text: string, path: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const message = (err as Error).message;
    // Node 20's JSON.parse may not report a position; JSON is YAML 1.2 flow syntax, so ask the YAML parser where it breaks.
    let line: number | undefined, col: number | undefined;
    const m = /position (\d+)/.exec(message);
    if (m) {
      const before = text.slice(0, Number(m[1])).split('\n');
      line = before.length;
      col = (before[before.length - 1] ?? '').length + 1;
    } else {
      try {
        parseYaml(text);
      } catch (yamlErr) {
        if (yamlErr instanceof YAMLParseError && yamlErr.linePos) ({ line, col } = yamlErr.linePos[0]);
      }
    }
    const where = line === undefined ? path : `${path}:${line}:${col}`;
    throw new ConfigError(`${where}: invalid JSON${line === undefined ? '' : ` (line ${line})`}: ${message.replace(/\s+/g, ' ')}`, { cause: err });
  }
}

function parseYamlText(text: string, path: string): unknown {
  try {
    return parseYaml(text) as unknown;
  } catch (err) {
    if (err instanceof YAMLParseError) {
      const pos = err.linePos?.[0];
      const reason = err.message.split(/ at line \d+, column \d+/)[0] ?? err.message;
      const where = pos ? `${path}:${pos.line}:${pos.col}` : path;
      throw new ConfigError(`${where}: invalid YAML (line ${pos?.line ?? '?'}): ${reason}`, { cause: err });
    }
    throw new ConfigError(`${path}: invalid YAML: ${(err as Error).message}`, { cause: err });
  }
}

// ---------------------------------------------------------------- workflow graphs

/** A cycle of the directed graph as a closed walk `[a, b, ..., a]`, or null when acyclic (iterative DFS, stable order). */
export function findCycle(vertices: readonly string[], edges: readonly (readonly [string, string])[]): string[] | null {
  const out = new Map<string, string[]>(vertices.map((v) => [v, []]));
  for (const [a, b] of edges) out.get(a)?.push(b);
  const state = new Map<string, 1 | 2>(); // 1 on the stack, 2 done
  for (const start of vertices) {
    if (state.has(start)) continue;
    const stack: { v: string; next: number }[] = [{ v: start, next: 0 }];
    state.set(start, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const succ = out.get(top.v) ?? [];
      if (top.next < succ.length) {
        const w = succ[top.next++]!;
        const s = state.get(w);
        if (s === 1) {
          const from = stack.findIndex((f) => f.v === w);
          return [...stack.slice(from).map((f) => f.v), w];
        }
        if (s === undefined) {
          state.set(w, 1);
          stack.push({ v: w, next: 0 });
        }
      } else {
        state.set(top.v, 2);
        stack.pop();
      }
    }
  }
  return null;
}
