import { MigrationInterface, QueryRunner } from 'typeorm';

// TypeORM does not set search_path: every name is qualified with the app's schema.

/** The `actions` projection and the per-origin high-water mark of applied ledger entries. */
export class CreateAudit1795636200000 implements MigrationInterface {
  name = 'CreateAudit1795636200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE "audit"."actions" (
        "action_id" uuid NOT NULL,
        "session_id" text NOT NULL,
        "status" text NOT NULL,
        "identity_subject" text,
        "identity_issuer" text,
        "identity_kind" text,
        "actor" jsonb,
        "connection" text,
        "operation" text,
        "sql" text,
        "params" jsonb,
        "payload_digest" text,
        "agent_step" integer,
        "agent_thought" text,
        "agent_tool" text,
        "agent_model" text,
        "requested_at" TIMESTAMP(3) WITH TIME ZONE,
        "decision" text,
        "reasons" jsonb,
        "policy_ids" jsonb,
        "bundle_revision" text,
        "obligations" jsonb,
        "analysis" jsonb,
        "decided_at" TIMESTAMP WITH TIME ZONE,
        "result" jsonb,
        "masking" jsonb,
        "result_digest" text,
        "executed_payload_digest" text,
        "duration_ms" integer,
        "failure_stage" text,
        "error_code" text,
        "error_message" text,
        "completed_at" TIMESTAMP WITH TIME ZONE,
        "ledger_refs" jsonb NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_actions" PRIMARY KEY ("action_id")
      )`);
    await db.query(`CREATE INDEX "IDX_actions_session_id" ON "audit"."actions" ("session_id")`);
    await db.query(`CREATE INDEX "IDX_actions_requested_at" ON "audit"."actions" ("requested_at", "action_id")`);
    await db.query(`CREATE INDEX "IDX_actions_identity_subject" ON "audit"."actions" ("identity_subject")`);
    await db.query(`
      CREATE TABLE "audit"."projection_state" (
        "origin" text NOT NULL,
        "last_index" bigint NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_projection_state" PRIMARY KEY ("origin")
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE "audit"."projection_state"`);
    await db.query(`DROP TABLE "audit"."actions"`);
  }
}
