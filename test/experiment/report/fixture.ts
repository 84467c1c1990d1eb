/**
 * A ReportInput as the runner would hand it over: 2 envs × 3 labels × 3 seeds,
 * learning curves for the two learners, two protocols on the first env, one
 * failed cell, one metric a seed could not measure, and three claims.
 */
import type { CellResult, ClaimVerdict, MetricSummary, ReportInput } from '../../../src/experiment/runner/types.js';

export const ENVS = ['FaaSConf-Sequential-v0', 'CartPole-v1'];
export const LABELS = ['attmf+ses', 'random-search', 'k8s <hpa>'];
export const SEEDS = [0, 1, 2];
const PROTOCOLS: Record<string, string[]> = { 'FaaSConf-Sequential-v0': ['greedy', 'best-found'], 'CartPole-v1': ['greedy'] };
const METRICS: Record<string, string[]> = { 'FaaSConf-Sequential-v0': ['qosMet', 'scaledCost'], 'CartPole-v1': ['episodeReturn'] };

/** A deterministic value per cell: labels apart, seeds spread a little. */
function value(env: string, label: string, protocol: string, metric: string, seed: number): number {
  const l = LABELS.indexOf(label), e = ENVS.indexOf(env);
  const base = metric === 'episodeReturn' ? 100 + 150 * (2 - l) : metric === 'qosMet' ? 0.95 - 0.1 * l : 0.2 + 0.15 * l;
  return base * (1 + 0.03 * (seed - 1) + 0.01 * e) + (protocol === 'best-found' ? 0.01 : 0);
}

const failedCell = (env: string, label: string, seed: number) => env === 'CartPole-v1' && label === 'k8s <hpa>' && seed === 2;
const missingValue = (env: string, label: string, metric: string, seed: number) =>
  env === 'FaaSConf-Sequential-v0' && label === 'random-search' && metric === 'scaledCost' && seed === 1;

function cells(): CellResult[] {
  const out: CellResult[] = [];
  for (const env of ENVS) {
    for (const label of LABELS) {
      for (const seed of SEEDS) {
        const id = `${env}__${label.replace(/[^A-Za-z0-9+.-]/g, '_')}__s${seed}`;
        const failed = failedCell(env, label, seed);
        const metrics: CellResult['metrics'] = {};
        if (!failed) {
          for (const p of PROTOCOLS[env]) {
            metrics[p] = {};
            for (const m of METRICS[env]) metrics[p][m] = missingValue(env, label, m, seed) ? null : value(env, label, p, m, seed);
          }
        }
        const learns = label !== 'k8s <hpa>';
        const curve = failed || !learns ? [] : [0, 250, 500, 750, 1000].map((step) => ({
          step,
          metrics: Object.fromEntries(METRICS[env].map((m) => [m, value(env, label, 'greedy', m, seed) * (0.4 + 0.6 * (step / 1000))])),
        }));
        out.push({
          cell: { id, env, agent: label === 'k8s <hpa>' ? 'hpa' : label, label, seed },
          configHash: `hash-${id}`,
          status: failed ? 'failed' : 'ok',
          ...(failed ? { error: 'worker exited with code 134 (out of memory)' } : {}),
          steps: learns ? 1000 : 0,
          metrics,
          curve,
          wallSeconds: 1.5 + seed,
          startedAt: '2026-12-07T18:00:00.000Z',
          finishedAt: '2026-12-07T18:00:02.000Z',
        });
      }
    }
  }
  return out;
}

/** Student-t 95 % half-widths for n = 2, 3 (t = 12.706, 4.303), written out so the test does not reuse the code under test. */
function summarise(env: string, label: string, protocol: string, metric: string, cs: CellResult[]): MetricSummary {
  const values = SEEDS.map((seed) => {
    const c = cs.find((x) => x.cell.env === env && x.cell.label === label && x.cell.seed === seed);
    return { seed, value: c?.metrics[protocol]?.[metric] ?? null };
  });
  const vs = values.map((v) => v.value).filter((v): v is number => v !== null);
  const n = vs.length;
  const mean = vs.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(vs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : null;
  const half = sd === null ? null : ({ 2: 12.706, 3: 4.303 } as Record<number, number>)[n] * (sd / Math.sqrt(n));
  return {
    env, label, protocol, metric, n, missing: SEEDS.length - n, mean, std: sd,
    ciLow: half === null ? null : mean - half, ciHigh: half === null ? null : mean + half,
    ciMethod: half === null ? 'none (n < 2)' : 'student-t 95%', values,
  };
}

export function fixtureInput(): ReportInput {
  const cs = cells();
  const summaries: MetricSummary[] = [];
  for (const env of ENVS) for (const p of PROTOCOLS[env]) for (const l of LABELS) for (const m of METRICS[env]) summaries.push(summarise(env, l, p, m, cs));
  const claims: ClaimVerdict[] = [
    {
      id: 'cost-lower', text: "attmf+ses's scaledCost is lower than random-search's by ≥ 20 %", source: 'FaaSConf §5.2, Fig. 8',
      held: true, detail: 'attmf+ses 0.2000 vs random-search 0.3550: −43.7 %', effect: { name: 'relative difference', value: -0.437, paper: -0.31 },
      env: ENVS[0], metric: 'scaledCost', protocol: 'best-found', labels: ['attmf+ses', 'random-search'],
    },
    {
      id: 'qos-95', text: 'k8s <hpa> meets QoS in ≥ 95 % of windows', source: 'FaaSConf §5.2.2',
      held: false, detail: 'k8s <hpa> 0.7500 < 0.95', effect: { name: 'qosMet', value: 0.75 },
      env: ENVS[0], metric: 'qosMet', protocol: 'greedy', labels: ['k8s <hpa>'],
    },
    {
      id: 'cartpole', text: "attmf+ses's episodeReturn is higher than k8s <hpa>'s", source: 'SB3 zoo',
      held: null, detail: 'k8s <hpa> has a failed cell', env: ENVS[1], metric: 'episodeReturn', protocol: 'greedy', labels: ['attmf+ses', 'k8s <hpa>'],
    },
  ];
  return {
    meta: {
      name: 'fixture-experiment', description: 'Two envs, three agents, three seeds — a report test fixture.', source: 'FaaSConf (000) §5, Fig. 8',
      packageVersion: '0.1.0', gitCommit: '0123456789abcdef0123', node: 'v20.19.0', tfBackend: 'wasm', quick: true,
      startedAt: '2026-12-07T18:00:00.000Z', finishedAt: '2026-12-07T18:01:00.000Z',
      file: 'configs/experiments/fixture.yaml', fileText: 'name: fixture-experiment\nseeds: 3 # <script>alert(1)</script>\n',
      resolved: { name: 'fixture-experiment', seeds: [0, 1, 2], budget: 1000 },
    },
    cells: cs,
    summaries,
    claims,
    metricInfo: {
      qosMet: { description: 'fraction of windows that met QoS', better: 'higher' },
      scaledCost: { description: 'FaaSConf eq. (2) scaled cost', better: 'lower' },
      episodeReturn: { description: 'undiscounted episode return', better: 'higher' },
    },
    paper: [{ env: ENVS[0], protocol: 'best-found', label: 'attmf+ses', metric: 'scaledCost', value: 0.19, source: 'FaaSConf Fig. 8' }],
  };
}
