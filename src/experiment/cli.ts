#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { isParallelEnv, type Env } from '../core/env.js';
import { FaasgymError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import { checkEnv, checkParallelEnv, formatReport } from '../registry/checker.js';
import { make, registry } from '../registry/index.js';
import { version } from '../version.js';
import { registerBenchCommand } from './commands/bench.js';
import { registerBenchLearnCommand } from './commands/bench-learn.js';
import { registerCompareCommand } from './commands/compare.js';
import { registerEvalCommand } from './commands/eval.js';
import { registerKeysCommand } from './commands/keys.js';
import { registerRunCommand } from './commands/run.js';
import { intOption, UsageError } from './commands/options.js';
import { registerServeCommand } from './commands/serve.js';
import { registerSimCommand } from './commands/sim.js';
import { registerTrainCommand } from './commands/train.js';
import { registerTwinCommand } from './commands/twin.js';

/** The `faasgym` command line; `out`/`err` are injectable for tests. */
export function buildProgram(out: (s: string) => void = (s) => process.stdout.write(s), err: (s: string) => void = (s) => process.stderr.write(s)): Command {
  const program = new Command('faasgym')
    .description('Gym-compatible RL environments for serverless (FaaS) resource management')
    .version(version())
    .configureOutput({ writeOut: out, writeErr: err })
    .exitOverride();

  program
    .command('envs')
    .description('list every registered environment id')
    .option('--json', 'print a JSON array of {id, kind, description}')
    .action((opts: { json?: boolean }) => {
      const rows = registry.list().map((s) => ({ id: s.id, kind: s.kind, description: s.description ?? '' }));
      if (opts.json) out(`${JSON.stringify(rows, null, 2)}\n`);
      else {
        const width = Math.max(...rows.map((r) => r.id.length));
        for (const r of rows) out(`${r.id.padEnd(width)}  ${r.kind.padEnd(8)}  ${r.description}\n`);
      }
    });

  program
    .command('check')
    .description('run the environment checker on make(<id>); exits non-zero listing the failed rules')
    .argument('<id>', 'environment id, e.g. CartPole-v1')
    .option('--seed <n>', 'seed for resets and sampled actions', intOption('--seed'), 0)
    .option('--steps <n>', 'steps per checked trajectory', intOption('--steps'), 50)
    .option('--json', 'print the report as JSON')
    .action(async (id: string, opts: { seed: number; steps: number; json?: boolean }) => {
      const env = make(id);
      const report = isParallelEnv(env)
        ? await checkParallelEnv(env, { seed: opts.seed, steps: opts.steps })
        : await checkEnv(env, { seed: opts.seed, steps: opts.steps });
      out(opts.json ? `${JSON.stringify({ id, ...report }, null, 2)}\n` : `${formatReport(id, report)}\n`);
      if (!report.ok) process.exitCode = 1;
    });

  program
    .command('demo')
    .description('run a few episodes of a random policy and print their returns')
    .option('--env <id>', 'environment id', 'CartPole-v1')
    .option('--episodes <n>', 'episodes to run', intOption('--episodes'), 5)
    .option('--seed <n>', 'seed', intOption('--seed'), 0)
    .action(async (opts: { env: string; episodes: number; seed: number }) => {
      const env = make(opts.env);
      if (isParallelEnv(env)) throw new FaasgymError(`demo runs single-agent environments; ${opts.env} is parallel`);
      const single = env as Env<unknown, unknown>;
      const rng = new Rng(opts.seed);
      const returns: number[] = [];
      for (let ep = 0; ep < opts.episodes; ep++) {
        await single.reset({ seed: opts.seed + ep });
        let total = 0, steps = 0, done = false;
        while (!done) {
          const r = await single.step(single.actionSpace.sample(rng));
          total += r.reward;
          steps += 1;
          done = r.terminated || r.truncated;
        }
        returns.push(total);
        out(`episode ${ep + 1}: return ${total.toFixed(2)} in ${steps} steps\n`);
      }
      await single.close();
      const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
      out(`random policy on ${opts.env}: mean return ${mean.toFixed(2)} over ${returns.length} episodes\n`);
    });

  registerSimCommand(program, out);
  registerBenchCommand(program, out);
  registerBenchLearnCommand(program, out, err);
  registerTrainCommand(program, out, err);
  registerEvalCommand(program, out);
  registerCompareCommand(program, out, err);
  registerRunCommand(program, out, err);
  registerServeCommand(program, out, err);
  registerKeysCommand(program, out);
  registerTwinCommand(program, out, err);

  return program;
}

/** Run the CLI; library errors print one clear line and exit 1 (2 for usage errors). */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (typeof code === 'string' && code.startsWith('commander.')) {
      return code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help' ? 0 : 2;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`faasgym: error: ${err.message}\n`);
      return 2;
    }
    if (err instanceof FaasgymError) {
      process.stderr.write(`faasgym: ${err.name}: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

const invokedDirectly = (() => {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
})();
if (invokedDirectly) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
