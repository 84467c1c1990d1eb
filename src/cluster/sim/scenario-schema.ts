/**
 * The schema of a scenario file (zod 4, built with the field helpers of
 * `src/core/schema.ts`): every field with its type, bounds (`SCENARIO_LIMITS`,
 * each with its reason), default and one-line doc. Unknown keys — `__proto__`
 * and `constructor` included — are refused.
 *
 * This is the structure only. `resolveScenario` (scenario.ts) parses with it,
 * then checks the cross references (stage functions, edges, branches, node
 * selectors, load targets, unique names, acyclic workflows) and applies the
 * defaults that depend on other fields (`replicas`, `keepAlive`, `maxInflight`
 * of per-request functions, `cpuPerMemoryMb`, a stage's `id`).
 *
 * Generated from it by `npm run docs:options` (a test compares both with the
 * committed copies): the field tables of docs/scenarios.md and the JSON Schema
 * configs/scenarios/schema.json that editors read.
 */
import { boolean, described, integer, number, oneOf, optionalNumber, options, requiredNumber, z } from '../../core/schema.js';
import { MAX_TRACE_COUNT } from '../../workloads/arrivals.js';
import { DEFAULT_CONTENTION, type ScenarioSpec } from './spec.js';

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

const L = SCENARIO_LIMITS;
const WHY = {
  duration: '10⁷ simulated s (116 days); every simulated second may hold events',
  rate: '10⁵/s is 10⁶ requests in a 10 s step, the scale of the event budget',
  users: 'each user is simulated',
  cores: 'the largest machines have a few hundred cores',
  replicas: 'every replica is simulated',
  scalar: 'beyond 10⁹ sums and products lose meaning',
} as const;

// ---------------------------------------------------------------- building blocks

const NON_EMPTY = 'a non-empty string';

function str(error = NON_EMPTY) {
  return z.string({ error }).min(1, { error });
}

function requiredString(doc: string) {
  return described(str(), { doc, expected: NON_EMPTY, kind: 'string', range: '' });
}

/** An array of 1 (or 0) to `max` items. */
function list<T extends z.ZodType>(item: T, nonEmpty: boolean, max: number = L.items) {
  const expected = `an array of ${nonEmpty ? '1 to' : 'at most'} ${max} items`;
  return { schema: z.array(item, { error: expected }).min(nonEmpty ? 1 : 0, { error: expected }).max(max, { error: expected }), expected, size: nonEmpty ? `1 to ${max}` : `0 to ${max}` };
}

/** A number in [0, 1] (a probability, a stress level). */
function unit(doc: string) {
  return requiredNumber({ min: 0, max: 1, doc });
}

const DIST_NUMBER = `a number in [0, ${L.scalar}] or a distribution {kind, ...}`;

/** One distribution object per kind; a bare number is a constant. */
const DIST_OBJECT = z.discriminatedUnion('kind', [
  options({ kind: z.literal('constant'), value: requiredNumber({ min: 0, max: L.scalar, maxWhy: WHY.scalar, doc: 'the value' }) }),
  options({ kind: z.literal('exponential'), mean: requiredNumber({ gt: 0, max: L.scalar, maxWhy: WHY.scalar, doc: 'the mean' }) }),
  options({
    kind: z.literal('uniform'),
    low: requiredNumber({ min: 0, max: L.scalar, maxWhy: WHY.scalar, doc: 'the lower end' }),
    high: requiredNumber({ min: 0, max: L.scalar, maxWhy: WHY.scalar, doc: 'the upper end, >= low' }),
  }).superRefine((d, ctx) => {
    if (d.high < d.low) ctx.addIssue({ code: 'custom', path: ['high'], message: `expected a number >= low (${d.low})` });
  }),
  options({
    kind: z.literal('lognormal'),
    median: requiredNumber({ gt: 0, max: L.scalar, maxWhy: WHY.scalar, doc: 'the median' }),
    sigma: requiredNumber({ min: 0, max: 100, doc: 'sigma of the underlying normal: p99/p50 = e^(2.326·sigma)' }),
  }),
  options({
    kind: z.literal('normal'),
    mean: requiredNumber({ min: 0, max: L.scalar, maxWhy: WHY.scalar, doc: 'the mean (draws are truncated at 0)' }),
    std: requiredNumber({ min: 0, max: L.scalar, maxWhy: WHY.scalar, doc: 'the standard deviation' }),
  }),
  options({
    kind: z.literal('empirical'),
    values: list(requiredNumber({ min: 0, max: L.scalar, doc: 'a value' }), true).schema,
  }),
], { error: 'one of "constant", "exponential", "uniform", "lognormal", "normal", "empirical"' });

/** `id` puts it once into the JSON Schema's `$defs`, referenced by every distribution field. */
const DIST = z.union([requiredNumber({ min: 0, max: L.scalar, doc: 'a constant' }), DIST_OBJECT], { error: DIST_NUMBER }).meta({ id: 'Dist', description: 'a distribution: a number (a constant) or {kind, ...}' });

/** A distribution field (`Dist`) that must be given. */
function requiredDist(doc: string) {
  return described(DIST, { doc, expected: DIST_NUMBER, kind: 'dist', range: '' });
}

/** A distribution field that may be left out; its default (in `doc`) is applied by `resolveScenario`. */
function dist(doc: string) {
  return described(DIST.optional(), { doc, expected: DIST_NUMBER, kind: 'dist', range: '' });
}

// ---------------------------------------------------------------- nodes

const STRESS = z.discriminatedUnion('kind', [
  options({ kind: z.literal('constant'), level: unit('fraction of the cores busy, always') }),
  options({
    kind: z.literal('schedule'),
    points: list(options({
      at: requiredNumber({ min: 0, max: L.duration, maxWhy: WHY.duration, doc: 'from this simulated second on' }),
      level: unit('fraction of the cores busy'),
    }), true).schema,
  }).superRefine((s, ctx) => {
    for (let i = 1; i < s.points.length; i++) {
      const prev = s.points[i - 1]!.at;
      if (!(s.points[i]!.at > prev)) ctx.addIssue({ code: 'custom', path: ['points', i, 'at'], message: `expected a number > the previous point's at (${prev})` });
    }
  }),
  options({
    kind: z.literal('random'),
    levels: list(unit('a level'), true).schema,
    every: requiredNumber({ gt: 0, max: L.duration, maxWhy: WHY.duration, doc: 'seconds between draws' }),
  }),
], { error: 'one of "constant", "schedule", "random"' });

export const NODE_SCHEMA = options({
  name: requiredString('unique across nodes, functions and workflows'),
  cores: requiredNumber({ int: true, min: 1, max: L.cores, maxWhy: WHY.cores, doc: 'vCPUs' }),
  memoryMb: requiredNumber({ gt: 0, max: L.scalar, maxWhy: WHY.scalar, doc: 'memory of the node, MB' }),
  speed: number({ gt: 0, max: L.scalar, default: 1, doc: 'per-core speed relative to the reference core (CPU generation)' }),
  l3Mb: number({ gt: 0, max: L.scalar, default: 32, doc: 'last-level cache, MB; shapes the PCM counters' }),
  cpuModel: described(str().default('generic'), { doc: 'reported in `NodeInfo`', expected: NON_EMPTY, kind: 'string', range: '' }),
  labels: described(z.record(z.string(), z.string({ error: 'a string' }), { error: 'an object' }).optional(), {
    doc: 'Kubernetes-style labels, string → string (default none)', expected: 'an object of strings', kind: 'object', range: '',
  }),
  stress: described(STRESS.optional(), {
    doc: 'co-located interference (Darly §3.3): fraction of the cores busy with other tenants — `{kind: constant, level}`, `{kind: schedule, points: [{at, level}, …]}` (at strictly increasing; 0 before the first point) or `{kind: random, levels: […], every}` (default none)',
    expected: 'a stress {kind, ...}', kind: 'object', range: '',
  }),
  functionMemoryMb: optionalNumber({ gt: 0, max: L.scalar, maxWhy: WHY.scalar, doc: 'memory for function containers when the node is an invoker (`dispatch: invoker`); default `memoryMb`' }),
});

// ---------------------------------------------------------------- functions

const BURST = `an integer in [1, ${L.replicas}] or Infinity`;
const KEEP_ALIVE = `a number in [0, ${L.duration}] or null (never)`;
const SELECTOR = list(str(), true);

export const FUNCTION_SCHEMA = options({
  name: requiredString('unique across nodes, functions and workflows'),
  work: requiredDist('CPU seconds of one invocation on one reference core'),
  threads: integer({ min: 1, max: L.cores, maxWhy: WHY.cores, default: 1, doc: 'cores one invocation can use at most (intra-function parallelism)' }),
  parallelFraction: number({ min: 0, max: 1, default: 1, doc: 'Amdahl parallel fraction of the work over `threads`' }),
  memoryFootprintMb: number({ min: 0, max: L.scalar, maxWhy: WHY.scalar, default: 0, doc: 'memory one instance needs; `memoryMb` below it fails every invocation (OOM)' }),
  coldStart: dist('seconds for a new replica/instance to become ready (default 0)'),
  initSeconds: number({ min: 0, max: L.duration, maxWhy: WHY.duration, default: 0, doc: 'part of the cold start spent in runtime/code init; reported only (FaaSRank Table II)' }),
  download: dist('I/O seconds before compute: holds the slot, uses no CPU (default 0)'),
  upload: dist('I/O seconds after compute (default 0)'),
  transferMb: number({ min: 0, max: L.scalar, maxWhy: WHY.scalar, default: 0, doc: 'MB moved per invocation, for network utilisation' }),
  interferenceSensitivity: number({ min: 0, max: L.scalar, maxWhy: WHY.scalar, default: 1, doc: 'multiplier on the interference slowdown (Darly §3.3: framer 1, ML models ≈ 0.82)' }),
  contention: number({ min: 0, max: L.scalar, maxWhy: WHY.scalar, default: DEFAULT_CONTENTION, source: 'FaaSConf §2.2 calibration', doc: 'contention penalty γ: per-request efficiency 1/(1 + γ·max(0, n − cores))' }),
  scaling: oneOf({ values: ['replicas', 'per-request'], default: 'replicas', doc: 'OpenFaaS-style replicas, or AWS-Lambda-style one instance per request' }),
  replicas: optionalNumber({ int: true, min: 0, max: L.replicas, maxWhy: WHY.replicas, doc: 'initial replicas, or prewarmed instances; default 1 (replicas), 0 (per-request)' }),
  cpuMilli: optionalNumber({ gt: 0, max: L.scalar, maxWhy: WHY.scalar, doc: 'CPU limit per replica/instance (CFS quota), millicores; default 1000' }),
  memoryMb: number({ gt: 0, max: L.scalar, maxWhy: WHY.scalar, default: 512, doc: 'memory limit per replica/instance, MB' }),
  cpuPerMemoryMb: optionalNumber({ gt: 0, max: L.scalar, maxWhy: WHY.scalar, source: 'AWS Lambda: 1769', doc: 'Lambda-style CPU from memory: `cpuMilli = max(1, round(1000·memoryMb / cpuPerMemoryMb))`; not together with `cpuMilli`' }),
  maxInflight: optionalNumber({ int: true, min: 0, max: L.users, maxWhy: WHY.users, doc: 'OpenFaaS watchdog `max_inflight` per replica, 0 = unlimited (the default); per-request mode: at most 1, always resolved to 1' }),
  overflow: oneOf({ values: ['queue', 'reject'], default: 'queue', doc: "over `maxInflight`: wait in the function's FIFO queue, or HTTP 429" }),
  keepAlive: described(z.number({ error: KEEP_ALIVE }).min(0, { error: KEEP_ALIVE }).max(L.duration, { error: KEEP_ALIVE }).nullable().optional(), {
    doc: 'idle seconds before an instance expires (per-request) or the function scales to zero (replicas); `null` = never; default 600 (per-request), `null` (replicas)',
    expected: KEEP_ALIVE, kind: 'number \\| null', range: `[0, ${L.duration}]`,
  }),
  scaleFromZero: boolean({ default: true, doc: 'replicas mode: start a replica when a request finds none' }),
  scaleOutBurst: described(z.union([z.literal(Infinity), z.number({ error: BURST }).int({ error: BURST }).min(1, { error: BURST }).max(L.replicas, { error: BURST })], { error: BURST }).optional(), {
    doc: 'per-request scale-out token bucket (as AWS Lambda documents it): instances that may start at once; default `.inf`',
    maxWhy: WHY.replicas, expected: BURST, kind: 'integer \\| `.inf`', range: `[1, ${L.replicas}]`,
  }),
  scaleOutRate: described(z.union([z.literal(Infinity), z.number({ error: `a number in (0, ${L.replicas}]` }).gt(0, { error: `a number in (0, ${L.replicas}]` }).max(L.replicas, { error: `a number in (0, ${L.replicas}]` })], { error: `a number in (0, ${L.replicas}]` }).optional(), {
    doc: 'new instances per second once the burst is used; default `.inf`', maxWhy: WHY.replicas, expected: `a number in (0, ${L.replicas}]`, kind: 'number \\| `.inf`', range: `(0, ${L.replicas}]`,
  }),
  nodeSelector: described(SELECTOR.schema.nullable().optional(), { doc: 'names of the nodes allowed; default any node', expected: SELECTOR.expected, kind: 'string[] \\| null', range: SELECTOR.size }),
  dispatch: oneOf({ values: ['fleet', 'invoker'], default: 'fleet', doc: 'per-request mode: instances from an elastic pool (AWS Lambda), or OpenWhisk-style invokers (one node per invocation, warm containers in its `functionMemoryMb`)' }),
  scheduler: described(z.enum(['hash', 'external'], { error: 'one of "hash", "external"' }).optional(), {
    doc: "invoker choice with `dispatch: invoker`: OpenWhisk's hashing load balancer, or an external decision (`DecisionControl.route`); default `hash`",
    expected: 'one of "hash", "external"', kind: '`hash` \\| `external`', range: '',
  }),
}).superRefine((f, ctx) => {
  const issue = (key: string, message: string): void => ctx.addIssue({ code: 'custom', path: [key], message });
  const perRequest = f.scaling === 'per-request';
  if (f.cpuPerMemoryMb !== undefined && f.cpuMilli !== undefined) {
    issue('cpuPerMemoryMb', 'expected no cpuPerMemoryMb beside cpuMilli (cpuPerMemoryMb derives cpuMilli from memoryMb: set one of them)');
  }
  if (perRequest && f.maxInflight !== undefined && f.maxInflight > 1) {
    issue('maxInflight', 'expected 0 or 1 with scaling "per-request" (one request per instance; use scaling "replicas" for concurrent requests per instance)');
  }
  if (f.dispatch === 'invoker' && !perRequest) issue('dispatch', 'expected "fleet" with scaling "replicas" ("invoker" needs scaling "per-request": one invocation per container, as OpenWhisk)');
  if (f.scheduler !== undefined && f.dispatch !== 'invoker') issue('scheduler', 'expected no scheduler without dispatch "invoker" (it chooses the invoker)');
  const sel = f.nodeSelector;
  if (sel && sel.some((n, i) => sel.indexOf(n) !== i)) issue('nodeSelector', 'expected distinct node names');
});

// ---------------------------------------------------------------- workflows

const STAGE_EXPECTED = 'a non-empty string or {id?, fn, parallelism?}';
const STAGE_OBJECT = options({
  id: described(str().optional(), { doc: 'unique in the workflow (give stages that run the same function distinct ids); default `fn`', expected: NON_EMPTY, kind: 'string', range: '' }),
  fn: requiredString('the function the stage runs'),
  parallelism: integer({ min: 1, max: L.parallelism, maxWhy: 'every parallel invocation is simulated', default: 1, doc: 'invocations of the stage per request (inter-function parallelism); the work is split evenly' }),
});
const STAGES = list(z.union([str(STAGE_EXPECTED), STAGE_OBJECT], { error: STAGE_EXPECTED }), true);
const EDGE = 'a pair [from, to] of stage ids';
const EDGES = list(z.tuple([str(), str()], { error: EDGE }), false);
const BRANCH = options({
  from: requiredString('the stage whose completion fires the branch'),
  to: list(str(), true).schema,
  probs: list(unit('probability of the target'), true).schema,
}).superRefine((b, ctx) => {
  if (b.to.some((t, j) => b.to.indexOf(t) !== j)) ctx.addIssue({ code: 'custom', path: ['to'], message: 'expected distinct stage ids' });
  if (b.probs.length !== b.to.length) ctx.addIssue({ code: 'custom', path: ['probs'], message: `expected one probability per target (${b.to.length})` });
  else {
    const sum = b.probs.reduce((a, c) => a + c, 0);
    if (Math.abs(sum - 1) > BRANCH_PROB_TOLERANCE) ctx.addIssue({ code: 'custom', path: ['probs'], message: `expected probabilities summing to 1 (±${BRANCH_PROB_TOLERANCE}; these sum to ${sum})` });
  }
});
const BRANCHES = list(BRANCH, false);

export const WORKFLOW_SCHEMA = options({
  name: requiredString('unique across nodes, functions and workflows'),
  stages: described(STAGES.schema, { doc: 'a function name, or `{id?, fn, parallelism?}` (see the stage table)', expected: STAGES.expected, kind: '(string \\| stage)[]', range: STAGES.size }),
  edges: described(EDGES.schema.optional(), { doc: '`[from, to]` stage ids: every edge out of a completed stage fires (sequence, fan-out); several incoming make a join; default none', expected: EDGES.expected, kind: '[string, string][]', range: EDGES.size }),
  branches: described(BRANCHES.schema.optional(), { doc: '`{from, to: […], probs: […]}`: exactly one target fires, with `probs` (one per target, summing to 1 ± 1e-9); default none', expected: BRANCHES.expected, kind: 'branch[]', range: BRANCHES.size }),
  requestScale: dist('multiplier on the work of every stage, drawn once per request (e.g. frames per video); default 1'),
  gated: boolean({ default: false, doc: 'pause at every ready stage for a `stage` decision (StepConf), and report each stage' }),
});

/** The fields of a stage written as an object (a bare string is `{fn}`). */
export const STAGE_SCHEMA = STAGE_OBJECT;

// ---------------------------------------------------------------- loads

const target = () => requiredString('the workflow or function the load sends requests to');
const kind = <K extends string>(k: K) => described(z.literal(k), { doc: 'the kind of load', expected: JSON.stringify(k), kind: `\`${k}\``, range: '' });
const rate = (doc: string, positive: boolean) => requiredNumber({ ...(positive ? { gt: 0 } : { min: 0 }), max: L.rate, maxWhy: WHY.rate, doc });
const seconds = (doc: string) => requiredNumber({ gt: 0, max: L.duration, maxWhy: WHY.duration, doc });

export const LOAD_SCHEMAS = {
  poisson: options({ kind: kind('poisson'), target: target(), rate: rate('Poisson arrivals per second', true) }),
  constant: options({ kind: kind('constant'), target: target(), rate: rate('deterministic arrivals per second, one every 1/rate s (first at 1/rate)', true) }),
  ramp: options({
    kind: kind('ramp'), target: target(),
    from: rate('Poisson rate at time 0, per second', false),
    to: rate('rate reached after `duration`, then kept', false),
    duration: seconds('seconds of the linear ramp'),
  }),
  diurnal: options({
    kind: kind('diurnal'), target: target(),
    mean: rate('mean Poisson rate per second: rate = mean + amplitude·sin(2π·t/period + phase)', false),
    amplitude: rate('amplitude of the rate, at most `mean`', false),
    period: seconds('seconds of one period'),
    phase: optionalNumber({ min: -L.duration, max: L.duration, maxWhy: WHY.duration, doc: 'phase, radians; default 0' }),
  }).superRefine((d, ctx) => {
    if (d.amplitude > d.mean) ctx.addIssue({ code: 'custom', path: ['amplitude'], message: `expected a number <= mean (${d.mean}) so that the rate stays >= 0` });
  }),
  burst: options({
    kind: kind('burst'), target: target(),
    base: rate('Poisson rate outside bursts, per second', false),
    peak: rate('Poisson rate during `[offset + k·every, offset + k·every + duration)`', false),
    every: seconds('seconds between burst starts'),
    duration: seconds('seconds of one burst, at most `every`'),
    offset: optionalNumber({ min: 0, max: L.duration, maxWhy: WHY.duration, doc: 'start of the first burst, seconds; default 0' }),
  }).superRefine((b, ctx) => {
    if (b.duration > b.every) ctx.addIssue({ code: 'custom', path: ['duration'], message: `expected a number <= every (${b.every})` });
  }),
  trace: options({
    kind: kind('trace'), target: target(),
    counts: described(list(requiredNumber({ int: true, min: 0, max: MAX_TRACE_COUNT, doc: 'invocations in the minute' }), true, L.traceMinutes).schema.optional(), {
      doc: 'per-minute invocation counts (or `file`)', maxWhy: `about two years of minutes; a minute's count ≤ ${MAX_TRACE_COUNT} (the replay allocates a buffer of the largest minute)`,
      expected: `an array of 1 to ${L.traceMinutes} items`, kind: 'integer[]', range: `1 to ${L.traceMinutes} × [0, ${MAX_TRACE_COUNT}]`,
    }),
    file: described(str().optional(), {
      doc: "CSV in the Azure Functions 2019 schema (`HashOwner,HashApp,HashFunction,Trigger,1,…,1440`), relative to the scenario file and inside its directory (or `counts`)",
      expected: NON_EMPTY, kind: 'string', range: '',
    }),
    row: optionalNumber({ int: true, min: 0, max: L.count, doc: 'the line of `file` to replay (not with `counts`); default 0' }),
    secondsPerMinute: optionalNumber({ gt: 0, max: 3600, maxWhy: 'an hour per trace minute', doc: 'simulated seconds per trace minute; < 60 compresses time; default 60' }),
    startMinute: optionalNumber({ int: true, min: 0, max: L.traceMinutes, doc: 'first minute replayed; default 0' }),
  }).superRefine((t, ctx) => {
    if ((t.counts === undefined) === (t.file === undefined)) {
      ctx.addIssue({ code: 'custom', path: [], message: 'expected exactly one of counts (per-minute invocation counts) or file (an Azure Functions trace)' });
    } else if (t.counts !== undefined && t.row !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['row'], message: 'expected no row with counts (row selects a line of a trace file)' });
    } else if (t.counts !== undefined && t.startMinute !== undefined && t.startMinute >= t.counts.length) {
      ctx.addIssue({ code: 'custom', path: ['startMinute'], message: `expected an integer < the number of counts (${t.counts.length})` });
    }
  }),
  closed: options({
    kind: kind('closed'), target: target(),
    users: requiredNumber({ int: true, min: 1, max: L.users, maxWhy: WHY.users, doc: 'users, each sending a request, waiting for it, thinking, and repeating (Locust-style)' }),
    spawnRate: optionalNumber({ gt: 0, max: L.rate, maxWhy: WHY.rate, doc: 'users started per second; default all at once' }),
    think: dist('think time between a user\'s requests, seconds (default 0)'),
  }),
} as const;

const LOAD = z.discriminatedUnion('kind', Object.values(LOAD_SCHEMAS) as unknown as [typeof LOAD_SCHEMAS.poisson, typeof LOAD_SCHEMAS.constant, typeof LOAD_SCHEMAS.ramp, typeof LOAD_SCHEMAS.diurnal, typeof LOAD_SCHEMAS.burst, typeof LOAD_SCHEMAS.trace, typeof LOAD_SCHEMAS.closed], {
  error: `one of ${Object.keys(LOAD_SCHEMAS).map((k) => JSON.stringify(k)).join(', ')}`,
});

// ---------------------------------------------------------------- the file

const NODES = list(NODE_SCHEMA, true);
const FUNCTIONS = list(FUNCTION_SCHEMA, true);
const WORKFLOWS = list(WORKFLOW_SCHEMA, false);
const LOADS = list(LOAD, false);

export const SCENARIO_SCHEMA = options({
  name: described(str().optional(), { doc: 'reported as `scenario`; default the file name without its extension (`"scenario"` in code)', expected: NON_EMPTY, kind: 'string', range: '' }),
  seed: integer({ min: 0, max: Number.MAX_SAFE_INTEGER, default: 0, doc: 'every random draw flows from it; same seed → identical run' }),
  duration: requiredNumber({ gt: 0, max: L.duration, maxWhy: WHY.duration, doc: 'simulated seconds measured by `faasgym sim` / `runScenario`' }),
  warmup: number({ min: 0, max: L.duration, maxWhy: WHY.duration, default: 0, doc: 'simulated seconds run first and discarded' }),
  nodes: described(NODES.schema, { doc: 'see [Nodes](#nodes)', expected: NODES.expected, kind: 'node[]', range: NODES.size }),
  functions: described(FUNCTIONS.schema, { doc: 'see [Functions](#functions)', expected: FUNCTIONS.expected, kind: 'function[]', range: FUNCTIONS.size }),
  workflows: described(WORKFLOWS.schema.optional(), { doc: 'see [Workflows](#workflows); default none', expected: WORKFLOWS.expected, kind: 'workflow[]', range: WORKFLOWS.size }),
  loads: described(LOADS.schema, { doc: 'see [Loads](#loads); each targets a workflow or a function', expected: LOADS.expected, kind: 'load[]', range: LOADS.size }),
});

/** A scenario as parsed by `SCENARIO_SCHEMA`: structure checked, static defaults applied. */
export type ParsedScenario = z.output<typeof SCENARIO_SCHEMA>;
export type ParsedFunction = ParsedScenario['functions'][number];
export type ParsedWorkflow = z.output<typeof WORKFLOW_SCHEMA>;
export type ParsedLoad = ParsedScenario['loads'][number];
export type DistField = z.output<typeof DIST>;

/** `ScenarioSpec` (spec.ts, what presets are typed as) is a valid input of the schema: a compile-time check that the two agree. */
export type SpecFitsSchema = ScenarioSpec extends z.input<typeof SCENARIO_SCHEMA> ? true : never;
const specFitsSchema: SpecFitsSchema = true;
void specFitsSchema;
