import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateReviewVerdicts1764500000000 implements MigrationInterface {
  name = 'CreateReviewVerdicts1764500000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE "gateway"."review_verdicts" (
        "id" uuid NOT NULL,
        "action_id" uuid NOT NULL,
        "reviewer" character varying(512) NOT NULL,
        "verdict" character varying(16) NOT NULL,
        "outcome" character varying(16),
        "code" character varying(64),
        "message" text,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "answered_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "PK_review_verdicts" PRIMARY KEY ("id")
      )`);
    await runner.query(`CREATE INDEX "IDX_review_verdicts_action_id" ON "gateway"."review_verdicts" ("action_id")`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "gateway"."review_verdicts"`);
  }
}
