import { LedgerEntryV1 } from '@verity/contracts';
import { LedgerEntryEntity } from '../ledger-entry.entity';
import { PlainEvent } from '../ledger-entry';

/** An entry as the HTTP API shows it: the leaf, its hash and the event it commits to. */
export interface EntryView {
  origin: string;
  index: number;
  leafHash: string;
  entry: LedgerEntryV1;
  event: PlainEvent;
  appendedAt: string;
}

export function toEntryView(row: LedgerEntryEntity): EntryView {
  return {
    origin: row.origin,
    index: row.index,
    leafHash: row.leafHash,
    entry: JSON.parse(row.entry) as LedgerEntryV1,
    event: row.payload,
    appendedAt: row.appendedAt.toISOString(),
  };
}
