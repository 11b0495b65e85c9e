import { personDetector, streetAddressDetector } from './field-name.detector';

describe('field-name detectors', () => {
  it.each(['full_name', 'fullName', 'first_name', 'last-name', 'surname', 'customer_name'])(
    'reads %s as a person',
    (field) => {
      expect(personDetector().find(' Alice Anders ', { field: field.toLowerCase() })).toEqual([{ start: 1, end: 13 }]);
    },
  );

  it.each(['address_line1', 'street', 'billing_address', 'address'])('reads %s as a street address', (field) => {
    expect(streetAddressDetector().find('12 Rue de la Paix', { field })).toEqual([{ start: 0, end: 17 }]);
  });

  it.each(['name', 'city', 'product_name', 'notes', ''])('leaves %j alone', (field) => {
    expect(personDetector().find('Alice Anders', { field })).toEqual([]);
    expect(streetAddressDetector().find('12 Rue de la Paix', { field })).toEqual([]);
  });

  it('ignores values without letters', () => {
    expect(personDetector().find('12345', { field: 'full_name' })).toEqual([]);
  });
});
