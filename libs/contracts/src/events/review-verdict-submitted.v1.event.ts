import { IsIn, Matches } from 'class-validator';
import { bySession, EventDefinition } from '../event-definition';
import { REVIEW_VERDICTS, ReviewCommentV1, ReviewVerdict } from './review-requested.v1.event';

/**
 * A reviewer's verdict on a held action, as received by the gateway; the envelope's actor is
 * the reviewer. Policy checks it (separation of duties, the approver's permission, the
 * payload digest) and answers with review.approved, review.rejected or review.verdict-refused.
 */
export class ReviewVerdictSubmittedV1 extends ReviewCommentV1 {
  @IsIn(REVIEW_VERDICTS) verdict: ReviewVerdict;
  /** The digest of the payload the reviewer judged. */
  @Matches(/^[0-9a-f]{64}$/) payloadDigest: string;
}

export const ReviewVerdictSubmitted: EventDefinition<ReviewVerdictSubmittedV1> = {
  type: 'verity.review.verdict-submitted.v1',
  version: 1,
  topic: 'gateway.review.verdict-submitted.v1',
  payload: ReviewVerdictSubmittedV1,
  ledgered: true,
  key: bySession,
};
