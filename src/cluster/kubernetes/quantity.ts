/**
 * Kubernetes resource quantities (`"500m"`, `"2"`, `"1.5"`, `"512Mi"`, `"1G"`,
 * `"1e3"`) to and from the units faasgym uses: millicores and megabytes
 * (MB = MiB = 2^20 bytes, as Kubernetes `Mi` and the simulator's memory).
 */
import { ConfigError, quote } from '../../core/errors.js';

const SUFFIX: Record<string, number> = {
  n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** The value of a quantity in base units (cores, bytes). */
export function parseQuantity(q: unknown, what = 'quantity'): number {
  if (typeof q === 'number' && Number.isFinite(q)) return q;
  if (typeof q !== 'string') throw new ConfigError(`${what} must be a Kubernetes quantity, got ${quote(q)}`);
  const m = /^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*([a-zA-Z]*)\s*$/.exec(q);
  const mult = m ? SUFFIX[m[2] as string] : undefined;
  if (!m || mult === undefined) throw new ConfigError(`${what} must be a Kubernetes quantity, got ${quote(q)}`);
  return Number(m[1]) * mult;
}

/** CPU quantity → millicores (rounded to whole millicores). */
export function cpuMilli(q: unknown, what = 'cpu'): number {
  return Math.round(parseQuantity(q, what) * 1000);
}

/** Memory quantity → MB (2^20 bytes), rounded to whole MB. */
export function memoryMb(q: unknown, what = 'memory'): number {
  return Math.round(parseQuantity(q, what) / 2 ** 20);
}

export function formatCpu(milli: number): string {
  return `${Math.round(milli)}m`;
}

export function formatMemory(mb: number): string {
  return `${Math.round(mb)}Mi`;
}
