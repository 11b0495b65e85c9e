import { DomainError } from '@verity/contracts';
import { Detector } from '../detectors/detector';
import { EmailDetector } from '../detectors/email.detector';
import { DEFAULT_PROFILE, findProfile, MaskingProfile } from '../profiles/masking-profile';
import { maskText } from './text-masker';
import { MAX_DEPTH, ValueWalker, WITHHELD } from './value-walker';

function walk(cells: Array<[unknown, string]>, profile: MaskingProfile = DEFAULT_PROFILE) {
  const walker = new ValueWalker(profile);
  const values = cells.map(([value, field]) => walker.mask(value, field));
  return { values, report: walker.report() };
}

describe('maskText', () => {
  it('redacts every e-mail address with the default profile', () => {
    expect(maskText('from a@b.io to c@d.io', DEFAULT_PROFILE)).toEqual({
      text: 'from [EMAIL] to [EMAIL]',
      entities: { email: 2 },
    });
  });

  it('leaves text without entities as it is', () => {
    expect(maskText('nothing to see', DEFAULT_PROFILE)).toEqual({ text: 'nothing to see', entities: {} });
  });

  it('combines detectors, and masks overlapping finds once', () => {
    const digits: Detector = {
      entity: 'digits',
      find: (t) => [...t.matchAll(/\d+/g)].map((m) => ({ start: m.index, end: m.index + m[0].length })),
    };
    const profile: MaskingProfile = {
      name: 'test',
      detectors: [new EmailDetector(), digits],
      strategies: { digits: () => '#' },
    };
    expect(maskText('call 555 or bob99@example.com', profile)).toEqual({
      text: 'call # or [EMAIL]',
      entities: { digits: 1, email: 1 },
    });
  });
});

describe('ValueWalker', () => {
  it('masks e-mail addresses in text cells and reports per column', () => {
    const { values, report } = walk([
      ['alice@example.com', 'email'],
      ['write to bob@example.org or carol@example.org', 'notes'],
      ['no address', 'notes'],
    ]);
    expect(values).toEqual(['[EMAIL]', 'write to [EMAIL] or [EMAIL]', 'no address']);
    expect(report).toEqual({
      profile: 'default',
      maskedValues: 2,
      fields: [
        { field: 'email', entities: { email: 1 } },
        { field: 'notes', entities: { email: 2 } },
      ],
    });
  });

  it('passes numbers, booleans and null untouched', () => {
    const { values, report } = walk([
      [42, 'id'],
      [3.5, 'score'],
      [true, 'active'],
      [null, 'email'],
      ['1234', 'code'],
    ]);
    expect(values).toEqual([42, 3.5, true, null, '1234']);
    expect(report).toEqual({ profile: 'default', maskedValues: 0, fields: [] });
  });

  it('walks a nested JSON column, keys included, with the JSON path as the field', () => {
    const profile = {
      id: 7,
      contact: { email: 'alice@example.com', phones: ['+1 555'] },
      history: [
        { to: 'bob@example.org', at: '2024-01-01' },
        { to: 'x', at: null },
      ],
      aliases: { 'carol@example.net': 'primary' },
    };
    const { values, report } = walk([[profile, 'profile']]);
    expect(values[0]).toEqual({
      id: 7,
      contact: { email: '[EMAIL]', phones: ['+1 555'] },
      history: [
        { to: '[EMAIL]', at: '2024-01-01' },
        { to: 'x', at: null },
      ],
      aliases: { '[EMAIL]': 'primary' },
    });
    expect(report.fields).toEqual([
      { field: 'profile.contact.email', entities: { email: 1 } },
      { field: 'profile.history[].to', entities: { email: 1 } },
      { field: 'profile.aliases', entities: { email: 1 } },
    ]);
    expect(report.maskedValues).toBe(3);
    expect(JSON.stringify(report)).not.toMatch(/example/);
  });

  it('parses JSON held in a text cell, masks it and writes it back as JSON', () => {
    const text = JSON.stringify({ user: { mail: 'dave@example.com' }, n: 1 });
    const { values, report } = walk([[text, 'payload']]);
    expect(JSON.parse(values[0] as string)).toEqual({ user: { mail: '[EMAIL]' }, n: 1 });
    expect(report.fields).toEqual([{ field: 'payload.user.mail', entities: { email: 1 } }]);
  });

  it('keeps a JSON text cell byte for byte when nothing in it is masked', () => {
    const text = '{ "a" : 1,   "b": [true] }';
    expect(walk([[text, 'doc']]).values).toEqual([text]);
  });

  it('scans text that only looks like JSON as plain text', () => {
    const { values } = walk([['{not json, eve@example.com', 'notes']]);
    expect(values).toEqual(['{not json, [EMAIL]']);
  });

  it('finds addresses hidden by JSON escapes once the text is parsed', () => {
    const { values } = walk([['{"m": "frank\\u0040example.com"}', 'doc']]);
    expect(values).toEqual(['{"m":"[EMAIL]"}']);
  });

  it('walks JSON in a string inside a JSON column', () => {
    const { values, report } = walk([[{ raw: '["grace@example.com"]' }, 'meta']]);
    expect(values).toEqual([{ raw: '["[EMAIL]"]' }]);
    expect(report.fields).toEqual([{ field: 'meta.raw[]', entities: { email: 1 } }]);
  });

  it('withholds what it cannot inspect instead of passing it through', () => {
    let deep: unknown = 'heidi@example.com';
    for (let i = 0; i < MAX_DEPTH + 5; i++) deep = { d: deep };
    const { values, report } = walk([
      [deep, 'deep'],
      [new Date(0), 'when'],
      [undefined, 'missing'],
      [Number.NaN, 'nan'],
    ]);
    expect(JSON.stringify(values[0])).toContain(WITHHELD);
    expect(JSON.stringify(values[0])).not.toContain('heidi');
    expect(values.slice(1)).toEqual([WITHHELD, WITHHELD, WITHHELD]);
    expect(report.maskedValues).toBe(4);
    expect(report.fields.map((f) => f.entities)).toEqual([
      { uninspected: 1 },
      { uninspected: 1 },
      { uninspected: 1 },
      { uninspected: 1 },
    ]);
  });

  it('keeps both keys when two mask to the same text, and treats __proto__ as data', () => {
    const value = JSON.parse('{"a@x.io": 1, "b@y.io": 2, "__proto__": {"m": "ivan@example.com"}}');
    const { values } = walk([[value, 'c']]);
    expect(JSON.stringify(values[0])).toBe('{"[EMAIL]":1,"[EMAIL]#2":2,"__proto__":{"m":"[EMAIL]"}}');
  });

  it('caps field names at the contract length', () => {
    const { report } = walk([[{ ['k'.repeat(300)]: 'judy@example.com' }, 'col']]);
    expect(report.fields[0].field).toHaveLength(256);
  });
});

describe('findProfile', () => {
  it('knows the default profile', () => {
    expect(findProfile('default')).toBe(DEFAULT_PROFILE);
  });

  it('refuses an unknown profile with a domain error', () => {
    expect(() => findProfile('nope')).toThrow(
      new DomainError('MASKING.PROFILE_NOT_FOUND', 'no masking profile named "nope"'),
    );
    expect(() => findProfile('toString')).toThrow(DomainError);
  });
});

describe('ValueWalker, failing closed', () => {
  it('withholds a text a detector fails on instead of passing it through', () => {
    const broken: Detector = {
      entity: 'broken',
      find: () => {
        throw new Error('detector bug');
      },
    };
    const profile: MaskingProfile = { name: 'broken', detectors: [broken], strategies: {} };
    const { values, report } = walk([['secret text', 'notes']], profile);
    expect(values).toEqual([WITHHELD]);
    expect(report.fields).toEqual([{ field: 'notes', entities: { uninspected: 1 } }]);
  });

  it('uses the column name as context: a full_name column is a person, a city is not', () => {
    const { values } = walk([
      ['Alice Anders', 'full_name'],
      ['Lisbon', 'city'],
    ]);
    expect(values).toEqual(['[PERSON]', 'Lisbon']);
  });
});
