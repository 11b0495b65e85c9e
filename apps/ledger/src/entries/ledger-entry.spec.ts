import { createHash } from 'node:crypto';
import { ActionRequested, createEvent, digestOf } from '@verity/contracts';
import { buildEntry, canonicalEvent } from './ledger-entry';

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

function requested() {
  return createEvent(ActionRequested, {
    source: '/verity/gateway',
    actionId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
    sessionId: 'session-1',
    actor: {
      subject: 'alice',
      issuer: 'urn:test',
      kind: 'agent',
      actingParties: [{ subject: 'bot' }],
      groups: ['analysts'],
    },
    data: {
      connection: 'demo-db',
      operation: 'sql.query',
      payload: { sql: 'SELECT nom FROM clients WHERE id = $1', params: [1] },
      payloadDigest: 'a'.repeat(64),
      agent: { step: 2, thought: 'café ☕ lookup' },
    },
  });
}

describe('canonicalEvent', () => {
  it('digests the RFC 8785 canonical JSON of the whole event and counts its UTF-8 bytes', () => {
    const event = requested();
    const canonical = canonicalEvent(event);
    expect(canonical.sha256).toBe(digestOf(event));
    expect(canonical.size).toBe(Buffer.byteLength(canonical.text, 'utf8'));
    expect(canonical.size).toBeGreaterThan(canonical.text.length); // the thought holds multi-byte characters
  });

  it('does not depend on key order or undefined members', () => {
    const event = requested();
    const reordered = { ...Object.fromEntries(Object.entries(event).reverse()), extra: undefined };
    expect(canonicalEvent(reordered).text).toBe(canonicalEvent(event).text);
  });
});

describe('buildEntry', () => {
  const event = canonicalEvent(requested());
  const built = buildEntry('verity.local/ledger', event, 3);

  it('names the event, its session position and its digest, and nothing about Kafka', () => {
    expect(built.entry).toEqual({
      schema: 1,
      origin: 'verity.local/ledger',
      eventId: event.event.id,
      eventType: 'verity.action.requested.v1',
      sessionId: 'session-1',
      sessionSeq: 3,
      occurredAt: event.event.time,
      payloadSha256: event.sha256,
      payloadSize: event.size,
    });
  });

  it('serialises the entry as canonical JSON with sorted keys', () => {
    expect(built.text).toBe(
      `{"eventId":"${event.event.id}","eventType":"verity.action.requested.v1","occurredAt":"${event.event.time}",` +
        `"origin":"verity.local/ledger","payloadSha256":"${event.sha256}","payloadSize":${event.size},` +
        `"schema":1,"sessionId":"session-1","sessionSeq":3}`,
    );
  });

  it('hashes the entry bytes as an RFC 6962 leaf', () => {
    expect(built.leafHash).toBe(sha256(Buffer.concat([Buffer.from([0]), Buffer.from(built.text, 'utf8')])));
  });

  it('changes the leaf when any committed field changes', () => {
    expect(buildEntry('verity.local/ledger', event, 4).leafHash).not.toBe(built.leafHash);
    expect(buildEntry('other/ledger', event, 3).leafHash).not.toBe(built.leafHash);
  });
});
