/**
 * The entry of an environment's worker thread (host.ts `WorkerHost`): imports
 * the `--require` modules and builds one environment on `make` (a message,
 * answered with the JSON text of its description or a `{type, message}`
 * error), then serves the handle's requests one at a time through the shared
 * channel that came with `make` (channel.ts), until `close`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { AnyEnv } from '../core/env.js';
import { registry } from '../registry/index.js';
import { ChannelServer, OP_CLOSE, type ChannelInit } from './channel.js';
import { buildEnv, describe, runOnEnv, type HostRequest, type MakeArgsOptions } from './env-ops.js';
import { loadEnvModule } from './env-modules.js';
import { describeError, encodeResult } from './protocol.js';

type ToWorker = { id: number; op: 'make'; envId: string; config: Record<string, unknown>; options: MakeArgsOptions; channel: ChannelInit };

const port = parentPort;
if (port === null) throw new Error('env-worker.js runs only as a worker thread');
const { modules } = workerData as { modules: string[] };
// Load the modules at once: a worker started ahead of time (a warm spare, host.ts) is ready at make.
const loaded = (async () => {
  for (const spec of modules) await loadEnvModule(spec);
})();
loaded.catch(() => {}); // reported to the make that needs them

async function make(m: ToWorker): Promise<{ env: AnyEnv; text: string }> {
  await loaded;
  const env = buildEnv(registry, m.envId, m.config, m.options);
  return { env, text: encodeResult(describe(env, m.envId)) };
}

/** Answer the handle's requests until `close`; an error escaping here crashes the worker, which the server reports as such. */
async function serve(channel: ChannelServer, env: AnyEnv, envId: string): Promise<void> {
  for (;;) {
    const { op, text } = await channel.next();
    let ok = true;
    let reply: string;
    try {
      if (op === OP_CLOSE) {
        await env.close();
        reply = '{}';
      } else {
        reply = await runOnEnv(env, envId, JSON.parse(text) as HostRequest);
      }
    } catch (err) {
      ok = false;
      reply = JSON.stringify(describeError(err));
    }
    channel.answer(ok, reply);
    if (op === OP_CLOSE) return;
  }
}

let made = false;
// The listener also keeps the worker's event loop alive while `serve` waits without blocking.
port.on('message', (m: ToWorker) => {
  if (made || m.op !== 'make') return; // one environment per worker
  made = true;
  make(m).then(
    ({ env, text }) => {
      port.postMessage({ id: m.id, ok: true, text });
      serve(new ChannelServer(m.channel), env, m.envId).catch((err: unknown) => {
        process.nextTick(() => {
          throw err; // uncaught: the worker dies and the server sees its 'error' event
        });
      });
    },
    (err: unknown) => port.postMessage({ id: m.id, ok: false, error: describeError(err) }),
  );
});
