import 'reflect-metadata';
import { loadConfig } from '@verity/config';
import { bootstrapService } from '@verity/platform';
import { configureAuditHttp } from './audit-http';
import { AUDIT_APP, AUDIT_CONSUMERS, AuditModule } from './audit.module';
import { AuditConfig } from './config/audit.config';

async function main(): Promise<void> {
  const config = loadConfig(AuditConfig);
  await bootstrapService(AuditModule, {
    app: AUDIT_APP,
    port: config.AUDIT_PORT,
    consumers: AUDIT_CONSUMERS,
    configure: configureAuditHttp,
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
