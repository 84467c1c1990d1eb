/** `faasgym twin --scenario <environment id>` serves the cluster that environment simulates (the built CLI). */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import '../../envs/index.js';
import type { ParallelEnv } from '../../src/core/env.js';
import { make } from '../../src/registry/index.js';

const CLI = join(process.cwd(), 'dist', 'src', 'experiment', 'cli.js');

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
});

test('twin --scenario FaaSConf-Sequential-v0 serves the functions the environment\'s agents configure', async () => {
  const env = make('FaaSConf-Sequential-v0') as ParallelEnv<string, unknown, unknown>;
  const agents = [...env.possibleAgents].sort();
  await env.close();
  const child = spawn(process.execPath, [CLI, 'twin', '--scenario', 'FaaSConf-Sequential-v0', '--port', '0', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '', stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    for (let waited = 0; !stdout.includes('\n') && child.exitCode === null && waited < 30_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    expect(stderr).toBe('');
    const start = JSON.parse(stdout.split('\n')[0] as string) as { event: string; url: string; scenario: string; functions: number };
    expect(start).toMatchObject({ event: 'listening', scenario: 'FaaSConf-Sequential-v0', functions: agents.length });
    const res = await fetch(`${start.url}/system/functions`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { name: string }[]).map((f) => f.name).sort()).toEqual(agents);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}, 60_000);
