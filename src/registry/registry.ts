import { ConfigError, quote } from '../core/errors.js';
import { isParallelEnv, type AnyEnv, type Env, type EnvSpecInfo, type ParallelEnv } from '../core/env.js';
import { OrderEnforcing, ParallelOrderEnforcing } from '../core/wrappers/order-enforcing.js';
import { ParallelTimeLimit, TimeLimit } from '../core/wrappers/time-limit.js';

/** What `register` takes. */
export interface EnvSpec<C extends object = Record<string, unknown>> {
  /** `Name-vN`, optionally `namespace/Name-vN`. */
  id: string;
  /** Builds the environment from the (validated by the env itself) config. */
  entryPoint: (config: C) => AnyEnv;
  /** `single` for `Env`, `parallel` for `ParallelEnv`. */
  kind: 'single' | 'parallel';
  /**
   * Episodes are truncated after this many steps (a `TimeLimit` is applied by
   * `make`); a function of the config when the length depends on it (e.g. a
   * trace-driven workload).
   */
  maxEpisodeSteps?: number | ((config: C) => number);
  /** The return at which the task counts as solved. */
  rewardThreshold?: number;
  /** True when the same seed does not give the same trajectory (real clusters); the checker then skips its determinism rule. */
  nondeterministic?: boolean;
  /** One line for `faasgym envs`. */
  description?: string;
}

export interface MakeOptions {
  /** Override the registered `maxEpisodeSteps` (`null`: no time limit). */
  maxEpisodeSteps?: number | null;
  /** Skip the `OrderEnforcing` wrapper. @default false */
  disableOrderEnforcing?: boolean;
}

const ID_RE = /^(?:(?<ns>[A-Za-z0-9_.:-]+)\/)?(?<name>[A-Za-z0-9_.:-]+?)-v(?<version>\d+)$/;

export interface ParsedId {
  namespace?: string;
  name: string;
  version: number;
}

/** Split `ns/Name-vN` into its parts; throws `ConfigError` for a malformed id. */
export function parseEnvId(id: string): ParsedId {
  const m = typeof id === 'string' ? ID_RE.exec(id) : null;
  if (!m || !m.groups) throw new ConfigError(`environment id must look like "Name-vN" (e.g. "CartPole-v1"), got ${quote(id)}`);
  const { ns, name, version } = m.groups as { ns?: string; name: string; version: string };
  return { ...(ns ? { namespace: ns } : {}), name, version: Number(version) };
}

/** A table of environment specs, keyed by id. faasgym's built-ins live in the default `registry`. */
export class Registry {
  private readonly specs = new Map<string, EnvSpec<never>>();

  register<C extends object = Record<string, unknown>>(spec: EnvSpec<C>, opts: { override?: boolean } = {}): void {
    if (typeof spec !== 'object' || spec === null) throw new ConfigError(`register() expects a spec object, got ${quote(spec)}`);
    parseEnvId(spec.id);
    if (typeof spec.entryPoint !== 'function') throw new ConfigError(`${spec.id}: entryPoint must be a function, got ${quote(spec.entryPoint)}`);
    if (spec.kind !== 'single' && spec.kind !== 'parallel') throw new ConfigError(`${spec.id}: kind must be "single" or "parallel", got ${quote(spec.kind)}`);
    if (spec.maxEpisodeSteps !== undefined && typeof spec.maxEpisodeSteps !== 'function' && (!Number.isSafeInteger(spec.maxEpisodeSteps) || spec.maxEpisodeSteps < 1)) {
      throw new ConfigError(`${spec.id}: maxEpisodeSteps must be a positive integer, got ${quote(spec.maxEpisodeSteps)}`);
    }
    if (spec.rewardThreshold !== undefined && !Number.isFinite(spec.rewardThreshold)) {
      throw new ConfigError(`${spec.id}: rewardThreshold must be a finite number, got ${quote(spec.rewardThreshold)}`);
    }
    if (this.specs.has(spec.id) && !opts.override) {
      throw new ConfigError(`environment ${quote(spec.id)} is already registered (pass {override: true} to replace it)`);
    }
    this.specs.set(spec.id, { nondeterministic: false, ...spec } as EnvSpec<never>);
  }

  has(id: string): boolean {
    return this.specs.has(id);
  }

  /** The spec of `id`; an unknown id raises `ConfigError` suggesting the registered versions or close names. */
  spec(id: string): EnvSpec<Record<string, unknown>> {
    const found = this.specs.get(id);
    if (found) return found as unknown as EnvSpec<Record<string, unknown>>;
    const parsed = parseEnvId(id);
    const sameName = this.ids().filter((other) => {
      const p = parseEnvId(other);
      return p.name === parsed.name && p.namespace === parsed.namespace;
    });
    if (sameName.length > 0) {
      throw new ConfigError(`environment ${quote(id)} is not registered; available versions: ${sameName.join(', ')}`);
    }
    const lower = parsed.name.toLowerCase();
    const close = this.ids().filter((other) => {
      const n = parseEnvId(other).name.toLowerCase();
      return n.includes(lower) || lower.includes(n) || editDistance(n, lower) <= 2;
    });
    throw new ConfigError(
      `environment ${quote(id)} is not registered${close.length ? `; did you mean ${close.join(', ')}?` : ''} (see \`faasgym envs\`)`,
    );
  }

  /** Every registered id, sorted. */
  ids(): string[] {
    return [...this.specs.keys()].sort();
  }

  list(): EnvSpec<Record<string, unknown>>[] {
    return this.ids().map((id) => this.specs.get(id) as unknown as EnvSpec<Record<string, unknown>>);
  }

  /**
   * Build an environment: the entry point with `config`, then `OrderEnforcing`
   * and (when the spec has `maxEpisodeSteps`) a `TimeLimit`, with `env.spec` set.
   */
  make(id: string, config: Record<string, unknown> = {}, opts: MakeOptions = {}): AnyEnv {
    const spec = this.spec(id);
    if (typeof config !== 'object' || config === null || Array.isArray(config)) {
      throw new ConfigError(`${id}: config must be an object, got ${quote(config)}`);
    }
    let env = spec.entryPoint(config);
    const parallel = isParallelEnv(env);
    if (parallel !== (spec.kind === 'parallel')) {
      throw new ConfigError(`${id}: registered as kind ${quote(spec.kind)} but its entry point built a ${parallel ? 'parallel' : 'single-agent'} environment`);
    }
    const registered = typeof spec.maxEpisodeSteps === 'function' ? spec.maxEpisodeSteps(config) : spec.maxEpisodeSteps;
    const maxSteps = opts.maxEpisodeSteps === undefined ? registered : opts.maxEpisodeSteps ?? undefined;
    if (parallel) {
      let penv = env as ParallelEnv<string, unknown, unknown>;
      if (!opts.disableOrderEnforcing) penv = new ParallelOrderEnforcing(penv);
      if (maxSteps !== undefined) penv = new ParallelTimeLimit(penv, maxSteps);
      env = penv;
    } else {
      let senv = env as Env<unknown, unknown>;
      if (!opts.disableOrderEnforcing) senv = new OrderEnforcing(senv);
      if (maxSteps !== undefined) senv = new TimeLimit(senv, maxSteps);
      env = senv;
    }
    // A real cluster is never replayable: an environment built on any backend but the simulator is nondeterministic.
    const backend = (config as { backend?: unknown }).backend;
    const backendKind = typeof backend === 'string' ? backend : (backend as { kind?: unknown } | null | undefined)?.kind;
    const onRealCluster = backendKind !== undefined && backendKind !== null && backendKind !== 'sim';
    const info: EnvSpecInfo = {
      id: spec.id,
      kind: spec.kind,
      nondeterministic: (spec.nondeterministic ?? false) || onRealCluster,
      ...(maxSteps !== undefined ? { maxEpisodeSteps: maxSteps } : {}),
      ...(spec.rewardThreshold !== undefined ? { rewardThreshold: spec.rewardThreshold } : {}),
    };
    env.spec = info;
    return env;
  }
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j] as number;
      row[j] = Math.min((row[j] as number) + 1, (row[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length] as number;
}
