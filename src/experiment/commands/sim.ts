/** `faasgym sim <scenario>`: run a scenario file on the simulator and summarise it. */
import type { Command } from 'commander';
import { formatScenarioResult, runScenario, type RunScenarioOptions } from '../../cluster/sim/run.js';
import { loadScenarioFile } from '../../cluster/sim/scenario.js';
import { intOption, numberOption } from './options.js';

interface SimOptions {
  json?: boolean;
  seed?: number;
  duration?: number;
  warmup?: number;
}

export function registerSimCommand(program: Command, out: (s: string) => void): void {
  program
    .command('sim')
    .description('run a scenario (YAML or JSON, see docs/scenarios.md) on the simulator and print a summary')
    .argument('<scenario>', 'scenario file (.yaml, .yml or .json)')
    .option('--json', 'print exactly one JSON object (fields in docs/scenarios.md)')
    .option('--seed <n>', "override the scenario's seed", intOption('--seed'))
    .option('--duration <s>', "override the scenario's measured duration, simulated seconds", numberOption('--duration'))
    .option('--warmup <s>', "override the scenario's warm-up, simulated seconds", numberOption('--warmup', true))
    .action((file: string, opts: SimOptions) => {
      const scenario = loadScenarioFile(file);
      const overrides: RunScenarioOptions = {};
      if (opts.seed !== undefined) overrides.seed = opts.seed;
      if (opts.duration !== undefined) overrides.duration = opts.duration;
      if (opts.warmup !== undefined) overrides.warmup = opts.warmup;
      const result = runScenario(scenario, overrides);
      out(opts.json ? `${JSON.stringify(result)}\n` : formatScenarioResult(result));
    });
}
