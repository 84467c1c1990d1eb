/**
 * The simulated cluster of one FaaSRank episode: Table II functions routed by
 * an external scheduler (`dispatch: 'invoker'`, `scheduler: 'external'`), N
 * invokers of the §VI-B machines, and the loads of a Table III workload.
 * Resolved scenarios are cached per (workload, invokers, trace); an episode
 * only changes the seed.
 */
import { overrideScenario, resolveScenario } from '../../src/cluster/sim/scenario.js';
import type { LoadSpec, ResolvedScenario, SimFunctionSpec, SimNodeSpec } from '../../src/cluster/sim/spec.js';
import { ConfigError, quote } from '../../src/core/errors.js';
import { FAASRANK_TABLE2, FAASRANK_TABLE3, faasrankFunctions, faasrankLoads, faasrankNodes, faasrankWorkScale, type FaasrankWorkloadName } from '../../src/workloads/presets/faasrank.js';
import { FAASRANK_ID } from './config.js';

/** The Table II functions, in table order (the order of the observation's one-hot). */
export const FAASRANK_FUNCTIONS: readonly string[] = Object.freeze(FAASRANK_TABLE2.map((r) => r.name));

/** The Table II functions, routed by the environment, with every invocation's work × `workScale`. */
function routedFunctions(workScale: number): SimFunctionSpec[] {
  return faasrankFunctions(workScale).map((f) => ({ ...f, dispatch: 'invoker', scheduler: 'external' }));
}

/** What varies between episodes. */
export interface EpisodePlan {
  workload: FaasrankWorkloadName;
  cluster: 'aws' | 'canada';
  invokers: number;
  traceSeed: number;
  traceFraction: number;
  /** Seconds of replay per trace minute. */
  timeScale: number;
  /** Seed of the simulator (arrival times within each second, everything else random). */
  seed: number;
}

/** `invoker-0` … `invoker-{n−1}`, each a copy of the preset's invoker (8 vCPUs, 2048 MB of function memory). */
export function invokerNodes(cluster: 'aws' | 'canada', n: number): SimNodeSpec[] {
  const template = faasrankNodes(cluster)[0] as SimNodeSpec;
  return Array.from({ length: n }, (_, i) => ({ ...template, name: `invoker-${i}` }));
}

/**
 * The workload's loads cut to its first ⌈fraction · length⌉ trace minutes,
 * extended minute by minute until they hold at least one invocation, and
 * replayed with `timeScale` seconds per minute (1: the paper's
 * minutes-as-seconds). Returns the loads, their length in seconds and the
 * work multiplier that makes the whole workload ask for Table III's
 * aggregated CPU time (`faasrankWorkScale`, from the uncut loads).
 */
export function workloadLoads(workload: FaasrankWorkloadName, traceSeed: number, fraction: number, timeScale = 1): { loads: LoadSpec[]; seconds: number; workScale: number } {
  const full = faasrankLoads(workload, { seed: traceSeed });
  const length = FAASRANK_TABLE3[workload].lengthSeconds; // trace minutes (replayed as seconds in the paper)
  const countsOf = (l: LoadSpec): number[] => (l as { counts: number[] }).counts;
  const total = (k: number): number => full.reduce((a, l) => a + countsOf(l).slice(0, k).reduce((x, y) => x + y, 0), 0);
  let minutes = Math.min(length, Math.max(1, Math.ceil(fraction * length - 1e-9)));
  while (minutes < length && total(minutes) === 0) minutes++;
  if (total(minutes) === 0) throw new ConfigError(`${FAASRANK_ID}: workload ${quote(workload)} with traceSeed ${traceSeed} holds no invocation`);
  const loads = full.map((l) => ({ ...l, counts: countsOf(l).slice(0, minutes), secondsPerMinute: timeScale }) as LoadSpec);
  return { loads, seconds: minutes * timeScale, workScale: faasrankWorkScale(workload, full) };
}

/** Builds (and caches) the resolved scenario of an episode. */
export class ScenarioCache {
  private readonly cache = new Map<string, ResolvedScenario>();

  scenario(plan: EpisodePlan, cacheable: boolean): ResolvedScenario {
    const key = `${plan.workload}/${plan.cluster}/${plan.invokers}/${plan.traceSeed}/${plan.traceFraction}/${plan.timeScale}`;
    let base = cacheable ? this.cache.get(key) : undefined;
    if (base === undefined) {
      const { loads, seconds, workScale } = workloadLoads(plan.workload, plan.traceSeed, plan.traceFraction, plan.timeScale);
      base = resolveScenario({
        name: `${FAASRANK_ID}-${plan.workload}`,
        seed: 0,
        duration: seconds,
        nodes: invokerNodes(plan.cluster, plan.invokers),
        functions: routedFunctions(workScale),
        loads,
      });
      if (cacheable) this.cache.set(key, base);
    }
    return overrideScenario(base, { seed: plan.seed });
  }
}
