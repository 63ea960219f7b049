/**
 * The layers of src/ and the rules between them (run by `npm run verify`; docs/ARCHITECTURE.md
 * draws them). From the bottom: model (nouns) → shared (utilities) → mcp (the transport family)
 * → config → store → the parts (servers, checker, gateway, metrics, errors, incidents, alerts, secrets, instrument, forecasts)
 * → monitor.ts (their assembly) → api → cli and demo. A layer imports only layers below it; a
 * part reaches another only through its front door (its index.ts); nothing imports in a cycle.
 * Tests may import anything.
 */
const PARTS =
  '(servers|checker|gateway|metrics|errors|incidents|alerts|secrets|instrument|forecasts|users|maintenance|federation|uptime|status-pages|cluster)';
const notTest = '\\.test\\.ts$';

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'No import cycles in src/ or web/.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'model-imports-nothing',
      severity: 'error',
      comment: 'src/model holds the shared nouns: it imports nothing of the project.',
      from: { path: '^src/model/' },
      to: { path: '^src/', pathNot: '^src/model/' },
    },
    {
      name: 'shared-is-low',
      severity: 'error',
      comment: 'src/shared (utilities) imports only model and shared.',
      from: { path: '^src/shared/', pathNot: notTest },
      to: { path: '^src/', pathNot: '^src/(model|shared)/' },
    },
    {
      name: 'mcp-is-low',
      severity: 'error',
      comment: 'src/mcp (the transport family) imports only model, shared and itself.',
      from: { path: '^src/mcp/', pathNot: notTest },
      to: { path: '^src/', pathNot: '^src/(model|shared|mcp)/' },
    },
    {
      name: 'config-is-low',
      severity: 'error',
      comment: 'src/config imports only model, shared and mcp.',
      from: { path: '^src/config/', pathNot: notTest },
      to: { path: '^src/', pathNot: '^src/(model|shared|mcp|config)/' },
    },
    {
      name: 'store-is-low',
      severity: 'error',
      comment: 'src/store imports nothing above it (no part, no api).',
      from: { path: '^src/store/', pathNot: notTest },
      to: { path: '^src/', pathNot: '^src/(model|shared|mcp|config|store)/' },
    },
    {
      name: 'parts-below-api',
      severity: 'error',
      comment: 'The parts never import the api, the cli, the demo or the assembly (monitor.ts).',
      from: { path: `^src/${PARTS}/`, pathNot: notTest },
      to: { path: '^src/(api|cli|demo)/|^src/monitor\\.ts$' },
    },
    {
      name: 'front-doors',
      severity: 'error',
      comment: 'A part reaches another part only through its front door (its index.ts), never its internals.',
      from: { path: `^src/${PARTS}/`, pathNot: notTest },
      to: { path: `^src/${PARTS}/`, pathNot: [`^src/$1/`, `^src/${PARTS}/index\\.ts$`] },
    },
    {
      name: 'no-src-from-web-runtime',
      severity: 'error',
      comment: 'The dashboard takes only types (and model/rule-defaults.ts) from the server.',
      from: { path: '^web/src/' },
      to: { path: '^src/', pathNot: '^src/model/rule-defaults\\.ts$', dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
  },
};
