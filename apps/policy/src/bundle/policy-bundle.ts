import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  DetailedError,
  policySetTextToParts,
  policyToJson,
  preparsePolicySet,
  preparseSchema,
  schemaToJson,
  validate,
} from '@cedar-policy/cedar-wasm/nodejs';
import { CEDAR_SCHEMA } from './cedar-schema';
import { PolicyJson, PolicySlices } from './policy-slices';

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

/** The policy's annotations and effect, from Cedar's own parse of it. */
function annotations(policy: string): { notes: Record<string, string>; effect?: string } {
  const json = policyToJson(policy);
  if (json.type === 'failure') return { notes: {} };
  return { notes: (json.json.annotations ?? {}) as Record<string, string>, effect: json.json.effect };
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
      const { notes, effect } = annotations(policy);
      const id = notes.id ?? `${name.replace(POLICY_FILE, '')}.${index}`;
      const line = lineOf(text, Math.max(0, text.indexOf(policy)));
      if (meta[id]) errors.push(`${name}:${line}: policy id "${id}" is already used in ${meta[id].file}`);
      if (notes.decision !== undefined && notes.decision !== 'review') {
        errors.push(`${name}:${line}: @decision must be "review" (got "${notes.decision}")`);
      }
      if (notes.decision === 'review' && effect !== 'permit') {
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

/** A bundle ready to evaluate requests against: sliced per request shape, parsed once per slice. */
export interface PreparedBundle extends PolicyBundle {
  /** The whole bundle in Cedar's cache. Decisions use `slices` (cheaper per call, same answers). */
  policySetId: string;
  slices: PolicySlices;
  /** Each policy's place in the bundle (file name order, then order in the file). */
  order: Record<string, number>;
}

/**
 * Name of the schema in Cedar's cache. A slice whose scopes cannot all be decided up front, or
 * whose conditions read `action`, is evaluated with it (for the action hierarchy).
 */
export const CEDAR_SCHEMA_ID = 'verity';

/** Each action → every action group it is in, transitively, from the schema. */
export function actionAncestors(): Record<string, string[]> {
  const json = schemaToJson(CEDAR_SCHEMA);
  if (json.type === 'failure') throw new Error(json.errors.map((e) => e.message).join('; '));
  const actions = Object.values(json.json).flatMap((ns) => Object.entries(ns.actions ?? {}));
  const parents = Object.fromEntries(actions.map(([id, a]) => [id, (a.memberOf ?? []).map((m) => m.id)]));
  const up = (id: string, seen: Set<string>): string[] => {
    for (const parent of parents[id] ?? []) if (!seen.has(parent)) up(parent, seen.add(parent));
    return [...seen];
  };
  return Object.fromEntries(Object.keys(parents).map((id) => [id, up(id, new Set())]));
}

/** Parses the schema into Cedar's cache and readies the bundle's slices (built on first use). */
export function prepareBundle(bundle: PolicyBundle, options: { answers?: number } = {}): PreparedBundle {
  const schema = preparseSchema(CEDAR_SCHEMA_ID, CEDAR_SCHEMA);
  if (schema.type === 'failure') throw new Error(schema.errors.map((e) => e.message).join('; '));
  const policies = Object.fromEntries(
    Object.entries(bundle.policies).map(([id, text]) => {
      const json = policyToJson(text);
      if (json.type === 'failure') throw new Error(`${id}: ${json.errors.map((e) => e.message).join('; ')}`);
      return [id, json.json as unknown as PolicyJson];
    }),
  );
  const order = Object.fromEntries(Object.keys(bundle.policies).map((id, i) => [id, i]));
  const policySetId = `verity-${bundle.revision}`;
  const whole = preparsePolicySet(policySetId, { staticPolicies: bundle.policies });
  if (whole.type === 'failure') throw new Error(whole.errors.map((e) => e.message).join('; '));
  return {
    ...bundle,
    policySetId,
    order,
    slices: new PolicySlices(bundle.revision, policies, actionAncestors(), options.answers),
  };
}
