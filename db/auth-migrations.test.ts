// The auth migrations on a database that already has users: signed-in browsers stay signed in once session ids are
// hashed, and tokens made before scopes existed become read+trade tokens that expire in 90 days.
import { runner } from 'node-pg-migrate';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withClient } from './app-role.js';
import { migrate } from './migrate.js';
import { createSessions } from '../server/auth/sessions.js';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
/** The last migration before scopes and hashed sessions. */
const BEFORE = 1732500000022;

let ownerUrl: string;
let drop: () => Promise<void>;

beforeAll(async () => {
  const adminUrl = process.env.DATABASE_ADMIN_URL!;
  const name = `tf_authmig_${Date.now()}`;
  await withClient(adminUrl, (c) => c.query(`create database ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  ownerUrl = url.toString();
  drop = () => withClient(adminUrl, (c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined);
  await runner({ databaseUrl: ownerUrl, dir, direction: 'up', count: BEFORE, timestamp: true, migrationsTable: 'pgmigrations', singleTransaction: true, log: () => {} });
}, 60_000);

afterAll(async () => {
  await drop?.();
});

describe('auth migrations on existing rows', () => {
  it('keeps an existing session working and gives an existing token read+trade and a 90-day expiry', async () => {
    await withClient(ownerUrl, async (c) => {
      await c.query(`insert into users (id, email, password_hash) values ('u1', 'old@example.com', 'x')`);
      await c.query(`insert into user_sessions (id, user_id, expires_at) values ('rawsessionid0123456789', 'u1', now() + interval '10 days')`);
      await c.query(`insert into api_tokens (id, user_id, name, token_hash) values ('6f0c7d0e-1b9a-4c1e-9a53-0d8b2d9a1f00', 'u1', 'old script', 'h')`);
    });
    await migrate(ownerUrl);
    const pool = new pg.Pool({ connectionString: ownerUrl, max: 1 });
    try {
      const found = await createSessions(pool, { secure: false }).validate('tf_session=rawsessionid0123456789');
      expect(found?.user.email).toBe('old@example.com');
      const ids = (await pool.query('select id from user_sessions')).rows.map((r) => r.id);
      expect(ids).not.toContain('rawsessionid0123456789');
      const token = (await pool.query(`select scopes, extract(epoch from expires_at - now()) / 86400 as days from api_tokens`)).rows[0];
      expect(token.scopes).toEqual(['read', 'trade']);
      expect(Math.round(Number(token.days))).toBe(90);
    } finally {
      await pool.end();
    }
  });
});
