// Seals secrets at rest with AES-256-GCM, bound to the table, column and row they belong to, under a key ring.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** Where a sealed value lives: part of what it is sealed to, so a copy in another row or column does not open. */
export interface SealedPlace {
  table: string;
  column: string;
  row: string;
}

export const botCredentialsPlace = (botId: string): SealedPlace => ({ table: 'bots', column: 'api_credentials', row: botId });
export const accountCredentialsPlace = (accountId: string): SealedPlace => ({ table: 'exchange_accounts', column: 'credentials', row: accountId });
export const notificationSecretsPlace = (channelsId: string): SealedPlace => ({ table: 'notification_channels', column: 'secrets', row: channelsId });

export interface SecretBox {
  seal(plain: string, place: SealedPlace): string;
  open(sealed: string, place: SealedPlace): string;
  /** True when the value is sealed with the newest key and bound to its place: rotation leaves it alone. */
  isCurrent(sealed: string): boolean;
  /** The id of the key new seals use. */
  readonly keyId: string;
}

interface RingKey {
  id: string;
  key: Buffer;
}

export const secretKeyId = (key: Buffer): string => createHash('sha256').update(key).digest('base64url').slice(0, 8);

function ringOf(keysBase64: string | readonly string[]): RingKey[] {
  const list = typeof keysBase64 === 'string' ? [keysBase64] : keysBase64;
  if (list.length === 0) throw new Error('the secret box needs at least one key (TF_SECRET_KEY)');
  return list.map((k) => {
    const key = Buffer.from(k, 'base64');
    if (key.length !== 32) throw new Error('every key of TF_SECRET_KEY and TF_SECRET_KEY_RING must be 32 bytes in base64');
    return { id: secretKeyId(key), key };
  });
}

const additionalData = (id: string, place: SealedPlace): Buffer => Buffer.from(`tradefleet/v2\0${id}\0${place.table}\0${place.column}\0${place.row}`, 'utf8');

/**
 * Formats: `v2.<keyId>.<iv>.<tag>.<ciphertext>` (bound: the key id and the place are the AES-GCM additional data) and
 * the earlier `v1.` (same parts, bound to nothing), which still opens until `npm run rotate-keys` re-seals it.
 * The first key of the ring seals; every key opens what names its id.
 */
export function createSecretBox(keysBase64: string | readonly string[]): SecretBox {
  const ring = ringOf(keysBase64);
  const byId = new Map(ring.map((k) => [k.id, k.key]));
  const current = ring[0]!;
  return {
    keyId: current.id,
    seal(plain, place) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current.key, iv);
      cipher.setAAD(additionalData(current.id, place));
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return ['v2', current.id, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
    },
    open(sealed, place) {
      const [version, id, iv, tag, data] = sealed.split('.');
      if ((version !== 'v1' && version !== 'v2') || !id || !iv || !tag || data === undefined) throw new Error('sealed secret has an unknown format');
      const key = byId.get(id);
      if (!key) throw new Error(`sealed secret uses key ${id}, which is not in TF_SECRET_KEY (${current.id}) or TF_SECRET_KEY_RING`);
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      if (version === 'v2') decipher.setAAD(additionalData(id, place));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      try {
        return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        throw new Error(`the sealed ${place.column} of ${place.table} row ${place.row} does not open: it was altered or sealed for another row`);
      }
    },
    isCurrent(sealed) {
      return sealed.startsWith(`v2.${current.id}.`);
    },
  };
}
