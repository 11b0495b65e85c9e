import { Injectable } from '@nestjs/common';
import { ActionDecidedV1, ActionRequestedV1 } from '@verity/contracts';
import { SqlAnalysisService } from '../analysis/sql-analysis.service';
import { evaluateReadOnly, READ_ONLY_BUNDLE_REVISION, READ_ONLY_POLICY_ID } from './read-only.rule';

/** Decides whether a requested action may run. */
@Injectable()
export class DecisionsService {
  constructor(private readonly sql: SqlAnalysisService) {}

  decide(request: ActionRequestedV1): ActionDecidedV1 {
    const outcome = this.sql.analyse(request.payload.sql);
    const verdict = evaluateReadOnly(outcome);
    return {
      ...verdict,
      policyIds: [READ_ONLY_POLICY_ID],
      bundleRevision: READ_ONLY_BUNDLE_REVISION,
      ...(outcome.parsed ? { analysis: outcome.analysis } : {}),
    };
  }
}
