/**
 * Configuration of `FaaSRank-v0`: the schema (one line of doc and a default
 * per field, rendered into docs/envs/faasrank.md by `schemaTable`) and the
 * cross-field checks `parseConfig` cannot express.
 */
import { ConfigError, quote } from '../../src/core/errors.js';
import { FAASRANK_TABLE3, type FaasrankWorkloadName } from '../../src/workloads/presets/faasrank.js';
import { parseBackend, type BackendConfig } from '../common/backend.js';
import { boolean, integer, number, numbers, object, oneOf, options, parseConfig, type ConfigOf } from '../common/config.js';

export const FAASRANK_ID = 'FaaSRank-v0';

/** The Table III workloads, in the table's order. */
export const FAASRANK_WORKLOADS = Object.keys(FAASRANK_TABLE3) as FaasrankWorkloadName[];

/** The multi-workload set of §VI-D (M1–M10), drawn from by `workload: 'multi'`. */
export const MULTI_WORKLOADS = FAASRANK_WORKLOADS.filter((w) => w.startsWith('M'));

/** Largest cluster the configuration accepts (invokers and padding). */
const MAX_CLUSTER = 1024;
const CLUSTER_WHY = 'the observation holds a row per invoker: 1024 rows is 100× the paper\'s cluster';

export const FAASRANK_SCHEMA = options({
  backend: object({ default: null, doc: 'cluster backend: `null` = the simulator, or `{kind, ...}` of a backend that offers `DecisionControl` (envs/common/backend.ts); one without it is refused at reset' }),
  workload: oneOf({ default: 'SC', values: [...FAASRANK_WORKLOADS, 'multi'] as unknown as readonly [FaasrankWorkloadName | 'multi', ...(FaasrankWorkloadName | 'multi')[]],
    doc: 'Table III workload (003 §VI-B): SC, SA or M1–M10, replayed with one trace minute per second; `multi` draws one of M1–M10 per episode (the multi-workload training of §VI-D)', }),
  cluster: oneOf({ default: 'auto', values: ['auto', 'aws', 'canada'] as const,
    doc: 'invoker machines (src/workloads/presets/faasrank.ts): `aws` c5d.2xlarge (speed 1), `canada` Compute Canada VMs (speed 0.7); `auto` = `canada` for SC (the workload built for that cluster), `aws` otherwise', }),
  traceSeed: integer({ default: 0, min: 0, max: 2 ** 31 - 1, maxWhy: 'a 31-bit seed', doc: 'seed of the synthetic Azure-schema traces the workload is shaped from: the invocation counts per trace minute are the same every episode (the paper trains 1000 episodes on one workload); the arrival times within each minute vary with the episode' }),
  resampleTrace: boolean({ default: false, doc: 'draw new synthetic traces every episode (seeded from the environment\'s generator) instead of using `traceSeed`' }),
  traceFraction: number({ default: 1, gt: 0, max: 1, doc: 'replay only the first ⌈fraction · length⌉ trace minutes of the workload (extended until they hold an invocation): shorter episodes for tests and quick runs' }),
  timeScale: number({ default: 1, gt: 0, max: 60, maxWhy: 'one trace minute per replayed minute: real time', doc: 'seconds of replay per trace minute: 1 = the paper\'s minutes-as-seconds (§VI-B); below 1 compresses the workload (more intense), above 1 stretches it' }),
  invokers: integer({ default: 10, min: 1, max: MAX_CLUSTER, maxWhy: CLUSTER_WHY, source: 'FaaSRank §VI-B', doc: 'invokers of every episode (003 §VI-B: 10 VMs of 8 vCPUs with 2 GB of function memory); ignored when `invokerRange` is set' }),
  invokerRange: numbers({ default: [], min: 1, max: MAX_CLUSTER, int: true, minLength: 0, maxLength: 2, maxWhy: CLUSTER_WHY, doc: '`[min, max]`: draw the invoker count of each episode uniformly from min..max, so invokers join and leave between episodes (§III-A challenge 2); `[]` = always `invokers`' }),
  maxInvokers: integer({ default: 16, min: 1, max: MAX_CLUSTER, maxWhy: CLUSTER_WHY, doc: 'padded cluster size: rows of the observation\'s invoker matrix, entries of its mask and actions of `Discrete(maxInvokers)`; must be at least the largest invoker count' }),
});

export type FaaSRankConfig = Partial<ConfigOf<typeof FAASRANK_SCHEMA>>;

/** The validated configuration, with the invoker count range resolved. */
export interface FaaSRankSettings {
  backend: BackendConfig;
  workload: FaasrankWorkloadName | 'multi';
  cluster: 'auto' | 'aws' | 'canada';
  traceSeed: number;
  resampleTrace: boolean;
  traceFraction: number;
  timeScale: number;
  /** Fewest and most invokers of an episode (equal unless `invokerRange` is set). */
  minInvokers: number;
  maxClusterInvokers: number;
  maxInvokers: number;
}

/** Validate a config (unknown keys, types, ranges, invoker counts against `maxInvokers`); throws `ConfigError` naming the field. */
export function parseFaasrankConfig(input: unknown): FaaSRankSettings {
  const c = parseConfig(FAASRANK_ID, input, FAASRANK_SCHEMA);
  const backend = parseBackend(FAASRANK_ID, c.backend);
  let lo = c.invokers, hi = c.invokers;
  if (c.invokerRange.length > 0) {
    const [a, b] = c.invokerRange as [number, number];
    if (c.invokerRange.length !== 2 || a > b) {
      throw new ConfigError(`${FAASRANK_ID}: config.invokerRange: expected [] or [min, max] with integers 1 <= min <= max, got ${quote(c.invokerRange)}`);
    }
    lo = a;
    hi = b;
  }
  if (hi > c.maxInvokers) {
    const field = c.invokerRange.length > 0 ? `invokerRange ${quote(c.invokerRange)}` : `invokers (${hi})`;
    throw new ConfigError(`${FAASRANK_ID}: config.maxInvokers: expected at least the largest invoker count, ${field}, got ${c.maxInvokers}`);
  }
  return {
    backend,
    workload: c.workload as FaasrankWorkloadName | 'multi',
    cluster: c.cluster as 'auto' | 'aws' | 'canada',
    traceSeed: c.traceSeed,
    resampleTrace: c.resampleTrace,
    traceFraction: c.traceFraction,
    timeScale: c.timeScale,
    minInvokers: lo,
    maxClusterInvokers: hi,
    maxInvokers: c.maxInvokers,
  };
}
