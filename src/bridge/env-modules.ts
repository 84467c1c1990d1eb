/**
 * `faasgym serve --require <module>`: modules that register more environments,
 * imported by the server and by every environment worker (host.ts).
 */
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, quote } from '../core/errors.js';
import { register, registry } from '../registry/index.js';

/** The file URL of a `--require` spec: a path (relative to `cwd`) or a package name resolved from there. */
export function resolveEnvModule(spec: string, cwd = process.cwd()): string {
  try {
    const looksLikePath = spec.startsWith('.') || spec.startsWith('/') || /\.(c|m)?js$/.test(spec);
    return looksLikePath ? pathToFileURL(resolve(cwd, spec)).href : pathToFileURL(createRequire(resolve(cwd, 'noop.js')).resolve(spec)).href;
  } catch (err) {
    throw new ConfigError(`--require ${quote(spec)}: cannot resolve it from ${cwd}: ${(err as Error).message}`);
  }
}

/**
 * Import a `--require` module (a spec, or a URL from `resolveEnvModule`). A
 * default export that is a function is called with `{registry, register}`.
 */
export async function loadEnvModule(spec: string, cwd = process.cwd()): Promise<void> {
  const url = spec.startsWith('file:') ? spec : resolveEnvModule(spec, cwd);
  let mod: { default?: unknown };
  try {
    mod = (await import(url)) as { default?: unknown };
  } catch (err) {
    throw new ConfigError(`--require ${quote(spec)}: loading it failed: ${(err as Error).message}`);
  }
  if (typeof mod.default === 'function') await (mod.default as (api: unknown) => unknown)({ registry, register });
}
