import { IsIn, IsString, MaxLength } from 'class-validator';
import { bySession, EventDefinition } from '../event-definition';
import { REVIEW_VERDICTS, ReviewVerdict } from './review-requested.v1.event';

/** Why policy refused a verdict; each code is also the error the reviewer gets. */
export const REVIEW_REFUSALS = [
  'REVIEW.NOT_FOUND',
  'REVIEW.CLOSED',
  'REVIEW.SELF_APPROVAL',
  'REVIEW.NOT_PERMITTED',
  'REVIEW.ALREADY_APPROVED',
  'REVIEW.GROUP_ALREADY_COUNTED',
  'REVIEW.DIGEST_MISMATCH',
] as const;
export type ReviewRefusal = (typeof REVIEW_REFUSALS)[number];

/** A verdict policy did not accept; the review is unchanged. The actor is the reviewer. */
export class ReviewVerdictRefusedV1 {
  @IsIn(REVIEW_VERDICTS) verdict: ReviewVerdict;
  @IsIn(REVIEW_REFUSALS) code: ReviewRefusal;
  @IsString() @MaxLength(2000) message: string;
}

export const ReviewVerdictRefused: EventDefinition<ReviewVerdictRefusedV1> = {
  type: 'verity.review.verdict-refused.v1',
  version: 1,
  topic: 'policy.review.verdict-refused.v1',
  payload: ReviewVerdictRefusedV1,
  ledgered: true,
  key: bySession,
};
