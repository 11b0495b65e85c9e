import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { bySession, EventDefinition } from '../event-definition';
import { SqlAnalysisV1 } from './action-decided.v1.event';
import { ActionPayloadV1, Operation, OPERATIONS, payloadType } from './action-payload';
import { AgentContextV1 } from './action-requested.v1.event';

/**
 * An action held for human review: everything a reviewer needs to judge it — the exact
 * payload and its digest, the agent's stated reason, the SQL analysis and the policies that
 * asked for review — and what it takes to approve it. The review's id is the action's id.
 * The envelope's actor is the identity that requested the action.
 */
export class ReviewRequestedV1 {
  @IsString() @Matches(/^[a-z0-9][a-z0-9_-]{0,62}$/) connection: string;
  @IsIn(OPERATIONS) operation: Operation;
  @IsDefined() @ValidateNested() @Type(payloadType) payload: ActionPayloadV1;
  /** The digest an approval binds to: the gateway runs only a payload with this digest. */
  @Matches(/^[0-9a-f]{64}$/) payloadDigest: string;
  @IsDefined() @ValidateNested() @Type(() => AgentContextV1) agent: AgentContextV1;
  @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) @IsNotEmpty({ each: true }) reasons: string[];
  /** The policies whose decision was review. */
  @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) policyIds: string[];
  @IsString() @IsNotEmpty() @MaxLength(128) bundleRevision: string;
  @IsOptional() @ValidateNested() @Type(() => SqlAnalysisV1) analysis?: SqlAnalysisV1;
  /** How many different reviewers must approve. */
  @IsInt() @Min(1) @Max(10) requiredApprovals: number;
  /** When true, each approval must come from a group no earlier approval counted under. */
  @IsBoolean() distinctGroups: boolean;
  /** Only members of these groups may approve (besides what policy permits); absent: any permitted reviewer. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  approverGroups?: string[];
  @IsISO8601({ strict: true }) expiresAt: string;
}

export const ReviewRequested: EventDefinition<ReviewRequestedV1> = {
  type: 'verity.review.requested.v1',
  version: 1,
  topic: 'policy.review.requested.v1',
  payload: ReviewRequestedV1,
  ledgered: true,
  key: bySession,
};

/** The verdicts a reviewer can give. */
export const REVIEW_VERDICTS = ['approve', 'reject'] as const;
export type ReviewVerdict = (typeof REVIEW_VERDICTS)[number];

/** A reviewer's comment: required, so every verdict says why. */
export class ReviewCommentV1 {
  @IsString() @IsNotEmpty() @MaxLength(2000) comment: string;
}

/** One approval counted towards a review. */
export class ReviewApprovalV1 extends ReviewCommentV1 {
  @IsString() @IsNotEmpty() @MaxLength(512) subject: string;
  @IsString() @IsNotEmpty() @MaxLength(1024) issuer: string;
  /** The group the approval counted under (distinct groups); absent otherwise. */
  @IsOptional() @IsString() @MaxLength(256) group?: string;
  @IsISO8601({ strict: true }) at: string;
}

export class ReviewApprovalsV1 {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => ReviewApprovalV1)
  approvals: ReviewApprovalV1[];
}
