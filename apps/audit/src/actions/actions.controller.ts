import { Controller, Get, Param, Query } from '@nestjs/common';
import { AuditReaders } from '../auth/audit-reader.guard';
import { ActionView, toActionView } from './dto/action.view';
import { DEFAULT_LIMIT, ListActionsQuery } from './dto/list-actions.dto';
import { ActionsService } from './actions.service';

@Controller('v1/audit/actions')
@AuditReaders()
export class ActionsController {
  constructor(private readonly actions: ActionsService) {}

  /** Newest first; pass `nextCursor` back as `cursor` for the next page. */
  @Get()
  async list(@Query() query: ListActionsQuery): Promise<{ actions: ActionView[]; nextCursor: string | null }> {
    const { limit, cursor, ...filters } = query;
    const page = await this.actions.list(filters, limit ?? DEFAULT_LIMIT, cursor);
    return { actions: page.actions.map(toActionView), nextCursor: page.nextCursor };
  }

  @Get(':id')
  async get(@Param('id') id: string): Promise<ActionView> {
    return toActionView(await this.actions.find(id));
  }
}
