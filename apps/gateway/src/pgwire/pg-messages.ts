import { Writer } from 'pg-protocol/dist/buffer-writer';

/**
 * The PostgreSQL v3 protocol messages the gateway's wire listener speaks
 * (https://www.postgresql.org/docs/current/protocol-message-formats.html).
 *
 * pg-protocol is a client library: its `parse` reads backend messages and its `serialize`
 * writes frontend ones. A server needs the reverse, so backend messages are written here with
 * pg-protocol's own `Writer` (which frames `code + int32 length`), and frontend messages are read
 * with a bounded reader: every read checks the message's length, so a malformed message is a
 * ProtocolViolation, never a read past its end.
 */

/** Startup-phase request codes (the int32 after the length). */
export const PROTOCOL_3 = 196_608; // 3.0
export const SSL_REQUEST = 80_877_103;
export const GSSENC_REQUEST = 80_877_104;
export const CANCEL_REQUEST = 80_877_102;

/** The client broke the protocol: answered with FATAL 08P01 and the connection is closed. */
export class ProtocolViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolViolation';
  }
}

/** Reads one message body; every read is bounds-checked. */
export class MessageReader {
  private offset = 0;

  constructor(private readonly body: Buffer) {}

  private need(bytes: number, what: string): void {
    if (this.offset + bytes > this.body.length) throw new ProtocolViolation(`message too short for ${what}`);
  }

  byte(): number {
    this.need(1, 'a byte');
    return this.body[this.offset++];
  }

  int16(): number {
    this.need(2, 'an int16');
    const value = this.body.readInt16BE(this.offset);
    this.offset += 2;
    return value;
  }

  int32(): number {
    this.need(4, 'an int32');
    const value = this.body.readInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  bytes(length: number): Buffer {
    this.need(length, `${length} bytes`);
    const value = this.body.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  cstring(): string {
    const end = this.body.indexOf(0, this.offset);
    if (end < 0) throw new ProtocolViolation('unterminated string');
    const value = this.body.toString('utf8', this.offset, end);
    this.offset = end + 1;
    return value;
  }

  /** A count that is not negative and not beyond what the rest of the message could hold. */
  count(unitBytes: number, what: string): number {
    const n = this.int16();
    if (n < 0 || n * unitBytes > this.body.length - this.offset) throw new ProtocolViolation(`bad ${what} count`);
    return n;
  }

  get remaining(): number {
    return this.body.length - this.offset;
  }
}

export type StartupMessage =
  | { kind: 'ssl' }
  | { kind: 'gssenc' }
  | { kind: 'cancel'; processId: number; secretKey: number }
  | { kind: 'startup'; minor: number; params: Record<string, string> };

/** The first message of a connection (no type byte): `body` is what follows its int32 length. */
export function parseStartup(body: Buffer): StartupMessage {
  const reader = new MessageReader(body);
  const code = reader.int32();
  if (code === SSL_REQUEST) return { kind: 'ssl' };
  if (code === GSSENC_REQUEST) return { kind: 'gssenc' };
  if (code === CANCEL_REQUEST) return { kind: 'cancel', processId: reader.int32(), secretKey: reader.int32() };
  const major = code >>> 16;
  if (major !== 3) throw new ProtocolViolation(`unsupported frontend protocol ${major}.${code & 0xffff}`);
  const params: Record<string, string> = {};
  for (;;) {
    const name = reader.cstring();
    if (name === '') break;
    params[name] = reader.cstring();
  }
  return { kind: 'startup', minor: code & 0xffff, params };
}

export type FrontendMessage =
  | { type: 'password'; password: string }
  | { type: 'query'; sql: string }
  | { type: 'parse'; name: string; sql: string; paramTypes: number[] }
  | {
      type: 'bind';
      portal: string;
      statement: string;
      paramFormats: number[];
      params: Array<Buffer | null>;
      resultFormats: number[];
    }
  | { type: 'describe'; target: 'S' | 'P'; name: string }
  | { type: 'execute'; portal: string; maxRows: number }
  | { type: 'close'; target: 'S' | 'P'; name: string }
  | { type: 'sync' }
  | { type: 'flush' }
  | { type: 'terminate' }
  /** Understood but never served: COPY sub-protocol messages and the function-call message. */
  | { type: 'unsupported'; what: string };

const UNSUPPORTED: Record<string, string> = {
  d: 'COPY data',
  c: 'COPY done',
  f: 'COPY fail',
  F: 'the function-call protocol',
};

function describeTarget(reader: MessageReader): 'S' | 'P' {
  const target = String.fromCharCode(reader.byte());
  if (target !== 'S' && target !== 'P') throw new ProtocolViolation(`bad describe/close target ${target}`);
  return target;
}

/** One frontend message after startup, from its type byte and body. */
export function parseFrontend(code: number, body: Buffer): FrontendMessage {
  const reader = new MessageReader(body);
  const type = String.fromCharCode(code);
  switch (type) {
    case 'p':
      return { type: 'password', password: reader.cstring() };
    case 'Q':
      return { type: 'query', sql: reader.cstring() };
    case 'P': {
      const name = reader.cstring();
      const sql = reader.cstring();
      const n = reader.count(4, 'parameter type');
      return { type: 'parse', name, sql, paramTypes: Array.from({ length: n }, () => reader.int32()) };
    }
    case 'B': {
      const portal = reader.cstring();
      const statement = reader.cstring();
      const paramFormats = Array.from({ length: reader.count(2, 'format') }, () => reader.int16());
      const params = Array.from({ length: reader.count(4, 'parameter') }, () => {
        const length = reader.int32();
        if (length < -1) throw new ProtocolViolation('bad parameter length');
        return length === -1 ? null : reader.bytes(length);
      });
      const resultFormats = Array.from({ length: reader.count(2, 'result format') }, () => reader.int16());
      return { type: 'bind', portal, statement, paramFormats, params, resultFormats };
    }
    case 'D':
      return { type: 'describe', target: describeTarget(reader), name: reader.cstring() };
    case 'E':
      return { type: 'execute', portal: reader.cstring(), maxRows: reader.int32() };
    case 'C':
      return { type: 'close', target: describeTarget(reader), name: reader.cstring() };
    case 'S':
      return { type: 'sync' };
    case 'H':
      return { type: 'flush' };
    case 'X':
      return { type: 'terminate' };
    default:
      if (UNSUPPORTED[type]) return { type: 'unsupported', what: UNSUPPORTED[type] };
      throw new ProtocolViolation(`unknown message type 0x${code.toString(16).padStart(2, '0')}`);
  }
}

// ---- backend messages -------------------------------------------------------------------

const code = (c: string) => c.charCodeAt(0);

export const authenticationCleartextPassword = (): Buffer => new Writer().addInt32(3).flush(code('R'));
export const authenticationOk = (): Buffer => new Writer().addInt32(0).flush(code('R'));
export const parameterStatus = (name: string, value: string): Buffer =>
  new Writer().addCString(name).addCString(value).flush(code('S'));
export const backendKeyData = (processId: number, secretKey: number): Buffer =>
  new Writer().addInt32(processId).addInt32(secretKey).flush(code('K'));
/** `I` idle; every statement commits on its own, so the gateway is never inside a transaction. */
export const readyForQuery = (status: 'I' | 'T' | 'E' = 'I'): Buffer =>
  new Writer().add(Buffer.from(status)).flush(code('Z'));
export const commandComplete = (tag: string): Buffer => new Writer().addCString(tag).flush(code('C'));
export const emptyQueryResponse = (): Buffer => new Writer().flush(code('I'));
export const parseComplete = (): Buffer => new Writer().flush(code('1'));
export const bindComplete = (): Buffer => new Writer().flush(code('2'));
export const closeComplete = (): Buffer => new Writer().flush(code('3'));
export const noData = (): Buffer => new Writer().flush(code('n'));
export const portalSuspended = (): Buffer => new Writer().flush(code('s'));

export const parameterDescription = (typeOids: number[]): Buffer => {
  const writer = new Writer().addInt16(typeOids.length);
  for (const oid of typeOids) writer.addInt32(oid);
  return writer.flush(code('t'));
};

/** Answers a newer minor version, or `_pq_.` options, with what this server speaks (3.0, none). */
export const negotiateProtocolVersion = (unrecognised: string[]): Buffer => {
  const writer = new Writer().addInt32(0).addInt32(unrecognised.length);
  for (const option of unrecognised) writer.addCString(option);
  return writer.flush(code('v'));
};

export interface ColumnDescription {
  name: string;
  typeOid: number;
  /** pg_type.typlen: -1 for variable length. */
  typeSize: number;
}

/** Text format (0) only. */
export const rowDescription = (columns: ColumnDescription[]): Buffer => {
  const writer = new Writer().addInt16(columns.length);
  for (const c of columns) {
    writer.addCString(c.name).addInt32(0).addInt16(0).addInt32(c.typeOid).addInt16(c.typeSize).addInt32(-1);
    writer.addInt16(0);
  }
  return writer.flush(code('T'));
};

/** One row of text values; null is SQL NULL. */
export const dataRow = (values: Array<string | null>): Buffer => {
  const writer = new Writer().addInt16(values.length);
  for (const value of values) {
    if (value === null) writer.addInt32(-1);
    else writer.addInt32PrefixedString(value);
  }
  return writer.flush(code('D'));
};

export interface ErrorFields {
  severity: 'ERROR' | 'FATAL';
  /** SQLSTATE, five characters. */
  sqlState: string;
  message: string;
  detail?: string;
  hint?: string;
}

const errorBody = (fields: ErrorFields | NoticeFields): Writer => {
  const writer = new Writer();
  const add = (field: string, value: string | undefined) => {
    if (value !== undefined) writer.add(Buffer.from(field)).addCString(value);
  };
  add('S', fields.severity);
  add('V', fields.severity);
  add('C', fields.sqlState);
  add('M', fields.message);
  add('D', fields.detail);
  add('H', fields.hint);
  return writer.add(Buffer.from([0]));
};

export const errorResponse = (fields: ErrorFields): Buffer => errorBody(fields).flush(code('E'));

export interface NoticeFields {
  severity: 'WARNING' | 'NOTICE' | 'INFO';
  sqlState: string;
  message: string;
  detail?: string;
  hint?: string;
}

export const noticeResponse = (fields: NoticeFields): Buffer => errorBody(fields).flush(code('N'));
