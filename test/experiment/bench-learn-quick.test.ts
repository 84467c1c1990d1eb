import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

// `faasgym bench learn --quick`: the shortened learning benchmarks, run from the compiled CLI (`npm test`
// builds dist/ first) because the simulator and tfjs run several times slower under jest's module loader.
const CLI = join(process.cwd(), 'dist', 'src', 'experiment', 'cli.js');

interface QuickResult {
  agent: string;
  env: string;
  steps: number;
  budget: number;
  meanReturn: number;
  threshold: number;
  solved: boolean;
  quick: boolean;
}

function runCli(args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, FAASGYM_QUIET: '1' } });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`faasgym ${args.join(' ')} took longer than ${timeoutMs / 1000} s; stderr so far:\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

test('every learner clearly learns within the quick budgets (DQN and PPO >= 150 on CartPole-v1, DDPG >= -400 on Pendulum-v1, the FaaSConf learners >= 30)', async () => {
  expect(existsSync(CLI)).toBe(true);
  const r = await runCli(['bench', 'learn', '--quick', '--json'], 840_000);
  const report = JSON.parse(r.stdout) as { benchmarks: QuickResult[]; skipped: unknown[] };
  const summary = report.benchmarks.map((b) => `${b.agent}:${b.env} ${b.meanReturn.toFixed(1)} (>= ${b.threshold}) in ${b.steps}/${b.budget} steps`);
  expect(report.skipped).toEqual([]);
  expect(report.benchmarks.map((b) => [b.agent, b.env, b.threshold, b.quick])).toEqual([
    ['dqn', 'CartPole-v1', 150, true],
    ['ppo', 'CartPole-v1', 150, true],
    ['ddpg', 'Pendulum-v1', -400, true],
    ['maddpg', 'FaaSConf-Sequential-v0', 30, true],
    ['meanfield', 'FaaSConf-Sequential-v0', 30, true],
    ['attmf', 'FaaSConf-Sequential-v0', 30, true],
  ]);
  expect(report.benchmarks.filter((b) => !b.solved).map((b) => summary[report.benchmarks.indexOf(b)])).toEqual([]);
  expect(r.code).toBe(0);
}, 900_000);
