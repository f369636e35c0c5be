import { describe, expect, it } from 'vitest';
import { idForIdempotencyKey } from './idempotent-ids.js';

describe('ids from an Idempotency-Key', () => {
  it('give a retried request the id of its first try', () => {
    // Pinned: a retry must find the bot or guard its first try created, also across an upgrade.
    expect(idForIdempotencyKey(['u1'], 'k1')).toBe('16065aa2-6bf8-4ea6-b2ef-44642ff43455');
    expect(idForIdempotencyKey(['guard', 'u1'], 'k1')).toBe('134fce10-0579-44ca-aeae-a8a79b7d5d64');
    expect(idForIdempotencyKey(['risk', 'u1'], 'k1')).toBe('c63ef608-52a6-4082-9387-66aad34d0d7d');
  });

  it('differ across users and without a key', () => {
    expect(idForIdempotencyKey(['u2'], 'k1')).not.toBe(idForIdempotencyKey(['u1'], 'k1'));
    expect(idForIdempotencyKey(['u1'])).not.toBe(idForIdempotencyKey(['u1']));
    expect(idForIdempotencyKey(['u1'])).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
