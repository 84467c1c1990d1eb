/**
 * Typed, validated environment configs. Each environment declares a zod
 * schema built from the field helpers of `src/core/schema.ts` (type, default,
 * bounds with the reason for the upper one, one line of doc, the default's
 * source per field); `parseConfig` applies the defaults and throws one
 * `ConfigError` naming the environment and every bad field, including unknown
 * keys (a typo — or `__proto__` — must never be silently accepted).
 */
import { ConfigError, quote } from '../../src/core/errors.js';
import { optionsTable, parseOptions, type z } from '../../src/core/schema.js';

export { number, integer, boolean, oneOf, numbers, object, options } from '../../src/core/schema.js';

/** An environment's config schema: a strict zod object of field helpers. */
export type ConfigSchema = z.ZodObject;

/** The parsed config of a schema, every default applied. */
export type ConfigOf<S extends ConfigSchema> = z.output<S>;

/**
 * Upper bound of any simulated duration of one step or warm-up, seconds, and
 * its reason (the simulator runs every event of a step inside one `advance()`).
 */
export const MAX_STEP_SECONDS = 3600;
export const STEP_SECONDS_WHY = 'one step simulates every event of its window in one call; an hour keeps it within the simulator\'s event budget';

export function parseConfig<S extends ConfigSchema>(id: string, input: unknown, schema: S): ConfigOf<S> {
  return parseOptions(schema, input === undefined ? {} : input, id, 'config');
}

/** Markdown table of a schema, for the docs/envs pages. */
export function schemaTable(schema: ConfigSchema): string {
  return optionsTable(schema);
}

/**
 * A check across two fields: `low.value <= high.value`. The error names the
 * field the user set — the low one when both or neither were set — and the
 * other field with its value, in the one wording of `parseOptions`.
 */
export function checkOrder(id: string, given: unknown, low: readonly [string, number], high: readonly [string, number]): void {
  if (low[1] <= high[1]) return;
  const set = (k: string): boolean => typeof given === 'object' && given !== null && Object.prototype.hasOwnProperty.call(given, k);
  const blameHigh = !(set(low[0]) && !set(high[0]));
  const [field, value] = blameHigh ? high : low;
  const other = blameHigh ? low : high;
  throw new ConfigError(`${id}: config.${field}: expected a number ${blameHigh ? '>=' : '<='} config.${other[0]} (${other[1]}), got ${quote(value)}`);
}
