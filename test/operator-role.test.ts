// The operator role: on a fresh platform the first user to sign up becomes operator, exactly one even when sign-ups race;
// `npm run make-operator -- <email>` grants it to anyone else.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../db/migrate.js';
import { createDb, type Db } from '../db/pool.js';
import { findUserByEmail, insertUser } from '../db/users.js';
import { repoRoot } from '../scripts/services/paths.js';

const run = promisify(execFile);
const dbName = `tf_operator_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
let url: string;
let db: Db;

/** A database of its own: "the first user" only means something on an empty users table. */
async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  await admin((c) => c.query(`create database ${dbName}`));
  const u = new URL(process.env.DATABASE_URL!);
  u.pathname = `/${dbName}`;
  url = u.toString();
  await migrate(url);
  db = await createDb(url, { maximumPoolSize: 8 });
}, 60_000);

afterAll(async () => {
  await db?.end();
  await admin((c) => c.query(`drop database if exists ${dbName} with (force)`));
});

const newUser = (email: string) => insertUser(db, null, { id: randomUUID(), email, passwordHash: 'not-a-real-hash' });

describe('operator role', () => {
  it('makes exactly one of several racing first sign-ups the operator, and nobody after', async () => {
    const racers = await Promise.all(Array.from({ length: 8 }, (_, i) => newUser(`racer-${i}@example.com`)));
    expect(racers.filter((u) => u.isOperator)).toHaveLength(1);
    expect((await newUser('later@example.com')).isOperator).toBe(false);
  });

  it('grants the role with the make-operator script, and explains an unknown email', async () => {
    await newUser('promote-me@example.com');
    const env = { ...process.env, DATABASE_URL: url };
    const ok = await run(process.execPath, ['--import', 'tsx', 'scripts/make-operator.ts', 'Promote-Me@example.com'], { cwd: repoRoot, env });
    expect(ok.stdout).toContain('promote-me@example.com is now an operator');
    expect((await findUserByEmail(db, 'promote-me@example.com'))?.isOperator).toBe(true);

    const missing = await run(process.execPath, ['--import', 'tsx', 'scripts/make-operator.ts', 'nobody@example.com'], { cwd: repoRoot, env }).catch((e: { code: number; stderr: string }) => e);
    expect(missing).toMatchObject({ code: 1 });
    expect((missing as { stderr: string }).stderr).toContain('no user with email nobody@example.com');
  }, 30_000);
});
