/**
 * How the CLI reports a failure: one line on stderr, `faasgym: <what went
 * wrong and what to do>`, and an exit code — 2 for a bad command line or
 * configuration, 1 for anything else. No stack trace unless FAASGYM_DEBUG=1.
 *
 * Errors faasgym throws on purpose (`FaasgymError`) already say what went
 * wrong; anything else (a RangeError deep in an allocation, a file system
 * error, a bug) is named by its kind with a hint, never dumped as a trace.
 */
import { ConfigError, FaasgymError } from '../core/errors.js';
import { UsageError } from './commands/options.js';

/** Exit codes of the `faasgym` command. */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** True when FAASGYM_DEBUG asks for stack traces. */
export function debugEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.FAASGYM_DEBUG;
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}

/** A message on one line (newlines and runs of blanks become one space), at most `max` characters. */
export function oneLine(text: string, max = 1000): string {
  const flat = text.replace(/\s*\n\s*/g, ' ').replace(/[ \t]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

const FS_CODES: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  ENOSPC: 'no space left on the device',
  EROFS: 'read-only file system',
  EEXIST: 'already exists',
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'address not available on this machine',
  EMFILE: 'too many open files',
};

/** The one line (without the `faasgym: ` prefix) and exit code for `err`. */
export function describeError(err: unknown): { line: string; code: number } {
  if (err instanceof UsageError) return { line: `error: ${oneLine(err.message)}`, code: EXIT_USAGE };
  if (err instanceof ConfigError) return { line: `${err.name}: ${oneLine(err.message)}`, code: EXIT_USAGE };
  if (err instanceof FaasgymError) return { line: `${err.name}: ${oneLine(err.message)}`, code: EXIT_FAILURE };
  if (!(err instanceof Error)) return { line: `unexpected failure: ${oneLine(String(err))} (FAASGYM_DEBUG=1 shows where; please report it)`, code: EXIT_FAILURE };
  const sys = err as NodeJS.ErrnoException;
  if (typeof sys.code === 'string' && sys.code in FS_CODES) {
    const where = sys.path ? ` ${JSON.stringify(sys.path)}` : (sys as { address?: string; port?: number }).address ? ` ${(sys as { address?: string }).address}:${(sys as { port?: number }).port ?? ''}` : '';
    const op = sys.syscall ? `${sys.syscall}` : 'system call';
    return { line: `${op}${where} failed: ${FS_CODES[sys.code]} (${sys.code}); check the path and its permissions`, code: EXIT_FAILURE };
  }
  const msg = oneLine(err.message);
  if (err instanceof RangeError && /typed array length|array buffer allocation|invalid array length|allocation failed|out of memory/i.test(msg)) {
    return { line: `out of memory: a value in the command or its config asks for more memory than this machine can give (${msg}); use smaller sizes, counts or durations`, code: EXIT_FAILURE };
  }
  if (err instanceof RangeError && /call stack/i.test(msg)) {
    return { line: `input nested too deeply (${msg}); simplify the config or scenario`, code: EXIT_FAILURE };
  }
  return { line: `unexpected ${err.name}: ${msg} (FAASGYM_DEBUG=1 prints the stack trace; please report it)`, code: EXIT_FAILURE };
}

/** The stack trace (with causes) printed under FAASGYM_DEBUG=1. */
export function debugTrace(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e !== undefined && e !== null && depth < 8; depth++) {
    parts.push(e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e));
    e = e instanceof Error ? (e as { cause?: unknown }).cause : undefined;
    if (e !== undefined) parts.push('caused by:');
  }
  return `${parts.join('\n')}\n`;
}

/** Print `err` as the CLI does and return its exit code. */
export function reportError(err: unknown, write: (s: string) => void = (s) => process.stderr.write(s)): number {
  const { line, code } = describeError(err);
  write(`faasgym: ${line}\n`);
  if (debugEnabled()) write(debugTrace(err));
  return code;
}
