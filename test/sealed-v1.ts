// Test support: a value sealed the way tradefleet sealed before binding (`v1.`: the same parts, no additional data).
import { createCipheriv, randomBytes } from 'node:crypto';
import { secretKeyId } from '../db/secret-box.js';

export function sealV1(keyBase64: string, plain: string): string {
  const key = Buffer.from(keyBase64, 'base64');
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v1', secretKeyId(key), iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
}
