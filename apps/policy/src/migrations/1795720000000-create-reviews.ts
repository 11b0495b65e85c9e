import { MigrationInterface, QueryRunner } from 'typeorm';

/** The review state machine's state, and its outbox of review events. */
export class CreateReviews1795720000000 implements MigrationInterface {
  name = 'CreateReviews1795720000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE "policy"."reviews" (
        "action_id" uuid NOT NULL,
        "session_id" text NOT NULL,
        "requester" jsonb NOT NULL,
        "connection" character varying(63) NOT NULL,
        "operation" character varying(64) NOT NULL,
        "payload_digest" character(64) NOT NULL,
        "required_approvals" integer NOT NULL,
        "distinct_groups" boolean NOT NULL,
        "approver_groups" text array,
        "status" character varying(16) NOT NULL,
        "approvals" jsonb NOT NULL DEFAULT '[]',
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "traceparent" character varying(55),
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "closed_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "PK_reviews" PRIMARY KEY ("action_id")
      )`);
    await db.query(
      `CREATE INDEX "IDX_reviews_pending_expiry" ON "policy"."reviews" ("expires_at") WHERE "status" = 'pending'`,
    );
    await db.query(`
      CREATE TABLE "policy"."review_events" (
        "id" uuid NOT NULL,
        "action_id" uuid NOT NULL,
        "cause_id" uuid,
        "type" character varying(128) NOT NULL,
        "envelope" jsonb NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "published_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "PK_review_events" PRIMARY KEY ("id")
      )`);
    await db.query(`CREATE INDEX "IDX_review_events_cause" ON "policy"."review_events" ("cause_id")`);
    await db.query(
      `CREATE INDEX "IDX_review_events_unpublished" ON "policy"."review_events" ("created_at") WHERE "published_at" IS NULL`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE "policy"."review_events"`);
    await db.query(`DROP TABLE "policy"."reviews"`);
  }
}
