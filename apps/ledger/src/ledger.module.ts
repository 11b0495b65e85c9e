import { Module } from '@nestjs/common';
import { loadConfig } from '@verity/config';
import { ConsumerOptions } from '@verity/kafka';
import { PlatformModule } from '@verity/platform';
import { LedgerConfig } from './config/ledger.config';
import { EntriesConsumer } from './entries/entries.consumer';
import { EntriesController } from './entries/entries.controller';
import { EntriesRepository } from './entries/entries.repository';
import { EntriesService } from './entries/entries.service';
import { LedgerEntryEntity } from './entries/ledger-entry.entity';
import { LogStateEntity } from './entries/log-state.entity';
import { ParkedEventEntity } from './entries/parked-event.entity';
import { CreateLedger1795634985291 } from './migrations/1795634985291-create-ledger';
import { OutboxEntity } from './publication/outbox.entity';
import { PublicationService } from './publication/publication.service';

export const LEDGER_APP = 'ledger';

/** The ledger's one consumer group: every ledgered event, from the beginning of each topic. */
export const LEDGER_CONSUMERS: ConsumerOptions[] = [{ groupId: 'ledger.append', fromBeginning: true }];

@Module({
  imports: [
    PlatformModule.forApp({
      app: LEDGER_APP,
      persistence: {
        schema: 'ledger',
        entities: [LogStateEntity, LedgerEntryEntity, ParkedEventEntity, OutboxEntity],
        migrations: [CreateLedger1795634985291],
      },
    }),
  ],
  controllers: [EntriesController, EntriesConsumer],
  providers: [
    { provide: LedgerConfig, useFactory: () => loadConfig(LedgerConfig) },
    EntriesRepository,
    EntriesService,
    PublicationService,
  ],
})
export class LedgerModule {}
