/** `faasgym serve`: every registered environment over the ZeroMQ bridge (docs/bridge-protocol.md). */
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { ConfigError, quote } from '../../core/errors.js';
import { register, registry } from '../../registry/index.js';
import { BridgeServer, DEFAULT_BIND, type BridgeEvent } from '../../bridge/server.js';
import { readClientKeys, readKeyPair } from '../../bridge/curve.js';
import { PROTOCOL_VERSION } from '../../bridge/protocol.js';
import { intOption, numberOption } from './options.js';

interface ServeOptions {
  bind: string;
  idleTimeout: number;
  maxMessageBytes: number;
  maxHandles: number;
  require: string[];
  allowRemote?: boolean;
  curveKeys?: string;
  clientKeys?: string;
  json?: boolean;
  quiet?: boolean;
}

/**
 * Import a `--require` module: a path (relative to the working directory) or a
 * package name resolved from there. A default export that is a function is
 * called with `{registry, register}`.
 */
export async function loadEnvModule(spec: string, cwd = process.cwd()): Promise<void> {
  let url: string;
  try {
    const looksLikePath = spec.startsWith('.') || spec.startsWith('/') || /\.(c|m)?js$/.test(spec);
    url = looksLikePath ? pathToFileURL(resolve(cwd, spec)).href : pathToFileURL(createRequire(resolve(cwd, 'noop.js')).resolve(spec)).href;
  } catch (err) {
    throw new ConfigError(`--require ${quote(spec)}: cannot resolve it from ${cwd}: ${(err as Error).message}`);
  }
  let mod: { default?: unknown };
  try {
    mod = (await import(url)) as { default?: unknown };
  } catch (err) {
    throw new ConfigError(`--require ${quote(spec)}: loading it failed: ${(err as Error).message}`);
  }
  if (typeof mod.default === 'function') await (mod.default as (api: unknown) => unknown)({ registry, register });
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
    .option('--max-handles <n>', 'most environments open at once', intOption('--max-handles'), 1024)
    .option('--require <module>', 'import a module that registers more environments (repeatable)', collect, [] as string[])
    .option('--allow-remote', 'allow a non-loopback --bind (needs --curve-keys)')
    .option('--curve-keys <file>', 'CurveZMQ: the server key pair, a .key_secret file written by `faasgym keys`')
    .option('--client-keys <path>', 'CurveZMQ: accept only these client public keys (a directory of .key files, or a file)')
    .option('--json', 'print the start-up line and events as JSON lines')
    .option('--quiet', 'print only the start-up line')
    .action(async (opts: ServeOptions) => {
      for (const spec of opts.require) await loadEnvModule(spec);
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
        allowRemote: opts.allowRemote ?? false,
        ...(curve !== undefined ? { curve } : {}),
        ...(opts.clientKeys !== undefined ? { clientKeys: readClientKeys(opts.clientKeys) } : {}),
        onEvent: event,
      });
      const envs = registry.ids().length;
      if (opts.json) {
        out(`${JSON.stringify({ event: 'listening', endpoint: server.endpoint, protocol: PROTOCOL_VERSION, envs, curve: curve !== undefined, pid: process.pid })}\n`);
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
