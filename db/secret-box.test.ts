// Secrets at rest: sealed values round-trip, hide their content, are bound to their row, and open under a key ring.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sealV1 } from '../test/sealed-v1.js';
import { accountCredentialsPlace, botCredentialsPlace, createSecretBox } from './secret-box.js';

const newKey = () => randomBytes(32).toString('base64');
const alice = accountCredentialsPlace('11111111-1111-4111-8111-111111111111');
const mallory = accountCredentialsPlace('22222222-2222-4222-8222-222222222222');

describe('secret box', () => {
  const key = newKey();
  const box = createSecretBox(key);

  it('round-trips and never shows the plain text', () => {
    const sealed = box.seal('hunter2-password', alice);
    expect(sealed).not.toContain('hunter2');
    expect(box.seal('hunter2-password', alice)).not.toBe(sealed);
    expect(box.open(sealed, alice)).toBe('hunter2-password');
  });

  it('refuses a tampered value and names the key mismatch without leaking secrets', () => {
    const sealed = box.seal('secret', alice);
    const parts = sealed.split('.');
    parts[4] = Buffer.from('xxxxxx').toString('base64url');
    expect(() => box.open(parts.join('.'), alice)).toThrow(/does not open/);
    expect(() => createSecretBox(newKey()).open(sealed, alice)).toThrow(/TF_SECRET_KEY/);
  });

  it('binds a value to its table, column and row: a copy in another row or column does not open', () => {
    const sealed = box.seal('{"apiKey":"alice-key"}', alice);
    expect(() => box.open(sealed, mallory)).toThrow(/exchange_accounts row 22222222-2222-4222-8222-222222222222 does not open/);
    expect(() => box.open(sealed, botCredentialsPlace(alice.row))).toThrow(/does not open/);
    // Nor can it be passed off as a value of the unbound format.
    expect(() => box.open(sealed.replace(/^v2\./, 'v1.'), mallory)).toThrow(/does not open/);
  });

  it('seals with the newest key of the ring and opens with any, including values sealed before binding (v1)', () => {
    const old = box.seal('old secret', alice);
    const legacy = sealV1(key, 'legacy secret');
    const rotated = createSecretBox([newKey(), key]);
    expect(rotated.open(old, alice)).toBe('old secret');
    expect(rotated.open(legacy, mallory)).toBe('legacy secret');
    const fresh = rotated.seal('new secret', alice);
    expect(fresh.split('.')[1]).toBe(rotated.keyId);
    expect(rotated.isCurrent(fresh)).toBe(true);
    expect(rotated.isCurrent(old)).toBe(false);
    expect(rotated.isCurrent(legacy)).toBe(false);
    expect(() => box.open(fresh, alice)).toThrow(/not in TF_SECRET_KEY/);
  });
});
