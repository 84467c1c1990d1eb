import { OPTIONS_DOCS, renderOptionsDocs, replaceTable } from '../../src/experiment/docs-options.js';

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
});
