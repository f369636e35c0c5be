// AES-256-GCM payload codec: every payload a client or worker sends to Temporal (inputs, results, failures) is encrypted.
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { ValueError, type Payload, type PayloadCodec } from '@temporalio/common';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const ENCODING_METADATA = 'encoding';
const IV_BYTES = 12;
const TAG_BYTES = 16;
// A fixed label makes this key differ from the one the secret box seals database columns with.
const HKDF_INFO = 'tradefleet temporal payload codec v1';

export interface CodecKey {
  id: string;
  key: Buffer;
}

/** Derives the codec key from TF_SECRET_KEY (HKDF-SHA256); its id is a hash of the derived key, never of the secret. */
export function derivePayloadKey(secretKeyBase64: string): CodecKey {
  const master = Buffer.from(secretKeyBase64, 'base64');
  if (master.length !== 32) throw new Error('TF_SECRET_KEY must be 32 bytes in base64');
  const key = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), HKDF_INFO, 32));
  return { id: createHash('sha256').update(key).digest('base64url').slice(0, 8), key };
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array | null | undefined): string => (b ? new TextDecoder().decode(b) : '');

/** The original payload, serialized so its metadata survives encryption. */
function serialize(payload: Payload): Buffer {
  const metadata = Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
  return Buffer.from(JSON.stringify({ metadata, data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64') }), 'utf8');
}

function deserialize(plain: Buffer): Payload {
  const parsed = JSON.parse(plain.toString('utf8')) as { metadata: Record<string, string>; data: string };
  const metadata = Object.fromEntries(Object.entries(parsed.metadata).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))]));
  return { metadata, data: new Uint8Array(Buffer.from(parsed.data, 'base64')) };
}

/**
 * Encrypts with the first key; decrypts with whichever key the payload names, so a retired key can stay listed for
 * reading old histories. Payloads that are not encrypted pass through: histories recorded before the codec replay as they are.
 */
export class EncryptionCodec implements PayloadCodec {
  private readonly byId: Map<string, Buffer>;

  constructor(private readonly keys: readonly CodecKey[]) {
    if (keys.length === 0) throw new Error('the payload codec needs at least one key');
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  get keyId(): string {
    return this.keys[0]!.id;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const { id, key } = this.keys[0]!;
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      // The key id is authenticated too: relabelling a payload with another key id fails decryption.
      cipher.setAAD(Buffer.from(id));
      const data = Buffer.concat([iv, cipher.update(serialize(payload)), cipher.final(), cipher.getAuthTag()]);
      return { metadata: { [ENCODING_METADATA]: utf8(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8(id) }, data: new Uint8Array(data) };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (text(payload.metadata?.[ENCODING_METADATA]) !== ENCRYPTED_ENCODING) return payload;
      const id = text(payload.metadata?.[KEY_ID_METADATA]);
      const key = this.byId.get(id);
      if (!key) throw new ValueError(`payload is encrypted with key ${id || '(none)'}, which this process does not have: was TF_SECRET_KEY changed?`);
      const data = Buffer.from(payload.data ?? new Uint8Array());
      if (data.length < IV_BYTES + TAG_BYTES) throw new ValueError('encrypted payload is truncated');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
        decipher.setAAD(Buffer.from(id));
        decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
        return deserialize(Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]));
      } catch {
        throw new ValueError('encrypted payload failed authentication: it was altered or encrypted with another key');
      }
    });
  }
}

/** The codec of a key ring (TF_SECRET_KEY first, then TF_SECRET_KEY_RING): encrypts with the first, decodes with any. */
export const createPayloadCodec = (secretKeysBase64: string | readonly string[]): EncryptionCodec =>
  new EncryptionCodec((typeof secretKeysBase64 === 'string' ? [secretKeysBase64] : secretKeysBase64).map(derivePayloadKey));
