import { Module } from '@nestjs/common';
import { loadConfig } from '@verity/config';
import { PlatformModule } from '@verity/platform';
import { LedgerConfig } from './config/ledger.config';
import { EntriesConsumer } from './entries/entries.consumer';
import { EntriesController } from './entries/entries.controller';
import { EntriesRepository } from './entries/entries.repository';
import { EntriesService } from './entries/entries.service';
import { LedgerEntryEntity } from './entries/ledger-entry.entity';
import { LogStateEntity } from './entries/log-state.entity';
import { ParkedEventEntity } from './entries/parked-event.entity';
import { CheckpointEntity } from './checkpoints/checkpoint.entity';
import { CheckpointsController } from './checkpoints/checkpoints.controller';
import { CheckpointsRepository } from './checkpoints/checkpoints.repository';
import { CheckpointsService } from './checkpoints/checkpoints.service';
import { ConsumerOffsetEntity } from './entries/consumer-offset.entity';
import { BatchOffsetsShards1795800000000 } from './migrations/1795800000000-batch-offsets-shards';
import { CreateLedger1795634985291 } from './migrations/1795634985291-create-ledger';
import { EvidenceController } from './evidence/evidence.controller';
import { EvidenceService } from './evidence/evidence.service';
import { MerkleTreeCheckpoints1795700000000 } from './migrations/1795700000000-merkle-tree-checkpoints';
import { ProofsController } from './proofs/proofs.controller';
import { ProofsService } from './proofs/proofs.service';
import { TilesController } from './tiles/tiles.controller';
import { TilesService } from './tiles/tiles.service';
import { TreeNodeEntity } from './tree/tree-node.entity';
import { TreeRepository } from './tree/tree.repository';
import { TreeService } from './tree/tree.service';
import { PublicationCursorEntity } from './publication/publication-cursor.entity';
import { PublicationService } from './publication/publication.service';

export const LEDGER_APP = 'ledger';

/** The ledger's schema, tables and migrations (also used by scripts/bench-ledger.mjs). */
export const LEDGER_PERSISTENCE = {
  schema: 'ledger',
  entities: [
    LogStateEntity,
    LedgerEntryEntity,
    ParkedEventEntity,
    PublicationCursorEntity,
    TreeNodeEntity,
    CheckpointEntity,
    ConsumerOffsetEntity,
  ],
  migrations: [CreateLedger1795634985291, MerkleTreeCheckpoints1795700000000, BatchOffsetsShards1795800000000],
};

@Module({
  imports: [PlatformModule.forApp({ app: LEDGER_APP, persistence: LEDGER_PERSISTENCE })],
  controllers: [EntriesController, CheckpointsController, ProofsController, EvidenceController, TilesController],
  providers: [
    { provide: LedgerConfig, useFactory: () => loadConfig(LedgerConfig) },
    EntriesRepository,
    EntriesService,
    EntriesConsumer,
    PublicationService,
    TreeRepository,
    TreeService,
    CheckpointsRepository,
    CheckpointsService,
    ProofsService,
    EvidenceService,
    TilesService,
  ],
})
export class LedgerModule {}
