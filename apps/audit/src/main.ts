import 'reflect-metadata';
import { loadConfig } from '@verity/config';
import { bootstrapService } from '@verity/platform';
import { configureAuditHttp } from './audit-http';
import { AUDIT_APP, AUDIT_CONSUMERS, AuditModule } from './audit.module';
import { AuditConfig } from './config/audit.config';
import { LedgerConsumer } from './projection/ledger.consumer';

async function main(): Promise<void> {
  const config = loadConfig(AuditConfig);
  const app = await bootstrapService(AuditModule, {
    app: AUDIT_APP,
    port: config.AUDIT_PORT,
    consumers: AUDIT_CONSUMERS,
    configure: configureAuditHttp,
  });
  await app.get(LedgerConsumer).start();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
