import { IsInt, IsString, Matches, Max, Min } from 'class-validator';

/** Audit settings; names are the environment variables. */
export class AuditConfig {
  @IsInt() @Min(0) @Max(65535) AUDIT_PORT = 8081;

  /** Groups whose members may read audit data (any one suffices), comma-separated. */
  @IsString()
  @Matches(/^[^,\s]+(,[^,\s]+)*$/, { message: 'AUDIT_READ_GROUPS must be group names separated by commas' })
  AUDIT_READ_GROUPS = 'compliance';

  /** A denied burst: this many denials of one identity … */
  @IsInt() @Min(2) @Max(10_000) AUDIT_DENIED_BURST_COUNT = 5;

  /** … within this many milliseconds. */
  @IsInt() @Min(1) AUDIT_DENIED_BURST_WINDOW_MS = 60_000;

  /** An intent with no outcome this long after its request (and no pending review) is orphaned. */
  @IsInt() @Min(1) AUDIT_ORPHAN_TIMEOUT_MS = 300_000;

  /** How often to look for orphaned actions; 0 turns the sweep off. */
  @IsInt() @Min(0) AUDIT_ORPHAN_SWEEP_MS = 30_000;
}

export function auditReadGroups(config: AuditConfig): string[] {
  return config.AUDIT_READ_GROUPS.split(',');
}
