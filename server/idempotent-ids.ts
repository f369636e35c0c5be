// Entity ids from a client's Idempotency-Key: a retried create request maps to the same id, so it creates one entity.
import { createHash, randomUUID } from 'node:crypto';

/**
 * A UUID (v4-shaped) hashed from `scope` and the key, so the same user's retry gets the same id while other users and
 * other kinds of entity never collide; a fresh random one without a key. The hashed text must never change: a changed
 * id would let a retry across the change create a second entity.
 */
export function idForIdempotencyKey(scope: readonly string[], idempotencyKey?: string): string {
  if (!idempotencyKey) return randomUUID();
  const h = createHash('sha256').update([...scope, idempotencyKey].join('\0')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
