/**
 * Typed, validated environment configs. Each environment declares a schema
 * (type, default, bounds, one line of doc per field); `parseConfig` applies the
 * defaults and throws `ConfigError` naming the environment and the field for
 * anything wrong, including unknown keys (a typo must never be silently ignored).
 */
import { ConfigError, quote } from '../../src/core/errors.js';

export type FieldSpec =
  | { type: 'number'; default: number; min?: number; max?: number; exclusiveMin?: boolean; doc: string }
  | { type: 'integer'; default: number; min?: number; max?: number; doc: string }
  | { type: 'boolean'; default: boolean; doc: string }
  | { type: 'enum'; default: string; values: readonly string[]; doc: string }
  | { type: 'numbers'; default: readonly number[]; min?: number; max?: number; length?: number; doc: string }
  /** Any JSON object, validated by the environment itself (e.g. `backend`). */
  | { type: 'object'; default: Record<string, unknown> | null; doc: string };

export type ConfigSchema = Record<string, FieldSpec>;

type ValueOf<F extends FieldSpec> = F extends { type: 'number' | 'integer' }
  ? number
  : F extends { type: 'boolean' }
    ? boolean
    : F extends { type: 'enum'; values: readonly (infer V)[] }
      ? V
      : F extends { type: 'numbers' }
        ? number[]
        : Record<string, unknown> | null;

export type ConfigOf<S extends ConfigSchema> = { [K in keyof S]: ValueOf<S[K]> };

export function parseConfig<S extends ConfigSchema>(id: string, input: unknown, schema: S): ConfigOf<S> {
  const raw = input === undefined ? {} : input;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(`${id}: config must be an object, got ${quote(raw)}`);
  const given = raw as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!(key in schema)) throw new ConfigError(`${id}: unknown config key ${quote(key)} (expected one of ${Object.keys(schema).join(', ')})`);
  }
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema)) {
    const v = given[key];
    out[key] = v === undefined ? clone(field.default) : check(id, key, field, v);
  }
  return out as ConfigOf<S>;
}

function clone<T>(v: T): T {
  return (Array.isArray(v) ? [...v] : v) as T;
}

function check(id: string, key: string, f: FieldSpec, v: unknown): unknown {
  const bad = (what: string): never => {
    throw new ConfigError(`${id}: config.${key} must be ${what}, got ${quote(v)}`);
  };
  const range = (x: number, min?: number, max?: number, exclusiveMin?: boolean): string =>
    min !== undefined && max !== undefined ? ` in ${exclusiveMin ? '(' : '['}${min}, ${max}]` : min !== undefined ? ` ${exclusiveMin ? '>' : '>='} ${min}` : max !== undefined ? ` <= ${max}` : '';
  switch (f.type) {
    case 'number':
    case 'integer': {
      const ok = typeof v === 'number' && Number.isFinite(v) && (f.type === 'number' || Number.isInteger(v)) &&
        (f.min === undefined || ('exclusiveMin' in f && f.exclusiveMin ? v > f.min : v >= f.min)) && (f.max === undefined || v <= f.max);
      if (!ok) bad(`${f.type === 'integer' ? 'an integer' : 'a finite number'}${range(0, f.min, f.max, 'exclusiveMin' in f ? f.exclusiveMin : false)}`);
      return v;
    }
    case 'boolean':
      if (typeof v !== 'boolean') bad('a boolean');
      return v;
    case 'enum':
      if (typeof v !== 'string' || !f.values.includes(v)) bad(`one of ${f.values.map((x) => `"${x}"`).join(', ')}`);
      return v;
    case 'numbers': {
      const ok = Array.isArray(v) && v.length > 0 && (f.length === undefined || v.length === f.length) &&
        v.every((x) => typeof x === 'number' && Number.isFinite(x) && (f.min === undefined || x >= f.min) && (f.max === undefined || x <= f.max));
      if (!ok) bad(`a non-empty array of finite numbers${f.length ? ` of length ${f.length}` : ''}${range(0, f.min, f.max)}`);
      return [...(v as number[])];
    }
    case 'object':
      if (v !== null && (typeof v !== 'object' || Array.isArray(v))) bad('an object');
      return v;
  }
}

/** Markdown table of a schema, for the docs/envs pages. */
export function schemaTable(schema: ConfigSchema): string {
  const rows = Object.entries(schema).map(([key, f]) => `| \`${key}\` | ${f.type === 'enum' ? f.values.map((x) => `\`${x}\``).join(' \\| ') : f.type} | \`${JSON.stringify(f.default)}\` | ${f.doc} |`);
  return ['| field | type | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}
