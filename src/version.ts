import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findPackageRoot } from './host.js';

let cached: string | undefined;

/** faasgym's version, read from its package.json (found by walking up from this file, so it works from src/ and dist/). */
export function version(): string {
  if (cached !== undefined) return cached;
  const root = findPackageRoot();
  try {
    const pkg = root === null ? null : (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string });
    if (pkg && typeof pkg.version === 'string') return (cached = pkg.version);
  } catch {
    // unreadable package.json: unknown version
  }
  return (cached = '0.0.0-unknown');
}
