import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JSON_SCHEMAS, OPTIONS_DOCS, renderJsonSchemas, renderOptionsDocs, replaceTable } from '../../src/experiment/docs-options.js';

const root = process.cwd();

describe('generated options tables', () => {
  test.each([...new Set(OPTIONS_DOCS.map((d) => d.file))])('%s matches its schemas (run npm run docs:options)', (file) => {
    const page = renderOptionsDocs(root).get(file);
    expect(page).toBeDefined();
    expect(page!.before).toBe(page!.after);
  });

  test('a block is replaced whole, and a page without the block is an error', () => {
    const page = 'a\n<!-- options:X -->\n| old |\n<!-- /options:X -->\nb';
    expect(replaceTable(page, 'X', '| new |')).toBe('a\n<!-- options:X (generated from the schema by `npm run docs:options`; do not edit) -->\n| new |\n<!-- /options:X -->\nb');
    expect(() => replaceTable('nothing here', 'X', '| new |', 'p.md')).toThrow('p.md: no <!-- options:X --> block');
  });

  test.each(JSON_SCHEMAS.map((j) => j.file))('%s matches its schema (run npm run docs:options)', (file) => {
    const j = renderJsonSchemas(root).get(file)!;
    expect(j.before).toBe(j.after);
  });

  test('the zoo JSON Schema documents each key and refuses unknown ones', () => {
    const zoo = JSON.parse(renderJsonSchemas(root).get('configs/zoo/schema.json')!.after);
    const entry = zoo.additionalProperties;
    expect(entry.additionalProperties).toBe(false);
    expect(entry.properties.steps).toMatchObject({ type: 'integer', minimum: 1, maximum: 1e9 });
    expect(entry.properties.options).toMatchObject({ type: 'object' });
    expect(entry.properties.evalEvery.description).toMatch(/^evaluate every this many steps/);
  });

  test('the scenario JSON Schema bounds each field, refuses unknown keys and shares one distribution definition', () => {
    const sc = JSON.parse(renderJsonSchemas(root).get('configs/scenarios/schema.json')!.after);
    expect(sc.additionalProperties).toBe(false);
    expect(sc.required).toEqual(['duration', 'nodes', 'functions', 'loads']);
    expect(sc.properties.duration).toMatchObject({ type: 'number', exclusiveMinimum: 0, maximum: 1e7 });
    const fn = sc.properties.functions.items;
    expect(fn.additionalProperties).toBe(false);
    expect(fn.properties.threads).toMatchObject({ type: 'integer', minimum: 1, maximum: 1024, default: 1 });
    expect(fn.properties.work.$ref).toBe('#/$defs/Dist');
    expect(sc.$defs.Dist.anyOf[1].oneOf.map((o: any) => o.properties.kind.const)).toEqual(['constant', 'exponential', 'uniform', 'lognormal', 'normal', 'empirical']);
    const kinds = sc.properties.loads.items.oneOf.map((o: any) => o.properties.kind.const);
    expect(kinds).toEqual(['poisson', 'constant', 'ramp', 'diurnal', 'burst', 'trace', 'closed']);
    for (const o of sc.properties.loads.items.oneOf) expect(o.additionalProperties).toBe(false);
  });

  test.each(['mm1', 'lambda-keepalive', 'sequential-workflow', 'darly-interference', 'branch-join-workflow'])('configs/scenarios/%s.yaml points editors at the schema', (name) => {
    expect(readFileSync(join(root, 'configs', 'scenarios', `${name}.yaml`), 'utf8').startsWith('# yaml-language-server: $schema=./schema.json\n')).toBe(true);
  });
});
