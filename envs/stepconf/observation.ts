/**
 * What a StepConf agent sees before it configures a step: the step (its job
 * count γ_i and data size, its function class), the request's progress
 * (elapsed time, remaining SLO budget S_i = T_i − τ_i of Algorithm 1 line 3)
 * and the critical-path estimate of the sub-graph G_i that starts at the step
 * (critical-path.ts). Times are relative to the SLO S and clipped, so the
 * vector always lies inside the observation space.
 */
import { Box } from '../../src/spaces/box.js';

/** Largest multiple of the SLO a time feature shows (clipped beyond). */
export const TIME_CLIP = 10;

/** The observation features, in order, with their bounds. */
export const FEATURES = [
  { name: 'jobs', low: 0, high: 1, doc: 'job count γ of the request / the largest of `jobRange`' },
  { name: 'dataSize', low: 0, high: 1, doc: 'MB the step moves (the preset\'s `transferMb` × γ / 100) / the most any step of the workflow moves at the largest γ' },
  { name: 'singleThread', low: 0, high: 1, doc: 'function class one-hot: 1 for single-threaded code (preset `threads` = 1)' },
  { name: 'multiCore', low: 0, high: 1, doc: 'function class one-hot: 1 for multi-core code (preset `threads` > 1)' },
  { name: 'elapsed', low: 0, high: TIME_CLIP, doc: 'time since the request started / S' },
  { name: 'sloRemaining', low: 1 - TIME_CLIP, high: 1, doc: '(S − elapsed) / S, negative once the SLO is blown' },
  { name: 'stepEstimate', low: 0, high: TIME_CLIP, doc: 'expected duration of this step at the reference configuration / S' },
  { name: 'criticalPath', low: 0, high: TIME_CLIP, doc: 'critical-path estimate of the remaining sub-graph from this step (this step included) at the reference configuration / S' },
  { name: 'decided', low: 0, high: 1, doc: 'steps configured before this one / steps of the workflow' },
  { name: 'running', low: 0, high: 1, doc: 'steps configured and not yet completed / steps of the workflow' },
] as const;

export type FeatureName = (typeof FEATURES)[number]['name'];

/** Index of a feature in the observation vector. */
export function featureIndex(name: FeatureName): number {
  return FEATURES.findIndex((f) => f.name === name);
}

export function observationSpace(): Box {
  return new Box({ low: FEATURES.map((f) => f.low), high: FEATURES.map((f) => f.high), dtype: 'float32' });
}

/** Raw (unnormalised) observation inputs. At the end of an episode there is no step: `step` is null. */
export interface ObservationInput {
  jobs: number;
  maxJobs: number;
  sloSeconds: number;
  elapsed: number;
  stepsTotal: number;
  decided: number;
  running: number;
  step: null | {
    dataMb: number;
    maxDataMb: number;
    multiCore: boolean;
    estimate: number;
    criticalPath: number;
  };
}

const clip = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);

/** The observation vector, float32-rounded and clipped to the space. */
export function observe(o: ObservationInput): number[] {
  const s = o.sloSeconds;
  const step = o.step;
  const raw = [
    o.jobs / o.maxJobs,
    step ? (step.maxDataMb > 0 ? step.dataMb / step.maxDataMb : 0) : 0,
    step && !step.multiCore ? 1 : 0,
    step && step.multiCore ? 1 : 0,
    o.elapsed / s,
    (s - o.elapsed) / s,
    step ? step.estimate / s : 0,
    step ? step.criticalPath / s : 0,
    o.decided / o.stepsTotal,
    o.running / o.stepsTotal,
  ];
  return raw.map((v, i) => {
    const f = FEATURES[i] as { low: number; high: number };
    // fround can round past a bound; clip after it too.
    return clip(Math.fround(clip(v, f.low, f.high)), Math.fround(f.low), Math.fround(f.high));
  });
}
