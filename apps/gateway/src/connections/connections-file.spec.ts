import { ConnectionsFileContext, ConnectionsFileError, parseConnectionsFile } from './connections-file';

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
    expect(parseConnectionsFile(text, context())[0].password).toBe(SECRET);
  });

  it('names the connection and the field at fault', () => {
    const text = withDemo(
      ['type: mysql', 'host: 127.0.0.1', 'port: "not a port"', 'database: d', 'user: u', 'password:', '  env: X'].join(
        '\n',
      ),
    );
    const message = errorOf(text, context({ env: { X: SECRET } }));
    expect(message).toContain('/repo/deploy/connections.yaml');
    expect(message).toMatch(/connection "demo-db": type: type must be one of the following values: postgres/);
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
