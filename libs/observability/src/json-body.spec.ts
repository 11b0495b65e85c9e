import { DomainError } from '@verity/contracts';
import type { Request, Response } from 'express';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { jsonBody } from './json-body';

/** Runs the jsonBody handlers on an in-memory request as express would; resolves with what reached the end. */
function parse(
  body: Buffer,
  headers: Record<string, string>,
  limit = '1kb',
): Promise<{ err?: unknown; body?: unknown }> {
  const req = Object.assign(Readable.from([body]), {
    headers: { 'content-length': String(body.length), ...headers },
    method: 'POST',
    url: '/',
  }) as unknown as Request;
  const handlers = jsonBody(limit) as unknown as Array<(...args: unknown[]) => void>;
  return new Promise((resolve) => {
    const step = (i: number, err?: unknown): void => {
      const handler = handlers[i];
      if (!handler) return resolve(err ? { err } : { body: req.body });
      // Express calls 4-argument handlers only with an error, and the others only without one.
      if ((handler.length === 4) !== (err !== undefined)) return step(i + 1, err);
      const next = (e?: unknown) => step(i + 1, e);
      if (err !== undefined) handler(err, req, {} as Response, next);
      else handler(req, {} as Response, next);
    };
    step(0);
  });
}

const json = { 'content-type': 'application/json' };

describe('jsonBody', () => {
  it('parses JSON, also gzip-compressed', async () => {
    expect((await parse(Buffer.from('{"a":1}'), json)).body).toEqual({ a: 1 });
    expect((await parse(gzipSync('{"a":2}'), { ...json, 'content-encoding': 'gzip' })).body).toEqual({ a: 2 });
  });

  it('refuses a body nested deeper than the limit, however deep, and lets the limit through', async () => {
    const nested = (depth: number) => Buffer.from('['.repeat(depth) + ']'.repeat(depth));
    expect((await parse(nested(64), json)).body).toBeDefined();
    for (const depth of [65, 50_000]) {
      const { err } = await parse(nested(depth), json, '1mb');
      expect((err as DomainError).code).toBe('REQUEST.TOO_DEEP');
    }
    const objects = Buffer.from('{"a":'.repeat(70) + '1' + '}'.repeat(70));
    expect(((await parse(objects, json)).err as DomainError).code).toBe('REQUEST.TOO_DEEP');
  });

  it.each([
    ['malformed JSON', Buffer.from('{"a":'), json, 'REQUEST.MALFORMED_JSON'],
    ['a body over the limit', Buffer.from(`"${'x'.repeat(2000)}"`), json, 'REQUEST.TOO_LARGE'],
    [
      'an unknown charset',
      Buffer.from('{}'),
      { 'content-type': 'application/json; charset=bogus' },
      'REQUEST.UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'an unknown encoding',
      Buffer.from('{}'),
      { ...json, 'content-encoding': 'bogus' },
      'REQUEST.UNSUPPORTED_MEDIA_TYPE',
    ],
    // These were 500s: zlib's errors carry a status but no body-parser type.
    ['gzip that is not gzip', Buffer.from('{}'), { ...json, 'content-encoding': 'gzip' }, 'REQUEST.INVALID'],
    ['brotli that is not brotli', Buffer.from('{}'), { ...json, 'content-encoding': 'br' }, 'REQUEST.INVALID'],
    ['deflate that is not deflate', Buffer.from('{}'), { ...json, 'content-encoding': 'deflate' }, 'REQUEST.INVALID'],
  ])('turns %s into a domain error with a stable code', async (_name, body, headers, code) => {
    const { err } = await parse(body, headers);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe(code);
  });
});
