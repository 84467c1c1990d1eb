/**
 * One way to validate options: zod 4 schemas, and one wording for what is
 * wrong — the path of the field, what was expected, the value got:
 *
 *   `FaaSConf-Sequential-v0: config.windowSeconds: expected a number <= 3600, got 1000000000`
 *
 * Every env config, agent option, scenario, zoo entry and experiment file is
 * checked through `parseOptions`, so errors read the same everywhere.
 */
import { z } from 'zod';
import { ConfigError, quote } from './errors.js';

export { z };

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
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p as string];
  }
  return v;
}

/** One line per issue: `<where>.<path>: <expected>, got <value>`. */
export function formatIssues(error: z.ZodError, input: unknown, where: string, prefix = ''): string[] {
  return error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const at = formatPath(issue.path, prefix);
      return `${where}: ${at === '' ? '' : `${at}: `}unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => quote(k)).join(', ')}`;
    }
    const at = formatPath(issue.path, prefix);
    const got = valueAt(input, issue.path);
    const expected = issue.message.replace(/^Invalid input: /, '');
    return `${where}: ${at === '' ? '' : `${at}: `}${expected}, got ${got === undefined ? 'nothing' : quote(got)}`;
  });
}

/**
 * Parses `input` with `schema`, throwing one `ConfigError` listing every
 * problem. `where` names the thing checked (an env id, `dqn options`, a file
 * path); `prefix` is prepended to each field path (e.g. `config`).
 */
export function parseOptions<S extends z.ZodType>(schema: S, input: unknown, where: string, prefix = ''): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  throw new ConfigError(formatIssues(r.error, input, where, prefix).join('\n'));
}
