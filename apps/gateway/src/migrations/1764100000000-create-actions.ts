import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateActions1764100000000 implements MigrationInterface {
  name = 'CreateActions1764100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE "gateway"."actions" (
        "id" uuid NOT NULL,
        "session_id" character varying(256) NOT NULL,
        "actor" jsonb NOT NULL,
        "connection" character varying(63) NOT NULL,
        "operation" character varying(64) NOT NULL,
        "status" character varying(32) NOT NULL,
        "decision" character varying(16),
        "payload_digest" character(64) NOT NULL,
        "outcome_code" character varying(64),
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_actions" PRIMARY KEY ("id")
      )`);
    await runner.query(`CREATE INDEX "IDX_actions_session_id" ON "gateway"."actions" ("session_id")`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX "gateway"."IDX_actions_session_id"`);
    await runner.query(`DROP TABLE "gateway"."actions"`);
  }
}
