/**
 * What the FaaSRank routing baselines (003 §VI-A) read off a `FaaSRank-v0`
 * observation. `evaluate()` hands an agent nothing but observations, so the
 * policies decode the invoker rows (envs/faasrank/features.ts) back into
 * counts instead of reading `info.invokers`; on the simulator the decoding is
 * exact (tests check it against `info.invokers`):
 *
 * | decoded | from feature | how |
 * |---|---|---|
 * | inflight | `inflight` = running / slots | × slots, rounded |
 * | queued | `queued` = q / (q + slots) | slots · x / (1 − x), rounded |
 * | warm, containers | `warm`, `containers` (of the arriving function) / slots | × slots, rounded |
 * | free memory | `memoryFree` = free / function memory | × invoker memory |
 * | the arriving function | the one-hot of the function part | Table II row → name, memory |
 *
 * `slots` (256 MB each) per invoker is not in the observation: it is the
 * invoker's function memory / 256 MB, 2048 / 256 = 8 on both §VI-B clusters
 * (the only invokers FaaSRank-v0 builds); the agents' `slotsPerInvoker`
 * option overrides it for other backends.
 *
 * *Room* for an invocation (OpenWhisk's ShardingContainerPoolBalancer, the
 * simulator's `InvokerRouter.hasRoom`): an idle warm container of the function, or
 * enough memory once idle containers are evicted. The observation does not
 * carry the memory of the running containers, so a running invocation counts
 * as one slot (256 MB, the smallest Table II container) and an invoker with a
 * queue has none: room ⇔ warm > 0, or free memory ≥ the function's memory,
 * or (nothing queued and memory − running × 256 MB ≥ the function's memory).
 */
import { FAASRANK_FUNCTIONS } from '../../envs/faasrank/scenario.js';
import { FEATURES_PER_INVOKER, INVOKER_FEATURE, SLOT_MB, type FaasrankLayout } from '../../envs/faasrank/features.js';
import type { FaaSRankEnv } from '../../envs/faasrank/faasrank-env.js';
import type { InvokerState } from '../../src/cluster/types.js';
import type { AnyEnv } from '../../src/core/env.js';
import { ConfigError, quote } from '../../src/core/errors.js';
import { FAASRANK_TABLE2, faasrankNodes } from '../../src/workloads/presets/faasrank.js';
import { optionalNumber, options, type z } from '../../src/core/schema.js';
import { BaselineAgent, familyOf, refuseUnless } from './common.js';

/** One valid invoker as the observation shows it. */
export interface InvokerView {
  /** Its action index. */
  index: number;
  /** Busy cores / cores, [0, 1]. */
  cpuUtil: number;
  /** The squashed 60 s load average per slot, [0, 1). */
  loadAvg: number;
  /** Free function memory / function memory, [0, 1]. */
  memoryFree: number;
  memoryMb: number;
  freeMb: number;
  inflight: number;
  queued: number;
  /** Idle warm containers of the arriving function, and all its containers there. */
  warm: number;
  containers: number;
}

export interface FaasrankView {
  /** The valid invokers (mask 1), in action order. */
  invokers: InvokerView[];
  /** Index of the arriving function in Table II (−1 when the observation names none). */
  fnIndex: number;
  fn: string | null;
  fnMemoryMb: number;
  slots: number;
  /** True for an empty cluster: nothing in flight, no containers, no load — the first observation of an episode. */
  fresh: boolean;
}

/** Function memory of one invoker of the env's cluster, MB (2048 on both §VI-B clusters). */
export function invokerMemoryMb(env: FaaSRankEnv): number {
  const c = env.settings.cluster;
  const clusters: ('aws' | 'canada')[] = c === 'auto' ? ['aws', 'canada'] : [c];
  return Math.min(...clusters.map((k) => (faasrankNodes(k)[0] as { memoryMb: number }).memoryMb));
}

/** The routing baselines' options: type, bounds, default and its source per field. */
export const ROUTING_SCHEMA = options({
  slotsPerInvoker: optionalNumber({ int: true, min: 1, max: 1_000_000, maxWhy: 'slots of one invoker: a million 256 MB slots is 256 TB', doc: 'function slots of one invoker (its function memory / 256 MB); default: the env\'s invokers (8 = 2048 MB / 256 MB on both §VI-B clusters)', source: 'FaaSRank §VI-B' }),
});

/** The `slotsPerInvoker` of `o`, else the env's invokers' function memory in 256 MB slots. */
function slotsOf(o: z.output<typeof ROUTING_SCHEMA>, env: FaaSRankEnv): number {
  return o.slotsPerInvoker ?? Math.max(1, Math.floor(invokerMemoryMb(env) / SLOT_MB));
}

/** Decode an observation (`layout` = `env.layout`). */
export function decodeFaasrank(obs: unknown, layout: FaasrankLayout, slots: number): FaasrankView {
  if (!Array.isArray(obs) && !ArrayBuffer.isView(obs)) throw new ConfigError(`FaaSRank baseline: expected the FaaSRank-v0 observation vector, got ${quote(obs)}`);
  const o = obs as ArrayLike<number>;
  if (o.length !== layout.size) throw new ConfigError(`FaaSRank baseline: observation has ${o.length} values, the layout ${layout.size}`);
  const F = FEATURES_PER_INVOKER, I = INVOKER_FEATURE;
  const memoryMb = slots * SLOT_MB;
  const invokers: InvokerView[] = [];
  let fresh = true;
  for (let i = 0; i < layout.maxInvokers; i++) {
    if (o[layout.maskOffset + i] !== 1) continue;
    const row = i * F;
    const q = o[row + I.queued] as number;
    const v: InvokerView = {
      index: i,
      cpuUtil: o[row + I.cpuUtil] as number,
      loadAvg: o[row + I.loadAvg] as number,
      memoryFree: o[row + I.memoryFree] as number,
      memoryMb,
      freeMb: (o[row + I.memoryFree] as number) * memoryMb,
      inflight: Math.round((o[row + I.inflight] as number) * slots),
      queued: q >= 1 ? Infinity : Math.round((slots * q) / (1 - q)),
      warm: Math.round((o[row + I.warm] as number) * slots),
      containers: Math.round((o[row + I.containers] as number) * slots),
    };
    if (v.inflight > 0 || v.queued > 0 || v.containers > 0 || v.loadAvg > 0 || v.cpuUtil > 0 || v.memoryFree < 1) fresh = false;
    invokers.push(v);
  }
  if (invokers.length === 0) throw new ConfigError('FaaSRank baseline: the observation\'s mask has no valid invoker');
  let fnIndex = -1;
  for (let k = 0; k < FAASRANK_TABLE2.length; k++) if (o[layout.functionOffset + 2 + k] === 1) fnIndex = k;
  const row = fnIndex >= 0 ? FAASRANK_TABLE2[fnIndex] : undefined;
  return { invokers, fnIndex, fn: fnIndex >= 0 ? (FAASRANK_FUNCTIONS[fnIndex] as string) : null, fnMemoryMb: row?.memoryMb ?? SLOT_MB, slots, fresh };
}

/** The decoded invokers as the cluster's `InvokerState`s (for `envs/faasrank/policies.ts`). */
export function asInvokerStates(view: FaasrankView): InvokerState[] {
  return view.invokers.map((v) => ({
    node: `invoker-${v.index}`, cores: 0, busyCores: 0, memoryMb: v.memoryMb, memoryFreeMb: v.freeMb,
    inflight: v.inflight, queued: v.queued, warm: v.warm, containers: v.containers,
  }));
}

/** In flight + queued: the load balancer's count of activations sent and not finished. */
export function connections(v: InvokerView): number {
  return v.inflight + v.queued;
}

/** Room for one more invocation of a function of `fnMemoryMb` (see the module comment). */
export function hasRoom(v: InvokerView, fnMemoryMb: number): boolean {
  if (v.warm > 0) return true;
  if (v.freeMb + 1e-6 >= fnMemoryMb) return true;
  return v.queued === 0 && v.memoryMb - v.inflight * SLOT_MB >= fnMemoryMb;
}

/**
 * OpenWhisk's hash (`fnv1a`) and probe sequence (`probeOrder`: the home
 * invoker, then a co-prime step) are the simulator's own, so the baseline
 * probes exactly as the simulated balancer does.
 */
export { fnv1a, probeOrder } from '../../src/cluster/sim/invokers.js';

// ================================================================ ROUTING AGENTS

/** A FaaSRank routing baseline: decodes each observation and picks a valid invoker. */
export abstract class RoutingAgent extends BaselineAgent {
  protected readonly layout: FaasrankLayout;
  protected readonly slots: number;

  constructor(name: string, env: AnyEnv, hyperparameters: Record<string, unknown> & { slotsPerInvoker: number }, seed: number) {
    super(name, env, hyperparameters, seed);
    this.layout = (familyOf(env).env as FaaSRankEnv).layout;
    this.slots = hyperparameters.slotsPerInvoker;
  }

  async act(obs: unknown): Promise<number> {
    return this.choose(decodeFaasrank(obs, this.layout, this.slots));
  }

  /** The action: a valid invoker's index. */
  protected abstract choose(view: FaasrankView): number;
}

/** `supports` of the routing baselines. */
export function routingSupport(agent: string): (env: AnyEnv) => string | null {
  return (env) => refuseUnless(agent, env, ['faasrank'], 'it routes each arriving function invocation to an invoker');
}

/** The routing baselines' hyperparameters: `slotsPerInvoker`, given or from the env. */
export function routingHyperparameters(o: z.output<typeof ROUTING_SCHEMA>, env: AnyEnv): { slotsPerInvoker: number } {
  return { slotsPerInvoker: slotsOf(o, familyOf(env).env as FaaSRankEnv) };
}
