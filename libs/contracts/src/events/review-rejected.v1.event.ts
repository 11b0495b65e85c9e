import { Matches } from 'class-validator';
import { bySession, EventDefinition } from '../event-definition';
import { ReviewCommentV1 } from './review-requested.v1.event';

/** A reviewer rejected the held action; the envelope's actor is the reviewer. Final. */
export class ReviewRejectedV1 extends ReviewCommentV1 {
  @Matches(/^[0-9a-f]{64}$/) payloadDigest: string;
}

export const ReviewRejected: EventDefinition<ReviewRejectedV1> = {
  type: 'verity.review.rejected.v1',
  version: 1,
  topic: 'policy.review.rejected.v1',
  payload: ReviewRejectedV1,
  ledgered: true,
  key: bySession,
};
