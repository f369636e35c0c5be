// Connects the dual-write mirror for a process (server or worker) when MONGO_URL is set, to hand to its write paths.
import { MongoClient } from 'mongodb';
import { createMongoMirror, type DualWriteSink } from './legacy-mirror.js';

/** The database named in the URL's path, else `legacy` (the migration reads the same one). */
export function mongoDatabaseName(mongoUrl: string): string {
  return decodeURIComponent(new URL(mongoUrl).pathname.replace(/^\//, '')) || 'legacy';
}

/** The process's sink (null without MONGO_URL) and how to close its connection. */
export function openMongoMirror(mongoUrl: string): { sink: DualWriteSink | null; close(): Promise<void> } {
  if (!mongoUrl) return { sink: null, close: async () => {} };
  // The driver connects on first use, so a process whose MongoDB is down still starts; only a mirrored write fails.
  const client = new MongoClient(mongoUrl, { serverSelectionTimeoutMS: 5_000 });
  return { sink: createMongoMirror(client.db(mongoDatabaseName(mongoUrl))), close: () => client.close() };
}
