import { Controller, Get, Param } from '@nestjs/common';
import { ActionView, toActionView } from '../actions/dto/action.view';
import { ActionsService } from '../actions/actions.service';
import { AuditReaders } from '../auth/audit-reader.guard';
import { GetSessionParams } from './dto/get-session.dto';

@Controller('v1/audit/sessions')
@AuditReaders()
export class SessionsController {
  constructor(private readonly actions: ActionsService) {}

  /** The session's actions in the agent's step order, then time. */
  @Get(':id')
  async get(@Param() params: GetSessionParams): Promise<{ sessionId: string; actions: ActionView[] }> {
    const rows = await this.actions.session(params.id);
    return { sessionId: params.id, actions: rows.map(toActionView) };
  }
}
