// ESLint flat config (`npm run lint`): @eslint/js and typescript-eslint's
// recommended rules, plus the type-aware promise rules (a forgotten `await` on
// an env's async step/close is the bug they catch).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'runs/', 'python/', '.ci/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    rules: {
      // The project's convention for a deliberately unused name: a leading underscore
      // (an interface method's unused parameter, a key dropped by destructuring).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // Library code draws randomness from the seeded Rng only (DESIGN.md).
    files: ['src/**/*.ts', 'envs/**/*.ts', 'agents/**/*.ts'],
    rules: {
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'Use the seeded Rng (src/core/rng.ts): same seed, same trajectory.' }],
    },
  },
  {
    // Relaxed in tests only: they read JSON answers (bridge replies, `--json` CLI output, parsed
    // manifests) and mutate fixtures into bad shapes on purpose; the assertions are the type check,
    // and typing each reply would only restate them. Library code keeps the rule.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Node scripts (bench/): the globals a Node 20 script has.
    files: ['**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', performance: 'readonly', structuredClone: 'readonly', URL: 'readonly', setTimeout: 'readonly' } },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly', __dirname: 'readonly' } },
  },
);
