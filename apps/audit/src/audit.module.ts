import { Module } from '@nestjs/common';
import { loadConfig } from '@verity/config';
import { IdentityModule } from '@verity/identity';
import { ConsumerOptions } from '@verity/kafka';
import { PlatformModule } from '@verity/platform';
import { ActionEntity } from './actions/action.entity';
import { ActionsConsumer } from './actions/actions.consumer';
import { ActionsController } from './actions/actions.controller';
import { ActionsRepository } from './actions/actions.repository';
import { ActionsService } from './actions/actions.service';
import { ProjectionStateEntity } from './actions/projection-state.entity';
import { AuditReaderGuard } from './auth/audit-reader.guard';
import { AuditConfig } from './config/audit.config';
import { ExplorerModule } from './explorer/explorer.module';
import { CreateAudit1795636200000 } from './migrations/1795636200000-create-audit';
import { SessionsController } from './sessions/sessions.controller';

export const AUDIT_APP = 'audit';

/** The projections' one consumer group: every LedgerAppended, from the beginning. */
export const AUDIT_CONSUMERS: ConsumerOptions[] = [{ groupId: 'audit.projections', fromBeginning: true }];

@Module({
  imports: [
    PlatformModule.forApp({
      app: AUDIT_APP,
      persistence: {
        schema: 'audit',
        entities: [ActionEntity, ProjectionStateEntity],
        migrations: [CreateAudit1795636200000],
      },
    }),
    IdentityModule.forRoot(),
    ExplorerModule,
  ],
  controllers: [ActionsController, SessionsController, ActionsConsumer],
  providers: [
    { provide: AuditConfig, useFactory: () => loadConfig(AuditConfig) },
    AuditReaderGuard,
    ActionsRepository,
    ActionsService,
  ],
})
export class AuditModule {}
