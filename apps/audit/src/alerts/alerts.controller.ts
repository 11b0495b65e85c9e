import { Controller, Get, Query } from '@nestjs/common';
import { ActorV1 } from '@verity/contracts';
import { CurrentActor } from '@verity/identity';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { decodeCursor, nextCursorOf, TEXT_ID } from '../actions/cursor';
import { DEFAULT_LIMIT } from '../actions/dto/list-actions.dto';
import { AuditReaders } from '../auth/audit-reader.guard';
import { AuditReadRecorder } from '../reads/audit-read.recorder';
import { AlertEntity } from './alert.entity';
import { AlertsRepository } from './alerts.repository';
import { ListAlertsQuery } from './dto/list-alerts.dto';

export interface AlertView {
  alertId: string;
  kind: string;
  eventKind: string;
  severity: string;
  identity: string | null;
  sessionId: string | null;
  actionId: string | null;
  message: string;
  raisedAt: string;
  details: Record<string, unknown>;
  ledgerRef: Record<string, unknown> | null;
}

const toAlertView = (a: AlertEntity): AlertView => ({ ...a, raisedAt: a.raisedAt.toISOString() });

@Controller('v1/audit/alerts')
@AuditReaders()
@ApiTags('alerts')
@ApiBearerAuth('bearer')
export class AlertsController {
  constructor(
    private readonly alerts: AlertsRepository,
    private readonly reads: AuditReadRecorder,
  ) {}

  /** Alerts, newest first; `kind` narrows them. */
  @Get()
  async list(
    @CurrentActor() actor: ActorV1,
    @Query() query: ListAlertsQuery,
  ): Promise<{ alerts: AlertView[]; nextCursor: string | null }> {
    const limit = query.limit ?? DEFAULT_LIMIT;
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, TEXT_ID);
    const rows = await this.alerts.list(query.kind, limit + 1, after);
    const nextCursor = nextCursorOf(rows, limit, (a) => ({ at: a.raisedAt, id: a.alertId }));
    const alerts = rows.slice(0, limit).map(toAlertView);
    await this.reads.record(actor, { route: 'GET /v1/audit/alerts', filters: query, records: alerts.length });
    return { alerts, nextCursor };
  }
}
