import { IsBoolean, IsInt, Matches, Max, Min } from 'class-validator';
import { bySession, EventDefinition } from '../event-definition';
import { ReviewApprovalsV1 } from './review-requested.v1.event';

/**
 * An approval was counted; the envelope's actor is the approver. When `complete`, the
 * review is decided and the gateway may run the payload whose digest is `payloadDigest`, once.
 */
export class ReviewApprovedV1 extends ReviewApprovalsV1 {
  @Matches(/^[0-9a-f]{64}$/) payloadDigest: string;
  @IsInt() @Min(1) @Max(10) requiredApprovals: number;
  @IsBoolean() complete: boolean;
}

export const ReviewApproved: EventDefinition<ReviewApprovedV1> = {
  type: 'verity.review.approved.v1',
  version: 1,
  topic: 'policy.review.approved.v1',
  payload: ReviewApprovedV1,
  ledgered: true,
  key: bySession,
};
