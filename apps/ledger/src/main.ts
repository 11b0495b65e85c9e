import 'reflect-metadata';
import { loadConfig } from '@verity/config';
import { bootstrapService } from '@verity/platform';
import { LedgerConfig } from './config/ledger.config';
import { EntriesConsumer } from './entries/entries.consumer';
import { LEDGER_APP, LedgerModule } from './ledger.module';

async function main(): Promise<void> {
  const config = loadConfig(LedgerConfig);
  // The ledger consumes in batches (EntriesConsumer), not through the per-message transport.
  const app = await bootstrapService(LedgerModule, { app: LEDGER_APP, port: config.LEDGER_PORT, consumers: [] });
  await app.get(EntriesConsumer).start();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
