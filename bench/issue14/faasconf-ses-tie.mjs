// Probe (issue 14 item 4(b), Fig. 13): why attmf+ses, meanfield+ses and maddpg+ses find the same best
// configuration on a static FaaSConf load. Trains <learner>+ses with the zoo's settings for `steps` windows and
// records, per training window, whether SES passed the learner's own proposal (eq. 10, price inside [lb, ub]),
// replaced it by a safe record plus noise, or had no history yet, and the window's QoS and scaled cost ŷ.
// Prints how often each happened (per quarter of the budget) and where the cheapest QoS-meeting windows — the
// candidates of the best-found protocol (src/experiment/best-found.ts) — came from.
//   node bench/issue14/faasconf-ses-tie.mjs [learner=attmf] [seed=0] [steps=3000] [workflow=Sequential]
import '../../dist/agents/index.js';
import { train } from '../../dist/src/index.js';
import { resolveTrainingRun, buildRun } from '../../dist/src/experiment/index.js';

const [learner = 'attmf', seedArg = '0', stepsArg = '3000', workflow = 'Sequential'] = process.argv.slice(2);
const seed = Number(seedArg), steps = Number(stepsArg);
const ENV = `FaaSConf-${workflow}-v0`;
const run = resolveTrainingRun({ env: ENV, agent: `${learner}+ses`, steps, seed, evalEpisodes: 0, evalEvery: 0 });
const { env, agent: ses } = await buildRun(run);
const windows = []; // { kind, qos, y }
let pending = null;
const probe = new Proxy(ses, {
  get(target, prop) {
    if (prop === 'act') return async (obs, opts) => { const a = await target.act(obs, opts); const d = target.lastDecision; pending = { kind: d?.kind ?? 'none', price: d?.price ?? null, lb: d?.band?.lb ?? null, ub: d?.band?.ub ?? null }; return a; };
    if (prop === 'observe') return (t) => { const info = Object.values(t.infos)[0] ?? {}; windows.push({ ...pending, qos: info.qosMet === true, y: info.scaledCost }); target.observe(t); };
    const v = target[prop];
    return typeof v === 'function' ? v.bind(target) : v;
  },
});
const t0 = performance.now();
await train({ env, agent: probe, steps, seed });
const wall = (performance.now() - t0) / 1000;
const pct = (x) => `${(100 * x).toFixed(1)} %`;
console.log(`${learner}+ses on ${ENV}, seed ${seed}: ${windows.length} windows in ${wall.toFixed(0)} s (options from ${run.sources.join(', ')})`);
const q = Math.ceil(windows.length / 4);
for (let k = 0; k < 4; k++) {
  const part = windows.slice(k * q, (k + 1) * q);
  const share = (kind) => part.filter((w) => w.kind === kind).length / part.length;
  const met = part.filter((w) => w.qos);
  console.log(`  quarter ${k + 1}: passed (learner's own action) ${pct(share('passed'))}, replaced (safe record + noise) ${pct(share('replaced'))}, no history ${pct(share('no-history'))}; QoS met ${pct(met.length / part.length)}, mean ŷ ${(part.reduce((a, w) => a + w.y, 0) / part.length).toFixed(4)}`);
}
const warm = run.options.learningStarts ?? 0;
const after = windows.slice(warm).filter((w) => w.ub !== null && w.price !== null);
const ratio = after.map((w) => w.price / w.ub).sort((a, b) => a - b);
const qq = (f) => ratio[Math.min(ratio.length - 1, Math.floor(f * ratio.length))]?.toFixed(2);
console.log(`  after the ${warm} warm-up windows (uniformly random proposals): ${after.filter((w) => w.kind === 'passed').length} of ${after.length} proposals passed; proposal price / ub: median ${qq(0.5)} (quartiles ${qq(0.25)}, ${qq(0.75)}); ${after.filter((w) => w.price > w.ub).length} above ub, ${after.filter((w) => w.price < w.lb).length} below lb; band width (ub − lb) / ub: median ${(() => { const b = after.map((w) => (w.ub - w.lb) / w.ub).sort((x, y) => x - y); return b[Math.floor(b.length / 2)]?.toFixed(2); })()}`);
const met = windows.filter((w) => w.qos).sort((a, b) => a.y - b.y);
for (const n of [8, 50, Math.max(1, Math.round(met.length * 0.05))]) {
  const top = met.slice(0, n);
  const from = (kind) => top.filter((w) => w.kind === kind).length;
  console.log(`  cheapest ${n} QoS-meeting windows (ŷ ${top[0]?.y.toFixed(4)} … ${top[top.length - 1]?.y.toFixed(4)}): ${from('passed')} from the learner's own actions, ${from('replaced')} from SES's replacements, ${from('no-history')} before any history`);
}
const cheapest = (kind) => met.find((w) => w.kind === kind)?.y;
console.log(`  cheapest QoS-meeting window among the learner's own actions: ${cheapest('passed')?.toFixed(4) ?? '-'}; among SES's replacements: ${cheapest('replaced')?.toFixed(4) ?? '-'}`);
console.log(`  SES counters: ${JSON.stringify(ses.counters)}`);
ses.dispose();
await env.close();
