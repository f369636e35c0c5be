// Secrets at rest: sealed values round-trip, hide their content, and fail loudly on tampering or a wrong key.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretBox } from './secret-box.js';

describe('secret box', () => {
  const box = createSecretBox(randomBytes(32).toString('base64'));

  it('round-trips and never shows the plain text', () => {
    const sealed = box.seal('hunter2-password');
    expect(sealed).not.toContain('hunter2');
    expect(box.seal('hunter2-password')).not.toBe(sealed);
    expect(box.open(sealed)).toBe('hunter2-password');
  });

  it('refuses a tampered value and names the key mismatch without leaking secrets', () => {
    const sealed = box.seal('secret');
    const parts = sealed.split('.');
    parts[4] = Buffer.from('xxxxxx').toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow();
    const other = createSecretBox(randomBytes(32).toString('base64'));
    expect(() => other.open(sealed)).toThrow(/TF_SECRET_KEY/);
  });
});
