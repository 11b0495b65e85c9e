import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { EVENT_REGISTRY } from './registry';
import { validateEvent } from './validation';

const fixtures = path.join(__dirname, '..', 'fixtures');
const read = (dir: string) =>
  readdirSync(dir).map((file) => ({
    file,
    body: JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as unknown,
  }));

describe('event registry', () => {
  it('defines each type and topic once, with versioned names and a key', () => {
    const types = EVENT_REGISTRY.map((d) => d.type);
    const topics = EVENT_REGISTRY.map((d) => d.topic);
    expect(new Set(types).size).toBe(types.length);
    expect(new Set(topics).size).toBe(topics.length);
    for (const def of EVENT_REGISTRY) {
      expect(def.type).toMatch(new RegExp(`^verity\\.[a-z.-]+\\.v${def.version}$`));
      expect(def.topic).toMatch(new RegExp(`^[a-z]+\\.[a-z-]+\\.[a-z-]+\\.v${def.version}$`));
    }
  });

  it('has fixtures for every event and none for unknown events', () => {
    expect(readdirSync(fixtures).sort()).toEqual(EVENT_REGISTRY.map((d) => d.type).sort());
  });

  describe.each(EVENT_REGISTRY.map((def) => [def.type, def] as const))('%s', (type, def) => {
    const dir = path.join(fixtures, type);
    it.each(read(path.join(dir, 'valid')).map((f) => [f.file, f.body]))('accepts valid/%s', (_file, body) => {
      const result = validateEvent(def, body);
      if (!result.ok) throw new Error(result.errors.join('\n'));
      expect(def.key(result.event)).not.toBe('');
    });
    it.each(read(path.join(dir, 'invalid')).map((f) => [f.file, f.body]))('rejects invalid/%s', (_file, body) => {
      const result = validateEvent(def, body);
      expect(result.ok).toBe(false);
      expect((result as { errors: string[] }).errors.length).toBeGreaterThan(0);
    });
  });

  it('rejects non-objects', () => {
    for (const raw of [null, 42, 'text', [1, 2]]) expect(validateEvent(EVENT_REGISTRY[0], raw).ok).toBe(false);
  });
});

describe('validateEvent on hostile free-form JSON', () => {
  it('rejects (never throws) a payload class-transformer cannot read', () => {
    const body = JSON.parse(
      readFileSync(path.join(fixtures, 'verity.action.requested.v1', 'valid', 'typical.json'), 'utf8'),
    ) as { data: { payload: { params: unknown[] } } };
    body.data.payload.params = [{ constructor: 1 }];
    const def = EVENT_REGISTRY.find((d) => d.type === 'verity.action.requested.v1')!;
    const result = validateEvent(def, body);
    expect(result).toEqual({ ok: false, errors: [expect.stringMatching(/^data: cannot be read as/)] });
  });
});
