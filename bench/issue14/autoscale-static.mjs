// Brute force for Autoscale-Horizontal-v0 (issue 14's "upper bound from a hand-written or brute-force policy"):
// hold every function at k replicas (k = 1..K, reached by "up" actions from the start) and print, per function,
// the p90/SLA ratio's mean and the fraction of windows over the SLA; then the cheapest per-function setting
// that met the SLA in every window, and that setting's reward per step when held.
//   npm run build --silent && node bench/issue14/autoscale-static.mjs <rate> <K> [steps] [configJSON]
import { make } from '../../dist/src/index.js';

const [rate = '10', kArg = '6', stepsArg = '30', extra = '{}'] = process.argv.slice(2);
const config = { rate: Number(rate), ...JSON.parse(extra) };
const steps = Number(stepsArg);

/** Mean reward per step, per-function violation fraction and mean p90/SLA after holding `target` replicas (settling steps excluded). */
async function hold(target, seed = 3000) {
  const env = make('Autoscale-Horizontal-v0', config);
  await env.reset({ seed });
  const names = env.unwrapped.functionNames;
  const over = names.map(() => 0), ratio = names.map(() => 0);
  let reward = 0, anyOver = 0, n = 0;
  const settle = Math.max(...target) + 2;
  let current = names.map(() => env.unwrapped.settings.initial);
  for (let t = 0; t < settle + steps; t++) {
    const r = await env.step(current.map((cur, i) => (cur < target[i] ? 2 : cur > target[i] ? 0 : 1)));
    current = names.map((name) => r.info.settings[name]);
    if (t < settle) continue;
    n++; reward += r.reward; anyOver += r.info.rewardParts.violated ? 1 : 0;
    names.forEach((name, i) => { const q = r.info.p90Ms[name] / r.info.slaMs[name]; ratio[i] += q; over[i] += q > 1 ? 1 : 0; });
  }
  await env.close();
  return { names, reward: reward / n, anyOver: anyOver / n, over: over.map((x) => x / n), ratio: ratio.map((x) => x / n) };
}

const K = Number(kArg);
const table = [];
for (let k = 1; k <= K; k++) {
  const r = await hold(Array(9).fill(k));
  table.push(r);
  console.log(`k=${k}: reward/step ${r.reward.toFixed(3)}, any over ${(100 * r.anyOver).toFixed(0)}%; p90/SLA ${r.ratio.map((x) => x.toFixed(2)).join(' ')}; over ${r.over.map((x) => (100 * x).toFixed(0)).join(' ')}%`);
}
const best = table[0].names.map((_, i) => { const k = table.findIndex((r) => r.over[i] === 0); return k < 0 ? K : k + 1; });
const r = await hold(best, 3001);
console.log(`cheapest per function ${JSON.stringify(best)} (${best.reduce((a, b) => a + b, 0)} replicas): reward/step ${r.reward.toFixed(3)}, any over ${(100 * r.anyOver).toFixed(0)}%, over ${r.over.map((x) => (100 * x).toFixed(0)).join(' ')}%`);
