/**
 * The reference of the experiment file in docs/experiments.md, generated from
 * the zod schema (through its JSON Schema) and the metric table, so it cannot
 * drift: `npm run docs:experiments` rewrites the part between the markers, and
 * a test checks that the committed file is current.
 *
 *   node dist/src/experiment/runner/doc.js [--write docs/experiments.md]
 */
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { METRICS } from './metrics.js';
import { experimentJsonSchema } from './schema.js';

/** The part of a JSON Schema node the reference reads. */
interface Node {
  const?: unknown;
  enum?: unknown[];
  anyOf?: Node[];
  oneOf?: Node[];
  type?: string;
  items?: Node;
  minimum?: number;
  exclusiveMinimum?: number;
  properties?: Record<string, Node>;
  required?: string[];
  description?: string;
}

export const BEGIN = '<!-- generated:experiment-reference:begin (npm run docs:experiments) -->';
export const END = '<!-- generated:experiment-reference:end -->';

function typeOf(n: Node | undefined): string {
  if (!n) return 'any';
  if (n.const !== undefined) return `\`${JSON.stringify(n.const)}\``;
  if (Array.isArray(n.enum)) return n.enum.map((v: unknown) => `\`${JSON.stringify(v)}\``).join(' | ');
  const alts = (n.anyOf ?? n.oneOf) as Node[] | undefined;
  if (alts) return alts.map(typeOf).join(' or ');
  if (n.type === 'array') return `list of ${typeOf(n.items)}`;
  if (n.type === 'integer') {
    const lo = n.exclusiveMinimum !== undefined ? `> ${n.exclusiveMinimum}` : n.minimum !== undefined ? `≥ ${n.minimum}` : '';
    return `integer${lo ? ` ${lo}` : ''}`;
  }
  if (n.type === 'number') return `number${n.minimum !== undefined ? ` ≥ ${n.minimum}` : n.exclusiveMinimum !== undefined ? ` > ${n.exclusiveMinimum}` : ''}`;
  if (n.type === 'object') return n.properties ? 'mapping (below)' : 'mapping';
  return String(n.type ?? 'any');
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function table(title: string, n: Node, out: string[], seen: Set<Node>): void {
  if (!n.properties || seen.has(n)) return;
  seen.add(n);
  const required = new Set<string>(n.required ?? []);
  out.push(`#### ${title}`, '');
  if (n.description) out.push(n.description, '');
  out.push('| key | type | required | meaning |', '|---|---|---|---|');
  const nested: [string, Node][] = [];
  for (const [k, v] of Object.entries(n.properties as Record<string, Node>)) {
    out.push(`| \`${k}\` | ${cell(typeOf(v))} | ${required.has(k) ? 'yes' : ''} | ${cell(v.description ?? '')} |`);
    for (const alt of [v, v.items, ...((v.anyOf ?? v.oneOf ?? []) as Node[]), ...(((v.items?.anyOf ?? v.items?.oneOf) ?? []) as Node[])]) {
      if (alt && alt.type === 'object' && alt.properties) nested.push([`${title === 'Experiment file' ? '' : `${title}.`}${k}${alt === v.items || (v.items && (v.items.anyOf ?? v.items.oneOf ?? []).includes(alt)) ? '[]' : ''}${alt.properties.type?.const ? ` (type: ${alt.properties.type.const})` : ''}`, alt]);
    }
  }
  out.push('');
  for (const [t, child] of nested) table(t, child, out, seen);
}

/** The generated part of docs/experiments.md. */
export function experimentReference(): string {
  const out: string[] = [BEGIN, '', '### The experiment file', ''];
  table('Experiment file', experimentJsonSchema() as Node, out, new Set());
  out.push('### Metrics', '', 'Each is measured from the envs\' `info` per step (see src/experiment/runner/metrics.ts); a metric of another family is left out on an env.', '');
  out.push('| metric | envs | better | unit | meaning |', '|---|---|---|---|---|');
  for (const m of METRICS) out.push(`| \`${m.name}\` | ${m.envs === null ? 'all' : cell(m.envs.source.replace(/^\^\(?|\)?$/g, '').replace(/\\/g, '').replace(/-(\||$)/g, '-*$1'))} | ${m.better} | ${m.unit ?? ''} | ${cell(m.description)} |`);
  out.push('', END);
  return out.join('\n');
}

/** `text` with the part between the markers replaced by the current reference. */
export function withReference(text: string): string {
  const a = text.indexOf(BEGIN), b = text.indexOf(END);
  if (a < 0 || b < a) throw new Error(`the markers ${BEGIN} … ${END} are missing`);
  return `${text.slice(0, a)}${experimentReference()}${text.slice(b + END.length)}`;
}

const direct = (() => {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
})();
if (direct) {
  const i = process.argv.indexOf('--write');
  if (i > 0) {
    const path = process.argv[i + 1] ?? 'docs/experiments.md';
    writeFileSync(path, withReference(readFileSync(path, 'utf8')));
  } else process.stdout.write(`${experimentReference()}\n`);
}
