/**
 * Scenario loading and validation: turns a scenario (parsed JSON/YAML, or an
 * object built in code) into the `ResolvedScenario` the simulator runs, with
 * every default of `spec.ts` applied and every field checked.
 *
 * Every problem is a `ConfigError` whose message starts with the path of the
 * bad field in the one wording of `src/core/schema.ts`
 * (`nodes[1].cores: expected an integer in [1, 1024], got 2.5`).
 * Unknown keys are rejected (a typo such as `wrok` must not be silently
 * ignored), and cross references (stage functions, edges, branches, node
 * selectors, load targets) are checked after the structure.
 */
import { accessSync, constants as fsConstants, readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, relative, resolve as resolvePath } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { ConfigError, quote } from '../../core/errors.js';
import { parseDist } from '../../workloads/dist.js';
import { MAX_TRACE_COUNT } from '../../workloads/arrivals.js';
import type { OverflowPolicy, ScalingMode } from '../types.js';
import { DEFAULT_CONTENTION } from './spec.js';
import type {
  LoadSpec,
  ResolvedFunction,
  ResolvedNode,
  ResolvedScenario,
  ResolvedStage,
  ResolvedWorkflow,
  StressSpec,
} from './spec.js';

/** Options of `resolveScenario`. */
export interface ResolveScenarioOptions {
  /** Directory that relative `file` paths of trace loads are resolved against (stored absolute). @default paths kept as given */
  baseDir?: string;
  /** Name used when the scenario has none. @default "scenario" */
  defaultName?: string;
}

/**
 * Upper bounds of the scenario's fields, each with its reason: a finite but
 * huge value must be refused here, not left to hang a run or exhaust the heap
 * (the simulator's per-`advance()` budget is the second line of defence).
 */
export const SCENARIO_LIMITS = Object.freeze({
  /** Simulated seconds of `duration`, `warmup` and every period or offset: 10⁷ s is 116 days; every simulated second may hold events. */
  duration: 1e7,
  /** Requests per second of an open-loop load: 10⁵/s is 10⁶ requests in a 10 s step, the scale of the event budget. */
  rate: 1e5,
  /** Closed-loop users (and `maxInflight`): each user is simulated. */
  users: 1e5,
  /** Minutes of a trace's `counts`: about two years. */
  traceMinutes: 1e6,
  /** Parallelism of a workflow stage: every parallel invocation is simulated. */
  parallelism: 1000,
  /** Replicas of a function (and scale-out burst/rate): every replica is simulated. */
  replicas: 10_000,
  /** Cores of a node and threads of a function: the largest machines have a few hundred. */
  cores: 1024,
  /** Items of any list (nodes, functions, stages, loads, …). */
  items: 10_000,
  /** Other integer quantities (trace rows). */
  count: 1e9,
  /** Any other quantity (memory, work, sizes): beyond 10⁹ sums and products lose meaning. */
  scalar: 1e9,
});

/** Tolerance on the sum of branch probabilities. */
export const BRANCH_PROB_TOLERANCE = 1e-9;

/**
 * Validate a scenario and apply the defaults documented in `spec.ts`.
 *
 * Defaults that depend on other fields: `replicas` is 1 in `replicas` mode and
 * 0 (no prewarmed instance) in `per-request` mode; `keepAlive` is 600 s in
 * `per-request` mode and `null` (never scale to zero) in `replicas` mode;
 * `per-request` mode always resolves `maxInflight` to 1 (one request per
 * instance; setting it above 1 is an error); `cpuPerMemoryMb` sets
 * `cpuMilli = max(1, round(1000 · memoryMb / cpuPerMemoryMb))` and may not be
 * combined with an explicit `cpuMilli`. A stage's `id` defaults to its `fn`.
 *
 * Load fields without a documented default are kept as given (validated), and
 * `think` of closed loads is normalised to a `Dist`.
 *
 * @throws ConfigError naming the path of the first bad field.
 */
/** Scenarios produced by `resolveScenario` (so code that accepts either form can tell them apart without guessing). */
const resolvedScenarios = new WeakSet<object>();

/** True for a scenario returned by `resolveScenario` (and not modified into a new object since). */
export function isResolvedScenario(x: unknown): x is ResolvedScenario {
  return typeof x === 'object' && x !== null && resolvedScenarios.has(x);
}

/**
 * A resolved scenario with its run settings replaced (the CLI's `--seed` and
 * `--duration`), validated like the fields of a scenario file.
 */
export function overrideScenario(scenario: ResolvedScenario, overrides: { seed?: number; duration?: number; warmup?: number }): ResolvedScenario {
  const out: ResolvedScenario = {
    ...scenario,
    seed: overrides.seed === undefined ? scenario.seed : seedValue(overrides.seed, 'seed'),
    duration: overrides.duration === undefined ? scenario.duration : positive(overrides.duration, 'duration', SCENARIO_LIMITS.duration),
    warmup: overrides.warmup === undefined ? scenario.warmup : nonNegative(overrides.warmup, 'warmup', SCENARIO_LIMITS.duration),
  };
  resolvedScenarios.add(out);
  return out;
}

export function resolveScenario(input: unknown, options: ResolveScenarioOptions = {}): ResolvedScenario {
  if (isResolvedScenario(input)) return input;
  const root = object(input, 'scenario');
  checkKeys(root, '', ['name', 'seed', 'duration', 'warmup', 'nodes', 'functions', 'workflows', 'loads']);

  const name = root.name === undefined ? (options.defaultName ?? 'scenario') : string(root.name, 'name');
  const seed = root.seed === undefined ? 0 : seedValue(root.seed, 'seed');
  const duration = positive(required(root, 'duration', ''), 'duration', SCENARIO_LIMITS.duration);
  const warmup = root.warmup === undefined ? 0 : nonNegative(root.warmup, 'warmup', SCENARIO_LIMITS.duration);

  const names = new Map<string, string>(); // name → path of its first use
  const claim = (n: string, path: string): void => {
    const prior = names.get(n);
    if (prior !== undefined) throw new ConfigError(`${path}: duplicate name ${quote(n)} (already used by ${prior}); names must be unique across nodes, functions and workflows`);
    names.set(n, path);
  };

  const nodes = array(required(root, 'nodes', ''), 'nodes', true).map((n, i) => resolveNode(n, `nodes[${i}]`));
  nodes.forEach((n, i) => claim(n.name, `nodes[${i}].name`));
  const nodeNames = new Set(nodes.map((n) => n.name));

  const functions = array(required(root, 'functions', ''), 'functions', true).map((f, i) => resolveFunction(f, `functions[${i}]`, nodeNames));
  functions.forEach((f, i) => claim(f.name, `functions[${i}].name`));
  const fnNames = new Set(functions.map((f) => f.name));

  const workflows = root.workflows === undefined
    ? []
    : array(root.workflows, 'workflows').map((w, i) => resolveWorkflow(w, `workflows[${i}]`, fnNames));
  workflows.forEach((w, i) => claim(w.name, `workflows[${i}].name`));
  const targets = new Set([...fnNames, ...workflows.map((w) => w.name)]);

  const loads = array(required(root, 'loads', ''), 'loads').map((l, i) => resolveLoad(l, `loads[${i}]`, targets, options.baseDir));

  const resolved: ResolvedScenario = { name, seed, duration, warmup, nodes, functions, workflows, loads };
  resolvedScenarios.add(resolved);
  return resolved;
}

/**
 * Read a scenario file (`.json`, `.yaml` or `.yml`) and resolve it. Relative
 * `file` paths of trace loads are resolved against the scenario file's
 * directory and stored absolute; the files must exist. The scenario's name
 * defaults to the file name without its extension.
 *
 * @throws ConfigError for an unreadable file, a JSON/YAML syntax error (naming
 *   the file, line and column) or an invalid scenario (the message names the
 *   field first and ends with `(in <file>)`).
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
  let scenario: ResolvedScenario;
  try {
    scenario = resolveScenario(data, { baseDir: dirname(file), defaultName: basename(file, extname(file)) });
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError(`${err.message} (in ${path})`, { cause: err });
    throw err;
  }
  scenario.loads.forEach((load, i) => {
    if (load.kind === 'trace' && load.file !== undefined) {
      try {
        accessSync(load.file, fsConstants.R_OK);
      } catch {
        throw new ConfigError(`loads[${i}].file: cannot read trace file ${quote(load.file)} (in ${path})`);
      }
      // A symbolic link inside the directory may still point out of it: compare the real paths.
      if (!inside(realpathSync(dirname(file)), realpathSync(load.file))) {
        throw new ConfigError(`loads[${i}].file: expected a trace file inside the scenario's directory, got a link out of it: ${quote(load.file)} (in ${path})`);
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

// ---------------------------------------------------------------- nodes

const NODE_KEYS = ['name', 'cores', 'memoryMb', 'speed', 'l3Mb', 'cpuModel', 'labels', 'stress', 'functionMemoryMb'] as const;

function resolveNode(input: unknown, path: string): ResolvedNode {
  const o = object(input, path);
  checkKeys(o, path, NODE_KEYS);
  return {
    name: string(required(o, 'name', path), `${path}.name`),
    cores: positiveInt(required(o, 'cores', path), `${path}.cores`, SCENARIO_LIMITS.cores),
    memoryMb: positive(required(o, 'memoryMb', path), `${path}.memoryMb`),
    speed: o.speed === undefined ? 1 : positive(o.speed, `${path}.speed`),
    l3Mb: o.l3Mb === undefined ? 32 : positive(o.l3Mb, `${path}.l3Mb`),
    cpuModel: o.cpuModel === undefined ? 'generic' : string(o.cpuModel, `${path}.cpuModel`),
    labels: o.labels === undefined ? {} : labels(o.labels, `${path}.labels`),
    stress: o.stress === undefined ? { kind: 'constant', level: 0 } : resolveStress(o.stress, `${path}.stress`),
    functionMemoryMb: o.functionMemoryMb === undefined ? positive(o.memoryMb, `${path}.memoryMb`) : positive(o.functionMemoryMb, `${path}.functionMemoryMb`),
  };
}

function labels(input: unknown, path: string): Record<string, string> {
  const o = object(input, path);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) {
    if (typeof v !== 'string') throw new ConfigError(`${path}.${k}: expected a string, got ${quote(v)}`);
    out[k] = v;
  }
  return out;
}

function resolveStress(input: unknown, path: string): StressSpec {
  const o = object(input, path);
  const kind = oneOf(required(o, 'kind', path), `${path}.kind`, ['constant', 'schedule', 'random'] as const);
  switch (kind) {
    case 'constant':
      checkKeys(o, path, ['kind', 'level']);
      return { kind, level: unit(required(o, 'level', path), `${path}.level`) };
    case 'schedule': {
      checkKeys(o, path, ['kind', 'points']);
      const points = array(required(o, 'points', path), `${path}.points`, true).map((p, i) => {
        const pp = `${path}.points[${i}]`;
        const po = object(p, pp);
        checkKeys(po, pp, ['at', 'level']);
        return { at: nonNegative(required(po, 'at', pp), `${pp}.at`, SCENARIO_LIMITS.duration), level: unit(required(po, 'level', pp), `${pp}.level`) };
      });
      for (let i = 1; i < points.length; i++) {
        const prev = points[i - 1]!.at, at = points[i]!.at;
        if (!(at > prev)) throw new ConfigError(`${path}.points[${i}].at: expected a number > the previous point's at (${prev}), got ${at}`);
      }
      return { kind, points };
    }
    case 'random': {
      checkKeys(o, path, ['kind', 'levels', 'every']);
      const levels = array(required(o, 'levels', path), `${path}.levels`, true).map((l, i) => unit(l, `${path}.levels[${i}]`));
      return { kind, levels, every: positive(required(o, 'every', path), `${path}.every`, SCENARIO_LIMITS.duration) };
    }
  }
}

// ---------------------------------------------------------------- functions

const FUNCTION_KEYS = [
  'name', 'work', 'threads', 'parallelFraction', 'memoryFootprintMb', 'coldStart', 'initSeconds', 'download', 'upload',
  'transferMb', 'interferenceSensitivity', 'contention', 'scaling', 'replicas', 'cpuMilli', 'memoryMb', 'cpuPerMemoryMb',
  'maxInflight', 'overflow', 'keepAlive', 'scaleFromZero', 'scaleOutBurst', 'scaleOutRate', 'nodeSelector', 'dispatch', 'scheduler',
] as const;

function resolveFunction(input: unknown, path: string, nodeNames: Set<string>): ResolvedFunction {
  const o = object(input, path);
  checkKeys(o, path, FUNCTION_KEYS);
  const name = string(required(o, 'name', path), `${path}.name`);
  const work = parseDist(required(o, 'work', path), `${path}.work`);
  const dist0 = (key: string) => (o[key] === undefined ? parseDist(0, `${path}.${key}`) : parseDist(o[key], `${path}.${key}`));
  const scaling: ScalingMode = o.scaling === undefined ? 'replicas' : oneOf(o.scaling, `${path}.scaling`, ['replicas', 'per-request'] as const);
  const perRequest = scaling === 'per-request';

  const memoryMb = o.memoryMb === undefined ? 512 : positive(o.memoryMb, `${path}.memoryMb`);
  let cpuMilli = o.cpuMilli === undefined ? 1000 : positive(o.cpuMilli, `${path}.cpuMilli`);
  let cpuPerMemoryMb: number | null = null;
  if (o.cpuPerMemoryMb !== undefined) {
    if (o.cpuMilli !== undefined) {
      throw new ConfigError(`${path}.cpuPerMemoryMb: set either cpuMilli or cpuPerMemoryMb, not both (cpuPerMemoryMb derives cpuMilli from memoryMb)`);
    }
    cpuPerMemoryMb = positive(o.cpuPerMemoryMb, `${path}.cpuPerMemoryMb`);
    cpuMilli = Math.max(1, Math.round((1000 * memoryMb) / cpuPerMemoryMb));
  }

  let maxInflight = o.maxInflight === undefined ? 0 : nonNegativeInt(o.maxInflight, `${path}.maxInflight`, SCENARIO_LIMITS.users);
  if (perRequest) {
    if (maxInflight > 1) {
      throw new ConfigError(`${path}.maxInflight: per-request scaling runs one request per instance (maxInflight 1), got ${maxInflight}; use scaling "replicas" for concurrent requests per instance`);
    }
    maxInflight = 1;
  }

  let keepAlive: number | null;
  if (o.keepAlive === undefined) keepAlive = perRequest ? 600 : null;
  else if (o.keepAlive === null) keepAlive = null;
  else keepAlive = nonNegative(o.keepAlive, `${path}.keepAlive`, SCENARIO_LIMITS.duration, 'or null (never)');

  let scaleOutBurst = Infinity;
  if (o.scaleOutBurst !== undefined && o.scaleOutBurst !== Infinity) {
    scaleOutBurst = positiveInt(o.scaleOutBurst, `${path}.scaleOutBurst`, SCENARIO_LIMITS.replicas, 'or Infinity');
  }
  let scaleOutRate = Infinity;
  if (o.scaleOutRate !== undefined && o.scaleOutRate !== Infinity) {
    scaleOutRate = positive(o.scaleOutRate, `${path}.scaleOutRate`, SCENARIO_LIMITS.replicas);
  }

  const dispatch = o.dispatch === undefined ? 'fleet' : oneOf<'fleet' | 'invoker'>(o.dispatch, `${path}.dispatch`, ['fleet', 'invoker']);
  if (dispatch === 'invoker' && !perRequest) throw new ConfigError(`${path}.dispatch: "invoker" needs scaling "per-request" (one invocation per container, as OpenWhisk)`);
  if (o.scheduler !== undefined && dispatch !== 'invoker') throw new ConfigError(`${path}.scheduler: only meaningful with dispatch "invoker"`);

  let nodeSelector: string[] | null = null;
  if (o.nodeSelector !== undefined && o.nodeSelector !== null) {
    const sp = `${path}.nodeSelector`;
    nodeSelector = array(o.nodeSelector, sp, true).map((n, i) => {
      const s = string(n, `${sp}[${i}]`);
      if (!nodeNames.has(s)) throw new ConfigError(`${sp}[${i}]: unknown node ${quote(s)} (nodes: ${[...nodeNames].join(', ')})`);
      return s;
    });
    const dup = nodeSelector.find((n, i) => nodeSelector!.indexOf(n) !== i);
    if (dup !== undefined) throw new ConfigError(`${sp}: node ${quote(dup)} listed twice`);
  }

  return {
    name,
    work,
    threads: o.threads === undefined ? 1 : positiveInt(o.threads, `${path}.threads`, SCENARIO_LIMITS.cores),
    parallelFraction: o.parallelFraction === undefined ? 1 : unit(o.parallelFraction, `${path}.parallelFraction`),
    memoryFootprintMb: o.memoryFootprintMb === undefined ? 0 : nonNegative(o.memoryFootprintMb, `${path}.memoryFootprintMb`),
    coldStart: dist0('coldStart'),
    initSeconds: o.initSeconds === undefined ? 0 : nonNegative(o.initSeconds, `${path}.initSeconds`, SCENARIO_LIMITS.duration),
    download: dist0('download'),
    upload: dist0('upload'),
    transferMb: o.transferMb === undefined ? 0 : nonNegative(o.transferMb, `${path}.transferMb`),
    interferenceSensitivity: o.interferenceSensitivity === undefined ? 1 : nonNegative(o.interferenceSensitivity, `${path}.interferenceSensitivity`),
    contention: o.contention === undefined ? DEFAULT_CONTENTION : nonNegative(o.contention, `${path}.contention`),
    scaling,
    replicas: o.replicas === undefined ? (perRequest ? 0 : 1) : nonNegativeInt(o.replicas, `${path}.replicas`, SCENARIO_LIMITS.replicas),
    cpuMilli,
    memoryMb,
    cpuPerMemoryMb,
    maxInflight,
    overflow: o.overflow === undefined ? 'queue' : oneOf<OverflowPolicy>(o.overflow, `${path}.overflow`, ['queue', 'reject']),
    keepAlive,
    scaleFromZero: o.scaleFromZero === undefined ? true : boolean(o.scaleFromZero, `${path}.scaleFromZero`),
    scaleOutBurst,
    scaleOutRate,
    nodeSelector,
    dispatch,
    scheduler: o.scheduler === undefined ? 'hash' : oneOf<'hash' | 'external'>(o.scheduler, `${path}.scheduler`, ['hash', 'external']),
  };
}

// ---------------------------------------------------------------- workflows

function resolveWorkflow(input: unknown, path: string, fnNames: Set<string>): ResolvedWorkflow {
  const o = object(input, path);
  checkKeys(o, path, ['name', 'stages', 'edges', 'branches', 'requestScale', 'gated']);
  const name = string(required(o, 'name', path), `${path}.name`);

  const stages: ResolvedStage[] = array(required(o, 'stages', path), `${path}.stages`, true).map((s, i) => {
    const sp = `${path}.stages[${i}]`;
    let stage: ResolvedStage;
    if (typeof s === 'string') {
      stage = { id: s, fn: s, parallelism: 1 };
      if (s.length === 0) throw new ConfigError(`${sp}: expected a non-empty string or {id?, fn, parallelism?}, got ""`);
      if (!fnNames.has(s)) throw new ConfigError(`${sp}: unknown function ${quote(s)}`);
    } else {
      const so = object(s, sp, 'a function name or {id?, fn, parallelism?}');
      checkKeys(so, sp, ['id', 'fn', 'parallelism']);
      const fn = string(required(so, 'fn', sp), `${sp}.fn`);
      if (!fnNames.has(fn)) throw new ConfigError(`${sp}.fn: unknown function ${quote(fn)}`);
      stage = {
        id: so.id === undefined ? fn : string(so.id, `${sp}.id`),
        fn,
        parallelism: so.parallelism === undefined ? 1 : positiveInt(so.parallelism, `${sp}.parallelism`, SCENARIO_LIMITS.parallelism),
      };
    }
    return stage;
  });
  const ids = new Set<string>();
  stages.forEach((s, i) => {
    if (ids.has(s.id)) {
      throw new ConfigError(`${path}.stages[${i}]: duplicate stage id ${quote(s.id)}; give stages that run the same function distinct ids`);
    }
    ids.add(s.id);
  });
  const stageRef = (v: unknown, p: string): string => {
    const id = string(v, p);
    if (!ids.has(id)) throw new ConfigError(`${p}: unknown stage id ${quote(id)} (stages: ${[...ids].join(', ')})`);
    return id;
  };

  const edges: [string, string][] = o.edges === undefined ? [] : array(o.edges, `${path}.edges`).map((e, i) => {
    const ep = `${path}.edges[${i}]`;
    if (!Array.isArray(e) || e.length !== 2) throw new ConfigError(`${ep}: expected a pair [from, to] of stage ids, got ${quote(e)}`);
    return [stageRef(e[0], `${ep}[0]`), stageRef(e[1], `${ep}[1]`)];
  });
  const seenEdges = new Set<string>();
  edges.forEach(([a, b], i) => {
    const key = JSON.stringify([a, b]);
    if (seenEdges.has(key)) throw new ConfigError(`${path}.edges[${i}]: duplicate edge ${quote([a, b])}`);
    seenEdges.add(key);
  });

  const branches = o.branches === undefined ? [] : array(o.branches, `${path}.branches`).map((b, i) => {
    const bp = `${path}.branches[${i}]`;
    const bo = object(b, bp);
    checkKeys(bo, bp, ['from', 'to', 'probs']);
    const from = stageRef(required(bo, 'from', bp), `${bp}.from`);
    const to = array(required(bo, 'to', bp), `${bp}.to`, true).map((t, j) => stageRef(t, `${bp}.to[${j}]`));
    const dup = to.find((t, j) => to.indexOf(t) !== j);
    if (dup !== undefined) throw new ConfigError(`${bp}.to: stage ${quote(dup)} listed twice`);
    const probs = array(required(bo, 'probs', bp), `${bp}.probs`, true).map((p, j) => unit(p, `${bp}.probs[${j}]`));
    if (probs.length !== to.length) throw new ConfigError(`${bp}.probs: expected one probability per target (${to.length}), got ${probs.length}`);
    const sum = probs.reduce((a, c) => a + c, 0);
    if (Math.abs(sum - 1) > BRANCH_PROB_TOLERANCE) throw new ConfigError(`${bp}.probs: expected probabilities summing to 1 (±${BRANCH_PROB_TOLERANCE}), got ${sum}`);
    return { from, to, probs };
  });

  const cycle = findCycle(stages.map((s) => s.id), [...edges, ...branches.flatMap((b) => b.to.map((t): [string, string] => [b.from, t]))]);
  if (cycle) throw new ConfigError(`${path}: the workflow graph has a cycle: ${cycle.join(' -> ')}`);

  return {
    name,
    stages,
    edges,
    branches,
    requestScale: o.requestScale === undefined ? parseDist(1, `${path}.requestScale`) : parseDist(o.requestScale, `${path}.requestScale`),
    gated: o.gated === undefined ? false : boolean(o.gated, `${path}.gated`),
  };
}

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

// ---------------------------------------------------------------- loads

const LOAD_KEYS: Record<LoadSpec['kind'], readonly string[]> = {
  poisson: ['kind', 'target', 'rate'],
  constant: ['kind', 'target', 'rate'],
  ramp: ['kind', 'target', 'from', 'to', 'duration'],
  diurnal: ['kind', 'target', 'mean', 'amplitude', 'period', 'phase'],
  burst: ['kind', 'target', 'base', 'peak', 'every', 'duration', 'offset'],
  trace: ['kind', 'target', 'counts', 'file', 'row', 'secondsPerMinute', 'startMinute'],
  closed: ['kind', 'target', 'users', 'spawnRate', 'think'],
};

function resolveLoad(input: unknown, path: string, targets: Set<string>, baseDir: string | undefined): LoadSpec {
  const o = object(input, path);
  const kind = oneOf(required(o, 'kind', path), `${path}.kind`, Object.keys(LOAD_KEYS) as LoadSpec['kind'][]);
  checkKeys(o, path, LOAD_KEYS[kind]);
  const target = string(required(o, 'target', path), `${path}.target`);
  if (!targets.has(target)) throw new ConfigError(`${path}.target: unknown workflow or function ${quote(target)}`);
  const req = (key: string) => required(o, key, path);
  const p = (key: string) => `${path}.${key}`;
  switch (kind) {
    case 'poisson':
    case 'constant':
      return { kind, target, rate: positive(req('rate'), p('rate'), SCENARIO_LIMITS.rate) };
    case 'ramp':
      return { kind, target, from: nonNegative(req('from'), p('from'), SCENARIO_LIMITS.rate), to: nonNegative(req('to'), p('to'), SCENARIO_LIMITS.rate), duration: positive(req('duration'), p('duration'), SCENARIO_LIMITS.duration) };
    case 'diurnal': {
      const mean = nonNegative(req('mean'), p('mean'), SCENARIO_LIMITS.rate);
      const amplitude = nonNegative(req('amplitude'), p('amplitude'), SCENARIO_LIMITS.rate);
      if (amplitude > mean) throw new ConfigError(`${p('amplitude')}: expected a number <= mean (${mean}) so that the rate stays >= 0, got ${amplitude}`);
      const load: LoadSpec = { kind, target, mean, amplitude, period: positive(req('period'), p('period'), SCENARIO_LIMITS.duration) };
      if (o.phase !== undefined) load.phase = finite(o.phase, p('phase'), SCENARIO_LIMITS.duration);
      return load;
    }
    case 'burst': {
      const every = positive(req('every'), p('every'), SCENARIO_LIMITS.duration);
      const duration = positive(req('duration'), p('duration'), SCENARIO_LIMITS.duration);
      if (duration > every) throw new ConfigError(`${p('duration')}: expected a number <= every (${every}), got ${duration}`);
      const load: LoadSpec = { kind, target, base: nonNegative(req('base'), p('base'), SCENARIO_LIMITS.rate), peak: nonNegative(req('peak'), p('peak'), SCENARIO_LIMITS.rate), every, duration };
      if (o.offset !== undefined) load.offset = nonNegative(o.offset, p('offset'), SCENARIO_LIMITS.duration);
      return load;
    }
    case 'trace': {
      if ((o.counts === undefined) === (o.file === undefined)) {
        throw new ConfigError(`${path}: a trace load needs exactly one of counts (per-minute invocation counts) or file (an Azure Functions trace)`);
      }
      const load: LoadSpec = { kind, target };
      if (o.counts !== undefined) {
        load.counts = array(o.counts, p('counts'), true, SCENARIO_LIMITS.traceMinutes).map((c, i) => nonNegativeInt(c, `${p('counts')}[${i}]`, MAX_TRACE_COUNT));
        if (o.row !== undefined) throw new ConfigError(`${p('row')}: row selects a line of a trace file; it is not allowed with counts`);
      } else {
        const f = string(o.file, p('file'));
        load.file = baseDir !== undefined ? containedPath(baseDir, f, p('file')) : f;
        if (o.row !== undefined) load.row = nonNegativeInt(o.row, p('row'), SCENARIO_LIMITS.count);
      }
      if (o.secondsPerMinute !== undefined) load.secondsPerMinute = positive(o.secondsPerMinute, p('secondsPerMinute'), 3600);
      if (o.startMinute !== undefined) {
        load.startMinute = nonNegativeInt(o.startMinute, p('startMinute'), SCENARIO_LIMITS.traceMinutes);
        if (load.counts !== undefined && load.startMinute >= load.counts.length) {
          throw new ConfigError(`${p('startMinute')}: expected an integer < the number of counts (${load.counts.length}), got ${load.startMinute}`);
        }
      }
      return load;
    }
    case 'closed': {
      const load: LoadSpec = { kind, target, users: positiveInt(req('users'), p('users'), SCENARIO_LIMITS.users) };
      if (o.spawnRate !== undefined) load.spawnRate = positive(o.spawnRate, p('spawnRate'), SCENARIO_LIMITS.rate);
      if (o.think !== undefined) load.think = parseDist(o.think, p('think'));
      return load;
    }
  }
}

// ---------------------------------------------------------------- field checks

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
function containedPath(baseDir: string, f: string, path: string): string {
  const abs = resolvePath(baseDir, f);
  if (!inside(resolvePath(baseDir), abs)) throw new ConfigError(`${path}: expected a trace file inside the scenario's directory, got ${quote(f)}`);
  return abs;
}

type Obj = Record<string, unknown>;

function object(v: unknown, path: string, what = 'an object'): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ConfigError(`${path}: expected ${what}, got ${quote(v)}`);
  return v as Obj;
}

function array(v: unknown, path: string, nonEmpty = false, maxLength: number = SCENARIO_LIMITS.items): unknown[] {
  const what = `an array of ${nonEmpty ? '1 to' : 'at most'} ${maxLength} items`;
  if (!Array.isArray(v) || (nonEmpty && v.length === 0) || v.length > maxLength) {
    throw new ConfigError(`${path}: expected ${what}, got ${Array.isArray(v) && v.length > maxLength ? `${v.length} items` : quote(v)}`);
  }
  return v;
}

function required(o: Obj, key: string, path: string): unknown {
  const v = Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
  if (v === undefined) throw new ConfigError(`${path ? `${path}.` : ''}${key}: required, got nothing`);
  return v;
}

/** Reject keys not in `allowed`, naming the key, the allowed keys and the closest one. */
function checkKeys(o: Obj, path: string, allowed: readonly string[]): void {
  for (const key of Object.keys(o)) {
    if (allowed.includes(key)) continue;
    const near = closest(key, allowed);
    const hint = near === null ? '' : `; did you mean ${quote(near)}?`;
    throw new ConfigError(`${path ? `${path}.` : ''}${key}: unknown key (allowed: ${allowed.join(', ')})${hint}`);
  }
}

function closest(key: string, candidates: readonly string[]): string | null {
  let best: string | null = null, bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(key.toLowerCase(), c.toLowerCase());
    if (d < bestD) [best, bestD] = [c, d];
  }
  return bestD <= Math.max(1, Math.min(3, Math.floor(key.length / 3))) ? best : null;
}

/** Optimal-string-alignment edit distance (insertions, deletions, substitutions, adjacent transpositions). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

function string(v: unknown, path: string): string {
  if (typeof v !== 'string' || v.length === 0) throw new ConfigError(`${path}: expected a non-empty string, got ${quote(v)}`);
  return v;
}

function boolean(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') throw new ConfigError(`${path}: expected a boolean, got ${quote(v)}`);
  return v;
}

function oneOf<T extends string>(v: unknown, path: string, options: readonly T[]): T {
  if (typeof v !== 'string' || !options.includes(v as T)) {
    throw new ConfigError(`${path}: expected one of ${options.map((x) => quote(x)).join(', ')}, got ${quote(v)}`);
  }
  return v as T;
}

function inRange(v: unknown, path: string, lo: string, ok: (x: number) => boolean, max: number, int: boolean, extra = ''): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || (int && !Number.isSafeInteger(v)) || !ok(v) || !(v <= max)) {
    throw new ConfigError(`${path}: expected ${int ? 'an integer' : 'a number'} in ${lo}, ${max}]${extra ? ` ${extra}` : ''}, got ${quote(v)}`);
  }
  return v;
}

function finite(v: unknown, path: string, max: number = SCENARIO_LIMITS.scalar): number {
  return inRange(v, path, `[${-max}`, (x) => x >= -max, max, false);
}

function positive(v: unknown, path: string, max: number = SCENARIO_LIMITS.scalar): number {
  return inRange(v, path, '(0', (x) => x > 0, max, false);
}

function nonNegative(v: unknown, path: string, max: number = SCENARIO_LIMITS.scalar, extra = ''): number {
  return inRange(v, path, '[0', (x) => x >= 0, max, false, extra);
}

function unit(v: unknown, path: string): number {
  return inRange(v, path, '[0', (x) => x >= 0, 1, false);
}

function positiveInt(v: unknown, path: string, max: number = SCENARIO_LIMITS.count, extra = ''): number {
  return inRange(v, path, '[1', (x) => x >= 1, max, true, extra);
}

function nonNegativeInt(v: unknown, path: string, max: number = SCENARIO_LIMITS.count): number {
  return inRange(v, path, '[0', (x) => x >= 0, max, true);
}

function seedValue(v: unknown, path: string): number {
  return inRange(v, path, '[0', (x) => x >= 0, Number.MAX_SAFE_INTEGER, true);
}
