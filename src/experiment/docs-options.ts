/**
 * The options tables of the docs, generated from the zod schemas so that the
 * docs cannot drift: each table sits between `<!-- options:NAME -->` and
 * `<!-- /options:NAME -->` in its page and is rewritten by
 * `npm run docs:options` (`node dist/src/experiment/docs-options.js`);
 * `--check` only reports stale pages (exit 1), as the test does.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jsonSchemaOf, optionsTable, type z } from '../core/schema.js';
import { ZOO_FILE_SCHEMA } from './zoo.js';
import { FUNCTION_SCHEMA, LOAD_SCHEMAS, NODE_SCHEMA, SCENARIO_SCHEMA, STAGE_SCHEMA, WORKFLOW_SCHEMA } from '../cluster/sim/scenario-schema.js';
import { ATTMF_SCHEMA, DDPG_SCHEMA, DQN_SCHEMA, MADDPG_SCHEMA, MEANFIELD_SCHEMA, PPO_SCHEMA, SES_SCHEMA, STEPCONF_POLICY_SCHEMA, baselineOptionSchemas } from '../../agents/index.js';
import { CARTPOLE_SCHEMA, DARLY_SCHEMA, FAASRANK_SCHEMA, HORIZONTAL_SCHEMA, PENDULUM_SCHEMA, VERTICAL_SCHEMA, faasconfSchema, stepconfSchema } from '../../envs/index.js';

/** One generated table: the page (relative to the repository root), its marker name, its schema. */
export interface OptionsDoc {
  file: string;
  name: string;
  schema: z.ZodObject;
}

export const OPTIONS_DOCS: readonly OptionsDoc[] = [
  { file: 'docs/envs/autoscale.md', name: 'Autoscale-Vertical-v0', schema: VERTICAL_SCHEMA },
  { file: 'docs/envs/autoscale.md', name: 'Autoscale-Horizontal-v0', schema: HORIZONTAL_SCHEMA },
  { file: 'docs/envs/darly.md', name: 'Darly', schema: DARLY_SCHEMA },
  { file: 'docs/envs/faasconf.md', name: 'FaaSConf-Sequential-v0', schema: faasconfSchema('Sequential') },
  { file: 'docs/envs/faasrank.md', name: 'FaaSRank-v0', schema: FAASRANK_SCHEMA },
  { file: 'docs/envs/stepconf.md', name: 'StepConf-ML-v0', schema: stepconfSchema('ML') },
  { file: 'docs/envs/classic.md', name: 'CartPole-v1', schema: CARTPOLE_SCHEMA },
  { file: 'docs/envs/classic.md', name: 'Pendulum-v1', schema: PENDULUM_SCHEMA },
  { file: 'docs/agents/options.md', name: 'dqn', schema: DQN_SCHEMA },
  { file: 'docs/agents/options.md', name: 'ppo', schema: PPO_SCHEMA },
  { file: 'docs/agents/options.md', name: 'ddpg', schema: DDPG_SCHEMA },
  { file: 'docs/agents/options.md', name: 'maddpg', schema: MADDPG_SCHEMA },
  { file: 'docs/agents/options.md', name: 'meanfield', schema: MEANFIELD_SCHEMA },
  { file: 'docs/agents/options.md', name: 'attmf', schema: ATTMF_SCHEMA },
  { file: 'docs/agents/options.md', name: 'ses', schema: SES_SCHEMA },
  { file: 'docs/agents/options.md', name: 'stepconf', schema: STEPCONF_POLICY_SCHEMA },
  // The baselines that take options, one table per schema (the routing baselines share one).
  ...baselineOptionSchemas().filter((b) => Object.keys(b.schema.shape).length > 0).map((b) => ({ file: 'docs/agents/baselines.md', name: b.names.join(', '), schema: b.schema })),
  { file: 'docs/scenarios.md', name: 'scenario', schema: SCENARIO_SCHEMA },
  { file: 'docs/scenarios.md', name: 'scenario.nodes', schema: NODE_SCHEMA },
  { file: 'docs/scenarios.md', name: 'scenario.functions', schema: FUNCTION_SCHEMA },
  { file: 'docs/scenarios.md', name: 'scenario.workflows', schema: WORKFLOW_SCHEMA },
  { file: 'docs/scenarios.md', name: 'scenario.stages', schema: STAGE_SCHEMA },
  ...Object.entries(LOAD_SCHEMAS).map(([kind, schema]) => ({ file: 'docs/scenarios.md', name: `scenario.loads.${kind}`, schema })),
];

/** JSON Schemas of the YAML files, for editors (`# yaml-language-server: $schema=./schema.json`). */
export const JSON_SCHEMAS: readonly { file: string; schema: z.ZodType; title: string }[] = [
  { file: 'configs/zoo/schema.json', schema: ZOO_FILE_SCHEMA, title: 'faasgym zoo file: environment ids to tuned agent options (src/experiment/zoo.ts)' },
  { file: 'configs/scenarios/schema.json', schema: SCENARIO_SCHEMA, title: 'faasgym simulator scenario: nodes, functions, workflows and loads (src/cluster/sim/scenario-schema.ts; docs/scenarios.md)' },
];

/** Every JSON Schema file with its committed and its generated text. */
export function renderJsonSchemas(root: string): Map<string, { before: string | null; after: string }> {
  const out = new Map<string, { before: string | null; after: string }>();
  for (const j of JSON_SCHEMAS) {
    let before: string | null;
    try {
      before = readFileSync(resolve(root, j.file), 'utf8');
    } catch {
      before = null;
    }
    out.set(j.file, { before, after: `${JSON.stringify(jsonSchemaOf(j.schema, j.title), null, 2)}\n` });
  }
  return out;
}

const NOTE = 'generated from the schema by `npm run docs:options`; do not edit';

function block(name: string, table: string): string {
  return `<!-- options:${name} (${NOTE}) -->\n${table}\n<!-- /options:${name} -->`;
}

/** `text` with the block of `name` replaced by `table`; throws when the page has no such block. */
export function replaceTable(text: string, name: string, table: string, file = 'page'): string {
  const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`<!-- options:${esc}( \\([^)]*\\))? -->\\n([\\s\\S]*?\\n)?<!-- /options:${esc} -->`);
  if (!re.test(text)) throw new Error(`${file}: no <!-- options:${name} --> block`);
  return text.replace(re, () => block(name, table));
}

/** Every page with its tables as the schemas render them now. */
export function renderOptionsDocs(root: string, docs: readonly OptionsDoc[] = OPTIONS_DOCS): Map<string, { before: string; after: string }> {
  const out = new Map<string, { before: string; after: string }>();
  for (const d of docs) {
    const path = resolve(root, d.file);
    const cur = out.get(d.file) ?? { before: readFileSync(path, 'utf8'), after: '' };
    cur.after = replaceTable(cur.after || cur.before, d.name, optionsTable(d.schema), d.file);
    out.set(d.file, cur);
  }
  return out;
}

function main(argv: string[]): number {
  const root = resolve(fileURLToPath(import.meta.url), '../../../..');
  const check = argv.includes('--check');
  const stale: string[] = [];
  for (const [file, { before, after }] of renderOptionsDocs(root)) {
    if (before === after) continue;
    stale.push(file);
    if (!check) writeFileSync(resolve(root, file), after);
  }
  for (const [file, { before, after }] of renderJsonSchemas(root)) {
    if (before === after) continue;
    stale.push(file);
    if (!check) writeFileSync(resolve(root, file), after);
  }
  if (check && stale.length > 0) {
    process.stderr.write(`faasgym: options tables or JSON Schemas out of date in ${stale.join(', ')}; run npm run docs:options\n`);
    return 1;
  }
  process.stdout.write(stale.length === 0 ? 'options tables and JSON Schemas up to date\n' : `rewrote ${stale.join(', ')}\n`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main(process.argv.slice(2));
