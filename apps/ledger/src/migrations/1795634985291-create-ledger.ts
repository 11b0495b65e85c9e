import { MigrationInterface, QueryRunner } from 'typeorm';

// TypeORM does not set search_path: every name is qualified with the app's schema.

/** The append-only log, its per-origin state, parked events and the publication outbox. */
export class CreateLedger1795634985291 implements MigrationInterface {
  name = 'CreateLedger1795634985291';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE "ledger"."log_state" (
        "origin" text NOT NULL,
        "size" bigint NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_log_state" PRIMARY KEY ("origin")
      )`);
    await db.query(`
      CREATE TABLE "ledger"."entries" (
        "origin" text NOT NULL,
        "index" bigint NOT NULL,
        "event_id" uuid NOT NULL,
        "event_type" text NOT NULL,
        "action_id" uuid NOT NULL,
        "session_id" text NOT NULL,
        "session_seq" bigint NOT NULL,
        "entry" text NOT NULL,
        "leaf_hash" text NOT NULL,
        "payload" jsonb NOT NULL,
        "payload_sha256" text NOT NULL,
        "appended_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "UQ_entries_event_id" UNIQUE ("event_id"),
        CONSTRAINT "UQ_entries_session_seq" UNIQUE ("origin", "session_id", "session_seq"),
        CONSTRAINT "PK_entries" PRIMARY KEY ("origin", "index")
      )`);
    await db.query(`CREATE INDEX "IDX_entries_action_id" ON "ledger"."entries" ("action_id")`);
    await db.query(`
      CREATE TABLE "ledger"."parked" (
        "event_id" uuid NOT NULL,
        "causation_id" uuid NOT NULL,
        "event_type" text NOT NULL,
        "action_id" uuid NOT NULL,
        "awaits_type" text,
        "payload" jsonb NOT NULL,
        "payload_sha256" text NOT NULL,
        "parked_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_parked" PRIMARY KEY ("event_id")
      )`);
    await db.query(`CREATE INDEX "IDX_parked_causation_id" ON "ledger"."parked" ("causation_id")`);
    await db.query(`CREATE INDEX "IDX_parked_action_id" ON "ledger"."parked" ("action_id")`);
    await db.query(`
      CREATE TABLE "ledger"."outbox" (
        "origin" text NOT NULL,
        "index" bigint NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_outbox" PRIMARY KEY ("origin", "index")
      )`);

    // Append-only from the start: entries can be inserted, never changed or removed.
    await db.query(`
      CREATE FUNCTION "ledger"."entries_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'ledger entries are append-only: % rejected', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await db.query(`
      CREATE TRIGGER "entries_no_update_delete" BEFORE UPDATE OR DELETE ON "ledger"."entries"
      FOR EACH ROW EXECUTE FUNCTION "ledger"."entries_append_only"()`);
    await db.query(`
      CREATE TRIGGER "entries_no_truncate" BEFORE TRUNCATE ON "ledger"."entries"
      FOR EACH STATEMENT EXECUTE FUNCTION "ledger"."entries_append_only"()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE "ledger"."outbox"`);
    await db.query(`DROP TABLE "ledger"."parked"`);
    await db.query(`DROP TABLE "ledger"."entries"`);
    await db.query(`DROP FUNCTION "ledger"."entries_append_only"()`);
    await db.query(`DROP TABLE "ledger"."log_state"`);
  }
}
