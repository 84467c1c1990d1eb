// Probe, stage 2 (issue 14 item 6): why a trained FaaSConf actor's greedy point is dearer than random search's
// pick on a static load. Reads what faasconf-greedy-train.mjs wrote and measures, on FaaSConf-Sequential-v0:
//  (1) the reward landscape on the line a(λ) = A_pi + λ·(A_rs − A_pi) from the actor's fixed point A_pi (λ = 0)
//      to random search's pick A_rs (λ = 1) and beyond, and on a CPU-only line through A_rs (every agent's CPU
//      action shifted by κ): per point, QoS met, scaled cost ŷ, mean reward per window and its std across
//      windows (the per-window noise), in the steady windows of held configurations (episodes reset *at* the
//      configuration, so no cold start is scored) and in the first window after switching from A_pi;
//  (2) on each line, the reward's maximiser against the cheapest point meeting QoS in ≥ 95 % of windows;
//  (3) the trained critic's Q(s_pi, a(λ)) at the actor's own steady state s_pi: does it rank the points as the
//      measured rewards do? And how many replayed training windows lie near each point (what the critic saw).
//  (5) what the critic was fit on: in the replayed training windows near A_pi, how often QoS was missed when one
//      function's CPU or replicas sat below A_pi's and when above (the other functions' exploration noise included).
//   node bench/issue14/faasconf-landscape.mjs [dir=runs/issue14-greedy/attmf-s1] [episodes=10] [windows=12] [sections=12345]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { make } from '../../dist/src/index.js';
import { getAgentFactory } from '../../dist/agents/index.js';
import { resolveTrainingRun } from '../../dist/src/experiment/index.js';
import { tf } from '../../dist/src/nn/tf.js';

const [dir = 'runs/issue14-greedy/attmf-s1', episodesArg = '10', windowsArg = '12', sections = '12345'] = process.argv.slice(2);
const EPISODES = Number(episodesArg), WINDOWS = Number(windowsArg);
const picks = JSON.parse(readFileSync(join(dir, 'picks.json'), 'utf8'));
const ENV = picks.env;
const run = resolveTrainingRun({ env: ENV, agent: picks.agent, steps: picks.learningWindows, seed: picks.seed, evalEpisodes: 0, evalEvery: 0 });
const env = make(ENV, run.envConfig);
const agent = await getAgentFactory(picks.agent).create(env, run.options, picks.seed);
await agent.load(join(dir, 'checkpoint'));
let base = env;
while (base.env) base = base.env; // the FaaSConfEnv under make()'s wrappers
const ids = env.possibleAgents, N = ids.length, M = 4;
const split = (flat) => Object.fromEntries(ids.map((id, j) => [id, flat.slice(j * M, (j + 1) * M)]));
const clip = (x) => Math.max(-1, Math.min(1, x));
const fmt = (x, d = 3) => (x === null || Number.isNaN(x) ? '   -  ' : x.toFixed(d));
const meanOf = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const stdOf = (xs) => { const m = meanOf(xs); return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, xs.length - 1)); };
const yhatOf = (flat) => base.priceOf(ids.map((_, j) => flat.slice(j * M, (j + 1) * M))) * (base.config.windowSeconds / 3600) / base.maxCostUsd;

const A_rs = picks.rsAction;
const g = picks.greedyActions;
const A_pi = g[g.length - 1];
const drift = ['CPU', 'memory', 'replicas', 'concurrency'].map((name, d) => `${name} ${Math.max(...g.slice(3).flatMap((a) => a.filter((_, i) => i % M === d).map((v, k) => Math.abs(v - A_pi[k * M + d])))).toFixed(3)}`);
console.log(`${dir}: ${picks.agent} seed ${picks.seed}, ${picks.learningWindows} learning windows; greedy from a reset, largest move of an action element over windows 4-12 from the last one: ${drift.join(', ')}`);
const cfg = (flat) => ids.map((_, j) => { const a = flat.slice(j * M, (j + 1) * M); const r = base.ranges; const aff = (v, [lo, hi]) => lo + ((v + 1) / 2) * (hi - lo); return `${Math.round(aff(a[0], r.cpuMilli))}m/${Math.round(aff(a[1], r.memoryMb))}MB/x${Math.round(aff(a[2], r.replicas))}/c${Math.round(aff(a[3], r.concurrency))}`; }).join(' ');
console.log(`A_pi (actor):         ${cfg(A_pi)}  price-ŷ ${yhatOf(A_pi).toFixed(4)}`);
console.log(`A_rs (random search): ${cfg(A_rs)}  price-ŷ ${yhatOf(A_rs).toFixed(4)}  (scored ${picks.rsScore.toFixed(4)} in its one window)`);

// The actor's steady state s_pi: hold A_pi for 4 windows.
let { obs } = await env.reset({ seed: 3_999_999, options: { initialAction: split(A_pi) } });
for (let t = 0; t < 4; t++) ({ obs } = await env.step(split(A_pi)));
const sPi = obs, statePi = base.state();
const D = agent.obsDim;
function criticQ(flat) {
  const rows = new Float32Array(N * D);
  agent.obsRows(sPi, rows);
  return tf.tidy(() => {
    const o = tf.tensor3d(rows, [N, 1, D]);
    const a = tf.tensor3d(Float32Array.from(flat), [N, 1, M]);
    const gs = agent.globalStateDim > 0 ? tf.tensor2d(statePi.slice(0, agent.globalStateDim), [1, agent.globalStateDim]) : null;
    return meanOf(Array.from(agent.online.critic.apply(agent.criticInput(agent.online, o, a, a, gs)).dataSync()));
  });
}
const piAtS = Array.from(agent.policyActions(sPi));
console.log(`π(s_pi) − A_pi: max |Δ| ${Math.max(...piAtS.map((v, i) => Math.abs(v - A_pi[i]))).toFixed(4)};  Q(s_pi, A_pi) ${criticQ(A_pi).toFixed(4)}, Q(s_pi, A_rs) ${criticQ(A_rs).toFixed(4)}`);

// What the critic was trained on: replayed windows near each point.
const snap = agent.replay.snapshot();
const actCol = snap.entries.find((e) => e.name === 'action'), rewCol = snap.entries.find((e) => e.name === 'reward');
const size = snap.state.size, W = actCol.shape[1];
function near(p, r) {
  const rs = [];
  for (let k = 0; k < size; k++) {
    let d2 = 0;
    for (let i = 0; i < W; i++) d2 += (actCol.values[k * W + i] - p[i]) ** 2;
    if (Math.sqrt(d2) <= r) rs.push(rewCol.values[k * N]);
  }
  return rs;
}
for (const r of [0.5, 1.0]) {
  const a = near(A_pi, r), b = near(A_rs, r);
  console.log(`replay (${size} windows): within L2 ${r} of A_pi: ${a.length} (mean reward ${a.length ? fmt(meanOf(a)) : '-'}); of A_rs: ${b.length} (mean reward ${b.length ? fmt(meanOf(b)) : '-'})`);
}

if (sections.includes('5')) {
  // Replayed windows within L2 1.0 of A_pi (the actor's exploration noise, σ per element, around its point).
  const rows = [];
  for (let k = 0; k < size; k++) {
    let d2 = 0;
    for (let i = 0; i < W; i++) d2 += (actCol.values[k * W + i] - A_pi[i]) ** 2;
    if (Math.sqrt(d2) <= 1.0) rows.push(k);
  }
  const miss = (ks) => ks.filter((k) => rewCol.values[k * N] < 0).length / Math.max(1, ks.length);
  console.log(`\n(5) replayed windows within L2 1.0 of A_pi: ${rows.length}, QoS missed in ${(100 * miss(rows)).toFixed(1)} % of them (0 % when A_pi is held); per element, missed when below A_pi − 0.05 / above A_pi + 0.05:`);
  for (let j = 0; j < N; j++) {
    const parts = [];
    for (const [d, name] of [[0, 'cpu'], [2, 'replicas']]) {
      const i = j * M + d;
      const lo = rows.filter((k) => actCol.values[k * W + i] < A_pi[i] - 0.05), hi = rows.filter((k) => actCol.values[k * W + i] > A_pi[i] + 0.05);
      parts.push(`${name} ${(100 * miss(lo)).toFixed(1)} % (${lo.length}) / ${(100 * miss(hi)).toFixed(1)} % (${hi.length})`);
    }
    console.log(`   ${ids[j].padEnd(22)} ${parts.join('   ')}`);
  }
}

let epSeed = 3_000_000;
/** Hold `flat`: per episode, the window right after switching from A_pi, then steady windows of an episode reset at it. */
async function measure(flat) {
  const steady = [], sw = [];
  for (let e = 0; e < EPISODES; e++) {
    await env.reset({ seed: epSeed++, options: { initialAction: split(A_pi) } });
    const r0 = await env.step(split(flat));
    sw.push({ r: r0.rewards[ids[0]], q: r0.infos[ids[0]].qosMet });
    await env.reset({ seed: epSeed++, options: { initialAction: split(flat) } });
    for (let t = 0; t < WINDOWS; t++) {
      const r = await env.step(split(flat));
      const info = r.infos[ids[0]];
      steady.push({ r: r.rewards[ids[0]], q: info.qosMet, y: info.scaledCost, l: info.meanLatency ?? NaN });
    }
  }
  const rs = steady.map((x) => x.r);
  return { qos: meanOf(steady.map((x) => (x.q ? 1 : 0))), y: meanOf(steady.map((x) => x.y)), R: meanOf(rs), sd: stdOf(rs), lat: meanOf(steady.map((x) => x.l)), swR: meanOf(sw.map((x) => x.r)), swQ: meanOf(sw.map((x) => (x.q ? 1 : 0))), Q: criticQ(flat) };
}

async function line(title, points) {
  console.log(`\n${title}  (${EPISODES}×${WINDOWS} steady windows per point; switch = first window after switching from A_pi, ${EPISODES} per point)`);
  console.log('   x     QoS met   ŷ      R/window  std R   latency s | switch: QoS   R     | critic Q(s_pi, a)');
  const rows = [];
  for (const [x, flat] of points) {
    const m = await measure(flat);
    rows.push({ x, ...m });
    console.log(`${x.toFixed(2).padStart(6)}   ${fmt(m.qos)}   ${fmt(m.y, 4)}  ${fmt(m.R, 4)}   ${fmt(m.sd)}   ${fmt(m.lat)}     |   ${fmt(m.swQ, 2)}  ${fmt(m.swR)}  | ${fmt(m.Q, 4)}`);
  }
  const best = rows.reduce((a, b) => (b.R > a.R ? b : a));
  const ok = rows.filter((r) => r.qos >= 0.95);
  const cheapest = ok.length ? ok.reduce((a, b) => (b.y < a.y ? b : a)) : null;
  const qBest = rows.reduce((a, b) => (b.Q > a.Q ? b : a));
  console.log(`reward's maximiser: x = ${best.x.toFixed(2)} (R ${best.R.toFixed(4)}, QoS ${best.qos.toFixed(3)}, ŷ ${best.y.toFixed(4)}); cheapest meeting QoS in ≥ 95 %: ${cheapest ? `x = ${cheapest.x.toFixed(2)} (ŷ ${cheapest.y.toFixed(4)}, R ${cheapest.R.toFixed(4)})` : 'none'}; critic's maximiser: x = ${qBest.x.toFixed(2)}`);
  return rows;
}

const lam = [-0.25, 0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1, 1.125, 1.25, 1.5];
const rowsPi = !sections.includes('1') && !sections.includes('4') ? null : await line('(1) line from the actor\'s point (x = λ = 0) to random search\'s pick (λ = 1)', lam.map((l) => [l, A_pi.map((v, i) => clip(v + l * (A_rs[i] - v)))]));
const kap = [-0.3, -0.2, -0.15, -0.1, -0.05, 0, 0.05, 0.1, 0.2, 0.3, 0.5];
if (sections.includes('2')) await line('(2) CPU line through random search\'s pick: every agent\'s CPU action + κ (x = κ)', kap.map((k) => [k, A_rs.map((v, i) => (i % M === 0 ? clip(v + k) : v))]));
// (4) Is A_pi a local maximum of the true reward, and does the critic agree? Every action element moved by ±δ
// (δ = 0.1; 0.3 is about one replica, 2/7 of the range), the measured change of R against the critic's change of Q.
const basePi = rowsPi?.find((r) => r.x === 0);
for (const delta of sections.includes('4') ? [0.1, 0.3] : []) {
  const ups = [];
  let agree = 0, total = 0;
  for (let i = 0; i < N * M; i++) {
    for (const sgn of [-1, 1]) {
      const flat = [...A_pi];
      flat[i] = clip(flat[i] + sgn * delta);
      if (flat[i] === A_pi[i]) continue;
      const m = await measure(flat);
      const dR = m.R - basePi.R, dQ = m.Q - basePi.Q;
      total++;
      if (Math.sign(dR) === Math.sign(dQ) || Math.abs(dR) < 1e-3) agree++;
      if (dR > 1e-3) ups.push(`${ids[Math.floor(i / M)]}.${['cpu', 'mem', 'replicas', 'conc'][i % M]}${sgn > 0 ? '+' : '-'}: ΔR ${dR.toFixed(4)} (QoS ${m.qos.toFixed(2)}), ΔQ ${dQ.toFixed(4)}`);
    }
  }
  console.log(`\n(4) single-element moves of ±${delta} from A_pi: ${ups.length} of ${total} raise the measured reward by > 0.001; the critic's ΔQ has the measured ΔR's sign in ${agree} of ${total}`);
  for (const u of ups) console.log(`   ${u}`);
}
if (rowsPi) {
const r0 = rowsPi.find((r) => r.x === 0), r1 = rowsPi.find((r) => r.x === 1);
const gap = r1.R - r0.R;
console.log(`\nnoise against gap: E[R](A_rs) − E[R](A_pi) = ${gap.toFixed(4)}; per-window std ${r0.sd.toFixed(3)} at A_pi, ${r1.sd.toFixed(3)} at A_rs; windows for a 2-sigma separation of the two means: ${gap > 0 ? Math.ceil((2 * Math.hypot(r0.sd, r1.sd) / gap) ** 2) : 'n/a (the actor\'s point earns more)'} each`);
}
agent.dispose();
await env.close();
