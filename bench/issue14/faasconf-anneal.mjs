// Probe (issue 14 item 6): the remedy faasconf-finetune.mjs points at, inside `faasgym compare`'s budget.
// Train <agent> with the zoo's settings for the first `switchAt` of the 9,736 learning windows, then shrink the
// exploration noise to `sigma2` (and, with clear = 1, empty the replay so the critic refits on low-noise windows)
// for the rest; score the greedy policy and random search's pick (same budget, same seed) on the same
// 5 evaluation episodes (seeds 1,000,000 + i, from the preset configuration, as `faasgym compare` does).
//   node bench/issue14/faasconf-anneal.mjs [agent=attmf] [seed=1] [switchAt=7736] [sigma2=0.03] [clear=1]
import '../../dist/agents/index.js';
import { make, train } from '../../dist/src/index.js';
import { getAgentFactory } from '../../dist/agents/index.js';
import { resolveTrainingRun, buildRun, scoreWindows } from '../../dist/src/experiment/index.js';

const [agentName = 'attmf', seedArg = '1', switchArg = '7736', sigmaArg = '0.03', clearArg = '1'] = process.argv.slice(2);
const seed = Number(seedArg), switchAt = Number(switchArg), sigma2 = Number(sigmaArg);
const ENV = 'FaaSConf-Sequential-v0';
const LEARNING = 9736; // compare's 10,000 minus the 264 re-measurement windows
const fmt = (label, s) => `${label}: QoS met ${(100 * s.qosMet).toFixed(1)} %, scaled cost ${s.scaledCost.toFixed(4)}, reward/window ${s.rewardPerWindow.toFixed(4)}`;

const t0 = performance.now();
const rsRun = resolveTrainingRun({ env: ENV, agent: 'random-search', steps: LEARNING, seed, evalEpisodes: 0, evalEvery: 0, layers: [{ source: 'probe', options: { budget: LEARNING / 2 } }] });
const rs = await buildRun(rsRun);
const rsAction = rs.agent.best.action;
rs.agent.dispose();
await rs.env.close();

const run = resolveTrainingRun({ env: ENV, agent: agentName, steps: LEARNING, seed, evalEpisodes: 0, evalEvery: 0 });
const { env, agent } = await buildRun(run);
const evalEnv = make(ENV, run.envConfig);
await train({ env, agent, steps: switchAt, seed });
const before = await scoreWindows(evalEnv, agent, { episodes: 5 });
console.log(fmt(`${agentName} seed ${seed}, greedy after ${switchAt} windows at σ ${run.options.noiseSigma ?? 'default'}`, before.stats));
if (!agent.noise || !('sigma' in agent.noise)) throw new Error(`${agentName}: no Gaussian exploration noise to shrink`);
agent.noise.sigma = sigma2;
if (clearArg === '1') { agent.replay.size = 0; agent.replay.next = 0; }
await train({ env, agent, steps: LEARNING - switchAt, seed: seed + 1000 });
const after = await scoreWindows(evalEnv, agent, { episodes: 5 });
console.log(fmt(`${agentName} seed ${seed}, greedy after ${LEARNING} windows (the last ${LEARNING - switchAt} at σ ${sigma2}${clearArg === '1' ? ', replay emptied' : ''})`, after.stats));
const held = await getAgentFactory('static').create(evalEnv, { action: rsAction }, 0);
const h = await scoreWindows(evalEnv, held, { episodes: 5 });
console.log(fmt(`random search's pick (${LEARNING / 2} trials), held`, h.stats));
const ok = after.stats.qosMet >= 0.95 && (h.stats.qosMet < 0.95 || after.stats.scaledCost <= h.stats.scaledCost);
console.log(`greedy policy ${ok ? 'no worse than' : 'worse than'} random search's pick on cost at met QoS (≥ 95 % of windows); ${((performance.now() - t0) / 1000).toFixed(0)} s`);
held.dispose();
agent.dispose();
await env.close();
await evalEnv.close();
