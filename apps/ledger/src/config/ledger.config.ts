import { IsBoolean, IsInt, IsString, Matches, Max, Min } from 'class-validator';

/** Ledger settings; names are the environment variables. */
export class LedgerConfig {
  @IsInt() @Min(0) @Max(65535) LEDGER_PORT = 8082;

  /** Names this log in every entry and checkpoint (like a transparency log's origin line). */
  @IsString()
  @Matches(/^[\x21-\x7e]{1,200}$/, { message: 'LEDGER_ORIGIN must be 1-200 printable ASCII characters without spaces' })
  LEDGER_ORIGIN = 'verity.local/ledger';

  /**
   * The consumer group that feeds the log. Its offsets are stored with the entries
   * (`ledger.consumer_offsets`); another group starts from the beginning of every topic.
   */
  @IsString()
  @Matches(/^[a-z][a-z0-9._-]{0,199}$/, { message: 'LEDGER_CONSUMER_GROUP must be a lowercase group id' })
  LEDGER_CONSUMER_GROUP = 'ledger.append';

  /**
   * How long an event may wait for its cause before it is appended anyway (logged loudly):
   * a cause that never comes must not hold an event out of the ledger forever.
   */
  @IsInt() @Min(1_000) LEDGER_PARK_TIMEOUT_MS = 10 * 60_000;

  /**
   * Whether appended entries are announced as `LedgerAppended` (what the audit view is built
   * from). Off only for a log nothing reads from Kafka (the crash test's, a benchmark's), so its
   * load does not reach the audit service's group.
   */
  @IsBoolean() LEDGER_ANNOUNCE = true;

  /** How often the logs are checked for appended entries not yet announced on Kafka. */
  @IsInt() @Min(50) @Max(60_000) LEDGER_OUTBOX_POLL_MS = 1_000;

  /** How often a checkpoint is signed when the log has grown (also signed on demand). */
  @IsInt() @Min(100) @Max(3_600_000) LEDGER_CHECKPOINT_INTERVAL_MS = 2_000;

  /**
   * PKCS#8 PEM file of the Ed25519 checkpoint signing key. Empty: a dev key is generated once
   * into `<VERITY_HOME>/ledger-keys/` (never committed) and the log says so.
   */
  @IsString() LEDGER_SIGNING_KEY_FILE = '';

  /** The signed-note key name; empty means the origin. */
  @IsString()
  @Matches(/^([\x21-\x2a\x2c-\x7e]{1,200})?$/, {
    message: 'LEDGER_KEY_NAME must be printable ASCII without spaces or +',
  })
  LEDGER_KEY_NAME = '';

  /** Runtime state folder; empty means `<cwd>/.verity`. */
  @IsString() VERITY_HOME = '';
}
