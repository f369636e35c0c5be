// One batch of legacy documents into PostgreSQL, in one transaction: map, upsert, quarantine what cannot be mapped, and
// record the batch as an `_id` range with the source's count and checksum (plus, for a copy, the collection's checkpoint).
import { createHash, randomBytes } from 'node:crypto';
import type { LegacyCollection } from '../domain/legacy-model.js';
import { checksumLine, mapLegacy, parseLegacy, type AnyRow, type ParsedDoc } from '../domain/legacy-mapping.js';
import type { MigrationStatus } from '../domain/migration-run.js';
import { deleteStaleInRange, quarantine, recordRange, unquarantine, type QuarantineItem } from '../db/legacy-readback.js';
import { refKey, resolveLegacyRefs, writeTargetRows, type TargetWriteContext } from '../db/legacy-targets.js';
import { readCheckpoint } from '../db/migration-runs.js';
import type { Db } from '../db/pool.js';
import { accountCredentialsPlace, botCredentialsPlace, type SecretBox } from '../db/secret-box.js';
import type { SourceDoc } from './legacy-source.js';

export interface BatchDeps {
  db: Db;
  box: SecretBox;
}

export interface BatchInput {
  runId: string;
  collection: LegacyCollection;
  docs: SourceDoc[];
  seq: number;
  /** The previous range's last id: this range is `(after, lastId]`. */
  after: string | null;
  /** `copy` moves the checkpoint; `recopy` repairs a range in place and removes what the source no longer has. */
  mode: 'copy' | 'recopy';
  /** For a recopy whose range is now empty: the bounds it had. */
  bounds?: { firstId: string; lastId: string };
}

export interface BatchResult {
  copied: number;
  quarantined: number;
  lastId: string;
  status: MigrationStatus;
}

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The checksum of a range: its rows' lines in legacy-id order. Both sides of the verification use it. */
export function rangeChecksum(collection: LegacyCollection, rows: readonly AnyRow[]): string {
  const hash = createHash('sha256');
  for (const row of [...rows].sort((a, b) => (a.legacyId < b.legacyId ? -1 : a.legacyId > b.legacyId ? 1 : 0))) hash.update(checksumLine(collection, row));
  return hash.digest('hex');
}

export function createBatchWriter({ db, box }: BatchDeps) {
  const ctx: TargetWriteContext = {
    sealAccountCredentials: (accountId, plain) => box.seal(plain, accountCredentialsPlace(accountId)),
    sha256,
    newBotCredentials: (botId) =>
      box.seal(
        JSON.stringify({ username: `tf-${randomBytes(4).toString('hex')}`, password: randomBytes(24).toString('base64url'), jwtSecret: randomBytes(48).toString('base64url') }),
        botCredentialsPlace(botId),
      ),
  };

  return async function writeBatch(input: BatchInput): Promise<BatchResult> {
    const { runId, collection, docs } = input;
    const held: QuarantineItem[] = [];
    const parsed: Array<{ doc: ParsedDoc; raw: unknown }> = [];
    for (const d of docs) {
      const p = parseLegacy(collection, d.raw);
      if (p.ok) parsed.push({ doc: p.doc, raw: d.raw });
      else held.push({ legacyId: d.legacyId, reason: p.reason, document: d.raw });
    }
    return db.transaction(async (tx) => {
      const resolved = await resolveLegacyRefs(tx, parsed.flatMap((p) => p.doc.refs));
      const rows: AnyRow[] = [];
      const rawOf = new Map<string, unknown>();
      for (const p of parsed) {
        const m = mapLegacy(collection, p.doc, (ref) => resolved.get(refKey(ref)) ?? null);
        rawOf.set(p.doc.legacyId, p.raw);
        if (m.ok) rows.push(m.row);
        else held.push({ legacyId: p.doc.legacyId, reason: m.reason, document: p.raw });
      }
      const outcome = await writeTargetRows(tx, collection, rows, ctx);
      const refused = new Set(outcome.conflicts.map((c) => c.legacyId));
      for (const c of outcome.conflicts) held.push({ legacyId: c.legacyId, reason: c.reason, document: rawOf.get(c.legacyId) });
      const kept = rows.filter((r) => !refused.has(r.legacyId));
      await quarantine(tx, runId, collection, held);
      await unquarantine(tx, runId, collection, kept.map((r) => r.legacyId));
      const firstId = docs[0]?.legacyId ?? input.bounds?.firstId ?? '';
      const lastId = docs.at(-1)?.legacyId ?? input.bounds?.lastId ?? '';
      if (input.mode === 'recopy') await deleteStaleInRange(tx, runId, collection, input.after, lastId, docs.map((d) => d.legacyId));
      await recordRange(tx, runId, collection, { seq: input.seq, firstId, lastId, sourceCount: docs.length, sourceChecksum: rangeChecksum(collection, kept) }, {
        copied: kept.length,
        quarantined: held.length,
        advance: input.mode === 'copy',
      });
      const { status } = await readCheckpoint(tx, runId, collection);
      return { copied: kept.length, quarantined: held.length, lastId, status };
    });
  };
}
export type WriteBatch = ReturnType<typeof createBatchWriter>;
