/**
 * FaaSConf on FaaSConf-Sequential-v0: train AttMF (attention mean-field, one
 * agent per function) inside SES, the paper's safe exploration, and run random
 * search with the same number of environment steps. Both keep the cheapest
 * configurations that met QoS while they ran (`ConfigurationLog`), re-measure
 * the cheapest few at the end of the budget (`verifyCandidates`), and are
 * compared on the same evaluation episodes twice: as they play greedily (the
 * trained policy; random search's own pick) and with their best configuration
 * found held (the paper's Fig. 8 measure).
 *
 *   npm run example:attmf                                     # 10,000 steps (about 3 minutes on 2 cores)
 *   node dist/examples/train-faasconf-attmf.js --steps 600    # a short run, as CI does
 *
 * `faasgym compare --agents attmf+ses,random-search` (and `npm start`) does
 * the same for any agents; this script shows the library calls. In your own
 * project the imports read
 *   import { makeParallel, train, initTf } from 'faasgym';
 *   import { getAgentFactory, RandomSearchAgent, StaticAgent } from 'faasgym/agents';
 *   import { ConfigurationLog, verificationPlan, verifyCandidates, scoreWindows } from 'faasgym/experiment';
 */
import { getAgentFactory, RandomSearchAgent, StaticAgent } from '../agents/index.js';
import type { Agent } from '../agents/agent.js';
import { ConfigurationLog, scoreWindows, verificationPlan, verifyCandidates, type Verification, type WindowStats } from '../src/experiment/index.js';
import { initTf, makeParallel, train } from '../src/index.js';

const stepsArg = process.argv.indexOf('--steps');
const steps = stepsArg >= 0 ? Number(process.argv[stepsArg + 1]) : 10_000;
if (!Number.isSafeInteger(steps) || steps < 330) throw new Error(`--steps must be an integer >= 330, got ${process.argv[stepsArg + 1]}`);
const ENV = 'FaaSConf-Sequential-v0'; // 5 functions in a chain, 60 windows of 30 s per episode
const EPISODES = 3; // evaluation episodes, the same seeds for all
// Re-measure the 8 cheapest configurations found, each for 3 episodes of 11 windows (the first of each
// not scored), fewer when that would take more than a tenth of the budget: compare's plan.
const plan = verificationPlan(steps);
const learn = steps - plan.steps;

await initTf();

// FaaSConf: AttMF with the tuned options of configs/zoo/attmf.yaml inside SES (options not SES's own go to AttMF).
const env = new ConfigurationLog(makeParallel(ENV));
const faasconf = await getAgentFactory('attmf+ses').create(env, { gamma: 0.5, learningStarts: Math.min(1000, Math.floor(learn / 5)), noiseSigma: 0.2, actorLearningRate: 3e-4, totalSteps: learn }, 0);
const result = await train({
  env,
  agent: faasconf,
  steps: learn,
  seed: 0,
  progressEvery: Math.max(1, Math.floor(learn / 10)),
  onProgress: (p) => console.log(`step ${p.step}/${p.steps}  ${p.stepsPerSecond.toFixed(0)} steps/s  episode return (mean of last 100) ${p.meanReturn?.toFixed(1) ?? '-'}`),
});
const found = await verifyCandidates(env.env, env.cheapest(plan.candidates), plan);

// Random search spends the same windows: trials of 2 windows, scored by the second.
const searchEnv = new ConfigurationLog(makeParallel(ENV));
const search = await RandomSearchAgent.create(searchEnv, { budget: Math.floor(learn / 2), trialSteps: 2 }, 0);
const searchFound = await verifyCandidates(searchEnv.env, searchEnv.cheapest(plan.candidates), plan);

const evalEnv = makeParallel(ENV);
const row = (name: string, played: string, s: WindowStats | null): string =>
  `${name.padEnd(14)} ${played.padEnd(10)} ${s ? `QoS met ${(100 * s.qosMet).toFixed(1).padStart(5)} %  scaled cost ${s.scaledCost.toFixed(3)}  mean latency ${s.meanLatency?.toFixed(3) ?? '-'} s  reward/window ${s.rewardPerWindow.toFixed(3)}` : 'none held QoS'}`;
/** The verified configuration held on the evaluation episodes (null when none passed). */
async function held(v: Verification): Promise<WindowStats | null> {
  if (!v.chosen) return null;
  const agent: Agent = new StaticAgent(evalEnv, v.chosen.action, { action: v.chosen.action }, 0);
  try {
    return (await scoreWindows(evalEnv, agent, { episodes: EPISODES })).stats;
  } finally {
    agent.dispose();
  }
}
const policy = await scoreWindows(evalEnv, faasconf, { episodes: EPISODES });
const pick = await scoreWindows(evalEnv, search, { episodes: EPISODES });
console.log(`attmf+ses: ${result.steps} steps learning (${result.episodes} episodes) in ${result.wallSeconds.toFixed(1)} s; random search: ${search.trials.length} trials; each re-measured ${plan.candidates} configuration${plan.candidates === 1 ? '' : 's'} (${plan.steps} steps); evaluation over ${policy.stats.windows} windows:`);
console.log(row('attmf+ses', 'policy', policy.stats));
console.log(row('attmf+ses', 'best found', await held(found)));
console.log(row('random-search', 'its pick', pick.stats));
console.log(row('random-search', 'best found', await held(searchFound)));
faasconf.dispose();
search.dispose();
await env.close();
await searchEnv.close();
await evalEnv.close();
