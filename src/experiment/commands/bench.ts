/** `faasgym bench sim`: the simulator's speed benchmarks (bench/README.md). */
import type { Command } from 'commander';
import { formatSimBenchReport, runSimBenchmarks, SIM_BENCHMARKS, type SimBenchOptions } from '../../cluster/sim/bench-scenarios.js';
import { numberOption } from './options.js';

interface BenchSimOptions {
  json?: boolean;
  seconds: number;
  only?: string[];
}

export function registerBenchCommand(program: Command, out: (s: string) => void): void {
  const bench = program.command('bench').description('benchmarks (run from the compiled dist/)');
  bench
    .command('sim')
    .description(`simulated function invocations per wall-clock second on the standard scenarios: ${SIM_BENCHMARKS.map((b) => b.name).join(', ')}`)
    .option('--json', 'print one JSON object {benchmarks, node, cpu}')
    .option('--seconds <s>', 'wall-clock seconds measured per benchmark, after a short warm-up', numberOption('--seconds'), 2)
    .option('--only <name...>', 'run only these benchmarks')
    .action(async (opts: BenchSimOptions) => {
      const run: SimBenchOptions = { seconds: opts.seconds };
      if (opts.only !== undefined) run.only = opts.only;
      const report = await runSimBenchmarks(run);
      out(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatSimBenchReport(report));
    });
}
