import { Policy, preparsePolicySet } from '@cedar-policy/cedar-wasm/nodejs';

/**
 * Cedar's per-call cost grows with what it is handed: every policy of the set is evaluated (scope
 * included), every context attribute and set element is converted, every entity is built. So a
 * request is evaluated against a *slice* of the bundle: only the policies whose scope can match
 * this action, connection, principal type and groups, with the scope parts already known to match
 * rewritten to `All`, and only the context attributes those policies read. The slice's policies
 * decide exactly as the whole bundle would for such a request: a policy left out could not match,
 * and a scope rewritten to `All` was true.
 *
 * Slices are built on first use, parsed once into Cedar's cache and kept (at most MAX_SLICES per
 * bundle; the least recently used one's cache slot is reused).
 */

/** A policy in Cedar's JSON form (policyToJson). */
export interface PolicyJson {
  effect: string;
  principal: ScopeJson;
  action: ScopeJson;
  resource: ScopeJson;
  conditions: { kind: string; body: unknown }[];
  annotations?: Record<string, string | null>;
}

interface EntityRef {
  type: string;
  id: string;
}

interface ScopeJson {
  op: string;
  entity?: EntityRef;
  entities?: EntityRef[];
  entity_type?: string;
  in?: { entity?: EntityRef };
  slot?: string;
}

/** Which parts of the context a policy reads: `true` = the whole value, else per attribute. */
export type ContextUse = true | Map<string, ContextUse>;

/** What a request is sliced by. */
export interface SliceKey {
  action: string;
  connection: string;
  principalType: string;
  groups: readonly string[];
}

export interface PolicySlice {
  /** What the slice was built for (action, connection, principal type, groups), as one string. */
  key: string;
  /** The preparsed policy set's id in Cedar's cache (a slot, reused after an eviction). */
  policySetId: string;
  /** How many policies of the bundle can apply. */
  size: number;
  /** The context the slice's policies read; pass `prune(context, use)`. */
  use: ContextUse;
  /** A condition reads `principal` (its groups): pass the principal entity with its parents. */
  needsPrincipal: boolean;
  /**
   * A condition reads `action`, or a scope could not be decided statically: evaluate with the
   * schema (for the action hierarchy), the whole context and the principal entity.
   */
  needsSchema: boolean;
}

export const MAX_SLICES = 512;
/** Cedar answers remembered per bundle, and the longest request key remembered. */
export const MAX_ANSWERS = 4096;
export const MAX_ANSWER_KEY = 2048;

const ALL: ScopeJson = { op: 'All' };

/** `true` / `false` when the scope's outcome is known for the key, `undefined` when it is not. */
type Known = boolean | undefined;

function principalMatches(scope: ScopeJson, key: SliceKey): Known {
  const inEntity = (e: EntityRef | undefined): Known => {
    if (!e) return undefined;
    // Groups are the principal's only parents (principalOf); any other entity only equals itself.
    if (e.type === 'Group') return key.groups.includes(e.id);
    return e.type === key.principalType ? undefined : false;
  };
  switch (scope.op) {
    case 'All':
      return true;
    case '==':
      return scope.entity && scope.entity.type !== key.principalType ? false : undefined;
    case 'in':
      return inEntity(scope.entity);
    case 'is':
      if (scope.entity_type !== key.principalType) return false;
      return scope.in ? inEntity(scope.in.entity) : true;
    default:
      return undefined;
  }
}

function resourceMatches(scope: ScopeJson, key: SliceKey): Known {
  // A Connection has no parents (see the schema): `in` is equality.
  const is = (e: EntityRef | undefined): Known => (e ? e.type === 'Connection' && e.id === key.connection : undefined);
  switch (scope.op) {
    case 'All':
      return true;
    case '==':
    case 'in':
      return is(scope.entity);
    case 'is':
      if (scope.entity_type !== 'Connection') return false;
      return scope.in ? is(scope.in.entity) : true;
    default:
      return undefined;
  }
}

function actionMatches(scope: ScopeJson, action: string, ancestors: Record<string, string[]>): Known {
  const within = (e: EntityRef | undefined) =>
    !!e && e.type === 'Action' && (e.id === action || (ancestors[action] ?? []).includes(e.id));
  switch (scope.op) {
    case 'All':
      return true;
    case '==':
      return !!scope.entity && scope.entity.type === 'Action' && scope.entity.id === action;
    case 'in':
      return [scope.entity, ...(scope.entities ?? [])].some(within);
    default:
      return undefined;
  }
}

function isFields(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mark(use: ContextUse, path: string[]): ContextUse {
  if (use === true) return true;
  if (path.length === 0) return true;
  const [head, ...rest] = path;
  use.set(head, mark(use.get(head) ?? new Map(), rest));
  return use;
}

/** The attribute path of `context.a.b…` (`.` or `has` chains down to `Var context`), else undefined. */
function contextPath(node: unknown): string[] | undefined {
  if (!isFields(node)) return undefined;
  if (node.Var === 'context') return [];
  const access = (isFields(node['.']) && node['.']) || (isFields(node.has) && node.has) || undefined;
  if (!access) return undefined;
  const base = contextPath(access.left);
  if (!base) return undefined;
  const attr = access.attr;
  return [...base, ...(Array.isArray(attr) ? attr.map(String) : [String(attr)])];
}

/** Walks a policy's JSON expression: the context paths it reads and the variables it names. */
export function readsOf(expression: unknown, found: { use: ContextUse; vars: Set<string> }): void {
  const stack: unknown[] = [expression];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      stack.push(...node);
      continue;
    }
    if (!isFields(node)) continue;
    const path = contextPath(node);
    if (path) {
      found.use = mark(found.use, path);
      if (path.length === 0) found.vars.add('context');
      continue;
    }
    if (typeof node.Var === 'string') {
      found.vars.add(node.Var);
      continue;
    }
    for (const [key, child] of Object.entries(node)) if (key !== 'Value') stack.push(child);
  }
}

/** The parts of `value` that `use` names (a missing attribute stays missing). */
export function prune(value: unknown, use: ContextUse): unknown {
  if (use === true || !isFields(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of use) if (key in value) out[key] = prune(value[key], inner);
  return out;
}

/**
 * The slices of one bundle. `ancestors` maps each action to the action groups it is in (from the
 * schema), so `action in Action::"sql"` is decided without asking Cedar.
 */
export class PolicySlices {
  private readonly cache = new Map<string, PolicySlice>();
  private readonly answers = new Map<string, unknown>();
  private created = 0;

  constructor(
    private readonly revision: string,
    private readonly policies: Record<string, PolicyJson>,
    private readonly ancestors: Record<string, string[]>,
    /** How many Cedar answers to remember (0: none). */
    private readonly maxAnswers = MAX_ANSWERS,
  ) {}

  /**
   * Cedar's answer for `key` — the slice and everything the evaluation reads (principal, pruned
   * context, entities) — computed once and remembered (least recently used first out). Cedar is
   * deterministic, so the same input gets the same answer. Long keys are not remembered.
   */
  answer<T>(key: string, compute: () => T): T {
    if (this.maxAnswers === 0 || key.length > MAX_ANSWER_KEY) return compute();
    if (this.answers.has(key)) {
      const hit = this.answers.get(key) as T;
      this.answers.delete(key);
      this.answers.set(key, hit);
      return hit;
    }
    const computed = compute();
    if (this.answers.size >= this.maxAnswers) this.answers.delete(this.answers.keys().next().value as string);
    this.answers.set(key, computed);
    return computed;
  }

  get(key: SliceKey): PolicySlice {
    const id = JSON.stringify([key.action, key.connection, key.principalType, [...key.groups].sort()]);
    const hit = this.cache.get(id);
    if (hit) {
      // Most recently used last.
      this.cache.delete(id);
      this.cache.set(id, hit);
      return hit;
    }
    let slot = `verity-${this.revision}-slice-${this.created++}`;
    if (this.cache.size >= MAX_SLICES) {
      const [oldest, evicted] = this.cache.entries().next().value as [string, PolicySlice];
      this.cache.delete(oldest);
      slot = evicted.policySetId;
    }
    const slice = this.build(key, slot, id);
    this.cache.set(id, slice);
    return slice;
  }

  private build(key: SliceKey, slot: string, id: string): PolicySlice {
    const kept: Record<string, PolicyJson> = {};
    const found = { use: new Map() as ContextUse, vars: new Set<string>() };
    let undecided = false;
    for (const [id, policy] of Object.entries(this.policies)) {
      const principal = principalMatches(policy.principal, key);
      const action = actionMatches(policy.action, key.action, this.ancestors);
      const resource = resourceMatches(policy.resource, key);
      if (principal === false || action === false || resource === false) continue;
      // A principal `==`/`in` one user (or agent, service) is checked by Cedar on the request's uid.
      const principalByUid =
        principal === undefined &&
        (policy.principal.op === '==' || policy.principal.op === 'in') &&
        !!policy.principal.entity;
      if ((principal === undefined && !principalByUid) || action === undefined || resource === undefined) {
        undecided = true;
      }
      kept[id] = {
        ...policy,
        principal: principal === true ? ALL : policy.principal,
        action: action === true ? ALL : policy.action,
        resource: resource === true ? ALL : policy.resource,
      };
      for (const condition of policy.conditions) readsOf(condition.body, found);
    }
    const parsed = preparsePolicySet(slot, { staticPolicies: kept as unknown as Record<string, Policy> });
    if (parsed.type === 'failure') throw new Error(parsed.errors.map((e) => e.message).join('; '));
    return {
      key: id,
      policySetId: slot,
      size: Object.keys(kept).length,
      use: found.use,
      needsPrincipal: found.vars.has('principal'),
      needsSchema: undecided || found.vars.has('action'),
    };
  }
}
