/**
 * Environment step rates with a random policy on the simulator, for
 * `faasgym bench sim --json` (issue targets: ≥ 100 FaaSConf-Sequential steps/s
 * with 30 s windows and 30 users, ≥ 20,000 FaaSRank steps/s).
 */
import { benchFaasconfSteps, benchFaasrankSteps, FAASCONF_STEPS_TARGET, FAASRANK_STEPS_TARGET } from '../../envs/index.js';

export interface EnvBenchResult {
  name: string;
  steps: number;
  wallSeconds: number;
  stepsPerSecond: number;
  target: number;
  ratioToTarget: number;
}

export const ENV_BENCHMARKS = [
  { name: 'FaaSConf-Sequential-v0 random policy (30 s windows, 30 users)', run: benchFaasconfSteps, target: FAASCONF_STEPS_TARGET },
  { name: 'FaaSRank-v0 random policy', run: benchFaasrankSteps, target: FAASRANK_STEPS_TARGET },
] as const;

export async function runEnvBenchmarks(seconds: number): Promise<EnvBenchResult[]> {
  const out: EnvBenchResult[] = [];
  for (const b of ENV_BENCHMARKS) {
    const r = await b.run(seconds);
    out.push({ name: b.name, steps: r.steps, wallSeconds: r.wallSeconds, stepsPerSecond: r.stepsPerSecond, target: b.target, ratioToTarget: r.stepsPerSecond / b.target });
  }
  return out;
}

export function formatEnvBench(results: EnvBenchResult[]): string {
  return `${results.map((r) => `${r.name}: ${Math.round(r.stepsPerSecond).toLocaleString('en-US')} steps/s (target ${r.target.toLocaleString('en-US')}, ratio ${r.ratioToTarget.toFixed(2)})`).join('\n')}\n`;
}
