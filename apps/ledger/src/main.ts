import 'reflect-metadata';
import { loadConfig } from '@verity/config';
import { bootstrapService } from '@verity/platform';
import { LedgerConfig } from './config/ledger.config';
import { LEDGER_APP, LEDGER_CONSUMERS, LedgerModule } from './ledger.module';

async function main(): Promise<void> {
  const config = loadConfig(LedgerConfig);
  await bootstrapService(LedgerModule, { app: LEDGER_APP, port: config.LEDGER_PORT, consumers: LEDGER_CONSUMERS });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
