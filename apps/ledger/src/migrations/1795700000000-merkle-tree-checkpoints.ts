import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Merkle tree's stored subtrees, the tree state in log_state, signed checkpoints (both
 * append-only like entries), and a writer role with INSERT/SELECT only on the log's tables.
 */
export class MerkleTreeCheckpoints1795700000000 implements MigrationInterface {
  name = 'MerkleTreeCheckpoints1795700000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE "ledger"."log_state" ADD "tree_size" bigint NOT NULL DEFAULT 0`);
    await db.query(`ALTER TABLE "ledger"."log_state" ADD "frontier" text NOT NULL DEFAULT ''`);
    await db.query(`
      CREATE TABLE "ledger"."nodes" (
        "origin" text NOT NULL,
        "level" smallint NOT NULL,
        "index" bigint NOT NULL,
        "hash" bytea NOT NULL,
        CONSTRAINT "PK_nodes" PRIMARY KEY ("origin", "level", "index")
      )`);
    await db.query(`
      CREATE TABLE "ledger"."checkpoints" (
        "origin" text NOT NULL,
        "size" bigint NOT NULL,
        "root_hash" text NOT NULL,
        "note" text NOT NULL,
        "key_id" text NOT NULL,
        "signed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_checkpoints" PRIMARY KEY ("origin", "size")
      )`);
    for (const table of ['nodes', 'checkpoints']) {
      await db.query(`
        CREATE TRIGGER "${table}_no_update_delete" BEFORE UPDATE OR DELETE ON "ledger"."${table}"
        FOR EACH ROW EXECUTE FUNCTION "ledger"."entries_append_only"()`);
      await db.query(`
        CREATE TRIGGER "${table}_no_truncate" BEFORE TRUNCATE ON "ledger"."${table}"
        FOR EACH STATEMENT EXECUTE FUNCTION "ledger"."entries_append_only"()`);
    }
    // The role a production ledger logs in as (GRANT verity_ledger_writer TO <login>): it can
    // add to the log and read it, never change it. Roles are cluster-wide, hence IF NOT EXISTS.
    await db.query(`
      DO $$ BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'verity_ledger_writer') THEN
          CREATE ROLE verity_ledger_writer NOLOGIN;
        END IF;
      END $$`);
    await db.query(`GRANT USAGE ON SCHEMA "ledger" TO verity_ledger_writer`);
    await db.query(
      `GRANT SELECT, INSERT ON "ledger"."entries", "ledger"."nodes", "ledger"."checkpoints" TO verity_ledger_writer`,
    );
    await db.query(
      `GRANT SELECT, INSERT, UPDATE, DELETE ON "ledger"."log_state", "ledger"."parked", "ledger"."outbox" TO verity_ledger_writer`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`REVOKE ALL ON ALL TABLES IN SCHEMA "ledger" FROM verity_ledger_writer`);
    await db.query(`REVOKE USAGE ON SCHEMA "ledger" FROM verity_ledger_writer`);
    await db.query(`DROP TABLE "ledger"."checkpoints"`);
    await db.query(`DROP TABLE "ledger"."nodes"`);
    await db.query(`ALTER TABLE "ledger"."log_state" DROP COLUMN "frontier"`);
    await db.query(`ALTER TABLE "ledger"."log_state" DROP COLUMN "tree_size"`);
  }
}
