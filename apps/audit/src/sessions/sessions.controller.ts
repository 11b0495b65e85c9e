import { Controller, Get, Param, Query } from '@nestjs/common';
import { ActorV1 } from '@verity/contracts';
import { CurrentActor } from '@verity/identity';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ActionView, toActionView } from '../actions/dto/action.view';
import { DEFAULT_LIMIT } from '../actions/dto/list-actions.dto';
import { ActionsService } from '../actions/actions.service';
import { AuditReaders } from '../auth/audit-reader.guard';
import { AuditReadRecorder } from '../reads/audit-read.recorder';
import { SessionView, SummariesService } from '../summaries/summaries.service';
import { GetSessionParams } from './dto/get-session.dto';
import { ListSessionsQuery } from './dto/list-sessions.dto';

@Controller('v1/audit/sessions')
@AuditReaders()
@ApiTags('sessions')
@ApiBearerAuth('bearer')
export class SessionsController {
  constructor(
    private readonly actions: ActionsService,
    private readonly summaries: SummariesService,
    private readonly reads: AuditReadRecorder,
  ) {}

  /** Sessions, newest activity first. */
  @Get()
  async list(
    @CurrentActor() actor: ActorV1,
    @Query() query: ListSessionsQuery,
  ): Promise<{ sessions: SessionView[]; nextCursor: string | null }> {
    const { limit, cursor, ...filters } = query;
    const page = await this.summaries.sessions(filters, limit ?? DEFAULT_LIMIT, cursor);
    await this.reads.record(actor, { route: 'GET /v1/audit/sessions', filters: query, records: page.sessions.length });
    return page;
  }

  /** The session's ReAct timeline: its actions in the agent's step order, then time. */
  @Get(':id')
  async get(
    @CurrentActor() actor: ActorV1,
    @Param() params: GetSessionParams,
  ): Promise<{ sessionId: string; actions: ActionView[] }> {
    const rows = await this.actions.session(params.id);
    await this.reads.record(actor, {
      route: 'GET /v1/audit/sessions/:id',
      resourceIds: [params.id],
      records: rows.length,
    });
    return { sessionId: params.id, actions: rows.map(toActionView) };
  }
}
