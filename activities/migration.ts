// Every activity of the MongoDB → PostgreSQL migration, built from its dependencies (PostgreSQL, the secret box, MONGO_URL).
import type { Db } from '../db/pool.js';
import type { SecretBox } from '../db/secret-box.js';
import { createLegacySource, type LegacySource } from './legacy-source.js';
import { createBatchWriter } from './migration-batch.js';
import { createBackfill } from './migration-backfill.js';
import { createMigrationRunActivities } from './migration-runs.js';
import { createVerify } from './migration-verify.js';

export interface MigrationActivityDeps {
  db: Db;
  box: SecretBox;
  /** Unset: every migration activity fails at once with a message saying to set MONGO_URL. */
  mongoUrl?: string;
  source?: LegacySource;
}

export function createMigrationActivities(deps: MigrationActivityDeps) {
  const source = deps.source ?? createLegacySource(deps.mongoUrl || undefined);
  const writeBatch = createBatchWriter({ db: deps.db, box: deps.box });
  const backfill = createBackfill({ db: deps.db, source, writeBatch });
  const verify = createVerify({ db: deps.db, source, writeBatch, backfill });
  return {
    ...createMigrationRunActivities({ db: deps.db, source }),
    backfillCollection: backfill.backfillCollection,
    verifyCollection: verify.verifyCollection,
  };
}
export type MigrationActivities = ReturnType<typeof createMigrationActivities>;
