import { IsInt, IsNotEmpty, IsString, Matches, Max, Min } from 'class-validator';

/**
 * Gateway settings. Property names are the environment variables; defaults apply when unset.
 * Types are written out: loadConfig converts env strings by the emitted design type.
 */
export class GatewayConfig {
  /** 0 picks a free port (tests). */
  @IsInt() @Min(0) @Max(65_535) GATEWAY_PORT: number = 8080;

  /** HTTP bind address, shared by every app (0.0.0.0 in containers). */
  @IsString() @IsNotEmpty() HOST: string = '127.0.0.1';

  /** Largest accepted JSON body (body-parser syntax). */
  @Matches(/^\d+(b|kb|mb)$/, { message: 'GATEWAY_BODY_LIMIT must look like 256kb' })
  GATEWAY_BODY_LIMIT: string = '256kb';

  /** The connections registry (YAML). A relative path resolves against the repo root. */
  @IsString() @IsNotEmpty() VERITY_CONNECTIONS: string = 'deploy/connections.yaml';

  /** Runtime state folder, `${VERITY_HOME}` in connection file paths; empty means `<repo>/.verity`. */
  @IsString() VERITY_HOME: string = '';

  /** Groups allowed to submit actions (comma-separated; membership in one suffices). */
  @Matches(/^[^,\s]+(,[^,\s]+)*$/, { message: 'GATEWAY_ACTION_GROUPS must be a comma-separated list of group names' })
  GATEWAY_ACTION_GROUPS: string = 'analysts';

  /** Groups allowed to manage API keys (comma-separated). */
  @Matches(/^[^,\s]+(,[^,\s]+)*$/, { message: 'GATEWAY_ADMIN_GROUPS must be a comma-separated list of group names' })
  GATEWAY_ADMIN_GROUPS: string = 'admins';

  /** Groups allowed to list and judge actions held for review (comma-separated); policy has the last word. */
  @Matches(/^[^,\s]+(,[^,\s]+)*$/, {
    message: 'GATEWAY_REVIEWER_GROUPS must be a comma-separated list of group names',
  })
  GATEWAY_REVIEWER_GROUPS: string = 'approvers';

  /**
   * Browser origins allowed to call the API across origins (the web explorer's, e.g.
   * http://127.0.0.1:8081), comma-separated; empty: none (no CORS headers at all).
   */
  @Matches(/^(https?:\/\/[^\s,/]+(,https?:\/\/[^\s,/]+)*)?$/, {
    message: 'GATEWAY_CORS_ORIGINS must be http(s) origins (scheme://host[:port], no path) separated by commas',
  })
  GATEWAY_CORS_ORIGINS: string = '';

  /** An MCP session unused this long is closed. */
  @IsInt() @Min(1000) @Max(86_400_000) GATEWAY_MCP_IDLE_MS: number = 30 * 60_000;

  /** PostgreSQL wire-protocol listener (database name = connection name); 0 picks a free port (tests). */
  @IsInt() @Min(0) @Max(65_535) GATEWAY_PG_PORT: number = 6432;

  /** Most wire connections open at once; one more is refused with FATAL 53300. */
  @IsInt() @Min(1) @Max(10_000) GATEWAY_PG_MAX_CONNECTIONS: number = 100;

  /** A wire connection with no message for this long (and no statement running) is closed. */
  @IsInt() @Min(1000) @Max(86_400_000) GATEWAY_PG_IDLE_MS: number = 10 * 60_000;

  /** Largest frontend message accepted on the wire; a larger one is a protocol violation (FATAL 08P01). */
  @IsInt() @Min(1024) @Max(64 * 1024 * 1024) GATEWAY_PG_MAX_MESSAGE_BYTES: number = 1024 * 1024;

  /** How long a request waits for policy's decision before it fails with POLICY.TIMEOUT. */
  @IsInt() @Min(100) @Max(120_000) GATEWAY_DECISION_TIMEOUT_MS: number = 5_000;

  /** How long a request waits for the masked result before it fails with MASKING.TIMEOUT. */
  @IsInt() @Min(100) @Max(120_000) GATEWAY_MASKING_TIMEOUT_MS: number = 5_000;

  /**
   * How long a request waits for the broker to acknowledge (acks=all) an event it must have
   * written before it goes on: the intent before anything runs, the outcome before the answer.
   * Longer is EVENTS.UNAVAILABLE (503); the send goes on in the background (see docs/reliability.md).
   */
  @IsInt() @Min(100) @Max(120_000) GATEWAY_PUBLISH_TIMEOUT_MS: number = 3_000;

  /** Longest long poll of GET /v1/actions/:id?wait= (seconds). */
  @IsInt() @Min(0) @Max(300) GATEWAY_MAX_WAIT_S: number = 30;

  /** PostgreSQL statement_timeout for statements run on targets. */
  @IsInt() @Min(100) @Max(600_000) GATEWAY_STATEMENT_TIMEOUT_MS: number = 10_000;

  /** How long opening a connection to a target may take. */
  @IsInt() @Min(100) @Max(60_000) GATEWAY_CONNECT_TIMEOUT_MS: number = 3_000;

  /** Connections per target pool. */
  @IsInt() @Min(1) @Max(100) GATEWAY_TARGET_POOL_SIZE: number = 5;

  /** Row cap when the decision sets none. */
  @IsInt() @Min(1) @Max(1_000_000) GATEWAY_DEFAULT_ROW_LIMIT: number = 1_000;

  get actionGroups(): string[] {
    return this.GATEWAY_ACTION_GROUPS.split(',');
  }

  get reviewerGroups(): string[] {
    return this.GATEWAY_REVIEWER_GROUPS.split(',');
  }

  get corsOrigins(): string[] {
    return this.GATEWAY_CORS_ORIGINS ? this.GATEWAY_CORS_ORIGINS.split(',') : [];
  }

  get adminGroups(): string[] {
    return this.GATEWAY_ADMIN_GROUPS.split(',');
  }
}
