// Backfill: one long-running activity per collection reads it with ONE cursor sorted by `_id` and writes batches; each
// commit moves the checkpoint in PostgreSQL and is heartbeated, so a retried activity resumes with `{ _id: { $gt: last } }`.
import { Context, log } from '@temporalio/activity';
import type { LegacyCollection } from '../domain/legacy-model.js';
import type { MigrationStatus } from '../domain/migration-run.js';
import { readCheckpoint, setCollectionState } from '../db/migration-runs.js';
import type { Db } from '../db/pool.js';
import type { BatchResult, WriteBatch } from './migration-batch.js';
import { idRange, toSourceDoc, type LegacySource, type SourceDoc } from './legacy-source.js';

export interface BackfillInput {
  runId: string;
  collection: LegacyCollection;
  batchSize: number;
}

export interface BackfillResult {
  /** Set when the run was paused or aborted: the copy stopped after its last committed batch. */
  stopped: MigrationStatus | null;
  lastId: string | null;
  batches: number;
}

/** What each heartbeat carries: the last `_id` committed to PostgreSQL. */
export interface BackfillHeartbeat {
  lastId: string | null;
  seq: number;
}

export function createBackfill(deps: { db: Db; source: LegacySource; writeBatch: WriteBatch }) {
  const { db, source, writeBatch } = deps;

  /** Copies every document after the collection's checkpoint; used by the backfill and by verification for a late tail. */
  async function copyFromCheckpoint(input: BackfillInput, beat: (h: BackfillHeartbeat) => void): Promise<BackfillResult> {
    const { runId, collection, batchSize } = input;
    const checkpoint = await readCheckpoint(db, runId, collection);
    if (checkpoint.status !== 'running') return { stopped: checkpoint.status, lastId: checkpoint.lastId, batches: 0 };
    const mongo = await source.db();
    let lastId = checkpoint.lastId;
    let seq = checkpoint.nextSeq;
    let batches = 0;
    const cursor = mongo.collection(collection).find(idRange(lastId)).sort({ _id: 1 }).batchSize(batchSize);
    let pending: Promise<BatchResult> | null = null;
    // The write of batch N runs while the cursor reads batch N+1: waiting for it is the only pause in the read.
    const settle = async (): Promise<MigrationStatus> => {
      if (!pending) return 'running';
      const done = await pending;
      pending = null;
      batches += 1;
      beat({ lastId: done.lastId, seq });
      return done.status;
    };
    let batch: SourceDoc[] = [];
    let after = lastId;
    const dispatch = () => {
      const docs = batch;
      batch = [];
      const thisSeq = seq++;
      const write = writeBatch({ runId, collection, docs, seq: thisSeq, after, mode: 'copy' });
      // settle() takes its failure; until then the cursor is read, and a rejection with no handler meanwhile (PostgreSQL
      // gone mid-batch) would end the whole worker process as an unhandled rejection.
      write.catch(() => {});
      pending = write;
      after = docs.at(-1)!.legacyId;
    };
    try {
      for await (const doc of cursor) {
        batch.push(toSourceDoc(doc));
        if (batch.length < batchSize) continue;
        const status = await settle();
        if (status !== 'running') return { stopped: status, lastId: after, batches };
        dispatch();
      }
      const status = await settle();
      if (status !== 'running') return { stopped: status, lastId: after, batches };
      if (batch.length) dispatch();
      const last = await settle();
      lastId = after;
      return { stopped: last === 'running' ? null : last, lastId, batches };
    } finally {
      // A failed write must not leave a rejected promise behind: the activity fails with the first error.
      if (pending) await (pending as Promise<BatchResult>).catch(() => {});
      await cursor.close().catch(() => {});
    }
  }

  return {
    copyFromCheckpoint,

    /** The backfill of one collection. Retries resume from the committed checkpoint, which the heartbeats carry. */
    async backfillCollection(input: BackfillInput): Promise<BackfillResult> {
      const ctx = Context.current();
      const resumed = ctx.info.heartbeatDetails as BackfillHeartbeat | undefined;
      const checkpoint = await readCheckpoint(db, input.runId, input.collection);
      // The checkpoint row commits with each batch; a heartbeat is sent right after. They agree unless the worker died in
      // between, and then the checkpoint (never ahead of the data) decides.
      if (resumed && resumed.lastId !== checkpoint.lastId) {
        log.info('heartbeat and checkpoint differ; resuming from the committed checkpoint', { heartbeat: resumed.lastId, checkpoint: checkpoint.lastId });
      }
      if (resumed) log.info('backfill resumes', { collection: input.collection, after: checkpoint.lastId, attempt: ctx.info.attempt });
      await setCollectionState(db, input.runId, input.collection, 'copying');
      // Beats between commits too (a first batch of a big collection can take a while), always with the last committed id.
      let last: BackfillHeartbeat = { lastId: checkpoint.lastId, seq: checkpoint.nextSeq };
      const alive = setInterval(() => ctx.heartbeat(last), 2_000);
      let result: BackfillResult;
      try {
        result = await copyFromCheckpoint(input, (h) => ctx.heartbeat((last = h)));
      } finally {
        clearInterval(alive);
      }
      if (!result.stopped) await setCollectionState(db, input.runId, input.collection, 'copied');
      return result;
    },
  };
}
