// Issue 14 item 2 (Darly): train DQN with the zoo's entry (or the agent's defaults, Darly §4.5) on each seed, then
// play its greedy policy and kube-best-fit on fresh episodes (seeds 2,000,000 + i): QoS adherence per phase.
//   npm run build --silent && node bench/issue14/darly.mjs <Fullmap|Custom|Kubernetes|Profile> <seeds> [steps] [evalEpisodes] [setJSON]
import { make } from '../../dist/src/index.js';
import { getAgentFactory } from '../../dist/agents/index.js';
import { resolveTrainingRun, buildRun } from '../../dist/src/experiment/training-run.js';
import { train } from '../../dist/src/experiment/train.js';

const [mapper = 'Profile', seedsArg = '0', stepsArg, episodesArg = '2', setArg = '{}'] = process.argv.slice(2);
const envId = `Darly-${mapper}-v0`;
const episodes = Number(episodesArg);
const T = { 2: 12.706, 3: 4.303, 4: 3.182, 5: 2.776 };

async function play(agent, env) {
  const met = { loose: [0, 0], strict: [0, 0] };
  let reward = 0, n = 0;
  for (let ep = 0; ep < episodes; ep++) {
    let { obs } = await env.reset({ seed: 2_000_000 + ep });
    for (;;) {
      const r = await env.step(await agent.act(obs, { explore: false }));
      obs = r.obs; reward += r.reward; n++;
      const phase = r.info.qosTarget >= 35 ? 'loose' : 'strict';
      met[phase][0] += r.info.qosMet ? 1 : 0; met[phase][1]++;
      if (r.terminated || r.truncated) break;
    }
  }
  return { loose: met.loose[0] / met.loose[1], strict: met.strict[0] / met.strict[1], overall: (met.loose[0] + met.strict[0]) / (met.loose[1] + met.strict[1]), rewardPerStep: reward / n };
}

const rows = [];
for (const seed of seedsArg.split(',').map(Number)) {
  const run = resolveTrainingRun({ env: envId, agent: 'dqn', seed, layers: [{ source: 'cli', options: JSON.parse(setArg) }], ...(stepsArg ? { steps: Number(stepsArg) } : {}) });
  const { env, agent } = await buildRun(run);
  const evalEnv = make(envId, run.envConfig);
  const t0 = performance.now();
  const result = await train({ env, agent, steps: run.steps, seed, progressEvery: 2500,
    onProgress: (p) => console.error(`seed ${seed} step ${p.step} mean100 ${p.meanReturn?.toFixed(1)} loss ${JSON.stringify(p.losses)} ${p.stepsPerSecond.toFixed(0)} steps/s`) });
  const wall = (performance.now() - t0) / 1000;
  const row = { seed, steps: result.steps, diverged: result.diverged, wallSeconds: wall, dqn: await play(agent, evalEnv), 'kube-best-fit': await play(await getAgentFactory('kube-best-fit').create(evalEnv, {}, seed), evalEnv) };
  console.log(JSON.stringify(row));
  rows.push(row);
  agent.dispose(); await env.close(); await evalEnv.close();
}
const ci = (xs) => { const m = xs.reduce((a, b) => a + b, 0) / xs.length; if (xs.length < 2) return `${(100 * m).toFixed(1)} %`; const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1)); return `${(100 * m).toFixed(1)} ± ${(100 * (T[xs.length] ?? 1.96) * sd / Math.sqrt(xs.length)).toFixed(1)} %`; };
for (const who of ['dqn', 'kube-best-fit']) console.log(`${envId} ${who}: loose ${ci(rows.map((r) => r[who].loose))}; strict ${ci(rows.map((r) => r[who].strict))}; overall ${ci(rows.map((r) => r[who].overall))}`);
console.log(`wall s ${rows.map((r) => r.wallSeconds.toFixed(0)).join(', ')}; diverged ${rows.filter((r) => r.diverged).length}/${rows.length}`);
