// Layer rules from STYLE.md, checked in CI (npm run deps:check).
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'app-imports-other-app',
      comment: 'An app never imports another app.',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/([^/]+)/', pathNot: '^apps/$1/' },
    },
    {
      name: 'lib-imports-app',
      comment: 'A lib never imports an app.',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'contracts-stay-pure',
      comment: 'libs/contracts imports no other lib.',
      severity: 'error',
      from: { path: '^libs/contracts/' },
      to: { path: '^libs/(?!contracts/)' },
    },
    {
      name: 'no-deep-lib-imports',
      comment: 'A lib is imported only through its index.',
      severity: 'error',
      from: { path: '^(apps|test)/' },
      to: { path: '^libs/[^/]+/src/(?!index\\.ts$)' },
    },
    {
      name: 'testing-lib-only-in-tests',
      comment: 'libs/testing is for tests.',
      severity: 'error',
      from: {
        path: '^(apps|libs)/',
        pathNot: '(\\.spec|\\.int-spec|\\.e2e-spec)\\.ts$|^libs/testing/|^(apps|libs)/[^/]+/test/',
      },
      to: { path: '^libs/testing/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    exclude: { path: '(^dist/|^node_modules/)' },
  },
};
