import { parse } from 'yaml';
import { kubernetesJob, kubernetesJobYaml } from '../../../src/experiment/runner/kube.js';
import type { ResolvedExperiment } from '../../../src/experiment/runner/load.js';
import { measure, stepsToConvergence, type StepRecord } from '../../../src/experiment/runner/metrics.js';
import { checkClaims, describe as describeValues, summarize, tQuantile975 } from '../../../src/experiment/runner/stats.js';
import type { CellResult } from '../../../src/experiment/runner/types.js';

const experiment = (claims: ResolvedExperiment['claims'] = []): ResolvedExperiment => ({
  name: 't', description: 'd', source: 's', quick: false,
  envs: [{ label: 'FaaSConf-Sequential-v0', id: 'FaaSConf-Sequential-v0', config: undefined }],
  agents: [
    { label: 'a', agent: 'attmf', options: {}, zoo: true, budget: 10, envs: null },
    { label: 'b', agent: 'random-search', options: {}, zoo: true, budget: 10, envs: null },
  ],
  seeds: [0, 1, 2],
  eval: { episodes: 1, seed: 1_000_000, protocols: ['greedy'], verify: {}, curvePoints: 0 },
  metrics: ['scaledCost', 'qosMet'],
  claims,
  paper: null,
});

function cell(label: string, seed: number, scaledCost: number | null, qosMet: number, status: 'ok' | 'failed' = 'ok'): CellResult {
  return {
    cell: { id: `e__${label}__s${seed}`, env: 'FaaSConf-Sequential-v0', agent: label, label, seed }, configHash: 'h', status, steps: 10,
    metrics: status === 'ok' ? { greedy: { scaledCost, qosMet } } : {}, curve: [], wallSeconds: 1, startedAt: '', finishedAt: '',
  };
}

test('Student t quantiles: the table (scipy.stats.t.ppf(0.975, df)) and the expansion beyond it', () => {
  expect(tQuantile975(1)).toBeCloseTo(12.706205, 6);
  expect(tQuantile975(2)).toBeCloseTo(4.302653, 6);
  expect(tQuantile975(30)).toBeCloseTo(2.042272, 6);
  expect(tQuantile975(60)).toBeCloseTo(2.000298, 4); // scipy: 2.0002978
  expect(tQuantile975(1000)).toBeCloseTo(1.962339, 4);
});

test('the summary over seeds: mean, sample std and the Student t 95 % interval, computed by hand', () => {
  const cells = [cell('a', 0, 0.2, 1), cell('a', 1, 0.25, 0.9), cell('a', 2, 0.3, 1), cell('b', 0, 0.4, 0.5), cell('b', 1, null, 0.6), cell('b', 2, 0.5, 0.7, 'failed')];
  const s = summarize(experiment(), cells);
  const a = s.find((x) => x.label === 'a' && x.metric === 'scaledCost');
  // By hand: mean 0.25, deviations -0.05, 0, 0.05 → s = sqrt(0.005 / 2) = 0.05; half-width t(0.975, 2) · s / √3.
  expect(a).toMatchObject({ n: 3, missing: 0, ciMethod: 'student-t 95% over seeds', protocol: 'greedy', env: 'FaaSConf-Sequential-v0' });
  expect(a?.mean).toBeCloseTo(0.25, 12);
  expect(a?.std).toBeCloseTo(0.05, 12);
  expect(a?.ciLow).toBeCloseTo(0.25 - (4.302653 * 0.05) / Math.sqrt(3), 6);
  expect(a?.ciHigh).toBeCloseTo(0.25 + (4.302653 * 0.05) / Math.sqrt(3), 6);
  expect(a?.values).toEqual([{ seed: 0, value: 0.2 }, { seed: 1, value: 0.25 }, { seed: 2, value: 0.3 }]);
  // b: seed 1 has no value, seed 2 failed: one value, no interval.
  const b = s.find((x) => x.label === 'b' && x.metric === 'scaledCost');
  expect(b).toMatchObject({ n: 1, missing: 2, mean: 0.4, std: null, ciLow: null, ciHigh: null, ciMethod: 'none (n < 2)' });
  expect(describeValues([])).toEqual({ mean: null, std: null, ciLow: null, ciHigh: null, ciMethod: 'none (no value)' });
});

test('claims: relative (by ≥ x %, within x %) and threshold verdicts with the effect size; undecided without values', () => {
  const claims: ResolvedExperiment['claims'] = [
    { type: 'relative', id: 'c1', source: 'paper', protocol: 'greedy', metric: 'scaledCost', a: 'a', b: 'b', byAtLeastPercent: 30, paper: 31 },
    { type: 'relative', id: 'c2', source: 'paper', protocol: 'greedy', metric: 'scaledCost', a: 'a', b: 'b', byAtLeastPercent: 40 },
    { type: 'relative', id: 'c3', source: 'paper', protocol: 'greedy', metric: 'scaledCost', a: 'b', b: 'a', withinPercent: 5 },
    { type: 'threshold', id: 'c4', source: 'paper', protocol: 'greedy', metric: 'qosMet', agent: 'a', atLeast: 0.95 },
    { type: 'threshold', id: 'c5', source: 'paper', protocol: 'greedy', metric: 'qosMet', agent: 'b', atMost: 0.6 },
  ];
  const x = experiment(claims);
  const cells = [cell('a', 0, 0.2, 1), cell('a', 1, 0.25, 0.9), cell('a', 2, 0.3, 1), cell('b', 0, 0.4, 0.5), cell('b', 1, 0.35, 0.6), cell('b', 2, 0.3, 0.7)];
  const v = checkClaims(x, summarize(x, cells));
  // a 0.25 vs b 0.35: (0.35 - 0.25) / 0.35 = 28.57 % lower.
  expect(v[0]).toMatchObject({ id: 'c1', held: false, labels: ['a', 'b'], metric: 'scaledCost', protocol: 'greedy', text: "a's scaledCost (greedy) is lower than b's by ≥ 30 %" });
  expect(v[0]?.effect?.value).toBeCloseTo(100 * (0.1 / 0.35), 9);
  expect(v[0]?.effect?.paper).toBe(31);
  expect(v[0]?.detail).toContain('28.6 % lower (claim: lower by ≥ 30 %); paper: 31 %');
  expect(v[1]?.held).toBe(false);
  // b is 40 % dearer than a: not within 5 %.
  expect(v[2]).toMatchObject({ id: 'c3', held: false });
  expect(v[2]?.effect?.value).toBeCloseTo(-40, 9);
  // qosMet of a: mean 0.9667 ≥ 0.95; of b: 0.6 ≤ 0.6.
  expect(v[3]).toMatchObject({ id: 'c4', held: true });
  expect(v[4]).toMatchObject({ id: 'c5', held: true });
  const none = checkClaims(x, summarize(x, [cell('a', 0, 0.2, 1)]));
  expect(none[0]).toMatchObject({ held: null });
  expect(none[0]?.detail).toContain('undecided: b has no value');
});

test('metrics read the papers\' figures from info: FaaSConf windows, Darly loose/strict, StepConf runs, convergence', () => {
  const w = (qosMet: boolean, scaledCost: number, done = false): StepRecord => ({ reward: 1, done, info: { qosMet, scaledCost } });
  const m = measure(['qosMet', 'qosViolations', 'scaledCost', 'costAtMetQos', 'qualifiedCost'], [w(true, 0.2), w(true, 0.4), w(false, 0.6), w(true, 0.2, true)]);
  expect(m.qosMet).toBeCloseTo(0.75, 12);
  expect(m.qosViolations).toBeCloseTo(0.25, 12);
  expect(m.scaledCost).toBeCloseTo(0.35, 12);
  expect(m.costAtMetQos).toBeCloseTo(0.8 / 3, 12);
  expect(m.qualifiedCost).toBeNull(); // QoS met in 75 % < 95 % of windows
  const d = (qosTarget: number, qosMet: boolean): StepRecord => ({ reward: 0, done: false, info: { qosTarget, qosMet } });
  const dm = measure(['qosAdherenceLoose', 'qosAdherenceStrict'], [d(35, true), d(35, false), d(26, false), d(26, false), d(26, true)]);
  expect(dm.qosAdherenceLoose).toBeCloseTo(0.5, 12);
  expect(dm.qosAdherenceStrict).toBeCloseTo(1 / 3, 12);
  const s = (done: boolean, totalCostUsd: number, sloMet: boolean): StepRecord => ({ reward: 0, done, info: { totalCostUsd, sloMet } });
  const sm = measure(['costUsd', 'sloAttainment'], [s(false, 9, false), s(true, 0.02, true), s(true, 0.04, false)]);
  expect(sm.costUsd).toBeCloseTo(0.03, 12);
  expect(sm.sloAttainment).toBeCloseTo(0.5, 12);
  // Rewards 0, 1, …, 20, then 20: the 5-step means run 2 … 20 (range 18, tolerance 1.8); the first within
  // 1.8 of 20 for good is the mean of steps 18-22 (17, 18, 19, 20, 20 → 18.8), so it converged at step 22.
  const ep: StepRecord[] = Array.from({ length: 100 }, (_, i) => ({ reward: Math.min(i, 20), done: i === 99, info: {} }));
  expect(stepsToConvergence(ep)).toBe(22);
  expect(stepsToConvergence([...ep, ...ep])).toBe(22);
});

test('the Kubernetes Indexed Job: one completion per shard, the shard from JOB_COMPLETION_INDEX, image, volume and requests', () => {
  const text = kubernetesJobYaml({ name: 'faasconf-fig8', file: 'configs/experiments/faasconf-fig8.yaml', image: 'ghcr.io/x/faasgym:1', shards: 4, resultsClaim: 'results', jobsPerPod: 2, cpuPerCell: 1.5, memoryMiPerCell: 1024 });
  const job = parse(text) as ReturnType<typeof kubernetesJob> & Record<string, any>;
  expect(job.apiVersion).toBe('batch/v1');
  expect(job.kind).toBe('Job');
  expect(job.metadata.name).toBe('faasgym-faasconf-fig8');
  expect(job.spec).toMatchObject({ completionMode: 'Indexed', completions: 4, parallelism: 4 });
  const pod = job.spec.template.spec;
  expect(['Never', 'OnFailure']).toContain(pod.restartPolicy);
  const c = pod.containers[0];
  expect(c.image).toBe('ghcr.io/x/faasgym:1');
  expect(c.command).toEqual(['sh', '-c', 'faasgym run configs/experiments/faasconf-fig8.yaml --shard "$JOB_COMPLETION_INDEX/4" --out "/results/shard-$JOB_COMPLETION_INDEX" --jobs 2']);
  expect(c.resources.requests).toEqual({ cpu: '3', memory: '2048Mi' });
  expect(c.volumeMounts).toEqual([{ name: 'results', mountPath: '/results' }]);
  expect(pod.volumes).toEqual([{ name: 'results', persistentVolumeClaim: { claimName: 'results' } }]);
  expect(() => kubernetesJob({ name: 'x', file: 'f', image: '', shards: 2 })).toThrow('--emit kubernetes-job needs --image');
});
