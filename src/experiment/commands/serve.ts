/** `faasgym serve`: every registered environment over the ZeroMQ bridge (docs/bridge-protocol.md). */
import type { Command } from 'commander';
import { registry } from '../../registry/index.js';
import { readBackendCatalog } from '../../bridge/backends.js';
import { loadEnvModule, resolveEnvModule } from '../../bridge/env-modules.js';
import { BridgeServer, DEFAULT_BIND, type BridgeEvent } from '../../bridge/server.js';
import { readClientKeys, readKeyPair } from '../../bridge/curve.js';
import { PROTOCOL_VERSION } from '../../bridge/protocol.js';
import { intOption, numberOption } from './options.js';

interface ServeOptions {
  bind: string;
  idleTimeout: number;
  maxMessageBytes: number;
  maxHandles: number;
  maxHandlesPerClient: number;
  requestTimeout: number;
  envMemoryMb: number;
  backend?: string;
  require: string[];
  allowRemote?: boolean;
  curveKeys?: string;
  clientKeys?: string;
  json?: boolean;
  quiet?: boolean;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `serve` runs until SIGINT or SIGTERM, then closes every environment. */
export function registerServeCommand(program: Command, out: (s: string) => void, err: (s: string) => void = (s) => process.stderr.write(s)): void {
  program
    .command('serve')
    .description('serve every registered environment over ZeroMQ to external agents (Python: python/faasgym_client); runs until SIGINT/SIGTERM')
    .option('--bind <endpoint>', 'ZeroMQ endpoint; tcp://127.0.0.1:* picks a free port', DEFAULT_BIND)
    .option('--idle-timeout <s>', 'close environments idle for this many seconds', numberOption('--idle-timeout'), 300)
    .option('--max-message-bytes <n>', 'answer larger request frames with MessageTooLargeError', intOption('--max-message-bytes'), 1024 * 1024)
    .option('--max-handles <n>', 'most environments open at once (each runs in a worker thread of its own)', intOption('--max-handles'), 256)
    .option('--max-handles-per-client <n>', "most environments one client may hold (its share of --max-handles)", intOption('--max-handles-per-client'), 64)
    .option('--request-timeout <s>', 'stop an environment whose request (make, reset, step, ...) runs longer than this, closing its handle', numberOption('--request-timeout'), 300)
    .option('--env-memory-mb <n>', "heap limit of each environment's worker; past it that environment alone is stopped", intOption('--env-memory-mb'), 512)
    .option('--backend <file>', 'YAML/JSON {backends: {name: {kind, ...}}}: the backends clients may pick by name (default: the simulator only)')
    .option('--require <module>', 'import a module that registers more environments (repeatable)', collect, [] as string[])
    .option('--allow-remote', 'allow a non-loopback --bind (needs --curve-keys)')
    .option('--curve-keys <file>', 'CurveZMQ: the server key pair, a .key_secret file written by `faasgym keys`')
    .option('--client-keys <path>', 'CurveZMQ: accept only these client public keys (a directory of .key files, or a file)')
    .option('--json', 'print the start-up line and events as JSON lines')
    .option('--quiet', 'print only the start-up line')
    .action(async (opts: ServeOptions) => {
      for (const spec of opts.require) await loadEnvModule(spec);
      const envModules = opts.require.map((spec) => resolveEnvModule(spec));
      const backends = opts.backend !== undefined ? readBackendCatalog(opts.backend) : undefined;
      const event = (e: BridgeEvent): void => {
        if (opts.quiet) return;
        if (opts.json) err(`${JSON.stringify({ event: e.type, ...e, type: undefined })}\n`);
        else if (e.type === 'reaped') err(`faasgym serve: closed idle environment ${e.handle} (${e.env})${e.closeError ? `; its close failed: ${e.closeError}` : ''}\n`);
        else err(`faasgym serve: recovered from an error in ${e.where}: ${e.message}\n`);
      };
      const curve = opts.curveKeys !== undefined ? readKeyPair(opts.curveKeys) : undefined;
      const server = await BridgeServer.start({
        bind: opts.bind,
        idleTimeoutMs: opts.idleTimeout * 1000,
        maxMessageBytes: opts.maxMessageBytes,
        maxHandles: opts.maxHandles,
        maxHandlesPerClient: opts.maxHandlesPerClient,
        requestTimeoutMs: opts.requestTimeout * 1000,
        envMemoryMb: opts.envMemoryMb,
        envModules,
        ...(backends !== undefined ? { backends } : {}),
        allowRemote: opts.allowRemote ?? false,
        ...(curve !== undefined ? { curve } : {}),
        ...(opts.clientKeys !== undefined ? { clientKeys: readClientKeys(opts.clientKeys) } : {}),
        onEvent: event,
      });
      const envs = registry.ids().length;
      if (opts.json) {
        out(`${JSON.stringify({ event: 'listening', endpoint: server.endpoint, protocol: PROTOCOL_VERSION, envs, backends: backends !== undefined ? [...backends.keys()] : ['sim'], curve: curve !== undefined, pid: process.pid })}\n`);
      } else {
        out(`faasgym serve: listening on ${server.endpoint} (protocol ${PROTOCOL_VERSION}, ${envs} environments${curve ? ', CurveZMQ' : ''}); Ctrl-C stops\n`);
      }
      await new Promise<void>((done) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          done();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      const stats = server.stats();
      await server.close();
      if (opts.json) out(`${JSON.stringify({ event: 'stopped', ...stats })}\n`);
      else out(`faasgym serve: stopped after ${stats.requests} requests (${stats.errors} errors, ${stats.reaped} idle environments closed)\n`);
    });
}
