/**
 * What a bridge client may ask of `make`'s config (docs/bridge-protocol.md,
 * "Backends"): the trust boundary of DESIGN.md. A config from the wire is data:
 * numbers, booleans, strings and arrays of them. A client picks a backend only
 * by a name the operator offered (`faasgym serve --backend <file>`); it never
 * sends a backend object, so no kubeconfig, exec or auth-provider plugin,
 * password file, URL or command ever comes from the wire.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError, quote } from '../core/errors.js';

/** The backends a server offers, by name; `sim` (the simulator) is always offered. */
export type BackendCatalog = ReadonlyMap<string, Readonly<Record<string, unknown>>>;

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** The catalog of a server started without `--backend`: the simulator only. */
export function simOnlyCatalog(): BackendCatalog {
  return new Map([['sim', { kind: 'sim' }]]);
}

/**
 * Validate an operator's backend catalog: `{backends: {name: {kind, ...}}}`
 * (or the map itself). `where` names the source in errors.
 */
export function parseBackendCatalog(input: unknown, where: string): BackendCatalog {
  const top = input as Record<string, unknown> | null;
  if (typeof top !== 'object' || top === null || Array.isArray(top)) {
    throw new ConfigError(`${where}: expected an object {backends: {name: {kind, ...}}}, got ${quote(input, 80)}`);
  }
  const map = 'backends' in top ? top.backends : top;
  if (typeof map !== 'object' || map === null || Array.isArray(map)) {
    throw new ConfigError(`${where}: backends must be an object {name: {kind, ...}}, got ${quote(map, 80)}`);
  }
  if ('backends' in top && Object.keys(top).length > 1) {
    throw new ConfigError(`${where}: unknown top-level keys ${quote(Object.keys(top).filter((k) => k !== 'backends'))} (expected only backends)`);
  }
  const out = new Map<string, Readonly<Record<string, unknown>>>(simOnlyCatalog());
  for (const [name, value] of Object.entries(map as Record<string, unknown>)) {
    if (!NAME_RE.test(name)) throw new ConfigError(`${where}: backend name ${quote(name)} must be 1-64 letters, digits, '_', '.' or '-'`);
    if (name === 'sim') throw new ConfigError(`${where}: the name "sim" is reserved for the simulator, which is always offered`);
    if (typeof value !== 'object' || value === null || Array.isArray(value) || typeof (value as { kind?: unknown }).kind !== 'string') {
      throw new ConfigError(`${where}: backends.${name} must be an object {kind, ...}, got ${quote(value, 80)}`);
    }
    out.set(name, Object.freeze(structuredClone(value as Record<string, unknown>)));
  }
  return out;
}

/** Read `faasgym serve --backend <file>` (YAML or JSON). */
export function readBackendCatalog(file: string): BackendCatalog {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`--backend ${quote(file)}: cannot read it: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text, { maxAliasCount: 100 });
  } catch (err) {
    throw new ConfigError(`--backend ${quote(file)}: not valid YAML or JSON: ${(err as Error).message}`);
  }
  return parseBackendCatalog(parsed, `--backend ${quote(file)}`);
}

/** Most array elements and nesting a wire config may have (a config is a handful of settings). */
const MAX_ARRAY = 4096;

/**
 * The config `make` may build with, from a client's `config`: `backend`, when
 * given, must be the name of an offered backend and is replaced by the
 * operator's object; every other value must be a number, boolean, string,
 * null, or an array of those (an object could name a file, URL or command).
 */
export function wireConfig(envId: string, config: Record<string, unknown> | undefined, catalog: BackendCatalog): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (config === undefined) return out;
  for (const key of Object.keys(config)) {
    const value = config[key];
    if (key === 'backend') {
      if (value === undefined || value === null) continue;
      const offered = [...catalog.keys()].join(', ');
      if (typeof value !== 'string') {
        throw new ConfigError(
          `make ${envId}: config.backend must be the name of a backend this server offers (${offered}), got ${quote(value, 60)}; ` +
            'a bridge client cannot configure a backend: the operator offers them with `faasgym serve --backend <file>`',
        );
      }
      const chosen = catalog.get(value);
      if (chosen === undefined) throw new ConfigError(`make ${envId}: config.backend ${quote(value, 60)} is not a backend this server offers (offered: ${offered})`);
      if (chosen.kind !== 'sim') out.backend = structuredClone(chosen);
      continue;
    }
    checkPlain(envId, `config.${key}`, value);
    out[key] = value;
  }
  return out;
}

function checkPlain(envId: string, path: string, value: unknown): void {
  if (value === null || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') return;
  if (Array.isArray(value)) {
    if (value.length > MAX_ARRAY) throw new ConfigError(`make ${envId}: ${path} has ${value.length} elements, more than the ${MAX_ARRAY} a bridge config may carry`);
    for (let i = 0; i < value.length; i++) {
      const v = value[i] as unknown;
      if (v !== null && typeof v !== 'number' && typeof v !== 'boolean' && typeof v !== 'string') {
        throw new ConfigError(`make ${envId}: ${path}[${i}] must be a number, boolean or string, got ${quote(v, 60)}`);
      }
    }
    return;
  }
  throw new ConfigError(
    `make ${envId}: ${path} must be a number, boolean, string or an array of them, got ${quote(value, 60)}; ` +
      'objects are refused over the bridge (they could name a file, URL or command: the operator sets those)',
  );
}
