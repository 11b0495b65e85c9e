import { IsInt, IsString, Matches, Max, Min } from 'class-validator';

/** Audit settings; names are the environment variables. */
export class AuditConfig {
  @IsInt() @Min(0) @Max(65535) AUDIT_PORT = 8081;

  /** Groups whose members may read audit data (any one suffices), comma-separated. */
  @IsString()
  @Matches(/^[^,\s]+(,[^,\s]+)*$/, { message: 'AUDIT_READ_GROUPS must be group names separated by commas' })
  AUDIT_READ_GROUPS = 'compliance';
}

export function auditReadGroups(config: AuditConfig): string[] {
  return config.AUDIT_READ_GROUPS.split(',');
}
