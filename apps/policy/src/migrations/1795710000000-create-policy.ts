import { MigrationInterface, QueryRunner } from 'typeorm';

// TypeORM does not set search_path: every name is qualified with the app's schema.

/** Session budgets and the per-action decision records they are kept with. */
export class CreatePolicy1795710000000 implements MigrationInterface {
  name = 'CreatePolicy1795710000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE "policy"."session_budgets" (
        "session_id" text NOT NULL,
        "actions" integer NOT NULL DEFAULT 0,
        "writes" integer NOT NULL DEFAULT 0,
        "tables" text array NOT NULL DEFAULT '{}',
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_session_budgets" PRIMARY KEY ("session_id")
      )`);
    await db.query(`
      CREATE TABLE "policy"."decisions" (
        "action_id" uuid NOT NULL,
        "session_id" text NOT NULL,
        "decided" jsonb NOT NULL,
        "alert" jsonb,
        "decided_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_decisions" PRIMARY KEY ("action_id")
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE "policy"."decisions"`);
    await db.query(`DROP TABLE "policy"."session_budgets"`);
  }
}
