/**
 * dependency-cruiser rules for faasgym (run by `npm run lint`).
 *
 * Layers, highest first; a module may import its own layer or any layer below,
 * never one above (DESIGN.md "Layers"):
 *   5 experiment   src/experiment/, src/bridge/, src/index.ts (package root), examples/
 *   4 agents       agents/
 *   3 envs         envs/, src/registry/ (make, the registry, checkEnv)
 *   2 backends     src/cluster/ (sim, kubernetes, twin), src/workloads/
 *   1 machinery    src/core/ (the Env contract, wrappers)
 *                    → src/spaces/, src/nn/
 *                    → base: src/core/{errors,rng,schema}.ts, src/host.ts, src/version.ts
 *                  (split in three so the spaces may use the errors and the Rng
 *                  while the contract uses the spaces, without a cycle)
 *
 * The seam between src/ and the two top-level code folders: src/ reaches
 * envs/ only through `envs/index.ts` (the built-in specs the registry's `make`
 * serves) and agents/ only through `agents/index.ts`, `agents/registry.ts`
 * (agents by name) and `agents/agent.ts` (the Agent contract); never a file
 * deeper inside either.
 */
const LAYERS = [
  { name: 'base', path: '^src/core/(errors|rng|schema)\\.ts$|^src/(host|version)\\.ts$' },
  { name: 'spaces-nn', path: '^src/(spaces|nn)/' },
  { name: 'core', path: '^src/core/(?!(errors|rng|schema)\\.ts$)' },
  { name: 'backends', path: '^src/(cluster|workloads)/' },
  { name: 'envs', path: '^envs/|^src/registry/' },
  { name: 'agents', path: '^agents/' },
  { name: 'experiment', path: '^src/(experiment|bridge)/|^src/index\\.ts$|^examples/' },
];

const upward = LAYERS.slice(0, -1).map((layer, i) => ({
  name: `layer-${layer.name}-imports-up`,
  comment: `${layer.name} may only import ${LAYERS.slice(0, i + 1).map((l) => l.name).join(', ')} (DESIGN.md: imports only point down)`,
  severity: 'error',
  from: { path: layer.path },
  to: { path: LAYERS.slice(i + 1).map((l) => `(${l.path})`).join('|') },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import cycle: split the shared part into a module both import.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...upward,
    {
      name: 'every-module-in-a-layer',
      comment: 'A module outside every layer escapes the layer rules: add its folder to LAYERS in .dependency-cruiser.cjs.',
      severity: 'error',
      from: { path: '^(src|envs|agents|examples)/', pathNot: LAYERS.map((l) => `(${l.path})`).join('|') },
      to: {},
    },
    {
      name: 'src-reaches-envs-only-through-the-registry-seam',
      comment: 'src/ imports envs/ only as envs/index.ts (the built-in specs behind make); export what you need from there.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^envs/', pathNot: '^envs/index\\.ts$' },
    },
    {
      name: 'src-reaches-agents-only-through-the-registry-seam',
      comment: 'src/ imports agents/ only as agents/index.ts, agents/registry.ts (agents by name) or agents/agent.ts (the contract).',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^agents/', pathNot: '^agents/(index|registry|agent)\\.ts$' },
    },
    {
      name: 'no-unresolvable',
      comment: 'An import that resolves to nothing (a typo, or a package missing from package.json).',
      severity: 'error',
      from: {},
      // @tensorflow/tfjs-node is an optional dependency, loaded when installed.
      to: { couldNotResolve: true, pathNot: '^@tensorflow/tfjs-node$' },
    },
    {
      name: 'no-dev-dependency-in-library',
      comment: 'Library code may not import a devDependency: users do not install them.',
      severity: 'error',
      from: { path: '^(src|envs|agents)/' },
      to: { dependencyTypes: ['npm-dev'] },
    },
    {
      name: 'no-test-code-in-library',
      comment: 'Library code may not import from test/.',
      severity: 'error',
      from: { path: '^(src|envs|agents)/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    // Type-only imports count: a type import up the layers couples them as much as a value import.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.d.ts'],
    },
  },
};
