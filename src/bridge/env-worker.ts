/**
 * The entry of an environment's worker thread (host.ts `WorkerHost`): imports
 * the `--require` modules, builds one environment on `make`, then runs the
 * requests the server forwards, one at a time, answering each with the JSON
 * text of its result or a `{type, message}` error.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { AnyEnv } from '../core/env.js';
import { registry } from '../registry/index.js';
import { buildEnv, describe, runOnEnv, type HostRequest, type MakeArgsOptions } from './env-ops.js';
import { loadEnvModule } from './env-modules.js';
import { describeError, encodeResult } from './protocol.js';

type ToWorker =
  | { id: number; op: 'make'; envId: string; config: Record<string, unknown>; options: MakeArgsOptions }
  | { id: number; op: 'run'; req: HostRequest }
  | { id: number; op: 'close' };

const port = parentPort;
if (port === null) throw new Error('env-worker.js runs only as a worker thread');
const { modules } = workerData as { modules: string[] };
// Load the modules at once: a worker started ahead of time (a warm spare, host.ts) is ready at make.
const loaded = (async () => {
  for (const spec of modules) await loadEnvModule(spec);
})();
loaded.catch(() => {}); // reported to the make that needs them
let env: AnyEnv | undefined;
let envId = '';

async function handle(m: ToWorker): Promise<string> {
  switch (m.op) {
    case 'make': {
      await loaded;
      envId = m.envId;
      env = buildEnv(registry, m.envId, m.config, m.options);
      return encodeResult(describe(env, m.envId));
    }
    case 'run':
      if (env === undefined) throw new Error('no environment was made in this worker');
      return runOnEnv(env, envId, m.req);
    case 'close':
      await env?.close();
      env = undefined;
      return '{}';
  }
}

port.on('message', (m: ToWorker) => {
  handle(m).then(
    (text) => port.postMessage({ id: m.id, ok: true, text }),
    (err: unknown) => port.postMessage({ id: m.id, ok: false, error: describeError(err) }),
  );
});
