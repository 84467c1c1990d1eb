import type { Env, Info, ParallelEnv } from '../core/env.js';
import { InvalidActionError, ResetNeededError, quote } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import { Discrete } from '../spaces/discrete.js';
import { isSpace, type Space } from '../spaces/space.js';
import { deepEqual, isPlainObject, outsideValue } from './check-util.js';

/** The rules `checkEnv` / `checkParallelEnv` apply, by name. */
export const SINGLE_RULES = [
  'spaces-are-spaces',
  'step-before-reset',
  'reset-result',
  'reset-obs-in-space',
  'step-result',
  'step-obs-in-space',
  'invalid-action-rejected',
  'deterministic',
  'close-twice',
] as const;

export const PARALLEL_RULES = [
  'possible-agents',
  'spaces-are-spaces',
  'step-before-reset',
  'reset-result',
  'reset-obs-in-space',
  'step-result',
  'step-obs-in-space',
  'agents-shrink',
  'state-and-adjacency',
  'invalid-action-rejected',
  'deterministic',
  'close-twice',
] as const;

export interface CheckFailure {
  rule: string;
  message: string;
}

export interface CheckReport {
  /** True when no rule failed. */
  ok: boolean;
  passed: string[];
  failed: CheckFailure[];
  /** Rules not applied (e.g. `deterministic` for a nondeterministic env), with the reason. */
  skipped: CheckFailure[];
}

export interface CheckOptions {
  /** Seed for resets and sampled actions. @default 0 */
  seed?: number;
  /** Steps per trajectory in the step and determinism rules. @default 50 */
  steps?: number;
  /** Skip the determinism rule. @default env.spec?.nondeterministic ?? false */
  nondeterministic?: boolean;
}

/** Collects rule outcomes; a rule that throws unexpectedly fails with the error's message. */
class Report {
  readonly passed: string[] = [];
  readonly failed: CheckFailure[] = [];
  readonly skipped: CheckFailure[] = [];

  async rule(name: string, body: () => Promise<string | null> | string | null): Promise<boolean> {
    let problem: string | null;
    try {
      problem = await body();
    } catch (err) {
      problem = `threw ${err instanceof Error ? `${err.name}: ${err.message}` : quote(err)}`;
    }
    if (problem === null) this.passed.push(name);
    else this.failed.push({ rule: name, message: problem });
    return problem === null;
  }

  skip(name: string, why: string): void {
    this.skipped.push({ rule: name, message: why });
  }

  done(): CheckReport {
    return { ok: this.failed.length === 0, passed: this.passed, failed: this.failed, skipped: this.skipped };
  }
}

async function expectThrows(fn: () => Promise<unknown>, cls: new (...a: never[]) => Error, what: string): Promise<string | null> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof cls) return null;
    return `${what} threw ${err instanceof Error ? `${err.name}: ${err.message}` : quote(err)} instead of ${cls.name}`;
  }
  return `${what} did not throw ${cls.name}`;
}

/**
 * A random valid action: for a Discrete space whose env reports an action mask
 * in `info.actionMask` (1 = allowed; Gymnasium's `action_mask` convention),
 * uniformly among the allowed actions; otherwise a sample of the space.
 */
export function sampleAction(space: Space<unknown>, info: unknown, rng: Rng): unknown {
  const mask = (info as { actionMask?: unknown } | null)?.actionMask;
  if (space instanceof Discrete && Array.isArray(mask) && mask.length === space.n) {
    const allowed: number[] = [];
    mask.forEach((m, i) => {
      if (m) allowed.push(space.start + i);
    });
    if (allowed.length > 0) return allowed[rng.integer(0, allowed.length)];
  }
  return space.sample(rng);
}

function checkInfo(info: unknown, where: string): string | null {
  return isPlainObject(info) ? null : `${where} info must be a plain object, got ${quote(info)}`;
}

/**
 * Check a fresh (never reset) single-agent environment against the `Env`
 * contract. Every rule runs (a failure does not stop the others, except that
 * nothing can run without valid spaces); the report names each failed rule.
 * The environment is closed at the end.
 */
export async function checkEnv(env: Env<unknown, unknown>, opts: CheckOptions = {}): Promise<CheckReport> {
  const seed = opts.seed ?? 0;
  const steps = opts.steps ?? 50;
  const report = new Report();
  const spacesOk = await report.rule('spaces-are-spaces', () => {
    if (!isSpace(env.observationSpace)) return `observationSpace is not a Space: ${quote(env.observationSpace)}`;
    if (!isSpace(env.actionSpace)) return `actionSpace is not a Space: ${quote(env.actionSpace)}`;
    return null;
  });
  if (!spacesOk) {
    await report.rule('close-twice', async () => { await env.close(); await env.close(); return null; });
    return report.done();
  }
  const obsSpace = env.observationSpace, actSpace = env.actionSpace;
  const actions = new Rng(seed + 1);

  await report.rule('step-before-reset', () => expectThrows(() => env.step(actSpace.sample(actions)), ResetNeededError, 'step() before reset()'));

  let obs: unknown;
  const resetOk = await report.rule('reset-result', async () => {
    const r = await env.reset({ seed });
    if (!isPlainObject(r) || !('obs' in r)) return `reset() must return {obs, info}, got ${quote(r)}`;
    obs = r.obs;
    return checkInfo(r.info, 'reset()');
  });
  if (resetOk) await report.rule('reset-obs-in-space', () => explainObs(obsSpace, obs, 'reset()'));

  await report.rule('invalid-action-rejected', async () => {
    if (!resetOk) return 'could not reset';
    const bad = outsideValue(actSpace);
    return expectThrows(() => env.step(bad), InvalidActionError, `step(${quote(bad)})`);
  });

  const stepProblems: string[] = [];
  const obsProblems: string[] = [];
  const runTrajectory = async (): Promise<unknown[]> => {
    const trace: unknown[] = [];
    const rng = new Rng(seed + 2);
    let r = await env.reset({ seed });
    let info: unknown = r.info;
    trace.push(r.obs);
    for (let t = 0; t < steps; t++) {
      const s = await env.step(sampleAction(actSpace, info, rng));
      info = s.info;
      if (!isPlainObject(s)) { stepProblems.push(`step() must return an object, got ${quote(s)}`); break; }
      if (typeof s.reward !== 'number' || !Number.isFinite(s.reward)) stepProblems.push(`reward must be a finite number, got ${quote(s.reward)}`);
      if (typeof s.terminated !== 'boolean') stepProblems.push(`terminated must be a boolean, got ${quote(s.terminated)}`);
      if (typeof s.truncated !== 'boolean') stepProblems.push(`truncated must be a boolean, got ${quote(s.truncated)}`);
      const infoProblem = checkInfo(s.info, 'step()');
      if (infoProblem) stepProblems.push(infoProblem);
      const obsProblem = explainObs(obsSpace, s.obs, `step ${t}`);
      if (obsProblem) obsProblems.push(obsProblem);
      trace.push([s.obs, s.reward, s.terminated, s.truncated]);
      if (s.terminated || s.truncated) {
        r = await env.reset();
        info = r.info;
        trace.push(r.obs);
      }
    }
    return trace;
  };
  let first: unknown[] | null = null;
  await report.rule('step-result', async () => {
    if (!resetOk) return 'could not reset';
    first = await runTrajectory();
    return stepProblems[0] ?? null;
  });
  const ran = (): boolean => first !== null;
  await report.rule('step-obs-in-space', () => (ran() ? obsProblems[0] ?? null : 'no trajectory ran'));

  const nondeterministic = opts.nondeterministic ?? env.spec?.nondeterministic ?? false;
  if (nondeterministic) report.skip('deterministic', 'the environment is registered as nondeterministic');
  else {
    await report.rule('deterministic', async () => {
      if (!first) return 'no trajectory ran';
      const second = await runTrajectory();
      return firstDifference(first, second);
    });
  }
  await report.rule('close-twice', async () => { await env.close(); await env.close(); return null; });
  return report.done();
}

function explainObs(space: Space<unknown>, obs: unknown, where: string): string | null {
  const why = space.explain(obs);
  return why === null ? null : `${where} observation ${quote(obs)} is not in the observation space: ${why}`;
}

function firstDifference(a: unknown[], b: unknown[]): string | null {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (!deepEqual(a[i], b[i])) return `same seed and actions gave different trajectories at record ${i}: ${quote(a[i])} vs ${quote(b[i])}`;
  }
  return null;
}

/** Check a fresh (never reset) parallel environment against the `ParallelEnv` contract (PettingZoo parallel API). */
export async function checkParallelEnv(env: ParallelEnv<string, unknown, unknown>, opts: CheckOptions = {}): Promise<CheckReport> {
  const seed = opts.seed ?? 0;
  const steps = opts.steps ?? 50;
  const report = new Report();
  const agentsOk = await report.rule('possible-agents', () => {
    const pa = env.possibleAgents;
    if (!Array.isArray(pa) || pa.length === 0) return `possibleAgents must be a non-empty array, got ${quote(pa)}`;
    if (pa.some((a) => typeof a !== 'string')) return `possibleAgents must be strings, got ${quote(pa)}`;
    if (new Set(pa).size !== pa.length) return `possibleAgents has duplicates: ${quote(pa)}`;
    return null;
  });
  const spacesOk = agentsOk && (await report.rule('spaces-are-spaces', () => {
    for (const a of env.possibleAgents) {
      if (!isSpace(env.observationSpace(a))) return `observationSpace(${quote(a)}) is not a Space`;
      if (!isSpace(env.actionSpace(a))) return `actionSpace(${quote(a)}) is not a Space`;
    }
    return null;
  }));
  if (!spacesOk) {
    await report.rule('close-twice', async () => { await env.close(); await env.close(); return null; });
    return report.done();
  }
  const agents = [...env.possibleAgents];
  const sampleActions = (rng: Rng, live: readonly string[]): Record<string, unknown> =>
    Object.fromEntries(live.map((a) => [a, env.actionSpace(a).sample(rng)]));

  await report.rule('step-before-reset', () =>
    expectThrows(() => env.step(sampleActions(new Rng(seed), agents)), ResetNeededError, 'step() before reset()'));

  let resetObs: Record<string, unknown> = {};
  const resetOk = await report.rule('reset-result', async () => {
    const r = await env.reset({ seed });
    if (!isPlainObject(r) || !isPlainObject(r.obs) || !isPlainObject(r.info)) return `reset() must return {obs, info} keyed by agent, got ${quote(r)}`;
    resetObs = r.obs;
    const live = [...env.agents].sort().join(',');
    if (Object.keys(r.obs).sort().join(',') !== live) return `reset() obs keys ${quote(Object.keys(r.obs))} differ from agents ${quote(env.agents)}`;
    if (Object.keys(r.info).sort().join(',') !== live) return `reset() info keys ${quote(Object.keys(r.info))} differ from agents ${quote(env.agents)}`;
    return null;
  });
  if (resetOk) {
    await report.rule('reset-obs-in-space', () => {
      for (const [a, o] of Object.entries(resetObs)) {
        const p = explainObs(env.observationSpace(a), o, `reset() agent ${a}`);
        if (p) return p;
      }
      return null;
    });
  }

  await report.rule('state-and-adjacency', () => {
    if (env.state) {
      const s = env.state();
      if (!Array.isArray(s) || s.some((v) => typeof v !== 'number' || !Number.isFinite(v))) return `state() must be an array of finite numbers, got ${quote(s)}`;
    }
    if (env.adjacency) {
      const m = env.adjacency();
      const n = agents.length;
      if (!Array.isArray(m) || m.length !== n || m.some((row) => !Array.isArray(row) || row.length !== n || row.some((v) => typeof v !== 'number' || !Number.isFinite(v)))) {
        return `adjacency() must be a ${n}×${n} matrix of finite numbers, got ${quote(m)}`;
      }
    }
    return null;
  });

  await report.rule('invalid-action-rejected', async () => {
    if (!resetOk) return 'could not reset';
    const live = [...env.agents];
    const target = live[0] as string;
    const actions = sampleActions(new Rng(seed), live);
    actions[target] = outsideValue(env.actionSpace(target));
    return expectThrows(() => env.step(actions), InvalidActionError, `step() with ${target}'s action ${quote(actions[target])}`);
  });

  const stepProblems: string[] = [];
  const obsProblems: string[] = [];
  const shrinkProblems: string[] = [];
  const runTrajectory = async (): Promise<unknown[]> => {
    const trace: unknown[] = [];
    const rng = new Rng(seed + 2);
    trace.push((await env.reset({ seed })).obs);
    for (let t = 0; t < steps; t++) {
      const live = [...env.agents];
      const s = await env.step(sampleActions(rng, live));
      const keys = live.slice().sort().join(',');
      for (const field of ['obs', 'rewards', 'terminations', 'truncations', 'infos'] as const) {
        const part = (s as unknown as Record<string, unknown>)[field];
        if (!isPlainObject(part)) stepProblems.push(`step() ${field} must be an object keyed by agent, got ${quote(part)}`);
        else if (Object.keys(part).sort().join(',') !== keys) stepProblems.push(`step ${t}: ${field} keys ${quote(Object.keys(part))} differ from the agents that acted ${quote(live)}`);
      }
      for (const a of live) {
        if (typeof s.rewards?.[a] !== 'number' || !Number.isFinite(s.rewards[a])) stepProblems.push(`step ${t}: reward of ${a} must be a finite number, got ${quote(s.rewards?.[a])}`);
        if (typeof s.terminations?.[a] !== 'boolean') stepProblems.push(`step ${t}: termination of ${a} must be a boolean`);
        if (typeof s.truncations?.[a] !== 'boolean') stepProblems.push(`step ${t}: truncation of ${a} must be a boolean`);
        const info: Info | undefined = s.infos?.[a];
        const ip = checkInfo(info, `step ${t} agent ${a}`);
        if (ip) stepProblems.push(ip);
        if (s.obs && a in s.obs) {
          const op = explainObs(env.observationSpace(a), s.obs[a], `step ${t} agent ${a}`);
          if (op) obsProblems.push(op);
        }
      }
      const expected = live.filter((a) => !s.terminations?.[a] && !s.truncations?.[a]);
      if (expected.join(',') !== [...env.agents].join(',')) {
        shrinkProblems.push(`step ${t}: agents should be ${quote(expected)} (live minus terminated/truncated), got ${quote(env.agents)}`);
      }
      trace.push([s.obs, s.rewards, s.terminations, s.truncations]);
      if (env.agents.length === 0) trace.push((await env.reset()).obs);
    }
    return trace;
  };
  let first: unknown[] | null = null;
  await report.rule('step-result', async () => {
    if (!resetOk) return 'could not reset';
    first = await runTrajectory();
    return stepProblems[0] ?? null;
  });
  const ran = (): boolean => first !== null;
  await report.rule('step-obs-in-space', () => (ran() ? obsProblems[0] ?? null : 'no trajectory ran'));
  await report.rule('agents-shrink', () => (ran() ? shrinkProblems[0] ?? null : 'no trajectory ran'));

  const nondeterministic = opts.nondeterministic ?? env.spec?.nondeterministic ?? false;
  if (nondeterministic) report.skip('deterministic', 'the environment is registered as nondeterministic');
  else {
    await report.rule('deterministic', async () => {
      if (!first) return 'no trajectory ran';
      return firstDifference(first, await runTrajectory());
    });
  }
  await report.rule('close-twice', async () => { await env.close(); await env.close(); return null; });
  return report.done();
}

/** Render a report for people: one line per failed rule. */
export function formatReport(id: string, report: CheckReport): string {
  const lines = [`${id}: ${report.ok ? 'OK' : 'FAILED'} (${report.passed.length} passed, ${report.failed.length} failed, ${report.skipped.length} skipped)`];
  for (const f of report.failed) lines.push(`  ✗ ${f.rule}: ${f.message}`);
  for (const s of report.skipped) lines.push(`  - ${s.rule} skipped: ${s.message}`);
  return lines.join('\n');
}
