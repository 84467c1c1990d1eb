import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** faasgym's version, read from its package.json (found by walking up from this file, so it works from src/ and dist/). */
export function version(): string {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'faasgym' && typeof pkg.version === 'string') return (cached = pkg.version);
    } catch {
      // no package.json here: keep walking up
    }
    dir = dirname(dir);
  }
  return (cached = '0.0.0-unknown');
}
