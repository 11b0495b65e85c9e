import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateNested,
  IsDefined,
} from 'class-validator';

export const ACTOR_KINDS = ['human', 'service', 'agent'] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

/** One link of an RFC 8693 delegation chain: who acts for the principal. */
export class DelegateV1 {
  @IsString() @IsNotEmpty() @MaxLength(512) subject: string;
  @IsOptional() @IsString() @MaxLength(1024) issuer?: string;
}

/** The identity bound to a request by the gateway. */
export class ActorV1 {
  @IsString() @IsNotEmpty() @MaxLength(512) subject: string;
  @IsString() @IsNotEmpty() @MaxLength(1024) issuer: string;
  @IsIn(ACTOR_KINDS) kind: ActorKind;
  /** Who acts on the subject's behalf, outermost (the direct caller) first; empty when none. */
  @IsArray()
  @ArrayMaxSize(16)
  @ValidateNested({ each: true })
  @Type(() => DelegateV1)
  actingParties: DelegateV1[];
  @IsArray() @ArrayMaxSize(256) @IsString({ each: true }) groups: string[];
}

/**
 * CloudEvents 1.0 envelope (structured JSON mode) shared by every Verity message.
 * `actionid`, `sessionid`, `causationid` and `actor` are Verity's extension attributes.
 */
export class EnvelopeV1 {
  @IsIn(['1.0']) specversion: '1.0';
  @IsUUID(7) id: string;
  @IsString() @Matches(/^\/verity\/[a-z]+$/) source: string;
  @IsString() @Matches(/^verity\.[a-z]+(\.[a-z-]+)+\.v\d+$/) type: string;
  @IsISO8601({ strict: true }) time: string;
  @IsString() @IsNotEmpty() @MaxLength(256) subject: string;
  @IsIn(['application/json']) datacontenttype: 'application/json';
  @IsUUID(7) actionid: string;
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  @Matches(/^[A-Za-z0-9._:@-]+$/)
  sessionid: string;
  @IsOptional() @IsUUID(7) causationid?: string;
  @IsOptional()
  @IsString()
  @Matches(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/)
  traceparent?: string;
  @IsDefined() @ValidateNested() @Type(() => ActorV1) actor: ActorV1;
  @IsObject() data: object;
}

/** An envelope whose `data` has been validated as the event's payload class. */
export type EventEnvelope<T> = Omit<EnvelopeV1, 'data'> & { data: T };

/** The attributes a producer supplies; id, time and the constants are filled in. */
export interface EnvelopeInit<T> {
  source: string;
  actionId: string;
  sessionId: string;
  actor: ActorV1;
  data: T;
  subject?: string;
  causationId?: string;
  traceparent?: string;
}
