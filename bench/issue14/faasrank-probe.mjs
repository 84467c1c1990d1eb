// Probe: average FCT of FaaSRank-v0 baselines on fresh episodes (seeds 2,000,000 + i), and the cluster's CPU load.
// node bench/issue14/faasrank-probe.mjs [policies,comma] [episodes] [configJSON]
import { make } from '../../dist/src/index.js';
import { getAgentFactory } from '../../dist/agents/index.js';
const [policiesArg = 'ow-hashing,round-robin,least-connections,greedy-packing,static-rank', episodesArg = '3', cfg = '{}'] = process.argv.slice(2);
// Hand-written policies reading info.invokers (what the observation decodes to exactly), for an upper bound:
// 'least-loaded': fewest invocations running or waiting, ties to a warm container of the function, then more free memory;
// 'warm-least-loaded': a warm container on an invoker within one invocation of the least loaded, else the least loaded.
const load = (s) => s.inflight + s.queued;
const HAND = {
  'least-loaded': (inv) => inv.reduce((b, s, i) => (load(s) < load(inv[b]) || (load(s) === load(inv[b]) && (s.warm > inv[b].warm || (s.warm === inv[b].warm && s.memoryFreeMb > inv[b].memoryFreeMb))) ? i : b), 0),
  'warm-least-loaded': (inv) => {
    const min = Math.min(...inv.map(load));
    const w = inv.findIndex((s) => s.warm > 0 && load(s) <= min + 1);
    return w >= 0 ? w : HAND['least-loaded'](inv);
  },
};
for (const policy of policiesArg.split(',')) {
  const env = make('FaaSRank-v0', JSON.parse(cfg));
  let info = null;
  const agent = HAND[policy] ? { act: () => HAND[policy](info.invokers) } : await getAgentFactory(policy).create(env, {}, 0);
  const fcts = [];
  const t0 = Date.now();
  let steps = 0;
  for (let ep = 0; ep < Number(episodesArg); ep++) {
    let obs;
    ({ obs, info } = await env.reset({ seed: 2_000_000 + ep }));
    for (;;) {
      const r = await env.step(await agent.act(obs, { explore: false }));
      obs = r.obs; info = r.info; steps++;
      if (r.terminated || r.truncated) { fcts.push(r.info.averageFct); break; }
    }
  }
  const m = fcts.reduce((a, b) => a + b, 0) / fcts.length;
  console.log(`${policy.padEnd(18)} avgFCT ${m.toFixed(3)} s  [${fcts.map((x) => x.toFixed(2)).join(', ')}]  ${(steps / ((Date.now() - t0) / 1000)).toFixed(0)} steps/s`);
  await env.close();
}
