// The operator role: on a fresh platform the first user to sign up becomes operator, exactly one even when sign-ups race;
// `npm run make-operator -- <email>` grants it to anyone else.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createDb, type Db } from '../db/pool.js';
import { findUserByEmail, insertUser } from '../db/users.js';
import { repoRoot } from '../scripts/services/paths.js';
import { createIsolatedDatabase } from './isolated-database.js';

const run = promisify(execFile);

/** A database of each test's own: "the first user" only means something on an empty users table. */
async function withFreshDatabase(fn: (db: Db, url: string) => Promise<void>): Promise<void> {
  const database = await createIsolatedDatabase('tf_operator');
  const db = await createDb(database.url, { maximumPoolSize: 8 });
  try {
    await fn(db, database.url);
  } finally {
    await db.end();
    await database.drop();
  }
}

const newUser = (db: Db, email: string) => insertUser(db, null, { id: randomUUID(), email, passwordHash: 'not-a-real-hash' });

describe('operator role', () => {
  it('makes exactly one of several racing first sign-ups the operator, and nobody after', () =>
    withFreshDatabase(async (db) => {
      const racers = await Promise.all(Array.from({ length: 8 }, (_, i) => newUser(db, `racer-${i}@example.com`)));
      expect(racers.filter((u) => u.isOperator)).toHaveLength(1);
      expect((await newUser(db, 'later@example.com')).isOperator).toBe(false);
    }), 60_000);

  it('grants the role with the make-operator script, and explains an unknown email', () =>
    withFreshDatabase(async (db, url) => {
      await newUser(db, 'first@example.com'); // the operator already
      await newUser(db, 'promote-me@example.com');
      expect((await findUserByEmail(db, 'promote-me@example.com'))?.isOperator).toBe(false);
      const env = { ...process.env, DATABASE_URL: url };
      const ok = await run(process.execPath, ['--import', 'tsx', 'scripts/make-operator.ts', 'Promote-Me@example.com'], { cwd: repoRoot, env });
      expect(ok.stdout).toContain('promote-me@example.com is now an operator');
      expect((await findUserByEmail(db, 'promote-me@example.com'))?.isOperator).toBe(true);

      const missing = await run(process.execPath, ['--import', 'tsx', 'scripts/make-operator.ts', 'nobody@example.com'], { cwd: repoRoot, env }).catch((e: { code: number; stderr: string }) => e);
      expect(missing).toMatchObject({ code: 1 });
      expect((missing as { stderr: string }).stderr).toContain('no user with email nobody@example.com');
    }), 60_000);
});
