import { Type } from 'class-transformer';
import { IsInt, Matches, Min, ValidateNested, IsDefined } from 'class-validator';
import { bySession, EventDefinition } from '../event-definition';
import { MaskingReportV1, ResultSetV1 } from './result';

export class ActionExecutedV1 {
  /** Digest of the payload that ran; equals the intent's `payloadDigest`. */
  @Matches(/^[0-9a-f]{64}$/) payloadDigest: string;
  /** SHA-256 (hex) of the canonical JSON of the raw, unmasked result. */
  @Matches(/^[0-9a-f]{64}$/) resultDigest: string;
  @IsDefined() @ValidateNested() @Type(() => ResultSetV1) result: ResultSetV1;
  @IsDefined()
  @ValidateNested()
  @Type(() => MaskingReportV1)
  masking: MaskingReportV1;
  @IsInt() @Min(0) durationMs: number;
}

export const ActionExecuted: EventDefinition<ActionExecutedV1> = {
  type: 'verity.action.executed.v1',
  version: 1,
  topic: 'gateway.action.executed.v1',
  payload: ActionExecutedV1,
  ledgered: true,
  key: bySession,
};
