import type { ActionView } from '../actions/dto/action.view';

/** One CSV line (RFC 4180): a field with a comma, quote or line break is quoted, quotes doubled. */
export function csvLine(fields: (string | number | null | undefined)[]): string {
  return (
    fields
      .map((f) => {
        const text = f === null || f === undefined ? '' : String(f);
        return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
      })
      .join(',') + '\r\n'
  );
}

const list = (xs: string[] | null | undefined): string | null => (xs ? xs.join(';') : null);

/** The CSV columns: one flat row per action; lists joined with `;`, the rest as in the JSON. */
export const CSV_COLUMNS: [string, (a: ActionView) => string | number | null][] = [
  ['actionId', (a) => a.actionId],
  ['sessionId', (a) => a.sessionId],
  ['requestedAt', (a) => a.requestedAt],
  ['identity', (a) => a.identity?.subject ?? null],
  ['identityKind', (a) => a.identity?.kind ?? null],
  ['agent', (a) => a.agent],
  ['connection', (a) => a.connection],
  ['operation', (a) => a.operation],
  ['sql', (a) => a.sql],
  ['httpMethod', (a) => a.http?.method ?? null],
  ['httpPath', (a) => a.http?.path ?? null],
  ['tables', (a) => list(a.tables)],
  ['step', (a) => a.step],
  ['thought', (a) => a.thought],
  ['decision', (a) => a.decision],
  ['policyIds', (a) => list(a.policyIds)],
  ['bundleRevision', (a) => a.bundleRevision],
  ['reviewState', (a) => a.reviews[0]?.state ?? null],
  ['approvers', (a) => list(a.reviews[0]?.verdicts.map((v) => `${v.approver}:${v.verdict}`))],
  ['status', (a) => a.status],
  ['errorCode', (a) => a.error?.code ?? null],
  ['rowCount', (a) => a.result?.rowCount ?? null],
  ['maskedValues', (a) => a.masking?.maskedValues ?? null],
  ['completedAt', (a) => a.completedAt],
  ['durationMs', (a) => a.durationMs],
  ['payloadDigest', (a) => a.payloadDigest],
  ['resultDigest', (a) => a.resultDigest],
  ['ledgerRefs', (a) => a.ledgerRefs.map((r) => `${r.shard}:${r.index}`).join(';')],
];

export const csvHeader = (): string => csvLine(CSV_COLUMNS.map(([name]) => name));
export const csvRow = (a: ActionView): string => csvLine(CSV_COLUMNS.map(([, value]) => value(a)));
