/**
 * The PyTorch side of `faasgym bench agents`: bench/torch_agents_bench.py as a
 * long-lived child process (`--serve`), asked to build each learner's
 * reference (`setup`) and to measure one round at a time (`round`), so that
 * rounds alternate with ours.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { defaultPython } from '../../host.js';
import type { LatencyUs } from './stats.js';

/** `$FAASGYM_PYTHON`, else Debian's /usr/bin/python3 (where `apt-get install python3-torch` puts torch), else `python3`. */
export const defaultTorchPython = defaultPython;

export interface TorchHeader {
  available: boolean;
  reason?: string;
  version?: string;
  defaultThreads?: number;
  python?: string;
  blas?: { kind: string; library: string | null; buildInfo: string | null };
}

export interface TorchRoundJson {
  threads: number;
  trainStepsPerSecond: number;
  trainCpuMicrosPerStep: number;
  actionLatencyUs: LatencyUs;
  actionAfterUpdateUs: number;
  error?: string;
}

export /** bench/torch_agents_bench.py --serve: one JSON line per request, each with a deadline. */
class TorchProcess {
  private readonly lines: string[] = [];
  private waiter: ((line: string | null) => void) | null = null;
  private buffer = '';
  private stderr = '';
  private exited = false;

  private constructor(
    private readonly child: ChildProcess,
    readonly command: string,
  ) {
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      this.buffer += d;
      let nl: number;
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, nl).trim();
        this.buffer = this.buffer.slice(nl + 1);
        if (line === '') continue;
        if (this.waiter) {
          const w = this.waiter;
          this.waiter = null;
          w(line);
        } else this.lines.push(line);
      }
    });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (this.stderr = (this.stderr + d).slice(-4000)));
    // Writing to a child that already exited fails with EPIPE: its exit is reported through `next`.
    child.stdin?.on('error', () => {});
    const end = (): void => {
      this.exited = true;
      if (this.waiter) {
        const w = this.waiter;
        this.waiter = null;
        w(null);
      }
    };
    child.on('close', end);
    child.on('error', (err) => {
      this.stderr += `\n${err.message}`;
      end();
    });
  }

  static spawn(python: string, script: string, env: Record<string, string> | undefined): TorchProcess {
    const child = spawn(python, [script, '--serve'], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    return new TorchProcess(child, python);
  }

  /** The next line, or an error naming what happened (exit, timeout). */
  async next(timeoutMs: number, what: string): Promise<string> {
    const queued = this.lines.shift();
    if (queued !== undefined) return queued;
    if (this.exited) throw new Error(`${this.command} exited before ${what}${this.tail()}`);
    const got = await new Promise<{ line: string | null } | 'timeout'>((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        resolve('timeout');
      }, timeoutMs);
      this.waiter = (line) => {
        clearTimeout(timer);
        resolve({ line });
      };
    });
    if (got === 'timeout') {
      this.kill();
      throw new Error(`${this.command} gave no answer within ${Math.round(timeoutMs / 1000)} s (${what}); killed it`);
    }
    if (got.line === null) throw new Error(`${this.command} exited before ${what}${this.tail()}`);
    return got.line;
  }

  /** Build learner `name` from `spec` (sizes and hyperparameters, JSON) on the Python side. */
  async setup(name: string, spec: Record<string, unknown>, timeoutMs: number): Promise<void> {
    this.child.stdin?.write(`setup ${name} ${JSON.stringify(spec)}\n`);
    const r = JSON.parse(await this.next(timeoutMs, `building ${name}`)) as { ok?: boolean; error?: string };
    if (r.error) throw new Error(`bench/torch_agents_bench.py: ${r.error}`);
  }

  async round(name: string, threads: number, steps: number, actions: number, timeoutMs: number): Promise<TorchRoundJson> {
    this.child.stdin?.write(`round ${name} ${threads} ${steps} ${actions}\n`);
    const r = JSON.parse(await this.next(timeoutMs, `answering a ${name} round`)) as TorchRoundJson;
    if (r.error) throw new Error(`bench/torch_agents_bench.py: ${r.error}`);
    return r;
  }

  private tail(): string {
    const s = this.stderr.trim();
    return s ? `: ${s.split('\n').slice(-3).join(' | ')}` : '';
  }

  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }

  async close(): Promise<void> {
    if (this.exited) return;
    this.child.stdin?.end('quit\n');
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.kill();
        resolve();
      }, 5000);
      this.child.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      if (this.exited) resolve();
    });
  }
}
