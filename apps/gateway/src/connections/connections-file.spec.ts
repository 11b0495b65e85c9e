import {
  ConnectionsFileContext,
  ConnectionsFileError,
  HttpConnectionSpec,
  parseBaseUrl,
  parseConnectionsFile,
  PostgresConnectionSpec,
} from './connections-file';

const SECRET = 's3cr3t-Do-Not-Leak';

function context(overrides: Partial<ConnectionsFileContext> = {}): ConnectionsFileContext {
  const files: Record<string, string> = {
    '/repo/.verity/secrets/demo-db.password': `${SECRET}\n`,
    '/repo/deploy/secrets/other.password': 'other-pass',
    '/repo/.verity/secrets/empty.password': '',
  };
  return {
    source: '/repo/deploy/connections.yaml',
    repoRoot: '/repo',
    verityHome: '/repo/.verity',
    env: { DEMO_DB_PASSWORD: SECRET },
    readFile: (file) => {
      if (file in files) return files[file];
      throw Object.assign(new Error(`ENOENT: no such file, open '${file}'`), { code: 'ENOENT' });
    },
    ...overrides,
  };
}

const GOOD = `
connections:
  demo-db:
    type: postgres
    host: 127.0.0.1
    port: 5432
    database: verity_demo
    user: verity_demo_agent
    password:
      file: \${VERITY_HOME}/secrets/demo-db.password
  reporting:
    type: postgres
    host: db.internal
    port: 6543
    database: reports
    user: reader
    password:
      env: DEMO_DB_PASSWORD
  relative:
    type: postgres
    host: localhost
    port: 5432
    database: r
    user: u
    password:
      file: deploy/secrets/other.password
`;

function errorOf(text: string, ctx = context()): string {
  try {
    parseConnectionsFile(text, ctx);
  } catch (err) {
    expect(err).toBeInstanceOf(ConnectionsFileError);
    return (err as Error).message;
  }
  throw new Error('expected the file to be rejected');
}

/** GOOD with one connection's lines replaced. */
function withDemo(lines: string): string {
  return `connections:\n  demo-db:\n${lines.replace(/^/gm, '    ')}\n`;
}

const DEMO_BASE = [
  'type: postgres',
  'host: 127.0.0.1',
  'port: 5432',
  'database: verity_demo',
  'user: verity_demo_agent',
];

describe('parseConnectionsFile', () => {
  it('reads every connection with its password from a file or the environment', () => {
    const specs = parseConnectionsFile(GOOD, context());
    expect(specs).toEqual([
      {
        name: 'demo-db',
        type: 'postgres',
        host: '127.0.0.1',
        port: 5432,
        database: 'verity_demo',
        user: 'verity_demo_agent',
        password: SECRET,
      },
      {
        name: 'reporting',
        type: 'postgres',
        host: 'db.internal',
        port: 6543,
        database: 'reports',
        user: 'reader',
        password: SECRET,
      },
      {
        name: 'relative',
        type: 'postgres',
        host: 'localhost',
        port: 5432,
        database: 'r',
        user: 'u',
        password: 'other-pass',
      },
    ]);
  });

  it('reads the repository file deploy/connections.yaml shape', () => {
    const text = withDemo([...DEMO_BASE, 'password:', '  file: ${VERITY_HOME}/secrets/demo-db.password'].join('\n'));
    expect((parseConnectionsFile(text, context())[0] as PostgresConnectionSpec).password).toBe(SECRET);
  });

  it('names the connection and the field at fault', () => {
    const text = withDemo(
      ['type: mysql', 'host: 127.0.0.1', 'port: "not a port"', 'database: d', 'user: u', 'password:', '  env: X'].join(
        '\n',
      ),
    );
    const message = errorOf(text, context({ env: { X: SECRET } }));
    expect(message).toContain('/repo/deploy/connections.yaml');
    expect(message).toMatch(/connection "demo-db": type: type must be one of the following values: postgres, http/);
    expect(message).toMatch(/connection "demo-db": port: port must be an integer/);
  });

  it('lists every problem, not only the first', () => {
    const text = `connections:\n  a:\n    type: postgres\n  b:\n    host: h\n`;
    const message = errorOf(text);
    expect(message).toMatch(/connection "a": host/);
    expect(message).toMatch(/connection "b": type/);
  });

  it('rejects unknown fields and bad names', () => {
    expect(
      errorOf(withDemo([...DEMO_BASE, 'sslmode: off', 'password:', '  env: DEMO_DB_PASSWORD'].join('\n'))),
    ).toMatch(/connection "demo-db": sslmode: property sslmode should not exist/);
    expect(errorOf(GOOD.replace('  demo-db:', '  Demo_DB:'))).toMatch(/connection "Demo_DB": name must match/);
    expect(errorOf(`${GOOD}\nextra: true\n`)).toMatch(/extra: unknown top-level key/);
  });

  it('rejects a file without a connections mapping', () => {
    expect(errorOf('')).toMatch(/connections: must be a mapping/);
    expect(errorOf('connections: [a, b]')).toMatch(/connections: must be a mapping/);
  });

  it('reports a missing environment variable, file or empty secret by name', () => {
    const envMissing = withDemo([...DEMO_BASE, 'password:', '  env: NOT_SET_ANYWHERE'].join('\n'));
    expect(errorOf(envMissing)).toMatch(
      /connection "demo-db": password.env: environment variable NOT_SET_ANYWHERE is not set/,
    );
    const fileMissing = withDemo([...DEMO_BASE, 'password:', '  file: /nowhere/pw'].join('\n'));
    expect(errorOf(fileMissing)).toMatch(/connection "demo-db": password.file: cannot read \/nowhere\/pw \(ENOENT\)/);
    const empty = withDemo([...DEMO_BASE, 'password:', '  file: ${VERITY_HOME}/secrets/empty.password'].join('\n'));
    expect(errorOf(empty)).toMatch(/password.file: .*empty.password is empty/);
  });

  it('requires exactly one password source', () => {
    const both = withDemo([...DEMO_BASE, 'password:', '  env: DEMO_DB_PASSWORD', '  file: x'].join('\n'));
    expect(errorOf(both)).toMatch(/password: give exactly one of env or file/);
    const none = withDemo([...DEMO_BASE, 'password: {}'].join('\n'));
    expect(errorOf(none)).toMatch(/password: give exactly one of env or file/);
  });

  describe('never puts a credential in the error text', () => {
    it('an inline password is refused without echoing it', () => {
      const message = errorOf(withDemo([...DEMO_BASE, `password: ${SECRET}`].join('\n')));
      expect(message).toMatch(/connection "demo-db": password: password must be \{ env: NAME \} or \{ file: path \}/);
      expect(message).not.toContain(SECRET);
    });

    it('an unknown key inside password is refused without its value', () => {
      const message = errorOf(withDemo([...DEMO_BASE, 'password:', `  value: ${SECRET}`].join('\n')));
      expect(message).toMatch(/password/);
      expect(message).not.toContain(SECRET);
    });

    it('a YAML syntax error reports the position, not the offending line', () => {
      const text = `connections:\n  demo-db:\n    password: "${SECRET}\n    user: [unclosed\n`;
      const message = errorOf(text);
      expect(message).toMatch(/YAML [A-Z_]+ at line \d+, column \d+/);
      expect(message).not.toContain(SECRET);
    });

    it('other connections fail without leaking the secrets already read', () => {
      const text = `${GOOD}  broken:\n    type: postgres\n`;
      const message = errorOf(text);
      expect(message).toMatch(/connection "broken"/);
      expect(message).not.toContain(SECRET);
      expect(message).not.toContain('other-pass');
    });
  });
});

describe('parseConnectionsFile: http connections', () => {
  const TOKEN = 'tok-Very-Secret-123';
  const ctx = (env: NodeJS.ProcessEnv = {}) => context({ env: { API_TOKEN: TOKEN, API_PASSWORD: SECRET, ...env } });
  const api = (lines: string[]) => `connections:\n  api:\n${lines.map((l) => `    ${l}`).join('\n')}\n`;
  const only = (lines: string[], env?: NodeJS.ProcessEnv) =>
    parseConnectionsFile(api(lines), ctx(env))[0] as HttpConnectionSpec;
  const BASE = ['type: http', 'baseUrl: https://api.example.com/v1'];

  it('reads a bearer connection with its defaults; the base path ends with /', () => {
    const spec = only([...BASE, 'auth:', '  bearer: { env: API_TOKEN }']);
    expect(spec).toEqual({
      name: 'api',
      type: 'http',
      baseUrl: new URL('https://api.example.com/v1/'),
      fixedHeaders: {},
      credentialHeaders: { authorization: `Bearer ${TOKEN}` },
      secrets: [TOKEN],
      timeoutMs: 10_000,
      maxResponseBytes: 262_144,
    });
  });

  it('reads basic and header credentials from env or files, fixed headers, timeout and size cap', () => {
    const basic = only([
      ...BASE,
      'auth:',
      '  basic: { user: svc, password: { file: "${VERITY_HOME}/secrets/demo-db.password" } }',
      'headers: { Accept: application/json, X-Tenant: acme }',
      'timeoutMs: 2500',
      'maxResponseBytes: 1000',
    ]);
    const encoded = Buffer.from(`svc:${SECRET}`).toString('base64');
    expect(basic.credentialHeaders).toEqual({ authorization: `Basic ${encoded}` });
    expect(basic.secrets).toEqual([SECRET, encoded]);
    expect(basic.fixedHeaders).toEqual({ accept: 'application/json', 'x-tenant': 'acme' });
    expect(basic).toMatchObject({ timeoutMs: 2500, maxResponseBytes: 1000 });

    const header = only([...BASE, 'auth:', '  header: { name: X-Api-Key, value: { env: API_TOKEN } }']);
    expect(header.credentialHeaders).toEqual({ 'x-api-key': TOKEN });

    expect(only(BASE).credentialHeaders).toEqual({});
  });

  it('keeps postgres and http connections side by side', () => {
    const text = `${GOOD}  api:\n    type: http\n    baseUrl: http://127.0.0.1:9000\n`;
    expect(parseConnectionsFile(text, context()).map((c) => [c.name, c.type])).toEqual([
      ['demo-db', 'postgres'],
      ['reporting', 'postgres'],
      ['relative', 'postgres'],
      ['api', 'http'],
    ]);
  });

  it('refuses a base URL that is not plain http(s), without quoting it', () => {
    const cases: Array<[string, RegExp]> = [
      [`https://user:${SECRET}@api.example.com/`, /baseUrl: must not hold credentials/],
      [`https://api.example.com/?key=${SECRET}`, /baseUrl: must not hold a query or fragment/],
      [`https://api.example.com/#${SECRET}`, /baseUrl: must not hold a query or fragment/],
      [`ftp://api.example.com/${SECRET}`, /baseUrl: must be an http or https URL/],
      [`api.example.com/${SECRET}`, /baseUrl: must be an absolute http or https URL/],
      [`file:///etc/${SECRET}`, /baseUrl: must be an http or https URL/],
    ];
    for (const [url, problem] of cases) {
      const message = errorOf(api(['type: http', `baseUrl: "${url}"`]), ctx());
      expect(message).toMatch(problem);
      expect(message).not.toContain(SECRET);
    }
  });

  it('names the field at fault for auth, headers, timeout and cap', () => {
    expect(
      errorOf(
        api([...BASE, 'auth: { bearer: { env: API_TOKEN }, header: { name: x, value: { env: API_TOKEN } } }']),
        ctx(),
      ),
    ).toMatch(/connection "api": auth: give exactly one of bearer, basic or header/);
    expect(errorOf(api([...BASE, 'auth: {}']), ctx())).toMatch(/auth: give exactly one/);
    expect(errorOf(api([...BASE, 'auth: { bearer: { env: NOPE_NOT_SET } }']), ctx())).toMatch(
      /connection "api": auth.bearer.env: environment variable NOPE_NOT_SET is not set/,
    );
    expect(errorOf(api([...BASE, 'auth: { basic: { user: "a:b", password: { env: API_PASSWORD } } }']), ctx())).toMatch(
      /auth.basic.user: user must not hold a colon/,
    );
    expect(errorOf(api([...BASE, 'auth: { header: { name: Host, value: { env: API_TOKEN } } }']), ctx())).toMatch(
      /auth.header.name: host cannot carry a credential/,
    );
    expect(errorOf(api([...BASE, 'headers: { Connection: close }']), ctx())).toMatch(
      /headers.connection: may not be fixed/,
    );
    expect(errorOf(api([...BASE, 'timeoutMs: 5']), ctx())).toMatch(/timeoutMs: /);
    expect(errorOf(api([...BASE, 'maxResponseBytes: 0']), ctx())).toMatch(/maxResponseBytes: /);
    expect(errorOf(api([...BASE, 'password: { env: API_TOKEN }']), ctx())).toMatch(
      /password: property password should not exist/,
    );
  });

  describe('never puts a credential in the error text', () => {
    it('an inline bearer token or an Authorization fixed header is refused without echoing it', () => {
      const inline = errorOf(api([...BASE, `auth: { bearer: "${SECRET}" }`]), ctx());
      expect(inline).toMatch(/auth.bearer: bearer must be \{ env: NAME \} or \{ file: path \}/);
      expect(inline).not.toContain(SECRET);
      const fixed = errorOf(api([...BASE, `headers: { Authorization: "Bearer ${SECRET}" }`]), ctx());
      expect(fixed).toMatch(/headers.authorization: may not be fixed here \(credentials go in auth\)/);
      expect(fixed).not.toContain(SECRET);
    });

    it('a secret with a line break (header injection) is refused without echoing it', () => {
      const message = errorOf(
        api([...BASE, 'auth: { bearer: { env: API_TOKEN } }']),
        ctx({ API_TOKEN: `${SECRET}\r\nX-Evil: 1` }),
      );
      expect(message).toMatch(/auth.bearer: the secret holds a line break or control character/);
      expect(message).not.toContain(SECRET);
    });

    it('a bad fixed header value is refused without echoing it', () => {
      const message = errorOf(api([...BASE, `headers: { X-Thing: [${SECRET}] }`]), ctx());
      expect(message).toMatch(/headers.x-thing: must be a single-line string/);
      expect(message).not.toContain(SECRET);
    });
  });
});

describe('parseBaseUrl', () => {
  it('normalises the path to end with /', () => {
    expect((parseBaseUrl('http://127.0.0.1:8000') as URL).href).toBe('http://127.0.0.1:8000/');
    expect((parseBaseUrl('https://h/api/v2') as URL).pathname).toBe('/api/v2/');
    expect((parseBaseUrl('https://h/api/v2/') as URL).pathname).toBe('/api/v2/');
  });

  it('refuses backslashes and an empty query marker', () => {
    expect(parseBaseUrl('https://h\\api/')).toEqual(expect.any(String));
    expect(parseBaseUrl('https://h/api?')).toEqual(expect.any(String));
  });
});
