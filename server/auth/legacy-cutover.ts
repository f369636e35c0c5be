// Accounts the legacy migration brought over sign in here only after the cutover: until then the old platform serves them.
import { readDataSource } from '../../db/migration-runs.js';
import type { Db } from '../../db/pool.js';
import type { UserRow } from '../../db/users.js';
import { legacyUuid } from '../../domain/legacy-mapping.js';

/** True for a migrated legacy account while the platform's data source is not yet PostgreSQL. */
export async function awaitsCutover(db: Db, user: Pick<UserRow, 'id' | 'legacyId'>): Promise<boolean> {
  const cameFromLegacy = user.legacyId !== null && user.id === legacyUuid('users', user.legacyId);
  return cameFromLegacy && (await readDataSource(db))?.store !== 'postgres';
}
