import { Module } from '@nestjs/common';
import { loadConfig } from '@verity/config';
import { IdentityModule } from '@verity/identity';
import { ConsumerOptions } from '@verity/kafka';
import { PlatformModule } from '@verity/platform';
import { ActionEntity } from './actions/action.entity';
import { ActionsController } from './actions/actions.controller';
import { ActionsRepository } from './actions/actions.repository';
import { ActionsService } from './actions/actions.service';
import { ProjectionStateEntity } from './actions/projection-state.entity';
import { AlertEntity } from './alerts/alert.entity';
import { AlertsController } from './alerts/alerts.controller';
import { AlertsRepository } from './alerts/alerts.repository';
import { OrphanSweepService } from './alerts/orphan-sweep.service';
import { AuditReaderGuard } from './auth/audit-reader.guard';
import { AuditConfig } from './config/audit.config';
import { ExplorerModule } from './explorer/explorer.module';
import { ExportService } from './exports/export.service';
import { CreateAudit1795636200000 } from './migrations/1795636200000-create-audit';
import { ComplianceViews1795800000100 } from './migrations/1795800000100-compliance-views';
import { LedgerConsumer } from './projection/ledger.consumer';
import { ProjectionMetrics } from './projection/projection.metrics';
import { ProjectionService } from './projection/projection.service';
import { AuditReadRecorder } from './reads/audit-read.recorder';
import { RebuildService } from './rebuild/rebuild.service';
import { ReviewsController } from './reviews/reviews.controller';
import { SessionsController } from './sessions/sessions.controller';
import { SummariesController } from './summaries/summaries.controller';
import { SummariesRepository } from './summaries/summaries.repository';
import { SummariesService } from './summaries/summaries.service';
import { ConnectionSummaryEntity, IdentitySummaryEntity, SessionSummaryEntity } from './summaries/summary.entity';

export const AUDIT_APP = 'audit';

/**
 * No per-message consumers: the projections consume LedgerAppended in batches (LedgerConsumer,
 * group `audit.projections`), started by main.ts once the app is up.
 */
export const AUDIT_CONSUMERS: ConsumerOptions[] = [];

export const AUDIT_ENTITIES = [
  ActionEntity,
  ProjectionStateEntity,
  SessionSummaryEntity,
  IdentitySummaryEntity,
  ConnectionSummaryEntity,
  AlertEntity,
];

@Module({
  imports: [
    PlatformModule.forApp({
      app: AUDIT_APP,
      persistence: {
        schema: 'audit',
        entities: AUDIT_ENTITIES,
        migrations: [CreateAudit1795636200000, ComplianceViews1795800000100],
      },
    }),
    IdentityModule.forRoot(),
    ExplorerModule,
  ],
  controllers: [ActionsController, SessionsController, ReviewsController, AlertsController, SummariesController],
  providers: [
    { provide: AuditConfig, useFactory: () => loadConfig(AuditConfig) },
    AuditReaderGuard,
    ActionsRepository,
    ActionsService,
    SummariesRepository,
    SummariesService,
    AlertsRepository,
    OrphanSweepService,
    ProjectionMetrics,
    ProjectionService,
    AuditReadRecorder,
    ExportService,
    RebuildService,
    LedgerConsumer,
  ],
})
export class AuditModule {}
