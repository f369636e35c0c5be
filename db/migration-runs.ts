// Migration runs and their bookkeeping: run rows, per-collection progress, verified `_id` ranges, quarantine, cutover setting.
import { z } from 'zod';
import { UniqueIntegrityConstraintViolationError, type DatabaseTransactionConnection } from 'slonik';
import { TARGET_TABLE, type LegacyCollection } from '../domain/legacy-model.js';
import { MigrationPhase, MigrationStatus, type CollectionProgress } from '../domain/migration-run.js';
import { publishFact, readFact } from './platform-facts.js';
import { sql, type Db } from './pool.js';

export const MigrationRunRow = z.object({
  id: z.string(),
  workflowId: z.string(),
  phase: MigrationPhase,
  status: MigrationStatus,
  dualWrite: z.boolean(),
  mappingVersion: z.number(),
  startedBy: z.string().nullable(),
  error: z.string().nullable(),
  archivedAs: z.record(z.string(), z.string()).nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type MigrationRunRow = z.infer<typeof MigrationRunRow>;

const ProgressRow = z.object({
  collection: z.string(),
  target: z.string(),
  state: z.string(),
  sourceCount: z.number().nullable(),
  copied: z.number(),
  quarantined: z.number(),
  recopiedRanges: z.number(),
  startedAt: z.string().nullable(),
  updatedAt: z.string(),
  finishedAt: z.string().nullable(),
});

export const QuarantineRow = z.object({ collection: z.string(), legacyId: z.string(), reason: z.string(), document: z.unknown(), at: z.string() });
export type QuarantineRow = z.infer<typeof QuarantineRow>;

export class ActiveRunExistsError extends Error {}

/** Registers a run; only one may be running or paused at a time (a unique index decides it, even when starts race). */
export async function insertMigrationRun(db: Db, run: { id: string; workflowId: string; mappingVersion: number; startedBy: string }): Promise<MigrationRunRow> {
  try {
    return await db.one(sql.type(MigrationRunRow)`
      insert into migration_runs (id, workflow_id, phase, status, mapping_version, started_by)
      values (${run.id}, ${run.workflowId}, 'planning', 'running', ${run.mappingVersion}, ${run.startedBy})
      returning *`);
  } catch (error) {
    if (error instanceof UniqueIntegrityConstraintViolationError) {
      const active = await activeMigrationRun(db);
      throw new ActiveRunExistsError(`migration run ${active?.id ?? '(unknown)'} is still ${active?.status ?? 'active'}: finish or abort it first`);
    }
    throw error;
  }
}

export async function activeMigrationRun(db: Db): Promise<MigrationRunRow | null> {
  return db.maybeOne(sql.type(MigrationRunRow)`select * from migration_runs where status in ('running', 'paused') limit 1`);
}

export async function findMigrationRun(db: Db, runId: string): Promise<MigrationRunRow | null> {
  return db.maybeOne(sql.type(MigrationRunRow)`select * from migration_runs where id = ${runId}`);
}

export async function listMigrationRuns(db: Db, limit = 50): Promise<readonly MigrationRunRow[]> {
  return db.any(sql.type(MigrationRunRow)`select * from migration_runs order by created_at desc, id limit ${limit}`);
}

/** Changes what is given; a terminal status also turns dual-write off and stamps the end. */
export async function updateMigrationRun(
  db: Db,
  runId: string,
  change: { phase?: MigrationPhase; status?: MigrationStatus; dualWrite?: boolean; error?: string | null; archivedAs?: Record<string, string> },
): Promise<MigrationRunRow | null> {
  const terminal = change.status === 'aborted' || change.status === 'completed' || change.status === 'failed';
  return db.maybeOne(sql.type(MigrationRunRow)`
    update migration_runs set
      phase = coalesce(${change.phase ?? null}::text, phase),
      status = coalesce(${change.status ?? null}::text, status),
      dual_write = case when ${terminal} then false else coalesce(${change.dualWrite ?? null}::boolean, dual_write) end,
      error = case when ${change.error !== undefined} then ${change.error ?? null}::text else error end,
      archived_as = coalesce(${change.archivedAs ? sql.jsonb(change.archivedAs) : null}::jsonb, archived_as),
      finished_at = case when ${terminal} then now() else finished_at end,
      updated_at = now()
    where id = ${runId}
    returning *`);
}

/** True while a run wants every platform write mirrored into MongoDB (read by the write paths, so no restart is needed). */
export async function dualWriteActive(db: Db): Promise<boolean> {
  return db.oneFirst(sql.type(z.object({ on: z.boolean() }))`
    select exists (select 1 from migration_runs where dual_write and status in ('running', 'paused')) as on`);
}

export async function planCollections(db: Db, runId: string, plan: Array<{ collection: LegacyCollection; sourceCount: number }>): Promise<void> {
  for (const [position, p] of plan.entries()) {
    await db.query(sql.typeAlias('void')`
      insert into migration_collections (run_id, collection, target, position, source_count)
      values (${runId}, ${p.collection}, ${TARGET_TABLE[p.collection]}, ${position}, ${p.sourceCount})
      on conflict (run_id, collection) do update set source_count = excluded.source_count, updated_at = now()`);
  }
}

export async function collectionProgress(db: Db, runId: string): Promise<CollectionProgress[]> {
  const rows = await db.any(sql.type(ProgressRow)`
    select collection, target, state, source_count, copied, quarantined, recopied_ranges, started_at, updated_at, finished_at
    from migration_collections where run_id = ${runId} order by position`);
  return rows as unknown as CollectionProgress[];
}

export async function setCollectionState(db: Db | DatabaseTransactionConnection, runId: string, collection: LegacyCollection, state: string, extra: { sourceCount?: number } = {}): Promise<void> {
  await db.query(sql.typeAlias('void')`
    update migration_collections set state = ${state},
      source_count = coalesce(${extra.sourceCount ?? null}::bigint, source_count),
      started_at = case when ${state} = 'copying' then coalesce(started_at, now()) else started_at end,
      finished_at = case when ${state} = 'copied' then now() else finished_at end,
      updated_at = now()
    where run_id = ${runId} and collection = ${collection}`);
}

export const Checkpoint = z.object({ lastId: z.string().nullable(), nextSeq: z.number(), status: MigrationStatus });
export type Checkpoint = z.infer<typeof Checkpoint>;

/** Where a collection's copy stands: the last committed `_id` and the next range number, with the run's status. */
export async function readCheckpoint(db: Db | DatabaseTransactionConnection, runId: string, collection: LegacyCollection): Promise<Checkpoint> {
  return db.one(sql.type(Checkpoint)`
    select c.last_id, r.status,
      (select coalesce(max(seq) + 1, 0)::int from migration_ranges where run_id = c.run_id and collection = c.collection) as next_seq
    from migration_collections c join migration_runs r on r.id = c.run_id
    where c.run_id = ${runId} and c.collection = ${collection}`);
}

export const MigrationRange = z.object({ seq: z.number(), firstId: z.string(), lastId: z.string(), sourceCount: z.number(), sourceChecksum: z.string(), verified: z.boolean() });
export type MigrationRange = z.infer<typeof MigrationRange>;

export async function listRanges(db: Db, runId: string, collection: LegacyCollection): Promise<readonly MigrationRange[]> {
  return db.any(sql.type(MigrationRange)`
    select seq, first_id, last_id, source_count, source_checksum, verified from migration_ranges
    where run_id = ${runId} and collection = ${collection} order by seq`);
}

export async function markRangeVerified(db: Db, runId: string, collection: LegacyCollection, seq: number): Promise<void> {
  await db.query(sql.typeAlias('void')`update migration_ranges set verified = true where run_id = ${runId} and collection = ${collection} and seq = ${seq}`);
}

export async function countRecopied(db: Db, runId: string, collection: LegacyCollection): Promise<void> {
  await db.query(sql.typeAlias('void')`
    update migration_collections set recopied_ranges = recopied_ranges + 1, updated_at = now() where run_id = ${runId} and collection = ${collection}`);
}

export async function listQuarantine(db: Db, runId: string, limit = 200): Promise<{ total: number; rows: readonly QuarantineRow[] }> {
  const total = await db.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from migration_quarantine where run_id = ${runId}`);
  const rows = await db.any(sql.type(QuarantineRow)`
    select collection, legacy_id, reason, document, at from migration_quarantine where run_id = ${runId}
    order by collection, legacy_id limit ${limit}`);
  return { total, rows };
}

/** The cutover setting: which store the platform's migrated data is served from. The server reads it per request. */
export const DataSource = z.object({ store: z.enum(['mongo', 'postgres']), runId: z.string().nullable(), at: z.string() });
export type DataSource = z.infer<typeof DataSource>;
const DATA_SOURCE_FACT = 'data_source';

export async function readDataSource(db: Db): Promise<DataSource | null> {
  return readFact(db, DATA_SOURCE_FACT, DataSource);
}

export async function setDataSource(db: Db, value: DataSource): Promise<void> {
  await publishFact(db, DATA_SOURCE_FACT, value);
}
