import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ActorV1, DomainError } from '@verity/contracts';
import { CurrentActor } from '@verity/identity';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuditReaders } from '../auth/audit-reader.guard';
import { ExportService } from '../exports/export.service';
import { AuditReadRecorder } from '../reads/audit-read.recorder';
import { ActionView, toActionView } from './dto/action.view';
import { DEFAULT_LIMIT, ListActionsQuery, MAX_LIMIT } from './dto/list-actions.dto';
import { ActionsService } from './actions.service';

@Controller('v1/audit/actions')
@AuditReaders()
@ApiTags('actions')
@ApiBearerAuth('bearer')
export class ActionsController {
  constructor(
    private readonly actions: ActionsService,
    private readonly exports: ExportService,
    private readonly reads: AuditReadRecorder,
  ) {}

  /**
   * Newest first; pass `nextCursor` back as `cursor` for the next page. With `format=jsonl|csv|ocsf`
   * every match is streamed (from `cursor` on, up to `limit` when given).
   */
  @Get()
  async list(@CurrentActor() actor: ActorV1, @Query() query: ListActionsQuery, @Res() res: Response): Promise<void> {
    const { limit, cursor, format, ...filters } = query;
    if (format && format !== 'json') {
      await this.exports.stream(res, format, filters, { limit, cursor }, (records) =>
        this.reads.record(actor, { route: 'GET /v1/audit/actions', filters: query, format, records }),
      );
      return;
    }
    if (limit !== undefined && limit > MAX_LIMIT) {
      throw new DomainError(
        'REQUEST.INVALID',
        `limit must not be greater than ${MAX_LIMIT} (larger only with an export format)`,
      );
    }
    const page = await this.actions.list(filters, limit ?? DEFAULT_LIMIT, cursor);
    await this.reads.record(actor, {
      route: 'GET /v1/audit/actions',
      filters: query,
      records: page.actions.length,
    });
    const body: { actions: ActionView[]; nextCursor: string | null } = {
      actions: page.actions.map(toActionView),
      nextCursor: page.nextCursor,
    };
    res.json(body);
  }

  @Get(':id')
  async get(@CurrentActor() actor: ActorV1, @Param('id') id: string): Promise<ActionView> {
    const row = await this.actions.find(id);
    await this.reads.record(actor, { route: 'GET /v1/audit/actions/:id', resourceIds: [id], records: 1 });
    return toActionView(row);
  }
}
