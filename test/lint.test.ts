import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Library code (src, envs, agents) must draw randomness from the seeded Rng only. */
function sources(dir: string): string[] {
  let out: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out = out.concat(sources(path));
    else if (/\.(ts|js|mjs)$/.test(name)) out.push(path);
  }
  return out;
}

test('no Math.random in library code', () => {
  const files = ['src', 'envs', 'agents'].flatMap(sources);
  expect(files.length).toBeGreaterThan(10);
  const offenders = files.filter((f) => /Math\s*\.\s*random\s*\(/.test(readFileSync(f, 'utf8')));
  expect(offenders).toEqual([]);
});
