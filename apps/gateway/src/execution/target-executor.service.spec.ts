import { DomainError } from '@verity/contracts';
import { inspect } from 'node:util';
import { Pool } from 'pg';
import { HttpTarget } from '../connections/http-target';
import { PostgresTarget } from '../connections/connection-registry';
import { classifyHttpError } from './http-executor.service';
import { assertRunnable } from './target-executor.service';

const http = new HttpTarget({
  name: 'api',
  type: 'http',
  baseUrl: new URL('https://api.example.com/'),
  fixedHeaders: {},
  credentialHeaders: { authorization: 'Bearer s3cret-token' },
  secrets: ['s3cret-token'],
  timeoutMs: 1000,
  maxResponseBytes: 100,
});
const pg: PostgresTarget = { name: 'db', type: 'postgres', pool: {} as Pool };

function errorOf(fn: () => void): DomainError {
  try {
    fn();
  } catch (err) {
    return err as DomainError;
  }
  throw new Error('expected an error');
}

describe('assertRunnable', () => {
  it('lets each operation run on its own connection type', () => {
    expect(() => assertRunnable(pg, 'sql.query', { sql: 'SELECT 1' })).not.toThrow();
    expect(() => assertRunnable(http, 'http.request', { method: 'POST', path: '/', body: {} })).not.toThrow();
  });

  it('refuses an operation of another connection type with CONNECTION.OPERATION_INVALID', () => {
    const err = errorOf(() => assertRunnable(http, 'sql.query', { sql: 'SELECT 1' }));
    expect(err.code).toBe('CONNECTION.OPERATION_INVALID');
    expect(err.message).toBe('connection api is of type http and does not run sql.query');
    expect(errorOf(() => assertRunnable(pg, 'http.request', { method: 'GET', path: '/' })).code).toBe(
      'CONNECTION.OPERATION_INVALID',
    );
  });

  it('refuses a GET or HEAD with a body as an invalid request', () => {
    for (const method of ['GET', 'HEAD'] as const) {
      const err = errorOf(() => assertRunnable(http, 'http.request', { method, path: '/', body: null }));
      expect(err.code).toBe('REQUEST.INVALID');
      expect(err.details).toEqual([`input.body: a ${method} request has no body`]);
    }
  });
});

describe('HttpTarget', () => {
  it('never serialises its credential', () => {
    expect(JSON.stringify(http)).toBe('{"name":"api","type":"http","baseUrl":"https://api.example.com/"}');
    expect(JSON.stringify({ target: http })).not.toContain('s3cret');
    expect(inspect(http, { depth: 5 })).not.toContain('s3cret');
    expect(http.credentialHeaders()).toEqual({ authorization: 'Bearer s3cret-token' });
  });
});

describe('classifyHttpError', () => {
  it('reports a refused connection as unavailable without the client text', () => {
    const err = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('connect ECONNREFUSED 10.1.2.3:9999'), { code: 'ECONNREFUSED' }),
    });
    const classified = classifyHttpError(err, http, false);
    expect(classified.code).toBe('TARGET.UNAVAILABLE');
    expect(classified.message).toBe('connection api is unavailable');
  });

  it("reports the gateway's deadline and undici's own timeouts as a timeout", () => {
    expect(classifyHttpError(new Error('aborted'), http, true).code).toBe('TARGET.TIMEOUT');
    const headers = Object.assign(new TypeError('fetch failed'), { cause: { code: 'UND_ERR_HEADERS_TIMEOUT' } });
    const classified = classifyHttpError(headers, http, false);
    expect(classified.code).toBe('TARGET.TIMEOUT');
    expect(classified.message).toContain('1000 ms');
  });
});
