// Strategy versions: insert-only (a version never changes), readable by their owner, bundled ones by everyone.
import { z } from 'zod';
import { StrategyVersion, StrategyVersionWithContent } from '../domain/strategy-version.js';
import { sql, type Db } from './pool.js';

const columns = sql.fragment`id::text, user_id, name, engine, content_hash, author, note, created_at`;

export interface NewStrategyVersion {
  id: string;
  userId: string | null;
  name: string;
  engine: 'builtin' | 'freqtrade';
  content: string;
  contentHash: string;
  author: string;
  note: string;
}

/** Saving the same content again returns the existing version: versions are identified by what they contain. */
export async function insertStrategyVersion(db: Db, v: NewStrategyVersion): Promise<StrategyVersion> {
  const inserted = await db.maybeOne(sql.type(StrategyVersion)`
    insert into strategy_versions (id, user_id, name, engine, content, content_hash, author, note)
    values (${v.id}, ${v.userId}, ${v.name}, ${v.engine}, ${v.content}, ${v.contentHash}, ${v.author}, ${v.note})
    on conflict (coalesce(user_id, ''), content_hash) do nothing
    returning ${columns}`);
  if (inserted) return inserted;
  return db.one(sql.type(StrategyVersion)`
    select ${columns} from strategy_versions where coalesce(user_id, '') = ${v.userId ?? ''} and content_hash = ${v.contentHash}`);
}

export async function listStrategyVersionsForUser(db: Db, userId: string): Promise<readonly StrategyVersion[]> {
  return db.any(sql.type(StrategyVersion)`
    select ${columns} from strategy_versions where user_id = ${userId} or user_id is null
    order by user_id nulls first, created_at desc`);
}

export async function findStrategyVersionForUser(db: Db, userId: string, id: string): Promise<StrategyVersionWithContent | null> {
  if (!z.string().uuid().safeParse(id).success) return null;
  return db.maybeOne(sql.type(StrategyVersionWithContent)`
    select ${columns}, content from strategy_versions where id = ${id} and (user_id = ${userId} or user_id is null)`);
}

/** The bundled strategy with this content hash (the default for new bots is the first bundled one). */
export async function findBundledStrategyByHash(db: Db, hash: string): Promise<StrategyVersion | null> {
  return db.maybeOne(sql.type(StrategyVersion)`
    select ${columns} from strategy_versions where user_id is null and content_hash = ${hash}`);
}

/** The user's own version with this content hash, if they uploaded the same content before (its check passed then). */
export async function findStrategyVersionByHash(db: Db, userId: string, contentHash: string): Promise<StrategyVersion | null> {
  return db.maybeOne(sql.type(StrategyVersion)`select ${columns} from strategy_versions where user_id = ${userId} and content_hash = ${contentHash}`);
}
