/**
 * Configuration of the Autoscale environments: the schemas (one line of doc
 * and a default per field, rendered into docs/envs/autoscale.md by
 * `schemaTable`), the default SLAs, and the cross-field checks `parseConfig`
 * cannot express (min ≤ initial ≤ max).
 */
import { ConfigError, quote } from '../../src/core/errors.js';
import { vhiveNodes, vhiveOnlineShop } from '../../src/workloads/presets/vhive.js';
import { parseBackend, type BackendConfig } from '../common/backend.js';
import { checkOrder, integer, MAX_STEP_SECONDS, number, numbers, object, oneOf, options, parseConfig, STEP_SECONDS_WHY, type ConfigOf } from '../common/config.js';

export const VERTICAL_ID = 'Autoscale-Vertical-v0';
export const HORIZONTAL_ID = 'Autoscale-Horizontal-v0';

export type ScalingKind = 'vertical' | 'horizontal';

/** The 9 online-shop functions, in the order of the action and observation vectors (the preset's order: catalogue first, e-mail last). */
export const AUTOSCALE_FUNCTIONS: readonly string[] = Object.freeze(vhiveOnlineShop.functions.map((f) => f.name));

/** The workflow the load targets. */
export const AUTOSCALE_WORKFLOW = 'online-shop';

/**
 * Default p90 SLA per function, ms: 2.5 × the function's median work in the
 * vhive preset (0.3–1.2 ms of one core), so 0.75–3 ms, around the 1–2 ms p90
 * the paper's vertical scaler converged to (002 §4.1). A request alone on a
 * full core has a p90 of 1.38 × its median work (log-normal σ 0.25), so the
 * SLA leaves 1.8× that for queueing and a CPU limit below one core: every
 * function needs roughly 750–1250 m at the default rate, and a function left
 * at 250 m always violates.
 */
export const DEFAULT_SLA_MS: readonly number[] = Object.freeze(
  vhiveOnlineShop.functions.map((f) => {
    const work = f.work as { median: number };
    return Math.round(2.5 * work.median * 1000 * 100) / 100;
  }),
);

/** Cores of one worker node (the preset's CloudLab xl170). */
export const NODE_CORES = (vhiveNodes[0] as { cores: number }).cores;

/** Largest open-loop rate, requests per second (see `rate`'s `maxWhy`). */
export const MAX_RATE = 10_000;

/** Largest `workScale` (see its `maxWhy`). */
const MAX_WORK_SCALE = 1000;

const common = {
  backend: object({ default: null, doc: 'cluster backend: `null` = the simulator, else `{kind, ...}` with kind `kubernetes` or `twin` (envs/common/backend.ts)' }),
  rate: number({ default: 300, gt: 0, max: MAX_RATE, maxWhy: 'every request calls all 9 functions and the simulator holds each in memory: 10⁴/s is 10⁶ calls in a 10 s step, beyond that a step exhausts the heap', doc: 'open-loop Poisson arrivals of online-shop workflow requests per second (every request calls each function once)' }),
  stepSeconds: number({ default: 10, gt: 0, max: MAX_STEP_SECONDS, maxWhy: STEP_SECONDS_WHY, source: '002 §4.1', doc: 'seconds of cluster time per step (002 §4.1: 10 s steps)' }),
  warmupSeconds: number({ default: 10, min: 0, max: MAX_STEP_SECONDS, maxWhy: STEP_SECONDS_WHY, doc: 'seconds run at reset, discarded, before the window of the first observation (absorbs the cold start of the initial replicas)' }),
  workScale: number({ default: 1, gt: 0, max: MAX_WORK_SCALE, maxWhy: 'the preset\'s slowest call (1.2 ms) becomes 1.2 s of one core: serverless-function scale, beyond it a 10 s window holds too few completions for a p90', doc: 'multiplier on every function\'s per-call work (the vhive preset\'s 0.3–1.2 ms of one core; simulator only); the default `slaMs` scale with it. Longer calls make a few requests/s need several replicas (configs/zoo/dqn.yaml#Autoscale-Horizontal-v0)' }),
  slaMs: numbers({ default: [...DEFAULT_SLA_MS], min: 0.001, max: 60000, maxWhy: 'a p90 above a minute is no latency SLA', length: AUTOSCALE_FUNCTIONS.length, doc: `p90 latency SLA per function, ms, in the order ${AUTOSCALE_FUNCTIONS.join(', ')}; default 2.5 × each function's median work × \`workScale\`` }),
  cpuPenalty: number({ default: 0.25, min: 0, max: 100, maxWhy: 'the SLA term is in [0, 1]: a weight beyond 100 leaves it no say', doc: 'weight of the CPU-allocation penalty: reward −= cpuPenalty · mean over functions of allocated CPU / its maximum' }),
  violation: oneOf({ default: 'any', values: ['any', 'per-function'] as const, doc: '`any`: a step with any function over its SLA is worth −1; `per-function`: the latency term is the mean of each function\'s −1 (over its SLA) or 1 − (p90/SLA)^0.4 (envs/autoscale/reward.ts)' }),
  violationSlope: number({ default: 0, min: 0, max: 10, maxWhy: 'at 10 a function 10× over its SLA costs −91, which drowns every other term of the reward', doc: 'a miss costs more the further it is over: a violating function\'s −1 becomes −1 − violationSlope · (min(p90/SLA, 10) − 1) (the observation\'s latency clip; under `any` the worst function\'s ratio); 0 = every miss −1 (configs/zoo/dqn.yaml#Autoscale-Horizontal-v0)' }),
  maxInflight: integer({ default: 8, min: 0, max: 1000, doc: 'concurrent requests per replica (watchdog max_inflight / Knative containerConcurrency); the excess waits in a FIFO queue. 0 = unlimited, which lets the simulator\'s contention turn a backlog into a collapse' }),
  nodes: integer({ default: 0, min: 0, max: 1000, doc: 'worker nodes (10-core, 64 GB CloudLab xl170, the vhive preset\'s); 0 = just enough for every function at its maximum setting' }),
};

/** Config of `Autoscale-Vertical-v0`: one replica per function, the CPU limit moves in steps. */
export const VERTICAL_SCHEMA = options({
  ...common,
  initialCpuMilli: number({ default: 1000, min: 1, max: NODE_CORES * 1000, maxWhy: 'one node\'s cores', doc: 'CPU limit of every function at reset, millicores (the vhive preset\'s starting configuration)' }),
  minCpuMilli: number({ default: 250, min: 1, max: NODE_CORES * 1000, maxWhy: 'one node\'s cores', doc: 'lowest CPU limit, millicores; "down" stops here' }),
  maxCpuMilli: number({ default: 4000, min: 1, max: NODE_CORES * 1000, doc: 'highest CPU limit, millicores; "up" stops here (at most one node\'s cores)' }),
  cpuStepMilli: number({ default: 250, gt: 0, max: NODE_CORES * 1000, maxWhy: 'one node\'s cores', doc: 'change of the CPU limit per "down"/"up" action, millicores' }),
});

/** Config of `Autoscale-Horizontal-v0`: the CPU limit per replica is fixed, the replica count moves by one. */
export const HORIZONTAL_SCHEMA = options({
  ...common,
  cpuMilli: number({ default: 1000, min: 1, max: NODE_CORES * 1000, doc: 'CPU limit of every replica, millicores (fixed; the vhive preset\'s)' }),
  initialReplicas: integer({ default: 1, min: 1, max: 1000, maxWhy: 'as `maxReplicas`', doc: 'replicas of every function at reset' }),
  minReplicas: integer({ default: 1, min: 1, max: 1000, maxWhy: 'as `maxReplicas`', doc: 'fewest replicas; −1 stops here' }),
  maxReplicas: integer({ default: 10, min: 1, max: 1000, maxWhy: 'the simulator holds every replica of 9 functions: 9000 in all', doc: 'most replicas; +1 stops here' }),
});

export type VerticalConfig = Partial<ConfigOf<typeof VERTICAL_SCHEMA>>;
export type HorizontalConfig = Partial<ConfigOf<typeof HORIZONTAL_SCHEMA>>;

/** What the environment needs, whichever the axis: a setting per function moves between `min` and `max` by `step`. */
export interface AutoscaleSettings {
  id: string;
  kind: ScalingKind;
  backend: BackendConfig;
  rate: number;
  stepSeconds: number;
  warmupSeconds: number;
  /** Multiplier on every function's per-call work (simulator only). */
  workScale: number;
  slaMs: number[];
  cpuPenalty: number;
  violation: 'any' | 'per-function';
  /** Extra penalty per unit of p90/SLA over 1 on a miss (envs/autoscale/reward.ts). */
  violationSlope: number;
  maxInflight: number;
  /** Worker nodes of the simulated cluster (resolved: never 0). */
  nodes: number;
  /** CPU limit per replica at reset (vertical: initial; horizontal: fixed), millicores. */
  cpuMilli: number;
  /** Replicas per function at reset (vertical: always 1). */
  replicas: number;
  /** The controlled setting: millicores (vertical) or replicas (horizontal). */
  initial: number;
  min: number;
  max: number;
  step: number;
  /** Largest CPU one function can be given (max setting in millicores), for the penalty. */
  maxAllocMilli: number;
}

/** Nodes that hold every function at its maximum setting, packed replica by replica. */
function autoNodes(replicasPerFn: number, replicaMilli: number): number {
  const perNode = Math.floor((NODE_CORES * 1000) / replicaMilli);
  return Math.ceil((AUTOSCALE_FUNCTIONS.length * replicasPerFn) / perNode);
}

export function parseVertical(input: unknown): AutoscaleSettings {
  const c = parseConfig(VERTICAL_ID, input, VERTICAL_SCHEMA);
  checkOrder(VERTICAL_ID, input, ['minCpuMilli', c.minCpuMilli], ['maxCpuMilli', c.maxCpuMilli]);
  checkOrder(VERTICAL_ID, input, ['minCpuMilli', c.minCpuMilli], ['initialCpuMilli', c.initialCpuMilli]);
  checkOrder(VERTICAL_ID, input, ['initialCpuMilli', c.initialCpuMilli], ['maxCpuMilli', c.maxCpuMilli]);
  return {
    ...shared(VERTICAL_ID, input, c),
    kind: 'vertical',
    nodes: c.nodes || autoNodes(1, c.maxCpuMilli),
    cpuMilli: c.initialCpuMilli,
    replicas: 1,
    initial: c.initialCpuMilli,
    min: c.minCpuMilli,
    max: c.maxCpuMilli,
    step: c.cpuStepMilli,
    maxAllocMilli: c.maxCpuMilli,
  };
}

export function parseHorizontal(input: unknown): AutoscaleSettings {
  const c = parseConfig(HORIZONTAL_ID, input, HORIZONTAL_SCHEMA);
  checkOrder(HORIZONTAL_ID, input, ['minReplicas', c.minReplicas], ['maxReplicas', c.maxReplicas]);
  checkOrder(HORIZONTAL_ID, input, ['minReplicas', c.minReplicas], ['initialReplicas', c.initialReplicas]);
  checkOrder(HORIZONTAL_ID, input, ['initialReplicas', c.initialReplicas], ['maxReplicas', c.maxReplicas]);
  return {
    ...shared(HORIZONTAL_ID, input, c),
    kind: 'horizontal',
    nodes: c.nodes || autoNodes(c.maxReplicas, c.cpuMilli),
    cpuMilli: c.cpuMilli,
    replicas: c.initialReplicas,
    initial: c.initialReplicas,
    min: c.minReplicas,
    max: c.maxReplicas,
    step: 1,
    maxAllocMilli: c.maxReplicas * c.cpuMilli,
  };
}

function hasKey(input: unknown, key: string): boolean {
  return typeof input === 'object' && input !== null && (input as Record<string, unknown>)[key] !== undefined;
}

function shared(id: string, input: unknown, c: ConfigOf<typeof VERTICAL_SCHEMA> | ConfigOf<typeof HORIZONTAL_SCHEMA>): Omit<AutoscaleSettings, 'kind' | 'nodes' | 'cpuMilli' | 'replicas' | 'initial' | 'min' | 'max' | 'step' | 'maxAllocMilli'> {
  const backend = parseBackend(id, c.backend);
  if (backend.kind === 'kubernetes' && c.workScale !== 1) {
    throw new ConfigError(`${id}: config.workScale: expected 1 on a kubernetes backend (it scales the simulated functions' work; a real function's is its own), got ${quote(c.workScale)}`);
  }
  return {
    id,
    backend,
    rate: c.rate,
    stepSeconds: c.stepSeconds,
    warmupSeconds: c.warmupSeconds,
    workScale: c.workScale,
    slaMs: hasKey(input, 'slaMs') ? c.slaMs : DEFAULT_SLA_MS.map((ms) => ms * c.workScale),
    cpuPenalty: c.cpuPenalty,
    violation: c.violation,
    violationSlope: c.violationSlope,
    maxInflight: c.maxInflight,
  };
}
