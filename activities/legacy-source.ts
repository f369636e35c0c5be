// The legacy MongoDB the migration reads (official `mongodb` driver at MONGO_URL): one client per worker, opened on first use.
import { ApplicationFailure } from '@temporalio/activity';
import { BSON, MongoClient, ObjectId, type Db as MongoDb, type Document } from 'mongodb';
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

export function toSourceDoc(doc: Document): SourceDoc {
  const id: unknown = doc._id;
  const legacyId = id instanceof ObjectId ? id.toHexString() : String(id);
  return { legacyId, raw: BSON.EJSON.serialize(doc, { relaxed: true }) as Record<string, unknown> };
}

/** `_id` filter for `(after, upTo]`. */
export function idRange(after: string | null, upTo?: string | null): Document {
  const range: Document = {};
  if (after) range.$gt = new ObjectId(after);
  if (upTo) range.$lte = new ObjectId(upTo);
  return Object.keys(range).length ? { _id: range } : {};
}
