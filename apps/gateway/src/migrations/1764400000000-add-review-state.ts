import { MigrationInterface, QueryRunner } from 'typeorm';

/** What an action needs to run after review on any instance, and the review's state. */
export class AddReviewState1764400000000 implements MigrationInterface {
  name = 'AddReviewState1764400000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "gateway"."actions" ADD "payload" jsonb`);
    await runner.query(`ALTER TABLE "gateway"."actions" ADD "obligations" jsonb`);
    await runner.query(`ALTER TABLE "gateway"."actions" ADD "traceparent" character varying(55)`);
    await runner.query(`ALTER TABLE "gateway"."actions" ADD "review" jsonb`);
    await runner.query(`ALTER TABLE "gateway"."actions" ADD "result" jsonb`);
    await runner.query(
      `CREATE INDEX "IDX_actions_pending_review" ON "gateway"."actions" ("created_at") WHERE "status" = 'pending_review'`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX "gateway"."IDX_actions_pending_review"`);
    for (const column of ['result', 'review', 'traceparent', 'obligations', 'payload']) {
      await runner.query(`ALTER TABLE "gateway"."actions" DROP COLUMN "${column}"`);
    }
  }
}
