import { Injectable, Optional } from '@nestjs/common';
import { ResultCapturedV1, ResultMaskedV1 } from '@verity/contracts';
import { ProfileRegistry } from '../profiles/masking-profile';
import { ValueWalker } from './value-walker';

/** Masks a captured result with the profile it names. */
@Injectable()
export class ResultsService {
  constructor(@Optional() private readonly profiles: ProfileRegistry = ProfileRegistry.builtIn()) {}

  /** Throws MASKING.PROFILE_NOT_FOUND for a profile it does not know. */
  mask(captured: ResultCapturedV1): ResultMaskedV1 {
    const walker = new ValueWalker(this.profiles.find(captured.profile));
    const { columns } = captured.result;
    const rows = captured.result.rows.map((row) => row.map((cell, i) => walker.mask(cell, columns[i] ?? `#${i + 1}`)));
    return {
      resultDigest: captured.resultDigest,
      result: { ...captured.result, rows },
      report: walker.report(),
    };
  }
}
