// The embedded cluster's roles: the platform's role cannot take over the server, passwords are random and private,
// and a cluster of an earlier version (superuser password `tradefleet`) upgrades on its next start.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withClient } from '../../db/app-role.js';
import { migrate } from '../../db/migrate.js';
import { dataDir } from './paths.js';
import { freePort } from './ports.js';
import { startPostgres, type PostgresHandle } from './postgres.js';
import { LEGACY_SUPERUSER_PASSWORD, roleFilesFor, urlFor } from './postgres-roles.js';

const root = fs.mkdtempSync(path.join(dataDir, 'test-pg-roles-'));
fs.chmodSync(root, 0o755);
const handles: PostgresHandle[] = [];
afterAll(async () => {
  for (const h of handles) await h.destroy();
  fs.rmSync(root, { recursive: true, force: true });
});

const sqlError = (url: string, statement: string) =>
  withClient(url, (c) => c.query(statement)).then(() => 'ran', (e: { message: string }) => e.message);

describe('embedded PostgreSQL roles', () => {
  it('connects the platform as a role that cannot run programs, create roles or databases, with random 0600 passwords', async () => {
    const pg = await startPostgres({ dataDir: path.join(root, 'fresh'), port: await freePort(), ephemeral: true });
    handles.push(pg);
    await migrate(pg.ownerUrl, () => {}, { grantTo: pg.appRole });
    const files = roleFilesFor(path.join(root, 'fresh'));
    for (const file of [files.superuser, files.app]) expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const superPassword = fs.readFileSync(files.superuser, 'utf8').trim();
    expect(superPassword).not.toBe(LEGACY_SUPERUSER_PASSWORD);
    expect(superPassword.length).toBeGreaterThanOrEqual(24);
    expect(new URL(pg.url).username).toBe('tradefleet_app');

    const role = await withClient(pg.url, (c) => c.query('select rolsuper, rolcreaterole, rolcreatedb from pg_roles where rolname = current_user'));
    expect(role.rows[0]).toEqual({ rolsuper: false, rolcreaterole: false, rolcreatedb: false });
    expect(await sqlError(pg.url, `copy (select 1) to program 'touch /tmp/tf-owned'`)).toMatch(/permission denied|must be superuser|pg_execute_server_program/);
    expect(await sqlError(pg.url, `create role tf_intruder superuser`)).toMatch(/permission denied/);
    expect(await sqlError(pg.url, `create database tf_intruder`)).toMatch(/permission denied/);
    expect(await sqlError(pg.url, `create table intruder (x int)`)).toMatch(/permission denied/);
    expect(await sqlError(pg.url, `alter table users add column owned boolean`)).toMatch(/must be owner/);
    expect(await sqlError(pg.url, `delete from pgmigrations`)).toMatch(/permission denied/);
    // ...but it reads and writes the platform's rows.
    expect(await sqlError(pg.url, `select count(*) from users`)).toBe('ran');
    expect(await sqlError(pg.url, `select count(*) from strategy_versions`)).toBe('ran');
  });

  it('upgrades a cluster of an earlier version: the legacy superuser password is replaced, and the app role is made', async () => {
    const dir = path.join(root, 'legacy');
    const port = await freePort();
    const files = roleFilesFor(dir);
    const first = await startPostgres({ dataDir: dir, port, ephemeral: true });
    // Make it what an earlier version left: superuser password `tradefleet`, no password files, no app role.
    await withClient(first.ownerUrl, async (c) => {
      await c.query(`alter role tradefleet password '${LEGACY_SUPERUSER_PASSWORD}'`);
      await c.query('drop role tradefleet_app');
    });
    await first.stop();
    fs.rmSync(files.superuser);
    fs.rmSync(files.app);

    const second = await startPostgres({ dataDir: dir, port, ephemeral: true });
    handles.push(second);
    expect(await sqlError(urlFor(port, 'tradefleet', LEGACY_SUPERUSER_PASSWORD, 'postgres'), 'select 1')).toMatch(/password authentication failed/);
    expect(await sqlError(second.ownerUrl, 'select 1')).toBe('ran');
    expect(await sqlError(second.url, 'select 1')).toBe('ran');
    expect(fs.statSync(files.superuser).mode & 0o777).toBe(0o600);
  });
});
