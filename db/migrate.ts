// Applies the versioned SQL migrations in db/migrations with node-pg-migrate (advisory-locked, one transaction), then seeds.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import { createDb } from './pool.js';
import { seedBundledStrategies } from './seed.js';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export async function migrate(databaseUrl: string, log: (line: string) => void = () => {}): Promise<string[]> {
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
  return applied.map((m) => m.name);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is required');
  const names = await migrate(url, console.error);
  console.log(names.length ? `applied: ${names.join(', ')}` : 'database schema is up to date');
}
