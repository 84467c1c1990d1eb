import type { AnyEnv, Env, ParallelEnv } from '../core/env.js';
import { ConfigError, quote } from '../core/errors.js';
import { builtinSpecs } from '../../envs/index.js';
import { Registry, type EnvSpec, type MakeOptions } from './registry.js';

export { Registry, parseEnvId, type EnvSpec, type MakeOptions, type ParsedId } from './registry.js';

/** The default registry, holding every built-in environment. */
export const registry = new Registry();
for (const spec of builtinSpecs) registry.register(spec);

/** Register an environment in the default registry. */
export function register<C extends object = Record<string, unknown>>(spec: EnvSpec<C>, opts?: { override?: boolean }): void {
  registry.register(spec, opts);
}

/** Build a registered environment (see `Registry.make`). */
export function make(id: string, config?: Record<string, unknown>, opts?: MakeOptions): AnyEnv {
  return registry.make(id, config, opts);
}

/** `make` for single-agent ids, typed; refuses parallel ids with a `ConfigError`. */
export function makeEnv<O = unknown, A = unknown>(id: string, config?: Record<string, unknown>, opts?: MakeOptions): Env<O, A> {
  const spec = registry.spec(id);
  if (spec.kind !== 'single') throw new ConfigError(`${quote(id)} is a parallel (multi-agent) environment: use makeParallel(), or wrap it in CentralizedEnv`);
  return registry.make(id, config, opts) as Env<O, A>;
}

/** `make` for parallel (multi-agent) ids, typed; refuses single-agent ids with a `ConfigError`. */
export function makeParallel<Id extends string = string, O = unknown, A = unknown>(
  id: string,
  config?: Record<string, unknown>,
  opts?: MakeOptions,
): ParallelEnv<Id, O, A> {
  const spec = registry.spec(id);
  if (spec.kind !== 'parallel') throw new ConfigError(`${quote(id)} is a single-agent environment: use makeEnv()`);
  return registry.make(id, config, opts) as unknown as ParallelEnv<Id, O, A>;
}
