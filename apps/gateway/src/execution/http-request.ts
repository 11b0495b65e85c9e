// The pure parts of running an http.request: where it goes, what it carries, and how the answer
// becomes a result. No I/O here; http-executor.service.ts sends it.
import { FORBIDDEN_HTTP_HEADERS, HttpPayloadV1, isRelativeHttpPath, ResultSetV1 } from '@verity/contracts';
import { TargetError } from './target-error';

/** Columns of an http.request result; one row. */
export const HTTP_RESULT_COLUMNS = ['status', 'headers', 'body', 'bodyEncoding'] as const;

/** `text`: the body decoded as text (JSON stays its text); `base64`: binary, base64-encoded. */
export type BodyEncoding = 'text' | 'base64';

/**
 * True when `url` lies under `base`: same scheme, host and port, no credentials, and a path
 * inside the base path (which ends with `/`). Compared on the parsed, normalised URL, so dot
 * segments (also `%2e%2e`) and backslashes have been resolved already.
 */
export function isUnderBase(base: URL, url: URL): boolean {
  return (
    url.protocol === base.protocol &&
    url.host === base.host &&
    url.username === '' &&
    url.password === '' &&
    url.pathname.startsWith(base.pathname)
  );
}

/**
 * The URL of a request: the base URL's path followed by the relative `path` (without its
 * leading `/`), with the query encoded. The path is checked again here (the executor may be
 * handed a payload from an event, not only from a validated request), and the final, parsed
 * URL must still lie under the base.
 */
export function requestUrl(base: URL, path: string, query?: Record<string, string | string[]>): URL {
  if (!isRelativeHttpPath(path)) {
    throw new TargetError('TARGET.PATH_REJECTED', "the path is not a relative path under the connection's base URL");
  }
  const url = new URL(base.href);
  url.pathname = `${base.pathname}${path.slice(1)}`;
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) search.append(name, v);
  }
  url.search = search.toString();
  if (!isUnderBase(base, url)) {
    throw new TargetError('TARGET.PATH_REJECTED', "the path leaves the connection's base URL");
  }
  return url;
}

const FORBIDDEN: ReadonlySet<string> = new Set(FORBIDDEN_HTTP_HEADERS);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/;
const HEADER_VALUE = /^[\t\x20-\x7e]{0,8192}$/;

/**
 * The request headers, lower-case: the agent's own (never a credential or hop-by-hop field,
 * checked again), then the connection's fixed headers, then its credential, each later one
 * replacing an earlier one of the same name. `user-agent` defaults to `verity-gateway`.
 */
export function requestHeaders(
  agent: Record<string, string> | undefined,
  fixed: Readonly<Record<string, string>>,
  credential: Readonly<Record<string, string>>,
): Record<string, string> {
  const headers: Record<string, string> = { 'user-agent': 'verity-gateway' };
  for (const [key, value] of Object.entries(agent ?? {})) {
    const name = key.toLowerCase();
    if (!HEADER_NAME.test(key) || FORBIDDEN.has(name) || typeof value !== 'string' || !HEADER_VALUE.test(value)) {
      throw new TargetError('TARGET.HEADER_REJECTED', `the request header ${name.slice(0, 64)} may not be sent`);
    }
    headers[name] = value;
  }
  return { ...headers, ...fixed, ...credential };
}

/** True for a media type whose body is JSON (`application/json`, `application/problem+json` …). */
function isJsonType(contentType: string | undefined): boolean {
  const mime = contentType?.split(';')[0].trim().toLowerCase() ?? '';
  return mime === 'application/json' || mime.endsWith('+json');
}

/**
 * The request body: JSON text sent as `application/json`, unless the agent named another
 * content type and gave a string, which is then sent as it is (a form, plain text, XML).
 * Sets `content-type` in `headers` when the agent gave none.
 */
export function requestBody(payload: Pick<HttpPayloadV1, 'body'>, headers: Record<string, string>): string | undefined {
  if (payload.body === undefined) return undefined;
  const contentType = headers['content-type'];
  if (contentType !== undefined && !isJsonType(contentType) && typeof payload.body === 'string') return payload.body;
  headers['content-type'] ??= 'application/json';
  return JSON.stringify(payload.body);
}

/** 3xx statuses that carry a Location to follow. */
export const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** Response headers the agent never sees: cookies, credentials, hop-by-hop fields. */
const DROPPED_RESPONSE_HEADERS: ReadonlySet<string> = new Set([
  'set-cookie',
  'set-cookie2',
  'cookie',
  'authorization',
  'proxy-authorization',
  'proxy-authenticate',
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'trailer',
  'upgrade',
  'te',
]);

/**
 * The response headers as a plain object of lower-case names. Dropped: cookies, credential
 * fields, hop-by-hop fields, any field named like one of the connection's credential headers;
 * `content-encoding` and `content-length` when the body was decoded (they describe the bytes on
 * the wire, not the body returned). Secret values are scrubbed from what remains.
 */
export function responseHeaders(
  headers: Iterable<[string, string]>,
  credentialNames: Iterable<string>,
  secrets: readonly string[],
): Record<string, string> {
  const entries = [...headers].map(([k, v]) => [k.toLowerCase(), v] as const);
  const dropped = new Set([...DROPPED_RESPONSE_HEADERS, ...[...credentialNames].map((n) => n.toLowerCase())]);
  if (entries.some(([k]) => k === 'content-encoding')) dropped.add('content-encoding').add('content-length');
  const out: Record<string, string> = {};
  for (const [name, value] of entries) {
    if (dropped.has(name)) continue;
    out[name] = scrubText(value, secrets);
  }
  return out;
}

export const REDACTED = '[REDACTED]';

/** `text` with every occurrence of each secret replaced by [REDACTED]. */
export function scrubText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.split(secret).join(REDACTED);
  return out;
}

/** `bytes` with every occurrence of each secret's UTF-8 bytes replaced by [REDACTED]. */
export function scrubBytes(bytes: Buffer, secrets: readonly string[]): Buffer {
  let out = bytes;
  const marker = Buffer.from(REDACTED);
  for (const secret of secrets) {
    if (!secret) continue;
    const needle = Buffer.from(secret, 'utf8');
    let at = out.indexOf(needle);
    if (at < 0) continue;
    const parts: Buffer[] = [];
    let from = 0;
    while (at >= 0) {
      parts.push(out.subarray(from, at), marker);
      from = at + needle.length;
      at = out.indexOf(needle, from);
    }
    parts.push(out.subarray(from));
    out = Buffer.concat(parts);
  }
  return out;
}

/** Media types whose bodies are text even without `text/`. */
const TEXT_TYPES = new Set([
  'application/javascript',
  'application/ecmascript',
  'application/x-www-form-urlencoded',
  'application/x-ndjson',
  'application/graphql',
  'application/yaml',
  'application/x-yaml',
  'application/sql',
  'application/csv',
]);

function isTextType(mime: string): boolean {
  return mime.startsWith('text/') || /[/+](json|xml)$/.test(mime) || TEXT_TYPES.has(mime);
}

/**
 * The body as text when its content type is textual (or absent) and the bytes decode cleanly in
 * its charset (UTF-8 by default) without NUL characters; otherwise base64. JSON is left as its
 * text, so masking parses it.
 */
export function decodeBody(bytes: Buffer, contentType: string | null): { body: string; encoding: BodyEncoding } {
  if (bytes.length === 0) return { body: '', encoding: 'text' };
  const mime = contentType?.split(';')[0].trim().toLowerCase() ?? '';
  if (mime === '' || isTextType(mime)) {
    const charset = /;\s*charset="?([^";\s]+)"?/i.exec(contentType ?? '')?.[1] ?? 'utf-8';
    try {
      const text = new TextDecoder(charset, { fatal: true }).decode(bytes);
      if (!text.includes('\u0000')) return { body: text, encoding: 'text' };
    } catch {
      // An unknown charset or bytes that are not text in it: sent as base64 below.
    }
  }
  return { body: bytes.toString('base64'), encoding: 'base64' };
}

/** The one-row result of an HTTP exchange. */
export function toHttpResultSet(
  status: number,
  headers: Record<string, string>,
  body: { body: string; encoding: BodyEncoding },
): ResultSetV1 {
  return {
    columns: [...HTTP_RESULT_COLUMNS],
    rows: [[status, headers, body.body, body.encoding]],
    rowCount: 1,
    truncated: false,
  };
}
