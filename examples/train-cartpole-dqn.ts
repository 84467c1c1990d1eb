/**
 * Train DQN on CartPole-v1, then evaluate it greedily.
 *
 *   npm run example:dqn                                   # 50,000 steps (solves it: mean return ≥ 475)
 *   node dist/examples/train-cartpole-dqn.js --steps 3000 # a short run, as CI does
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

const result = await train({
  env,
  agent,
  steps,
  seed: 0,
  progressEvery: Math.max(1, Math.floor(steps / 10)),
  onProgress: (p) => console.log(`step ${p.step}/${p.steps}  ${p.stepsPerSecond.toFixed(0)} steps/s  mean return (last 100 episodes) ${p.meanReturn?.toFixed(1) ?? '-'}  ε ${agent.explorationRate.toFixed(3)}`),
});
const evaluation = await evaluate(make('CartPole-v1'), agent, { episodes: 20 });
console.log(`trained ${steps} steps (${result.episodes} episodes) in ${result.wallSeconds.toFixed(1)} s; greedy evaluation: ${evaluation.meanReturn.toFixed(1)} ± ${evaluation.stdReturn.toFixed(1)} over 20 episodes`);
agent.dispose();
await env.close();
