// Applies the versioned SQL migrations in db/migrations with node-pg-migrate (advisory-locked, one transaction), then seeds.
// Migrations run as the schema's owner; given an application role, it is (re)granted the rows of every table after.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import { ensureAppRole, grantAppRole } from './app-role.js';
import { createDb } from './pool.js';
import { seedBundledStrategies } from './seed.js';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface MigrateOptions {
  /** The role the platform connects as: granted the tables this migration left (none: the owner is the platform's role). */
  grantTo?: string;
}

export async function migrate(databaseUrl: string, log: (line: string) => void = () => {}, options: MigrateOptions = {}): Promise<string[]> {
  const applied = await runner({
    databaseUrl,
    dir,
    direction: 'up',
    migrationsTable: 'pgmigrations',
    singleTransaction: true,
    checkOrder: true,
    advisoryLockMode: 'wait',
    log: () => {},
    logger: { debug: () => {}, info: () => {}, warn: (m: string) => log(m), error: (m: string) => log(m) },
  });
  const db = await createDb(databaseUrl, { maximumPoolSize: 1 });
  try {
    await seedBundledStrategies(db);
  } finally {
    await db.end();
  }
  if (options.grantTo) await grantAppRole(databaseUrl, options.grantTo);
  return applied.map((m) => m.name);
}

/**
 * The platform's migration: DATABASE_URL is what the platform connects as. With an owner URL too (the embedded
 * cluster's superuser, compose's DATABASE_OWNER_URL), migrations run as the owner and DATABASE_URL's user becomes the
 * application role with DATABASE_URL's password; without one, everything runs as DATABASE_URL, unchanged.
 */
export async function migratePlatform(urls: { url: string; ownerUrl?: string }, log: (line: string) => void = () => {}): Promise<string[]> {
  const ownerUrl = urls.ownerUrl || urls.url;
  const app = new URL(urls.url);
  const appRole = decodeURIComponent(app.username);
  const separate = ownerUrl !== urls.url && appRole !== decodeURIComponent(new URL(ownerUrl).username);
  if (separate) await ensureAppRole(ownerUrl, appRole, decodeURIComponent(app.password));
  return migrate(ownerUrl, log, { grantTo: separate ? appRole : undefined });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is required');
  const names = await migratePlatform({ url, ownerUrl: process.env.DATABASE_OWNER_URL }, console.error);
  console.log(names.length ? `applied: ${names.join(', ')}` : 'database schema is up to date');
}
