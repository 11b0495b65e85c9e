import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateApiKeys1764200000000 implements MigrationInterface {
  name = 'CreateApiKeys1764200000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE "gateway"."api_keys" (
        "id" character varying(16) NOT NULL,
        "name" character varying(64) NOT NULL,
        "secret_hash" text NOT NULL,
        "groups" jsonb NOT NULL,
        "connections" jsonb NOT NULL,
        "created_by" character varying(512) NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "revoked_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "PK_api_keys" PRIMARY KEY ("id")
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "gateway"."api_keys"`);
  }
}
