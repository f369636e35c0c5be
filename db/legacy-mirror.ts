// Dual-write: while a migration run has it on (a flag in PostgreSQL, read per write, so no restart is needed), every
// platform write to a migrated entity is mirrored into the legacy MongoDB, shaped as a legacy document that maps back to
// the same row. The write paths take the process's sink and call `mirrorWrite`; a process without MONGO_URL has none
// (null) and mirrors nothing.
import { ObjectId, type Db as MongoDb } from 'mongodb';
import { z } from 'zod';
import { dualWriteActive } from './migration-runs.js';
import { sql, type Db } from './pool.js';

export type MirroredEntity = 'users' | 'strategies' | 'wallets' | 'bots';
export interface MirrorChange { entity: MirroredEntity; id: string }

export interface DualWriteSink {
  mirror(db: Db, change: MirrorChange): Promise<void>;
}

/** Called by the write paths after they wrote: mirrors the row when a run has dual-write on; a mirror failure is the write's failure. */
export async function mirrorWrite(db: Db, sink: DualWriteSink | null, change: MirrorChange): Promise<void> {
  if (!sink || !(await dualWriteActive(db))) return;
  try {
    await sink.mirror(db, change);
  } catch (error) {
    throw new Error(`dual-write: the change was saved in PostgreSQL but could not be mirrored to MongoDB (${change.entity} ${change.id}): ${(error as Error).message}`);
  }
}

const TABLE: Record<MirroredEntity, string> = { users: 'users', strategies: 'strategy_versions', wallets: 'exchange_accounts', bots: 'bots' };

/** The row's legacy id, given one (a fresh ObjectId) if it has none yet; a concurrent mirror of the same row wins or loses cleanly. */
async function legacyIdOf(db: Db, entity: MirroredEntity, id: string): Promise<string> {
  const table = sql.identifier([TABLE[entity]]);
  const fresh = new ObjectId().toHexString();
  const id_ = entity === 'users' ? sql.fragment`id = ${id}` : sql.fragment`id = ${id}::uuid`;
  await db.query(sql.typeAlias('void')`update ${table} set legacy_id = ${fresh} where ${id_} and legacy_id is null`);
  return db.oneFirst(sql.type(z.object({ legacyId: z.string() }))`select legacy_id from ${table} where ${id_}`);
}

const at = (iso: string) => new Date(iso);

/** The Mongo mirror: reads the row's current state and upserts its legacy document (fields it does not know are kept). */
export function createMongoMirror(mongo: MongoDb): DualWriteSink {
  const put = async (collection: string, legacyId: string, doc: Record<string, unknown>) => {
    await mongo.collection(collection).updateOne({ _id: new ObjectId(legacyId) }, { $set: doc }, { upsert: true });
  };

  const mirror = async (db: Db, change: MirrorChange): Promise<string | null> => {
    const { entity, id } = change;
    if (entity === 'users') {
      const u = await db.maybeOne(sql.type(z.object({ email: z.string(), passwordHash: z.string().nullable(), isOperator: z.boolean(), createdAt: z.string() }))`
        select email, password_hash, is_operator, created_at from users where id = ${id}`);
      if (!u) return null;
      const legacyId = await legacyIdOf(db, entity, id);
      await put('users', legacyId, { email: u.email, passwordHash: u.passwordHash, role: u.isOperator ? 'admin' : 'trader', createdAt: at(u.createdAt), platformId: id });
      return legacyId;
    }
    if (entity === 'strategies') {
      const s = await db.maybeOne(sql.type(z.object({ userId: z.string().nullable(), name: z.string(), engine: z.string(), content: z.string(), author: z.string(), note: z.string(), createdAt: z.string() }))`
        select user_id, name, engine, content, author, note, created_at from strategy_versions where id = ${id}::uuid`);
      if (!s) return null;
      const owner = s.userId ? await mirror(db, { entity: 'users', id: s.userId }) : null;
      const legacyId = await legacyIdOf(db, entity, id);
      await put('strategies', legacyId, { owner: owner ? new ObjectId(owner) : null, name: s.name, engine: s.engine, content: s.content, author: s.author, note: s.note, createdAt: at(s.createdAt), platformId: id });
      return legacyId;
    }
    if (entity === 'wallets') {
      const a = await db.maybeOne(sql.type(z.object({ userId: z.string(), exchangeId: z.string(), label: z.string(), credentials: z.string(), apiKeyHint: z.string(), syncIntervalSeconds: z.number(), createdAt: z.string() }))`
        select user_id, exchange_id, label, credentials, api_key_hint, sync_interval_seconds, created_at from exchange_accounts where id = ${id}::uuid`);
      if (!a) return null;
      const owner = await mirror(db, { entity: 'users', id: a.userId });
      const legacyId = await legacyIdOf(db, entity, id);
      // The credentials stay sealed with the platform's key: a clear secret never leaves PostgreSQL's encryption.
      await put('wallets', legacyId, {
        userId: new ObjectId(owner!), exchange: a.exchangeId, label: a.label, sealedCredentials: a.credentials, apiKeyHint: a.apiKeyHint,
        syncEvery: a.syncIntervalSeconds, createdAt: at(a.createdAt), platformId: id,
      });
      return legacyId;
    }
    const b = await db.maybeOne(sql.type(z.object({
      userId: z.string(), name: z.string(), exchange: z.string(), pairs: z.array(z.string()), stakeAmount: z.number(), stakeCurrency: z.string(), dryRun: z.boolean(),
      status: z.string(), lastError: z.string().nullable(), strategyVersionId: z.string().nullable(), exchangeAccountId: z.string().nullable(), createdAt: z.string(),
    }))`
      select user_id, name, exchange, pairs, stake_amount, stake_currency, dry_run, status, last_error, strategy_version_id::text, exchange_account_id::text, created_at
      from bots where id = ${id}::uuid`);
    if (!b) return null;
    const owner = await mirror(db, { entity: 'users', id: b.userId });
    const strategy = b.strategyVersionId ? await mirror(db, { entity: 'strategies', id: b.strategyVersionId }) : null;
    const wallet = b.exchangeAccountId ? await mirror(db, { entity: 'wallets', id: b.exchangeAccountId }) : null;
    const legacyId = await legacyIdOf(db, 'bots', id);
    await put('bots', legacyId, {
      userId: new ObjectId(owner!), name: b.name, exchange: b.exchange, pairs: b.pairs, stake: b.stakeAmount, stakeCurrency: b.stakeCurrency, dryRun: b.dryRun,
      status: b.status, lastError: b.lastError, strategyId: strategy ? new ObjectId(strategy) : null, walletId: wallet ? new ObjectId(wallet) : null,
      createdAt: at(b.createdAt), platformId: id,
    });
    return legacyId;
  };

  return { mirror: async (db, change) => void (await mirror(db, change)) };
}
