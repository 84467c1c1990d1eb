/**
 * What an Autoscale action means: per function 0 = down, 1 = keep, 2 = up,
 * moving the CPU limit (vertical) or the replica count (horizontal) by one
 * step and clamping at the bounds. Also reads the current setting back from
 * the cluster, so the observation shows what the cluster actually runs.
 */
import type { ConfigChange, FunctionState } from '../../src/cluster/types.js';
import type { AutoscaleSettings } from './config.js';

export const DOWN = 0;
export const KEEP = 1;
export const UP = 2;

/** The controlled setting of one function: its CPU limit (vertical, millicores) or desired replicas (horizontal). */
export function currentSetting(s: AutoscaleSettings, f: FunctionState): number {
  return s.kind === 'vertical' ? f.limits.cpuMilli : f.desiredReplicas;
}

/** The setting after `action` (0/1/2), clamped to [min, max]. */
export function nextSetting(s: AutoscaleSettings, current: number, action: number): number {
  const wanted = current + (action - KEEP) * s.step;
  return Math.min(s.max, Math.max(s.min, wanted));
}

/** The change that sets function `fn` to `value`. */
export function settingChange(s: AutoscaleSettings, fn: string, value: number): ConfigChange {
  return s.kind === 'vertical' ? { kind: 'resize', fn, cpuMilli: value } : { kind: 'scale', fn, replicas: value };
}

/**
 * The changes for one action vector; `current[i]` is function i's setting.
 * Functions whose setting does not move (keep, or clamped at a bound) get no change.
 */
export function actionChanges(s: AutoscaleSettings, names: readonly string[], current: readonly number[], action: readonly number[]): ConfigChange[] {
  const changes: ConfigChange[] = [];
  names.forEach((fn, i) => {
    const now = current[i] as number;
    const next = nextSetting(s, now, action[i] as number);
    if (next !== now) changes.push(settingChange(s, fn, next));
  });
  return changes;
}

/** CPU a function holds: limit × desired replicas, millicores. */
export function allocatedMilli(f: FunctionState): number {
  return f.limits.cpuMilli * f.desiredReplicas;
}
