// The legacy MongoDB the migration reads (official `mongodb` driver at MONGO_URL): one client per worker, opened on first use.
import { ApplicationFailure } from '@temporalio/activity';
import { Decimal128, Double, Int32, Long, MongoClient, ObjectId, type Db as MongoDb, type Document } from 'mongodb';
import { mongoDatabaseName } from '../db/legacy-mirror-setup.js';

export interface LegacySource {
  db(): Promise<MongoDb>;
  close(): Promise<void>;
}


export function createLegacySource(mongoUrl: string | undefined): LegacySource {
  let client: MongoClient | null = null;
  return {
    async db() {
      if (!mongoUrl) {
        throw ApplicationFailure.nonRetryable(
          'MONGO_URL is not set: the migration reads the legacy MongoDB at MONGO_URL; set it for the worker, restart it and start a new run',
          'MongoUrlMissing',
        );
      }
      client ??= new MongoClient(mongoUrl, { serverSelectionTimeoutMS: 10_000 });
      await client.connect();
      return client.db(mongoDatabaseName(mongoUrl));
    },
    async close() {
      await client?.close();
      client = null;
    },
  };
}

export interface SourceDoc {
  /** The `_id` as lower-case hex (or its string form when a document's `_id` is not an ObjectId). */
  legacyId: string;
  /** The document as relaxed Extended JSON: what the mapping parses and what a quarantine keeps. */
  raw: Record<string, unknown>;
}

/**
 * BSON values as relaxed Extended JSON (`{$oid}`, `{$date}`, `{$numberDecimal}`, ...). Written out for the types legacy
 * documents hold because it is several times faster than the generic EJSON serializer, and the read is the hot path.
 */
function toRelaxed(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(toRelaxed);
  if (value instanceof ObjectId) return { $oid: value.toHexString() };
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? { $date: { $numberLong: 'NaN' } } : { $date: value.toISOString() };
  if (value instanceof Decimal128) return { $numberDecimal: value.toString() };
  if (value instanceof Long) return value.toNumber();
  if (value instanceof Int32 || value instanceof Double) return value.valueOf();
  if ('_bsontype' in value) return { $unsupported: String((value as { _bsontype: unknown })._bsontype) };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = toRelaxed(v);
  return out;
}

export function toSourceDoc(doc: Document): SourceDoc {
  const id: unknown = doc._id;
  const legacyId = id instanceof ObjectId ? id.toHexString() : String(id);
  return { legacyId, raw: toRelaxed(doc) as Record<string, unknown> };
}

/**
 * The number of documents in a collection from its statistics: exact on FerretDB (a row count) and cheap everywhere,
 * where `countDocuments` costs as much as reading the whole collection on FerretDB.
 */
export async function collectionSize(mongo: MongoDb, collection: string): Promise<number> {
  const [stats] = await mongo.collection(collection).aggregate<{ count?: number }>([{ $collStats: { count: {} } }]).toArray();
  return typeof stats?.count === 'number' ? stats.count : mongo.collection(collection).countDocuments({});
}

/** `_id` filter for `(after, upTo]`. */
export function idRange(after: string | null, upTo?: string | null): Document {
  const range: Document = {};
  if (after) range.$gt = new ObjectId(after);
  if (upTo) range.$lte = new ObjectId(upTo);
  return Object.keys(range).length ? { _id: range } : {};
}
