/**
 * The grid: an experiment expands into cells (env × agent × seed), each with
 * its resolved configuration and that configuration's hash (resume skips a
 * cell whose finished result has the same hash). Also the selection of cells
 * (`--only`, `--shard i/n`).
 */
import { createHash } from 'node:crypto';
import { version } from '../../version.js';
import { ExperimentError, type ResolvedEval, type ResolvedExperiment } from './load.js';
import { metricApplies, metricDef } from './metrics.js';
import type { CellKey } from './types.js';

/** Everything a worker needs to run one cell (written as the cell folder's `cell.json`). */
export interface CellSpec {
  key: CellKey;
  /** The registered env id (`key.env` is its label). */
  envId: string;
  envConfig: Record<string, unknown> | null;
  agent: string;
  options: Record<string, unknown>;
  zoo: boolean;
  /** Steps of the cell; null: the zoo entry's, else 100000. */
  budget: number | null;
  eval: ResolvedEval;
  /** The experiment's metrics that apply to this env. */
  metrics: string[];
  packageVersion: string;
  configHash: string;
  /** Position in the full grid (before --only), for the stable shard assignment. */
  index: number;
}

/** JSON with sorted keys, so equal configurations hash equally. */
export function stableJson(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(stableJson).join(',')}]`;
  if (x !== null && typeof x === 'object') {
    return `{${Object.keys(x as Record<string, unknown>)
      .filter((k) => (x as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((x as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(x) ?? 'null';
}

export function cellId(env: string, label: string, seed: number): string {
  return `${env}__${label}__s${seed}`;
}

/** The cells of `x`, env-major, then agent, then seed. */
export function expandCells(x: ResolvedExperiment): CellSpec[] {
  const out: CellSpec[] = [];
  const packageVersion = version();
  for (const e of x.envs) {
    for (const a of x.agents) {
      if (a.envs && !a.envs.includes(e.label)) continue;
      for (const seed of x.seeds) {
        const metrics = x.metrics.filter((m) => {
          const d = metricDef(m);
          return d !== undefined && metricApplies(d, e.id);
        });
        const base = { envId: e.id, envConfig: e.config ?? null, agent: a.agent, options: a.options, zoo: a.zoo, budget: a.budget, seed, eval: x.eval, metrics, packageVersion };
        const configHash = createHash('sha256').update(stableJson(base)).digest('hex');
        const key: CellKey = { id: cellId(e.label, a.label, seed), env: e.label, agent: a.agent, label: a.label, seed };
        out.push({ key, envId: e.id, envConfig: base.envConfig, agent: a.agent, options: a.options, zoo: a.zoo, budget: a.budget, eval: x.eval, metrics, packageVersion, configHash, index: out.length });
      }
    }
  }
  return out;
}

/** `--shard i/n` → [i, n]. */
export function parseShard(text: string): [number, number] {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const i = m ? Number(m[1]) : NaN, n = m ? Number(m[2]) : NaN;
  if (!m || !Number.isSafeInteger(i) || !Number.isSafeInteger(n) || n < 1 || i >= n) throw new ExperimentError(`--shard expects i/n with 0 <= i < n (e.g. 0/4), got "${text}"`);
  return [i, n];
}

/** The cells of shard `i` of `n`: cell k of the full grid belongs to shard k mod n (stable for a given file and --quick). */
export function shardCells(cells: readonly CellSpec[], i: number, n: number): CellSpec[] {
  return cells.filter((c) => c.index % n === i);
}

export interface OnlyFilter {
  agent?: string[];
  env?: string[];
  seed?: number[];
}

/** `--only agent=dqn,agent=ppo,env=CartPole-v1,seed=0`: keys AND, repeated values OR. */
export function parseOnly(text: string): OnlyFilter {
  const f: OnlyFilter = {};
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(agent|env|seed)=(.+)$/.exec(part);
    if (!m) throw new ExperimentError(`--only expects agent=…, env=… or seed=… separated by commas, got "${part}"`);
    const k = m[1] as keyof OnlyFilter, v = m[2] as string;
    if (k === 'seed') {
      const s = Number(v);
      if (!Number.isSafeInteger(s) || s < 0) throw new ExperimentError(`--only seed must be an integer >= 0, got "${v}"`);
      f.seed = [...(f.seed ?? []), s];
    } else f[k] = [...(f[k] ?? []), v];
  }
  return f;
}

export function onlyCells(cells: readonly CellSpec[], f: OnlyFilter): CellSpec[] {
  const out = cells.filter(
    (c) =>
      (!f.agent || f.agent.includes(c.key.label) || f.agent.includes(c.agent)) &&
      (!f.env || f.env.includes(c.key.env) || f.env.includes(c.envId)) &&
      (!f.seed || f.seed.includes(c.key.seed)),
  );
  if (out.length === 0) throw new ExperimentError(`--only selects no cell (agents: ${[...new Set(cells.map((c) => c.key.label))].join(', ')}; envs: ${[...new Set(cells.map((c) => c.key.env))].join(', ')})`);
  return out;
}
