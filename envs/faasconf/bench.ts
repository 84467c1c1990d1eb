/**
 * Speed of the FaaSConf environments: steps of `FaaSConf-Sequential-v0`
 * (30 s windows, 30 users, the simulator) under a uniformly random policy per
 * wall-clock second, episodes of 60 steps with their resets included. For
 * `faasgym bench sim --json`; the target is 100 steps per second.
 */
import { performance } from 'node:perf_hooks';
import { ConfigError, quote } from '../../src/core/errors.js';
import { Rng } from '../../src/core/rng.js';
import { FaaSConfEnv } from './faasconf-env.js';

export interface FaasconfBenchResult {
  /** Environment steps taken in the measured time. */
  steps: number;
  wallSeconds: number;
  stepsPerSecond: number;
}

/** Steps per second the target asks for. */
export const FAASCONF_STEPS_TARGET = 100;

/** Run random-policy steps for about `seconds` of wall time (after a short JIT warm-up) and report the rate. */
export async function benchFaasconfSteps(seconds = 2): Promise<FaasconfBenchResult> {
  if (!(seconds > 0) || !Number.isFinite(seconds)) throw new ConfigError(`benchFaasconfSteps: seconds must be a finite number > 0, got ${quote(seconds)}`);
  const env = new FaaSConfEnv('Sequential', { users: 30, windowSeconds: 30 });
  const rng = new Rng(1);
  const episodeSteps = 60;
  let stepsInEpisode = 0;
  const step = async (): Promise<void> => {
    if (stepsInEpisode === 0 || stepsInEpisode >= episodeSteps) {
      await env.reset({ seed: rng.nextUint32() });
      stepsInEpisode = 0;
    }
    const actions: Record<string, number[]> = {};
    for (const a of env.possibleAgents) actions[a] = env.actionSpace(a).sample(rng);
    await env.step(actions);
    stepsInEpisode++;
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
