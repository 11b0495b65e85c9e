import { IsIn, IsInt, IsNotEmpty, IsString, IsUrl, Max, Min, ValidateIf } from 'class-validator';

export class PolicyConfig {
  @IsInt() @Min(1) @Max(65_535) POLICY_PORT = 8083;
  /** The Cedar policy bundle: a folder of `*.cedar` files, relative to the repo root unless absolute. */
  @IsString() @IsNotEmpty() VERITY_POLICY_DIR: string = 'deploy/policies';
  /** How often the folder's content hash is checked for changes; 0 turns reloading off. */
  @IsInt() @Min(0) @Max(3_600_000) POLICY_RELOAD_MS = 1000;
  /** Per agent session: most actions, actions with writes, distinct tables; 0 = no limit. */
  @IsInt() @Min(0) POLICY_BUDGET_ACTIONS = 500;
  @IsInt() @Min(0) POLICY_BUDGET_WRITES = 50;
  @IsInt() @Min(0) POLICY_BUDGET_TABLES = 100;
  /** Per agent session: most rows returned (from action.executed); 0 = no limit. */
  @IsInt() @Min(0) @Max(2_147_483_647) POLICY_BUDGET_ROWS = 10_000;
  /** What an action that crosses a budget gets (and an alert is raised). */
  @IsIn(['deny', 'review']) POLICY_BUDGET_ON_EXCEED: 'deny' | 'review' = 'deny';
  /** How long a review stays open before it expires and its action fails. */
  @IsInt() @Min(1000) @Max(7 * 24 * 3_600_000) POLICY_REVIEW_TTL_MS = 15 * 60_000;
  /** How often expired reviews are closed and unpublished review events are sent again. */
  @IsInt() @Min(50) @Max(60_000) POLICY_REVIEW_SWEEP_MS = 1000;
  /** Incoming-webhook URL (Slack-compatible) announcing each review; empty: none. A secret: never logged. */
  @ValidateIf((c: PolicyConfig) => c.POLICY_REVIEW_WEBHOOK_URL !== '')
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  POLICY_REVIEW_WEBHOOK_URL: string = '';
  @IsInt() @Min(100) @Max(60_000) POLICY_REVIEW_WEBHOOK_TIMEOUT_MS = 3000;
  /** The gateway's public address, for links in review announcements. */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  POLICY_GATEWAY_URL: string = 'http://127.0.0.1:8080';
}
