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
import { describeErrors } from '@verity/contracts';
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
  @IsIn(['postgres']) type: 'postgres';
  @IsString() @IsNotEmpty() @MaxLength(255) host: string;
  @IsInt() @Min(1) @Max(65_535) port: number;
  @IsString() @IsNotEmpty() @MaxLength(63) database: string;
  @IsString() @IsNotEmpty() @MaxLength(63) user: string;
  @IsObject({ message: 'password must be { env: NAME } or { file: path }' })
  @ValidateNested()
  @Type(() => SecretSource)
  password: SecretSource;
}

/** A connection ready to use: where the target is and the credentials, read once. */
export interface ConnectionSpec {
  name: string;
  type: 'postgres';
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
}

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

const STRICT = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true };

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
    const entry = plainToInstance(PostgresConnectionEntry, raw);
    const errors = describeErrors(validateSync(entry, STRICT));
    errors.push(...secretSourceProblems(entry.password));
    if (errors.length > 0) {
      problems.push(...errors.map((e) => `${where}: ${e}`));
      continue;
    }
    const password = readSecret(entry.password, ctx);
    if (typeof password !== 'string') {
      problems.push(`${where}: ${password.problem}`);
      continue;
    }
    const { type, host, port, database, user } = entry;
    specs.push({ name, type, host, port, database, user, password });
  }
  if (problems.length > 0) throw new ConnectionsFileError(ctx.source, problems);
  return specs;
}

function secretSourceProblems(source: SecretSource | undefined): string[] {
  if (!(source instanceof SecretSource)) return [];
  const given = [source.env, source.file].filter((v) => v !== undefined).length;
  return given === 1 ? [] : ['password: give exactly one of env or file'];
}

/** `${VERITY_HOME}` expands; a relative path resolves against the repo root. */
export function resolveSecretPath(file: string, ctx: Pick<ConnectionsFileContext, 'repoRoot' | 'verityHome'>): string {
  const expanded = file.replace(/\$\{VERITY_HOME\}/g, ctx.verityHome);
  return path.resolve(ctx.repoRoot, expanded);
}

function readSecret(source: SecretSource, ctx: ConnectionsFileContext): string | { problem: string } {
  if (source.env !== undefined) {
    const value = ctx.env[source.env];
    return value ? value : { problem: `password.env: environment variable ${source.env} is not set` };
  }
  const file = resolveSecretPath(source.file as string, ctx);
  let value: string;
  try {
    value = ctx.readFile(file).replace(/\r?\n$/, '');
  } catch (err) {
    return { problem: `password.file: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  return value ? value : { problem: `password.file: ${file} is empty` };
}
