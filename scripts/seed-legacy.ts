// `node --import tsx scripts/seed-legacy.ts --trades 1000000 [--users N] [--seed 42] [--drop]`: fills the legacy MongoDB
// at MONGO_URL (database from its path, else `legacy`) with a messy legacy data set of that size.
import { parseArgs } from 'node:util';
import { hash } from '@node-rs/argon2';
import { MongoClient } from 'mongodb';
import { LEGACY_COLLECTIONS } from '../domain/legacy-model.js';
import { mongoDatabaseName } from '../db/legacy-mirror-setup.js';
import { seedLegacy } from './legacy-seed.js';

const { values } = parseArgs({
  options: { trades: { type: 'string', default: '10000' }, users: { type: 'string' }, seed: { type: 'string', default: '42' }, drop: { type: 'boolean', default: false } },
});
const count = (name: string, v: string | undefined) => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name}: must be a whole number, got ${v}`);
  return n;
};
// Arguments first: a typo is reported before anything is touched.
const sizes = { trades: count('trades', values.trades)!, users: count('users', values.users), seed: count('seed', values.seed) };
const mongoUrl = process.env.MONGO_URL;
if (!mongoUrl) {
  console.error('MONGO_URL is not set: point it at the legacy MongoDB, e.g. MONGO_URL=mongodb://127.0.0.1:27017/legacy');
  process.exit(1);
}
const client = new MongoClient(mongoUrl);
try {
  const db = client.db(mongoDatabaseName(mongoUrl));
  const existing = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).filter((n) => (LEGACY_COLLECTIONS as readonly string[]).includes(n));
  if (existing.length && !values.drop) {
    console.error(`the database already has legacy collections (${existing.join(', ')}): pass --drop to replace them`);
    process.exit(1);
  }
  for (const name of existing) await db.collection(name).drop();
  const t0 = performance.now();
  const summary = await seedLegacy(db, {
    ...sizes,
    // Every seeded user's password is "legacy password" (argon2id, like the platform's own accounts).
    passwordHash: await hash('legacy password'),
    log: (line) => console.log(line),
  });
  console.log(JSON.stringify({ database: db.databaseName, seconds: Math.round((performance.now() - t0) / 100) / 10, counts: summary.counts, planted: summary.planted.length }));
} finally {
  await client.close();
}
