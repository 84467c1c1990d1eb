// Probe, stage 1 (issue 14 item 6): train a FaaSConf learner and run random search with the budget
// `faasgym compare` gives them (9,736 learning windows of 10,000, the zoo's settings, seed S), save the
// learner's checkpoint and random search's pick, for faasconf-landscape.mjs to read.
//   npm run build --silent && node bench/issue14/faasconf-greedy-train.mjs [agent=attmf] [seed=0] [out=runs/issue14-greedy]
// Writes <out>/<agent>-s<seed>/checkpoint/ and <out>/<agent>-s<seed>/picks.json:
//   { rsAction, rsScore, greedyActions: the learner's greedy joint action over 12 windows from a reset (episode seed 1,000,000) }.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { train, make } from '../../dist/src/index.js';
import '../../dist/agents/index.js';
import { resolveTrainingRun, buildRun } from '../../dist/src/experiment/index.js';

const [agentName = 'attmf', seedArg = '0', out = 'runs/issue14-greedy'] = process.argv.slice(2);
const seed = Number(seedArg);
const ENV = 'FaaSConf-Sequential-v0';
const LEARNING = 9736; // compare's 10,000 minus the 264 re-measurement windows
const dir = join(out, `${agentName}-s${seed}`);
mkdirSync(dir, { recursive: true });

const t0 = performance.now();
const rsRun = resolveTrainingRun({ env: ENV, agent: 'random-search', steps: LEARNING, seed, evalEpisodes: 0, evalEvery: 0, layers: [{ source: 'probe', options: { budget: LEARNING / 2 } }] });
const rs = await buildRun(rsRun);
const rsBest = rs.agent.best;
rs.agent.dispose();
await rs.env.close();
console.log(`random search: ${LEARNING / 2} trials in ${((performance.now() - t0) / 1000).toFixed(1)} s, pick scored ${rsBest.score.toFixed(4)} in its window`);

const t1 = performance.now();
const run = resolveTrainingRun({ env: ENV, agent: agentName, steps: LEARNING, seed, evalEpisodes: 0, evalEvery: 0 });
const { env, agent } = await buildRun(run);
await train({ env, agent, steps: LEARNING, seed });
console.log(`${agentName}: ${LEARNING} windows in ${((performance.now() - t1) / 1000).toFixed(1)} s (options from ${run.sources.join(', ')})`);
await agent.save(join(dir, 'checkpoint'));

// The greedy policy's joint action window by window from a reset (its fixed point on a static load).
const ev = make(ENV, run.envConfig);
let { obs } = await ev.reset({ seed: 1_000_000 });
const greedyActions = [];
for (let t = 0; t < 12; t++) {
  const a = await agent.act(obs, { explore: false });
  greedyActions.push(ev.possibleAgents.flatMap((id) => a[id]));
  ({ obs } = await ev.step(a));
}
await ev.close();
agent.dispose();
await env.close();
writeFileSync(join(dir, 'picks.json'), JSON.stringify({ env: ENV, agent: agentName, seed, learningWindows: LEARNING, rsAction: rsBest.action, rsScore: rsBest.score, greedyActions }, null, 1));
console.log(`wrote ${dir}/picks.json and checkpoint/`);
