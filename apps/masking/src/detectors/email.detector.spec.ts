import fc from 'fast-check';
import { EmailDetector } from './email.detector';

const detector = new EmailDetector();
const found = (text: string) => detector.find(text).map(({ start, end }) => text.slice(start, end));

describe('EmailDetector', () => {
  it.each([
    ['alice@example.com', ['alice@example.com']],
    ['Contact: Alice.Smith+billing@mail.example.co.uk, thanks', ['Alice.Smith+billing@mail.example.co.uk']],
    ['<bob@example.org>', ['bob@example.org']],
    ['mailto:carol@example.net?subject=hi', ['carol@example.net']],
    ['write to dave@example.com.', ['dave@example.com']],
    ['(eve@example.io)', ['eve@example.io']],
    ["o'brien@example.ie", ["o'brien@example.ie"]],
    ['first_last-1%x@sub-domain.example.museum', ['first_last-1%x@sub-domain.example.museum']],
    ['UPPER@EXAMPLE.COM', ['UPPER@EXAMPLE.COM']],
    ['josé.garcía@correo.es', ['josé.garcía@correo.es']],
    ['用户@例子.广告', ['用户@例子.广告']],
    ['user@xn--bcher-kva.example', ['user@xn--bcher-kva.example']],
    ['a@b.co', ['a@b.co']],
    ['one@a.com,two@b.com;three@c.com four@d.com', ['one@a.com', 'two@b.com', 'three@c.com', 'four@d.com']],
    ['...dots@example.com', ['dots@example.com']],
    ['git@github.com:org/repo.git', ['git@github.com']],
    ['"name" <x.y@example.com>', ['x.y@example.com']],
  ])('finds the address in %j', (text, expected) => {
    expect(found(text)).toEqual(expected);
  });

  it.each([
    'a@b',
    'user@localhost',
    'lodash@4.17.21',
    'node@20.11',
    'image@sha256:9f86d081884c7d659a2feaa0c55ad015',
    'v1.2.3@4.5.6',
    '@nestjs/common',
    'no at sign here',
    'trailing@',
    '@leading.com',
    'user@-bad.com',
    'user@bad-.com',
    'user@example.c',
    'user@example.123',
    'user@exa_mple.com',
    'user@@example.com',
    'a @ b . com',
    '',
  ])('finds nothing in %j', (text) => {
    expect(found(text)).toEqual([]);
  });

  it('gives spans in order that do not overlap', () => {
    const spans = detector.find('x a@b.io y c@d.io@e.io z');
    expect(spans).toEqual([
      { start: 2, end: 8 },
      { start: 11, end: 17 },
    ]);
  });

  it('stays linear on long runs of address characters (no catastrophic backtracking)', () => {
    const hostile = [
      'a'.repeat(200_000),
      `${'a.'.repeat(100_000)}@`,
      `x@${'a.'.repeat(100_000)}`,
      '@a'.repeat(100_000),
      `${'a'.repeat(50_000)}@${'b-'.repeat(50_000)}`,
    ];
    for (const text of hostile) {
      const started = process.hrtime.bigint();
      detector.find(text);
      expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(1_000);
    }
  });

  it('finds every address it is given, whatever surrounds it', () => {
    const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
    const address = fc
      .tuple(
        fc.stringMatching(/^[a-z0-9_%+-]{1,12}(\.[a-z0-9_%+-]{1,8}){0,2}$/),
        fc.array(label, { minLength: 1, maxLength: 3 }),
        fc.stringMatching(/^[a-z]{2,6}$/),
      )
      .map(([local, labels, tld]) => `${local}@${[...labels, tld].join('.')}`);
    const separator = fc.constantFrom(' ', ', ', '\n', '<', '>', '(', ')', '"', ':', ';', '\t');
    fc.assert(
      fc.property(fc.array(fc.tuple(separator, address), { minLength: 1, maxLength: 5 }), (parts) => {
        const text = parts.map(([sep, addr]) => `${sep}${addr}`).join('') + ' ';
        expect(found(text)).toEqual(parts.map(([, addr]) => addr));
      }),
    );
  });
});
