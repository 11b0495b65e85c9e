import { createHash } from 'node:crypto';
import { SqlOutcome } from '../analysis/sql-analysis.service';
import { evaluateReadOnly, READ_ONLY_BUNDLE_REVISION, READ_ONLY_RULE_DEFINITION } from './read-only.rule';

const analysis = (over: Partial<Extract<SqlOutcome, { parsed: true }>['analysis']> = {}) => ({
  statementKinds: ['SelectStmt'],
  tablesRead: ['customers'],
  tablesWritten: [],
  readOnly: true,
  ...over,
});

describe('evaluateReadOnly', () => {
  it('allows read-only SQL with the default obligations', () => {
    expect(evaluateReadOnly({ parsed: true, analysis: analysis(), writes: [] })).toEqual({
      decision: 'allow',
      reasons: ['every statement is read-only'],
      obligations: { maskingProfile: 'default', rowLimit: 1000, readOnly: true },
    });
  });

  it('denies a write and names what it found', () => {
    const outcome: SqlOutcome = {
      parsed: true,
      analysis: analysis({ statementKinds: ['DeleteStmt'], tablesWritten: ['customers'], readOnly: false }),
      writes: ['DeleteStmt on customers'],
    };
    expect(evaluateReadOnly(outcome)).toEqual({
      decision: 'deny',
      reasons: ['only read-only statements are allowed; found DeleteStmt on customers'],
      obligations: {},
    });
  });

  it('lists at most ten findings in its reason', () => {
    const writes = Array.from({ length: 12 }, (_, i) => `DropStmt on t${i}`);
    const verdict = evaluateReadOnly({ parsed: true, analysis: analysis({ readOnly: false }), writes });
    expect(verdict.reasons[0]).toMatch(/found DropStmt on t0, .*DropStmt on t9 and 2 more$/);
  });

  it('denies SQL that does not parse with the parser message', () => {
    expect(evaluateReadOnly({ parsed: false, error: 'syntax error at or near "SELEC"' })).toEqual({
      decision: 'deny',
      reasons: ['SQL does not parse: syntax error at or near "SELEC"'],
      obligations: {},
    });
  });

  it('denies SQL without any statement', () => {
    const verdict = evaluateReadOnly({
      parsed: true,
      analysis: analysis({ statementKinds: [], tablesRead: [], readOnly: false }),
      writes: [],
    });
    expect(verdict).toMatchObject({ decision: 'deny', reasons: ['the SQL holds no statement'] });
  });

  it('never allows when the analysis says not read-only, even with no finding listed', () => {
    expect(evaluateReadOnly({ parsed: true, analysis: analysis({ readOnly: false }), writes: [] }).decision).toBe(
      'deny',
    );
  });

  it('derives the bundle revision from the rule definition', () => {
    const digest = createHash('sha256').update(READ_ONLY_RULE_DEFINITION).digest('hex');
    expect(READ_ONLY_BUNDLE_REVISION).toMatch(/^[0-9a-f]{16}$/);
    expect(digest.startsWith(READ_ONLY_BUNDLE_REVISION)).toBe(true);
  });
});
