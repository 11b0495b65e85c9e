import { CredentialDetector, secretKind } from './credential.detector';

const found = (text: string, field = '') =>
  new CredentialDetector().find(text, { field }).map((s) => [s.entity, text.slice(s.start, s.end)]);

describe('CredentialDetector', () => {
  it.each([
    ['postgres://app:s3cr3t-Pw@db.internal:5432/app', [['password', 's3cr3t-Pw']]],
    ['curl -u developer:yqDVtkqPECriaLRi https://x', [['password', 'yqDVtkqPECriaLRi']]],
    ['DB_PASSWORD=8ae31cacf141669ddfb5da\nDB_NAME=x', [['password', '8ae31cacf141669ddfb5da']]],
    ['"client_secret": "6da89121079f83b2eb6acccf8219ea98"', [['generic_secret', '6da89121079f83b2eb6acccf8219ea98']]],
    ['jiraToken := "ATATT3xFfGF0K3irG5tKKi"', [['api_key', 'ATATT3xFfGF0K3irG5tKKi']]],
    ['Server=x;User Id=sa;Password=Tr0ub4dor&3;', [['password', 'Tr0ub4dor']]],
    ['grant=1&password=hunter22&next=/', [['password', 'hunter22']]],
  ])('finds the credential in %j', (text, expected) => {
    expect(found(text)).toEqual(expected);
  });

  it.each([
    'password=${DB_PASSWORD}',
    'https://user:password@example.com',
    'token_type: "Bearer"',
    'api_key = os.environ["API_KEY"]',
    'secret: changeme',
    'token=short',
    'the password policy requires 12 characters',
  ])('finds nothing in %j', (text) => {
    expect(found(text)).toEqual([]);
  });

  it('masks the whole value under a secret-named key', () => {
    expect(found('Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznB', 'access_token')).toEqual([
      ['generic_secret', 'Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznB'],
    ]);
  });

  it('types a key name', () => {
    expect(secretKind('PGPASSWORD')).toBe('password');
    expect(secretKind('clickhouse_token')).toBe('api_key');
    expect(secretKind('AWS_SECRET_ACCESS_KEY')).toBe('generic_secret');
  });
});
