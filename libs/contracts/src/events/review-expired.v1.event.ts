import { IsInt, IsISO8601, Min } from 'class-validator';
import { bySession, EventDefinition } from '../event-definition';

/** Nobody completed the review in time; the action fails. The actor is the requester. Final. */
export class ReviewExpiredV1 {
  @IsISO8601({ strict: true }) expiresAt: string;
  /** Approvals counted before it expired. */
  @IsInt() @Min(0) approvals: number;
}

export const ReviewExpired: EventDefinition<ReviewExpiredV1> = {
  type: 'verity.review.expired.v1',
  version: 1,
  topic: 'policy.review.expired.v1',
  payload: ReviewExpiredV1,
  ledgered: true,
  key: bySession,
};
