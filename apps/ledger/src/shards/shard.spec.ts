import { shardOf, shardOrigin } from './shard';

describe('shard origins', () => {
  it('keeps the configured origin for shard 0 and suffixes the others', () => {
    expect(shardOrigin('verity.local/ledger', 0)).toBe('verity.local/ledger');
    expect(shardOrigin('verity.local/ledger', 7)).toBe('verity.local/ledger/shard-7');
  });

  it('maps an origin back to its shard, and rejects origins of other logs', () => {
    for (const shard of [0, 1, 12, 255]) expect(shardOf('o', shardOrigin('o', shard))).toBe(shard);
    expect(shardOf('o', 'other')).toBeUndefined();
    expect(shardOf('o', 'o/shard-01')).toBeUndefined();
    expect(shardOf('o', 'o/shard-0')).toBeUndefined();
    expect(shardOf('o', 'o/shard-x')).toBeUndefined();
  });
});
