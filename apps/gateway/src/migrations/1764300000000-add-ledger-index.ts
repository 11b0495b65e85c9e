import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddLedgerIndex1764300000000 implements MigrationInterface {
  name = 'AddLedgerIndex1764300000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "gateway"."actions" ADD "ledger_index" bigint`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "gateway"."actions" DROP COLUMN "ledger_index"`);
  }
}
