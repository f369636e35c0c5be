// The embedded cluster's two roles: the bootstrap superuser (owns the schema, runs migrations) and the application role the platform connects as.
// Both passwords are random and kept in 0600 files beside the cluster's data folder; a cluster of an earlier version
// (superuser password `tradefleet`) is upgraded on its next start without a manual step.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { ensureAppRole, withClient } from '../../db/app-role.js';

export { withClient };

/** The superuser password of clusters made before passwords were generated. */
export const LEGACY_SUPERUSER_PASSWORD = 'tradefleet';
export const APP_ROLE = 'tradefleet_app';

export interface RoleFiles {
  superuser: string;
  app: string;
}

/** Where the passwords of the cluster whose data folder was asked for live: `.data/postgres-superuser.password` and `-app.password`. */
export const roleFilesFor = (requestedDataDir: string): RoleFiles => ({
  superuser: `${requestedDataDir}-superuser.password`,
  app: `${requestedDataDir}-app.password`,
});

export const randomPassword = (): string => crypto.randomBytes(24).toString('base64url');

const readSecret = (file: string): string | undefined => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() || undefined : undefined);

/** Writes a secret file readable by its owner only, atomically (a crash leaves the old file or the new one). */
export function writeSecret(file: string, value: string): void {
  const part = `${file}.${process.pid}.part`;
  fs.writeFileSync(part, `${value}\n`, { mode: 0o600 });
  fs.chmodSync(part, 0o600);
  fs.renameSync(part, file);
}

export const urlFor = (port: number, user: string, password: string, database: string): string =>
  `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;

const badPassword = (e: unknown) => (e as { code?: string }).code === '28P01';

/**
 * Finds the superuser password that opens the cluster among those it may have (the file, a rotation that was cut
 * short, a fresh copy's template password, the legacy default). Undefined while the server is not answering yet;
 * throws when it answers but refuses every one of them.
 */
export async function findSuperuserPassword(port: number, user: string, candidates: string[], files: RoleFiles): Promise<string | undefined> {
  for (const password of candidates) {
    try {
      await withClient(urlFor(port, user, password, 'postgres'), async (c) => c.query('select 1'));
      return password;
    } catch (error) {
      if (!badPassword(error)) return undefined;
    }
  }
  throw new Error(`PostgreSQL on port ${port} refuses every superuser password this checkout knows: restore ${files.superuser}, or set DATABASE_URL to a database you run`);
}

export function superuserCandidates(files: RoleFiles, templatePassword?: string): string[] {
  const found = [templatePassword, readSecret(files.superuser), readSecret(`${files.superuser}.next`), LEGACY_SUPERUSER_PASSWORD];
  return [...new Set(found.filter((p): p is string => !!p))];
}

/**
 * Gives the superuser a random password of its own when the one that worked is not the one on file (a legacy cluster,
 * a copy of the template). The new password is written before the change and moved into place after it, so a crash in
 * between leaves it in `<file>.next`, which the next start tries.
 */
export async function settleSuperuserPassword(port: number, user: string, current: string, files: RoleFiles): Promise<string> {
  if (readSecret(files.superuser) === current) return current;
  const next = randomPassword();
  writeSecret(`${files.superuser}.next`, next);
  await withClient(urlFor(port, user, current, 'postgres'), (c) => c.query(`alter role ${c.escapeIdentifier(user)} password ${c.escapeLiteral(next)}`));
  fs.renameSync(`${files.superuser}.next`, files.superuser);
  return next;
}

/** The application role (db/app-role.ts), with the password on file or a new random one kept 0600. */
export async function settleAppRole(port: number, user: string, superPassword: string, files: RoleFiles): Promise<string> {
  const password = readSecret(files.app) ?? randomPassword();
  await ensureAppRole(urlFor(port, user, superPassword, 'postgres'), APP_ROLE, password);
  writeSecret(files.app, password);
  return password;
}
