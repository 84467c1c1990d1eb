// Probe: QoS adherence of a baseline on a Darly env, split by phase (loose 35 s / strict 26 s), and latency quantiles.
// node bench/issue14/darly-probe.mjs <Fullmap|Custom|Kubernetes|Profile> <policy> [episodes] [configJSON]
import { make } from '../../dist/src/index.js';
import { getAgentFactory } from '../../dist/agents/index.js';
const [mapper = 'Kubernetes', policy = 'kube-best-fit', episodesArg = '2', cfg = '{}'] = process.argv.slice(2);
const env = make(`Darly-${mapper}-v0`, JSON.parse(cfg));
// 'bound': a hand-written policy with the interference levels the agent cannot see (an upper bound): scale every ML
// stage out to its maximum, then keep the framer on the fastest node among the least stressed (Fullmap/Custom only).
const speed = { w01: 1, w02: 0.95, w03: 0.88, w04: 0.82 };
let stress = null;
const bound = {
  async act() {
    const inner = env.unwrapped ?? env;
    const cl = inner.currentCluster;
    const fns = new Map(cl.functions().map((f) => [f.name, f]));
    for (let i = 0; i < inner.actions.length; i++) {
      const a = inner.actions[i];
      if (a.kind === 'scale-out' && fns.get(a.fn).desiredReplicas < inner.config.maxReplicas) return i;
    }
    if (stress) {
      const best = Object.keys(speed).sort((x, y) => speed[y] / (1 + 3 * stress[y] ** 5) - speed[x] / (1 + 3 * stress[x] ** 5))[0];
      const framerNode = fns.get('framer').replicas[0]?.node;
      const i = inner.actions.findIndex((a) => a.kind === 'migrate' && a.fn === 'framer' && a.to === best);
      if (framerNode !== best && i >= 0) return i;
    }
    return 0;
  },
};
const agent = policy === 'bound' ? bound : await getAgentFactory(policy).create(env, {}, 0);
const met = { loose: [0, 0], strict: [0, 0] }, lat = [];
const perEpisode = [];
for (let ep = 0; ep < Number(episodesArg); ep++) {
  const before = structuredClone(met);
  let { obs, info } = await env.reset({ seed: 3_000_000 + ep }); stress = info.stress;
  for (;;) {
    const r = await env.step(await agent.act(obs, { explore: false }));
    obs = r.obs; stress = r.info.stress;
    const phase = r.info.qosTarget === Math.max(...(JSON.parse(cfg).qosTargets ?? [35, 26])) ? 'loose' : 'strict';
    met[phase][0] += r.info.qosMet ? 1 : 0; met[phase][1]++;
    lat.push(r.info.latency ?? Infinity);
    if (r.terminated || r.truncated) break;
  }
  perEpisode.push(['loose', 'strict'].map((k) => (100 * (met[k][0] - before[k][0]) / (met[k][1] - before[k][1])).toFixed(1)).join('/'));
}
console.log(`per episode (loose/strict %): ${perEpisode.join(', ')}`);
lat.sort((a, b) => a - b);
const q = (p) => lat[Math.floor(p * (lat.length - 1))].toFixed(1);
console.log(`${mapper} ${policy}: loose ${(100 * met.loose[0] / met.loose[1]).toFixed(1)}% strict ${(100 * met.strict[0] / met.strict[1]).toFixed(1)}%; latency p10 ${q(0.1)} p25 ${q(0.25)} p50 ${q(0.5)} p75 ${q(0.75)} p90 ${q(0.9)}`);
await env.close();
