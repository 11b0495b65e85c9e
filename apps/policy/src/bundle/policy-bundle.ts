import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  DetailedError,
  policySetTextToParts,
  policyToJson,
  preparsePolicySet,
  preparseSchema,
  validate,
} from '@cedar-policy/cedar-wasm/nodejs';
import { CEDAR_SCHEMA } from './cedar-schema';

/** What a policy's annotations say about it. */
export interface PolicyMeta {
  id: string;
  /** `review` when annotated `@decision("review")`: a match sends the action to a human. */
  review: boolean;
  /** `@reason("…")`, quoted in the decision's reasons. */
  reason?: string;
  /** On a review policy, `@approvals("N")`: how many different reviewers must approve (1–10). */
  approvals?: number;
  /**
   * On a review policy, `@approver_groups("a, b")`: only members of these groups may approve,
   * and when more than one approval is needed, each from a group not yet counted.
   */
  approverGroups?: string[];
  file: string;
}

export interface PolicyBundle {
  /** First 16 hex digits of the SHA-256 over the schema and every file's name and text. */
  revision: string;
  /** Cedar text per policy id. */
  policies: Record<string, string>;
  meta: Record<string, PolicyMeta>;
}

export type BundleLoad = { ok: true; bundle: PolicyBundle } | { ok: false; errors: string[] };

export const POLICY_FILE = /\.cedar$/;

/** The bundle's files, sorted by name: `*.cedar` in `dir` (not recursive). */
export function readBundleFiles(dir: string): { name: string; text: string }[] {
  return readdirSync(dir)
    .filter((name) => POLICY_FILE.test(name))
    .sort()
    .map((name) => ({ name, text: readFileSync(path.join(dir, name), 'utf8') }));
}

export function bundleRevision(files: { name: string; text: string }[]): string {
  const hash = createHash('sha256').update(CEDAR_SCHEMA);
  for (const { name, text } of files) hash.update(`\0${name}\0${text}`);
  return hash.digest('hex').slice(0, 16);
}

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

/** `file:line: message (help)`, the line taken from the error's first source location in `text`. */
function located(file: string, text: string, error: DetailedError, base = 0): string {
  const at = error.sourceLocations?.[0];
  const line = at ? `:${lineOf(text, base + at.start)}` : '';
  return `${file}${line}: ${error.message}${error.help ? ` (${error.help})` : ''}`;
}

function annotations(policy: string): Record<string, string> {
  const json = policyToJson(policy);
  return json.type === 'success' ? ((json.json.annotations ?? {}) as Record<string, string>) : {};
}

/** Reads `@approvals` and `@approver_groups`, which only a review policy may carry. */
function reviewRequirements(
  notes: Record<string, string>,
  problem: (message: string) => void,
): Pick<PolicyMeta, 'approvals' | 'approverGroups'> {
  const found: Pick<PolicyMeta, 'approvals' | 'approverGroups'> = {};
  if (notes.approvals !== undefined) {
    const n = Number(notes.approvals);
    if (Number.isInteger(n) && n >= 1 && n <= 10) found.approvals = n;
    else problem(`@approvals must be a whole number from 1 to 10 (got "${notes.approvals}")`);
  }
  if (notes.approver_groups !== undefined) {
    const groups = notes.approver_groups.split(',').map((g) => g.trim());
    if (groups.every((g) => g.length > 0)) found.approverGroups = groups;
    else problem(`@approver_groups must list group names separated by commas (got "${notes.approver_groups}")`);
  }
  if ((found.approvals || found.approverGroups) && notes.decision !== 'review') {
    problem('@approvals and @approver_groups belong on a @decision("review") policy');
  }
  return found;
}

/**
 * Parses every file, validates each policy against the schema, and names each one by its
 * `@id("…")` annotation or, failing that, `<file stem>.<index>`. Any error rejects the whole
 * bundle, with every message naming its file and line.
 */
export function buildBundle(files: { name: string; text: string }[]): BundleLoad {
  const errors: string[] = [];
  const policies: Record<string, string> = {};
  const meta: Record<string, PolicyMeta> = {};
  for (const { name, text } of files) {
    const parts = policySetTextToParts(text);
    if (parts.type === 'failure') {
      errors.push(...parts.errors.map((e) => located(name, text, e)));
      continue;
    }
    if (parts.policy_templates.length > 0) errors.push(`${name}: templates are not supported`);
    const checked = validate({ schema: CEDAR_SCHEMA, policies: { staticPolicies: text } });
    if (checked.type === 'failure') {
      errors.push(...checked.errors.map((e) => located(name, text, e)));
      continue;
    }
    errors.push(...checked.validationErrors.map((v) => located(name, text, v.error)));
    parts.policies.forEach((policy, index) => {
      const notes = annotations(policy);
      const id = notes.id ?? `${name.replace(POLICY_FILE, '')}.${index}`;
      const line = lineOf(text, Math.max(0, text.indexOf(policy)));
      if (meta[id]) errors.push(`${name}:${line}: policy id "${id}" is already used in ${meta[id].file}`);
      if (notes.decision !== undefined && notes.decision !== 'review') {
        errors.push(`${name}:${line}: @decision must be "review" (got "${notes.decision}")`);
      }
      if (notes.decision === 'review' && !/^\s*(@[^\n]*\n\s*)*permit/.test(policy)) {
        errors.push(`${name}:${line}: @decision("review") belongs on a permit policy`);
      }
      const review = reviewRequirements(notes, (problem) => errors.push(`${name}:${line}: ${problem}`));
      policies[id] = policy;
      meta[id] = { id, review: notes.decision === 'review', reason: notes.reason, file: name, ...review };
    });
  }
  if (files.length === 0) errors.push('the bundle holds no .cedar file');
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, bundle: { revision: bundleRevision(files), policies, meta } };
}

export function loadBundle(dir: string): BundleLoad {
  try {
    return buildBundle(readBundleFiles(dir));
  } catch (err) {
    return { ok: false, errors: [`${dir}: ${err instanceof Error ? err.message : String(err)}`] };
  }
}

/** A bundle parsed once into Cedar's cache, ready to evaluate requests against. */
export interface PreparedBundle extends PolicyBundle {
  policySetId: string;
  /** Per SQL action, a policy set holding only the policies whose action scope can match it. */
  policySetIds: Record<string, string>;
}

/**
 * Name of the schema in Cedar's cache. Requests name it so Cedar knows the action hierarchy
 * (`action in Action::"sql"`); the request itself is not validated (the policies were, at load).
 */
export const CEDAR_SCHEMA_ID = 'verity';

export const SQL_ACTIONS = ['sql.read', 'sql.write', 'sql.ddl', 'sql.admin'];
/** The action group every SQL action is in (see the schema). */
const SQL_GROUP = 'sql';

interface ActionScope {
  op: string;
  entity?: { id?: string };
  entities?: { id?: string }[];
}

/** False only when the policy's action scope certainly excludes `action`. */
function mayApply(scope: ActionScope | undefined, action: string): boolean {
  if (!scope || scope.op === 'All') return true;
  if (scope.op === '==') return scope.entity?.id === action;
  if (scope.op === 'in') {
    const ids = [scope.entity, ...(scope.entities ?? [])].map((e) => e?.id).filter((id) => id !== undefined);
    return ids.includes(action) || ids.includes(SQL_GROUP);
  }
  return true;
}

function preparse(id: string, policies: Record<string, string>): string {
  const parsed = preparsePolicySet(id, { staticPolicies: policies });
  if (parsed.type === 'failure') throw new Error(parsed.errors.map((e) => e.message).join('; '));
  return id;
}

/**
 * Parses the bundle into Cedar's cache: whole, and sliced per SQL action so an evaluation only
 * walks the policies that can apply to it (Cedar itself checks every policy of the set).
 */
export function prepareBundle(bundle: PolicyBundle): PreparedBundle {
  const schema = preparseSchema(CEDAR_SCHEMA_ID, CEDAR_SCHEMA);
  if (schema.type === 'failure') throw new Error(schema.errors.map((e) => e.message).join('; '));
  const policySetId = preparse(`verity-${bundle.revision}`, bundle.policies);
  const scopes = Object.fromEntries(
    Object.entries(bundle.policies).map(([id, text]) => {
      const json = policyToJson(text);
      return [id, json.type === 'success' ? (json.json.action as ActionScope) : undefined];
    }),
  );
  const policySetIds = Object.fromEntries(
    SQL_ACTIONS.map((action) => {
      const slice = Object.fromEntries(Object.entries(bundle.policies).filter(([id]) => mayApply(scopes[id], action)));
      return [action, preparse(`verity-${bundle.revision}-${action}`, slice)];
    }),
  );
  return { ...bundle, policySetId, policySetIds };
}
