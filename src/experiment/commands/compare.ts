/**
 * `faasgym compare --env FaaSConf-Sequential-v0 --agents attmf,random-search`:
 * learners against random search with the same step budget, scored on cost,
 * QoS-met fraction and latency of what each played greedily and of the best
 * configuration each found (src/experiment/compare.ts). `npm start` runs it.
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { Agent } from '../../../agents/agent.js';
import type { Progress } from '../train.js';
import { readObjectFile } from '../zoo.js';
import { intOption, UsageError } from './options.js';
import { formatProgress, parseSetting } from './train.js';

interface CompareCliOptions {
  env: string;
  agents: string;
  steps?: number;
  seed: number;
  episodes: number;
  candidates?: number;
  envConfig?: string;
  set?: [string, string, unknown][];
  zoo: boolean;
  quiet?: boolean;
  json?: boolean;
}

/** `--set attmf.gamma=0.9`: an option of one agent. */
function agentSetting(text: string): [string, string, unknown] {
  const [key, value] = parseSetting(text);
  const dot = key.indexOf('.');
  if (dot <= 0 || dot === key.length - 1) throw new InvalidArgumentError(`--set expects agent.key=value (e.g. attmf.gamma=0.9), got "${text}"`);
  return [key.slice(0, dot), key.slice(dot + 1), value];
}

export function registerCompareCommand(program: Command, out: (s: string) => void, err: (s: string) => void): void {
  program
    .command('compare')
    .description('train learners and run random search with the same step budget on a FaaSConf workflow, then compare cost, QoS-met fraction and latency of their greedy policies and of the best configurations they found')
    .option('--env <id>', 'a FaaSConf environment', 'FaaSConf-Sequential-v0')
    .option('--agents <names>', 'comma-separated agents', 'attmf,random-search')
    .option('--steps <n>', "environment steps for every agent (default: the first learner's zoo budget, else 100000 as for faasgym train)", intOption('--steps'))
    .option('--seed <n>', 'seed of every agent and of its first reset', intOption('--seed'), 0)
    .option('--episodes <n>', 'greedy evaluation episodes per agent (seeds 1000000 + i)', intOption('--episodes'), 5)
    .option('--candidates <n>', 'cheapest QoS-meeting configurations each agent re-measures at the end of its budget (default 8, at most a tenth of the steps; 0: none)', intOption('--candidates'))
    .option('--env-config <file>', 'environment config (JSON or YAML) for make()')
    .option('--set <agent.key=value>', 'one option of one agent (value read as YAML); repeatable', (v: string, acc: [string, string, unknown][] | undefined) => [...(acc ?? []), agentSetting(v)])
    .option('--no-zoo', 'ignore configs/zoo/')
    .option('--quiet', 'no progress on stderr')
    .option('--json', 'print the report as one JSON object')
    .action(async (opts: CompareCliOptions) => {
      const agents = opts.agents.split(',').map((s) => s.trim()).filter(Boolean);
      if (!agents.length) throw new UsageError('--agents must name at least one agent');
      if (opts.steps !== undefined && opts.steps < 1) throw new UsageError(`--steps must be a positive integer, got "${opts.steps}"`);
      if (opts.episodes < 1) throw new UsageError(`--episodes must be a positive integer, got "${opts.episodes}"`);
      const options: Record<string, Record<string, unknown>> = {};
      for (const [agent, key, value] of opts.set ?? []) {
        if (!agents.includes(agent)) throw new UsageError(`--set names agent "${agent}", which is not in --agents (${agents.join(', ')})`);
        options[agent] = { ...(options[agent] ?? {}), [key]: value };
      }
      // Imported here so that other commands do not pay for loading TensorFlow.js.
      const { compareAgents, formatCompareReport } = await import('../compare.js');
      const tty = Boolean((process.stderr as { isTTY?: boolean }).isTTY);
      const report = await compareAgents(
        {
          env: opts.env,
          agents,
          seed: opts.seed,
          evalEpisodes: opts.episodes,
          options,
          zoo: opts.zoo,
          ...(opts.steps !== undefined ? { steps: opts.steps } : {}),
          ...(opts.candidates !== undefined ? { verify: { candidates: opts.candidates } } : {}),
          ...(opts.envConfig !== undefined ? { envConfig: readObjectFile(opts.envConfig, 'env config') } : {}),
        },
        opts.quiet
          ? {}
          : {
              onStart: (agent, run) => err(`faasgym compare: ${agent} on ${run.env}, ${run.steps} steps, seed ${run.seed}; options from ${run.sources.length ? run.sources.join(', ') : 'agent defaults'}\n`),
              progressEvery: 100,
              onProgress: (_agent, p: Progress, a: Agent) => err(tty ? `\r${formatProgress(p, a)}\x1b[K${p.step === p.steps ? '\n' : ''}` : p.step % 1000 === 0 || p.step === p.steps ? `${formatProgress(p, a)}\n` : ''),
              onEntry: (e) => {
                const b = e.bestFound.stats;
                const found = b ? `best found: QoS met in ${(100 * b.qosMet).toFixed(1)} %, scaled cost ${b.scaledCost.toFixed(3)}` : 'best found: none held QoS';
                err(`faasgym compare: ${e.agent} done in ${e.wallSeconds.toFixed(1)} s: QoS met in ${(100 * e.stats.qosMet).toFixed(1)} % of windows, scaled cost ${e.stats.scaledCost.toFixed(3)}; ${found}\n`);
              },
            },
      );
      out(opts.json ? `${JSON.stringify(report)}\n` : formatCompareReport(report));
    });
}
