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
});
