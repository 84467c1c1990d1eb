/**
 * One way to validate options: zod 4 schemas built from the field helpers
 * below, and one wording for what is wrong — where, the path of the field,
 * what was expected, the value got:
 *
 *   `FaaSConf-Sequential-v0: config.windowSeconds: expected a number in (0, 3600], got 1000000000`
 *   `dqn: options.learningRate: expected a number in (0, 1], got "fast"`
 *   `X-v0: config.usrs: unknown key (known: users, alpha)`
 *
 * Every env config and agent option is checked through `parseOptions`, so
 * errors read the same everywhere. Each field carries its doc, the source of
 * its default (`Darly §4.5`, `SB3 DQN`) and, for numbers, an upper bound with
 * its reason (`maxWhy`): a finite but huge value must be refused, never left
 * to hang a step or exhaust the heap. `optionsTable` renders the docs tables.
 */
import { z } from 'zod';
import { ConfigError, quote } from './errors.js';

export { z };

/** What every field documents. */
export interface FieldDoc {
  /** One line: what the field means. */
  doc: string;
  /** Where the default comes from (`Darly §4.5`, `SB3 DQN`, `CleanRL ppo.py`); omitted for the project's own choices. */
  source?: string;
  /** Why the upper bound is what it is (for numbers; omitted where the bound is the quantity's nature, e.g. a probability ≤ 1). */
  maxWhy?: string;
}

/** Metadata every field helper attaches (read back by `optionsTable`). */
export interface FieldMeta extends FieldDoc {
  /** What a valid value is, e.g. `an integer in [1, 1000]`: the wording of every error of the field. */
  expected: string;
  /** The type column of the docs tables. */
  kind: string;
  /** The range column of the docs tables (`[1, 1000]`), or '' where none applies. */
  range: string;
}

export interface NumberBounds {
  /** Smallest value allowed (inclusive). */
  min?: number;
  /** Exclusive lower bound: values must be > gt. */
  gt?: number;
  /** Largest value allowed (inclusive). Every number has one: huge finite values hang or exhaust memory. */
  max: number;
  /** Exclusive upper bound (values must be < lt), tighter than `max`. */
  lt?: number;
}

function rangeText(b: NumberBounds): string {
  const lo = b.gt !== undefined ? `(${b.gt}` : b.min !== undefined ? `[${b.min}` : '(-∞';
  return b.lt !== undefined ? `${lo}, ${b.lt})` : `${lo}, ${b.max}]`;
}

function checkBounds<T extends z.ZodNumber>(s: T, b: NumberBounds, error: string): T {
  let out: z.ZodNumber = s;
  if (b.gt !== undefined) out = out.gt(b.gt, { error });
  if (b.min !== undefined) out = out.gte(b.min, { error });
  out = out.lte(b.max, { error });
  if (b.lt !== undefined) out = out.lt(b.lt, { error });
  return out as T;
}

function meta<T extends z.ZodType>(s: T, m: FieldMeta): T {
  return s.meta({ ...m }) as T;
}

/**
 * Attaches a field's metadata to a schema built by hand (a list of objects,
 * a union, a string): what `optionsTable` and `jsonSchemaOf` read. Apply it
 * last (after `.optional()`, `.default()`), as the helpers below do.
 */
export function described<T extends z.ZodType>(s: T, m: FieldMeta): T {
  return meta(s, m);
}

type NumberField = NumberBounds & FieldDoc & { default: number };
type OptionalNumberField = NumberBounds & FieldDoc;

function numberSchema(o: NumberBounds, int: boolean, nullable = false, wording?: string) {
  const range = rangeText(o);
  const expected = wording ?? `${int ? 'an integer' : 'a number'} in ${range}${nullable ? ' or null' : ''}`;
  const base = int ? z.number({ error: expected }).int({ error: expected }) : z.number({ error: expected });
  return { schema: checkBounds(base, o, expected), expected, range };
}

/** A finite number in its bounds, with a default. */
export function number(o: NumberField) {
  const { schema, expected, range } = numberSchema(o, false);
  return meta(schema.default(o.default), { doc: o.doc, source: o.source, maxWhy: o.maxWhy, expected, kind: 'number', range });
}

/** A safe integer in its bounds, with a default. */
export function integer(o: NumberField) {
  const { schema, expected, range } = numberSchema(o, true);
  return meta(schema.default(o.default), { doc: o.doc, source: o.source, maxWhy: o.maxWhy, expected, kind: 'integer', range });
}

/** A finite number in its bounds, or absent (no default). */
export function optionalNumber(o: OptionalNumberField & { int?: boolean }) {
  const { schema, expected, range } = numberSchema(o, o.int ?? false);
  return meta(schema.optional(), { doc: o.doc, source: o.source, maxWhy: o.maxWhy, expected, kind: o.int ? 'integer' : 'number', range });
}

/** A finite number in its bounds that must be given (no default). */
export function requiredNumber(o: OptionalNumberField & { int?: boolean }) {
  const { schema, expected, range } = numberSchema(o, o.int ?? false);
  return meta(schema, { doc: o.doc, source: o.source, maxWhy: o.maxWhy, expected, kind: o.int ? 'integer' : 'number', range });
}

/** A mapping of keys to any values, or absent: checked by its consumer (agent options, an env config). */
export function optionalRecord(o: FieldDoc) {
  const expected = 'a mapping of keys to values';
  return meta(plainObject(expected).optional(), { doc: o.doc, source: o.source, expected, kind: 'object', range: '' });
}

/** A number in its bounds or null (the default: "off"/"not set"). */
export function nullableNumber(o: OptionalNumberField & { default?: number | null; int?: boolean }) {
  const { schema, expected, range } = numberSchema(o, o.int ?? false, true);
  return meta(schema.nullable().default(o.default ?? null), { doc: o.doc, source: o.source, maxWhy: o.maxWhy, expected, kind: `${o.int ? 'integer' : 'number'} \\| null`, range });
}

/** true or false, with a default. */
export function boolean(o: FieldDoc & { default: boolean }) {
  const expected = 'a boolean';
  return meta(z.boolean({ error: expected }).default(o.default), { doc: o.doc, source: o.source, expected, kind: 'boolean', range: '' });
}

/** One of a fixed list of strings, with a default. */
export function oneOf<const V extends readonly [string, ...string[]]>(o: FieldDoc & { values: V; default: V[number] }) {
  const expected = `one of ${o.values.map((v) => JSON.stringify(v)).join(', ')}`;
  return meta(z.enum(o.values as unknown as [V[number], ...V[number][]], { error: expected }).default(o.default as never), {
    doc: o.doc, source: o.source, expected, kind: o.values.map((v) => `\`${v}\``).join(' \\| '), range: '',
  });
}

/** One of a fixed list of literal values (strings and booleans mixed, e.g. `true | false | 'auto'`), with a default. */
export function literal<const V extends readonly [string | boolean, ...(string | boolean)[]]>(o: FieldDoc & { values: V; default: V[number] }) {
  const expected = `one of ${o.values.map((v) => JSON.stringify(v)).join(', ')}`;
  const schema = z.union(o.values.map((v) => z.literal(v)) as unknown as [z.ZodLiteral<V[number]>, z.ZodLiteral<V[number]>], { error: expected });
  return meta(schema.default(o.default as never), { doc: o.doc, source: o.source, expected, kind: o.values.map((v) => `\`${String(v)}\``).join(' \\| '), range: '' });
}

/** An array of numbers, each in its bounds; `length` fixes its length, else `minLength`..`maxLength` (maxLength is required: arrays size networks and loops). */
export function numbers(o: NumberBounds & FieldDoc & { default: readonly number[]; int?: boolean; length?: number; minLength?: number; maxLength?: number }) {
  const int = o.int ?? false;
  const item = `${int ? 'integers' : 'numbers'} in ${rangeText(o)}`;
  const minLength = o.length ?? o.minLength ?? 1;
  const maxLength = o.length ?? o.maxLength ?? 64;
  const size = o.length !== undefined ? `${o.length}` : minLength === 0 ? `at most ${maxLength}` : `${minLength} to ${maxLength}`;
  const expected = `an array of ${size} ${item}`;
  const { schema: el } = numberSchema(o, int, false, expected);
  const schema = z.array(el, { error: expected }).min(minLength, { error: expected }).max(maxLength, { error: expected });
  const dflt = [...o.default];
  return meta(schema.default(() => [...dflt]), { doc: o.doc, source: o.source, maxWhy: o.maxWhy, expected, kind: `${int ? 'integer' : 'number'}[]`, range: `${size} × ${rangeText(o)}` });
}

/**
 * A plain object passed through unchanged (not rebuilt, as `z.record` would:
 * it silently drops a `__proto__` key, which the consumer must see to refuse).
 */
function plainObject(expected: string) {
  return z.custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), { error: expected });
}

/** Any JSON object or null, validated by its consumer (e.g. `backend`). */
export function object(o: FieldDoc & { default: Record<string, unknown> | null }) {
  const expected = 'an object or null';
  const schema = z.union([plainObject(expected), z.null()], { error: expected });
  return meta(schema.default(o.default as never), { doc: o.doc, source: o.source, expected, kind: 'object', range: '' });
}

/** A strict object of fields: unknown keys — `__proto__`, `constructor` and `toString` included — are refused. */
export function options<S extends z.core.$ZodLooseShape>(shape: S) {
  return z.strictObject(shape, { error: 'expected an object' });
}

/** Formats a zod error path like `agents[2].options.learningRate`. */
export function formatPath(path: ReadonlyArray<PropertyKey>, prefix = ''): string {
  let out = prefix;
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out;
}

function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let v: unknown = input;
  for (const p of path) {
    if (v === null || typeof v !== 'object' || !Object.prototype.hasOwnProperty.call(v, p)) return undefined;
    v = (v as Record<PropertyKey, unknown>)[p as string];
  }
  return v;
}

function unwrap(x: z.ZodType | undefined): z.ZodType | undefined {
  let y = x;
  for (let i = 0; i < 8 && y; i++) {
    const def = (y as { def?: { innerType?: z.ZodType } }).def;
    if (def?.innerType) y = def.innerType;
    else break;
  }
  return y;
}

/** True when every literal field of `shape` (a discriminator such as `kind`) holds its value in `input`. */
function literalsMatch(shape: Record<string, unknown>, input: unknown): boolean {
  return Object.entries(shape).every(([k, f]) => {
    const u = unwrap(f as z.ZodType);
    if (!(u instanceof z.ZodLiteral)) return true;
    return typeof input === 'object' && input !== null && (u.values as Set<unknown>).has((input as Record<string, unknown>)[k]);
  });
}

/**
 * The object shape at `path` in `schema` (through defaults, optionals, arrays,
 * records and unions — for a union, the option whose literal fields match the
 * input there), for listing the known keys.
 */
function shapeAt(schema: z.ZodType | undefined, path: ReadonlyArray<PropertyKey>, input: unknown): Record<string, unknown> | undefined {
  const s = unwrap(schema);
  if (s instanceof z.ZodUnion) {
    for (const o of s.options as z.ZodType[]) {
      const shape = shapeAt(o, path, input);
      if (shape && (path.length > 0 || literalsMatch(shape, input))) return shape;
    }
    return undefined;
  }
  if (path.length === 0) return s instanceof z.ZodObject ? (s.shape as Record<string, unknown>) : undefined;
  const [p, ...rest] = path;
  const child = input !== null && typeof input === 'object' ? (input as Record<PropertyKey, unknown>)[p as string] : undefined;
  if (s instanceof z.ZodObject) return shapeAt((s.shape as Record<string, z.ZodType>)[p as string], rest, child);
  if (s instanceof z.ZodArray) return shapeAt(s.element as z.ZodType, rest, child);
  if (s instanceof z.ZodRecord) return shapeAt(s.valueType as z.ZodType, rest, child);
  return undefined;
}

/** The candidate closest to `key` (optimal-string-alignment distance, case-insensitive), or null when none is close. */
export function closestKey(key: string, candidates: readonly string[]): string | null {
  let best: string | null = null, bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(key.toLowerCase(), c.toLowerCase());
    if (d < bestD) [best, bestD] = [c, d];
  }
  return bestD <= Math.max(1, Math.min(3, Math.floor(key.length / 3))) ? best : null;
}

/** Optimal-string-alignment edit distance (insertions, deletions, substitutions, adjacent transpositions). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The issues of the one option of a failed union that got past the type check
 * (e.g. a distribution object with a bad field, beside the number shorthand),
 * with absolute paths; null when no or several options did (then the union's
 * own wording, what any option accepts, is the message).
 */
function unionBranch(issue: z.core.$ZodIssue): z.core.$ZodIssue[] | null {
  if (issue.code !== 'invalid_union' || !('errors' in issue) || !Array.isArray(issue.errors)) return null;
  const rootTypeError = (i: z.core.$ZodIssue): boolean => i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_value');
  const passed = (issue.errors as z.core.$ZodIssue[][]).filter((branch) => branch.length > 0 && !branch.every(rootTypeError));
  if (passed.length !== 1) return null;
  return passed[0]!.map((i) => ({ ...i, path: [...issue.path, ...i.path] }) as z.core.$ZodIssue);
}

const ARTICLE: Record<string, string> = { object: 'an object', array: 'an array', number: 'a number', string: 'a string', boolean: 'a boolean', int: 'an integer' };

/** One line per issue: `<where>: <path>: expected <what>, got <value>`; an unknown key close to a known one adds `; did you mean "<known>"?`. */
export function formatIssues(error: z.ZodError, input: unknown, where: string, prefix = '', schema?: z.ZodType): string[] {
  return lines(error.issues, input, where, prefix, schema);
}

function lines(issues: readonly z.core.$ZodIssue[], input: unknown, where: string, prefix: string, schema?: z.ZodType): string[] {
  const head = (at: string): string => `${where}: ${at === '' ? '' : `${at}: `}`;
  return issues.flatMap((issue) => {
    const inner = unionBranch(issue);
    if (inner) return lines(inner, input, where, prefix, schema);
    if (issue.code === 'unrecognized_keys') {
      const known = Object.keys(shapeAt(schema, issue.path, input) ?? {});
      return issue.keys.map((k) => {
        const near = closestKey(k, known);
        return `${head(formatPath([...issue.path, k], prefix))}unknown key${known.length ? ` (known: ${known.join(', ')})` : ''}${near === null ? '' : `; did you mean ${JSON.stringify(near)}?`}`;
      });
    }
    const at = formatPath(issue.path, prefix);
    const got = valueAt(input, issue.path);
    let expected = issue.message.replace(/^Invalid input: /, '');
    if (issue.code === 'invalid_type' && /received/.test(expected)) expected = `expected ${ARTICLE[issue.expected] ?? issue.expected}`;
    else if (!expected.startsWith('expected') && !expected.startsWith('must')) expected = `expected ${expected}`;
    return [`${head(at)}${expected}, got ${got === undefined ? 'nothing' : quote(got)}`];
  });
}

/**
 * Parses `input` with `schema`, throwing one `ConfigError` listing every
 * problem. `where` names the thing checked (an env id, `dqn`, a file path);
 * `prefix` is prepended to each field path (e.g. `config`, `options`).
 */
export function parseOptions<S extends z.ZodType>(schema: S, input: unknown, where: string, prefix = ''): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  throw new ConfigError(formatIssues(r.error, input, where, prefix, schema).join('\n'));
}

/** The metadata a field helper attached, through wrappers. */
export function fieldMeta(s: z.ZodType): FieldMeta | undefined {
  return z.globalRegistry.get(s) as FieldMeta | undefined;
}

function defaultOf(s: z.ZodType): unknown {
  const def = (s as { def?: { type?: string; defaultValue?: unknown } }).def;
  if (def?.type === 'default') {
    const v = def.defaultValue;
    return typeof v === 'function' ? (v as () => unknown)() : v;
  }
  return undefined;
}

/** Markdown table of an options schema, for the docs pages (generated, never hand-edited). */
export function optionsTable(schema: z.ZodObject): string {
  const cell = (t: string): string => t.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const rows = Object.entries(schema.shape as Record<string, z.ZodType>).map(([key, s]) => {
    const m = fieldMeta(s);
    if (!m) throw new Error(`optionsTable: field ${key} was not built by a field helper of src/core/schema.ts`);
    const doc = cell(m.doc) + (m.maxWhy ? ` (max: ${cell(m.maxWhy)})` : '');
    const d = defaultOf(s);
    const dflt = d !== undefined ? `\`${JSON.stringify(d)}\`` : s.safeParse(undefined).success ? '—' : '**required**';
    return `| \`${key}\` | ${m.kind} | ${dflt} | ${m.range} | ${doc} | ${m.source ? cell(m.source) : ''} |`;
  });
  return ['| field | type | default | range | meaning | source |', '|---|---|---|---|---|---|', ...rows].join('\n');
}

/**
 * The JSON Schema (draft 2020-12) of a schema, for editors: each field's doc
 * (with the reason of its upper bound) as its `description`, the source of its
 * default in `x-source`; plain-object fields (checked by their consumer) as
 * `{"type": "object"}`.
 */
export function jsonSchemaOf(schema: z.ZodType, title: string): Record<string, unknown> {
  const out = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    override: (ctx) => {
      const js = ctx.jsonSchema as Record<string, unknown>;
      const m = fieldMeta(ctx.zodSchema as unknown as z.ZodType);
      for (const k of ['doc', 'source', 'maxWhy', 'expected', 'kind', 'range']) delete js[k];
      const def = (ctx.zodSchema as { def?: { type?: string; values?: unknown[] } }).def;
      if (def?.type === 'custom') js.type = 'object';
      // JSON has no Infinity (YAML writes it `.inf`): the option stays open, described.
      if (def?.type === 'literal' && def.values?.some((v) => typeof v === 'number' && !Number.isFinite(v))) {
        for (const k of Object.keys(js)) delete js[k];
        js.description = 'Infinity (`.inf` in YAML)';
      }
      if (m) {
        js.description = m.maxWhy ? `${m.doc} (max: ${m.maxWhy})` : m.doc;
        if (m.source) js['x-source'] = m.source;
      }
    },
  }) as Record<string, unknown>;
  return { ...out, title };
}
