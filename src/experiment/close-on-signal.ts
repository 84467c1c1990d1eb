/**
 * Close environments when the process is interrupted (issue 17 §6).
 *
 * An environment on a real cluster changes Deployments; only its `close()`
 * puts them back. `closeOnSignal(env)` registers an environment until its own
 * `close()` runs: a SIGINT or SIGTERM in between closes every registered
 * environment (the cluster restore included, which may take a while: the
 * rollouts), then exits with 130 (SIGINT) or 143 (SIGTERM). A second signal
 * exits at once; the restore journal (src/cluster/kubernetes/journal.ts) then
 * lets the next run restore the cluster. The handlers are installed only while
 * an environment is registered, so they never outlive the run.
 */
interface Closable {
  close(): Promise<void> | void;
}

const open = new Set<Closable>();
let closing = false;
let exitFn: (code: number) => void = (code) => process.exit(code);
let write: (line: string) => void = (line) => process.stderr.write(line);

function onSignal(signal: NodeJS.Signals): void {
  const code = signal === 'SIGINT' ? 130 : 143;
  if (closing) {
    write(`faasgym: ${signal} again: exiting without waiting; a cluster left changed is restored from its journal by the next run\n`);
    exitFn(code);
    return;
  }
  closing = true;
  const envs = [...open];
  write(`faasgym: ${signal}: closing ${envs.length} environment(s) (a real cluster is restored first; ${signal} again to exit at once)\n`);
  void Promise.allSettled(envs.map(async (e) => e.close())).then((results) => {
    for (const r of results) if (r.status === 'rejected') write(`faasgym: closing an environment failed: ${r.reason instanceof Error ? r.reason.message : String(r.reason)}\n`);
    exitFn(code);
  });
}

const onInt = (): void => onSignal('SIGINT');
const onTerm = (): void => onSignal('SIGTERM');

function install(): void {
  if (open.size !== 1) return;
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
}

function uninstall(): void {
  if (open.size !== 0 || closing) return;
  process.off('SIGINT', onInt);
  process.off('SIGTERM', onTerm);
}

/** Register `env` until its `close()` has run; returns `env` (its `close` now also unregisters it). */
export function closeOnSignal<T extends Closable>(env: T): T {
  if (open.has(env)) return env;
  const original = env.close.bind(env);
  env.close = async () => {
    try {
      await original();
    } finally {
      open.delete(env);
      uninstall();
    }
  };
  open.add(env);
  install();
  return env;
}

/** Environments registered now (for tests and diagnostics). */
export function registeredForSignals(): number {
  return open.size;
}

/** Replace how the process exits and where the lines go (tests); returns a function that puts the defaults back. */
export function setSignalHooksForTests(hooks: { exit: (code: number) => void; write: (line: string) => void }): () => void {
  const before = { exitFn, write };
  exitFn = hooks.exit;
  write = hooks.write;
  return () => {
    exitFn = before.exitFn;
    write = before.write;
    closing = false;
    uninstall();
  };
}
