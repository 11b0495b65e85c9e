import { Type } from 'class-transformer';
import { Matches, ValidateNested, IsDefined } from 'class-validator';
import { bySession, EventDefinition } from '../event-definition';
import { MaskingReportV1, ResultSetV1 } from './result';

/** Work message: the masked result and what was withheld. Not ledgered itself. */
export class ResultMaskedV1 {
  @Matches(/^[0-9a-f]{64}$/) resultDigest: string;
  @IsDefined() @ValidateNested() @Type(() => ResultSetV1) result: ResultSetV1;
  @IsDefined()
  @ValidateNested()
  @Type(() => MaskingReportV1)
  report: MaskingReportV1;
}

export const ResultMasked: EventDefinition<ResultMaskedV1> = {
  type: 'verity.result.masked.v1',
  version: 1,
  topic: 'masking.result.masked.v1',
  payload: ResultMaskedV1,
  ledgered: false,
  retentionMs: 60 * 60 * 1000,
  key: bySession,
};
