/**
 * `faasgym bench bridge`: CartPole steps per second from Python through the
 * bridge, next to the raw ZeroMQ REQ/REP round-trip rate with frames of the
 * same sizes, measured in one run (bench/README.md). The Python side is
 * bench/bridge_client.py; this side runs both servers.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { delimiter, join } from 'node:path';
import * as zmq from 'zeromq';
import { BackendError, ConfigError } from '../core/errors.js';
import { registry } from '../registry/index.js';
import { BridgeServer } from './server.js';
import { ZmtpServer } from './zmtp.js';
import { defaultPython, packageRoot } from '../host.js';

export interface BridgeBenchOptions {
  /** Total measured seconds (split over rounds and the sides). @default 9 */
  seconds?: number;
  /** Alternating raw/bridge rounds. @default 6 */
  rounds?: number;
  /** The Python interpreter (needs pyzmq and numpy). @default $FAASGYM_PYTHON, else /usr/bin/python3 when present, else python3 */
  python?: string;
  /** @default 'CartPole-v1' */
  env?: string;
  /** Environments per batched step (`make_vec`, the `steps` command); 0 skips that side. @default 8 */
  batch?: number;
}

export interface BridgeBenchReport {
  benchmark: 'bridge';
  env: string;
  /** Whether `bridge` used the environment's direct endpoint (what `faasgym_client.make` does when the server offers it). */
  direct: boolean;
  /** Median over rounds of `env.step` calls per second through the Python client. */
  bridgeStepsPerSecond: number;
  /** Median over rounds of raw REQ/REP round trips per second with the same frame sizes. */
  rawRoundTripsPerSecond: number;
  /** Median over rounds of bridge / raw (each round measures both, back to back). */
  ratio: number;
  /** The same steps through a server that runs environments on its own thread (no worker isolation), and its ratio to raw. */
  inProcessStepsPerSecond: number;
  inProcessRatio: number;
  /** The same single steps with `direct=False`: through the server's socket and the hand-off to the worker (the path before direct endpoints), and its ratio to raw. */
  relayStepsPerSecond: number;
  relayRatio: number;
  /** Raw round trips against a reply-only endpoint of the direct endpoints' transport (ZMTP on node:net, zmtp.ts), its ratio to raw, and bridge / it. */
  rawZmtpRoundTripsPerSecond: number;
  rawZmtpRatio: number;
  bridgeToRawZmtp: number;
  /** Environment steps per second of `make_vec(env, batchSize)` (one round trip per batch), and its ratio to raw round trips. */
  batchSize?: number;
  batchedStepsPerSecond?: number;
  batchedRatio?: number;
  target: number;
  ratioToTarget: number;
  requestBytes: number;
  replyBytes: number;
  rounds: { raw: number; bridge: number; ratio: number; relay?: number; rawZmtp?: number; inproc?: number; batched?: number }[];
  /** Median CPU microseconds per call of the Python process (client) and of the Node.js process (server), each side. */
  cpuMicrosPerCall: Record<'raw' | 'bridge' | 'relay' | 'rawZmtp' | 'inproc' | 'batched', { client: number; server: number }>;
  windowSeconds: number;
  node: string;
  cpu: string;
  libzmqNode: string;
  python: string;
  pyzmq: string;
  libzmqPython: string;
  numpy: string;
  gymnasium: boolean;
}

export { defaultPython, packageRoot };

/** The ratio the issue asks for. */
export const BRIDGE_RATIO_TARGET = 0.8;

/**
 * A REP server that answers every request with `size` bytes (set by a `SIZE n`
 * request). `MARK` records this process's CPU time (both servers run here),
 * `CPU` returns the records, in microseconds, as a JSON array.
 */
class RawReplyServer {
  readonly endpoint: string;
  private closed = false;
  private readonly done: Promise<void>;
  private reply: Buffer = Buffer.from('OK');
  private readonly marks: number[] = [];

  private constructor(private readonly socket: zmq.Reply) {
    this.endpoint = socket.lastEndpoint ?? '';
    this.done = this.loop();
  }

  static async start(): Promise<RawReplyServer> {
    const socket = new zmq.Reply({ linger: 0, receiveTimeout: 1000, sendTimeout: 1000 });
    await socket.bind('tcp://127.0.0.1:*');
    return new RawReplyServer(socket);
  }

  private async loop(): Promise<void> {
    while (!this.closed) {
      let msg: Buffer[];
      try {
        msg = await this.socket.receive();
      } catch {
        if (this.socket.closed) break;
        continue; // receive timeout
      }
      const first = msg[0] as Buffer;
      if (first.length < 32) {
        const text = first.toString('latin1');
        if (text === 'MARK') {
          const usage = process.cpuUsage();
          if (this.marks.length < 100_000) this.marks.push(usage.user + usage.system);
          await this.socket.send('OK').catch(() => {});
          continue;
        }
        if (text === 'CPU') {
          await this.socket.send(JSON.stringify(this.marks)).catch(() => {});
          continue;
        }
        if (text.startsWith('SIZE ')) {
          const size = Number(text.slice(5));
          this.reply = Buffer.alloc(Number.isSafeInteger(size) && size > 0 && size < 1 << 24 ? size : 1, 'x');
          await this.socket.send('OK').catch(() => {});
          continue;
        }
      }
      await this.socket.send(this.reply).catch(() => {});
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.socket.close();
    await this.done;
  }
}

/** Run bench/bridge_client.py against an in-process bridge server and a raw REP server. */
export async function runBridgeBench(opts: BridgeBenchOptions = {}): Promise<BridgeBenchReport> {
  const seconds = opts.seconds ?? 9;
  const rounds = opts.rounds ?? 6;
  const env = opts.env ?? 'CartPole-v1';
  const python = opts.python ?? defaultPython();
  const root = packageRoot();
  const script = join(root, 'bench', 'bridge_client.py');
  if (!existsSync(script)) throw new ConfigError(`${script} is missing: run the bridge benchmark from a faasgym checkout`);

  const batch = opts.batch ?? 8;
  const bridge = await BridgeServer.start({ bind: 'tcp://127.0.0.1:*' }); // as `faasgym serve`: environments in workers
  const inProcess = await BridgeServer.start({ bind: 'tcp://127.0.0.1:*', registry });
  const raw = await RawReplyServer.start();
  const rawZmtp = await startRawZmtp();
  try {
    const args = [
      script,
      ...['--bridge', bridge.endpoint, '--inproc', inProcess.endpoint, '--raw', raw.endpoint, '--raw-zmtp', rawZmtp.endpoint, '--relay'],
      ...['--env', env, '--seconds', String(seconds), '--rounds', String(rounds), '--batch', String(batch)],
    ];
    const pythonPath = [join(root, 'python'), process.env.PYTHONPATH].filter(Boolean).join(delimiter);
    const stdout = await runProcess(python, args, { ...process.env, PYTHONPATH: pythonPath }, (seconds + 30) * 1000);
    const lines = stdout.trim().split('\n');
    let py: Omit<BridgeBenchReport, 'benchmark' | 'target' | 'ratioToTarget' | 'node' | 'cpu' | 'libzmqNode'>;
    try {
      py = JSON.parse(lines[lines.length - 1] ?? '') as typeof py;
    } catch {
      throw new BackendError(`bench/bridge_client.py printed no JSON report:\n${stdout.slice(-2000)}`);
    }
    return {
      benchmark: 'bridge',
      ...py,
      target: BRIDGE_RATIO_TARGET,
      ratioToTarget: Math.round((py.ratio / BRIDGE_RATIO_TARGET) * 1000) / 1000,
      node: process.version,
      cpu: cpus()[0]?.model ?? 'unknown',
      libzmqNode: zmq.version,
    };
  } finally {
    rawZmtp.close();
    await raw.close();
    await bridge.close();
    await inProcess.close();
  }
}

/** The raw baseline of direct endpoints' transport: a ZMTP endpoint on node:net that answers every request with `size` bytes (set by `SIZE n`). */
function startRawZmtp(): Promise<ZmtpServer> {
  let reply: Buffer = Buffer.from('OK');
  return ZmtpServer.listen('127.0.0.1', { maxFrameBytes: 1 << 20 }, (conn, msg) => {
    const frames = msg.frames;
    const last = frames[frames.length - 1] ?? Buffer.alloc(0);
    const envelope = frames.slice(0, -1);
    if (last.length < 32 && last.toString('latin1').startsWith('SIZE ')) {
      const size = Number(last.toString('latin1').slice(5));
      reply = Buffer.alloc(Number.isSafeInteger(size) && size > 0 && size < 1 << 24 ? size : 1, 'x');
      conn.send([...envelope, 'OK']);
      return;
    }
    conn.send([...envelope, reply]);
  });
}

/** Spawn without blocking the event loop (the servers run on it); kill after `timeoutMs`. */
function runProcess(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new ConfigError(`cannot run ${cmd} (set --python or FAASGYM_PYTHON to a python3 with pyzmq and numpy): ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new BackendError(`${cmd} bench/bridge_client.py exited with ${signal ?? code}:\n${stderr}`));
    });
  });
}

/** A short human-readable summary. */
export function formatBridgeBenchReport(r: BridgeBenchReport): string {
  return [
    `bridge benchmark (${r.env}, ${r.rounds.length} rounds of ${r.windowSeconds.toFixed(2)} s per side, request ${r.requestBytes} B, reply ${r.replyBytes} B)`,
    `  through the bridge:   ${Math.round(r.bridgeStepsPerSecond).toLocaleString('en-US')} steps/s`,
    `  raw ZeroMQ REQ/REP:   ${Math.round(r.rawRoundTripsPerSecond).toLocaleString('en-US')} round trips/s`,
    `  ratio ${r.ratio.toFixed(3)} (target ${r.target}, ${r.ratio >= r.target ? 'met' : 'NOT met'})${r.direct ? ", through the environment's direct endpoint" : ''}`,
    `  through the server's socket (direct=False): ${Math.round(r.relayStepsPerSecond).toLocaleString('en-US')} steps/s, ratio ${r.relayRatio.toFixed(3)}`,
    `  raw ZMTP on node:net (the direct endpoints' transport): ${Math.round(r.rawZmtpRoundTripsPerSecond).toLocaleString('en-US')} round trips/s, ratio ${r.rawZmtpRatio.toFixed(3)}; bridge / it ${r.bridgeToRawZmtp.toFixed(3)}`,
    `  in process (no worker isolation): ${Math.round(r.inProcessStepsPerSecond).toLocaleString('en-US')} steps/s, ratio ${r.inProcessRatio.toFixed(3)}`,
    ...(r.batchedStepsPerSecond !== undefined
      ? [`  batched, ${r.batchSize} environments per round trip: ${Math.round(r.batchedStepsPerSecond).toLocaleString('en-US')} steps/s, ratio ${(r.batchedRatio ?? 0).toFixed(3)}`]
      : []),
    `  CPU µs per call: raw ${r.cpuMicrosPerCall.raw.client} (python) + ${r.cpuMicrosPerCall.raw.server} (node), bridge ${r.cpuMicrosPerCall.bridge.client} + ${r.cpuMicrosPerCall.bridge.server}`,
    `  node ${r.node}, python ${r.python}, pyzmq ${r.pyzmq}, libzmq ${r.libzmqNode}/${r.libzmqPython}, ${r.cpu}`,
    '',
  ].join('\n');
}
