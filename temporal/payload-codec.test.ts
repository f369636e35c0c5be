// The payload codec: what it encrypts can be read back only with the same key, and any change to the ciphertext is caught.
import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { createSecretBox } from '../db/secret-box.js';
import { createPayloadCodec, derivePayloadKey, ENCRYPTED_ENCODING, KEY_ID_METADATA } from './payload-codec.js';

const secret = () => randomBytes(32).toString('base64');
const payloadOf = (value: unknown): Payload => defaultPayloadConverter.toPayload(value)!;
const bytesToText = (p: Payload) => Buffer.from(p.data ?? []).toString('latin1');

describe('payload codec', () => {
  const key = secret();
  const codec = createPayloadCodec(key);
  const value = { apiKey: 'AKIA-very-secret-key', balances: [{ asset: 'BTC', free: 1.2345 }] };

  it('round-trips payloads, metadata included, and hides their content', async () => {
    const original = [payloadOf(value), payloadOf('second'), payloadOf(null)];
    const encoded = await codec.encode(original);
    for (const p of encoded) {
      expect(Buffer.from(p.metadata!.encoding!).toString()).toBe(ENCRYPTED_ENCODING);
      expect(bytesToText(p)).not.toContain('AKIA');
      expect(bytesToText(p)).not.toContain('json/plain');
    }
    const decoded = await codec.decode(encoded);
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([value, 'second', null]);
    expect(Buffer.from(decoded[0]!.metadata!.encoding!).toString()).toBe('json/plain');
  });

  it('encrypts the same payload differently every time (fresh IV)', async () => {
    const [a, b] = await codec.encode([payloadOf(value), payloadOf(value)]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
  });

  it('refuses a payload whose ciphertext or key id was altered', async () => {
    const [encoded] = await codec.encode([payloadOf(value)]);
    const flipped = Buffer.from(encoded!.data!);
    flipped[20] = flipped[20]! ^ 1;
    await expect(codec.decode([{ ...encoded!, data: new Uint8Array(flipped) }])).rejects.toThrow(/failed authentication/);
    const truncated = { ...encoded!, data: encoded!.data!.subarray(0, 10) };
    await expect(codec.decode([truncated])).rejects.toThrow(/truncated/);
    const relabelled = { ...encoded!, metadata: { ...encoded!.metadata, 'encryption-key-id': Buffer.from('otherkey') } };
    await expect(codec.decode([relabelled])).rejects.toThrow(/which this process does not have/);
  });

  it('cannot be read with another TF_SECRET_KEY', async () => {
    const [encoded] = await codec.encode([payloadOf(value)]);
    await expect(createPayloadCodec(secret()).decode([encoded!])).rejects.toThrow(/TF_SECRET_KEY/);
  });

  it('passes payloads that were never encrypted through, so old histories still replay', async () => {
    const plain = payloadOf({ botId: 'b1' });
    expect(await codec.decode([plain])).toEqual([plain]);
  });

  it('uses a key derived from TF_SECRET_KEY, not the key that seals database columns', () => {
    const derived = derivePayloadKey(key);
    expect(derived.key.equals(Buffer.from(key, 'base64'))).toBe(false);
    expect(derived.key).toHaveLength(32);
    expect(derivePayloadKey(key).id).toBe(derived.id);
    // The secret box names its key by a hash of the raw key; the codec's id differs, so the two are never confused.
    expect(createSecretBox(key).keyId).not.toBe(derived.id);
  });

  it('decodes with any key of the ring and encrypts with the first, so a rotated key still reads old histories', async () => {
    const newKey = secret();
    const before = await codec.encode([payloadOf({ botId: 'b1' })]);
    const rotated = createPayloadCodec([newKey, key]);
    expect(await rotated.decode(before)).toEqual([payloadOf({ botId: 'b1' })]);
    const after = await rotated.encode([payloadOf({ botId: 'b2' })]);
    expect(new TextDecoder().decode(after[0]!.metadata![KEY_ID_METADATA])).toBe(derivePayloadKey(newKey).id);
    await expect(codec.decode(after)).rejects.toThrow(/TF_SECRET_KEY/);
  });
});
