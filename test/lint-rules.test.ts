/**
 * The dependency rules of `npm run lint` (.dependency-cruiser.cjs) catch what
 * they are for: a tree laid out like faasgym's passes, and the same tree with
 * one upward import, one import cycle, or one import past the registry seam
 * fails with the rule's name. (`npm run lint` exits non-zero when `lint:deps` does.)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve('.');
const DEPCRUISE = join(ROOT, 'node_modules', '.bin', 'depcruise');

/** A miniature faasgym: one module per layer, each importing the one below. */
const CLEAN: Record<string, string> = {
  'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }),
  'src/core/errors.ts': 'export class FaasgymError extends Error {}\n',
  'src/spaces/box.ts': "import { FaasgymError } from '../core/errors.js';\nexport class Box { e = FaasgymError; }\n",
  'src/core/env.ts': "import type { Box } from '../spaces/box.js';\nexport interface Env { space: Box }\n",
  'src/cluster/sim.ts': "import type { Env } from '../core/env.js';\nexport type Sim = Env;\n",
  'envs/faasconf/env.ts': "import type { Sim } from '../../src/cluster/sim.js';\nexport type FaaSConf = Sim;\n",
  'envs/index.ts': "export type { FaaSConf } from './faasconf/env.js';\n",
  'src/registry/index.ts': "export type { FaaSConf } from '../../envs/index.js';\n",
  'agents/dqn.ts': "import type { FaaSConf } from '../src/registry/index.js';\nexport type Dqn = FaaSConf;\n",
  'agents/registry.ts': "export type { Dqn } from './dqn.js';\n",
  'src/experiment/run.ts': "import type { Dqn } from '../../agents/registry.js';\nexport type Run = Dqn;\n",
};

function cruise(extra: Record<string, string>): { status: number | null; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'faasgym-lint-'));
  try {
    for (const [f, text] of Object.entries({ ...CLEAN, ...extra })) {
      mkdirSync(dirname(join(dir, f)), { recursive: true });
      writeFileSync(join(dir, f), text);
    }
    const r = spawnSync(DEPCRUISE, ['src', 'envs', 'agents', '--config', join(ROOT, '.dependency-cruiser.cjs'), '--output-type', 'err'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a tree whose imports point down passes', () => {
  const r = cruise({});
  expect(r.out).toContain('no dependency violations found');
  expect(r.status).toBe(0);
});

/** Seven violations, each in a file of its own, so each is reported on its own line. */
const BROKEN: Array<[string, Record<string, string>, string]> = [
  ['an upward import (core → cluster)', { 'src/core/wrappers/w.ts': "import type { Sim } from '../../cluster/sim.js';\nexport type W = Sim;\n" }, 'layer-core-imports-up: src/core/wrappers/w.ts → src/cluster/sim.ts'],
  ['an upward import (base → core)', { 'src/core/rng.ts': "import type { Env } from './env.js';\nexport type Rng = Env;\n" }, 'layer-base-imports-up: src/core/rng.ts → src/core/env.ts'],
  ['an upward import (envs → agents)', { 'envs/faasconf/view.ts': "import type { Dqn } from '../../agents/dqn.js';\nexport type V = Dqn;\n" }, 'layer-envs-imports-up: envs/faasconf/view.ts → agents/dqn.ts'],
  ['a cycle', { 'agents/ppo.ts': "import type { Rank } from './ppo-rank.js';\nexport type Ppo = Rank | 1;\n", 'agents/ppo-rank.ts': "import type { Ppo } from './ppo.js';\nexport type Rank = Ppo | 2;\n" }, 'no-circular: agents/ppo-rank.ts →'],
  ['src/ past the agents registry', { 'src/experiment/train.ts': "import type { Dqn } from '../../agents/dqn.js';\nexport type T = Dqn;\n" }, 'src-reaches-agents-only-through-the-registry-seam: src/experiment/train.ts → agents/dqn.ts'],
  ['src/ past envs/index.ts', { 'src/experiment/bench.ts': "import type { FaaSConf } from '../../envs/faasconf/env.js';\nexport type B = FaaSConf;\n" }, 'src-reaches-envs-only-through-the-registry-seam: src/experiment/bench.ts → envs/faasconf/env.ts'],
  ['a folder outside every layer', { 'src/misc/x.ts': "import type { Env } from '../core/env.js';\nexport type X = Env;\n" }, 'every-module-in-a-layer: src/misc/x.ts → src/core/env.ts'],
];

test('an upward import, a cycle, or an import past the registry seam fails, each named', () => {
  const r = cruise(Object.assign({}, ...BROKEN.map(([, files]) => files)));
  for (const [what, , error] of BROKEN) expect({ what, found: r.out.includes(`error ${error}`) }).toEqual({ what, found: true });
  // depcruise exits with the number of errors: exactly the seven above.
  expect(r.out).toContain('x 7 dependency violations (7 errors, 0 warnings)');
  expect(r.status).toBe(7);
});
