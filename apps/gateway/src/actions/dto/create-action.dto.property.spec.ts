// Property-based tests of the POST /v1/actions body through the same validation pipe the
// gateway runs globally: what it accepts is always a valid intent, and whatever it is given, it
// either accepts or answers REQUEST.INVALID (never another error, never a crash).
import { ArgumentMetadata } from '@nestjs/common';
import { ActionRequestedV1, digestOf, DomainError } from '@verity/contracts';
import { requestValidationPipe } from '@verity/observability';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import fc from 'fast-check';
import { CreateActionDto, GATEWAY_OPERATIONS } from './create-action.dto';

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
const validBody = fc.record(
  {
    connection,
    operation: fc.constantFrom(...GATEWAY_OPERATIONS),
    input: fc.record(
      { sql: fc.string({ minLength: 1, maxLength: 500 }), params: fc.array(param, { maxLength: 20 }) },
      { requiredKeys: ['sql'] },
    ),
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
);

const KNOWN = {
  top: ['connection', 'operation', 'input', 'sessionId', 'agent'],
  input: ['sql', 'params'],
  agent: ['step', 'thought', 'tool', 'model'],
};
const unknownKey = (known: string[]) =>
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,20}$/).filter((k) => !known.includes(k) && k !== '__proto__');

const isInvalid = (err: unknown) => err instanceof DomainError && err.code === 'REQUEST.INVALID';

describe('CreateActionDto (properties)', () => {
  it('accepts every well-formed body unchanged, and it makes a valid intent', async () => {
    await fc.assert(
      fc.asyncProperty(validBody, async (body) => {
        const result = await validate(body);
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        expect(asJson(result.dto)).toEqual(asJson(body));
        const payload = { sql: body.input.sql, params: body.input.params ?? [] };
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
        fc.constantFrom('connection', 'operation', 'input', 'input.sql'),
        fc.option(notString, { nil: undefined }),
        async (body, field, value) => {
          const broken = asJson(body) as Record<string, Record<string, unknown>>;
          if (field === 'input.sql') broken.input.sql = value;
          else (broken as Record<string, unknown>)[field] = value;
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
});
