import { SpaceError, quote } from '../core/errors.js';
import { Box } from './box.js';
import { Dict, Tuple } from './composite.js';
import { Discrete } from './discrete.js';
import { MultiBinary } from './multi-binary.js';
import { MultiDiscrete } from './multi-discrete.js';
import type { BoxDtype, Space } from './space.js';

/**
 * Rebuild a space from its JSON form (`space.toJSON()`, or what a bridge client
 * sent). Malformed input raises `SpaceError` naming the path of the bad field.
 */
export function spaceFromJSON(json: unknown, path = '$'): Space<unknown> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new SpaceError(`${path}: a space must be an object with a "type", got ${quote(json)}`);
  }
  const j = json as Record<string, unknown>;
  try {
    switch (j.type) {
      case 'Box':
        return new Box({
          low: decodeBounds(j.low, `${path}.low`),
          high: decodeBounds(j.high, `${path}.high`),
          shape: j.shape as number[],
          dtype: (j.dtype ?? 'float32') as BoxDtype,
        });
      case 'Discrete':
        return new Discrete(j.n as number, (j.start ?? 0) as number);
      case 'MultiDiscrete':
        return new MultiDiscrete(j.nvec as number[], j.start as number[] | undefined);
      case 'MultiBinary':
        return new MultiBinary(j.n as number);
      case 'Dict': {
        if (typeof j.spaces !== 'object' || j.spaces === null || Array.isArray(j.spaces)) {
          throw new SpaceError(`Dict "spaces" must be an object, got ${quote(j.spaces)}`);
        }
        const spaces: Record<string, Space<unknown>> = {};
        for (const [key, sub] of Object.entries(j.spaces)) spaces[key] = spaceFromJSON(sub, `${path}.spaces.${key}`);
        return new Dict(spaces);
      }
      case 'Tuple': {
        if (!Array.isArray(j.spaces)) throw new SpaceError(`Tuple "spaces" must be an array, got ${quote(j.spaces)}`);
        return new Tuple(j.spaces.map((sub, i) => spaceFromJSON(sub, `${path}.spaces[${i}]`)));
      }
      default:
        throw new SpaceError(`unknown space type ${quote(j.type)} (expected Box, Discrete, MultiDiscrete, MultiBinary, Dict or Tuple)`);
    }
  } catch (err) {
    if (err instanceof SpaceError && !err.message.startsWith('$')) throw new SpaceError(`${path}: ${err.message}`);
    throw err;
  }
}

function decodeBounds(value: unknown, path: string): number[] | number {
  const decode = (v: unknown): number => {
    if (v === 'inf' || v === 'Infinity') return Infinity;
    if (v === '-inf' || v === '-Infinity') return -Infinity;
    if (typeof v === 'number') return v;
    throw new SpaceError(`${path}: a bound must be a number, "inf" or "-inf", got ${quote(v)}`);
  };
  return Array.isArray(value) ? value.map(decode) : decode(value);
}
