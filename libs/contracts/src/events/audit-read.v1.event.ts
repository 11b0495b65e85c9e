import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
} from 'class-validator';
import { bySession, EventDefinition } from '../event-definition';

export const AUDIT_READ_FORMATS = ['json', 'jsonl', 'csv', 'ocsf', 'html'] as const;

/**
 * Somebody read audit data: who (the envelope's actor), which route, with which filters, and
 * how much came back — never the data itself. `actionid` is a fresh id for the read, or the
 * action read; `sessionid` is `audit:<reader subject>`, so one reader's reads keep their order.
 */
export class AuditReadV1 {
  /** The route template, e.g. `GET /v1/audit/actions/:id`. */
  @IsString() @Matches(/^(GET|POST|HEAD) \/[\w/:.-]*$/) @MaxLength(256) route: string;
  /** Ids named in the path (an action id, a session id). */
  @IsArray() @ArrayMaxSize(16) @IsString({ each: true }) @MaxLength(256, { each: true }) resourceIds: string[];
  /** The query's filters as given (names to values). */
  @IsObject() filters: Record<string, string>;
  @IsIn(AUDIT_READ_FORMATS) format: (typeof AUDIT_READ_FORMATS)[number];
  /** Records returned (rows of a list or export); absent when unknown (an aborted stream). */
  @IsOptional() @IsInt() @Min(0) records?: number;
}

export const AuditRead: EventDefinition<AuditReadV1> = {
  type: 'verity.audit.read.v1',
  version: 1,
  topic: 'audit.data.read.v1',
  payload: AuditReadV1,
  ledgered: true,
  key: bySession,
};
