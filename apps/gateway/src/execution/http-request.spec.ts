import { isRelativeHttpPath } from '@verity/contracts';
import fc from 'fast-check';
import {
  decodeBody,
  isUnderBase,
  requestBody,
  requestHeaders,
  requestUrl,
  responseHeaders,
  scrubBytes,
  scrubText,
  toHttpResultSet,
} from './http-request';
import { TargetError } from './target-error';

const BASE = new URL('https://api.example.com/v1/');

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TargetError);
    return (err as TargetError).code;
  }
  throw new Error('expected a TargetError');
}

describe('requestUrl', () => {
  it('puts the path under the base path and encodes the query', () => {
    expect(requestUrl(BASE, '/customers/42').href).toBe('https://api.example.com/v1/customers/42');
    expect(requestUrl(BASE, '/').href).toBe('https://api.example.com/v1/');
    expect(requestUrl(new URL('http://127.0.0.1:9000/'), '/a').href).toBe('http://127.0.0.1:9000/a');
    const url = requestUrl(BASE, '/search', { q: 'a b&c=d', tag: ['x', 'y/z'], ünï: 'ç' });
    expect(url.pathname).toBe('/v1/search');
    expect(url.search).toBe('?q=a+b%26c%3Dd&tag=x&tag=y%2Fz&%C3%BCn%C3%AF=%C3%A7');
    expect([...url.searchParams.entries()]).toEqual([
      ['q', 'a b&c=d'],
      ['tag', 'x'],
      ['tag', 'y/z'],
      ['ünï', 'ç'],
    ]);
  });

  it('keeps encoded characters encoded, encoded slashes included, and stays under the base', () => {
    expect(requestUrl(BASE, '/files/a%2Fb').pathname).toBe('/v1/files/a%2Fb');
    expect(requestUrl(BASE, '/files/%2F%2Fevil.example').href).toBe(
      'https://api.example.com/v1/files/%2F%2Fevil.example',
    );
    expect(requestUrl(BASE, '/a%20b/%E2%82%AC').pathname).toBe('/v1/a%20b/%E2%82%AC');
  });

  it.each([
    ['../admin'],
    ['/../admin'],
    ['/a/../../admin'],
    ['/%2e%2e/admin'],
    ['/%2E%2E/admin'],
    ['/.%2e/admin'],
    ['/..%2fadmin'],
    ['/..%2Fadmin'],
    ['/%2e%2e%2fadmin'],
    ['/a/./b'],
    ['//evil.example/x'],
    ['http://evil.example/'],
    ['https://api.example.com/v1/x'],
    ['\\\\evil.example\\x'],
    ['/\\evil.example'],
    ['/a\\..\\..\\admin'],
    ['/a%5c..%5cadmin'],
    ['/a?x=1'],
    ['/a#f'],
    ['/a\r\nHost: evil'],
    ['/a%0d%0aHost:%20evil'],
    ['/%zz'],
    [''],
  ])('refuses the escape attempt %j with TARGET.PATH_REJECTED', (path) => {
    expect(codeOf(() => requestUrl(BASE, path))).toBe('TARGET.PATH_REJECTED');
  });

  it('never leaves the base for any path the contract accepts (property)', () => {
    const piece = fc.oneof(
      fc.constantFrom('..', '.', '%2e', '%2E%2e', '%2f', '%2F', '%5c', '/', '//', '\\', '@', ':', '?', '#', '%', '%00'),
      fc.string({ maxLength: 6 }),
      fc.string({ unit: 'grapheme', maxLength: 4 }),
    );
    const candidate = fc.array(piece, { maxLength: 10 }).map((parts) => `/${parts.join('')}`);
    const bases = fc.constantFrom(BASE, new URL('http://127.0.0.1:8080/'), new URL('https://h.example/a/b%20c/'));
    fc.assert(
      fc.property(bases, candidate, (base, path) => {
        let url: URL;
        try {
          url = requestUrl(base, path);
        } catch (err) {
          expect((err as TargetError).code).toBe('TARGET.PATH_REJECTED');
          return;
        }
        expect(isRelativeHttpPath(path)).toBe(true);
        expect(url.origin).toBe(base.origin);
        expect(url.pathname.startsWith(base.pathname)).toBe(true);
        expect(url.username + url.password).toBe('');
        expect(decodeURIComponent(url.pathname).split('/')).not.toContain('..');
      }),
      { numRuns: 3000 },
    );
  });
});

describe('isUnderBase', () => {
  it('requires the same scheme, host and port, no credentials, and the base path as prefix', () => {
    expect(isUnderBase(BASE, new URL('https://api.example.com/v1/x?y=1'))).toBe(true);
    expect(isUnderBase(BASE, new URL('https://api.example.com/v1/'))).toBe(true);
    expect(isUnderBase(BASE, new URL('https://api.example.com/v1'))).toBe(false);
    expect(isUnderBase(BASE, new URL('https://api.example.com/v10/x'))).toBe(false);
    expect(isUnderBase(BASE, new URL('https://api.example.com/v2/x'))).toBe(false);
    expect(isUnderBase(BASE, new URL('http://api.example.com/v1/x'))).toBe(false);
    expect(isUnderBase(BASE, new URL('https://api.example.com:8443/v1/x'))).toBe(false);
    expect(isUnderBase(BASE, new URL('https://evil.example/v1/x'))).toBe(false);
    expect(isUnderBase(BASE, new URL('https://api.example.com.evil.example/v1/x'))).toBe(false);
    expect(isUnderBase(BASE, new URL('https://u:p@api.example.com/v1/x'))).toBe(false);
    expect(isUnderBase(BASE, new URL('https://api.example.com/v1/../admin'))).toBe(false);
    expect(isUnderBase(BASE, new URL('https://api.example.com/v1/%2e%2e/admin'))).toBe(false);
  });
});

describe('requestHeaders', () => {
  it("adds the fixed headers and the credential after the agent's, which cannot replace them", () => {
    const headers = requestHeaders(
      { Accept: 'text/csv', 'X-Tenant': 'mallory', 'X-Api-Key': 'guess', 'User-Agent': 'agent/1' },
      { 'x-tenant': 'acme' },
      { 'x-api-key': 'the-secret' },
    );
    expect(headers).toEqual({
      accept: 'text/csv',
      'user-agent': 'agent/1',
      'x-tenant': 'acme',
      'x-api-key': 'the-secret',
    });
    expect(requestHeaders(undefined, {}, {})).toEqual({ 'user-agent': 'verity-gateway' });
  });

  it.each([
    [{ Authorization: 'Bearer stolen' }],
    [{ COOKIE: 'a=b' }],
    [{ host: 'evil.example' }],
    [{ 'Transfer-Encoding': 'chunked' }],
    [{ 'x-ok': 'a\r\nAuthorization: Bearer x' }],
    [{ 'bad name': 'x' }],
  ])('refuses %j even when it did not come through the request validation', (agent) => {
    expect(codeOf(() => requestHeaders(agent as Record<string, string>, {}, {}))).toBe('TARGET.HEADER_REJECTED');
  });
});

describe('requestBody', () => {
  it('sends JSON as application/json', () => {
    const headers: Record<string, string> = {};
    expect(requestBody({ body: { a: [1, 'x'] } }, headers)).toBe('{"a":[1,"x"]}');
    expect(headers['content-type']).toBe('application/json');
    expect(requestBody({ body: 'text' }, {})).toBe('"text"');
    expect(requestBody({ body: null }, {})).toBe('null');
  });

  it('sends a string as it is under another content type the agent named', () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    expect(requestBody({ body: 'a=1&b=2' }, form)).toBe('a=1&b=2');
    expect(form['content-type']).toBe('application/x-www-form-urlencoded');
    expect(requestBody({ body: 'x' }, { 'content-type': 'application/merge-patch+json' })).toBe('"x"');
    expect(requestBody({ body: { a: 1 } }, { 'content-type': 'text/plain' })).toBe('{"a":1}');
  });

  it('sends nothing without a body', () => {
    const headers: Record<string, string> = {};
    expect(requestBody({}, headers)).toBeUndefined();
    expect(headers).toEqual({});
  });
});

describe('responseHeaders', () => {
  const SECRET = 'tok-123456';
  it('drops cookies, credentials, hop-by-hop fields and the credential header; scrubs echoed secrets', () => {
    const out = responseHeaders(
      [
        ['Content-Type', 'application/json'],
        ['set-cookie', 'session=abc'],
        ['Authorization', `Bearer ${SECRET}`],
        ['X-Api-Key', SECRET],
        ['connection', 'keep-alive'],
        ['transfer-encoding', 'chunked'],
        ['x-echo', `you sent ${SECRET}`],
        ['www-authenticate', 'Bearer realm="api"'],
        ['content-length', '12'],
      ],
      ['x-api-key', 'authorization'],
      [SECRET],
    );
    expect(out).toEqual({
      'content-type': 'application/json',
      'x-echo': 'you sent [REDACTED]',
      'www-authenticate': 'Bearer realm="api"',
      'content-length': '12',
    });
  });

  it('drops content-encoding and content-length once the body has been decoded', () => {
    const out = responseHeaders(
      [
        ['content-encoding', 'gzip'],
        ['content-length', '20'],
        ['etag', '"x"'],
      ],
      [],
      [],
    );
    expect(out).toEqual({ etag: '"x"' });
  });
});

describe('scrubbing', () => {
  it('replaces every occurrence of every secret, longest first', () => {
    expect(scrubText('a SECRET b SECRET', ['SECRET'])).toBe('a [REDACTED] b [REDACTED]');
    const bytes = scrubBytes(Buffer.from('{"auth":"Basic dXNlcjpwdw==","pw":"pw-long"}'), ['dXNlcjpwdw==', 'pw-long']);
    expect(bytes.toString()).toBe('{"auth":"Basic [REDACTED]","pw":"[REDACTED]"}');
    expect(scrubBytes(Buffer.from([0xff, 0x00, 0x41]), ['A'])).toEqual(
      Buffer.concat([Buffer.from([0xff, 0x00]), Buffer.from('[REDACTED]')]),
    );
    const untouched = Buffer.from('nothing here');
    expect(scrubBytes(untouched, ['absent'])).toBe(untouched);
  });
});

describe('decodeBody', () => {
  it('keeps text and JSON as text', () => {
    expect(decodeBody(Buffer.from('{"a":"é"}'), 'application/json')).toEqual({ body: '{"a":"é"}', encoding: 'text' });
    expect(decodeBody(Buffer.from('<a/>'), 'application/atom+xml; charset=utf-8')).toEqual({
      body: '<a/>',
      encoding: 'text',
    });
    expect(decodeBody(Buffer.from('plain'), null)).toEqual({ body: 'plain', encoding: 'text' });
    expect(decodeBody(Buffer.from([0xe9]), 'text/plain; charset=iso-8859-1')).toEqual({ body: 'é', encoding: 'text' });
    expect(decodeBody(Buffer.alloc(0), 'image/png')).toEqual({ body: '', encoding: 'text' });
  });

  it('sends binary, invalid text and NUL characters as base64', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(decodeBody(png, 'image/png')).toEqual({ body: png.toString('base64'), encoding: 'base64' });
    expect(decodeBody(Buffer.from([0xff, 0xfe, 0x41]), 'text/plain')).toEqual({ body: '//5B', encoding: 'base64' });
    expect(decodeBody(Buffer.from('a\u0000b'), 'application/json').encoding).toBe('base64');
    expect(decodeBody(Buffer.from('abc'), 'text/plain; charset=no-such-charset').encoding).toBe('base64');
    expect(decodeBody(Buffer.from('abc'), 'application/octet-stream').encoding).toBe('base64');
  });
});

describe('toHttpResultSet', () => {
  it('is one row of status, headers, body and body encoding', () => {
    expect(toHttpResultSet(201, { etag: '"1"' }, { body: '{}', encoding: 'text' })).toEqual({
      columns: ['status', 'headers', 'body', 'bodyEncoding'],
      rows: [[201, { etag: '"1"' }, '{}', 'text']],
      rowCount: 1,
      truncated: false,
    });
  });
});
