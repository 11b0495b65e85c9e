import { FreeTextNameDetector } from './free-text-name.detector';

const detector = new FreeTextNameDetector();
const found = (text: string) => detector.find(text).map((s) => [s.entity, text.slice(s.start, s.end)]);

describe('FreeTextNameDetector', () => {
  it.each([
    ['my name is dana', [['person', 'dana']]],
    ['Name: Sieuwerd Heuver\nPhone: 0496 46 46 70', [['person', 'Sieuwerd Heuver']]],
    ['They call me Mr. Mayers', [['person', 'Mayers']]],
    ['Hi Vinicio, I am writing about my account', [['person', 'Vinicio']]],
    ['John Oliver is a comedian.', [['person', 'John Oliver']]],
    ['Richard M. Nixon', [['person', 'Richard M. Nixon']]],
  ])('finds the person in %j', (text, expected) => {
    expect(found(text)).toEqual(expected);
  });

  it.each([
    ['send it to 221 Baker Street', '221 Baker Street'],
    ['The bus station is on Villacher Strasse 89', 'Villacher Strasse 89'],
    ['meet at 29 Rue de Tanger tomorrow', '29 Rue de Tanger'],
    ['PSC 5420, Box 2708\nAPO AA 33879', 'PSC 5420, Box 2708\nAPO AA 33879'],
  ])('finds the street address in %j', (text, address) => {
    expect(found(text).filter(([e]) => e === 'street_address')).toContainEqual(['street_address', address]);
  });

  it('heads a contact block: the first line is its person, in any case', () => {
    expect(found('leone mazzi\n\nnurse\n\npersonal info:\nphone:\n0393 1144137\n\ne-mail:\nx@y.io')).toContainEqual([
      'person',
      'leone mazzi',
    ]);
  });

  it.each([
    'The order was shipped on 2024-01-01 and delivered.',
    'Patient is a 84-year-old male',
    'Route is 10.0.0.0/8.',
    '- name: FACEBOOK_TOKEN',
    'Version 2 of the Build Server is out',
  ])('finds nothing in %j', (text) => {
    expect(found(text)).toEqual([]);
  });
});
