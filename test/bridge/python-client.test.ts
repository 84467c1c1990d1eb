/**
 * The Python client's own tests (python/tests/test_client.py, pytest: Debian's
 * python3-pytest) against real `faasgym serve` processes, and the install that
 * python/README.md documents for Debian's Python (PEP 668): a venv with
 * --system-site-packages and `pip install --no-build-isolation ./python`.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, PYTHON, REPO, startServe } from './helpers.js';

test('python/tests/test_client.py passes under pytest (connect timeout, state/adjacency, make options, strictness, threads, fork, keep-alive, restarts)', () => {
  const r = spawnSync(PYTHON, ['-m', 'pytest', 'python/tests/test_client.py', '-q', '-p', 'no:cacheprovider'], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 280_000,
    env: { ...process.env, FAASGYM_CLI: CLI, FAASGYM_NODE: process.execPath, PYTHONDONTWRITEBYTECODE: '1' },
  });
  expect(`${r.stdout}\n${r.stderr}`).toMatch(/\b9 passed\b/);
  expect(r.status).toBe(0);
}, 300_000);

test("the documented Debian install works: a venv with the system's zmq and numpy, pip install --no-build-isolation", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'faasgym-venv-'));
  const serve = await startServe(['--bind', 'tcp://127.0.0.1:*']);
  try {
    const src = join(dir, 'python');
    cpSync(join(REPO, 'python'), src, { recursive: true, filter: (p) => !p.includes('__pycache__') }); // pip builds in the source tree
    const venv = join(dir, 'venv');
    const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    const made = run(PYTHON, ['-m', 'venv', '--system-site-packages', venv]);
    expect(made.stderr).toBe('');
    const pip = run(join(venv, 'bin', 'pip'), ['install', '--no-build-isolation', '--no-index', '--disable-pip-version-check', src]);
    expect(pip.stdout).toContain('Successfully installed faasgym-client-0.2.0');
    const code = [
      'import faasgym_client',
      `env = faasgym_client.make("CartPole-v1", "${serve.endpoint}", timeout=30)`,
      'obs, _ = env.reset(seed=0)',
      'obs, reward, *_ = env.step(1)',
      'env.close()',
      'print(faasgym_client.__file__, reward)',
    ].join('\n');
    const py = run(join(venv, 'bin', 'python'), ['-c', code]);
    expect(py.stderr).toBe('');
    expect(py.stdout).toMatch(new RegExp(`^${join(venv, 'lib')}.*/site-packages/faasgym_client/__init__\\.py 1\\.0\\n$`));
  } finally {
    await serve.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}, 240_000);
