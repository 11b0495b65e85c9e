import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Batch consumption and shards: the Kafka offsets the ledger has consumed, stored in the same
 * transaction as the entries they produced; each entry's payload bytes exactly as committed
 * (so verification digests bytes instead of re-canonicalising JSON); parked events remember
 * the log (shard) they belong to.
 */
export class BatchOffsetsShards1795800000000 implements MigrationInterface {
  name = 'BatchOffsetsShards1795800000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE "ledger"."consumer_offsets" (
        "group_id" text NOT NULL,
        "topic" text NOT NULL,
        "partition" integer NOT NULL,
        "next_offset" bigint NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_consumer_offsets" PRIMARY KEY ("group_id", "topic", "partition")
      )`);
    await db.query(`ALTER TABLE "ledger"."entries" ADD "payload_text" text`);
    await db.query(`ALTER TABLE "ledger"."parked" ADD "origin" text`);
    await db.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON "ledger"."consumer_offsets" TO verity_ledger_writer`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE "ledger"."parked" DROP COLUMN "origin"`);
    await db.query(`ALTER TABLE "ledger"."entries" DROP COLUMN "payload_text"`);
    await db.query(`DROP TABLE "ledger"."consumer_offsets"`);
  }
}
