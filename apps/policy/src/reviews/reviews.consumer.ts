import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { EventEnvelope, ReviewVerdictSubmitted, ReviewVerdictSubmittedV1 } from '@verity/contracts';
import { ConsumeEvent } from '@verity/kafka';
import { ReviewsService } from './reviews.service';

/** Name of policy's review consumer (group `policy.reviews`). */
export const REVIEWS_CONSUMER = 'reviews';

@Controller()
export class ReviewsConsumer {
  constructor(private readonly reviews: ReviewsService) {}

  @ConsumeEvent(ReviewVerdictSubmitted, { consumer: REVIEWS_CONSUMER })
  async onVerdict(@Payload() submitted: EventEnvelope<ReviewVerdictSubmittedV1>): Promise<void> {
    await this.reviews.verdict(submitted);
  }
}
