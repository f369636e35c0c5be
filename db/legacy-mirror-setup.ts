// Connects the dual-write mirror for a process (server or worker) when MONGO_URL is set; returns how to close it.
import { MongoClient } from 'mongodb';
import { createMongoMirror, installDualWriteSink } from './legacy-mirror.js';

/** The database named in the URL's path, else `legacy` (the migration reads the same one). */
export function mongoDatabaseName(mongoUrl: string): string {
  return decodeURIComponent(new URL(mongoUrl).pathname.replace(/^\//, '')) || 'legacy';
}

export function installMongoMirror(mongoUrl: string): () => Promise<void> {
  if (!mongoUrl) return async () => {};
  // The driver connects on first use, so a process whose MongoDB is down still starts; only a mirrored write fails.
  const client = new MongoClient(mongoUrl, { serverSelectionTimeoutMS: 5_000 });
  installDualWriteSink(createMongoMirror(client.db(mongoDatabaseName(mongoUrl))));
  return async () => {
    installDualWriteSink(null);
    await client.close();
  };
}
