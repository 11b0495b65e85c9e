import { createHash } from 'node:crypto';
import { Decision, ObligationsV1 } from '@verity/contracts';
import { SqlOutcome } from '../analysis/sql-analysis.service';

export const READ_ONLY_POLICY_ID = 'builtin.read-only';

/** The rule as stated; its digest is the bundle revision, so any change to it shows in decisions. */
export const READ_ONLY_RULE_DEFINITION = [
  `${READ_ONLY_POLICY_ID}@1`,
  'allow when the payload parses and every statement is read-only:',
  'a SELECT with no INTO, no locking clause and no data-modifying statement anywhere inside it;',
  'deny otherwise, naming what was found;',
  'obligations on allow: maskingProfile=default, rowLimit=1000, readOnly=true.',
].join(' ');

export const READ_ONLY_BUNDLE_REVISION = createHash('sha256')
  .update(READ_ONLY_RULE_DEFINITION)
  .digest('hex')
  .slice(0, 16);

export const READ_ONLY_OBLIGATIONS: Readonly<ObligationsV1> = Object.freeze({
  maskingProfile: 'default',
  rowLimit: 1000,
  readOnly: true,
});

export interface Verdict {
  decision: Decision;
  reasons: string[];
  obligations: ObligationsV1;
}

/** Reasons name at most this many findings; the analysis carries the full lists. */
const MAX_FINDINGS_IN_REASON = 10;

function listFindings(findings: string[]): string {
  const shown = findings.slice(0, MAX_FINDINGS_IN_REASON).join(', ');
  const more = findings.length - MAX_FINDINGS_IN_REASON;
  return more > 0 ? `${shown} and ${more} more` : shown;
}

/** The spine's first rule: only read-only SQL runs. Pure. */
export function evaluateReadOnly(outcome: SqlOutcome): Verdict {
  if (!outcome.parsed) {
    return { decision: 'deny', reasons: [`SQL does not parse: ${outcome.error}`], obligations: {} };
  }
  if (outcome.analysis.statementKinds.length === 0) {
    return { decision: 'deny', reasons: ['the SQL holds no statement'], obligations: {} };
  }
  if (!outcome.analysis.readOnly) {
    const found = listFindings([...new Set(outcome.writes)]);
    return { decision: 'deny', reasons: [`only read-only statements are allowed; found ${found}`], obligations: {} };
  }
  return { decision: 'allow', reasons: ['every statement is read-only'], obligations: { ...READ_ONLY_OBLIGATIONS } };
}
