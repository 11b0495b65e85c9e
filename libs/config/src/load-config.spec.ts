import { IsBoolean, IsInt, IsString, Max, Min } from 'class-validator';
import { ConfigError, loadConfig } from './load-config';

class Sample {
  @IsInt() @Min(1) @Max(100) PORTS = 3;
  @IsBoolean() ENABLED = false;
  @IsString() NAME = 'verity';
}

describe('loadConfig', () => {
  it('applies defaults for unset and empty variables', () => {
    expect(loadConfig(Sample, { NAME: '' })).toEqual({ PORTS: 3, ENABLED: false, NAME: 'verity' });
  });
  it('converts numbers and booleans by the type of their default', () => {
    expect(loadConfig(Sample, { PORTS: '12', ENABLED: 'true', NAME: 'x' })).toEqual({
      PORTS: 12,
      ENABLED: true,
      NAME: 'x',
    });
  });
  it('lists every problem at once', () => {
    expect(() => loadConfig(Sample, { PORTS: 'many', ENABLED: 'yes' })).toThrow(ConfigError);
    try {
      loadConfig(Sample, { PORTS: '1000', ENABLED: 'yes' });
    } catch (err) {
      expect((err as ConfigError).problems).toEqual([
        expect.stringMatching(/^PORTS/),
        expect.stringMatching(/^ENABLED/),
      ]);
    }
  });
});
