// Tuning harness for PPO score-rank-select on FaaSRank-v0: trains with the given options and, every
// `every` episodes, plays the greedy policy on VALIDATION episodes (environment seeds 3,000,000 + i; the
// experiment's evaluation uses 1,000,000 + i and the probe 2,000,000 + i), so settings are chosen
// without touching the evaluation episodes. Prints per checkpoint: mean training return of the last
// `every` episodes, validation average FCT, warm-start share of the greedy choices, and how often the
// greedy choice equals warm-least-loaded's (bench/issue14/faasrank-probe.mjs), plus the last update's
// entropy, approx KL and explained variance.
// node bench/issue14/faasrank-ppo.mjs <seed> <episodes> '<ppo options JSON>' [every=50] [valEpisodes=3] ['<env config JSON>']
// With <episodes> 0: the same validation episodes played by the baselines static-rank and ow-hashing and by
// warm-least-loaded with slack k = 0..3 (a warm container within k invocations of the least loaded).
import { make } from '../../dist/src/index.js';
import { PPO } from '../../dist/agents/ppo.js';
import { getAgentFactory } from '../../dist/agents/index.js';

const [seedArg = '1', episodesArg = '400', optsArg = '{}', everyArg = '50', valArg = '3', cfgArg = '{}'] = process.argv.slice(2);
const seed = Number(seedArg), episodes = Number(episodesArg), every = Number(everyArg), valEpisodes = Number(valArg);
const cfg = JSON.parse(cfgArg);
const load = (s) => s.inflight + s.queued;
const leastLoaded = (inv) => inv.reduce((b, s, i) => (load(s) < load(inv[b]) || (load(s) === load(inv[b]) && (s.warm > inv[b].warm || (s.warm === inv[b].warm && s.memoryFreeMb > inv[b].memoryFreeMb))) ? i : b), 0);
const warmWithin = (k) => (inv) => {
  const min = Math.min(...inv.map(load));
  const w = inv.findIndex((s) => s.warm > 0 && load(s) <= min + k);
  return w >= 0 ? w : leastLoaded(inv);
};
const warmLeastLoaded = warmWithin(1);

const env = make('FaaSRank-v0', cfg);
const valEnv = make('FaaSRank-v0', cfg);
const stepsPerEpisode = 292; // SC at Table III's load
const opts = { zooDefaults: undefined, ...JSON.parse(optsArg) };
delete opts.zooDefaults;
if (opts.totalSteps === undefined) opts.totalSteps = episodes * stepsPerEpisode;

if (episodes === 0) {
  const hand = { 'least-loaded': leastLoaded, ...Object.fromEntries([0, 1, 2, 3].map((k) => [`warm-least-loaded-${k}`, warmWithin(k)])) };
  for (const name of [...Object.keys(hand), 'static-rank', 'ow-hashing']) {
    let info = null;
    const policy = hand[name] ? { act: () => hand[name](info.invokers) } : await getAgentFactory(name).create(valEnv, {}, 0);
    const fcts = [];
    let warm = 0, n = 0;
    for (let ep = 0; ep < valEpisodes; ep++) {
      let obs;
      ({ obs, info } = await valEnv.reset({ seed: 3_000_000 + ep }));
      for (;;) {
        const r = await valEnv.step(await policy.act(obs, { explore: false }));
        n++;
        if (r.info.warmStart) warm++;
        obs = r.obs; info = r.info;
        if (r.terminated || r.truncated) { fcts.push(r.info.averageFct); break; }
      }
    }
    console.log(`${name.padEnd(20)} val fct ${(fcts.reduce((a, b) => a + b, 0) / fcts.length).toFixed(3)} [${fcts.map((x) => x.toFixed(2)).join(',')}] warm ${(100 * warm / n).toFixed(1)}%`);
  }
  process.exit(0);
}
const agent = await PPO.create(env, opts, seed);

async function validate() {
  const fcts = [];
  let warm = 0, agree = 0, n = 0;
  for (let ep = 0; ep < valEpisodes; ep++) {
    let { obs, info } = await valEnv.reset({ seed: 3_000_000 + ep });
    for (;;) {
      const a = await agent.act(obs, { explore: false });
      if (a === warmLeastLoaded(info.invokers)) agree++;
      const r = await valEnv.step(a);
      n++;
      if (r.info.warmStart) warm++;
      obs = r.obs; info = r.info;
      if (r.terminated || r.truncated) { fcts.push(r.info.averageFct); break; }
    }
  }
  return { fct: fcts.reduce((a, b) => a + b, 0) / fcts.length, fcts, warm: warm / n, agree: agree / n };
}

const t0 = Date.now();
let obs = (await env.reset({ seed })).obs;
let ret = 0, losses = null, steps = 0;
const rets = [];
for (let ep = 1; ep <= episodes; ) {
  const a = await agent.act(obs, { explore: true });
  const r = await env.step(a);
  agent.observe({ obs, action: a, reward: r.reward, nextObs: r.obs, terminated: r.terminated, truncated: r.truncated, info: r.info });
  steps++;
  ret += r.reward;
  obs = r.obs;
  const l = await agent.update();
  if (l) losses = l;
  if (r.terminated || r.truncated) {
    rets.push(ret); ret = 0;
    obs = (await env.reset()).obs;
    if (ep % every === 0 || ep === episodes) {
      const v = await validate();
      const recent = rets.slice(-every);
      const mean = recent.reduce((x, y) => x + y, 0) / recent.length;
      console.log(`ep ${String(ep).padStart(4)} steps ${steps} train ${mean.toFixed(0)} (fct ${(-mean / stepsPerEpisode).toFixed(2)})  val fct ${v.fct.toFixed(3)} [${v.fcts.map((x) => x.toFixed(2)).join(',')}] warm ${(v.warm * 100).toFixed(1)}% agreeWLL ${(v.agree * 100).toFixed(1)}%  ent ${losses.entropy.toFixed(3)} kl ${losses.approxKl.toExponential(1)} ev ${(losses.explainedVariance ?? NaN).toFixed(2)} lr ${losses.learningRate.toExponential(1)}  ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    }
    ep++;
  }
}
await env.close();
await valEnv.close();
