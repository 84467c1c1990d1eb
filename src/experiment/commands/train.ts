/**
 * `faasgym train --env <id> --agent <name>`: train a learner, with the zoo's
 * tuned options for that environment (configs/zoo/<agent>.yaml) under
 * `--config` and `--set`; progress on stderr; `metrics.jsonl`, `run.json` and
 * the final checkpoint in `--out` (default `runs/<env>-<agent>-<seed>`).
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { parse as parseYaml } from 'yaml';
import type { Agent } from '../../../agents/agent.js';
import type { Progress } from '../train.js';
import type { TrainingRunSpec } from '../training-run.js';
import { readObjectFile } from '../zoo.js';
import { intOption, UsageError } from './options.js';

interface TrainCliOptions {
  env: string;
  agent: string;
  steps?: number;
  seed: number;
  out?: string;
  config?: string;
  set?: [string, unknown][];
  envConfig?: string;
  zoo: boolean;
  evalEpisodes?: number;
  evalEvery?: number;
  stopAtReturn?: number | null;
  checkpointEvery?: number;
  progressEvery?: number;
  quiet?: boolean;
  json?: boolean;
  resume?: boolean;
  overwrite?: boolean;
}

/** `key=value`, the value read as YAML (numbers, booleans, `[256, 256]`, strings). */
export function parseSetting(text: string): [string, unknown] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`--set expects key=value, got "${text}"`);
  const key = text.slice(0, eq).trim();
  const raw = text.slice(eq + 1);
  let value: unknown;
  try {
    value = raw.trim() === '' ? '' : (parseYaml(raw) as unknown);
  } catch {
    value = raw;
  }
  return [key, value];
}

/** `--stop-at-return`: a number, or `none`. */
function stopOption(value: string): number | null {
  if (value.trim().toLowerCase() === 'none') return null;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`--stop-at-return must be a number or "none", got "${value}"`);
  return n;
}

/** One progress line: bar, steps/s, episode returns, losses (and ε when the agent has one). */
export function formatProgress(p: Progress, agent?: Agent, width = 20): string {
  const frac = Math.min(1, p.step / p.steps);
  const filled = Math.round(frac * width);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
  const parts = [`${bar} ${p.step}/${p.steps} ${(frac * 100).toFixed(0).padStart(3)}%`, `${p.stepsPerSecond.toFixed(0)} steps/s`, `ep ${p.episodes}`];
  if (p.lastReturn !== null) parts.push(`return ${p.lastReturn.toFixed(1)} (mean100 ${(p.meanReturn as number).toFixed(1)})`);
  if (p.losses) parts.push(`loss ${Object.entries(p.losses).map(([k, v]) => `${k}=${v.toPrecision(3)}`).join(' ')}`);
  const eps = (agent as { explorationRate?: unknown } | undefined)?.explorationRate;
  if (typeof eps === 'number') parts.push(`eps ${eps.toFixed(3)}`);
  if (p.evaluation) parts.push(`eval ${p.evaluation.meanReturn.toFixed(1)}`);
  return parts.join(' | ');
}

export function registerTrainCommand(program: Command, out: (s: string) => void, err: (s: string) => void): void {
  program
    .command('train')
    .description('train an agent on an environment (options: agent defaults < configs/zoo/<agent>.yaml < --config < --set)')
    .requiredOption('--env <id>', 'environment id, e.g. CartPole-v1')
    .requiredOption('--agent <name>', 'agent name, e.g. dqn')
    .option('--steps <n>', "environment steps (default: the zoo entry's budget, else 100000)", intOption('--steps'))
    .option('--seed <n>', 'seed of the agent and of the first reset', intOption('--seed'), 0)
    .option('--out <dir>', 'output directory (default runs/<env>-<agent>-<seed>)')
    .option('--config <file>', 'agent options (JSON or YAML mapping) over the zoo entry')
    .option('--set <key=value>', 'one agent option (value read as YAML); repeatable, applied last', (v: string, acc: [string, unknown][] | undefined) => [...(acc ?? []), parseSetting(v)])
    .option('--env-config <file>', "environment config (JSON or YAML) for make() (default: the zoo entry's envConfig)")
    .option('--no-zoo', 'ignore configs/zoo/<agent>.yaml')
    .option('--eval-episodes <n>', 'greedy episodes of the final evaluation (0: none; default: the zoo entry, else 10)', intOption('--eval-episodes'))
    .option('--eval-every <n>', "evaluate every n steps during training (0: only at the end; default: the zoo entry's, else 0)", intOption('--eval-every'))
    .option('--stop-at-return <r>', "stop once a periodic evaluation's mean return reaches r ('none': never; default: the zoo entry's)", stopOption)
    .option('--checkpoint-every <n>', 'checkpoint every n steps, so that --resume loses at most n steps (0: only at the end; default: steps/10, at least 1000)', intOption('--checkpoint-every'))
    .option('--resume', 'continue the run in --out from its last checkpoint (repeat the original options; metrics are appended)')
    .option('--overwrite', "replace the run in --out (its run.json, metrics.jsonl and checkpoint/)")
    .option('--progress-every <n>', 'steps between progress updates (default: steps/100, at most 1000)', intOption('--progress-every'))
    .option('--quiet', 'no progress on stderr')
    .option('--json', 'print the summary as one JSON object')
    .action(async (opts: TrainCliOptions) => {
      const spec: TrainingRunSpec = { env: opts.env, agent: opts.agent, seed: opts.seed, zoo: opts.zoo, layers: [] };
      if (opts.steps !== undefined) {
        if (opts.steps < 1) throw new UsageError(`--steps must be a positive integer, got "${opts.steps}"`);
        spec.steps = opts.steps;
      }
      if (opts.config !== undefined) spec.layers?.push({ source: opts.config, options: readObjectFile(opts.config, 'agent config') });
      if (opts.set?.length) spec.layers?.push({ source: '--set', options: Object.fromEntries(opts.set) });
      if (opts.envConfig !== undefined) spec.envConfig = readObjectFile(opts.envConfig, 'env config');
      if (opts.evalEpisodes !== undefined) spec.evalEpisodes = opts.evalEpisodes;
      if (opts.evalEvery !== undefined) spec.evalEvery = opts.evalEvery;
      if (opts.stopAtReturn !== undefined) spec.stopAtReturn = opts.stopAtReturn;
      // Imported here so that other commands do not pay for loading TensorFlow.js.
      const { executeTrainingRun, resolveTrainingRun } = await import('../training-run.js');
      const run = resolveTrainingRun(spec);
      const outDir = opts.out ?? `runs/${run.env.replace(/[^A-Za-z0-9_.-]/g, '_')}-${run.agent}-${run.seed}`;
      if (!opts.quiet) err(`faasgym train: ${opts.resume ? 'resuming ' : ''}${run.agent} on ${run.env}, ${run.steps} steps, seed ${run.seed}; options from ${run.sources.length ? run.sources.join(', ') : 'agent defaults'}; out ${outDir}\n`);
      const tty = Boolean((process.stderr as { isTTY?: boolean }).isTTY);
      const progressEvery = opts.progressEvery ?? Math.max(1, Math.min(1000, Math.floor(run.steps / 100)));
      if (opts.resume && opts.overwrite) throw new UsageError('--resume and --overwrite exclude each other');
      const result = await executeTrainingRun(run, {
        out: outDir,
        progressEvery,
        checkpointEvery: opts.checkpointEvery ?? Math.max(1000, Math.ceil(run.steps / 10)),
        resume: opts.resume ?? false,
        overwrite: opts.overwrite ?? false,
        ...(opts.quiet ? {} : { onProgress: (p: Progress, agent: Agent) => err(tty ? `\r${formatProgress(p, agent)}\x1b[K${p.step === p.steps ? '\n' : ''}` : `${formatProgress(p, agent)}\n`) }),
      });
      const t = result.train;
      if (tty && !opts.quiet && t.stoppedEarly) err('\n');
      const summary = {
        env: run.env,
        agent: run.agent,
        seed: run.seed,
        steps: t.steps,
        stoppedEarly: t.stoppedEarly,
        diverged: t.diverged,
        episodes: t.episodes,
        wallSeconds: t.wallSeconds,
        stepsPerSecond: t.steps / t.wallSeconds,
        meanReturn: result.evaluation?.meanReturn ?? null,
        stdReturn: result.evaluation?.stdReturn ?? null,
        evalEpisodes: result.evaluation?.episodes ?? 0,
        out: outDir,
        checkpoint: result.checkpoint,
      };
      if (t.diverged) {
        const { describeDivergence } = await import('../train.js');
        err(`faasgym train: ${run.agent} on ${run.env} ${describeDivergence(t.diverged)}; training stopped\n`);
        process.exitCode = 1;
      }
      if (opts.json) out(`${JSON.stringify(summary)}\n`);
      else {
        const ev = result.evaluation ? `; evaluation ${result.evaluation.meanReturn.toFixed(2)} ± ${result.evaluation.stdReturn.toFixed(2)} over ${result.evaluation.episodes} episodes` : '';
        const stopped = t.stoppedEarly ? ` (stopped: an evaluation reached ${run.stopAtReturn})` : '';
        out(`trained ${run.agent} on ${run.env}: ${t.steps} steps${stopped}, ${t.episodes} episodes in ${t.wallSeconds.toFixed(1)} s (${summary.stepsPerSecond.toFixed(0)} steps/s)${ev}; checkpoint ${result.checkpoint}\n`);
      }
    });
}
