/**
 * Train AttMF (FaaSConf's attention mean-field learner, one agent per
 * function) on FaaSConf-Sequential-v0, run random search with the same number
 * of environment steps, and compare their greedy policies on cost, QoS and
 * latency over the same evaluation episodes.
 *
 *   npm run example:attmf                                     # 10,000 steps (about 2 minutes on 2 cores)
 *   node dist/examples/train-faasconf-attmf.js --steps 600    # a short run, as CI does
 *
 * `faasgym compare` (and `npm start`) does the same for any learners; this
 * script shows the library calls. In your own project the imports read
 *   import { make, train, initTf } from 'faasgym';
 *   import { AttMF, RandomSearchAgent } from 'faasgym/agents';
 *   import { scoreWindows } from 'faasgym/experiment';
 */
import { AttMF, RandomSearchAgent } from '../agents/index.js';
import { scoreWindows, type WindowStats } from '../src/experiment/index.js';
import { initTf, make, train } from '../src/index.js';

const stepsArg = process.argv.indexOf('--steps');
const steps = stepsArg >= 0 ? Number(process.argv[stepsArg + 1]) : 10_000;
if (!Number.isSafeInteger(steps) || steps < 2) throw new Error(`--steps must be an integer >= 2, got ${process.argv[stepsArg + 1]}`);
const ENV = 'FaaSConf-Sequential-v0'; // 5 functions in a chain, 60 windows of 30 s per episode
const EPISODES = 3; // greedy evaluation episodes, the same seeds for both

await initTf();
const env = make(ENV);
// The tuned options of configs/zoo/attmf.yaml: short horizon, random configurations first.
const attmf = await AttMF.create(env, { gamma: 0.5, learningStarts: Math.min(1000, Math.floor(steps / 5)), noiseSigma: 0.2, actorLearningRate: 3e-4 }, 0);
const result = await train({
  env,
  agent: attmf,
  steps,
  seed: 0,
  progressEvery: Math.max(1, Math.floor(steps / 10)),
  onProgress: (p) => console.log(`step ${p.step}/${p.steps}  ${p.stepsPerSecond.toFixed(0)} steps/s  episode return (mean of last 100) ${p.meanReturn?.toFixed(1) ?? '-'}`),
});
const evalEnv = make(ENV);
const learned = await scoreWindows(evalEnv, attmf, { episodes: EPISODES });

// Random search spends the same windows: trials of 2 windows, scored by the second.
const searchEnv = make(ENV);
const search = await RandomSearchAgent.create(searchEnv, { budget: Math.floor(steps / 2), trialSteps: 2 }, 0);
const searched = await scoreWindows(evalEnv, search, { episodes: EPISODES });

const row = (name: string, s: WindowStats): string =>
  `${name.padEnd(14)} QoS met ${(100 * s.qosMet).toFixed(1).padStart(5)} %  scaled cost ${s.scaledCost.toFixed(3)}  mean latency ${s.meanLatency?.toFixed(3) ?? '-'} s  reward/window ${s.rewardPerWindow.toFixed(3)}`;
console.log(`trained attmf ${result.steps} steps (${result.episodes} episodes) in ${result.wallSeconds.toFixed(1)} s; random search: ${search.trials.length} trials; greedy evaluation over ${learned.stats.windows} windows:`);
console.log(row('attmf', learned.stats));
console.log(row('random-search', searched.stats));
attmf.dispose();
search.dispose();
await env.close();
await searchEnv.close();
await evalEnv.close();
