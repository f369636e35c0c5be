// The application role the platform connects as: created with no power beyond logging in, then granted the tables.
// Migrations run as the schema's owner; the application role reads and writes rows, never changes the schema.
import pg from 'pg';

/** One short connection for administrative statements. */
export async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Roles whose members run programs on the server, read or write its files, or stop others' sessions. */
const POWERFUL_ROLES = ['pg_execute_server_program', 'pg_read_server_files', 'pg_write_server_files', 'pg_signal_backend'];

/**
 * Creates the role, or resets it to these attributes and this password: it may log in, but is not a superuser,
 * cannot create roles or databases, does not bypass row security and is in none of the powerful built-in roles.
 */
export async function ensureAppRole(ownerUrl: string, role: string, password: string): Promise<void> {
  await withClient(ownerUrl, async (c) => {
    const name = c.escapeIdentifier(role);
    const exists = (await c.query('select 1 from pg_roles where rolname = $1', [role])).rowCount === 1;
    const attributes = 'login nosuperuser nocreaterole nocreatedb noreplication nobypassrls noinherit';
    await c.query(`${exists ? 'alter' : 'create'} role ${name} ${attributes} password ${c.escapeLiteral(password)}`);
    for (const powerful of POWERFUL_ROLES) {
      const member = await c.query('select pg_has_role($1, $2, $3) as yes', [role, powerful, 'member']);
      if (member.rows[0].yes) await c.query(`revoke ${c.escapeIdentifier(powerful)} from ${name}`);
    }
  });
}

/**
 * Grants the role the rows of every table of this database and of tables later migrations create (default
 * privileges of the owner that runs them), but not the migration bookkeeping and not the right to create objects.
 */
export async function grantAppRole(ownerUrl: string, role: string): Promise<void> {
  await withClient(ownerUrl, async (c) => {
    const name = c.escapeIdentifier(role);
    const database = c.escapeIdentifier((await c.query<{ db: string }>('select current_database() as db')).rows[0]!.db);
    await c.query('begin');
    await c.query(`grant connect on database ${database} to ${name}`);
    await c.query(`revoke create on schema public from ${name}`);
    await c.query(`grant usage on schema public to ${name}`);
    await c.query(`grant select, insert, update, delete on all tables in schema public to ${name}`);
    await c.query(`grant usage, select, update on all sequences in schema public to ${name}`);
    await c.query(`alter default privileges in schema public grant select, insert, update, delete on tables to ${name}`);
    await c.query(`alter default privileges in schema public grant usage, select, update on sequences to ${name}`);
    if ((await c.query(`select to_regclass('public.pgmigrations') as t`)).rows[0].t) await c.query(`revoke all on pgmigrations from ${name}`);
    await c.query('commit');
  });
}
