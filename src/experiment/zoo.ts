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

const ENTRY_KEYS = ['steps', 'options', 'evalEpisodes', 'evalEvery', 'stopAtReturn', 'envConfig'] as const;

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
  if (!isPlainObject(data)) throw new ConfigError(`${path}: a zoo file must map environment ids to entries, got ${quote(data)}`);
  const entries: Record<string, ZooEntry> = {};
  for (const [env, raw] of Object.entries(data)) {
    if (!isPlainObject(raw)) throw new ConfigError(`${path}: ${env} must be a mapping with ${ENTRY_KEYS.join(', ')}, got ${quote(raw)}`);
    for (const key of Object.keys(raw)) {
      if (!(ENTRY_KEYS as readonly string[]).includes(key)) throw new ConfigError(`${path}: ${env}.${key} is not a zoo key (known: ${ENTRY_KEYS.join(', ')})`);
    }
    const steps = raw.steps;
    if (typeof steps !== 'number' || !Number.isSafeInteger(steps) || steps < 1) throw new ConfigError(`${path}: ${env}.steps must be a positive integer, got ${quote(steps)}`);
    const options = raw.options ?? {};
    if (!isPlainObject(options)) throw new ConfigError(`${path}: ${env}.options must be a mapping of agent options, got ${quote(options)}`);
    const entry: ZooEntry = { steps, options: { ...options } };
    for (const key of ['evalEpisodes', 'evalEvery'] as const) {
      const e = raw[key];
      if (e === undefined) continue;
      if (typeof e !== 'number' || !Number.isSafeInteger(e) || e < 1) throw new ConfigError(`${path}: ${env}.${key} must be a positive integer, got ${quote(e)}`);
      entry[key] = e;
    }
    if (raw.stopAtReturn !== undefined) {
      const r = raw.stopAtReturn;
      if (typeof r !== 'number' || !Number.isFinite(r)) throw new ConfigError(`${path}: ${env}.stopAtReturn must be a finite number, got ${quote(r)}`);
      if (entry.evalEvery === undefined) throw new ConfigError(`${path}: ${env}.stopAtReturn needs ${env}.evalEvery (how often to evaluate)`);
      entry.stopAtReturn = r;
    }
    if (raw.envConfig !== undefined) {
      if (!isPlainObject(raw.envConfig)) throw new ConfigError(`${path}: ${env}.envConfig must be a mapping, got ${quote(raw.envConfig)}`);
      entry.envConfig = { ...raw.envConfig };
    }
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
