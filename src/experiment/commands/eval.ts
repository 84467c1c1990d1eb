/** `faasgym eval --checkpoint <dir>`: greedy evaluation of a saved agent (src/experiment/checkpoint-eval.ts). */
import type { Command } from 'commander';
import { ConfigError, quote } from '../../core/errors.js';
import { readObjectFile } from '../zoo.js';
import { intOption } from './options.js';

interface EvalCliOptions {
  checkpoint: string;
  env?: string;
  envConfig?: string;
  episodes: number;
  seed?: number;
  json?: boolean;
}

export function registerEvalCommand(program: Command, out: (s: string) => void): void {
  program
    .command('eval')
    .description('evaluate a checkpoint greedily (the agent is rebuilt from the checkpoint manifest)')
    .requiredOption('--checkpoint <dir>', 'checkpoint directory (or the run directory that holds checkpoint/)')
    .option('--env <id>', 'environment id (default: the one the checkpoint was trained on)')
    .option('--env-config <file>', 'environment config (JSON or YAML) for make()')
    .option('--episodes <n>', 'episodes', intOption('--episodes'), 10)
    .option('--seed <n>', 'seed of the first episode (episode i uses seed + i; default 1000000)', intOption('--seed'))
    .option('--json', 'print {"meanReturn","stdReturn","episodes",...} as one JSON object')
    .action(async (opts: EvalCliOptions) => {
      if (opts.episodes < 1) throw new ConfigError(`--episodes must be a positive integer, got ${quote(opts.episodes)}`);
      const envConfig = opts.envConfig !== undefined ? readObjectFile(opts.envConfig, 'env config') : undefined;
      // Imported here so that other commands do not pay for loading TensorFlow.js.
      const { evaluateCheckpoint } = await import('../checkpoint-eval.js');
      const r = await evaluateCheckpoint(opts.checkpoint, {
        episodes: opts.episodes,
        ...(opts.env !== undefined ? { env: opts.env } : {}),
        ...(envConfig !== undefined ? { envConfig } : {}),
        ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      });
      if (opts.json) {
        out(`${JSON.stringify({ meanReturn: r.meanReturn, stdReturn: r.stdReturn, episodes: r.episodes, returns: r.returns, lengths: r.lengths, agent: r.agent, env: r.env, checkpoint: r.checkpoint })}\n`);
      } else {
        out(`${r.agent} on ${r.env}: mean return ${r.meanReturn.toFixed(2)} ± ${r.stdReturn.toFixed(2)} over ${r.episodes} episodes (${r.checkpoint})\n`);
      }
    });
}
