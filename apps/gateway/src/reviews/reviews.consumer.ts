import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  EventEnvelope,
  ReviewApproved,
  ReviewApprovedV1,
  ReviewExpired,
  ReviewExpiredV1,
  ReviewRejected,
  ReviewRejectedV1,
  ReviewRequested,
  ReviewRequestedV1,
  ReviewVerdictRefused,
  ReviewVerdictRefusedV1,
} from '@verity/contracts';
import { ConsumeEvent } from '@verity/kafka';
import { ActionsService } from '../actions/actions.service';
import { ReviewsService } from './reviews.service';

/** Consumer name (and group `gateway.reviews`, shared by every gateway instance: each event is handled once). */
export const REVIEWS_CONSUMER = 'reviews';

/** Policy's review events: what reviewers list, the answers to verdicts, and the end of each held action. */
@Controller()
export class ReviewsConsumer {
  constructor(
    private readonly reviews: ReviewsService,
    private readonly actions: ActionsService,
  ) {}

  @ConsumeEvent(ReviewRequested, { consumer: REVIEWS_CONSUMER })
  requested(@Payload() event: EventEnvelope<ReviewRequestedV1>): Promise<void> {
    return this.reviews.noteRequested(event);
  }

  /** Runs the action once its review is complete (here, in this consumer: one instance runs it). */
  @ConsumeEvent(ReviewApproved, { consumer: REVIEWS_CONSUMER })
  async approved(@Payload() event: EventEnvelope<ReviewApprovedV1>): Promise<void> {
    await this.reviews.noteApproved(event);
    await this.reviews.answer(event.causationid, 'approved');
    if (event.data.complete) await this.actions.runApproved(event);
  }

  @ConsumeEvent(ReviewRejected, { consumer: REVIEWS_CONSUMER })
  async rejected(@Payload() event: EventEnvelope<ReviewRejectedV1>): Promise<void> {
    await this.actions.concludeReview('rejected', event);
    await this.reviews.answer(event.causationid, 'rejected');
  }

  @ConsumeEvent(ReviewExpired, { consumer: REVIEWS_CONSUMER })
  expired(@Payload() event: EventEnvelope<ReviewExpiredV1>): Promise<void> {
    return this.actions.concludeReview('expired', event);
  }

  @ConsumeEvent(ReviewVerdictRefused, { consumer: REVIEWS_CONSUMER })
  refused(@Payload() event: EventEnvelope<ReviewVerdictRefusedV1>): Promise<void> {
    return this.reviews.answer(event.causationid, 'refused', event.data);
  }
}
