/**
 * The server's layering, checked by `npm run lint` (and so by CI). See ARCHITECTURE.md.
 * Type-only imports count (tsPreCompilationDeps): a cycle of types is still a cycle for the reader.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycle anywhere in the server: a module and what it imports never lead back to it.',
      from: { path: '^apps/server/src/' },
      to: { circular: true },
    },
    {
      name: 'media-knows-only-media',
      severity: 'error',
      comment:
        'media/ is a service addressed by ids: it imports only media/, the protocol package, its WebRTC engine, its Opus codec (the mix) ' +
        'and fMP4 container (LL-HLS), and ipaddr.js (which candidate addresses it may probe) (no users, Spaces, HTTP, recording or captions). Sinks are loaded by module name at run time.',
      from: { path: '^apps/server/src/media/' },
      to: {
        dependencyTypesNot: ['core'],
        pathNot: [
          '^apps/server/src/media/',
          '^packages/protocol/',
          '^node_modules/(node-datachannel|@evan/opus|@earshot/protocol|mediabunny|ipaddr\\.js)/',
        ],
      },
    },
    {
      name: 'stores-belong-to-their-capability',
      severity: 'error',
      comment:
        'Each table is written only by its owner. A capability may call another capability’s exported store ' +
        'functions (reads such as loadRoom), but the SQL that writes a table lives in its owner: checked by ' +
        'apps/server/lint/table-owners.ts; here we only keep the store modules out of media/ and the web app.',
      from: { path: '^(apps/server/src/media/|apps/web/)' },
      to: { path: '^apps/server/src/[^/]+/(store|[^/]+-store)\\.ts$' },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      from: { path: '^apps/server/src/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    parser: 'swc',
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'],
    },
    moduleSystems: ['es6', 'cjs'],
  },
};
