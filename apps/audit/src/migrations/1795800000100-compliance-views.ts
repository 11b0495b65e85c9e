import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Compliance views (issue 7): the action row gains the acting agent, the touched tables, the
 * HTTP method and path and the review; sessions, identities, connections and alerts views;
 * indexes for every filter, each ending in the keyset (requested_at, action_id); the orphan
 * sweep's bookkeeping. Existing rows keep working; `npm run audit:rebuild` fills the new columns.
 */
export class ComplianceViews1795800000100 implements MigrationInterface {
  name = 'ComplianceViews1795800000100';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE "audit"."actions"
        ADD "agent" text,
        ADD "http_method" text,
        ADD "http_path" text,
        ADD "tables" text array,
        ADD "review" jsonb,
        ADD "review_state" text,
        ADD "review_requested_at" TIMESTAMP(3) WITH TIME ZONE`);
    await db.query(`DROP INDEX "audit"."IDX_actions_identity_subject"`);
    for (const [name, columns] of [
      ['IDX_actions_identity_subject', '"identity_subject", "requested_at", "action_id"'],
      ['IDX_actions_agent', '"agent", "requested_at", "action_id"'],
      ['IDX_actions_connection', '"connection", "requested_at", "action_id"'],
      ['IDX_actions_operation', '"operation", "requested_at", "action_id"'],
      ['IDX_actions_decision', '"decision", "requested_at", "action_id"'],
      ['IDX_actions_review', '"review_state", "review_requested_at", "action_id"'],
    ]) {
      await db.query(`CREATE INDEX "${name}" ON "audit"."actions" (${columns})`);
    }
    await db.query(`CREATE INDEX "IDX_actions_tables" ON "audit"."actions" USING gin ("tables")`);
    await db.query(`CREATE INDEX "IDX_actions_open" ON "audit"."actions" ("requested_at") WHERE completed_at IS NULL`);
    await db.query(
      `CREATE INDEX "IDX_actions_denied" ON "audit"."actions" ("identity_subject", "completed_at") WHERE status = 'denied'`,
    );
    const counts = `
        "action_count" integer NOT NULL DEFAULT 0,
        "allowed_count" integer NOT NULL DEFAULT 0,
        "denied_count" integer NOT NULL DEFAULT 0,
        "review_count" integer NOT NULL DEFAULT 0,
        "executed_count" integer NOT NULL DEFAULT 0,
        "failed_count" integer NOT NULL DEFAULT 0,
        "denied_outcome_count" integer NOT NULL DEFAULT 0,
        "pending_review_count" integer NOT NULL DEFAULT 0,
        "first_at" TIMESTAMP(3) WITH TIME ZONE,
        "last_at" TIMESTAMP(3) WITH TIME ZONE`;
    await db.query(`
      CREATE TABLE "audit"."sessions" (
        "session_id" text NOT NULL, ${counts},
        "identity" text,
        "agent" text,
        CONSTRAINT "PK_sessions" PRIMARY KEY ("session_id")
      )`);
    await db.query(`CREATE INDEX "IDX_sessions_last_at" ON "audit"."sessions" ("last_at", "session_id")`);
    await db.query(`CREATE INDEX "IDX_sessions_identity" ON "audit"."sessions" ("identity", "last_at", "session_id")`);
    await db.query(`
      CREATE TABLE "audit"."identities" (
        "identity" text NOT NULL, ${counts},
        CONSTRAINT "PK_identities" PRIMARY KEY ("identity")
      )`);
    await db.query(`
      CREATE TABLE "audit"."connections" (
        "connection" text NOT NULL, ${counts},
        CONSTRAINT "PK_connections" PRIMARY KEY ("connection")
      )`);
    await db.query(`
      CREATE TABLE "audit"."alerts" (
        "alert_id" text NOT NULL,
        "kind" text NOT NULL,
        "event_kind" text NOT NULL,
        "severity" text NOT NULL,
        "identity" text,
        "session_id" text,
        "action_id" uuid,
        "message" text NOT NULL,
        "raised_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
        "details" jsonb NOT NULL,
        "ledger_ref" jsonb,
        CONSTRAINT "PK_alerts" PRIMARY KEY ("alert_id")
      )`);
    await db.query(`CREATE INDEX "IDX_alerts_raised_at" ON "audit"."alerts" ("raised_at", "alert_id")`);
    await db.query(`CREATE INDEX "IDX_alerts_kind" ON "audit"."alerts" ("kind", "raised_at", "alert_id")`);
    await db.query(`CREATE INDEX "IDX_alerts_identity" ON "audit"."alerts" ("identity", "raised_at")`);
    await db.query(`
      CREATE TABLE "audit"."orphan_sweeps" (
        "action_id" uuid NOT NULL,
        "raised_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_orphan_sweeps" PRIMARY KEY ("action_id")
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['orphan_sweeps', 'alerts', 'connections', 'identities', 'sessions']) {
      await db.query(`DROP TABLE "audit"."${table}"`);
    }
    for (const name of [
      'IDX_actions_denied',
      'IDX_actions_open',
      'IDX_actions_tables',
      'IDX_actions_review',
      'IDX_actions_decision',
      'IDX_actions_operation',
      'IDX_actions_connection',
      'IDX_actions_agent',
      'IDX_actions_identity_subject',
    ]) {
      await db.query(`DROP INDEX "audit"."${name}"`);
    }
    await db.query(`CREATE INDEX "IDX_actions_identity_subject" ON "audit"."actions" ("identity_subject")`);
    await db.query(`
      ALTER TABLE "audit"."actions"
        DROP "review_requested_at", DROP "review_state", DROP "review", DROP "tables",
        DROP "http_path", DROP "http_method", DROP "agent"`);
  }
}
