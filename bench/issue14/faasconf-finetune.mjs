// Probe (issue 14 item 6): does the actor move to cheaper configurations once the exploration noise around it
// shrinks? faasconf-landscape.mjs (5) shows the critic is fit on windows where the other functions' noise
// (σ 0.2 per element) pushes the workflow over the QoS cliff when one function is cut, so it learns that cuts
// are risky although, held alone, they are safe and cheaper. Here the trained checkpoint continues to learn for
// `windows` more windows with noiseSigma `sigma` (optionally on an emptied replay, so the old noisy windows are
// gone), and its greedy policy is scored before and after (5 episodes of 12 windows, seeds 1,000,000 + i,
// from a reset at the preset configuration, as `faasgym compare` plays it).
//   node bench/issue14/faasconf-finetune.mjs [dir=runs/issue14-greedy/attmf-s1] [sigma=0.03] [windows=2000] [clearReplay=1]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { make, train } from '../../dist/src/index.js';
import { getAgentFactory } from '../../dist/agents/index.js';
import { resolveTrainingRun, scoreWindows } from '../../dist/src/experiment/index.js';

const [dir = 'runs/issue14-greedy/attmf-s1', sigmaArg = '0.03', windowsArg = '2000', clearArg = '1'] = process.argv.slice(2);
const picks = JSON.parse(readFileSync(join(dir, 'picks.json'), 'utf8'));
const ENV = picks.env;
const run = resolveTrainingRun({ env: ENV, agent: picks.agent, steps: picks.learningWindows, seed: picks.seed, evalEpisodes: 0, evalEvery: 0 });
const env = make(ENV, run.envConfig), evalEnv = make(ENV, run.envConfig);
const agent = await getAgentFactory(picks.agent).create(env, { ...run.options, noiseSigma: Number(sigmaArg) }, picks.seed);
await agent.load(join(dir, 'checkpoint'));
const score = async (label) => {
  const { stats } = await scoreWindows(evalEnv, agent, { episodes: 5 });
  console.log(`${label}: QoS met ${(100 * stats.qosMet).toFixed(1)} %, scaled cost ${stats.scaledCost.toFixed(4)}, reward/window ${stats.rewardPerWindow.toFixed(4)}, latency ${stats.meanLatency?.toFixed(3)} s`);
};
await score(`${picks.agent} seed ${picks.seed}, greedy after ${picks.learningWindows} windows (σ ${run.options.noiseSigma})`);
if (clearArg === '1') { agent.replay.size = 0; agent.replay.next = 0; }
const t0 = performance.now();
const chunk = Math.max(1, Math.floor(Number(windowsArg) / 4));
for (let k = 1; k <= 4; k++) {
  await train({ env, agent, steps: chunk, seed: picks.seed + 100 * k });
  await score(`  + ${k * chunk} windows at σ ${sigmaArg}${clearArg === '1' ? ' (replay emptied first)' : ''}, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}
const rs = getAgentFactory('static');
const held = await rs.create(evalEnv, { action: picks.rsAction }, 0);
const h = await scoreWindows(evalEnv, held, { episodes: 5 });
console.log(`random search's pick held (same episodes): QoS met ${(100 * h.stats.qosMet).toFixed(1)} %, scaled cost ${h.stats.scaledCost.toFixed(4)}, reward/window ${h.stats.rewardPerWindow.toFixed(4)}`);
held.dispose();
agent.dispose();
await env.close();
await evalEnv.close();
