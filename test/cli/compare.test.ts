import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// `npm test` builds dist/ before jest runs, so this exercises the real `faasgym` bin.
const CLI = join(process.cwd(), 'dist', 'src', 'experiment', 'cli.js');

function run(file: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [file, ...args], { encoding: 'utf8', timeout: 240_000, env: { ...process.env, FAASGYM_QUIET: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
});

test('npm start runs `faasgym run` on the FaaSConf Fig. 8 experiment: AttMF inside SES against random search on FaaSConf-Sequential-v0', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
  expect(pkg.scripts.start).toBe('npm run build --silent && node dist/src/experiment/cli.js run configs/experiments/faasconf-fig8.yaml --only env=FaaSConf-Sequential-v0,agent=faasconf,agent=rs,seed=0');
  expect(readFileSync('README.md', 'utf8')).toContain('npm ci && npm start    # faasgym run: FaaSConf (AttMF inside SES) vs random search on FaaSConf-Sequential-v0 (simulator), summary + report');
});

test('compare prints the table and the verdicts; --json gives the report', () => {
  const r = run(CLI, 'compare', '--steps', '330', '--episodes', '1', '--set', 'attmf.learningStarts=40', '--set', 'attmf.hidden=[16]');
  expect(r.code).toBe(0);
  // 330 steps: 297 to learn or search, 33 to re-measure 1 candidate for 3 episodes of 11 windows.
  expect(r.stderr).toContain('faasgym compare: attmf on FaaSConf-Sequential-v0, 297 steps, seed 0; options from zoo ');
  expect(r.stderr).toContain('faasgym compare: random-search on FaaSConf-Sequential-v0, 297 steps, seed 0; options from budget = 297 steps / 2 per trial');
  expect(r.stderr).toMatch(/faasgym compare: attmf done in [\d.]+ s: QoS met in [\d.]+ % of windows, scaled cost [\d.]+; best found: /);
  expect(r.stdout).toMatch(/^FaaSConf-Sequential-v0, seed 0: 330 environment steps each \(297 learning or searching, 33 re-measuring the cheapest configuration that met QoS, 3 × 11 windows each\), then 1 greedy episode \(60 windows\) on the same seeds\n/);
  expect(r.stdout).toMatch(/\nagent +played +wall s +return\/ep +QoS met +scaled cost +cost at met QoS +latency s +p95 s\n/);
  expect(r.stdout).toMatch(/\nattmf +policy +[\d.]+ +-?[\d.]+ +[\d.]+ % +[\d.]+ +([\d.]+|-) +([\d.]+|-) +([\d.]+|-)\n +best found +(-?[\d.]+ +[\d.]+ %|- +none found)/);
  expect(r.stdout).toMatch(/\nrandom-search +its pick +[\d.]+ +-?[\d.]+ +[\d.]+ % +[\d.]+ /);
  expect(r.stdout).toMatch(/\nBest configuration found within the budget \(FaaSConf Fig. 8, Fig. 13\):\nattmf vs random-search: (NOT )?BETTER on cost at met QoS: .+\nTrained policy against the searcher's own pick:\nattmf vs random-search: (NOT )?BETTER on cost at met QoS: .+\n$/);

  const j = run(CLI, 'compare', '--agents', 'random-search', '--steps', '40', '--episodes', '1', '--quiet', '--json');
  expect(j.code).toBe(0);
  expect(j.stderr).toBe('');
  const report = JSON.parse(j.stdout) as { steps: number; verify: { candidates: number }; entries: { agent: string; steps: number; learningSteps: number; stats: { windows: number; qosMet: number }; bestFound: { windows: number; verification: unknown } }[] };
  expect(report.steps).toBe(40);
  expect(report.verify.candidates).toBe(0); // too few steps to re-measure: the cheapest window that met QoS is taken as found
  expect(report.entries).toEqual([expect.objectContaining({ agent: 'random-search', steps: 40, learningSteps: 40, stats: expect.objectContaining({ windows: 60 }), bestFound: expect.objectContaining({ windows: 40, verification: null }) })]);
}, 240_000);

test('bad command lines and a non-FaaSConf env exit 2 with a message', () => {
  expect(run(CLI, 'compare', '--agents', 'attmf', '--set', 'maddpg.gamma=0.9')).toMatchObject({ code: 2, stderr: 'faasgym: error: --set names agent "maddpg", which is not in --agents (attmf)\n' });
  expect(run(CLI, 'compare', '--steps', '0')).toMatchObject({ code: 2, stderr: 'faasgym: error: --steps must be a positive integer, got "0"\n' });
  expect(run(CLI, 'compare', '--candidates', '-1')).toMatchObject({ code: 2, stderr: 'faasgym: error: option \'--candidates <n>\' argument \'-1\' is invalid. --candidates must be a non-negative integer, got "-1"\n' });
  expect(run(CLI, 'compare', '--set', 'gamma=0.9').code).toBe(2); // commander reports the bad --set
  expect(run(CLI, 'train', '--env', 'CartPole-v1', '--agent', 'dqn', '--steps', '0')).toMatchObject({ code: 2, stderr: 'faasgym: error: --steps must be a positive integer, got "0"\n' });
  const r = run(CLI, 'compare', '--env', 'CartPole-v1', '--agents', 'dqn');
  expect(r.code).toBe(2);
  expect(r.stderr).toBe('faasgym: ConfigError: compare: scores FaaSConf windows (QoS met, scaled cost, latency), so it needs a FaaSConf-*-v0 environment, got "CartPole-v1"\n');
}, 120_000);

test('examples/train-faasconf-attmf.ts runs compiled, shortened with --steps', () => {
  const example = join(process.cwd(), 'dist', 'examples', 'train-faasconf-attmf.js');
  expect(existsSync(example)).toBe(true);
  const r = run(example, '--steps', '600');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^step 56\/567 /); // 600 steps: 567 learning, 33 re-measuring 1 configuration
  expect(r.stdout).toMatch(/\nattmf\+ses: 567 steps learning \(9 episodes\) in [\d.]+ s; random search: 283 trials; each re-measured 1 configuration \(33 steps\); evaluation over 180 windows:\n/);
  expect(r.stdout).toMatch(/\nattmf\+ses +policy +QoS met +[\d.]+ % +scaled cost [\d.]+ +mean latency [\d.]+ s +reward\/window -?[\d.]+\nattmf\+ses +best found +(QoS met|none held QoS)/);
  expect(r.stdout).toMatch(/\nrandom-search +its pick +QoS met .+\nrandom-search +best found +(QoS met|none held QoS)/);
}, 240_000);
