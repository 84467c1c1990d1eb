/**
 * Train DQN on CartPole-v1, then evaluate it greedily.
 *
 *   npm run example:dqn                                   # up to 50,000 steps: solves it (mean return ≥ 475)
 *   node dist/examples/train-cartpole-dqn.js --steps 3000 # a short run, as CI does
 *
 * DQN on CartPole is unstable (greedy returns reach 500 and fall back), so, as
 * configs/zoo/dqn.yaml does, training stops once an evaluation every 2,500 steps
 * reaches the reward threshold; the final evaluations then run on other seeds.
 *
 * In your own project the imports read
 *   import { make, train, evaluate, initTf } from 'faasgym';
 *   import { DQN } from 'faasgym/agents';
 */
import { DQN } from '../agents/index.js';
import { evaluate, initTf, make, train } from '../src/index.js';

const stepsArg = process.argv.indexOf('--steps');
const steps = stepsArg >= 0 ? Number(process.argv[stepsArg + 1]) : 50_000;
if (!Number.isSafeInteger(steps) || steps < 1) throw new Error(`--steps must be a positive integer, got ${process.argv[stepsArg + 1]}`);

await initTf();
const env = make('CartPole-v1');
// SB3 rl-zoo's tuned CartPole DQN, as in configs/zoo/dqn.yaml.
const agent = await DQN.create(
  env,
  {
    hidden: [256, 256],
    learningRate: 2.3e-3,
    batchSize: 64,
    bufferSize: 100_000,
    learningStarts: Math.min(1000, Math.floor(steps / 5)),
    targetUpdateInterval: 10,
    trainFreq: 256,
    gradientSteps: 128,
    explorationFraction: 0.16,
    explorationFinalEps: 0.04,
    totalSteps: steps,
  },
  0,
);

const evalEnv = make('CartPole-v1');
const result = await train({
  env,
  agent,
  steps,
  seed: 0,
  evalEnv,
  evalEvery: 2500, // greedy evaluations on seeds 500,000 + i …
  evalSeed: 500_000,
  evalEpisodes: 20,
  stopAtReturn: 475, // … until one reaches CartPole-v1's reward threshold
  progressEvery: Math.max(1, Math.floor(steps / 10)),
  onProgress: (p) => console.log(`step ${p.step}/${p.steps}  ${p.stepsPerSecond.toFixed(0)} steps/s  mean return (last 100 episodes) ${p.meanReturn?.toFixed(1) ?? '-'}  ε ${agent.explorationRate.toFixed(3)}`),
});
// train() ends with an evaluation on seeds 1,000,000 + i; score 20 more unseen episodes here.
const evaluation = await evaluate(evalEnv, agent, { episodes: 20, seed: 2_000_000 });
console.log(`trained ${result.steps} steps${result.stoppedEarly ? ' (stopped at the threshold)' : ''} (${result.episodes} episodes) in ${result.wallSeconds.toFixed(1)} s; greedy evaluation: ${evaluation.meanReturn.toFixed(1)} ± ${evaluation.stdReturn.toFixed(1)} over ${evaluation.episodes} episodes`);
agent.dispose();
await env.close();
await evalEnv.close();
