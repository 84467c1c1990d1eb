/**
 * The hyperparameter zoo: `configs/zoo/<agent>.yaml` holds, per environment id,
 * tuned agent options and the environment's default step budget (as
 * rl-baselines3-zoo's `hyperparams/<algo>.yml`). `faasgym train` starts from the
 * zoo entry of its `--env`, then applies `--config` and `--set`.
 *
 * ```yaml
 * CartPole-v1:
 *   steps: 50000        # default --steps
 *   evalEpisodes: 20    # episodes of each evaluation (optional)
 *   evalEvery: 2500     # evaluate every this many steps during training (optional)
 *   stopAtReturn: 475   # stop once such an evaluation's mean return reaches this (optional)
 *   envConfig: {}       # config passed to make() (optional)
 *   options:            # agent options, validated by the agent
 *     learningRate: 2.3e-3
 * ```
 *
 * Also: `readConfigFile`, the JSON/YAML reader of `--config` and `--env-config`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError, quote } from '../core/errors.js';
import { findPackageRoot } from '../host.js';
import { optionalNumber, optionalRecord, options, parseOptions, requiredNumber, z } from '../core/schema.js';

/** One entry of a zoo file: the schema `configs/zoo/schema.json` is generated from. */
export const ZOO_ENTRY_SCHEMA = options({
  steps: requiredNumber({ int: true, min: 1, max: 1e9, maxWhy: 'environment steps: 10⁹ is longer than any run', doc: 'default training budget (--steps) in environment steps' }),
  options: optionalRecord({ doc: 'agent options, validated by the agent (docs/agents/options.md); totalSteps defaults to the budget' }),
  evalEpisodes: optionalNumber({ int: true, min: 1, max: 100_000, maxWhy: 'each evaluation runs this many whole episodes', doc: 'greedy episodes of each evaluation' }),
  evalEvery: optionalNumber({ int: true, min: 1, max: 1e9, maxWhy: 'as `steps`', doc: 'evaluate every this many steps while training (--eval-every)' }),
  stopAtReturn: optionalNumber({ min: -1e12, max: 1e12, maxWhy: 'returns are sums of finite rewards', doc: 'stop once a periodic evaluation\'s mean return reaches this (--stop-at-return); needs evalEvery' }),
  envConfig: optionalRecord({ doc: 'config passed to make() (docs/envs/*.md)' }),
});

/** A zoo file: environment ids to entries. */
export const ZOO_FILE_SCHEMA = z.record(z.string(), ZOO_ENTRY_SCHEMA, { error: 'expected a mapping of environment ids to entries' });

export interface ZooEntry {
  /** Default training budget in environment steps. */
  steps: number;
  /** Agent options (validated by the agent when it is built). */
  options: Record<string, unknown>;
  /** Episodes of each evaluation. */
  evalEpisodes?: number;
  /** Evaluate every this many steps during training. */
  evalEvery?: number;
  /** Stop training once a periodic evaluation's mean return reaches this. */
  stopAtReturn?: number;
  /** Config for `make(env, envConfig)`. */
  envConfig?: Record<string, unknown>;
}

export interface Zoo {
  /** The file it was read from. */
  path: string;
  entries: Record<string, ZooEntry>;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Read a JSON (`.json`) or YAML (`.yaml`, `.yml`) file; `what` names it in errors. */
export function readConfigFile(path: string, what = 'config'): unknown {
  const ext = extname(path).toLowerCase();
  if (ext !== '.json' && ext !== '.yaml' && ext !== '.yml') throw new ConfigError(`${path}: ${what} files must end in .json, .yaml or .yml`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`${path}: cannot read ${what} file: ${(err as Error).message}`, { cause: err });
  }
  try {
    return ext === '.json' ? (JSON.parse(text) as unknown) : (parseYaml(text) as unknown);
  } catch (err) {
    throw new ConfigError(`${path}: invalid ${ext === '.json' ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
}

/** Read a file that must hold a mapping (an options object, an env config). */
export function readObjectFile(path: string, what = 'config'): Record<string, unknown> {
  const data = readConfigFile(path, what);
  if (data === null || data === undefined) return {};
  if (!isPlainObject(data)) throw new ConfigError(`${path}: a ${what} file must hold a mapping of keys to values, got ${quote(data)}`);
  return data;
}

/** Validate a parsed zoo file; errors name the file and the key. */
export function parseZoo(data: unknown, path: string): Zoo {
  if (data === null || data === undefined) return { path, entries: {} };
  // z.record drops a `__proto__` key silently: refuse it, as every other unknown key.
  if (isPlainObject(data) && Object.prototype.hasOwnProperty.call(data, '__proto__')) throw new ConfigError(`${path}: __proto__: expected an environment id, got "__proto__"`);
  const parsed = parseOptions(ZOO_FILE_SCHEMA, data, path);
  const entries: Record<string, ZooEntry> = {};
  for (const [env, raw] of Object.entries(parsed)) {
    if (raw.stopAtReturn !== undefined && raw.evalEvery === undefined) throw new ConfigError(`${path}: ${env}.stopAtReturn needs ${env}.evalEvery (how often to evaluate)`);
    const entry: ZooEntry = { steps: raw.steps, options: { ...(raw.options ?? {}) } };
    if (raw.evalEpisodes !== undefined) entry.evalEpisodes = raw.evalEpisodes;
    if (raw.evalEvery !== undefined) entry.evalEvery = raw.evalEvery;
    if (raw.stopAtReturn !== undefined) entry.stopAtReturn = raw.stopAtReturn;
    if (raw.envConfig !== undefined) entry.envConfig = { ...raw.envConfig };
    entries[env] = entry;
  }
  return { path, entries };
}

/** Read and validate a zoo file. */
export function loadZooFile(path: string): Zoo {
  return parseZoo(readConfigFile(path, 'zoo'), path);
}

/** faasgym's `configs/zoo` (found by walking up from this file, so it works from src/ and dist/), or null. */
export function defaultZooDir(): string | null {
  const root = findPackageRoot();
  return root !== null && existsSync(join(root, 'configs', 'zoo')) ? join(root, 'configs', 'zoo') : null;
}

/** The zoo of `agent` (`<dir>/<agent>.yaml`), or null when there is none. */
export function loadZoo(agent: string, dir: string | null = defaultZooDir()): Zoo | null {
  if (dir === null) return null;
  for (const ext of ['.yaml', '.yml', '.json']) {
    const path = join(dir, `${agent}${ext}`);
    if (existsSync(path)) return loadZooFile(path);
  }
  return null;
}

/** The zoo entry of `agent` on `env`, with the file it came from, or null. */
export function zooEntry(agent: string, env: string, dir?: string | null): { entry: ZooEntry; path: string } | null {
  const zoo = loadZoo(agent, dir === undefined ? defaultZooDir() : dir);
  const entry = zoo?.entries[env];
  return zoo && entry ? { entry, path: zoo.path } : null;
}
