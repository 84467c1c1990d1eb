/**
 * `faasgym run <experiment.yaml>`: the experiment runner (src/experiment/runner/,
 * docs/experiments.md). A bad file or command line exits 2 before anything
 * runs; a run with failed cells exits 1; Ctrl-C stops the cells in flight and
 * exits 130 (run again to resume).
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { intOption, numberOption, UsageError } from './options.js';

interface RunCliOptions {
  schema?: boolean;
  quick?: boolean;
  jobs?: number;
  out?: string;
  only?: string;
  shard?: string;
  merge?: string[];
  force?: boolean;
  json?: boolean;
  quiet?: boolean;
  emit?: string;
  shards?: number;
  image?: string;
  resultsClaim?: string;
  namespace?: string;
  cpuPerCell?: number;
  memoryPerCell?: number;
  manifest?: string;
}

const fmt = (v: number | null): string => (v === null ? '—' : Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(2) : Number(v.toPrecision(4)).toString());

export function registerRunCommand(program: Command, out: (s: string) => void, err: (s: string) => void): void {
  program
    .command('run')
    .description('run an experiment file (configs/experiments/*.yaml): envs × agents × seeds in parallel worker processes, resumable, with statistics over seeds, claim verdicts and a report in runs/<name>/')
    .argument('[file]', 'experiment file (YAML or JSON)')
    .option('--schema', "print the experiment file's JSON Schema and exit")
    .option('--quick', "the file's CI-sized variant (its `quick` overrides)")
    .option('--jobs <n>', 'worker processes at once (default: the number of cores)', intOption('--jobs'))
    .option('--out <dir>', 'run folder (default runs/<name>)')
    .option('--only <filter>', 'only these cells: agent=…,env=…,seed=… (keys AND, repeated keys OR)')
    .option('--shard <i/n>', 'only the cells of shard i of n (cell k of the grid is in shard k mod n)')
    .option('--merge <dirs...>', 'combine shard run folders into one run folder and report instead of running')
    .option('--force', 'rerun cells that already finished')
    .option('--json', 'print {dir, summaries, claims, ...} as JSON on stdout')
    .option('--quiet', 'no progress on stderr')
    .option('--emit <what>', 'write a manifest instead of running: kubernetes-job (an Indexed Job, one completion per shard)')
    .option('--shards <n>', 'with --emit: shards (completions)', intOption('--shards'), 4)
    .option('--image <image>', 'with --emit: container image with faasgym installed')
    .option('--results-claim <pvc>', 'with --emit: PersistentVolumeClaim mounted at /results (default: an emptyDir)')
    .option('--namespace <ns>', 'with --emit: the Job\'s namespace')
    .option('--cpu-per-cell <cpus>', 'with --emit: CPU request of one cell', numberOption('--cpu-per-cell'), 1)
    .option('--memory-per-cell <MiB>', 'with --emit: memory request of one cell, MiB', intOption('--memory-per-cell'), 2048)
    .option('--manifest <file>', 'with --emit: write the manifest here (default: stdout)')
    .action(async (file: string | undefined, opts: RunCliOptions) => {
      // Imported here so that other commands do not pay for loading TensorFlow.js.
      const { experimentJsonSchema } = await import('../runner/schema.js');
      if (opts.schema) {
        out(`${JSON.stringify(experimentJsonSchema(), null, 2)}\n`);
        return;
      }
      if (file === undefined) throw new UsageError('run needs an experiment file (e.g. configs/experiments/cartpole-pendulum.yaml), or --schema');
      const { ExperimentError, loadExperiment } = await import('../runner/load.js');
      try {
        if (opts.emit !== undefined) {
          if (opts.emit !== 'kubernetes-job') throw new UsageError(`--emit knows only kubernetes-job, got "${opts.emit}"`);
          const exp = loadExperiment(file, { quick: opts.quick === true });
          const { kubernetesJobYaml } = await import('../runner/kube.js');
          const yaml = kubernetesJobYaml({
            name: exp.resolved.name, file, image: opts.image ?? '', shards: opts.shards ?? 4, quick: opts.quick === true,
            jobsPerPod: opts.jobs ?? 1, cpuPerCell: opts.cpuPerCell ?? 1, memoryMiPerCell: opts.memoryPerCell ?? 2048,
            ...(opts.resultsClaim ? { resultsClaim: opts.resultsClaim } : {}), ...(opts.namespace ? { namespace: opts.namespace } : {}),
          });
          if (opts.manifest) writeFileSync(opts.manifest, yaml);
          else out(yaml);
          return;
        }
        const { parseOnly, parseShard } = await import('../runner/cells.js');
        const { runExperiment } = await import('../runner/run.js');
        if (opts.jobs !== undefined && opts.jobs < 1) throw new UsageError(`--jobs must be a positive integer, got "${opts.jobs}"`);
        if (opts.merge && opts.shard) throw new UsageError('--merge combines shards: it takes no --shard');
        let stop: (() => Promise<void>) | null = null;
        let sigints = 0;
        const onSigint = (): void => {
          sigints++;
          if (sigints > 1) process.exit(130);
          err('\nfaasgym run: stopping the cells in flight (Ctrl-C again to quit at once)…\n');
          void stop?.();
        };
        process.on('SIGINT', onSigint);
        try {
          const r = await runExperiment({
            file,
            quick: opts.quick === true,
            ...(opts.jobs !== undefined ? { jobs: opts.jobs } : {}),
            ...(opts.out !== undefined ? { out: opts.out } : {}),
            ...(opts.only !== undefined ? { only: parseOnly(opts.only) } : {}),
            ...(opts.shard !== undefined ? { shard: parseShard(opts.shard) } : {}),
            ...(opts.merge !== undefined ? { merge: opts.merge } : {}),
            force: opts.force === true,
            write: opts.quiet ? null : err,
            tty: Boolean((process.stderr as { isTTY?: boolean }).isTTY),
            onStoppable: (s) => {
              stop = s;
            },
          });
          if (opts.json) {
            out(`${JSON.stringify({ dir: r.dir, ran: r.ran, reused: r.reused, failed: r.failed, missing: r.missing, interrupted: r.interrupted, report: r.report, summaries: r.input.summaries, claims: r.input.claims })}\n`);
          } else {
            const lines: string[] = [`${r.input.meta.name}${r.input.meta.quick ? ' (quick)' : ''}: ${r.input.cells.length} cells (${r.ran} run now, ${r.reused} reused, ${r.failed} failed${r.missing.length ? `, ${r.missing.length} missing` : ''})`];
            const groups = new Map<string, typeof r.input.summaries>();
            for (const s of r.input.summaries) groups.set(`${s.env} — ${s.protocol}`, [...(groups.get(`${s.env} — ${s.protocol}`) ?? []), s]);
            for (const [k, rows] of groups) {
              lines.push('', k);
              for (const label of [...new Set(rows.map((s) => s.label))]) {
                lines.push(`  ${label.padEnd(18)} ${rows.filter((s) => s.label === label).map((s) => `${s.metric} ${fmt(s.mean)}${s.ciLow !== null ? ` ±${fmt((s.ciHigh as number) - (s.mean as number))}` : ''} (n=${s.n})`).join(', ')}`);
              }
            }
            if (r.input.claims.length) {
              lines.push('', 'Claims:');
              for (const c of r.input.claims) lines.push(`  ${c.held === null ? 'UNDECIDED' : c.held ? 'HELD     ' : 'NOT HELD '} ${c.id}: ${c.text} (${c.source}): ${c.detail}`);
            }
            lines.push('', `Report: ${r.dir}/${r.report.summaryMd}${r.report.reportHtml ? `, ${r.dir}/${r.report.reportHtml}` : ''}`);
            out(`${lines.join('\n')}\n`);
          }
          if (r.interrupted) process.exitCode = 130;
          else if (r.failed > 0) process.exitCode = 1;
        } finally {
          process.off('SIGINT', onSigint);
        }
      } catch (e) {
        if (e instanceof ExperimentError) throw new UsageError(e.message);
        throw e;
      }
    });
}
