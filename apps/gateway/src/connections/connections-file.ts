import { plainToInstance, Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
  validateSync,
} from 'class-validator';
import { describeErrors, FORBIDDEN_HTTP_HEADERS, STRICT_VALIDATION } from '@verity/contracts';
import path from 'node:path';
import { parseDocument } from 'yaml';

/** Same rule as the `connection` field of action.requested. */
export const CONNECTION_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** Where a secret comes from: exactly one of an environment variable or a file. Never inline. */
export class SecretSource {
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'env must be an environment variable name' })
  env?: string;
  @IsOptional() @IsString() @IsNotEmpty() file?: string;
}

export class PostgresConnectionEntry {
  @IsIn(['postgres'], { message: 'type must be one of the following values: postgres, http' }) type: 'postgres';
  @IsString() @IsNotEmpty() @MaxLength(255) host: string;
  @IsInt() @Min(1) @Max(65_535) port: number;
  @IsString() @IsNotEmpty() @MaxLength(63) database: string;
  @IsString() @IsNotEmpty() @MaxLength(63) user: string;
  @IsObject({ message: 'password must be { env: NAME } or { file: path }' })
  @ValidateNested()
  @Type(() => SecretSource)
  password: SecretSource;
}

/** RFC 9110 `token`: a header field name. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/;
/** Visible ASCII, spaces and tabs: a single-line header value. */
const HEADER_VALUE = /^[\t\x20-\x7e]{0,8192}$/;

/** Largest `maxResponseBytes` (a result must also fit in one broker message on its way to masking). */
const MAX_RESPONSE_BYTES_LIMIT = 16 * 1024 * 1024;

/** A header name and a secret value: `{ name: X-Api-Key, value: { env: NAME } }`. */
export class HeaderCredential {
  @IsString()
  @Matches(HEADER_NAME, { message: 'name must be an HTTP header name' })
  name: string;
  @IsObject({ message: 'value must be { env: NAME } or { file: path }' })
  @ValidateNested()
  @Type(() => SecretSource)
  value: SecretSource;
}

/** HTTP basic authentication: the user is not secret, the password is read like any secret. */
export class BasicCredential {
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  @Matches(/^[^:\p{Cc}]+$/u, { message: 'user must not hold a colon or control characters' })
  user: string;
  @IsObject({ message: 'password must be { env: NAME } or { file: path }' })
  @ValidateNested()
  @Type(() => SecretSource)
  password: SecretSource;
}

/** How the gateway authenticates to an HTTP target: exactly one scheme. */
export class HttpAuthEntry {
  @IsOptional()
  @IsObject({ message: 'bearer must be { env: NAME } or { file: path }' })
  @ValidateNested()
  @Type(() => SecretSource)
  bearer?: SecretSource;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => BasicCredential) basic?: BasicCredential;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => HeaderCredential) header?: HeaderCredential;
}

export class HttpConnectionEntry {
  @IsIn(['http']) type: 'http';
  @IsString() @IsNotEmpty() @MaxLength(2048) baseUrl: string;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => HttpAuthEntry) auth?: HttpAuthEntry;
  /** Fixed request headers sent on every request (not secrets: those go in `auth`). */
  @IsOptional() @IsObject() headers?: Record<string, unknown>;
  @IsOptional() @IsInt() @Min(100) @Max(600_000) timeoutMs?: number;
  @IsOptional() @IsInt() @Min(1) @Max(MAX_RESPONSE_BYTES_LIMIT) maxResponseBytes?: number;
}

export const HTTP_DEFAULT_TIMEOUT_MS = 10_000;
export const HTTP_DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024;

export interface PostgresConnectionSpec {
  name: string;
  type: 'postgres';
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
}

export interface HttpConnectionSpec {
  name: string;
  type: 'http';
  /** Normalised: http(s), no credentials, query or fragment; the path ends with `/`. */
  baseUrl: URL;
  /** Request headers the gateway adds: the fixed ones, then the credential (lower-case names). */
  fixedHeaders: Record<string, string>;
  credentialHeaders: Record<string, string>;
  /** Secret values to scrub from anything the target sends back (an echoed credential). */
  secrets: string[];
  timeoutMs: number;
  maxResponseBytes: number;
}

/** A connection ready to use: where the target is and the credentials, read once. */
export type ConnectionSpec = PostgresConnectionSpec | HttpConnectionSpec;

export interface ConnectionsFileContext {
  /** Shown in errors: the file's path. */
  source: string;
  repoRoot: string;
  verityHome: string;
  env: NodeJS.ProcessEnv;
  readFile: (file: string) => string;
}

export class ConnectionsFileError extends Error {
  constructor(source: string, problems: string[]) {
    super(`invalid connections file ${source}:\n  ${problems.join('\n  ')}`);
    this.name = 'ConnectionsFileError';
  }
}

/**
 * Parses and validates the connections registry and reads each connection's password.
 * Error text names the connection and the field, never a value from the file or a secret.
 */
export function parseConnectionsFile(text: string, ctx: ConnectionsFileContext): ConnectionSpec[] {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    // The parser's own message quotes the offending line, which could hold a secret.
    throw new ConnectionsFileError(
      ctx.source,
      doc.errors.map(
        (e) => `YAML ${e.code} at line ${e.linePos?.[0].line ?? '?'}, column ${e.linePos?.[0].col ?? '?'}`,
      ),
    );
  }
  const root: unknown = doc.toJS();
  const connections = (root as { connections?: unknown } | null)?.connections;
  if (typeof connections !== 'object' || connections === null || Array.isArray(connections)) {
    throw new ConnectionsFileError(ctx.source, ['connections: must be a mapping of connection name to settings']);
  }
  const extra = Object.keys(root as object).filter((k) => k !== 'connections');
  const problems = extra.map((k) => `${k}: unknown top-level key`);
  const specs: ConnectionSpec[] = [];
  for (const [name, raw] of Object.entries(connections)) {
    const where = `connection "${name}"`;
    if (!CONNECTION_NAME.test(name)) {
      problems.push(`${where}: name must match ${CONNECTION_NAME.source}`);
      continue;
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      problems.push(`${where}: must be a mapping`);
      continue;
    }
    const parsed =
      (raw as { type?: unknown }).type === 'http' ? httpSpec(name, raw, ctx) : postgresSpec(name, raw, ctx);
    if ('problems' in parsed) problems.push(...parsed.problems.map((p) => `${where}: ${p}`));
    else specs.push(parsed);
  }
  if (problems.length > 0) throw new ConnectionsFileError(ctx.source, problems);
  return specs;
}

type Parsed<T> = T | { problems: string[] };

function postgresSpec(name: string, raw: object, ctx: ConnectionsFileContext): Parsed<PostgresConnectionSpec> {
  const entry = plainToInstance(PostgresConnectionEntry, raw);
  const problems = describeErrors(validateSync(entry, STRICT_VALIDATION));
  problems.push(...secretSourceProblems(entry.password, 'password'));
  if (problems.length > 0) return { problems };
  const password = readSecret(entry.password, 'password', ctx);
  if (typeof password !== 'string') return { problems: [password.problem] };
  const { type, host, port, database, user } = entry;
  return { name, type, host, port, database, user, password };
}

function httpSpec(name: string, raw: object, ctx: ConnectionsFileContext): Parsed<HttpConnectionSpec> {
  const entry = plainToInstance(HttpConnectionEntry, raw);
  const problems = describeErrors(validateSync(entry, STRICT_VALIDATION));
  const baseUrl = typeof entry.baseUrl === 'string' ? parseBaseUrl(entry.baseUrl) : undefined;
  if (typeof baseUrl === 'string') problems.push(`baseUrl: ${baseUrl}`);
  const fixedHeaders = fixedHeadersOf(entry.headers, problems);
  const auth = entry.auth instanceof HttpAuthEntry ? entry.auth : undefined;
  if (auth) {
    const schemes = [auth.bearer, auth.basic, auth.header].filter((v) => v !== undefined).length;
    if (schemes !== 1) problems.push('auth: give exactly one of bearer, basic or header');
    problems.push(...secretSourceProblems(auth.bearer, 'auth.bearer'));
    problems.push(...secretSourceProblems(auth.basic?.password, 'auth.basic.password'));
    problems.push(...secretSourceProblems(auth.header?.value, 'auth.header.value'));
    const headerName = auth.header?.name?.toLowerCase();
    if (headerName && FORBIDDEN_AUTH_HEADERS.has(headerName)) {
      problems.push(`auth.header.name: ${headerName} cannot carry a credential`);
    }
  }
  if (problems.length > 0 || typeof baseUrl !== 'object') return { problems };
  const credential = auth ? credentialOf(auth, ctx) : { headers: {}, secrets: [] };
  if ('problem' in credential) return { problems: [credential.problem] };
  return {
    name,
    type: 'http',
    baseUrl,
    fixedHeaders,
    credentialHeaders: credential.headers,
    secrets: credential.secrets,
    timeoutMs: entry.timeoutMs ?? HTTP_DEFAULT_TIMEOUT_MS,
    maxResponseBytes: entry.maxResponseBytes ?? HTTP_DEFAULT_MAX_RESPONSE_BYTES,
  };
}

/**
 * The base URL, normalised so that its path ends with `/`; or what is wrong with it. The text
 * never quotes the value: a URL with credentials in it is exactly what it refuses.
 */
export function parseBaseUrl(text: string): URL | string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'must be an absolute http or https URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http or https URL';
  if (url.username !== '' || url.password !== '') return 'must not hold credentials (put them in auth)';
  if (text.includes('?') || text.includes('#')) return 'must not hold a query or fragment';
  if (text.includes('\\') || url.hostname === '') return 'must be an absolute http or https URL';
  if (!url.pathname.endsWith('/')) url.pathname = `${url.pathname}/`;
  return url;
}

/** Header names a connection may not fix or use for its credential (the HTTP client owns them). */
const CLIENT_HEADERS = new Set<string>(
  FORBIDDEN_HTTP_HEADERS.filter((h) => !['authorization', 'cookie', 'proxy-authorization'].includes(h)),
);
const FORBIDDEN_AUTH_HEADERS = new Set<string>([...CLIENT_HEADERS, 'proxy-authorization']);

function fixedHeadersOf(headers: Record<string, unknown> | undefined, problems: string[]): Record<string, string> {
  const fixed: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers ?? {})) {
    const name = key.toLowerCase();
    if (!HEADER_NAME.test(key)) problems.push(`headers: ${JSON.stringify(key.slice(0, 64))} is not a header name`);
    else if ((FORBIDDEN_HTTP_HEADERS as readonly string[]).includes(name)) {
      problems.push(`headers.${name}: may not be fixed here (credentials go in auth)`);
    } else if (typeof value !== 'string' || !HEADER_VALUE.test(value)) {
      problems.push(`headers.${name}: must be a single-line string`);
    } else fixed[name] = value;
  }
  return fixed;
}

/** The credential headers and the secret values in them, read from env or files. */
function credentialOf(
  auth: HttpAuthEntry,
  ctx: ConnectionsFileContext,
): { headers: Record<string, string>; secrets: string[] } | { problem: string } {
  const read = (source: SecretSource, field: string): string | { problem: string } => {
    const value = readSecret(source, field, ctx);
    if (typeof value !== 'string') return value;
    // Checked without quoting the value: a line break would let it inject other headers.
    return HEADER_VALUE.test(value)
      ? value
      : { problem: `${field}: the secret holds a line break or control character` };
  };
  if (auth.bearer) {
    const token = read(auth.bearer, 'auth.bearer');
    if (typeof token !== 'string') return token;
    return { headers: { authorization: `Bearer ${token}` }, secrets: [token] };
  }
  if (auth.basic) {
    const password = read(auth.basic.password, 'auth.basic.password');
    if (typeof password !== 'string') return password;
    const encoded = Buffer.from(`${auth.basic.user}:${password}`, 'utf8').toString('base64');
    return { headers: { authorization: `Basic ${encoded}` }, secrets: [password, encoded] };
  }
  const header = auth.header as HeaderCredential;
  const value = read(header.value, 'auth.header.value');
  if (typeof value !== 'string') return value;
  return { headers: { [header.name.toLowerCase()]: value }, secrets: [value] };
}

function secretSourceProblems(source: SecretSource | undefined, field: string): string[] {
  if (!(source instanceof SecretSource)) return [];
  const given = [source.env, source.file].filter((v) => v !== undefined).length;
  return given === 1 ? [] : [`${field}: give exactly one of env or file`];
}

/** `${VERITY_HOME}` expands; a relative path resolves against the repo root. */
export function resolveSecretPath(file: string, ctx: Pick<ConnectionsFileContext, 'repoRoot' | 'verityHome'>): string {
  const expanded = file.replace(/\$\{VERITY_HOME\}/g, ctx.verityHome);
  return path.resolve(ctx.repoRoot, expanded);
}

function readSecret(source: SecretSource, field: string, ctx: ConnectionsFileContext): string | { problem: string } {
  if (source.env !== undefined) {
    const value = ctx.env[source.env];
    return value ? value : { problem: `${field}.env: environment variable ${source.env} is not set` };
  }
  const file = resolveSecretPath(source.file as string, ctx);
  let value: string;
  try {
    value = ctx.readFile(file).replace(/\r?\n$/, '');
  } catch (err) {
    return { problem: `${field}.file: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  return value ? value : { problem: `${field}.file: ${file} is empty` };
}
