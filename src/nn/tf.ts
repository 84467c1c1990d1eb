/**
 * TensorFlow.js backend selection, done once per process:
 * `@tensorflow/tfjs-node` when it is installed (native, fastest), else the
 * WebAssembly backend (ships inside its npm package), else the plain-JS `cpu`
 * backend. `FAASGYM_TF_BACKEND=tensorflow|wasm|cpu` overrides the choice. The
 * result is checked (tfjs silently falls back when a backend fails to
 * initialise) and logged once to stderr.
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError, quote } from '../core/errors.js';

export { tf };

export type TfBackend = 'tensorflow' | 'wasm' | 'cpu';

let selected: Promise<TfBackend> | null = null;

/** Initialise tfjs and return the backend in use. Safe to call many times. */
export function initTf(opts: { backend?: string; quiet?: boolean } = {}): Promise<TfBackend> {
  selected ??= choose(opts.backend ?? process.env.FAASGYM_TF_BACKEND, opts.quiet ?? process.env.FAASGYM_QUIET === '1');
  return selected;
}

async function choose(requested: string | undefined, quiet: boolean): Promise<TfBackend> {
  if (requested !== undefined && requested !== '' && !['tensorflow', 'wasm', 'cpu'].includes(requested)) {
    throw new ConfigError(`FAASGYM_TF_BACKEND must be "tensorflow", "wasm" or "cpu", got ${quote(requested)}`);
  }
  const order: TfBackend[] = requested ? [requested as TfBackend] : ['tensorflow', 'wasm', 'cpu'];
  const tried: string[] = [];
  for (const name of order) {
    try {
      if (name === 'tensorflow') await import('@tensorflow/tfjs-node' as string);
      if (name === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
      if ((await tf.setBackend(name)) && tf.getBackend() === name) {
        await tf.ready();
        if (!quiet) process.stderr.write(`${backendNote(name, tried)}\n`);
        return name;
      }
      tried.push(`${name}: setBackend returned false`);
    } catch (err) {
      tried.push(`${name}: ${missingPackage(err) ? 'not installed' : (err as Error).message.split('\n')[0]}`);
    }
  }
  throw new ConfigError(`no TensorFlow.js backend could be initialised (${tried.join('; ')})`);
}

/** A failed dynamic import because the package is not installed (not a broken install). */
function missingPackage(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === 'ERR_MODULE_NOT_FOUND' || /Cannot find (package|module)/.test((err as Error).message ?? '');
}

/**
 * The one informational line about the backend: which one runs and, when it
 * is not the native one, why and how to get it (the full reasons under
 * FAASGYM_DEBUG=1).
 */
export function backendNote(name: TfBackend, tried: string[]): string {
  if (tried.length === 0) return `faasgym: TensorFlow.js backend "${name}"`;
  const notInstalled = tried.every((t) => t.endsWith(': not installed'));
  const debug = process.env.FAASGYM_DEBUG !== undefined && process.env.FAASGYM_DEBUG !== '' && process.env.FAASGYM_DEBUG !== '0';
  const hint = tried.some((t) => t.startsWith('tensorflow:')) ? '; `npm install @tensorflow/tfjs-node` adds the faster native one' : '';
  const why = notInstalled && !debug ? '' : ` (${tried.join('; ')})`;
  return `faasgym: note: TensorFlow.js runs on its "${name}" backend${hint}${why}`;
}
