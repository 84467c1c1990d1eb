// Issue 14 item 1 (Autoscale): train DQN with the zoo's entry on each seed, then play its greedy policy and
// the baselines on fresh episodes (seeds 2,000,000 + i) of the zoo entry's environment.
//   npm run build --silent && node bench/issue14/autoscale.mjs <Vertical|Horizontal> <seeds e.g. 0,1,2> [steps] [evalEpisodes] [setJSON]
// Prints one JSON line per seed and a summary (mean ± 95 % CI over seeds, Student t).
import { make } from '../../dist/src/index.js';
import { getAgentFactory } from '../../dist/agents/index.js';
import { resolveTrainingRun, buildRun } from '../../dist/src/experiment/training-run.js';
import { train } from '../../dist/src/experiment/train.js';

const [axis = 'Vertical', seedsArg = '0', stepsArg, episodesArg = '5', setArg = '{}'] = process.argv.slice(2);
const envId = `Autoscale-${axis}-v0`;
const baselines = axis === 'Horizontal' ? ['threshold', 'hpa', 'static'] : ['threshold', 'static'];
const episodes = Number(episodesArg);
const T = { 2: 12.706, 3: 4.303, 4: 3.182, 5: 2.776, 6: 2.571, 7: 2.447, 8: 2.365, 9: 2.306, 10: 2.262 };

/** Greedy episodes: reward per step, fraction of steps with every p90 under its SLA, mean allocated CPU and setting, step after which settings stop changing. */
async function play(agent, env) {
  let reward = 0, ok = 0, cpu = 0, setting = 0, n = 0, settle = 0;
  for (let ep = 0; ep < episodes; ep++) {
    let { obs } = await env.reset({ seed: 2_000_000 + ep });
    let prev = null, lastChange = 0;
    for (let t = 1; ; t++) {
      const r = await env.step(await agent.act(obs, { explore: false }));
      obs = r.obs; reward += r.reward; n++;
      ok += r.info.rewardParts.violated ? 0 : 1;
      cpu += r.info.totalCpuMilli;
      const s = Object.values(r.info.settings);
      setting += s.reduce((a, b) => a + b, 0) / s.length;
      const key = JSON.stringify(s);
      if (key !== prev) lastChange = t;
      prev = key;
      if (r.terminated || r.truncated) break;
    }
    settle += lastChange;
  }
  return { rewardPerStep: reward / n, slaMet: ok / n, cpuMilli: cpu / n, meanSetting: setting / n, settleStep: settle / episodes };
}

const rows = [];
for (const seed of seedsArg.split(',').map(Number)) {
  const spec = { env: envId, agent: 'dqn', seed, layers: [{ source: 'cli', options: JSON.parse(setArg) }], ...(stepsArg ? { steps: Number(stepsArg) } : {}) };
  const run = resolveTrainingRun(spec);
  const { env, agent } = await buildRun(run);
  const evalEnv = make(envId, run.envConfig);
  const curve = [];
  const t0 = performance.now();
  const result = await train({ env, agent, steps: run.steps, seed, evalEnv, evalEvery: Math.max(500, run.steps / 20), evalEpisodes: 1, evalSeed: 500_000, progressEvery: Math.max(500, run.steps / 20),
    onProgress: (p) => { if (p.evaluation && curve.at(-1)?.step !== p.step) { curve.push({ step: p.step, ret: p.evaluation.meanReturn, q: p.losses?.q, qMax: p.losses?.qMax }); console.error(`seed ${seed} ${JSON.stringify(curve.at(-1))} ${p.stepsPerSecond.toFixed(0)} steps/s`); } } });
  const wall = (performance.now() - t0) / 1000;
  const dqn = await play(agent, evalEnv);
  // Steps to convergence: the first periodic greedy evaluation within 5 % (of |final|) of the last one, that all later ones stay within.
  const final = curve.at(-1)?.ret ?? 0;
  const near = (x) => x >= final - 0.05 * Math.abs(final);
  let conv = null;
  for (let i = curve.length - 1; i >= 0 && near(curve[i].ret); i--) conv = curve[i].step;
  const row = { seed, steps: result.steps, diverged: result.diverged, wallSeconds: wall, convergenceStep: conv, curve, dqn };
  for (const b of baselines) row[b] = await play(await getAgentFactory(b).create(evalEnv, {}, seed), evalEnv);
  console.log(JSON.stringify(row));
  rows.push(row);
  agent.dispose(); await env.close(); await evalEnv.close();
}
const ci = (xs) => { const m = xs.reduce((a, b) => a + b, 0) / xs.length; if (xs.length < 2) return `${m.toFixed(4)}`; const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1)); return `${m.toFixed(4)} ± ${((T[xs.length] ?? 1.96) * sd / Math.sqrt(xs.length)).toFixed(4)}`; };
for (const who of ['dqn', ...baselines]) {
  console.log(`${who}: reward/step ${ci(rows.map((r) => r[who].rewardPerStep))}; SLA met ${ci(rows.map((r) => r[who].slaMet))}; CPU m ${ci(rows.map((r) => r[who].cpuMilli))}; setting ${ci(rows.map((r) => r[who].meanSetting))}; settles at step ${ci(rows.map((r) => r[who].settleStep))}`);
}
console.log(`dqn: convergence step ${ci(rows.map((r) => r.convergenceStep ?? NaN))}; wall s ${ci(rows.map((r) => r.wallSeconds))}; diverged ${rows.filter((r) => r.diverged).length}/${rows.length}`);
