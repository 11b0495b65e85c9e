#!/usr/bin/env node
// Prints a dev token from the built-in issuer, alone on the last line of output.
//   npm run token -- --sub alice --groups analysts,approvers [--act agent:sql-helper] [--kind agent] [--ttl 3600]
// The gateway accepts it only while OIDC_ISSUER is unset (dev mode).
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { ensureBuilt } from './build-once.mjs';

const { values } = parseArgs({
  options: {
    sub: { type: 'string', default: 'alice' },
    groups: { type: 'string', default: 'analysts' },
    act: { type: 'string', multiple: true },
    kind: { type: 'string' },
    ttl: { type: 'string', default: '3600' },
  },
});

ensureBuilt();
const { DevIssuer } = createRequire(import.meta.url)('../dist/libs/identity/src/index.js');
const issuer = await DevIssuer.load();
// --act a --act b: a acts for sub, b acts for a (RFC 8693 nesting, direct caller first).
const act = (values.act ?? []).reduceRight((inner, sub) => ({ sub, ...(inner ? { act: inner } : {}) }), undefined);
const token = await issuer.mint({
  sub: values.sub,
  groups: values.groups.split(',').filter(Boolean),
  act,
  kind: values.kind,
  ttlSeconds: Number(values.ttl),
});
console.error(
  `dev token for ${values.sub} (groups: ${values.groups}${act ? `, acting: ${values.act.join(' -> ')}` : ''}), valid ${values.ttl}s:`,
);
console.log(token);
