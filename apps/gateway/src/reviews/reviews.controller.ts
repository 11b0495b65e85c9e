import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ActorV1 } from '@verity/contracts';
import { assertInGroups, AuthGuard, CurrentActor } from '@verity/identity';
import { GatewayConfig } from '../config/gateway.config';
import { ERROR_SCHEMA, REVIEW_SCHEMA, VERDICT_SCHEMA } from '../docs/schemas';
import { ReviewVerdictDto } from './dto/review-verdict.dto';
import { ReviewsService, ReviewView, VerdictAnswer } from './reviews.service';

const ErrorResponse = (status: number, description: string) =>
  ApiResponse({ status, description, schema: ERROR_SCHEMA });

/**
 * Reviewers' API: list actions held for review, read one, approve or reject it. Only members
 * of GATEWAY_REVIEWER_GROUPS get here; policy then decides whether this reviewer may judge
 * this action (separation of duties, Cedar action `review.approve`).
 */
@ApiTags('reviews')
@ApiBearerAuth('bearer')
@Controller('v1/reviews')
@UseGuards(AuthGuard)
@ErrorResponse(401, 'AUTH.UNAUTHENTICATED: no, or an invalid, token')
@ErrorResponse(403, 'AUTH.FORBIDDEN: not in a reviewer group')
export class ReviewsController {
  constructor(
    private readonly reviews: ReviewsService,
    private readonly config: GatewayConfig,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Actions waiting for review, oldest first, with what a reviewer needs to judge them' })
  @ApiOkResponse({ schema: { type: 'array', items: REVIEW_SCHEMA } })
  list(@CurrentActor() actor: ActorV1): Promise<ReviewView[]> {
    assertInGroups(actor, this.config.reviewerGroups);
    return this.reviews.list();
  }

  @Get(':id')
  @ApiOperation({ summary: 'One review (its id is the action id), open or closed' })
  @ApiOkResponse({ schema: REVIEW_SCHEMA })
  @ErrorResponse(404, 'REVIEW.NOT_FOUND')
  get(@CurrentActor() actor: ActorV1, @Param('id') id: string): Promise<ReviewView> {
    assertInGroups(actor, this.config.reviewerGroups);
    return this.reviews.get(id);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Approve a held action',
    description:
      'Policy counts the approval or refuses it. When the review is complete the gateway runs the exact payload approved, once; GET /v1/actions/:id?wait= (by the requester) returns its result.',
  })
  @ApiOkResponse({ schema: VERDICT_SCHEMA })
  @ErrorResponse(400, 'REQUEST.INVALID: comment missing or too long, malformed payloadDigest')
  @ErrorResponse(403, 'REVIEW.SELF_APPROVAL, REVIEW.NOT_PERMITTED')
  @ErrorResponse(404, 'REVIEW.NOT_FOUND')
  @ErrorResponse(409, 'REVIEW.CLOSED, REVIEW.ALREADY_APPROVED, REVIEW.GROUP_ALREADY_COUNTED, REVIEW.DIGEST_MISMATCH')
  @ErrorResponse(504, 'REVIEW.TIMEOUT: policy has not answered in time')
  approve(
    @CurrentActor() actor: ActorV1,
    @Param('id') id: string,
    @Body() body: ReviewVerdictDto,
  ): Promise<VerdictAnswer> {
    assertInGroups(actor, this.config.reviewerGroups);
    return this.reviews.submit(actor, id, 'approve', body);
  }

  @Post(':id/reject')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reject a held action; it ends denied (action.denied) with the comment as its reason' })
  @ApiOkResponse({ schema: VERDICT_SCHEMA })
  @ErrorResponse(400, 'REQUEST.INVALID')
  @ErrorResponse(403, 'REVIEW.NOT_PERMITTED')
  @ErrorResponse(404, 'REVIEW.NOT_FOUND')
  @ErrorResponse(409, 'REVIEW.CLOSED, REVIEW.DIGEST_MISMATCH')
  @ErrorResponse(504, 'REVIEW.TIMEOUT')
  reject(
    @CurrentActor() actor: ActorV1,
    @Param('id') id: string,
    @Body() body: ReviewVerdictDto,
  ): Promise<VerdictAnswer> {
    assertInGroups(actor, this.config.reviewerGroups);
    return this.reviews.submit(actor, id, 'reject', body);
  }
}
