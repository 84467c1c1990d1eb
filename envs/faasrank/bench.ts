/**
 * Speed of `FaaSRank-v0`: environment steps per wall-clock second under a
 * uniformly random policy over the valid invokers, on the default config (SC
 * workload, 292 invocations per episode, 10 invokers, the simulator), resets
 * included. For `faasgym bench sim --json`; the target is 20,000 steps per
 * second. Measure on compiled code (`npm run build`, then node).
 */
import { performance } from 'node:perf_hooks';
import { ConfigError, quote } from '../../src/core/errors.js';
import { Rng } from '../../src/core/rng.js';
import { FaaSRankEnv } from './faasrank-env.js';
import { randomValid } from './policies.js';

export interface FaasrankBenchResult {
  /** Environment steps taken in the measured time. */
  steps: number;
  wallSeconds: number;
  stepsPerSecond: number;
}

/** Steps per second the target asks for. */
export const FAASRANK_STEPS_TARGET = 20_000;

/** Run random-policy steps for about `seconds` of wall time (after a short JIT warm-up) and report the rate. */
export async function benchFaasrankSteps(seconds = 2): Promise<FaasrankBenchResult> {
  if (!(seconds > 0) || !Number.isFinite(seconds)) throw new ConfigError(`benchFaasrankSteps: seconds must be a finite number > 0, got ${quote(seconds)}`);
  const env = new FaaSRankEnv();
  const rng = new Rng(1);
  let mask: readonly number[] = [];
  let done = true;
  const step = async (): Promise<void> => {
    if (done) {
      const r = await env.reset({ seed: rng.nextUint32() });
      mask = r.info.actionMask as number[];
      done = false;
    }
    const s = await env.step(randomValid(mask, rng));
    done = s.terminated || s.truncated;
  };
  const warmupEnd = performance.now() + Math.min(500, seconds * 250);
  while (performance.now() < warmupEnd) await step();
  let steps = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    await step();
    steps++;
  }
  const wallSeconds = (performance.now() - start) / 1000;
  await env.close();
  return { steps, wallSeconds, stepsPerSecond: steps / wallSeconds };
}
