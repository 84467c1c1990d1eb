/**
 * `faasgym bench agents`: how fast the registered learners train and act,
 * each next to a PyTorch CPU reference of the same networks, minibatch,
 * optimiser and update (bench/torch_agents_bench.py), measured in the same
 * run in alternating rounds (bench/README.md, "Learner speed"); and, end to
 * end, `train`'s environment steps per second on each learner's paper
 * environment next to the random policy's.
 *
 * Per learner: update steps per second (one `update()`, i.e. one minibatch
 * gradient step of every network it trains, target updates included),
 * batch-1 greedy action latency (median, p99) and the latency of the first
 * action after an update. The medians over rounds are reported, and ratios
 * (> 1: faster than PyTorch). Both sides compute with the same thread count.
 */
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { ConfigError, quote } from '../../core/errors.js';
import { packageRoot } from '../../host.js';
import { initTf, tf, type TfBackend } from '../../nn/tf.js';
import { runEndToEnd, type EndToEndRow } from './end-to-end.js';
import { BENCH_LEARNERS, setupLearner, type BenchLearner, type LearnerSetup } from './learners.js';
import { computeRatios, measureRound, round3, summarize, type LatencyUs, type Ratios, type RoundNumbers } from './stats.js';
import { defaultTorchPython, TorchProcess, type TorchHeader } from './torch-process.js';

export interface AgentBenchOptions {
  /** Timed updates per round, learner and side. @default 100 */
  steps?: number;
  /** Timed batch-1 actions per round, learner and side. @default 1000 */
  actions?: number;
  /** Alternating rounds; the medians over rounds are reported. @default 3 */
  rounds?: number;
  /** Untimed updates (each followed by an action) of each side before the first round. @default 20 */
  warmup?: number;
  /** Which learners. @default all of BENCH_LEARNERS */
  learners?: readonly string[];
  /** Environment steps of the end-to-end row per learner (0: skip it). @default 0 */
  endToEndSteps?: number;
  /** Python interpreter for the PyTorch reference; `null` skips it. @default --python, $FAASGYM_PYTHON, /usr/bin/python3 when present, else python3 */
  python?: string | null;
  /** Extra environment variables for the Python process. */
  pythonEnv?: Record<string, string>;
  /** Random transitions in each learner's replay before timing. @default 10_000 */
  replay?: number;
  /** @default 0 */
  seed?: number;
  /** Progress lines (one per round and learner). */
  onProgress?: (line: string) => void;
}

export type TorchSide =
  | { available: true; version: string; threads: number; blas: { kind: string; library: string | null; buildInfo: string | null }; python: string; defaultThreads: number }
  | { available: false; reason: string };

export interface LearnerRow {
  learner: BenchLearner;
  env: string;
  network: Record<string, unknown>;
  trainStepsPerSecond: number;
  trainCpuMicrosPerStep: number;
  actionLatencyUs: LatencyUs;
  actionAfterUpdateUs: number;
  /** The PyTorch reference's medians, or why there are none. */
  torch: RoundNumbers | { available: false; reason: string };
  ratios: Ratios;
  rounds: { ours: RoundNumbers; torch: RoundNumbers | null }[];
}

export interface AgentBenchReport {
  benchmark: 'agents';
  backend: TfBackend;
  /** Threads our side computes with (tfjs-wasm in Node: 1). PyTorch is set to the same. */
  threads: number;
  learners: LearnerRow[];
  torch: TorchSide;
  endToEnd: EndToEndRow[];
  steps: number;
  actions: number;
  rounds: number;
  warmup: number;
  wasm: { simd: boolean; multithread: boolean } | null;
  node: string;
  cpu: string;
  cpuCount: number;
  /** 1-, 5- and 15-minute load averages at the start and at the end. */
  loadAverage: { start: number[]; end: number[] };
  notes: string[];
}

/** Run the benchmark: per learner, ours and PyTorch in alternating rounds; then the end-to-end rows. */
export async function runAgentBench(opts: AgentBenchOptions = {}): Promise<AgentBenchReport> {
  const steps = opts.steps ?? 100, actions = opts.actions ?? 1000, rounds = opts.rounds ?? 3, warmup = opts.warmup ?? 20, seed = opts.seed ?? 0;
  const e2e = opts.endToEndSteps ?? 0;
  for (const [key, v, min] of [['steps', steps, 1], ['actions', actions, 1], ['rounds', rounds, 1], ['warmup', warmup, 0], ['seed', seed, 0], ['endToEndSteps', e2e, 0]] as const) {
    if (!Number.isSafeInteger(v) || v < min) throw new ConfigError(`bench agents: ${key} must be an integer >= ${min}, got ${quote(v)}`);
  }
  const learners = (opts.learners ?? BENCH_LEARNERS) as string[];
  for (const l of learners) if (!(BENCH_LEARNERS as readonly string[]).includes(l)) throw new ConfigError(`bench agents: unknown learner ${quote(l)} (known: ${BENCH_LEARNERS.join(', ')})`);
  const progress = opts.onProgress ?? ((): void => {});
  const loadStart = loadavg().map(round3);
  const backend = await initTf();
  const threads = backend === 'tensorflow' ? cpus().length : 1;

  // PyTorch: start it first (importing torch takes seconds).
  const python = opts.python === undefined ? defaultTorchPython() : opts.python;
  let proc: TorchProcess | null = null, header: TorchHeader | null = null;
  let failure: string | null = python === null ? 'skipped (no Python interpreter given)' : null;
  const started = (async (): Promise<void> => {
    if (python === null) return;
    const script = join(packageRoot(), 'bench', 'torch_agents_bench.py');
    if (!existsSync(script)) {
      failure = `${script} is missing: run the benchmark from a faasgym checkout`;
      return;
    }
    try {
      proc = TorchProcess.spawn(python, script, opts.pythonEnv);
      header = JSON.parse(await proc.next(180_000, 'importing torch')) as TorchHeader;
      if (!header.available) failure = `${python}: ${header.reason ?? 'torch is not available'}`;
    } catch (err) {
      failure = `cannot run ${python} bench/torch_agents_bench.py: ${(err as Error).message}`;
    }
    if (failure !== null) (proc as TorchProcess | null)?.kill();
  })();
  const deadline = (n: number): number => 120_000 + n * 2000 + actions * 5;

  const rows: LearnerRow[] = [];
  try {
    await started;
    for (const name of learners as BenchLearner[]) {
      let setup: LearnerSetup | null = null;
      try {
        setup = await setupLearner(name, seed, opts.replay ?? 10_000);
        const s = setup;
        for (let i = 0; i < warmup; i++) {
          await s.contender.trainStep();
          await s.contender.act();
        }
        // This learner's PyTorch reference, or why there is none.
        let torchReason: string | null = failure ?? (s.torchSpec ? null : (s.torchMissing ?? 'no PyTorch reference'));
        if (torchReason === null && proc) {
          try {
            await (proc as TorchProcess).setup(name, { ...s.torchSpec, warmup }, deadline(warmup));
          } catch (err) {
            torchReason = `PyTorch failed to build ${name}: ${(err as Error).message}`;
          }
        }
        const perRound: { ours: RoundNumbers; torch: RoundNumbers | null }[] = [];
        for (let r = 0; r < rounds; r++) {
          const round: { ours: RoundNumbers | null; torch: RoundNumbers | null } = { ours: null, torch: null };
          const runOurs = async (): Promise<void> => void (round.ours = await measureRound(s.contender, steps, actions));
          const runTorch = async (): Promise<void> => {
            if (torchReason !== null || !proc) return;
            try {
              round.torch = await (proc as TorchProcess).round(name, threads, steps, actions, deadline(steps));
            } catch (err) {
              torchReason = `PyTorch failed in round ${r + 1}: ${(err as Error).message}`;
            }
          };
          // Alternate which side goes first, so that drifting machine load cancels out.
          if (r % 2 === 0) await runOurs().then(runTorch);
          else await runTorch().then(runOurs);
          perRound.push({ ours: round.ours as unknown as RoundNumbers, torch: round.torch });
          const o = round.ours as unknown as RoundNumbers;
          progress(`bench agents: ${name} round ${r + 1}/${rounds}: ours ${o.trainStepsPerSecond.toFixed(1)} updates/s, act ${o.actionLatencyUs.median.toFixed(1)} µs` + (round.torch ? `; torch ${round.torch.trainStepsPerSecond.toFixed(1)} updates/s, act ${round.torch.actionLatencyUs.median.toFixed(1)} µs` : ''));
        }
        const ours = summarize(perRound.map((r) => r.ours));
        const torchRounds = perRound.flatMap((r) => (r.torch ? [r.torch] : []));
        const torch = torchReason === null && torchRounds.length === rounds ? summarize(torchRounds) : null;
        rows.push({
          learner: name, env: s.env, network: s.network, ...ours,
          torch: torch ?? { available: false, reason: torchReason ?? 'PyTorch did not answer every round' },
          ratios: computeRatios(ours, torch),
          rounds: perRound,
        });
      } finally {
        setup?.dispose();
      }
    }
  } finally {
    await started;
    await (proc as TorchProcess | null)?.close();
  }
  const endToEnd = e2e > 0 ? await runEndToEnd(learners, e2e, seed, progress) : [];

  const h = header as TorchHeader | null;
  const torch: TorchSide = failure === null && h?.available
    ? { available: true, version: h.version ?? 'unknown', threads, blas: h.blas ?? { kind: 'unknown', library: null, buildInfo: null }, python: `${python} (Python ${h.python ?? '?'})`, defaultThreads: h.defaultThreads ?? threads }
    : { available: false, reason: failure ?? 'torch is not available' };
  const notes: string[] = [];
  let wasm: AgentBenchReport['wasm'] = null;
  if (backend === 'wasm') {
    wasm = { simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'), multithread: tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') };
    notes.push(
      `tfjs-backend-wasm runs single-threaded in Node.js (tfjs turns WASM_HAS_MULTITHREAD_SUPPORT off under Node, tensorflow/tfjs#3830; forcing it on fails: the pthread workers are created from blob: URLs, which Node's Worker refuses), SIMD ${wasm.simd ? 'on' : 'OFF'}; PyTorch is set to the same 1 thread.`,
    );
  }
  if (torch.available && torch.blas.kind.startsWith('reference')) {
    notes.push(`PyTorch's matrix products go through the reference (netlib) BLAS (${torch.blas.library ?? 'libblas.so.3'}): Debian's python3-torch is built with BLAS_INFO=generic and uses whichever libblas.so.3 is installed; with libopenblas0 installed, PyTorch's large products (DDPG's 400×300 layers) run several times faster and those ratios drop accordingly (bench/README.md).`);
  }
  notes.push(
    'Every row times the registered agent (getAgentFactory(name).create) through update() and act(obs, { explore: false }), as train() calls them.',
    'Ratios are computed from the medians over rounds; every round of each side is in "rounds". Wall-clock rates on a shared machine move with its load: compare trainCpuMicrosPerStep too.',
  );
  return {
    benchmark: 'agents', backend, threads, learners: rows, torch, endToEnd, steps, actions, rounds, warmup, wasm,
    node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cpuCount: cpus().length, loadAverage: { start: loadStart, end: loadavg().map(round3) }, notes,
  };
}

/** A short human-readable summary. */
export function formatAgentBenchReport(r: AgentBenchReport): string {
  const n = (x: number): string => (x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1));
  const ratio = (x: number | null): string => (x === null ? 'n/a' : x.toFixed(2));
  const lines = [`Learner speed (${r.rounds} rounds of ${r.steps} updates and ${r.actions} actions; tfjs ${r.backend}, ${r.threads} thread${r.threads === 1 ? '' : 's'}; PyTorch ${r.torch.available ? `${r.torch.version}, ${r.torch.blas.kind}` : `not measured: ${r.torch.reason}`})`];
  lines.push('  learner     updates/s (torch)      act µs median/p99 (torch)         after update µs (torch)   ratios train/act/p99/after');
  for (const row of r.learners) {
    const t = 'available' in row.torch ? null : row.torch;
    lines.push(
      `  ${row.learner.padEnd(10)}  ${n(row.trainStepsPerSecond).padStart(7)} (${t ? n(t.trainStepsPerSecond) : '–'})`.padEnd(36) +
        `${row.actionLatencyUs.median.toFixed(1)}/${row.actionLatencyUs.p99.toFixed(1)} (${t ? `${t.actionLatencyUs.median.toFixed(1)}/${t.actionLatencyUs.p99.toFixed(1)}` : '–'})`.padEnd(34) +
        `${row.actionAfterUpdateUs.toFixed(1)} (${t ? t.actionAfterUpdateUs.toFixed(1) : '–'})`.padEnd(26) +
        `${ratio(row.ratios.train)}/${ratio(row.ratios.actionMedian)}/${ratio(row.ratios.actionP99)}/${ratio(row.ratios.actionAfterUpdate)}` +
        (t ? '' : `  (${(row.torch as { reason: string }).reason})`),
    );
  }
  for (const e of r.endToEnd) lines.push(`  end to end: ${e.learner} on ${e.env}: ${n(e.trainStepsPerSecond)} steps/s training vs ${n(e.randomPolicyStepsPerSecond)} random policy (learner ${(100 * e.learnerShare).toFixed(0)} % of the wall time)`);
  lines.push(`  load average ${r.loadAverage.start.join(' ')} → ${r.loadAverage.end.join(' ')} on ${r.cpuCount} CPUs (${r.cpu}), node ${r.node}`, '');
  return lines.join('\n');
}
