/** Option parsers shared by the CLI commands (commander `argParser`s). */
import { InvalidArgumentError } from 'commander';

/** A non-negative safe integer. */
export function intOption(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative integer, got "${value}"`);
    return n;
  };
}

/** A finite number > 0 (or >= 0 with `zeroOk`). */
export function numberOption(name: string, zeroOk = false) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || !(zeroOk ? n >= 0 : n > 0)) {
      throw new InvalidArgumentError(`${name} must be a finite number ${zeroOk ? '>= 0' : '> 0'}, got "${value}"`);
    }
    return n;
  };
}

/** A bad command line found inside an action (after commander's parsing): `main` prints it and exits 2. */
export class UsageError extends Error {
  readonly code = 'faasgym.usage';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
