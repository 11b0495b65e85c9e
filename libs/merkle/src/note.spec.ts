import { generateKeyPairSync } from 'node:crypto';
import { leafHash } from './hash';
import {
  formatCheckpoint,
  formatVerifierKey,
  keyId,
  openNote,
  parseCheckpoint,
  parseVerifierKey,
  rawPublicKey,
  signNote,
} from './note';

describe('signed notes and checkpoints', () => {
  const { privateKey } = generateKeyPairSync('ed25519');
  const name = 'verity.test/ledger';
  const raw = rawPublicKey(privateKey);
  const verifier = parseVerifierKey(formatVerifierKey(name, raw));
  const body = formatCheckpoint({ origin: 'verity.test/ledger', size: 7, root: leafHash('x') });

  it('formats and parses a checkpoint body', () => {
    expect(body.split('\n')).toHaveLength(4);
    expect(parseCheckpoint(body)).toEqual({ origin: 'verity.test/ledger', size: 7, root: leafHash('x') });
    expect(() => parseCheckpoint('o\n01\nAAAA\n')).toThrow();
  });

  it('derives the key id from name, 0x0A, 0x01 and the key', () => {
    expect(keyId(name, raw)).toHaveLength(4);
    expect(verifier.keyId.equals(keyId(name, raw))).toBe(true);
  });

  it('signs and opens a note', () => {
    const note = signNote(body, { name, privateKey });
    expect(note).toMatch(/\n\n\u2014 verity\.test\/ledger [A-Za-z0-9+/=]+\n$/);
    expect(openNote(note, verifier)).toBe(body);
  });

  it('rejects a note whose body or signature was changed, or signed by another key', () => {
    const note = signNote(body, { name, privateKey });
    expect(() => openNote(note.replace('\n7\n', '\n8\n'), verifier)).toThrow('signature does not verify');
    const other = generateKeyPairSync('ed25519').privateKey;
    expect(() => openNote(signNote(body, { name, privateKey: other }), verifier)).toThrow(/no signature/);
  });

  it('rejects a verifier key whose id does not match', () => {
    const text = formatVerifierKey(name, raw);
    expect(() => parseVerifierKey(text.replace(/\+[0-9a-f]{8}\+/, '+00000000+'))).toThrow('id');
  });
});
