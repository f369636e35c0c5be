// Test support: a migrated database of its own in the test PostgreSQL cluster, for tests whose platform-wide rows
// (such as the `paper` exchange's market prices) must not mix with those of test files running at the same time.
// Made and migrated by the cluster's owner; the returned URL is the application role's, as the platform connects.
import { randomUUID } from 'node:crypto';
import { withClient } from '../db/app-role.js';
import { migrate } from '../db/migrate.js';

export interface IsolatedDatabase {
  url: string;
  /** The owner's URL of this database (migrations, checks of what the application role may not do). */
  ownerUrl: string;
  drop(): Promise<void>;
}

const inDatabase = (clusterUrl: string, name: string): string => {
  const url = new URL(clusterUrl);
  url.pathname = `/${name}`;
  return url.toString();
};

export async function createIsolatedDatabase(prefix: string): Promise<IsolatedDatabase> {
  const adminUrl = process.env.DATABASE_ADMIN_URL!;
  const appUrl = process.env.DATABASE_URL!;
  const name = `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const admin = (statement: string) => withClient(adminUrl, (c) => c.query(statement));
  await admin(`create database ${name}`);
  const ownerUrl = inDatabase(adminUrl, name);
  await migrate(ownerUrl, () => {}, { grantTo: decodeURIComponent(new URL(appUrl).username) });
  return { url: inDatabase(appUrl, name), ownerUrl, drop: () => admin(`drop database if exists ${name} with (force)`).then(() => undefined) };
}
