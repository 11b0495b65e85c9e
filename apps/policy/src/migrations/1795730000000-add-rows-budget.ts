import { MigrationInterface, QueryRunner } from 'typeorm';

/** The rows-returned budget: a per-session counter and alert flag, and each action's counted rows. */
export class AddRowsBudget1795730000000 implements MigrationInterface {
  name = 'AddRowsBudget1795730000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE "policy"."session_budgets" ADD "rows" integer NOT NULL DEFAULT 0`);
    await db.query(`ALTER TABLE "policy"."session_budgets" ADD "rows_alerted" boolean NOT NULL DEFAULT false`);
    await db.query(`ALTER TABLE "policy"."decisions" ADD "rows_returned" integer`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE "policy"."decisions" DROP COLUMN "rows_returned"`);
    await db.query(`ALTER TABLE "policy"."session_budgets" DROP COLUMN "rows_alerted"`);
    await db.query(`ALTER TABLE "policy"."session_budgets" DROP COLUMN "rows"`);
  }
}
