// What scripts/audit-rebuild.mjs loads from dist/.
export { AuditModule } from '../audit.module';
export { ledgerEntries } from './ledger-source';
export { RebuildService } from './rebuild.service';
