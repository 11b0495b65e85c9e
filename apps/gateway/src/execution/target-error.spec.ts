import { DatabaseError } from 'pg';
import { classifyTargetError } from './target-error';

function dbError(code: string, message: string): DatabaseError {
  const err = new DatabaseError(message, message.length, 'error');
  err.code = code;
  return err;
}

describe('classifyTargetError', () => {
  it('reports a refused connection as unavailable without the driver text (host, port)', () => {
    const err = Object.assign(new Error('connect ECONNREFUSED 10.1.2.3:5999'), { code: 'ECONNREFUSED' });
    const classified = classifyTargetError(err, 'demo-db', 1000);
    expect(classified.code).toBe('TARGET.UNAVAILABLE');
    expect(classified.message).toBe('connection demo-db is unavailable');
    expect(classified.message).not.toContain('10.1.2.3');
  });

  it('reports an authentication failure as unavailable without naming the user', () => {
    const classified = classifyTargetError(
      dbError('28P01', 'password authentication failed for user "svc"'),
      'demo-db',
      1000,
    );
    expect(classified.code).toBe('TARGET.UNAVAILABLE');
    expect(classified.message).not.toContain('svc');
  });

  it('reports a missing database and a server shutting down as unavailable', () => {
    expect(classifyTargetError(dbError('3D000', 'database "x" does not exist'), 'd', 1).code).toBe(
      'TARGET.UNAVAILABLE',
    );
    expect(classifyTargetError(dbError('57P01', 'terminating connection'), 'd', 1).code).toBe('TARGET.UNAVAILABLE');
  });

  it('passes the database message through for a rejected statement', () => {
    const classified = classifyTargetError(dbError('42P01', 'relation "nope" does not exist'), 'demo-db', 1000);
    expect(classified.code).toBe('TARGET.QUERY_REJECTED');
    expect(classified.message).toBe('relation "nope" does not exist');
    expect(classified.details).toEqual({ sqlState: '42P01' });
  });

  it('treats a write in a read-only transaction as a rejected statement', () => {
    expect(classifyTargetError(dbError('25006', 'cannot execute DELETE in a read-only transaction'), 'd', 1).code).toBe(
      'TARGET.QUERY_REJECTED',
    );
  });

  it('reports the statement timeout as a timeout', () => {
    const classified = classifyTargetError(dbError('57014', 'canceling statement due to statement timeout'), 'd', 2500);
    expect(classified.code).toBe('TARGET.TIMEOUT');
    expect(classified.message).toContain('2500 ms');
  });
});
