/**
 * `npm run lint` (dependency-cruiser, ESLint, knip) passes on the whole tree.
 * Run as a test so that CI counts a lint failure as one failed test, with the
 * linters' findings in the failure message, instead of aborting the run.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const TEN_MINUTES = 10 * 60 * 1000;

test(
  'npm run lint passes (no layer, cycle, code or unused-export findings)',
  () => {
    const r = spawnSync('npm', ['run', '--silent', 'lint'], {
      cwd: resolve('.'),
      encoding: 'utf8',
      timeout: TEN_MINUTES - 10_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
    if (r.status !== 0) {
      const why = r.error ? `npm run lint did not finish: ${r.error.message}` : `npm run lint exited ${r.status} (signal ${r.signal})`;
      throw new Error(`${why}\n${out}`);
    }
    expect(r.status).toBe(0);
  },
  TEN_MINUTES,
);
