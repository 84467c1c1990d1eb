/** Test-side helpers: a small TypeScript client of the bridge (zeromq.js REQ), always with timeouts. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import * as zmq from 'zeromq';

export interface Reply {
  v: number;
  id: number | null;
  ok: boolean;
  result?: any;
  error?: { type: string; message: string };
}

export interface CurveClientOptions {
  serverKey: string;
  publicKey: string;
  secretKey: string;
}

/** One REQ socket with a receive timeout. */
export class TestClient {
  private next = 0;

  private constructor(readonly socket: zmq.Request) {}

  static connect(endpoint: string, opts: { timeoutMs?: number; curve?: CurveClientOptions } = {}): TestClient {
    const timeout = opts.timeoutMs ?? 5000;
    const socket = new zmq.Request({
      linger: 0,
      receiveTimeout: timeout,
      sendTimeout: timeout,
      ...(opts.curve ? { curveServerKey: opts.curve.serverKey, curvePublicKey: opts.curve.publicKey, curveSecretKey: opts.curve.secretKey } : {}),
    });
    socket.connect(endpoint);
    return new TestClient(socket);
  }

  async call(cmd: string, args?: Record<string, unknown>): Promise<Reply> {
    this.next += 1;
    return this.raw(JSON.stringify({ v: 1, id: this.next, cmd, ...(args !== undefined ? { args } : {}) }));
  }

  /** The result of a call that must succeed. */
  async ok(cmd: string, args?: Record<string, unknown>): Promise<any> {
    const r = await this.call(cmd, args);
    if (!r.ok) throw new Error(`${cmd} failed: ${r.error?.type}: ${r.error?.message}`);
    return r.result;
  }

  async raw(frame: string | Buffer): Promise<Reply> {
    await this.socket.send(frame);
    const [reply] = await this.socket.receive();
    return JSON.parse((reply as Buffer).toString('utf8')) as Reply;
  }

  close(): void {
    this.socket.close();
  }
}

export const REPO = process.cwd();
export const CLI = join(REPO, 'dist', 'src', 'experiment', 'cli.js');
/** Debian's python3 (python3-zmq, python3-numpy); FAASGYM_PYTHON overrides. */
export const PYTHON = process.env.FAASGYM_PYTHON ?? '/usr/bin/python3';

export interface ServeProcess {
  child: ChildProcess;
  endpoint: string;
  /** Lines the server printed on stderr so far (events in --json mode). */
  stderrLines: string[];
  stop(): Promise<{ code: number | null; stdout: string }>;
}

/** Start `faasgym serve --json ...` from dist/ and wait (bounded) for its `listening` line. */
export function startServe(args: string[], timeoutMs = 20_000): Promise<ServeProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'serve', '--json', ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const stderrLines: string[] = [];
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      child.kill('SIGKILL');
      reject(new Error(`faasgym serve did not start within ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      const lines = stderr.split('\n');
      stderr = lines.pop() ?? '';
      stderrLines.push(...lines);
    });
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      if (settled) return;
      const line = stdout.split('\n').find((l) => l.includes('"listening"'));
      if (line === undefined) return;
      settled = true;
      clearTimeout(timer);
      const endpoint = (JSON.parse(line) as { endpoint: string }).endpoint;
      resolve({
        child,
        endpoint,
        stderrLines,
        stop: async () => {
          if (child.exitCode === null) child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          const code = await exited;
          clearTimeout(killer);
          return { code, stdout };
        },
      });
    });
    child.on('exit', (code) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new Error(`faasgym serve exited with ${code} before listening; stderr: ${stderr}${stderrLines.join('\n')}`));
    });
  });
}

export interface PythonResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run a Python snippet or file with the client on PYTHONPATH, bounded by `timeoutMs`. */
export function runPython(args: string[], opts: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<PythonResult> {
  return new Promise((resolve) => {
    const child = spawn(PYTHON, args, {
      cwd: REPO,
      env: { ...process.env, PYTHONPATH: join(REPO, 'python'), PYTHONDONTWRITEBYTECODE: '1', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The last line of stdout as JSON (the Python scripts print their results that way). */
export function lastJson<T = any>(r: PythonResult): T {
  const lines = r.stdout.trim().split('\n');
  try {
    return JSON.parse(lines[lines.length - 1] ?? '') as T;
  } catch {
    throw new Error(`python printed no JSON (exit ${r.code}):\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  }
}
