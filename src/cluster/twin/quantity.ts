/**
 * Kubernetes resource quantities (`"500m"`, `"1"`, `"512Mi"`, `"1.5Gi"`,
 * `"2e3"`): parsing, and the canonical form the API server stores and returns.
 *
 * A quantity is held as an integer number of thousandths ("milli-units"),
 * rounded up as Kubernetes does (`"0.0001"` is `"1m"`), with the format of its
 * suffix: binary (`Ki Mi Gi Ti Pi Ei`), decimal SI (`n u m k M G T P E`) or
 * decimal exponent (`e3`, `E-3`). The canonical form keeps the format and picks
 * the largest suffix that keeps the number an integer (`"1024Mi"` → `"1Gi"`,
 * `"0.5"` → `"500m"`, `"1000m"` → `"1"`); a binary quantity that is not a whole
 * number of bytes falls back to decimal SI (`"0.5Ki"` → `"512"`).
 *
 * The simulator's units: CPU in millicores (`cpuMilli` = the quantity's
 * milli-units), memory in MiB (`memoryMb` = bytes / 2^20; the scenarios'
 * "MB" are MiB on the twin, so 512 MB renders as `"512Mi"`).
 */
import { ConfigError, quote } from '../../core/errors.js';

export type QuantityFormat = 'BinarySI' | 'DecimalSI' | 'DecimalExponent';

export interface Quantity {
  /** Value × 1000, an integer. */
  milli: number;
  format: QuantityFormat;
}

const BINARY: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const DECIMAL_SUFFIX: [number, string][] = [[18, 'E'], [15, 'P'], [12, 'T'], [9, 'G'], [6, 'M'], [3, 'k'], [0, ''], [-3, 'm']];
const BINARY_SUFFIX: [number, string][] = [[60, 'Ei'], [50, 'Pi'], [40, 'Ti'], [30, 'Gi'], [20, 'Mi'], [10, 'Ki']];

/** Longest quantity string accepted (Kubernetes' own are a handful of characters; this bounds the digit strings BigInt sees). */
export const MAX_QUANTITY_CHARS = 64;

const GRAMMAR = /^([+-]?)(\d+\.?\d*|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

/**
 * Parse a quantity; ConfigError (naming `what`) for anything Kubernetes would
 * refuse, a negative value, or a value beyond 2^53 milli-units.
 */
export function parseQuantity(input: unknown, what = 'quantity'): Quantity {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0) throw new ConfigError(`${what} must be a non-negative quantity, got ${quote(input)}`);
    return checked(Math.ceil(input * 1000 - 1e-9), 'DecimalSI', input, what);
  }
  if (typeof input !== 'string') throw new ConfigError(`${what} must be a quantity string such as "500m" or "512Mi", got ${quote(input)}`);
  if (input.length > MAX_QUANTITY_CHARS) throw new ConfigError(`${what}: a quantity has at most ${MAX_QUANTITY_CHARS} characters, got ${input.length}`);
  const m = GRAMMAR.exec(input.trim());
  if (!m) throw new ConfigError(`${what}: ${quote(input)} is not a Kubernetes quantity (e.g. "500m", "2", "512Mi", "1Gi")`);
  const sign = m[1] as string, digits = m[2] as string, suffix = m[3] ?? '';
  if (sign === '-' && !/^[0.]+$/.test(digits)) throw new ConfigError(`${what} must not be negative, got ${quote(input)}`);
  const [whole = '', frac = ''] = digits.split('.');
  // Exact decimal arithmetic on the digits: value = (whole.frac) × base^exp.
  let format: QuantityFormat;
  let decExp = 0, binExp = 0;
  if (suffix in BINARY) {
    format = 'BinarySI';
    binExp = BINARY[suffix] as number;
  } else if (suffix.startsWith('e') || suffix.startsWith('E')) {
    format = 'DecimalExponent';
    decExp = Number(suffix.slice(1));
  } else {
    format = 'DecimalSI';
    decExp = DECIMAL[suffix] as number;
  }
  // milli = digits × 10^(3 + decExp − frac.length) × 2^binExp, rounded up.
  // The magnitude is checked before any BigInt is built: "1e320000000" would
  // otherwise expand a 320-million-digit power of ten and block the event loop.
  const significant = `${whole}${frac}`.replace(/^0+/, '');
  if (significant === '') return { milli: 0, format };
  const pow10 = 3 + decExp - frac.length;
  const log10 = significant.length - 1 + pow10 + binExp * Math.LOG10E * Math.LN2;
  if (!Number.isFinite(log10) || log10 > 16) throw new ConfigError(`${what}: ${quote(input)} is too large`);
  if (log10 < -2) return { milli: 1, format }; // a positive value below 1/100 of a milli-unit rounds up to 1m, as Kubernetes rounds
  const mantissa = BigInt(`${whole || '0'}${frac}`);
  let scaled = mantissa * (1n << BigInt(binExp));
  const pow = 3 + decExp - frac.length;
  let milli: bigint;
  if (pow >= 0) milli = scaled * 10n ** BigInt(pow);
  else {
    const div = 10n ** BigInt(-pow);
    milli = scaled / div + (scaled % div === 0n ? 0n : 1n);
  }
  scaled = milli;
  if (scaled > BigInt(Number.MAX_SAFE_INTEGER)) throw new ConfigError(`${what}: ${quote(input)} is too large`);
  return { milli: Number(scaled), format };
}

function checked(milli: number, format: QuantityFormat, input: unknown, what: string): Quantity {
  if (!Number.isSafeInteger(milli)) throw new ConfigError(`${what}: ${quote(input)} is too large`);
  return { milli, format };
}

/** The canonical string of a quantity (what the API server returns). */
export function formatQuantity(q: Quantity): string {
  const { milli, format } = q;
  if (!Number.isSafeInteger(milli) || milli < 0) throw new ConfigError(`formatQuantity: milli must be a non-negative safe integer, got ${quote(milli)}`);
  if (milli === 0) return '0';
  if (format === 'BinarySI' && milli % 1000 === 0) {
    const value = milli / 1000;
    for (const [exp, suffix] of BINARY_SUFFIX) {
      const unit = 2 ** exp;
      if (value >= unit && value % unit === 0) return `${value / unit}${suffix}`;
    }
    return String(value);
  }
  for (const [exp, suffix] of DECIMAL_SUFFIX) {
    const unit = 10 ** (exp + 3);
    if (milli % unit === 0) {
      const n = milli / unit;
      if (format === 'DecimalExponent') return exp === 0 ? String(n) : exp === -3 ? `${n}e-3` : `${n}e${exp}`;
      return `${n}${suffix}`;
    }
  }
  return `${milli}m`; // unreachable: every integer is a multiple of 10^0
}

/** Canonical form of a quantity string (`"1024Mi"` → `"1Gi"`). */
export function canonicalQuantity(input: unknown, what = 'quantity'): string {
  return formatQuantity(parseQuantity(input, what));
}

/** Millicores of a CPU quantity (`"500m"` → 500, `"2"` → 2000). */
export function cpuMilliOf(input: unknown, what = 'cpu'): number {
  return parseQuantity(input, what).milli;
}

/** MiB of a memory quantity (`"512Mi"` → 512, `"1G"` → 953.67…); at least one byte's worth of precision. */
export function memoryMbOf(input: unknown, what = 'memory'): number {
  const q = parseQuantity(input, what);
  return q.milli / 1000 / 1048576;
}

/** A CPU quantity for `cpuMilli` millicores (rounded to whole millicores, Kubernetes' precision). */
export function formatCpu(cpuMilli: number): string {
  return formatQuantity({ milli: Math.max(0, Math.round(cpuMilli)), format: 'DecimalSI' });
}

/** A memory quantity for `memoryMb` MiB (whole bytes). */
export function formatMemory(memoryMb: number): string {
  return formatQuantity({ milli: Math.max(0, Math.round(memoryMb * 1048576)) * 1000, format: 'BinarySI' });
}
