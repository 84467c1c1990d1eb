// Issue 14, Autoscale-Horizontal-v0: play a trained DQN checkpoint greedily and print, every few steps, each
// function's replicas and p90/SLA, to see which function the policy leaves short and from when.
//   npm run build --silent && node bench/issue14/autoscale-play.mjs <checkpointDir> [envConfigJSON] [seed] [every]
// (an experiment cell's checkpoint: runs/<name>/cells/horizontal__dqn__s<seed>/checkpoint)
import { make } from '../../dist/src/index.js';
import { resolveTrainingRun, buildRun } from '../../dist/src/experiment/training-run.js';

const [dir, extra = '{}', seedArg = '1000000', everyArg = '5'] = process.argv.slice(2);
const envConfig = { rate: 10, workScale: 100, cpuPenalty: 2, violation: 'per-function', ...JSON.parse(extra) };
const run = resolveTrainingRun({ env: 'Autoscale-Horizontal-v0', agent: 'dqn', seed: 1, layers: [], envConfig });
const { agent } = await buildRun(run);
await agent.load(dir);
const env = make('Autoscale-Horizontal-v0', envConfig);
let { obs } = await env.reset({ seed: Number(seedArg) });
const names = env.unwrapped.functionNames;
const within = names.map(() => 0);
let reward = 0;
for (let t = 1; ; t++) {
  const r = await env.step(await agent.act(obs, { explore: false }));
  obs = r.obs; reward += r.reward;
  const ratio = names.map((n) => r.info.p90Ms[n] / r.info.slaMs[n]);
  ratio.forEach((q, i) => { within[i] += q <= 1 ? 1 : 0; });
  if (t <= 10 || t % Number(everyArg) === 0) console.log(`t=${String(t).padStart(3)} replicas ${names.map((n) => r.info.settings[n]).join(' ')}  p90/SLA ${ratio.map((q) => (q > 99 ? '>99' : q.toFixed(2)).padStart(5)).join(' ')}  r ${r.reward.toFixed(3)}`);
  if (r.terminated || r.truncated) { console.log(`steps ${t}, reward/step ${(reward / t).toFixed(3)}, within SLA per function ${within.map((w) => (100 * w / t).toFixed(0)).join(' ')} %`); break; }
}
console.log(`functions: ${names.join(', ')}`);
agent.dispose(); await env.close();
