// Property-based tests of the POST /v1/actions body through the same validation pipe the
// gateway runs globally: what it accepts is always a valid intent, and whatever it is given, it
// either accepts or answers REQUEST.INVALID (never another error, never a crash).
import { ArgumentMetadata } from '@nestjs/common';
import { ActionRequestedV1, digestOf, DomainError, FORBIDDEN_HTTP_HEADERS, HTTP_METHODS } from '@verity/contracts';
import { requestValidationPipe } from '@verity/observability';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import fc from 'fast-check';
import { CreateActionDto, GATEWAY_OPERATIONS, toPayload } from './create-action.dto';

const pipe = requestValidationPipe();
const META: ArgumentMetadata = { type: 'body', metatype: CreateActionDto };

/** What the HTTP layer hands the pipe: a parsed JSON document. */
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value) ?? 'null');

async function validate(body: unknown): Promise<{ ok: true; dto: CreateActionDto } | { ok: false; err: unknown }> {
  try {
    return { ok: true, dto: (await pipe.transform(asJson(body), META)) as CreateActionDto };
  } catch (err) {
    return { ok: false, err };
  }
}

const connection = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,62}$/);
const sessionId = fc.stringMatching(/^[A-Za-z0-9._:@-]{1,256}$/);
const param = fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean());
const sqlInput = fc.record(
  { sql: fc.string({ minLength: 1, maxLength: 500 }), params: fc.array(param, { maxLength: 20 }) },
  { requiredKeys: ['sql'] },
);

/** A path segment that is never `.` or `..`: plain characters, or any text percent-encoded. */
const segment = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9_~!$&'()*+,;=:@-][A-Za-z0-9._~!$&'()*+,;=:@-]{0,19}$/),
  fc
    .string({ unit: 'grapheme', minLength: 1, maxLength: 10 })
    .filter((s) => !/[\p{Cc}\\]/u.test(s) && s.split('/').every((part) => part !== '.' && part !== '..'))
    .map(encodeURIComponent),
);
const httpPath = fc.array(segment, { maxLength: 6 }).map((segments) => `/${segments.join('/')}`);
const headerName = fc
  .stringMatching(/^[A-Za-z0-9-]{1,30}$/)
  .filter((n) => !(FORBIDDEN_HTTP_HEADERS as readonly string[]).includes(n.toLowerCase()))
  // Removed by the pipe before validation (see withoutPrototypeKeys).
  .filter((n) => !['constructor', 'prototype'].includes(n));
const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,100}$/);
const httpInput = fc.record(
  {
    method: fc.constantFrom(...HTTP_METHODS),
    path: httpPath,
    query: fc.dictionary(
      fc.string({ minLength: 1, maxLength: 20 }),
      fc.oneof(fc.string({ maxLength: 50 }), fc.array(fc.string({ maxLength: 20 }), { maxLength: 5 })),
      { maxKeys: 10 },
    ),
    headers: fc.dictionary(headerName, headerValue, { maxKeys: 10 }),
    body: fc.jsonValue({ maxDepth: 3 }),
  },
  { requiredKeys: ['method', 'path'] },
);
const operationAndInput = fc.oneof(
  fc.record({ operation: fc.constant('sql.query' as const), input: sqlInput }),
  fc.record({ operation: fc.constant('http.request' as const), input: httpInput }),
);
const validBody = operationAndInput.chain(({ operation, input }) =>
  fc.record(
    {
      connection,
      operation: fc.constant(operation),
      input: fc.constant(input as Record<string, unknown>),
      sessionId,
      agent: fc.record(
        {
          step: fc.integer({ min: 0, max: 1_000_000 }),
          thought: fc.string({ maxLength: 500 }),
          tool: fc.string({ maxLength: 256 }),
          model: fc.string({ maxLength: 256 }),
        },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: ['connection', 'operation', 'input'] },
  ),
);

const KNOWN = {
  top: ['connection', 'operation', 'input', 'sessionId', 'agent'],
  input: ['sql', 'params', 'method', 'path', 'query', 'headers', 'body'],
  agent: ['step', 'thought', 'tool', 'model'],
};
const unknownKey = (known: string[]) =>
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,20}$/).filter((k) => !known.includes(k) && k !== '__proto__');

/** Nest's ValidationPipe deletes these keys at every depth (prototype-pollution defence). */
const withoutPrototypeKeys = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(withoutPrototypeKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => !['__proto__', 'prototype', 'constructor'].includes(k))
      .map(([k, v]) => [k, withoutPrototypeKeys(v)]),
  );
};

const isInvalid = (err: unknown) => err instanceof DomainError && err.code === 'REQUEST.INVALID';

describe('CreateActionDto (properties)', () => {
  it('accepts every well-formed body unchanged, and it makes a valid intent', async () => {
    await fc.assert(
      fc.asyncProperty(validBody, async (body) => {
        const result = await validate(body);
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        expect(asJson(result.dto)).toEqual(withoutPrototypeKeys(asJson(body)));
        const payload = toPayload(result.dto.operation, result.dto.input);
        const intent = plainToInstance(ActionRequestedV1, {
          connection: body.connection,
          operation: body.operation,
          payload,
          payloadDigest: digestOf(payload),
          agent: { ...body.agent },
        });
        expect(validateSync(intent, { whitelist: true, forbidNonWhitelisted: true })).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects an unknown field at any level and names it', async () => {
    const where = fc.constantFrom('top', 'input', 'agent') as fc.Arbitrary<keyof typeof KNOWN>;
    await fc.assert(
      fc.asyncProperty(
        validBody,
        where.chain((w) => fc.tuple(fc.constant(w), unknownKey(KNOWN[w]), fc.jsonValue())),
        async (body, [level, key, value]) => {
          const hostile = asJson(body) as Record<string, Record<string, unknown>>;
          if (level === 'top') (hostile as Record<string, unknown>)[key] = value;
          else hostile[level] = { ...(hostile[level] ?? {}), [key]: value };
          const result = await validate(hostile);
          expect(result.ok).toBe(false);
          if (result.ok) return;
          expect(isInvalid(result.err)).toBe(true);
          const path = level === 'top' ? key : `${level}.${key}`;
          expect((result.err as DomainError).details).toContain(`${path}: property ${key} should not exist`);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('rejects a required field of the wrong type or missing, naming the field', async () => {
    const notString = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string()), fc.object());
    await fc.assert(
      fc.asyncProperty(
        validBody,
        fc.constantFrom('connection', 'operation', 'input', 'input.required'),
        fc.option(notString, { nil: undefined }),
        async (body, choice, value) => {
          const broken = asJson(body) as Record<string, Record<string, unknown>>;
          let field: string = choice;
          if (choice === 'input.required') {
            field = body.operation === 'sql.query' ? 'input.sql' : 'input.path';
            broken.input[field.slice('input.'.length)] = value;
          } else (broken as Record<string, unknown>)[field] = value;
          const result = await validate(broken);
          expect(result.ok).toBe(false);
          if (result.ok) return;
          expect(isInvalid(result.err)).toBe(true);
          const details = (result.err as DomainError).details as string[];
          expect(details.some((d) => d.startsWith(`${field}: `) || d.startsWith(`${field}.`))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('answers any JSON document with either acceptance or REQUEST.INVALID, never another error', async () => {
    const shaped = fc.record(
      {
        connection: fc.oneof(connection, fc.jsonValue()),
        operation: fc.oneof(fc.constantFrom(...GATEWAY_OPERATIONS), fc.jsonValue()),
        input: fc.oneof(
          fc.record({ sql: fc.jsonValue(), params: fc.jsonValue() }, { requiredKeys: [] }),
          fc.record(
            {
              method: fc.oneof(fc.constantFrom(...HTTP_METHODS), fc.jsonValue()),
              path: fc.oneof(httpPath, fc.string(), fc.jsonValue()),
              query: fc.jsonValue(),
              headers: fc.oneof(fc.dictionary(fc.string(), fc.string()), fc.jsonValue()),
              body: fc.jsonValue(),
            },
            { requiredKeys: [] },
          ),
          fc.jsonValue(),
        ),
        sessionId: fc.oneof(sessionId, fc.jsonValue()),
        agent: fc.oneof(fc.dictionary(fc.constantFrom(...KNOWN.agent), fc.jsonValue()), fc.jsonValue()),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue(), shaped), async (body) => {
        const result = await validate(body);
        if (!result.ok) expect(isInvalid(result.err)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  const httpBody = (input: Record<string, unknown>) => ({
    connection: 'api',
    operation: 'http.request',
    input: { method: 'GET', path: '/', ...input },
  });

  it('rejects every path that could leave the base URL, naming input.path', async () => {
    const dots = fc.constantFrom('..', '.', '%2e%2e', '%2E%2E', '.%2e', '%2e.', '%2e', '%2E');
    const escape = fc.oneof(
      // A dot segment anywhere in an otherwise good path.
      fc
        .tuple(fc.array(segment, { maxLength: 3 }), dots, fc.array(segment, { maxLength: 3 }))
        .map(([a, d, b]) => `/${[...a, d, ...b].join('/')}`),
      // Encoded slashes around dot segments, absolute and scheme-relative URLs, backslashes.
      fc.constantFrom(
        '/..%2fadmin',
        '/%2e%2e%2fadmin',
        '/a/..%2F..%2Fadmin',
        '/%2e%2e%5cadmin',
        '//evil.example/x',
        '///evil.example',
        'http://evil.example/',
        'https:evil.example',
        'evil.example/x',
        '',
        '\\evil.example',
        '/\\evil.example',
        '/a\\..\\b',
        '/a%5c..%5cb',
        '/a?x=1',
        '/a#frag',
        '/a b',
        '/a\r\nHost: evil',
        '/a%0d%0aHost:%20evil',
        '/a%00',
        '/%',
        '/%zz',
        `/${'a'.repeat(2048)}`,
      ),
      // Anything with a character a path may not hold.
      fc
        .tuple(httpPath, fc.constantFrom('\\', '?', '#', ' ', '\t', '\n', '\u0000', '\u007f'), httpPath)
        .map(([a, c, b]) => `${a}${c}${b}`),
    );
    await fc.assert(
      fc.asyncProperty(escape, async (path) => {
        const result = await validate(httpBody({ path }));
        expect(result.ok).toBe(false);
        if (result.ok) return;
        expect(isInvalid(result.err)).toBe(true);
        expect(((result.err as DomainError).details as string[]).some((d) => d.startsWith('input.path: '))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('rejects credential, hop-by-hop and malformed headers, naming input.headers', async () => {
    const hostile = fc.oneof(
      // A forbidden name in any letter case.
      fc.tuple(fc.mixedCase(fc.constantFrom(...FORBIDDEN_HTTP_HEADERS)), headerValue).map(([n, v]) => ({ [n]: v })),
      // A line break or control character in the value (header injection).
      fc
        .tuple(headerName, headerValue, fc.constantFrom('\r\n', '\n', '\r', '\u0000', '\u007f', '\u00e9'), headerValue)
        .map(([n, a, c, b]) => ({ [n]: `${a}${c}${b}` })),
      // A name that is not an HTTP token.
      fc.tuple(fc.constantFrom('x y', 'x:y', 'x\ny', '', 'x(y)', 'é'), headerValue).map(([n, v]) => ({ [n]: v })),
      // A value that is not a string.
      fc
        .tuple(headerName, fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string())))
        .map(([n, v]) => ({ [n]: v })),
    );
    await fc.assert(
      fc.asyncProperty(fc.dictionary(headerName, headerValue, { maxKeys: 5 }), hostile, async (good, bad) => {
        const result = await validate(httpBody({ headers: { ...good, ...bad } }));
        expect(result.ok).toBe(false);
        if (result.ok) return;
        expect(isInvalid(result.err)).toBe(true);
        expect(((result.err as DomainError).details as string[]).some((d) => d.startsWith('input.headers: '))).toBe(
          true,
        );
      }),
      { numRuns: 500 },
    );
  });

  it('validates input by operation: an SQL input for http.request, and the reverse, is refused', async () => {
    await fc.assert(
      fc.asyncProperty(validBody, async (body) => {
        const swapped = { ...body, operation: body.operation === 'sql.query' ? 'http.request' : 'sql.query' };
        const result = await validate(swapped);
        expect(result.ok).toBe(false);
        if (!result.ok) expect(isInvalid(result.err)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps JSON with keys named like Object.prototype members, in every free-form part', async () => {
    const key = fc.oneof(
      fc.constantFrom('constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'prototype', 'then'),
      fc.string({ maxLength: 8 }),
    );
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.string({ maxLength: 10 }),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 3 }),
        fc.dictionary(key, tie('value'), { maxKeys: 4 }),
      ),
    })).value;
    const body = fc.oneof(
      fc.record({
        operation: fc.constant('sql.query'),
        input: fc.record({ sql: fc.constant('SELECT $1'), params: fc.array(json, { maxLength: 3 }) }),
      }),
      fc.record({
        operation: fc.constant('http.request'),
        input: fc.record({
          method: fc.constant('POST'),
          path: fc.constant('/x'),
          query: fc.dictionary(key, fc.string({ maxLength: 5 }), { maxKeys: 4 }),
          body: json,
        }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(body, async ({ operation, input }) => {
        // Parsed from text as the HTTP layer does: `__proto__` stays an own key.
        const text = JSON.stringify({ connection: 'c', operation, input });
        const parsed = JSON.parse(text);
        let dto: CreateActionDto;
        try {
          dto = (await pipe.transform(parsed, META)) as CreateActionDto;
        } catch (err) {
          expect(isInvalid(err)).toBe(true);
          return;
        }
        expect(JSON.stringify(dto)).toBe(JSON.stringify(withoutPrototypeKeys(JSON.parse(text))));
      }),
      { numRuns: 500 },
    );
  });
});
