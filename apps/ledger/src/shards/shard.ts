/**
 * One Merkle log per partition of the ledger's input topics (every ledgered topic has the same
 * partition count and is keyed by session id, so a session's events share a partition number
 * and hence a log). Shard 0 keeps the configured origin, so a single-partition ledger (and a log
 * written before shards existed) is unchanged; shard n > 0 is `<origin>/shard-<n>`.
 */
export function shardOrigin(base: string, shard: number): string {
  return shard === 0 ? base : `${base}/shard-${shard}`;
}

/** The shard of an origin of this ledger, or undefined when it is not one. */
export function shardOf(base: string, origin: string): number | undefined {
  if (origin === base) return 0;
  const m = origin.startsWith(`${base}/shard-`) ? /^[1-9]\d{0,5}$/.exec(origin.slice(base.length + 7)) : null;
  return m ? Number(m[0]) : undefined;
}
