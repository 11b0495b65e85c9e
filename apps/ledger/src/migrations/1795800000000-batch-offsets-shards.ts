import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Batch consumption and shards (and announcements by cursor instead of an outbox row per entry): the Kafka offsets the ledger has consumed, stored in the same
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
    // The outbox (one row per entry, written by every append) becomes one cursor per log.
    await db.query(`
      CREATE TABLE "ledger"."publication" (
        "origin" text NOT NULL,
        "next_index" bigint NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_publication" PRIMARY KEY ("origin")
      )`);
    await db.query(`
      INSERT INTO "ledger"."publication" (origin, next_index)
      SELECT s.origin, COALESCE((SELECT min(o.index) FROM "ledger"."outbox" o WHERE o.origin = s.origin), s.size)
        FROM "ledger"."log_state" s`);
    await db.query(`DROP TABLE "ledger"."outbox"`);
    await db.query(`ALTER TABLE "ledger"."parked" ADD "origin" text`);
    await db.query(
      `GRANT SELECT, INSERT, UPDATE, DELETE ON "ledger"."consumer_offsets", "ledger"."publication" TO verity_ledger_writer`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE "ledger"."outbox" (
        "origin" text NOT NULL,
        "index" bigint NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_outbox" PRIMARY KEY ("origin", "index")
      )`);
    await db.query(`
      INSERT INTO "ledger"."outbox" (origin, index)
      SELECT e.origin, e.index FROM "ledger"."entries" e JOIN "ledger"."publication" p
          ON p.origin = e.origin AND e.index >= p.next_index`);
    await db.query(`DROP TABLE "ledger"."publication"`);
    await db.query(`ALTER TABLE "ledger"."parked" DROP COLUMN "origin"`);
    await db.query(`ALTER TABLE "ledger"."entries" DROP COLUMN "payload_text"`);
    await db.query(`DROP TABLE "ledger"."consumer_offsets"`);
  }
}
