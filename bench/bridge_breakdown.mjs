#!/usr/bin/env node
/**
 * Where the time of one bridge step goes on the server (issue 15), piece by
 * piece, for CartPole-v1 with the bench's 80-byte request: request decode and
 * validation, the environment's step, result encoding, the reply text, and
 * the hand-off to an environment's worker (SharedArrayBuffer channel) that a
 * step through the server's socket pays and a step on a direct endpoint does
 * not. Medians of 7 repetitions, microseconds per step. Run from the package
 * root after `npm run build`: node bench/bridge_breakdown.mjs [--json]
 */
import { Buffer } from 'node:buffer';
import { parseRequest, okReplyText } from '../dist/src/bridge/protocol.js';
import { stepRequest, runOnEnv } from '../dist/src/bridge/env-ops.js';
import { WorkerHost, stopSpareWorkers } from '../dist/src/bridge/host.js';
import { makeEnv } from '../dist/src/registry/index.js';

const N = 20_000;
const REPS = 7;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function time(fn, n = N) {
  const out = [];
  for (let r = 0; r < REPS; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await fn(i);
    out.push(Number(process.hrtime.bigint() - t0) / 1000 / n);
  }
  return median(out);
}

const handle = 'h1-0123456789abcdef';
const frame = Buffer.from(JSON.stringify({ v: 2, id: 123456, cmd: 'step', args: { handle, action: 1 } }));
const env = makeEnv('CartPole-v1');
await env.reset({ seed: 0 });
let steps = 0;
const stepOnce = async (i) => {
  const r = await env.step(i & 1);
  if (r.terminated || r.truncated || ++steps >= 400) {
    steps = 0;
    await env.reset();
  }
  return r;
};
const sample = await stepOnce(0);
const resultJson = JSON.stringify({ obs: Array.from(sample.obs), reward: sample.reward, terminated: false, truncated: false, info: {} });

const rows = {};
rows.decodeAndValidate = await time(() => {
  const req = parseRequest(frame, 1 << 20);
  stepRequest('single', 'CartPole-v1', req.args, 'step: ');
});
rows.envStep = await time(stepOnce);
let k = 0;
rows.runOnEnv = await time(async () => {
  k++;
  await runOnEnv(env, 'CartPole-v1', (k & 511) === 0 ? { cmd: 'reset' } : { cmd: 'step', action: k & 1 }).catch(async () => env.reset());
});
rows.encodeResult = Math.max(0, rows.runOnEnv - rows.envStep);
rows.replyText = await time(() => okReplyText(123456, resultJson, 2));

// The hand-off: a step through an environment's worker, seen from the server's thread, minus the same step's work.
const limits = { memoryMb: 256, requestTimeoutMs: 60_000, modules: [] };
const host = await WorkerHost.start('CartPole-v1', {}, {}, limits);
await host.run({ cmd: 'reset', seed: 0 });
let j = 0;
rows.workerRoundTrip = await time(async () => {
  j++;
  await host.run((j & 511) === 0 ? { cmd: 'reset' } : { cmd: 'step', action: j & 1 }).catch(() => host.run({ cmd: 'reset' }));
}, N / 4);
rows.handOff = Math.max(0, rows.workerRoundTrip - rows.runOnEnv);
await host.close();
await stopSpareWorkers();

for (const key of Object.keys(rows)) rows[key] = Math.round(rows[key] * 100) / 100;
const report = { benchmark: 'bridge-breakdown', env: 'CartPole-v1', microsecondsPerStep: rows, requestBytes: frame.length, replyBytes: okReplyText(123456, resultJson, 2).length, node: process.version };
if (process.argv.includes('--json')) console.log(JSON.stringify(report, null, 2));
else {
  console.log(`bridge step, server side, µs per step (median of ${REPS}):`);
  for (const [key, v] of Object.entries(rows)) console.log(`  ${key.padEnd(18)} ${v.toFixed(2)}`);
}
