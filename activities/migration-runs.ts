// Run-level steps of the migration: plan (collections and counts), phase and status changes (dual-write on/off), the
// cutover setting, and the archive that renames the legacy collections (never drops them).
import { ApplicationFailure } from '@temporalio/activity';
import type { LegacyCollection } from '../domain/legacy-model.js';
import { MAPPING_VERSION } from '../domain/legacy-mapping.js';
import type { MigrationPhase, MigrationStatus } from '../domain/migration-run.js';
import { collectionProgress, planCollections, setCollectionState, setDataSource, updateMigrationRun } from '../db/migration-runs.js';
import type { Db } from '../db/pool.js';
import { collectionSize, type LegacySource } from './legacy-source.js';

export interface MigrationPlan {
  mappingVersion: number;
  collections: Array<{ collection: LegacyCollection; sourceCount: number }>;
}

export function createMigrationRunActivities({ db, source }: { db: Db; source: LegacySource }) {
  return {
    /** Counts each collection (an estimate for the progress bars; verification counts exactly) and records the plan. */
    async planMigration(input: { runId: string; collections: LegacyCollection[] }): Promise<MigrationPlan> {
      const mongo = await source.db();
      const existing = new Set((await mongo.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
      const missing = input.collections.filter((c) => !existing.has(c));
      if (missing.length === input.collections.length) {
        throw ApplicationFailure.nonRetryable(`the legacy database has none of the collections ${missing.join(', ')}: check MONGO_URL's database name`, 'NothingToMigrate');
      }
      const collections = [];
      for (const collection of input.collections) {
        collections.push({ collection, sourceCount: existing.has(collection) ? await collectionSize(mongo, collection) : 0 });
      }
      await planCollections(db, input.runId, collections);
      return { mappingVersion: MAPPING_VERSION, collections };
    },

    /** A collection's copied and quarantined totals as committed. */
    async collectionTotals(input: { runId: string; collection: LegacyCollection }): Promise<{ copied: number; quarantined: number }> {
      const p = (await collectionProgress(db, input.runId)).find((c) => c.collection === input.collection);
      return { copied: p?.copied ?? 0, quarantined: p?.quarantined ?? 0 };
    },

    async setMigrationState(input: { runId: string; phase?: MigrationPhase; status?: MigrationStatus; dualWrite?: boolean; error?: string | null }): Promise<void> {
      const run = await updateMigrationRun(db, input.runId, input);
      if (!run) throw ApplicationFailure.nonRetryable(`migration run ${input.runId} has no row in migration_runs`, 'RunNotFound');
    },

    /** Reads of migrated data now come from PostgreSQL (the server reads this setting per request), and dual-write stops. */
    async cutover(input: { runId: string }): Promise<void> {
      await updateMigrationRun(db, input.runId, { phase: 'cutting_over', dualWrite: false });
      await setDataSource(db, { store: 'postgres', runId: input.runId, at: new Date().toISOString() });
    },

    /** Renames each migrated collection to `<name>_archived_<runId>`: the data stays in MongoDB, out of the old platform's way. */
    async archiveCollections(input: { runId: string; collections: LegacyCollection[] }): Promise<Record<string, string>> {
      const mongo = await source.db();
      const existing = new Set((await mongo.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
      const archived: Record<string, string> = {};
      const suffix = input.runId.replace(/[^A-Za-z0-9]/g, '').slice(0, 16);
      for (const collection of input.collections) {
        const target = `${collection}_archived_${suffix}`;
        // Idempotent: a retry after a rename that succeeded finds the archive already there.
        if (existing.has(collection) && !existing.has(target)) await mongo.collection(collection).rename(target);
        if (existing.has(collection) || existing.has(target)) archived[collection] = target;
        await setCollectionState(db, input.runId, collection, 'archived');
      }
      await updateMigrationRun(db, input.runId, { archivedAs: archived });
      return archived;
    },
  };
}
