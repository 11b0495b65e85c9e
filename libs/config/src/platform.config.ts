import { IsIn, IsInt, IsNotEmpty, IsString, Matches, Max, Min } from 'class-validator';

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/verity';

/** Settings every Verity service reads. Names are the environment variables. */
export class PlatformConfig {
  @IsString()
  @Matches(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, {
    message: 'KAFKA_BROKERS must be host:port[,host:port]',
  })
  KAFKA_BROKERS = '127.0.0.1:9092';

  @IsString()
  @Matches(/^postgres(ql)?:\/\//, {
    message: 'DATABASE_URL must be a postgres:// URL',
  })
  DATABASE_URL = DEFAULT_DATABASE_URL;

  /** Partitions for topics this service creates when they do not exist yet. */
  @IsInt() @Min(1) @Max(256) KAFKA_PARTITIONS = 3;

  /** How long a consumer's fetch may wait on the broker when no data is there. */
  @IsInt() @Min(10) @Max(10_000) KAFKA_MAX_WAIT_MS = 100;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** Distinguishes instances of one app in logs, metrics and Kafka client ids. */
  @IsString() @IsNotEmpty() INSTANCE_ID = `${process.pid}`;

  /**
   * HTTP servers cut off a client that has not sent all its request headers within this time
   * (slow-loris), or the whole request within HTTP_REQUEST_TIMEOUT_MS. Node checks open
   * connections every HTTP_CONNECTIONS_CHECK_MS.
   */
  @IsInt() @Min(100) @Max(300_000) HTTP_HEADERS_TIMEOUT_MS = 10_000;
  @IsInt() @Min(100) @Max(600_000) HTTP_REQUEST_TIMEOUT_MS = 30_000;
  @IsInt() @Min(50) @Max(60_000) HTTP_CONNECTIONS_CHECK_MS = 1_000;
}

export function kafkaBrokers(config: PlatformConfig): string[] {
  return config.KAFKA_BROKERS.split(',');
}
