import type { ActionView } from '../actions/dto/action.view';

/**
 * OCSF 1.3.0 records for the SIEM export. Classes and their required attributes as the schema
 * publishes them (https://schema.ocsf.io/1.3.0/classes/api_activity and
 * …/classes/datastore_activity; also rendered at
 * https://docs.tenzir.com/reference/ocsf/1-3-0/classes/api_activity and
 * https://docs.tenzir.com/reference/ocsf/1-3-0/classes/datastore_activity):
 *
 * - `http.request` → API Activity, class_uid 6003 (category 6, Application Activity);
 *   activity_id 1 Create, 2 Read, 3 Update, 4 Delete, 99 Other. Required: activity_id, actor,
 *   api (whose `operation` is required), category_uid, class_uid, metadata (product, version),
 *   severity_id, src_endpoint, time, type_uid.
 * - `sql.query` → Datastore Activity, class_uid 6005 — OCSF has no class named "Database
 *   Activity"; Datastore Activity is the one for databases (AWS RDS is its example). activity_id
 *   1 Read, 2 Update, 4 Query, 5 Write, 6 Create, 7 Delete, 99 Other. Required: activity_id,
 *   actor, category_uid, class_uid, metadata, severity_id, src_endpoint, time, type_uid.
 *
 * type_uid = class_uid × 100 + activity_id. Verity's own facts (decision, policies, review,
 * ledger references, the agent's thought) go in `unmapped`, as OCSF provides for.
 */
export const OCSF_VERSION = '1.3.0';
export const API_ACTIVITY = 6003;
export const DATASTORE_ACTIVITY = 6005;
export const APPLICATION_ACTIVITY = 6;

/** The attributes each class requires (top level), and within objects: checked by the unit test. */
export const OCSF_REQUIRED: Record<number, string[]> = {
  [API_ACTIVITY]: [
    'activity_id',
    'actor',
    'api',
    'category_uid',
    'class_uid',
    'metadata',
    'severity_id',
    'src_endpoint',
    'time',
    'type_uid',
  ],
  [DATASTORE_ACTIVITY]: [
    'activity_id',
    'actor',
    'category_uid',
    'class_uid',
    'metadata',
    'severity_id',
    'src_endpoint',
    'time',
    'type_uid',
  ],
};

const HTTP_ACTIVITY: Record<string, [number, string]> = {
  POST: [1, 'Create'],
  GET: [2, 'Read'],
  HEAD: [2, 'Read'],
  PUT: [3, 'Update'],
  PATCH: [3, 'Update'],
  DELETE: [4, 'Delete'],
};

/** The datastore activity of a statement, from the policy's analysis of it. */
function sqlActivity(a: ActionView): [number, string] {
  const kinds = new Set(a.analysis?.statementKinds ?? []);
  if (a.analysis?.readOnly) return [4, 'Query'];
  if (kinds.size === 1 && kinds.has('insert')) return [6, 'Create'];
  if (kinds.size === 1 && kinds.has('update')) return [2, 'Update'];
  if (kinds.size === 1 && kinds.has('delete')) return [7, 'Delete'];
  if (a.analysis && a.analysis.tablesWritten.length > 0) return [5, 'Write'];
  return [99, 'Other'];
}

/** OCSF status: 1 Success (executed), 2 Failure (failed, denied), 0 Unknown (not finished). */
function status(a: ActionView): { status_id: number; status: string; status_code?: string } {
  if (a.status === 'executed') return { status_id: 1, status: 'Success' };
  if (a.status === 'failed' || a.status === 'denied') {
    return { status_id: 2, status: 'Failure', ...(a.error ? { status_code: a.error.code } : {}) };
  }
  return { status_id: 0, status: 'Unknown' };
}

const ms = (iso: string | null): number | undefined => (iso === null ? undefined : new Date(iso).getTime());

export function toOcsf(a: ActionView): Record<string, unknown> {
  const isHttp = a.operation === 'http.request';
  const classUid = isHttp ? API_ACTIVITY : DATASTORE_ACTIVITY;
  const [activityId, activityName] = isHttp ? (HTTP_ACTIVITY[a.http?.method ?? ''] ?? [99, 'Other']) : sqlActivity(a);
  const subject = a.identity?.subject ?? 'unknown';
  const time = ms(a.requestedAt) ?? ms(a.updatedAt)!;
  const common = {
    activity_id: activityId,
    activity_name: activityName,
    category_uid: APPLICATION_ACTIVITY,
    category_name: 'Application Activity',
    class_uid: classUid,
    class_name: isHttp ? 'API Activity' : 'Datastore Activity',
    type_uid: classUid * 100 + activityId,
    severity_id: a.decision === 'deny' ? 3 : 1,
    severity: a.decision === 'deny' ? 'Medium' : 'Informational',
    time,
    ...(a.completedAt ? { end_time: ms(a.completedAt), duration: a.durationMs ?? undefined } : {}),
    ...status(a),
    message: a.thought ?? undefined,
    metadata: {
      version: OCSF_VERSION,
      product: { name: 'Verity', vendor_name: 'Verity', feature: { name: 'audit' } },
      uid: a.actionId,
      correlation_uid: a.sessionId,
      original_time: a.requestedAt ?? undefined,
      logged_time: ms(a.updatedAt),
    },
    actor: {
      user: { uid: subject, name: subject, type: a.identity?.kind },
      session: { uid: a.sessionId, issuer: a.identity?.issuer },
      ...(a.agent ? { app_name: a.agent } : {}),
    },
    src_endpoint: { name: a.agent ?? subject },
    dst_endpoint: { name: a.connection ?? undefined },
    unmapped: {
      verity: {
        operation: a.operation,
        sql: a.sql,
        tables: a.tables,
        decision: a.decision,
        reasons: a.reasons,
        policy_ids: a.policyIds,
        bundle_revision: a.bundleRevision,
        review: a.reviews[0] ?? null,
        agent: { step: a.step, thought: a.thought, tool: a.tool, model: a.model },
        masking: a.masking,
        payload_digest: a.payloadDigest,
        result_digest: a.resultDigest,
        ledger_refs: a.ledgerRefs,
      },
    },
  };
  if (isHttp) {
    return {
      ...common,
      api: {
        operation: `${a.http?.method ?? 'UNKNOWN'} ${a.http?.path ?? ''}`.trim(),
        service: { name: a.connection },
      },
      http_request: a.http ? { http_method: a.http.method, url: { path: a.http.path } } : undefined,
    };
  }
  return {
    ...common,
    database: { name: a.connection ?? undefined, type: 'PostgreSQL', type_id: 99 },
  };
}

export type OcsfRecord = Record<string, unknown>;

const isEmpty = (v: unknown): boolean =>
  v === undefined || v === null || v === '' || (typeof v === 'object' && Object.keys(v as object).length === 0);

/**
 * What keeps `record` from being a valid record of its class: each required attribute present
 * and non-empty (OCSF_REQUIRED, from the schema pages cited above), metadata.version and
 * metadata.product.vendor_name, api.operation for API Activity, category 6, type_uid =
 * class_uid × 100 + activity_id, time as integer milliseconds, severity_id in 0–6 or 99.
 * Empty when valid. Written from the schema, not from toOcsf, so the tests can trust it.
 */
export function ocsfProblems(record: OcsfRecord): string[] {
  const classUid = record.class_uid as number;
  const required = OCSF_REQUIRED[classUid];
  if (!required) return [`unknown class_uid ${String(classUid)}`];
  const problems = required.filter((k) => isEmpty(record[k])).map((k) => `missing ${k}`);
  const metadata = record.metadata as { version?: string; product?: { vendor_name?: string } } | undefined;
  if (metadata && metadata.version !== OCSF_VERSION) problems.push('metadata.version');
  if (metadata && isEmpty(metadata.product?.vendor_name)) problems.push('metadata.product.vendor_name');
  if (record.category_uid !== APPLICATION_ACTIVITY) problems.push('category_uid');
  if (record.type_uid !== classUid * 100 + (record.activity_id as number)) problems.push('type_uid');
  if (!Number.isInteger(record.time)) problems.push('time');
  if (![0, 1, 2, 3, 4, 5, 6, 99].includes(record.severity_id as number)) problems.push('severity_id');
  if (classUid === API_ACTIVITY && isEmpty((record.api as { operation?: string } | undefined)?.operation)) {
    problems.push('api.operation');
  }
  return problems;
}
