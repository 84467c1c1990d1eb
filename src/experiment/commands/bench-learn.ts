/** `faasgym bench learn`: the learning benchmarks of src/experiment/bench-learn.ts; exits 1 when one is not solved. */
import type { Command } from 'commander';
import type { LearnBenchOptions } from '../bench-learn.js';
import { intOption } from './options.js';

interface BenchLearnCliOptions {
  json?: boolean;
  quick?: boolean;
  only?: string[];
  seed?: number;
}

/** Adds `learn` under the program's `bench` command (creating `bench` if it is not there yet). */
export function registerBenchLearnCommand(program: Command, out: (s: string) => void, err: (s: string) => void): void {
  const bench = program.commands.find((c) => c.name() === 'bench') ?? program.command('bench').description('benchmarks (run from the compiled dist/)');
  bench
    .command('learn')
    .description('train each registered learner on its benchmark task and evaluate it (cases in src/experiment/bench-learn.ts, e.g. dqn on CartPole-v1 >= 475 within 50000 steps)')
    .option('--json', 'print one JSON object {benchmarks: [{agent, env, steps, wallSeconds, meanReturn, threshold, solved}]}')
    .option('--quick', 'the CI variant: shorter budgets, lower thresholds')
    .option('--only <agent...>', 'run only these agents (or agent:env cases)')
    .option('--seed <n>', 'seed of every case (default: each case its own)', intOption('--seed'))
    .action(async (opts: BenchLearnCliOptions) => {
      // Imported here so that other commands do not pay for loading TensorFlow.js.
      const { describeLearnResult, formatLearnBenchReport, runLearnBenchmarks } = await import('../bench-learn.js');
      const run: LearnBenchOptions = {
        quick: opts.quick ?? false,
        onResult: (r) => err(`bench learn: ${r.agent} on ${r.env}: ${describeLearnResult(r)} in ${r.steps} steps, ${r.wallSeconds.toFixed(1)} s${r.solved ? '' : ' NOT SOLVED'}\n`),
      };
      if (opts.only !== undefined) run.only = opts.only;
      if (opts.seed !== undefined) run.seed = opts.seed;
      const report = await runLearnBenchmarks(run);
      out(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatLearnBenchReport(report));
      if (report.benchmarks.some((b) => !b.solved)) process.exitCode = 1;
    });
}
