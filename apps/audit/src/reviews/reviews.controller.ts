import { Controller, Get, Query } from '@nestjs/common';
import { ActorV1 } from '@verity/contracts';
import { CurrentActor } from '@verity/identity';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ReviewView, toReviewView } from '../actions/dto/action.view';
import { DEFAULT_LIMIT } from '../actions/dto/list-actions.dto';
import { ActionsService } from '../actions/actions.service';
import { AuditReaders } from '../auth/audit-reader.guard';
import { AuditReadRecorder } from '../reads/audit-read.recorder';
import { ListReviewsQuery } from './dto/list-reviews.dto';

@Controller('v1/audit/reviews')
@AuditReaders()
@ApiTags('reviews')
@ApiBearerAuth('bearer')
export class ReviewsController {
  constructor(
    private readonly actions: ActionsService,
    private readonly reads: AuditReadRecorder,
  ) {}

  /** Pending and past reviews, newest request first; `state` narrows them. */
  @Get()
  async list(
    @CurrentActor() actor: ActorV1,
    @Query() query: ListReviewsQuery,
  ): Promise<{ reviews: ReviewView[]; nextCursor: string | null }> {
    const page = await this.actions.reviews(query.state, query.limit ?? DEFAULT_LIMIT, query.cursor);
    await this.reads.record(actor, { route: 'GET /v1/audit/reviews', filters: query, records: page.actions.length });
    return { reviews: page.actions.map(toReviewView), nextCursor: page.nextCursor };
  }
}
