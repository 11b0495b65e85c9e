import { TypeHelpOptions } from 'class-transformer';
import {
  Allow,
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  MaxLength,
  registerDecorator,
  ValidationOptions,
} from 'class-validator';

export const OPERATIONS = ['sql.query', 'http.request'] as const;
export type Operation = (typeof OPERATIONS)[number];

/** The exact statement the agent asked to run (`sql.query`). */
export class SqlPayloadV1 {
  @IsString() @IsNotEmpty() @MaxLength(100_000) sql: string;
  @IsOptional() @IsArray() @ArrayMaxSize(1000) params?: unknown[];
}

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/**
 * Request headers an agent may not set: credentials are the gateway's to add, and the
 * connection-level ones are the HTTP client's (RFC 9110 §7.6.1 lists the hop-by-hop fields).
 */
export const FORBIDDEN_HTTP_HEADERS = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'host',
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'content-length',
  'expect',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
] as const;

/** RFC 9110 `token`: what a header field name may be made of. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/;
/** Visible ASCII, spaces and tabs: no CR/LF, so no header injection. */
const HEADER_VALUE = /^[\t\x20-\x7e]{0,8192}$/;

/**
 * A path relative to the connection's base URL: starts with one `/`, has no `.`/`..`
 * segment (encoded or not), no query or fragment, no backslash, whitespace or control
 * character. The query goes in `query`.
 */
export function isRelativeHttpPath(value: unknown): boolean {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) return false;
  if (!value.startsWith('/') || value.startsWith('//')) return false;
  if (/[\s\\?#]/.test(value) || hasControl(value)) return false;
  let decoded: string;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    return false;
  }
  if (decoded.includes('\\') || hasControl(decoded)) return false;
  return decoded.split('/').every((segment) => segment !== '.' && segment !== '..');
}

/** True when `text` holds a C0 control character or DEL. */
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isQuery(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  const entries = Object.entries(value);
  if (entries.length > 100) return false;
  const ok = (v: unknown) => typeof v === 'string' && v.length <= 2048;
  return entries.every(
    ([k, v]) => k.length > 0 && k.length <= 256 && (ok(v) || (Array.isArray(v) && v.length <= 100 && v.every(ok))),
  );
}

function isHeaders(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  const entries = Object.entries(value);
  const forbidden: readonly string[] = FORBIDDEN_HTTP_HEADERS;
  return (
    entries.length <= 50 &&
    entries.every(
      ([k, v]) =>
        HEADER_NAME.test(k) && !forbidden.includes(k.toLowerCase()) && typeof v === 'string' && HEADER_VALUE.test(v),
    )
  );
}

function check(name: string, test: (value: unknown) => boolean, message: string) {
  return (options?: ValidationOptions) => (target: object, propertyName: string) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} ${message}`, ...options },
      validator: { validate: test },
    });
}

const IsRelativeHttpPath = check(
  'isRelativeHttpPath',
  isRelativeHttpPath,
  'must be a path under the base URL: one leading /, no . or .. segments, no query, fragment, backslash or control characters, at most 2048 characters',
);
const IsHttpQuery = check(
  'isHttpQuery',
  isQuery,
  'must be an object of at most 100 names, each a string or a list of strings',
);
const IsHttpHeaders = check(
  'isHttpHeaders',
  isHeaders,
  `must be an object of at most 50 header names to single-line string values, without ${FORBIDDEN_HTTP_HEADERS.join(', ')}`,
);

/** The exact HTTP request the agent asked to send (`http.request`), relative to the connection. */
export class HttpPayloadV1 {
  @IsIn(HTTP_METHODS) method: HttpMethod;
  @IsRelativeHttpPath() path: string;
  @IsOptional() @IsHttpQuery() query?: Record<string, string | string[]>;
  @IsOptional() @IsHttpHeaders() headers?: Record<string, string>;
  /** A JSON body, sent as application/json unless `headers` names another content type. */
  @IsOptional() @Allow() body?: unknown;
}

export type ActionPayloadV1 = SqlPayloadV1 | HttpPayloadV1;

/** The payload class of an operation; used as `@Type(payloadType)` beside an `operation` field. */
export function payloadType(options?: TypeHelpOptions): typeof SqlPayloadV1 | typeof HttpPayloadV1 {
  const operation = (options?.object as { operation?: unknown } | undefined)?.operation;
  return operation === 'http.request' ? HttpPayloadV1 : SqlPayloadV1;
}
