/** `faasgym bench sim|bridge|agents`: speed benchmarks (bench/README.md). */
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
    .option('--seconds <s>', 'total measured seconds, split over the rounds and the sides', numberOption('--seconds'), 9)
    .option('--rounds <n>', 'alternating raw/bridge rounds (the medians are reported)', intOption('--rounds'), 6)
    .option('--python <path>', 'python3 with pyzmq and numpy (default: $FAASGYM_PYTHON, else /usr/bin/python3, else python3)')
    .option('--env <id>', 'single-agent environment to step', 'CartPole-v1')
    .option('--batch <n>', 'also measure batched steps: n environments per round trip (0: skip)', intOption('--batch'), 8)
    .action(async (opts: { json?: boolean; seconds: number; rounds: number; python?: string; env: string; batch: number }) => {
      const run: BridgeBenchOptions = { seconds: opts.seconds, rounds: Math.max(1, opts.rounds), env: opts.env, batch: Math.max(0, opts.batch) };
      if (opts.python !== undefined) run.python = opts.python;
      const report = await runBridgeBench(run);
      out(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatBridgeBenchReport(report));
    });
  bench
    .command('agents')
    .description('each registered learner (dqn, ddpg, maddpg, meanfield, attmf, ppo): update steps/s, batch-1 action latency and action-after-update latency, with ratios to a PyTorch CPU reference of the same networks and update measured in the same run (bench/torch_agents_bench.py); and end to end, train() steps/s on each paper environment next to the random policy\'s')
    .option('--json', 'print one JSON object')
    .option('--steps <n>', 'timed updates per round, learner and side', intOption('--steps'), 100)
    .option('--actions <n>', 'timed batch-1 actions per round, learner and side', intOption('--actions'), 1000)
    .option('--rounds <n>', 'alternating rounds (the medians are reported)', intOption('--rounds'), 3)
    .option('--warmup <n>', 'untimed updates (and actions) of each side before the first round', intOption('--warmup'), 20)
    .option('--learners <name...>', 'only these learners')
    .option('--e2e-steps <n>', 'environment steps of the end-to-end row per learner (0: skip it)', intOption('--e2e-steps'), 300)
    .option('--python <path>', 'python3 with torch (default: $FAASGYM_PYTHON, else /usr/bin/python3, else python3)')
    .action(async (opts: { json?: boolean; steps: number; actions: number; rounds: number; warmup: number; learners?: string[]; e2eSteps: number; python?: string }) => {
      // Imported here so that other commands do not pay for loading TensorFlow.js.
      const { formatAgentBenchReport, runAgentBench } = await import('../bench/agents.js');
      const report = await runAgentBench({
        steps: Math.max(1, opts.steps),
        actions: Math.max(1, opts.actions),
        rounds: Math.max(1, opts.rounds),
        warmup: opts.warmup,
        endToEndSteps: opts.e2eSteps,
        onProgress: (line) => process.stderr.write(`${line}\n`),
        ...(opts.learners !== undefined ? { learners: opts.learners } : {}),
        ...(opts.python !== undefined ? { python: opts.python } : {}),
      });
      out(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatAgentBenchReport(report));
    });
}
