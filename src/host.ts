/**
 * Where faasgym's own files are, and which Python runs its helpers; shared by
 * the version, the zoo and the benchmarks that start Python.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from './core/errors.js';

let rootCache: string | null | undefined;

/** The faasgym package root (package.json, configs/, bench/, python/), found by walking up from this file (src/ or dist/src/); null when there is none. */
export function findPackageRoot(): string | null {
  if (rootCache !== undefined) return rootCache;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'faasgym') return (rootCache = dir);
      } catch {
        // not faasgym's package.json: keep walking up
      }
    }
    dir = dirname(dir);
  }
  return (rootCache = null);
}

/** `findPackageRoot()`, or a ConfigError when faasgym's files cannot be found. */
export function packageRoot(): string {
  const root = findPackageRoot();
  if (root === null) throw new ConfigError('cannot find the faasgym package root (package.json) above this file');
  return root;
}

/** `$FAASGYM_PYTHON`, else Debian's /usr/bin/python3 (where python3-zmq and python3-torch install), else `python3` on the PATH. */
export function defaultPython(): string {
  const fromEnv = process.env.FAASGYM_PYTHON;
  if (fromEnv) return fromEnv;
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}
