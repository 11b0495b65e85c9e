import { Type } from 'class-transformer';
import { IsInt, IsObject, IsString, Matches, Min, ValidateNested, IsDefined } from 'class-validator';
import { EnvelopeV1 } from '../envelope';
import { bySession, EventDefinition } from '../event-definition';

/** The small record whose canonical JSON is the leaf of the Merkle log. */
export class LedgerEntryV1 {
  @IsInt() @Min(1) schema: number;
  @IsString() origin: string;
  @IsString() eventId: string;
  @IsString() eventType: string;
  @IsString() sessionId: string;
  @IsInt() @Min(0) sessionSeq: number;
  @IsString() occurredAt: string;
  @Matches(/^[0-9a-f]{64}$/) payloadSha256: string;
  @IsInt() @Min(0) payloadSize: number;
}

/** Emitted once an event is durably in the ledger; the audit views are built from it. */
export class LedgerAppendedV1 {
  @IsString() origin: string;
  @IsInt() @Min(0) index: number;
  /** RFC 6962 leaf hash, SHA-256(0x00 || canonical entry), hex. */
  @Matches(/^[0-9a-f]{64}$/) leafHash: string;
  @IsDefined()
  @ValidateNested()
  @Type(() => LedgerEntryV1)
  entry: LedgerEntryV1;
  /** The ledgered event itself, as appended. */
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => EnvelopeV1)
  event: EnvelopeV1;
}

export const LedgerAppended: EventDefinition<LedgerAppendedV1> = {
  type: 'verity.ledger.appended.v1',
  version: 1,
  topic: 'ledger.entry.appended.v1',
  payload: LedgerAppendedV1,
  ledgered: false,
  key: bySession,
};
