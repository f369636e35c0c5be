// Verification: per collection, counts on both sides and, per committed `_id` range, the checksum of the PostgreSQL rows
// against the source's; a range that differs is re-copied from the source and checked again. Quarantined documents count
// on the PostgreSQL side, so every source document is accounted for.
import { Context } from '@temporalio/activity';
import type { LegacyCollection } from '../domain/legacy-model.js';
import type { MigrationStatus, VerifyOutcome } from '../domain/migration-run.js';
import { quarantinedInRange, recountCollection, targetRowsInRange } from '../db/legacy-readback.js';
import { countRecopied, listRanges, markRangeVerified, readCheckpoint, setCollectionState, type MigrationRange } from '../db/migration-runs.js';
import type { Db } from '../db/pool.js';
import { rangeChecksum, type WriteBatch } from './migration-batch.js';
import type { createBackfill } from './migration-backfill.js';
import { collectionSize, idRange, toSourceDoc, type LegacySource } from './legacy-source.js';

export interface VerifyInput {
  runId: string;
  collection: LegacyCollection;
  batchSize: number;
}

export type VerifyResult = ({ stopped: null } & VerifyOutcome) | { stopped: MigrationStatus };

export function createVerify(deps: { db: Db; source: LegacySource; writeBatch: WriteBatch; backfill: ReturnType<typeof createBackfill> }) {
  const { db, source, writeBatch, backfill } = deps;

  const targetMatches = async (runId: string, collection: LegacyCollection, range: MigrationRange, after: string | null) => {
    const rows = await targetRowsInRange(db, collection, after, range.lastId);
    const held = await quarantinedInRange(db, runId, collection, after, range.lastId);
    return rows.length + held.length === range.sourceCount && rangeChecksum(collection, rows) === range.sourceChecksum;
  };

  /** Reads the range again from the source (one cursor over it) and rewrites it in PostgreSQL, stale rows removed. */
  const recopy = async (runId: string, collection: LegacyCollection, range: MigrationRange, after: string | null) => {
    const mongo = await source.db();
    const docs = (await mongo.collection(collection).find(idRange(after, range.lastId)).sort({ _id: 1 }).toArray()).map(toSourceDoc);
    await writeBatch({ runId, collection, docs, seq: range.seq, after, mode: 'recopy', bounds: { firstId: range.firstId, lastId: range.lastId } });
    await countRecopied(db, runId, collection);
  };

  /** Source documents per range, by one `_id`-only cursor: finds ranges that lost or gained documents since their copy. */
  const sourceCountsPerRange = async (collection: LegacyCollection, ranges: readonly MigrationRange[]) => {
    const mongo = await source.db();
    const counts = ranges.map(() => 0);
    let i = 0;
    for await (const doc of mongo.collection(collection).find({}, { projection: { _id: 1 } }).sort({ _id: 1 })) {
      const id = toSourceDoc(doc).legacyId;
      while (i < ranges.length && id > ranges[i]!.lastId) i += 1;
      if (i < ranges.length) counts[i]! += 1;
    }
    return counts;
  };

  return {
    async verifyCollection(input: VerifyInput): Promise<VerifyResult> {
      // Liveness between range checks too: a re-copy or a per-range recount reads the source for a while.
      const ctx = Context.current();
      let last: unknown = { verifiedSeq: null };
      const alive = setInterval(() => ctx.heartbeat(last), 2_000);
      try {
        return await verifyCollection(input, (details) => ctx.heartbeat((last = details)));
      } finally {
        clearInterval(alive);
      }
    },
  };

  async function verifyCollection(input: VerifyInput, beat: (details: unknown) => void): Promise<VerifyResult> {
    const { runId, collection } = input;
    const stopped = async () => {
      const { status } = await readCheckpoint(db, runId, collection);
      return status === 'running' ? null : status;
    };
    const halt = await stopped();
    if (halt) return { stopped: halt };
    await setCollectionState(db, runId, collection, 'verifying');
    const mongo = await source.db();
    let sourceCount = await collectionSize(mongo, collection);
    let ranges = await listRanges(db, runId, collection);
    const inRanges = () => ranges.reduce((n, r) => n + r.sourceCount, 0);
    if (sourceCount !== inRanges()) {
      // Documents written after the copy passed (dual-write inserts get new, higher ids): copy that tail first.
      const tail = await backfill.copyFromCheckpoint(input, beat);
      if (tail.stopped) return { stopped: tail.stopped };
      ranges = await listRanges(db, runId, collection);
      sourceCount = await collectionSize(mongo, collection);
    }
    const suspicious = new Set<number>();
    if (sourceCount !== inRanges()) {
      const counts = await sourceCountsPerRange(collection, ranges);
      ranges.forEach((r, i) => counts[i] !== r.sourceCount && suspicious.add(r.seq));
    }
    let recopied = 0;
    const failed: number[] = [];
    for (const [i, range] of ranges.entries()) {
      if (range.verified && !suspicious.has(range.seq)) continue;
      const after = i === 0 ? null : ranges[i - 1]!.lastId;
      if (suspicious.has(range.seq) || !(await targetMatches(runId, collection, range, after))) {
        await recopy(runId, collection, range, after);
        recopied += 1;
        const fresh = (await listRanges(db, runId, collection)).find((r) => r.seq === range.seq)!;
        if (!(await targetMatches(runId, collection, fresh, after))) {
          failed.push(range.seq);
          continue;
        }
      }
      await markRangeVerified(db, runId, collection, range.seq);
      beat({ verifiedSeq: range.seq });
      if (i % 20 === 19) {
        const h = await stopped();
        if (h) return { stopped: h };
      }
    }
    const totals = await recountCollection(db, runId, collection);
    ranges = await listRanges(db, runId, collection);
    const ok = failed.length === 0 && totals.copied + totals.quarantined === sourceCount;
    if (ok) await setCollectionState(db, runId, collection, 'verified');
    const detail = ok
      ? `${sourceCount} source documents = ${totals.copied} rows + ${totals.quarantined} quarantined; ${ranges.length} ranges match${recopied ? ` (${recopied} re-copied)` : ''}`
      : failed.length
        ? `ranges ${failed.join(', ')} still differ after a re-copy`
        : `${sourceCount} source documents but ${totals.copied} rows + ${totals.quarantined} quarantined`;
    return { stopped: null, collection, sourceCount, targetRows: totals.copied, quarantined: totals.quarantined, ranges: ranges.length, recopiedRanges: recopied, ok, detail };
  }
}
