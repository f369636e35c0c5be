// Sealed secrets in the real database: a sealed key copied to another user's row does not open, and rotation re-seals
// every value (older keys, the unbound v1 format) under the newest key while everything still opens.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { sealV1 } from '../test/sealed-v1.js';
import { createIsolatedDatabase, type IsolatedDatabase } from '../test/isolated-database.js';
import { findExchangeAccountWithSecret, insertExchangeAccount } from './exchange-accounts.js';
import { createDb, sql, type Db } from './pool.js';
import { resealAll } from './sealed-columns.js';
import { accountCredentialsPlace, createSecretBox } from './secret-box.js';
import { insertUser } from './users.js';

let database: IsolatedDatabase;
let db: Db;
beforeAll(async () => {
  database = await createIsolatedDatabase('sealed');
  db = await createDb(database.url);
});
afterAll(async () => {
  await db?.end();
  await database?.drop();
});

const newKey = () => randomBytes(32).toString('base64');

async function account(sealedFor: (id: string) => string) {
  const user = await insertUser(db, null, { id: randomUUID(), email: `${randomUUID()}@example.com`, passwordHash: 'x' });
  const id = randomUUID();
  return insertExchangeAccount(db, null, { id, userId: user.id, exchangeId: 'paper', label: 'Main', apiKeyHint: '…abcd', sealedCredentials: sealedFor(id), syncIntervalSeconds: 60 });
}
const credentialsOf = async (id: string) => (await findExchangeAccountWithSecret(db, id))!.credentials;

describe('sealed columns', () => {
  const oldKey = newKey();
  const oldBox = createSecretBox(oldKey);

  it('does not open a sealed key copied into another user\'s account row', async () => {
    const alice = await account((id) => oldBox.seal('{"apiKey":"alice"}', accountCredentialsPlace(id)));
    const mallory = await account((id) => oldBox.seal('{"apiKey":"mallory"}', accountCredentialsPlace(id)));
    await db.query(sql.typeAlias('void')`update exchange_accounts set credentials = ${await credentialsOf(alice.id)} where id = ${mallory.id}`);
    const copied = await credentialsOf(mallory.id);
    expect(() => oldBox.open(copied, accountCredentialsPlace(mallory.id))).toThrow(/does not open/);
    expect(oldBox.open(await credentialsOf(alice.id), accountCredentialsPlace(alice.id))).toBe('{"apiKey":"alice"}');
    await db.query(sql.typeAlias('void')`delete from exchange_accounts where id = ${mallory.id}`);
  });

  it('re-seals old-key and unbound values under the newest key; everything still opens, and a second run has nothing to do', async () => {
    const bound = await account((id) => oldBox.seal('{"apiKey":"bound"}', accountCredentialsPlace(id)));
    const legacy = await account(() => sealV1(oldKey, '{"apiKey":"legacy"}'));
    const fresh = newKey();
    const ring = createSecretBox([fresh, oldKey]);
    // Every account row of this database not under the newest key: these two, and any another test of this file made.
    const all = await db.anyFirst(sql.type(z.object({ credentials: z.string() }))`select credentials from exchange_accounts`);
    const stale = all.filter((sealed) => !ring.isCurrent(sealed)).length;
    expect(stale).toBeGreaterThanOrEqual(2);
    const reports = await resealAll(db, ring);
    expect(reports.find((r) => r.table === 'exchange_accounts')).toMatchObject({ resealed: stale, unreadable: [] });
    for (const [row, plain] of [[bound, '{"apiKey":"bound"}'], [legacy, '{"apiKey":"legacy"}']] as const) {
      const sealed = await credentialsOf(row.id);
      expect(ring.isCurrent(sealed)).toBe(true);
      // The old key can leave the ring: the newest key alone opens every value.
      expect(createSecretBox(fresh).open(sealed, accountCredentialsPlace(row.id))).toBe(plain);
    }
    // The unbound legacy value is bound now: copied to another row it no longer opens.
    const legacyNow = await credentialsOf(legacy.id);
    expect(() => ring.open(legacyNow, accountCredentialsPlace(bound.id))).toThrow(/does not open/);
    expect((await resealAll(db, ring)).every((r) => r.resealed === 0)).toBe(true);
  });
});
