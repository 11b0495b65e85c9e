import { serialize } from 'pg-protocol';
import { BackendMessage } from 'pg-protocol/dist/messages';
import { Parser } from 'pg-protocol/dist/parser';
import {
  authenticationCleartextPassword,
  backendKeyData,
  commandComplete,
  dataRow,
  errorResponse,
  parameterDescription,
  parameterStatus,
  parseFrontend,
  parseStartup,
  ProtocolViolation,
  readyForQuery,
  rowDescription,
} from './pg-messages';

/** Backend messages as pg-protocol's own (client-side) parser reads them. */
function read(...buffers: Buffer[]): BackendMessage[] {
  const out: BackendMessage[] = [];
  new Parser().parse(Buffer.concat(buffers), (m) => out.push(m));
  return out;
}

/** A frontend message written by pg-protocol's serializer, split into type byte and body. */
function frame(buffer: Buffer): [number, Buffer] {
  return [buffer[0], buffer.subarray(5)];
}

describe('backend messages (read back by pg-protocol)', () => {
  it('writes the startup answers', () => {
    expect(
      read(
        authenticationCleartextPassword(),
        parameterStatus('server_version', '16.0'),
        backendKeyData(7, 9),
        readyForQuery(),
      ),
    ).toMatchObject([
      { name: 'authenticationCleartextPassword' },
      { name: 'parameterStatus', parameterName: 'server_version', parameterValue: '16.0' },
      { name: 'backendKeyData', processID: 7, secretKey: 9 },
      { name: 'readyForQuery', status: 'I' },
    ]);
  });

  it('writes a result: columns, rows with NULL and multi-byte text, and the tag', () => {
    const [desc, row, done] = read(
      rowDescription([
        { name: 'id', typeOid: 23, typeSize: 4 },
        { name: 'name', typeOid: 25, typeSize: -1 },
      ]),
      dataRow(['1', null]),
      dataRow(['2', 'Zoë 😀']),
      commandComplete('SELECT 2'),
    ).filter((_, i) => i !== 2);
    expect(desc).toMatchObject({
      name: 'rowDescription',
      fields: [
        { name: 'id', dataTypeID: 23, dataTypeSize: 4, format: 'text' },
        { name: 'name', dataTypeID: 25, dataTypeSize: -1, format: 'text' },
      ],
    });
    expect(row).toMatchObject({ name: 'dataRow', fields: ['1', null] });
    expect(read(dataRow(['2', 'Zoë 😀']))[0]).toMatchObject({ fields: ['2', 'Zoë 😀'] });
    expect(done).toMatchObject({ name: 'commandComplete', text: 'SELECT 2' });
  });

  it('writes errors with SQLSTATE, detail and hint, and parameter descriptions', () => {
    const [error, params] = read(
      errorResponse({ severity: 'ERROR', sqlState: '42501', message: 'denied', detail: 'd', hint: 'h' }),
      parameterDescription([25, 23]),
    );
    expect(error).toMatchObject({
      name: 'error',
      severity: 'ERROR',
      code: '42501',
      message: 'denied',
      detail: 'd',
      hint: 'h',
    });
    expect(params).toMatchObject({ name: 'parameterDescription', parameterCount: 2, dataTypeIDs: [25, 23] });
  });
});

describe('frontend messages (written by pg-protocol)', () => {
  it('reads the startup message and the special requests', () => {
    const startup = serialize.startup({ user: 'alice', database: 'demo-db', application_name: 'app' });
    expect(parseStartup(startup.subarray(4))).toEqual({
      kind: 'startup',
      minor: 0,
      params: { user: 'alice', database: 'demo-db', application_name: 'app', client_encoding: 'UTF8' },
    });
    expect(parseStartup(serialize.requestSsl().subarray(4))).toEqual({ kind: 'ssl' });
    expect(parseStartup(serialize.cancel(12, 34).subarray(4))).toEqual({
      kind: 'cancel',
      processId: 12,
      secretKey: 34,
    });
  });

  it('reads password, query and the extended-protocol messages', () => {
    expect(parseFrontend(...frame(serialize.password('tok')))).toEqual({ type: 'password', password: 'tok' });
    expect(parseFrontend(...frame(serialize.query('SELECT 1')))).toEqual({ type: 'query', sql: 'SELECT 1' });
    expect(parseFrontend(...frame(serialize.parse({ name: 's1', text: 'SELECT $1', types: [23] })))).toEqual({
      type: 'parse',
      name: 's1',
      sql: 'SELECT $1',
      paramTypes: [23],
    });
    const bind = parseFrontend(...frame(serialize.bind({ portal: 'p', statement: 's1', values: ['x', null] })));
    expect(bind).toMatchObject({ type: 'bind', portal: 'p', statement: 's1', params: [Buffer.from('x'), null] });
    expect(parseFrontend(...frame(serialize.describe({ type: 'P', name: 'p' })))).toEqual({
      type: 'describe',
      target: 'P',
      name: 'p',
    });
    expect(parseFrontend(...frame(serialize.execute({ portal: 'p', rows: 10 })))).toEqual({
      type: 'execute',
      portal: 'p',
      maxRows: 10,
    });
    expect(parseFrontend(...frame(serialize.sync()))).toEqual({ type: 'sync' });
    expect(parseFrontend(...frame(serialize.copyData(Buffer.from('x'))))).toEqual({
      type: 'unsupported',
      what: 'COPY data',
    });
  });

  it('refuses malformed messages as protocol violations, never reading past their end', () => {
    const bad: Array<[number, Buffer]> = [
      [0x51, Buffer.from('no terminator')],
      [0x50, Buffer.from([0x73, 0, 0x61, 0, 0x7f, 0x7f])], // 32639 parameter types in 2 bytes
      [0x42, Buffer.from([0, 0, 0, 0, 0, 1, 0, 0, 0, 9, 0xff, 0xff, 0xff, 0xf0])], // parameter length -16
      [0x44, Buffer.from('Xname\0')],
      [0x7a, Buffer.alloc(0)],
    ];
    for (const [code, body] of bad) expect(() => parseFrontend(code, body)).toThrow(ProtocolViolation);
    const v2 = Buffer.alloc(4);
    v2.writeInt32BE(0x00020000);
    expect(() => parseStartup(v2)).toThrow(ProtocolViolation);
  });
});
