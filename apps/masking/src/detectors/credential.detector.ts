import { DetectionContext, Detector, NO_CONTEXT, Span } from './detector';
import { T_ASSIGN, T_AT } from './prefilter';

/** Words that name a secret when they are part of a variable, key or option name. */
const KEYWORD =
  /pass(?:word|wd|phrase)?|pwd|secret|token|(?:api|access|secret|private|auth|encryption|signing|master|license|account|subscription|app)[_.-]?key|apikey|credentials?|auth|cookie/gi;
const IDENT = /[A-Za-z0-9_.-]/;
const PLACEHOLDERS = new Set([
  'pass',
  'password',
  'passwd',
  'secret',
  'mypassword',
  'changeme',
  'token',
  'none',
  'null',
  'nil',
  'true',
  'false',
  'undefined',
  'example',
  'redacted',
  'hidden',
  'your_password',
  'your_token',
  'your_secret',
  'your_api_key',
  'xxx',
  'xxxx',
  'abc',
  '1111',
  '****',
  'n/a',
  'string',
  'required',
  'optional',
  'bearer',
  'basic',
]);
/** Words in a key name that say "secret" without saying whose: what is left names a vendor (`jira_token`). */
const GENERIC_WORDS =
  /(?:generic|secret|token|access|refresh|api|key|auth|client|private|credentials?|user|bot|app|session|bearer|oauth|service|account|aws|value|default|env|prod|dev|test|config|pat|personal|my|the|id|x|password|pass|pwd|get|set|or|property)/g;
/** Key names that mention a keyword but hold no secret: `token_type`, `password_hint`, `secret_name`. */
const NOT_SECRET_FIELD =
  /(?:type|expires?|expiry|expiration|_at|count|length|hint|policy|url|uri|endpoint|name|path|file|label|required|reset|min|max|len|enabled|header|prefix)$/;

/** Words that make a value a stand-in: `REPLACE_WITH_PASSWORD`, `not_a_real_token`, `somefakekey`, `DUMMY`. */
const PLACEHOLDER_WORD =
  /replace|dummy|fake|sample|placeholder|example|changeme|not_?a_?real|insert|redacted|^test$|^x-oauth-basic$|^\{[^{}]*\}$/i;

function isPlaceholder(value: string): boolean {
  const v = value.toLowerCase();
  if (PLACEHOLDERS.has(v) || /^(?:x+|\*+|\.+|-+|_+|0+|<[^>]*>|\[[^\]]*\])$/.test(v)) return true;
  if (/^[A-Za-z_{}-]+$/.test(value) && PLACEHOLDER_WORD.test(value)) return true;
  // `ACCESS_TOKEN`, `API_KEY`: the name of a variable, not its value
  if (/^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(value) && /TOKEN|KEY|SECRET|PASS/.test(value)) return true;
  // `fo1_xxxx…`, `aaaa…`, `…####`, `[Redacted]`: masked or made-up fixtures
  if (/x{4,}|X{4,}|#{4,}|\*{4,}|\[redacted\]/i.test(value)) return true;
  if (value.length >= 16 && entropy(value) < 3) return true;
  return (
    /^(?:\$\{|\{\{|\$\(|%\(|\$[a-z_\d]|process\.env|os\.environ|env\()/i.test(value) || /^your[_-]|[<>]$/i.test(value)
  );
}

function entropy(value: string): number {
  const counts = new Map<string, number>();
  for (const c of value) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) h -= (n / value.length) * Math.log2(n / value.length);
  return h;
}

/** A secret-looking value without quotes: long, mixed, not a plain word. */
function looksRandom(value: string): boolean {
  if (value.length < 8) return false;
  const classes =
    Number(/\d/.test(value)) +
    Number(/[a-z]/.test(value)) +
    Number(/[A-Z]/.test(value)) +
    Number(/[^A-Za-z0-9]/.test(value));
  return classes >= 2 && entropy(value) >= 3;
}

/** What kind of secret a key name announces. */
export function secretKind(keyName: string): string {
  const key = keyName.toLowerCase();
  if (/pass|pwd/.test(key)) return 'password';
  const rest = key
    .replace(/[^a-z]/g, ' ')
    .replace(GENERIC_WORDS, ' ')
    .replace(/\s+/g, '');
  return rest.length >= 3 ? 'api_key' : 'generic_secret';
}

/** `scheme://user:password@host`: the password of a URL or connection string. */
function urlPasswords(text: string, into: Span[]): void {
  for (let i = text.indexOf('://'); i !== -1; i = text.indexOf('://', i + 3)) {
    let end = i + 3;
    while (end < text.length && end - i < 512 && !/[\s/?"'<>`]/.test(text[end])) end++; // `#` is common in real passwords
    const authority = text.slice(i + 3, end);
    const at = authority.lastIndexOf('@');
    const colon = authority.indexOf(':');
    if (at <= 0 || colon === -1 || colon > at) continue;
    const password = authority.slice(colon + 1, at);
    const user = authority.slice(0, colon);
    if ((password === '' || password === 'x-oauth-basic') && user.length >= 20 && looksRandom(user))
      into.push({ start: i + 3, end: i + 3 + colon, entity: 'api_key' }); // a token given as the user name
    else if (password && !isPlaceholder(password))
      into.push({ start: i + 4 + colon, end: i + 3 + at, entity: 'password' });
  }
}

const CURL_USER = /(?:^|\s)(?:-u|--user)[ =]+(['"]?)([^\s'":]*)(['"]?):(['"]?)([^\s'"]*)/g;
/** `Authorization: Basic …` / `Bearer …` / `Token …`: the credential of an HTTP header. */
const AUTH_HEADER = /\bauthorization["']?\s*[:=]\s*["']?(?:basic|bearer|token|apikey)\s+([A-Za-z0-9+/=._~-]{8,4096})/gi;

/** Credentials in `Authorization` headers. */
function authHeaders(text: string, into: Span[]): void {
  AUTH_HEADER.lastIndex = 0;
  for (let m = AUTH_HEADER.exec(text); m !== null; m = AUTH_HEADER.exec(text)) {
    const value = m[1];
    if (isPlaceholder(value)) continue;
    const start = m.index + m[0].length - value.length;
    into.push({ start, end: start + value.length, entity: 'api_key' });
  }
}

/** `curl -u user:password` and `--user 'user:password'`. */
function curlPasswords(text: string, into: Span[]): void {
  if (!text.includes('-u')) return;
  CURL_USER.lastIndex = 0;
  for (let m = CURL_USER.exec(text); m !== null; m = CURL_USER.exec(text)) {
    const password = m[5];
    if (password === '') {
      // `curl -u KEY:` — the key is the user part
      const user = m[2];
      const start = m.index + m[0].length - m[4].length - 1 - m[3].length - user.length;
      if (user.length >= 8 && looksRandom(user)) into.push({ start, end: start + user.length, entity: 'password' });
      continue;
    }
    if (isPlaceholder(password)) continue;
    const start = m.index + m[0].length - password.length;
    into.push({ start, end: start + password.length, entity: 'password' });
  }
}

/** The value assigned after `key` (`key=v`, `key: "v"`, `"key": "v"`, `key := "v"`, `f("KEY", "v")`), if any. */
function assignedValue(text: string, from: number, nameStart: number): Span | undefined {
  let p = from;
  const nameQuote = text[nameStart - 1];
  if (`"'\``.includes(text[p] ?? '')) p++;
  while (text[p] === ' ' || text[p] === '\t') p++;
  const op = /^(?:!==|===|!=|==|:=|=>|=|:|,)/.exec(text.slice(p, p + 3));
  if (!op) return undefined;
  p += op[0].length;
  while (text[p] === ' ' || text[p] === '\t') p++;
  const quote = `"'\``.includes(text[p] ?? '') ? text[p] : '';
  if (quote) p++;
  const start = p;
  let depth = 0; // brackets opened inside a bare value: `m{{h}o)p…}}` is one value, `secret),(host=…` ends at `)`
  while (p < text.length && p - start < 1024) {
    const c = text[p];
    if (quote) {
      if (c === quote || c === '\n') break; // `\n` written out ends a value too
      if (c === '\\') p++;
    } else if (/[\s"'&,;\\]/.test(c)) break;
    else if (c === '(' || c === '{' || c === '[' || c === '<') depth++;
    else if (c === ')' || c === '}' || c === ']' || c === '>') {
      if (depth === 0) break;
      depth--;
    }
    p++;
  }
  if (quote && text[p] !== quote) return undefined;
  // `f("KEY", "value")`: only a quoted name followed by a quoted value.
  if ((op[0] === '==' || op[0] === '===' || op[0] === '!=' || op[0] === '!==') && !quote) return undefined;
  if (op[0] === ',' && (!quote || (nameQuote !== '"' && nameQuote !== "'") || text[from] !== nameQuote))
    return undefined;
  return p > start ? { start, end: p, entity: quote ? 'quoted' : 'bare' } : undefined;
}

const COOKIE_ATTRIBUTE =
  /^(?:path|domain|expires|max-age|samesite|secure|httponly|partitioned|priority|version|comment)$/i;

/**
 * HTTP headers that carry credentials, under their own name: `authorization: Bearer …` (the
 * credential after the scheme) and `cookie` / `set-cookie` (every cookie's value, not its attributes).
 */
function headerValue(text: string, field: string): Span[] | undefined {
  if (field === 'authorization' || field === 'proxy-authorization') {
    const m = /^\s*(?:(?:basic|bearer|token|digest|negotiate|apikey|aws4-hmac-sha256)\s+)?/i.exec(
      text,
    ) as RegExpExecArray;
    const end = text.trimEnd().length;
    return end - m[0].length >= 4 ? [{ start: m[0].length, end, entity: 'api_key' }] : [];
  }
  if (field !== 'cookie' && field !== 'set-cookie') return undefined;
  const spans: Span[] = [];
  const PAIR = /([^=;\s]+)=([^;]*)/g;
  for (let m = PAIR.exec(text); m !== null; m = PAIR.exec(text)) {
    const value = m[2].trim();
    if (COOKIE_ATTRIBUTE.test(m[1]) || value.length < 4) continue;
    const start = m.index + m[0].indexOf('=') + 1 + (m[2].length - m[2].trimStart().length);
    spans.push({ start, end: start + value.length, entity: 'generic_secret' });
  }
  return spans;
}

/**
 * Credentials given by their name: `password=…`, `"client_secret": "…"`, `apiKey := "…"`, the
 * password of a URL or connection string, `curl -u user:pass`, and a whole value under a secret-named
 * JSON key or column. Unquoted values must look random (length, character classes, entropy); quoted
 * ones only must not be placeholders. Passwords are typed `password`, vendor-named keys (`jira_token`)
 * `api_key`, the rest `generic_secret`.
 */
export class CredentialDetector implements Detector {
  readonly entity = 'generic_secret';
  readonly triggers = T_ASSIGN | T_AT;

  wantsField(field: string): boolean {
    if (field === 'cookie' || field === 'set-cookie' || field.endsWith('authorization')) return true;
    KEYWORD.lastIndex = 0;
    const named = KEYWORD.test(field);
    KEYWORD.lastIndex = 0;
    return named && !NOT_SECRET_FIELD.test(field);
  }

  find(text: string, context: DetectionContext = NO_CONTEXT): Span[] {
    const spans: Span[] = [];
    const header = headerValue(text, context.field);
    if (header) return header;
    const whole = this.wholeValue(text, context);
    if (whole) return [whole];
    urlPasswords(text, spans);
    curlPasswords(text, spans);
    if (text.length >= 13) authHeaders(text, spans);
    KEYWORD.lastIndex = 0;
    for (let m = KEYWORD.exec(text); m !== null; m = KEYWORD.exec(text)) {
      let start = m.index;
      let end = m.index + m[0].length;
      while (start > 0 && m.index - start < 64 && IDENT.test(text[start - 1])) start--;
      while (end < text.length && end - m.index < 64 && IDENT.test(text[end])) end++;
      KEYWORD.lastIndex = end;
      const name = text.slice(start, end);
      if (NOT_SECRET_FIELD.test(name.toLowerCase())) continue;
      const value = assignedValue(text, end, start);
      if (!value) continue;
      const raw = text.slice(value.start, value.end);
      const kind = secretKind(name);
      const ok =
        !isPlaceholder(raw) &&
        (value.entity === 'quoted' ? raw.length >= 4 : kind === 'password' ? raw.length >= 4 : looksRandom(raw));
      if (ok) spans.push({ start: value.start, end: value.end, entity: kind });
      KEYWORD.lastIndex = Math.max(KEYWORD.lastIndex, value.end);
    }
    return spans.sort((a, b) => a.start - b.start);
  }

  /** A column or JSON key named like a secret: its whole value is the secret. */
  private wholeValue(text: string, context: DetectionContext): Span | undefined {
    const field = context.field;
    if (!field || NOT_SECRET_FIELD.test(field)) return undefined;
    KEYWORD.lastIndex = 0;
    if (!KEYWORD.test(field)) return undefined;
    KEYWORD.lastIndex = 0;
    const value = text.trim();
    if (value.length < 4 || isPlaceholder(value) || /\s/.test(value)) return undefined;
    const start = text.indexOf(value);
    return { start, end: start + value.length, entity: secretKind(field) };
  }
}
