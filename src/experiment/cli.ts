#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { isParallelEnv, type Env, type ParallelEnv } from '../core/env.js';
import { Rng } from '../core/rng.js';
import { checkEnv, checkParallelEnv, formatReport, sampleAction } from '../registry/checker.js';
import { make, registry } from '../registry/index.js';
import { version } from '../version.js';
import { registerBenchCommand } from './commands/bench.js';
import { registerBenchLearnCommand } from './commands/bench-learn.js';
import { registerCompareCommand } from './commands/compare.js';
import { registerEvalCommand } from './commands/eval.js';
import { registerKeysCommand } from './commands/keys.js';
import { registerRunCommand } from './commands/run.js';
import { intOption } from './commands/options.js';
import { reportError } from './cli-errors.js';
import { registerServeCommand } from './commands/serve.js';
import { registerSimCommand } from './commands/sim.js';
import { registerTrainCommand } from './commands/train.js';
import { registerTwinCommand } from './commands/twin.js';

/** The `faasgym` command line; `out`/`err` are injectable for tests. */
export function buildProgram(out: (s: string) => void = (s) => process.stdout.write(s), err: (s: string) => void = (s) => process.stderr.write(s)): Command {
  const program = new Command('faasgym')
    .description('Gym-compatible RL environments for serverless (FaaS) resource management')
    .version(version())
    .configureOutput({ writeOut: out, writeErr: err, outputError: (text, write) => write(`faasgym: ${text}`) })
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
      const rng = new Rng(opts.seed);
      const returns: number[] = [];
      const parallel = isParallelEnv(env);
      try {
        for (let ep = 0; ep < opts.episodes; ep++) {
          // Actions are sampled uniformly among those the env allows (`info.actionMask`), as the checker does.
          const [total, steps] = parallel
            ? await randomParallelEpisode(env as ParallelEnv<string, unknown, unknown>, opts.seed + ep, rng)
            : await randomEpisode(env as Env<unknown, unknown>, opts.seed + ep, rng);
          returns.push(total);
          out(`episode ${ep + 1}: ${parallel ? 'team return (mean over agents, summed over steps)' : 'return'} ${total.toFixed(2)} in ${steps} steps\n`);
        }
      } finally {
        await env.close();
      }
      const mean = returns.reduce((a, b) => a + b, 0) / Math.max(1, returns.length);
      out(`random policy on ${opts.env}: mean ${parallel ? 'team ' : ''}return ${mean.toFixed(2)} over ${returns.length} episodes\n`);
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

/** One episode of a uniformly random (mask-respecting) policy: [return, steps]. */
async function randomEpisode(env: Env<unknown, unknown>, seed: number, rng: Rng): Promise<[number, number]> {
  let { info } = await env.reset({ seed });
  let total = 0, steps = 0, done = false;
  while (!done) {
    const r = await env.step(sampleAction(env.actionSpace, info, rng));
    info = r.info;
    total += r.reward;
    steps += 1;
    done = r.terminated || r.truncated;
  }
  return [total, steps];
}

/** One episode of independent random agents on a parallel env: [team return (mean reward over live agents, summed), steps]. */
async function randomParallelEpisode(env: ParallelEnv<string, unknown, unknown>, seed: number, rng: Rng): Promise<[number, number]> {
  let { infos } = { infos: (await env.reset({ seed })).info };
  let total = 0, steps = 0;
  while (env.agents.length > 0) {
    const actions: Record<string, unknown> = {};
    for (const id of env.agents) actions[id] = sampleAction(env.actionSpace(id), infos[id], rng);
    const r = await env.step(actions);
    infos = r.infos;
    const live = Object.values(r.rewards);
    total += live.length ? live.reduce((a, b) => a + b, 0) / live.length : 0;
    steps += 1;
  }
  return [total, steps];
}

/** Run the CLI: a failure prints one line `faasgym: …` and returns 1 (2 for a bad command line or config); FAASGYM_DEBUG=1 adds the trace. */
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
    return reportError(err);
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
  // Errors outside main's promise (a timer, a stream, a wasm module's own handler rethrowing) still end in one line.
  const fatal = (err: unknown): void => {
    process.exit(reportError(err));
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  }, fatal);
}
