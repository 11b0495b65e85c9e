import { Type } from 'class-transformer';
import { IsString, Matches, MaxLength, ValidateNested, IsDefined } from 'class-validator';
import { bySession, EventDefinition } from '../event-definition';
import { ResultSetV1 } from './result';

/**
 * Work message: a raw result the gateway wants masked. It holds unmasked data, so it is
 * never ledgered and its topic keeps it for one hour only.
 */
export class ResultCapturedV1 {
  @IsString() @MaxLength(64) profile: string;
  @Matches(/^[0-9a-f]{64}$/) resultDigest: string;
  @IsDefined() @ValidateNested() @Type(() => ResultSetV1) result: ResultSetV1;
}

export const ResultCaptured: EventDefinition<ResultCapturedV1> = {
  type: 'verity.result.captured.v1',
  version: 1,
  topic: 'gateway.result.captured.v1',
  payload: ResultCapturedV1,
  ledgered: false,
  retentionMs: 60 * 60 * 1000,
  key: bySession,
};
