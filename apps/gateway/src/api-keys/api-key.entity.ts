import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A service account's API key. Only a slow hash (argon2id) of its secret is stored. */
@Entity({ name: 'api_keys' })
export class ApiKeyEntity {
  /** The key id, also the `<id>` part of `vk_<id>_<secret>`: lookup is by primary key. */
  @PrimaryColumn({ type: 'varchar', length: 16, primaryKeyConstraintName: 'PK_api_keys' }) id: string;
  @Column({ type: 'varchar', length: 64 }) name: string;
  @Column({ name: 'secret_hash', type: 'text' }) secretHash: string;
  @Column({ type: 'jsonb' }) groups: string[];
  @Column({ type: 'jsonb' }) connections: string[];
  /** Subject of the admin who created it. */
  @Column({ name: 'created_by', type: 'varchar', length: 512 }) createdBy: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true }) revokedAt: Date | null;
}
