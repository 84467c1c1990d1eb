/**
 * The cluster an Autoscale episode runs on: the vhive online-shop preset at
 * its starting setting on identical xl170-class workers, loaded by open-loop
 * Poisson arrivals of the online-shop workflow, plus the changes that bring a
 * cluster that is already running (a real or twin backend) to that setting.
 */
import { ConfigError } from '../../src/core/errors.js';
import type { ScenarioSpec } from '../../src/cluster/sim/spec.js';
import type { ConfigChange, FunctionState } from '../../src/cluster/types.js';
import { preset } from '../../src/workloads/presets/index.js';
import { AUTOSCALE_FUNCTIONS, AUTOSCALE_WORKFLOW, type AutoscaleSettings } from './config.js';

export function autoscaleScenario(s: AutoscaleSettings, seed: number): ScenarioSpec {
  const shop = preset('vhive-online-shop');
  const node = shop.nodes?.[0];
  if (!node) throw new ConfigError(`${s.id}: the vhive-online-shop preset has no node`);
  return {
    name: s.id,
    seed,
    duration: s.stepSeconds,
    nodes: Array.from({ length: s.nodes }, (_, i) => ({ ...node, name: `${node.name}-${i}` })),
    functions: shop.functions.map((f) => ({ ...f, cpuMilli: s.cpuMilli, replicas: s.replicas, maxInflight: s.maxInflight })),
    // workScale multiplies every stage's work of each request (a constant draws nothing: 1 is the preset as is).
    workflows: s.workScale === 1 ? shop.workflows : shop.workflows?.map((w) => ({ ...w, requestScale: s.workScale })),
    loads: [{ kind: 'poisson', target: AUTOSCALE_WORKFLOW, rate: s.rate }],
  };
}

/** Changes that bring the online-shop functions among `functions` to the starting setting (none on a fresh simulated cluster). */
export function startingChanges(s: AutoscaleSettings, functions: readonly FunctionState[]): ConfigChange[] {
  const changes: ConfigChange[] = [];
  for (const f of functions) {
    if (!AUTOSCALE_FUNCTIONS.includes(f.name)) continue;
    if (f.limits.cpuMilli !== s.cpuMilli) changes.push({ kind: 'resize', fn: f.name, cpuMilli: s.cpuMilli });
    if (f.desiredReplicas !== s.replicas) changes.push({ kind: 'scale', fn: f.name, replicas: s.replicas });
    if (f.maxInflight !== s.maxInflight) changes.push({ kind: 'concurrency', fn: f.name, maxInflight: s.maxInflight });
  }
  return changes;
}
