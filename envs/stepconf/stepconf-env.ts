/**
 * StepConf-{ML,Video,DAG16}-v0: configure each function step of a serverless
 * workflow, as it becomes ready, under an end-to-end SLO (paper 001, StepConf).
 *
 * ## Description
 *
 * One workflow request runs on Lambda-style functions (one instance per
 * invocation, 1769 MB of memory per vCPU, long-tailed S3-like transfers, a
 * token-bucket scale-out of 40 instances at once then 5 per second; 001 §2,
 * src/workloads/presets/stepconf.ts). Before each function step runs, the
 * agent sets its configuration θ = (m, p, q) (§4.1): memory size m,
 * inter-function parallelism p (concurrent instances, the step's γ jobs split
 * evenly over them) and intra-function parallelism q (processes per
 * instance). More memory buys CPU (up to one vCPU per 1769 MB) and more
 * parallelism buys speed, but single-threaded code stops gaining past one vCPU
 * unless q > 1 (§2.2, eq. 1), instances past the burst wait to be mapped
 * (mapping delay, Fig. 3), and every instance is billed for its memory and
 * duration (§3.5). The goal is the cheapest run that meets the SLO (eq. 7
 * under eq. 6): StepConf's own answer is Algorithm 1 (critical-path sub-SLOs);
 * here it is a sequential decision problem, one decision per step, made
 * online as the request progresses, so the agent can correct for the
 * cold-start and transfer variability of earlier steps (§2.3).
 *
 * Workflows (001 §7.1): ML (three Preprocess → Train → Merge pipelines of
 * different data sizes, 9 steps, all entry steps ready at once), Video (pull
 * frame, three two-step chains, merge frame: 8 steps) and DAG16 (16 is-prime
 * steps of four difficulties in six layers).
 *
 * The environment also offers the measurements a performance estimator is
 * fitted on: `env.profilingSamples(opts)` runs isolated single-step profiling
 * runs (function, memory, p, q, jobs → mapping delay, download, compute,
 * upload; envs/stepconf/profiling.ts).
 *
 * ## Action Space
 *
 * `MultiDiscrete([|M|, |P|, |Q|])`, indices into the config's choice sets;
 * with the defaults `MultiDiscrete([5, 7, 3])`:
 *
 * | i | sets | default choices |
 * |---|---|---|
 * | 0 | memory size m, MB | M = [512, 1024, 2048, 4192, 10240] (the paper's profiling points, §7.2; 4192 as printed) |
 * | 1 | inter-function parallelism p | P = [1, 2, 4, 8, 16, 32, 64] |
 * | 2 | intra-function parallelism q | Q = [1, 2, 4] |
 *
 * An instance may use `threads × q` cores (threads: 1 for single-threaded
 * code, the preset's value for multi-core code), of which it gets
 * `max(1, round(1000·m / 1769)) / 1000` vCPUs.
 *
 * ## Observation Space
 *
 * `Box(float32, shape [10])`, about the step to configure (all times divided
 * by the SLO S, clipped to the bounds):
 *
 * | i | observation | min | max |
 * |---|---|---|---|
 * | 0 | job count γ / max of `jobRange` | 0 | 1 |
 * | 1 | data the step moves / the most any step moves at the largest γ | 0 | 1 |
 * | 2 | function class: single-threaded (one-hot) | 0 | 1 |
 * | 3 | function class: multi-core (one-hot) | 0 | 1 |
 * | 4 | elapsed time since the request started / S | 0 | 10 |
 * | 5 | remaining SLO budget (S − elapsed) / S | −9 | 1 |
 * | 6 | expected duration of this step at the reference configuration / S | 0 | 10 |
 * | 7 | critical-path estimate of the sub-graph from this step to the end, at the reference configuration / S | 0 | 10 |
 * | 8 | steps configured so far / steps of the workflow | 0 | 1 |
 * | 9 | steps running (configured, not completed) / steps of the workflow | 0 | 1 |
 *
 * The reference configuration (`referenceConfig`, default 2048 MB, p = 8,
 * q = 1) weights the critical path as the most cost-effective θ* weights it
 * in Algorithm 1 (§4.3, eq. 13–14); the expected step time is the sum of the
 * §3.2 phases on the simulator's model (envs/stepconf/critical-path.ts). The
 * final observation (no step left) has features 1–3 and 6–7 at 0 and
 * elapsed = the end-to-end latency.
 *
 * ## Rewards
 *
 * Minus the cost of the function steps, §3.5: `c_i = p_i · (t_i · m_i · μ0 + μ1)`
 * at AWS Lambda x86 prices (μ0 = $0.0000166667 per GB-second, μ1 = $0.20 per
 * million requests), each instance billed for its own download + compute +
 * upload; and, on the terminal step, minus the SLO penalty when the request
 * missed its SLO (T > S, or failed): `missPenaltyUsd + latenessPenaltyUsd ·
 * (T − S) / S`. All times `rewardScale` (1000: thousandths of a dollar).
 * A step's cost is known only once it completes, possibly after later
 * decisions, so each `env.step` pays the costs of the steps that completed
 * since the previous one, and the terminal step pays the rest and the penalty:
 * the rewards of an episode sum to exactly `−rewardScale · (total cost + penalty)`.
 * With prewarming on, each prewarmed instance costs one request (μ1).
 *
 * ## Starting State
 *
 * The request arrives at time 0 with γ jobs, γ drawn uniformly from the
 * integers of `jobRange`; every step then does its preset work × γ / 100.
 * The first observation is about its first ready step (for ML one of three
 * entry steps, all ready at once). Each episode runs on a fresh cluster whose
 * seed is drawn from the environment's generator. No instance is warm.
 *
 * ## Episode End
 *
 * 1. Termination: every step has completed (the episode has exactly one
 *    `env.step` per workflow step: 9 for ML, 8 for Video, 16 for DAG16), or a
 *    step failed (only possible with memory below a function's 128 MB footprint
 *    on a custom backend).
 * 2. Truncation: `maxEpisodeSteps` is twice the number of steps, never reached.
 *
 * `info` of every step: the configured step (`stage`, `fn`, `config`), the
 * `reports` of the steps that completed since the previous step (mapping
 * delay, download, compute, upload, cost), `stepCostUsd`, `elapsed`,
 * `sloRemaining` (seconds), the `next` step; on the terminal step also
 * `latency`, `sloMet`, `failed`, `totalCostUsd`, `penaltyUsd`.
 *
 * ## Arguments
 *
 * See docs/envs/stepconf.md (from `stepconfSchema`): `sloSeconds` (ML 25 s,
 * Video 60 s, DAG16 60 s), the choice sets M, P, Q, `jobRange`,
 * `referenceConfig`, the penalty weights, `rewardScale`, `prewarm` and
 * `backend` (which must offer per-stage decisions, `Cluster.control`; the
 * simulator does, others are refused with a `ConfigError`).
 *
 * ## Version History
 *
 * - v0: initial version.
 *
 * ## Source
 *
 * - Z. Wen, Q. Chen, Y. Niu, Z. Song, Q. Deng, F. Liu, "Joint Optimization of
 *   Parallelism and Resource Configuration for Serverless Function Steps"
 *   (StepConf), IEEE TPDS (../shared/papers/001_6cc3de7b1a28c932.txt):
 *   §2 motivation, §3 performance and cost model, §4 problem and Algorithm 1,
 *   §5 configuration-aware prewarming, §7.1 workflows and setup.
 * - AWS Lambda pricing and the 1769 MB per vCPU rule (the paper's [3], [17]).
 */
import type { Cluster, DecisionControl, DecisionPoint, StageReport } from '../../src/cluster/types.js';
import type { SimFunctionSpec } from '../../src/cluster/sim/spec.js';
import { BaseEnv } from '../../src/core/base-env.js';
import type { ResetResult, StepResult } from '../../src/core/env.js';
import { BackendError, ConfigError, quote } from '../../src/core/errors.js';
import type { Box } from '../../src/spaces/box.js';
import { MultiDiscrete } from '../../src/spaces/multi-discrete.js';
import { createCluster } from '../common/backend.js';
import { parseStepconfConfig, type StepconfConfig, type StepconfSettings } from './config.js';
import { expectedPhases, instanceThreads, longestPathsToSink, workflowGraph, type StepConfig, type WorkflowGraph } from './critical-path.js';
import { observationSpace, observe } from './observation.js';
import { profileSamples, type ProfileOptions, type ProfileSample } from './profiling.js';
import { prewarmCostUsd, reportsCostUsd, sloMet, sloPenaltyUsd, stepReward } from './reward.js';
import { NOMINAL_JOBS, episodeScenario, stepconfFragment, type StepconfWorkflow } from './scenario.js';
import type { ScenarioFragment } from '../../src/workloads/presets/index.js';

type StageDecision = Extract<DecisionPoint, { kind: 'stage' }>;

/** What one episode holds. */
interface Episode {
  cluster: Cluster;
  control: DecisionControl;
  jobs: number;
  /** Expected duration of each stage at the reference configuration, and the critical path from it. */
  estimates: number[];
  criticalPaths: number[];
  pending: StageDecision | null;
  requestStart: number;
  decided: number;
  completed: number;
  failed: boolean;
  lastCompletedAt: number;
  totalCostUsd: number;
  prewarmed: Set<number>;
}

/** One StepConf workflow: an `Env` that configures its function steps one by one. */
export class StepConfEnv extends BaseEnv<number[], number[]> {
  readonly observationSpace: Box = observationSpace();
  readonly actionSpace: MultiDiscrete;
  readonly settings: StepconfSettings;
  /** The workflow's steps as a DAG. */
  readonly graph: WorkflowGraph;
  private readonly fragment: ScenarioFragment;
  private readonly workflowName: string;
  private readonly fnSpecs: Map<string, SimFunctionSpec>;
  private readonly maxDataMb: number;
  private ep: Episode | null = null;

  constructor(workflow: StepconfWorkflow, config: StepconfConfig = {}) {
    super();
    this.settings = parseStepconfConfig(workflow, config);
    const { fragment, workflow: wf, functions } = stepconfFragment(workflow);
    this.fragment = fragment;
    this.workflowName = wf.name;
    this.fnSpecs = functions;
    this.graph = workflowGraph(wf);
    const s = this.settings;
    this.actionSpace = new MultiDiscrete([s.memorySizesMb.length, s.parallelisms.length, s.intraParallelisms.length]);
    this.maxDataMb = Math.max(...this.graph.fns.map((f) => this.dataMb(f, s.jobRange[1])));
  }

  /** The preset spec of a function of the workflow. */
  functionSpec(fn: string): SimFunctionSpec {
    const spec = this.fnSpecs.get(fn);
    if (!spec) throw new ConfigError(`${this.settings.id}: unknown function ${quote(fn)}`);
    return structuredClone(spec);
  }

  /** Job count γ of the current episode (null before the first reset). */
  get jobs(): number | null {
    return this.ep?.jobs ?? null;
  }

  /** The step waiting for its configuration (null between episodes). */
  get pendingStep(): { stage: string; fn: string; time: number } | null {
    const d = this.ep?.pending;
    return d ? { stage: d.stage, fn: d.fn, time: d.time } : null;
  }

  /** Expected phases of a step of this episode under θ (the critical-path model; needs a reset). */
  expectedStep(stage: string, theta: StepConfig): ReturnType<typeof expectedPhases> {
    const s = this.graph.index.get(stage);
    if (s === undefined) throw new ConfigError(`${this.settings.id}: unknown step ${quote(stage)}`);
    return expectedPhases(this.fnSpecs.get(this.graph.fns[s] as string) as SimFunctionSpec, (this.ep?.jobs ?? NOMINAL_JOBS) / NOMINAL_JOBS, theta);
  }

  /** The configuration θ an action stands for. */
  decode(action: readonly number[]): StepConfig {
    const s = this.settings;
    return { memoryMb: s.memorySizesMb[action[0] as number] as number, parallelism: s.parallelisms[action[1] as number] as number, intra: s.intraParallelisms[action[2] as number] as number };
  }

  /** Profiling samples of this workflow's functions on this environment's backend (see profiling.ts). */
  profilingSamples(opts: Omit<ProfileOptions, 'backend'> = {}): Promise<ProfileSample[]> {
    return profileSamples(this.fragment, { ...opts, backend: this.settings.backend });
  }

  protected async resetEnv(options: Record<string, unknown>): Promise<ResetResult<number[]>> {
    const keys = Object.keys(options);
    if (keys.length > 0) throw new ConfigError(`${this.settings.id}: reset takes no options, got ${quote(keys)}`);
    await this.closeEpisode();
    const s = this.settings;
    const jobs = this.rng.integer(s.jobRange[0], s.jobRange[1] + 1);
    const simSeed = this.rng.nextUint32();
    const cluster = createCluster(s.backend, episodeScenario(this.fragment, { seed: simSeed, jobs }));
    const control = cluster.control;
    if (!control) {
      await cluster.close();
      throw new ConfigError(
        `${s.id}: backend ${quote(s.backend.kind)} offers no per-stage decisions (Cluster.control); StepConf configures each workflow step as it becomes ready and needs a backend that pauses there, such as "sim"`,
      );
    }
    const estimates = this.graph.fns.map((f) => expectedPhases(this.fnSpecs.get(f) as SimFunctionSpec, jobs / NOMINAL_JOBS, s.reference).total);
    const ep: Episode = {
      cluster, control, jobs, estimates, criticalPaths: longestPathsToSink(this.graph, estimates), pending: null,
      requestStart: control.now(), decided: 0, completed: 0, failed: false, lastCompletedAt: control.now(), totalCostUsd: 0, prewarmed: new Set(),
    };
    this.ep = ep;
    control.submit(this.workflowName);
    ep.pending = this.asStage(await control.nextDecision());
    if (!ep.pending) throw new BackendError(`${s.id}: the workflow request did not pause at its first step`);
    return { obs: this.observation(), info: { jobs, simSeed, sloSeconds: s.sloSeconds, next: { stage: ep.pending.stage, fn: ep.pending.fn } } };
  }

  protected async stepEnv(action: number[]): Promise<StepResult<number[]>> {
    const ep = this.ep as Episode;
    const s = this.settings;
    const d = ep.pending as StageDecision;
    const theta = this.decode(action);
    const fnSpec = this.fnSpecs.get(d.fn) as SimFunctionSpec;
    const threads = instanceThreads(fnSpec, theta.intra);
    ep.control.configureStage(d.id, { memoryMb: theta.memoryMb, parallelism: theta.parallelism, threads });
    ep.decided++;
    let costUsd = s.prewarm ? await this.prewarmSuccessors(d.stage) : 0;
    const next = this.asStage(await ep.control.nextDecision());
    const reports = ep.control.takeStageReports();
    costUsd += reportsCostUsd(reports);
    ep.totalCostUsd += costUsd;
    for (const r of reports) {
      ep.completed++;
      if (r.failed > 0) ep.failed = true;
      ep.lastCompletedAt = Math.max(ep.lastCompletedAt, r.completedAt);
    }
    const info: Record<string, unknown> = {
      stage: d.stage,
      fn: d.fn,
      config: { ...theta, threads },
      reports: reports.map(reportInfo),
      stepCostUsd: costUsd,
    };
    const terminated = next === null || ep.failed;
    if (!terminated) {
      ep.pending = next;
      const elapsed = next.time - ep.requestStart;
      Object.assign(info, { elapsed, sloRemaining: s.sloSeconds - elapsed, next: { stage: next.stage, fn: next.fn } });
      return { obs: this.observation(), reward: stepReward(costUsd, 0, s.rewardScale), terminated: false, truncated: false, info };
    }
    ep.pending = null;
    if (ep.completed < this.graph.stages.length) ep.failed = true; // ended without every step: the request did not complete
    const latency = ep.lastCompletedAt - ep.requestStart;
    const outcome = { latency, sloSeconds: s.sloSeconds, failed: ep.failed };
    const penaltyUsd = sloPenaltyUsd(outcome, s);
    Object.assign(info, {
      elapsed: latency, sloRemaining: s.sloSeconds - latency, next: null,
      latency, sloMet: sloMet(outcome), failed: ep.failed, totalCostUsd: ep.totalCostUsd, penaltyUsd,
    });
    return { obs: this.observation(latency), reward: stepReward(costUsd, penaltyUsd, s.rewardScale), terminated: true, truncated: false, info };
  }

  protected override async closeEnv(): Promise<void> {
    await this.closeEpisode();
  }

  private async closeEpisode(): Promise<void> {
    const ep = this.ep;
    this.ep = null;
    if (ep) await ep.cluster.close();
  }

  private asStage(d: DecisionPoint | null): StageDecision | null {
    if (d === null || d.kind === 'stage') return d;
    throw new BackendError(`${this.settings.id}: expected a stage decision from the cluster, got ${quote(d)}`);
  }

  /** MB a step of `fn` moves with `jobs` jobs. */
  private dataMb(fn: string, jobs: number): number {
    return ((this.fnSpecs.get(fn)?.transferMb ?? 0) * jobs) / NOMINAL_JOBS;
  }

  /** §5: start instances of the successors of `stage` at the reference configuration; returns their cost. */
  private async prewarmSuccessors(stage: string): Promise<number> {
    const ep = this.ep as Episode;
    const ref = this.settings.reference;
    let cost = 0;
    for (const t of this.graph.next[this.graph.index.get(stage) as number] as number[]) {
      if (ep.prewarmed.has(t)) continue;
      ep.prewarmed.add(t);
      const fn = this.graph.fns[t] as string;
      const result = await ep.cluster.apply([
        { kind: 'resize', fn, memoryMb: ref.memoryMb },
        { kind: 'prewarm', fn, count: ref.parallelism },
      ]);
      if (result.applied.some((c) => c.kind === 'prewarm')) cost += prewarmCostUsd(ref.parallelism);
    }
    return cost;
  }

  private observation(finalLatency?: number): number[] {
    const ep = this.ep as Episode;
    const s = this.settings;
    const d = ep.pending;
    const base = {
      jobs: ep.jobs, maxJobs: s.jobRange[1], sloSeconds: s.sloSeconds, stepsTotal: this.graph.stages.length,
      decided: ep.decided, running: ep.decided - ep.completed,
    };
    if (!d) return observe({ ...base, elapsed: finalLatency ?? 0, running: 0, step: null });
    const i = this.graph.index.get(d.stage) as number;
    return observe({
      ...base,
      elapsed: d.time - ep.requestStart,
      step: {
        dataMb: this.dataMb(d.fn, ep.jobs),
        maxDataMb: this.maxDataMb,
        multiCore: ((this.fnSpecs.get(d.fn) as SimFunctionSpec).threads ?? 1) > 1,
        estimate: ep.estimates[i] as number,
        criticalPath: ep.criticalPaths[i] as number,
      },
    });
  }
}

function reportInfo(r: StageReport): Record<string, unknown> {
  return {
    stage: r.stage, fn: r.fn, firedAt: r.firedAt, completedAt: r.completedAt,
    memoryMb: r.memoryMb, parallelism: r.parallelism, threads: r.threads,
    mappingDelay: r.mappingDelay, download: r.download, compute: r.compute, upload: r.upload,
    failed: r.failed, costUsd: r.costUsd,
  };
}
