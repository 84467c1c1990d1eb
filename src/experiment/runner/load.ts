/**
 * Load an experiment file: parse (YAML/JSON), validate with the zod schema,
 * apply `--quick`, then check what needs the registries — env ids and
 * configs, agent names, their options and whether they run on each env,
 * metrics, claims. Every problem is one line `<file>: <path>: <what>, got
 * <value>`, all of them in one `ExperimentError` (the CLI exits 2), before
 * anything runs.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { getAgentFactory, resolveAttMFOptions, resolveDDPGOptions, resolveDQNOptions, resolveMADDPGOptions, resolveMeanFieldOptions, resolvePPOOptions, PPO_DEFAULTS } from '../../../agents/index.js'; // importing it registers the built-in agents
import { ConfigError, quote } from '../../core/errors.js';
import { formatIssues, type z } from '../../core/schema.js';
import { make, registry } from '../../registry/index.js';
import { metricApplies, metricDef, metricNames } from './metrics.js';
import { ExperimentSchema, type ClaimSpec, type ExperimentFile, type Protocol } from './schema.js';

/** A bad experiment file (or a bad command line about one): the CLI prints it and exits 2. */
export class ExperimentError extends ConfigError {}

export interface ResolvedEnv {
  label: string;
  id: string;
  config: Record<string, unknown> | undefined;
}

export interface ResolvedAgent {
  label: string;
  agent: string;
  options: Record<string, unknown>;
  zoo: boolean;
  /** Steps per cell; null: the zoo entry's, else 100000 (resolved per cell). */
  budget: number | null;
  /** Env labels it runs on (null: every env). */
  envs: string[] | null;
}

export interface ResolvedEval {
  episodes: number;
  seed: number;
  protocols: Protocol[];
  verify: { candidates?: number; episodes?: number; windows?: number };
  curvePoints: number;
}

export type ResolvedClaim = ClaimSpec & { id: string; protocol: Protocol };

export interface ResolvedExperiment {
  name: string;
  description: string;
  source: string;
  quick: boolean;
  envs: ResolvedEnv[];
  agents: ResolvedAgent[];
  seeds: number[];
  eval: ResolvedEval;
  metrics: string[];
  claims: ResolvedClaim[];
  paper: Record<string, unknown> | null;
}

export interface LoadedExperiment {
  file: string;
  text: string;
  resolved: ResolvedExperiment;
}

/** Learners whose options can be checked without an env (the rest are checked when their cell builds them). */
const OPTION_CHECKS: Record<string, (o: Record<string, unknown>) => unknown> = {
  dqn: resolveDQNOptions,
  ppo: (o) => resolvePPOOptions(o, PPO_DEFAULTS),
  ddpg: resolveDDPGOptions,
  maddpg: resolveMADDPGOptions,
  meanfield: resolveMeanFieldOptions,
  attmf: resolveAttMFOptions,
};

/** An agent's own option error, re-worded with the option's path in the file. */
function optionProblem(message: string, at: string): string {
  let m = /^\S+ option (\w+) must be (.*)$/.exec(message);
  if (m) return `${at}.${m[1]}: expected ${m[2]}`;
  m = /^unknown \S+ option ("[^"]*")(.*)$/.exec(message);
  if (m) return `${at}: unknown key ${m[1]}${m[2]}`;
  m = /^[^:\s]+(?: options)?: ([\w.[\]]+): (.*)$/.exec(message);
  if (m) return `${at}.${m[1].replace(/^options\./, '')}: ${m[2]}`;
  return `${at}: ${message}`;
}

function seedList(s: number | number[]): number[] {
  return Array.isArray(s) ? [...s] : Array.from({ length: s }, (_, i) => i);
}

function budgetOf(b: ExperimentFile['budget']): { steps: number | null; perAgent: Record<string, number> } {
  if (b === undefined) return { steps: null, perAgent: {} };
  if (typeof b === 'number') return { steps: b, perAgent: {} };
  return { steps: b.steps ?? null, perAgent: { ...(b.perAgent ?? {}) } };
}

function isSim(backend: unknown): boolean {
  return backend === undefined || backend === 'sim' || (typeof backend === 'object' && backend !== null && (backend as { kind?: unknown }).kind === 'sim');
}

/** Parse and check `data` (the file's parsed contents); `file` names it in errors. */
export function resolveExperiment(data: unknown, file: string, opts: { quick?: boolean } = {}): ResolvedExperiment {
  const r = ExperimentSchema.safeParse(data);
  if (!r.success) throw new ExperimentError(formatIssues(r.error as z.ZodError, data, file).join('\n'));
  const quick = opts.quick === true;
  const q = quick ? r.data.quick : undefined;
  const problems: string[] = [];
  const bad = (path: string, what: string): void => {
    problems.push(`${file}: ${path}: ${what}`);
  };
  const x = { ...r.data };
  if (q?.onlyEnvs) {
    const keep = new Set(q.onlyEnvs);
    q.onlyEnvs.forEach((l, i) => {
      if (!x.envs.some((e) => (e.label ?? e.id) === l)) bad(`quick.onlyEnvs[${i}]`, `no env has the label ${quote(l)}`);
    });
    x.envs = x.envs.filter((e) => keep.has(e.label ?? e.id));
    x.agents = x.agents.map((a) => (a.envs ? { ...a, envs: a.envs.filter((l) => keep.has(l)) } : a)).filter((a) => a.envs === undefined || a.envs.length > 0);
    x.claims = (x.claims ?? []).filter((c) => c.env === undefined || keep.has(c.env));
  }
  if (q?.onlyAgents) {
    const keep = new Set(q.onlyAgents);
    q.onlyAgents.forEach((l, i) => {
      if (!x.agents.some((a) => (a.label ?? a.agent) === l)) bad(`quick.onlyAgents[${i}]`, `no agent has the label ${quote(l)}`);
    });
    x.agents = x.agents.filter((a) => keep.has(a.label ?? a.agent));
    x.claims = (x.claims ?? []).filter((c) => (c.type === 'relative' ? keep.has(c.a) && keep.has(c.b) : keep.has(c.agent)));
  }

  // Envs.
  const envs: ResolvedEnv[] = [];
  const envRaw = new Map<string, { id: string; backend: unknown }>();
  x.envs.forEach((e, i) => {
    const lbl = e.label ?? e.id;
    if (envRaw.has(lbl)) bad(`envs[${i}]`, `env ${quote(lbl)} appears twice: give one a label`);
    envRaw.set(lbl, { id: e.id, backend: e.backend });
    let config: Record<string, unknown> | undefined = e.config || e.backend !== undefined ? { ...(e.config ?? {}), ...(e.backend !== undefined ? { backend: e.backend } : {}) } : undefined;
    const qc = q?.envs?.[lbl]?.config;
    if (qc) config = { ...(config ?? {}), ...qc };
    if (!registry.has(e.id)) bad(`envs[${i}].id`, `unknown environment ${quote(e.id)} (faasgym envs lists them: ${registry.ids().join(', ')})`);
    envs.push({ label: lbl, id: e.id, config });
  });
  for (const k of Object.keys(q?.envs ?? {})) if (!envRaw.has(k)) bad(`quick.envs.${k}`, `no env has the label ${quote(k)}`);

  // Agents.
  const budget = budgetOf(x.budget);
  const qBudget = q?.budget !== undefined ? budgetOf(q.budget) : null;
  const agents: ResolvedAgent[] = [];
  const labels = new Set<string>();
  x.agents.forEach((a, i) => {
    const lbl = a.label ?? a.agent;
    if (labels.has(lbl)) bad(`agents[${i}]`, `label ${quote(lbl)} appears twice: give one a label`);
    labels.add(lbl);
    const qa = q?.agents?.[lbl];
    const options = { ...(a.options ?? {}), ...(qa?.options ?? {}) };
    const steps = qa?.budget ?? qBudget?.perAgent[lbl] ?? (qBudget ? qBudget.steps : null) ?? a.budget ?? budget.perAgent[lbl] ?? budget.steps;
    agents.push({ label: lbl, agent: a.agent, options, zoo: a.zoo ?? true, budget: steps, envs: a.envs ? [...a.envs] : null });
    a.envs?.forEach((l, j) => {
      if (!envRaw.has(l)) bad(`agents[${i}].envs[${j}]`, `no env has the label ${quote(l)} (${[...envRaw.keys()].join(', ')})`);
    });
    let factory;
    try {
      factory = getAgentFactory(a.agent);
    } catch (err) {
      bad(`agents[${i}].agent`, (err as Error).message);
      return;
    }
    const schema = (factory as { optionsSchema?: z.ZodType }).optionsSchema;
    const check = OPTION_CHECKS[a.agent];
    try {
      if (schema) {
        const p = schema.safeParse(options);
        if (!p.success) problems.push(...formatIssues(p.error, options, file, `agents[${i}].options`));
      } else if (check) check(options);
      // Baselines and `<learner>+ses` check their options when their cell builds them (a failed cell names the option).
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems.push(`${file}: ${optionProblem(err.message, `agents[${i}].options`)}`);
    }
    for (const [label2, env] of envRaw) {
      if (!registry.has(env.id) || !isSim(env.backend) || (a.envs && !a.envs.includes(label2))) continue;
      const made = make(env.id, envs.find((e) => e.label === label2)?.config);
      try {
        const why = factory.supports(made);
        if (why) bad(`agents[${i}].agent`, `${a.agent} cannot run on ${env.id}: ${why}`);
      } finally {
        void made.close();
      }
    }
  });
  for (const k of Object.keys(q?.agents ?? {})) if (!labels.has(k)) bad(`quick.agents.${k}`, `no agent has the label ${quote(k)}`);
  for (const k of Object.keys({ ...budget.perAgent, ...(qBudget?.perAgent ?? {}) })) if (!labels.has(k)) bad(`budget.perAgent.${k}`, `no agent has the label ${quote(k)}`);

  // Env configs (sim only: a real backend is not contacted before the run).
  envs.forEach((e, i) => {
    if (!registry.has(e.id) || !isSim(envRaw.get(e.label)?.backend)) return;
    try {
      void make(e.id, e.config).close();
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      bad(`envs[${i}].config`, err.message);
    }
  });

  // Evaluation.
  const ev = { ...(x.eval ?? {}), ...(q?.eval ?? {}) };
  const protocols = [...new Set(ev.protocols ?? ['greedy'])] as Protocol[];
  if (protocols.includes('best-found')) {
    for (const e of envs) if (!/^FaaSConf-/.test(e.id)) bad('eval.protocols', `best-found re-measures FaaSConf configurations, so every env must be FaaSConf-*, got ${quote(e.id)}`);
  }
  const resolvedEval: ResolvedEval = { episodes: ev.episodes ?? 5, seed: ev.seed ?? 1_000_000, protocols, verify: { ...(x.eval?.verify ?? {}), ...(q?.eval?.verify ?? {}) }, curvePoints: ev.curvePoints ?? 10 };

  // Metrics.
  x.metrics.forEach((m, i) => {
    const def = metricDef(m);
    if (!def) bad(`metrics[${i}]`, `unknown metric ${quote(m)} (known: ${metricNames().join(', ')})`);
    else if (!envs.some((e) => metricApplies(def, e.id))) bad(`metrics[${i}]`, `${quote(m)} is not measured on any env of the experiment (${envs.map((e) => e.id).join(', ')})`);
  });

  // Claims (under `--quick`, the quick section's own claims replace the file's).
  const claimsAt = q?.claims ? 'quick.claims' : 'claims';
  const claims: ResolvedClaim[] = (q?.claims ?? x.claims ?? []).map((c, i) => {
    const at = `${claimsAt}[${i}]`;
    if (!x.metrics.includes(c.metric)) bad(`${at}.metric`, `${quote(c.metric)} is not one of the experiment's metrics (${x.metrics.join(', ')})`);
    if (c.env !== undefined && !envRaw.has(c.env)) bad(`${at}.env`, `no env has the label ${quote(c.env)} (${[...envRaw.keys()].join(', ')})`);
    if (c.protocol !== undefined && !protocols.includes(c.protocol)) bad(`${at}.protocol`, `${quote(c.protocol)} is not one of eval.protocols (${protocols.join(', ')})`);
    const names = c.type === 'relative' ? ([['a', c.a], ['b', c.b]] as const) : ([['agent', c.agent]] as const);
    for (const [k, v] of names) if (!labels.has(v)) bad(`${at}.${k}`, `no agent has the label ${quote(v)} (${[...labels].join(', ')})`);
    if (c.type === 'threshold' && c.atLeast === undefined && c.atMost === undefined) bad(at, 'a threshold claim needs atLeast or atMost');
    return { ...c, id: c.id ?? `c${i + 1}`, protocol: c.protocol ?? (protocols[0] as Protocol) };
  });
  const ids = claims.map((c) => c.id);
  ids.forEach((id, i) => {
    if (ids.indexOf(id) !== i) bad(`${claimsAt}[${i}].id`, `${quote(id)} appears twice`);
  });

  if (problems.length) throw new ExperimentError(problems.join('\n'));
  return {
    name: x.name,
    description: x.description,
    source: x.source,
    quick,
    envs,
    agents,
    seeds: seedList(q?.seeds ?? x.seeds),
    eval: resolvedEval,
    metrics: [...x.metrics],
    claims,
    paper: x.paper ?? null,
  };
}

/** Read, parse and check an experiment file. */
export function loadExperiment(file: string, opts: { quick?: boolean } = {}): LoadedExperiment {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ExperimentError(`${file}: cannot read the experiment file: ${(err as Error).message}`, { cause: err });
  }
  let data: unknown;
  try {
    data = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ExperimentError(`${file}: invalid ${/\.json$/i.test(file) ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
  return { file, text, resolved: resolveExperiment(data, file, opts) };
}
