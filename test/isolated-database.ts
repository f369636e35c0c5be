// Test support: a migrated database of its own in the test PostgreSQL cluster, for tests whose platform-wide rows
// (such as the `paper` exchange's market prices) must not mix with those of test files running at the same time.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { migrate } from '../db/migrate.js';

export interface IsolatedDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createIsolatedDatabase(prefix: string): Promise<IsolatedDatabase> {
  const clusterUrl = process.env.DATABASE_URL!;
  const name = `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: clusterUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`create database ${name}`);
  const url = new URL(clusterUrl);
  url.pathname = `/${name}`;
  await migrate(url.toString());
  return { url: url.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) };
}
