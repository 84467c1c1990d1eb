/** `faasgym bench sim`: the simulator's speed benchmarks (bench/README.md). */
import type { Command } from 'commander';
import { formatBridgeBenchReport, runBridgeBench, type BridgeBenchOptions } from '../../bridge/bench.js';
import { formatSimBenchReport, runSimBenchmarks, SIM_BENCHMARKS, type SimBenchOptions } from '../../cluster/sim/bench-scenarios.js';
import { formatEnvBench, runEnvBenchmarks } from '../bench-envs.js';
import { intOption, numberOption } from './options.js';

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
    .option('--json', 'print one JSON object {benchmarks, environments, node, cpu}')
    .option('--seconds <s>', 'wall-clock seconds measured per benchmark, after a short warm-up', numberOption('--seconds'), 2)
    .option('--only <name...>', 'run only these benchmarks')
    .action(async (opts: BenchSimOptions) => {
      const run: SimBenchOptions = { seconds: opts.seconds };
      if (opts.only !== undefined) run.only = opts.only;
      const report = await runSimBenchmarks(run);
      // Environment step rates (random policy) unless --only picked simulator scenarios.
      const environments = opts.only === undefined ? await runEnvBenchmarks(opts.seconds) : [];
      out(opts.json ? `${JSON.stringify({ ...report, environments }, null, 2)}\n` : formatSimBenchReport(report) + formatEnvBench(environments));
    });
  bench
    .command('bridge')
    .description('CartPole steps/s from Python through the ZeroMQ bridge vs raw REQ/REP round trips/s with the same frame sizes, in one run (target ratio 0.8)')
    .option('--json', 'print one JSON object')
    .option('--seconds <s>', 'total measured seconds, split over the rounds and both sides', numberOption('--seconds'), 6)
    .option('--rounds <n>', 'alternating raw/bridge rounds (the medians are reported)', intOption('--rounds'), 6)
    .option('--python <path>', 'python3 with pyzmq and numpy (default: $FAASGYM_PYTHON, else /usr/bin/python3, else python3)')
    .option('--env <id>', 'single-agent environment to step', 'CartPole-v1')
    .action(async (opts: { json?: boolean; seconds: number; rounds: number; python?: string; env: string }) => {
      const run: BridgeBenchOptions = { seconds: opts.seconds, rounds: Math.max(1, opts.rounds), env: opts.env };
      if (opts.python !== undefined) run.python = opts.python;
      const report = await runBridgeBench(run);
      out(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatBridgeBenchReport(report));
    });
}
