import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { bySession, EventDefinition } from '../event-definition';

export const FAILURE_STAGES = ['decision', 'execution', 'masking'] as const;

export class ActionFailedV1 {
  @IsIn(FAILURE_STAGES) stage: (typeof FAILURE_STAGES)[number];
  /** Stable error code, e.g. `TARGET.UNAVAILABLE`. */
  @Matches(/^[A-Z]+\.[A-Z_]+$/) code: string;
  /** A message safe to show and to ledger: never credentials or raw data. */
  @IsString() @MaxLength(2000) message: string;
  @IsOptional() @Matches(/^[0-9a-f]{64}$/) payloadDigest?: string;
}

export const ActionFailed: EventDefinition<ActionFailedV1> = {
  type: 'verity.action.failed.v1',
  version: 1,
  topic: 'gateway.action.failed.v1',
  payload: ActionFailedV1,
  ledgered: true,
  key: bySession,
};
