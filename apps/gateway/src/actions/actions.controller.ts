import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { ActorV1, DomainError } from '@verity/contracts';
import { AuthGuard, ConnectionScope, CurrentActor } from '@verity/identity';
import type { Response } from 'express';
import { GatewayConfig } from '../config/gateway.config';
import { ACTION_VIEW_SCHEMA, ERROR_SCHEMA, EXECUTED_SCHEMA, PENDING_SCHEMA } from '../docs/schemas';
import { ActionsService, ActionView, ExecutedAction, PendingAction } from './actions.service';
import { CreateActionDto } from './dto/create-action.dto';
import { acceptedTraceparent } from './traceparent';

const ErrorResponse = (status: number, description: string) =>
  ApiResponse({ status, description, schema: ERROR_SCHEMA });

@ApiTags('actions')
@ApiBearerAuth('bearer')
@Controller('v1/actions')
@UseGuards(AuthGuard)
@ApiResponse({ status: 401, description: 'AUTH.UNAUTHENTICATED: no, or an invalid, token', schema: ERROR_SCHEMA })
export class ActionsController {
  constructor(
    private readonly actions: ActionsService,
    private readonly config: GatewayConfig,
  ) {}

  /** 200 with the masked result; 202 when the action waits for review. */
  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Run an action on a connection (decided by policy, executed, masked, recorded)' })
  @ApiHeader({ name: 'traceparent', required: false, description: 'W3C trace context, carried into every event' })
  @ApiOkResponse({ description: 'allowed and executed: the masked result', schema: EXECUTED_SCHEMA })
  @ApiAcceptedResponse({ description: 'held for human review', schema: PENDING_SCHEMA })
  @ErrorResponse(
    400,
    "REQUEST.INVALID (details per field), REQUEST.MALFORMED_JSON, or CONNECTION.OPERATION_INVALID (the operation is not the connection type's)",
  )
  @ErrorResponse(403, 'AUTH.FORBIDDEN, or POLICY.DENIED with details { actionId, reasons, policyIds }')
  @ErrorResponse(404, 'CONNECTION.NOT_FOUND')
  @ErrorResponse(413, 'REQUEST.TOO_LARGE')
  @ErrorResponse(
    422,
    'TARGET.QUERY_REJECTED (the database refused the statement); http.request: TARGET.REDIRECT_REJECTED (a redirect off the base URL), TARGET.OVERSIZE_REJECTED (response over the cap), TARGET.WRITE_REJECTED (read-only decision), TARGET.PATH_REJECTED, TARGET.HEADER_REJECTED',
  )
  @ErrorResponse(502, 'TARGET.UNAVAILABLE, MASKING.UNAVAILABLE, AUTH.UNAVAILABLE')
  @ErrorResponse(
    503,
    'EVENTS.UNAVAILABLE (the broker did not acknowledge the intent or the outcome in time; nothing ran / no result), STORE.UNAVAILABLE',
  )
  @ErrorResponse(504, 'POLICY.TIMEOUT, MASKING.TIMEOUT, TARGET.TIMEOUT')
  async submit(
    @CurrentActor() actor: ActorV1,
    @ConnectionScope() scope: string[] | undefined,
    @Body() body: CreateActionDto,
    @Headers('traceparent') traceparent: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ExecutedAction | PendingAction> {
    const outcome = await this.actions.submit(
      { actor, scope },
      {
        connection: body.connection,
        operation: body.operation,
        input: body.input,
        sessionId: body.sessionId,
        agent: body.agent,
        traceparent: acceptedTraceparent(traceparent),
      },
    );
    if (outcome.status === 'pending_review') res.status(202);
    return outcome.body;
  }

  @Get(':id')
  @ApiOperation({
    summary: "The caller's own action and where it stands",
    description:
      'With `wait` (seconds, at most GATEWAY_MAX_WAIT_S), the answer waits until the action has its outcome (executed, denied or failed) or the time is up.',
  })
  @ApiQuery({ name: 'wait', required: false, type: 'integer', description: 'long-poll seconds (0 = answer at once)' })
  @ApiOkResponse({ schema: ACTION_VIEW_SCHEMA })
  @ErrorResponse(404, 'ACTION.NOT_FOUND (also for another caller’s action)')
  find(
    @CurrentActor() actor: ActorV1,
    @Param('id') id: string,
    @Query('wait') wait: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ActionView> {
    const seconds = wait === undefined ? 0 : Number(wait);
    const max = this.config.GATEWAY_MAX_WAIT_S;
    if (!/^\d+$/.test(wait ?? '0') || seconds > max) {
      throw new DomainError('REQUEST.INVALID', `wait must be a whole number of seconds from 0 to ${max}`, [
        `wait: must be an integer from 0 to ${max}`,
      ]);
    }
    // Stop waiting when the caller goes away.
    const gone = new AbortController();
    res.on('close', () => gone.abort());
    return this.actions.find(actor, id, seconds * 1000, gone.signal);
  }
}
