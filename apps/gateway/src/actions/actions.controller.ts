import { Body, Controller, Get, Headers, HttpCode, Param, Post, Res, UseGuards } from '@nestjs/common';
import { ActorV1, DomainError } from '@verity/contracts';
import { AuthGuard, CurrentActor } from '@verity/identity';
import type { Response } from 'express';
import { GatewayConfig } from '../config/gateway.config';
import { ActionsService, ActionView, ExecutedAction, PendingAction } from './actions.service';
import { CreateActionDto } from './dto/create-action.dto';
import { acceptedTraceparent } from './traceparent';

@Controller('v1/actions')
@UseGuards(AuthGuard)
export class ActionsController {
  constructor(
    private readonly actions: ActionsService,
    private readonly config: GatewayConfig,
  ) {}

  /** 200 with the masked result; 202 when the action waits for review. */
  @Post()
  @HttpCode(200)
  async submit(
    @CurrentActor() actor: ActorV1,
    @Body() body: CreateActionDto,
    @Headers('traceparent') traceparent: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ExecutedAction | PendingAction> {
    this.requireActionGroup(actor);
    const outcome = await this.actions.submit(actor, {
      connection: body.connection,
      operation: body.operation,
      sql: body.input.sql,
      params: body.input.params,
      sessionId: body.sessionId,
      agent: body.agent,
      traceparent: acceptedTraceparent(traceparent),
    });
    if (outcome.status === 'pending_review') res.status(202);
    return outcome.body;
  }

  @Get(':id')
  find(@CurrentActor() actor: ActorV1, @Param('id') id: string): Promise<ActionView> {
    return this.actions.find(actor, id);
  }

  /** The allowed groups are configuration (GATEWAY_ACTION_GROUPS), so they are checked here, not in a decorator. */
  private requireActionGroup(actor: ActorV1): void {
    const groups = this.config.actionGroups;
    if (!groups.some((g) => actor.groups.includes(g))) {
      throw new DomainError('AUTH.FORBIDDEN', `requires membership in one of: ${groups.join(', ')}`);
    }
  }
}
