import { Injectable } from '@nestjs/common';
import {
  ActionDecidedV1,
  ActionRequestedV1,
  ActorV1,
  httpPayloadOf,
  ObligationsV1,
  sqlPayloadOf,
} from '@verity/contracts';
import { SqlAnalysisService } from '../analysis/sql-analysis.service';
import { PolicyBundleService } from '../bundle/policy-bundle.service';
import { evaluateClass, evaluateHttp, httpFacts, strictest } from './cedar-evaluation';

/** What the gateway must do with an action that runs (now, or after review). */
export function obligationsFor(readOnly: boolean): ObligationsV1 {
  return { maskingProfile: 'default', rowLimit: 1000, readOnly };
}

/**
 * Decides whether a requested action may run: the SQL is analysed, then each statement class
 * present in the batch (read, write, ddl, admin) is evaluated as Cedar action `sql.<class>` on
 * `Connection::"<name>"`, and the strictest result wins (deny, then review, then allow).
 */
@Injectable()
export class DecisionsService {
  constructor(
    private readonly sql: SqlAnalysisService,
    private readonly bundles: PolicyBundleService,
  ) {}

  decide(request: ActionRequestedV1, actor: ActorV1, sessionId: string): ActionDecidedV1 {
    const bundle = this.bundles.current();
    const base = { policyIds: [], bundleRevision: bundle.revision, obligations: {} };
    const http = httpPayloadOf(request);
    if (http) {
      const facts = httpFacts(http);
      const input = { actor, connection: request.connection, operation: request.operation, sessionId, facts };
      const verdict = evaluateHttp(bundle, input);
      return {
        ...base,
        decision: verdict.decision,
        reasons: [verdict.reason],
        policyIds: verdict.policyIds,
        // No row cap: the gateway's own limits bound an HTTP response.
        obligations: verdict.decision === 'deny' ? {} : { maskingProfile: 'default', readOnly: facts.safe },
      };
    }
    const sql = sqlPayloadOf(request);
    if (!sql) return { ...base, decision: 'deny', reasons: [`${request.operation} is not supported by policy`] };
    const outcome = this.sql.analyse(sql.sql);
    if (!outcome.parsed) {
      return { ...base, decision: 'deny', reasons: [`SQL does not parse: ${outcome.error}`] };
    }
    const { facts, analysis } = outcome;
    if (facts.statementCount === 0) {
      return { ...base, decision: 'deny', reasons: ['the SQL holds no statement'], analysis };
    }
    const input = { actor, connection: request.connection, operation: request.operation, sessionId, facts };
    const verdicts = facts.classes.map((cls) => evaluateClass(bundle, input, cls));
    const decision = strictest(verdicts);
    return {
      decision,
      reasons: verdicts.filter((v) => v.decision === decision).map((v) => v.reason),
      policyIds: [...new Set(verdicts.flatMap((v) => v.policyIds))],
      bundleRevision: bundle.revision,
      obligations: decision === 'deny' ? {} : obligationsFor(facts.classes.every((c) => c === 'read')),
      analysis,
    };
  }
}
