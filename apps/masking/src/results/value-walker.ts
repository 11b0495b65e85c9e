import { FieldMaskingV1, MaskingReportV1 } from '@verity/contracts';
import { MaskingProfile } from '../profiles/masking-profile';
import { DetectionContext } from '../detectors/detector';
import { maskFound } from './text-masker';

/** What a dropped field becomes where it cannot be removed (a row cell, an array item). */
const DROPPED = null;
/** Marks a value whose strategy dropped the whole field. */
const DROP = Symbol('drop');

/** What a value that cannot be inspected becomes: it is withheld, never passed through. */
export const WITHHELD = '[WITHHELD]';
export const UNINSPECTED = 'uninspected';

/** Nesting deeper than this (JSON in JSON in …) is withheld rather than walked. */
export const MAX_DEPTH = 64;

const MAX_FIELD_LENGTH = 256;

/** The name that holds a value at `path`, lower-cased: `billing.cardNumber[]` → `cardnumber`. */
export function fieldOf(path: string): string {
  const last = path.slice(path.lastIndexOf('.') + 1).replace(/(?:\[\])+$/, '');
  return last.startsWith('#') ? '' : last.toLowerCase();
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** The first character that is not whitespace, as a code (-1 when there is none); allocates nothing. */
function firstCode(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return c;
  }
  return -1;
}

/** The JSON object or array a string holds, if it holds one. */
function parseContainer(text: string): object | undefined {
  const first = firstCode(text);
  if (first !== 123 && first !== 91) return undefined; // { [
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `a=1&b=x%40y.com`: an HTML form or query string (an HTTP body, a URL's query). Keys are names, values
 * text; at least two pairs, or one pair in a field named like a body, so a lone `key=value` stays text.
 */
const FORM = /^[A-Za-z0-9_.~%[\]-]+=[^&\s]*(?:&[A-Za-z0-9_.~%[\]-]+=[^&\s]*)*$/;
const BODY_FIELD = /^(?:body|form|query|querystring|payload|data|content|request_?body|response_?body)$/;
/** Longest form body parsed into pairs; longer ones are scanned as text. */
const MAX_FORM = 1024 * 1024;

function parseForm(text: string, field: string): Array<[string, string]> | undefined {
  if (text.length > MAX_FORM || text.indexOf('=') === -1) return undefined;
  if (text.indexOf('&') === -1 && !BODY_FIELD.test(field)) return undefined;
  if (!FORM.test(text)) return undefined;
  try {
    return [...new URLSearchParams(text)];
  } catch {
    return undefined;
  }
}

/** Sets an own property even for keys like `__proto__`. */
function define(target: Record<string, Json>, key: string, value: Json): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/**
 * Masks values cell by cell and keeps the report. Strings are scanned; a string that holds a
 * JSON object or array is parsed, walked and written back; objects and arrays (JSON columns)
 * are walked, keys included; numbers, booleans and null pass. Anything else — or anything
 * nested deeper than MAX_DEPTH — is withheld. Field names are `column`, `column.key.key`,
 * `column.list[]`; the report never holds a value.
 */
export class ValueWalker {
  private maskedValues = 0;
  private readonly fields = new Map<string, Record<string, number>>();
  private readonly fieldNames = new Map<string, string>();
  private readonly contexts = new Map<string, DetectionContext>();

  constructor(private readonly profile: MaskingProfile) {}

  mask(value: unknown, field: string): Json {
    const masked = this.walk(value, field, 0);
    return masked === DROP ? DROPPED : masked;
  }

  report(): MaskingReportV1 {
    const fields: FieldMaskingV1[] = [...this.fields].map(([field, entities]) => ({ field, entities }));
    return { profile: this.profile.name, maskedValues: this.maskedValues, fields };
  }

  private walk(value: unknown, path: string, depth: number): Json | typeof DROP {
    if (value === null || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)))
      return value;
    if (depth >= MAX_DEPTH) return this.withhold(path);
    if (typeof value === 'string') return this.string(value, path, depth);
    if (Array.isArray(value))
      return value.map((item) => {
        const masked = this.walk(item, `${path}[]`, depth + 1);
        return masked === DROP ? DROPPED : masked;
      });
    if (isPlainObject(value)) return this.object(value, path, depth);
    return this.withhold(path);
  }

  private string(text: string, path: string, depth: number): Json | typeof DROP {
    const container = parseContainer(text);
    if (container) {
      const before = this.maskedValues;
      const masked = this.walk(container, path, depth + 1);
      if (masked === DROP) return DROP;
      return this.maskedValues === before ? text : JSON.stringify(masked);
    }
    const field = this.fieldOf(path);
    const form = parseForm(text, field);
    if (form) return this.form(text, form, path, depth);
    return this.text(text, path, field);
  }

  /**
   * A form body: each value is masked with its key as the field (so `password=…`, `card_number=…`
   * are read whole), keys are scanned too, and the body is re-encoded only when something changed.
   */
  private form(text: string, pairs: Array<[string, string]>, path: string, depth: number): Json | typeof DROP {
    const before = this.maskedValues;
    const out = new URLSearchParams();
    for (const [key, value] of pairs) {
      const maskedKey = this.text(key, path, '');
      if (maskedKey === DROP) continue;
      const inner = this.walk(value, `${path}.${maskedKey}`, depth + 1);
      if (inner === DROP) continue;
      out.append(maskedKey, typeof inner === 'string' ? inner : JSON.stringify(inner));
    }
    return this.maskedValues === before ? text : out.toString();
  }

  /** One detection context per field name, reused for every cell of that column or key. */
  private contextOf(field: string): DetectionContext {
    let context = this.contexts.get(field);
    if (context === undefined) {
      context = { field };
      if (this.contexts.size < 4096) this.contexts.set(field, context);
    }
    return context;
  }

  /** `fieldOf`, remembered per path: the same column or key recurs in every row. Bounded. */
  private fieldOf(path: string): string {
    let field = this.fieldNames.get(path);
    if (field === undefined) {
      field = fieldOf(path);
      if (this.fieldNames.size < 4096) this.fieldNames.set(path, field);
    }
    return field;
  }

  private object(value: Record<string, unknown>, path: string, depth: number): Json {
    const out: Record<string, Json> = {};
    for (const [key, item] of Object.entries(value)) {
      const masked = this.text(key, path, '');
      if (masked === DROP) continue;
      let name = masked; // two keys may mask to the same text: keep both
      for (let n = 2; Object.hasOwn(out, name); n++) name = `${masked}#${n}`;
      const inner = this.walk(item, `${path}.${name}`, depth + 1);
      if (inner !== DROP) define(out, name, inner);
    }
    return out;
  }

  /**
   * Scans plain text (`field` names what holds it) and records what it masked under `path`.
   * A text the detectors fail on is withheld, never passed through.
   */
  private text(text: string, path: string, field: string): string | typeof DROP {
    let masked: ReturnType<typeof maskFound>;
    try {
      masked = maskFound(text, this.profile, this.contextOf(field));
    } catch {
      return this.withhold(path);
    }
    if (masked === undefined) return text;
    const kinds = Object.entries(masked.entities);
    this.maskedValues++;
    for (const [entity, count] of kinds) this.count(path, entity, count);
    return masked.dropped ? DROP : masked.text;
  }

  private withhold(path: string): string {
    this.maskedValues++;
    this.count(path, UNINSPECTED, 1);
    return WITHHELD;
  }

  private count(path: string, entity: string, n: number): void {
    const field = path.length > MAX_FIELD_LENGTH ? `${path.slice(0, MAX_FIELD_LENGTH - 1)}…` : path;
    const entities = this.fields.get(field) ?? {};
    entities[entity] = (entities[entity] ?? 0) + n;
    this.fields.set(field, entities);
  }
}
