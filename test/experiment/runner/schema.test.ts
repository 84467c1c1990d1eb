import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { experimentReference, withReference } from '../../../src/experiment/runner/doc.js';
import { ExperimentError, loadExperiment, resolveExperiment } from '../../../src/experiment/runner/load.js';
import { experimentJsonSchema } from '../../../src/experiment/runner/schema.js';

const DIR = join(process.cwd(), 'configs', 'experiments');
const SHIPPED = ['faasconf-fig8', 'faasconf-fig13', 'faasconf-fig14', 'faasconf-dynamic', 'faasrank-fig6', 'darly-sec5', 'stepconf-fig19-21', 'autoscale-vhive', 'cartpole-pendulum'];
const CLI = join(process.cwd(), 'dist', 'src', 'experiment', 'cli.js');

test('every shipped experiment file validates, in full and --quick, and states claims with the paper beside them', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, ''));
  expect(files.sort()).toEqual([...SHIPPED].sort());
  for (const name of SHIPPED) {
    const path = join(DIR, `${name}.yaml`);
    const text = readFileSync(path, 'utf8');
    expect(text.startsWith('# yaml-language-server: $schema=./schema.json\n')).toBe(true);
    const full = loadExperiment(path).resolved;
    const quick = loadExperiment(path, { quick: true }).resolved;
    expect(full.name).toBe(name);
    expect(quick.seeds.length).toBeLessThanOrEqual(full.seeds.length);
    expect(full.claims.length).toBeGreaterThan(0);
    for (const c of full.claims) expect(c.source.length).toBeGreaterThan(5);
    expect(full.paper === null && !/paper|Gymnasium/i.test(full.source)).toBe(false);
  }
});

test('configs/experiments/schema.json is the current JSON Schema (npm run docs:experiments rewrites it)', () => {
  expect(JSON.parse(readFileSync(join(DIR, 'schema.json'), 'utf8'))).toEqual(experimentJsonSchema());
});

test('docs/experiments.md holds the current reference generated from the zod schema', () => {
  const doc = readFileSync(join(process.cwd(), 'docs', 'experiments.md'), 'utf8');
  expect(withReference(doc)).toBe(doc);
  expect(doc).toContain(experimentReference());
  expect(experimentReference()).toContain('| `byAtLeastPercent` | number ≥ 0 |');
});

const good = {
  name: 'tiny',
  description: 'd',
  source: 's',
  envs: [{ id: 'CartPole-v1' }],
  agents: [{ agent: 'dqn' }, { agent: 'random' }, { agent: 'dqn', label: 'dqn2', options: { learningRate: 0.001 } }],
  seeds: 2,
  budget: 100,
  metrics: ['return'],
  claims: [{ type: 'relative', source: 's', metric: 'return', a: 'dqn', b: 'random' }],
};

type Mut = (x: any) => void;
const BAD: [string, Mut, string][] = [
  ['wrong type of an agent option', (x) => (x.agents[2].options.learningRate = 'fast'), 'agents[2].options.learningRate: expected a number in (0, 1], got "fast"'],
  ['unknown agent', (x) => (x.agents[1].agent = 'nosuch'), 'agents[1].agent: unknown agent "nosuch" (available: attmf, ddpg, dqn, '],
  ['unknown env', (x) => (x.envs[0].id = 'CartPole-v9'), 'envs[0].id: unknown environment "CartPole-v9" (faasgym envs lists them: '],
  ['negative budget', (x) => (x.budget = -5), 'budget: expected a positive integer, got -5'],
  ['a claim naming a missing metric', (x) => (x.claims[0].metric = 'scaledCost'), 'claims[0].metric: "scaledCost" is not one of the experiment\'s metrics (return)'],
  ['an unknown metric', (x) => x.metrics.push('nope'), 'metrics[1]: unknown metric "nope" (known: return, episodeLength, '],
  ['a metric of another family', (x) => x.metrics.push('qosMet'), 'metrics[1]: "qosMet" is not measured on any env of the experiment (CartPole-v1)'],
  ['an unknown key', (x) => (x.envs[0].confg = {}), 'envs[0].confg: unknown key'],
  ['a claim about a missing agent', (x) => (x.claims[0].b = 'ppo'), 'claims[0].b: no agent has the label "ppo" (dqn, random, dqn2)'],
  ['best-found off FaaSConf', (x) => (x.eval = { protocols: ['best-found'] }), 'eval.protocols: best-found re-measures FaaSConf configurations, so every env must be FaaSConf-*, got "CartPole-v1"'],
  ['an agent that cannot run on an env', (x) => (x.agents[1].agent = 'ddpg'), 'agents[1].agent: ddpg cannot run on CartPole-v1: '],
  ['a bad seed', (x) => (x.seeds = [0, -1]), 'seeds[1]: expected a seed (integer >= 0), got -1'],
  ['an unknown option', (x) => (x.agents[2].options = { learningrate: 1 }), 'agents[2].options.learningrate: unknown key (known: hidden, '],
];

test.each(BAD)('a bad file is refused with the field path and value: %s', (_what, mutate, message) => {
  const x = structuredClone(good);
  mutate(x);
  let err: unknown;
  try {
    resolveExperiment(x, 'bad.yaml');
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ExperimentError);
  expect((err as Error).message).toContain(`bad.yaml: ${message}`);
});

test('the good file passes', () => {
  const r = resolveExperiment(structuredClone(good), 'good.yaml');
  expect(r.seeds).toEqual([0, 1]);
  expect(r.agents.map((a) => [a.label, a.budget])).toEqual([['dqn', 100], ['random', 100], ['dqn2', 100]]);
  expect(r.claims[0]).toMatchObject({ id: 'c1', protocol: 'greedy' });
});

test('quick.claims replace the claims under --quick only, and are checked like them', () => {
  const x = structuredClone(good) as any;
  x.quick = { budget: 50, claims: [{ id: 'learns', type: 'threshold', source: 'CI', metric: 'return', agent: 'dqn', atLeast: 20 }] };
  const full = resolveExperiment(structuredClone(x), 'q.yaml');
  expect(full.claims.map((c) => c.id)).toEqual(['c1']);
  const quick = resolveExperiment(structuredClone(x), 'q.yaml', { quick: true });
  expect(quick.claims).toEqual([{ id: 'learns', type: 'threshold', source: 'CI', metric: 'return', agent: 'dqn', atLeast: 20, protocol: 'greedy' }]);
  expect(quick.agents.map((a) => a.budget)).toEqual([50, 50, 50]);
  // A quick claim about a missing agent is refused under --quick, named by its own path.
  x.quick.claims[0].agent = 'ppo';
  expect(() => resolveExperiment(structuredClone(x), 'q.yaml', { quick: true })).toThrow(new ExperimentError('q.yaml: quick.claims[0].agent: no agent has the label "ppo" (dqn, random, dqn2)'));
  // A malformed quick claim is refused by the schema, in full runs too.
  x.quick.claims[0] = { type: 'threshold', source: 'CI', metric: 'return', agent: 'dqn', atLeast: 'high' };
  expect(() => resolveExperiment(structuredClone(x), 'q.yaml')).toThrow('q.yaml: quick.claims[0].atLeast: expected a finite number, got "high"');
});

test('faasgym run refuses a bad file with every problem and exit code 2, before anything runs', () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
  const dir = mkdtempSync(join(tmpdir(), 'faasgym-run-bad-'));
  const x = structuredClone(good) as any;
  x.agents[2].options.learningRate = 'fast';
  x.metrics.push('nope');
  writeFileSync(join(dir, 'bad.yaml'), stringify(x));
  const r = spawnSync(process.execPath, [CLI, 'run', 'bad.yaml'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  expect(r.status).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^faasgym: error: bad\.yaml: agents\[2\]\.options\.learningRate: expected a number in \(0, 1\], got "fast" bad\.yaml: metrics\[1\]: unknown metric "nope" \(known: /);
  expect(existsSync(join(dir, 'runs'))).toBe(false);
  // --emit kubernetes-job writes the Indexed Job for the (valid) file, and runs nothing.
  writeFileSync(join(dir, 'good.yaml'), stringify(good));
  const e = spawnSync(process.execPath, [CLI, 'run', 'good.yaml', '--emit', 'kubernetes-job', '--shards', '3', '--image', 'faasgym:test'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  expect(e.status).toBe(0);
  const job = parse(e.stdout) as { kind: string; spec: { completionMode: string; completions: number; template: { spec: { containers: { image: string; command: string[] }[] } } } };
  expect(job.kind).toBe('Job');
  expect(job.spec.completionMode).toBe('Indexed');
  expect(job.spec.completions).toBe(3);
  expect(job.spec.template.spec.containers[0]?.image).toBe('faasgym:test');
  expect(job.spec.template.spec.containers[0]?.command[2]).toBe('faasgym run good.yaml --shard "$JOB_COMPLETION_INDEX/3" --out "/results/shard-$JOB_COMPLETION_INDEX" --jobs 1');
  expect(existsSync(join(dir, 'runs'))).toBe(false);
  const s = spawnSync(process.execPath, [CLI, 'run', '--schema'], { encoding: 'utf8', timeout: 120_000 });
  expect(s.status).toBe(0);
  expect(JSON.parse(s.stdout)).toEqual(experimentJsonSchema());
});
