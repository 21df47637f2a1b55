/**
 * The layer order of src/, written once (ARCHITECTURE.md draws it). An area
 * may import only from areas listed before it; nothing may form a cycle; a
 * front end reaches an area only through its public entry (index.ts).
 * Run by `npm test` (npm run layers).
 */
const LAYERS = ['core', 'http', 'image', 'ecosystems', 'extractors', 'inventory', 'advisories', 'scan', 'graph', 'posture', 'disclosure', 'audit', 'report', 'store', 'config', 'cli|server'];

const upward = LAYERS.slice(0, -1).map((layer, index) => {
  const above = LAYERS.slice(index + 1).join('|');
  return {
    name: `no-upward-from-${layer.replace('|', '-')}`,
    comment: `src/${layer}/ sits below ${above}: it must not import them`,
    severity: 'error',
    from: { path: `^src/(${layer})/` },
    to: { path: `^src/(${above})/` },
  };
});

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'a cycle ties areas together', from: {}, to: { circular: true } },
    ...upward,
    {
      name: 'no-test-code-in-src',
      severity: 'error',
      comment: 'product code never imports tests or test helpers',
      from: { path: '^src/', pathNot: '\\.test\\.ts$|\\.fixture\\.ts$|/record-[^/]+\\.ts$' },
      to: { path: '\\.test\\.ts$|^test/|\\.fixture\\.ts$' },
    },
    {
      name: 'no-command-imports-a-command',
      severity: 'error',
      comment: 'a command parses, calls one area function and renders; what two commands share lives in cli/ or in an area',
      from: { path: '^src/cli/commands/([^/]+)\\.ts$', pathNot: '\\.fixture\\.ts$' },
      to: { path: '^src/cli/commands/', pathNot: '^src/cli/commands/$1\\.ts$' },
    },
    {
      name: 'front-ends-import-public-entries',
      severity: 'error',
      comment:
        'a front end imports an area only through its public entry, src/<area>/index.ts, which says what front ends may use and keeps start-up cheap (heavy modules behind its loaders); tests and fixtures are exempt',
      from: { path: '^src/(cli|server)/', pathNot: '\\.test\\.ts$|\\.fixture\\.ts$' },
      to: { path: '^src/(?!cli/|server/)[^/]+/', pathNot: '^src/[^/]+/index\\.ts$' },
    },
    {
      name: 'cli-and-server-are-not-imported',
      severity: 'error',
      comment: 'front ends are leaves',
      from: { path: '^src/', pathNot: '^src/(cli|server)/' },
      to: { path: '^src/(cli|server)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
  },
};
